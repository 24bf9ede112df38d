// The messages of a distributed search, as bytes: a little-endian binary layout of fixed-width
// numbers and length-prefixed strings; designs travel as workbench JSON, a search's
// configuration as the JSON the workspace stores. Decoding bad bytes throws
// std::runtime_error naming the message and what was missing.
#pragma once

#include "codesign/search_session.h"
#include "search/accuracy.h"
#include "search/search_config.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace tcw::cluster {

// MPI tags of the messages between rank 0 and the workers.
enum Tag : int {
    kSetupTag = 1,    // 0 → worker: a search's configuration and accuracy inputs
    kReadyTag = 2,    // worker → 0: set up (its oracle's description) or the setup error
    kEstimateTag = 3, // 0 → worker: a job: estimate one model's accuracy
    kResultTag = 4,   // worker → 0: the job's estimate, or its error message
    kStopTag = 5,     // 0 → worker: no more work, leave
};

class Writer {
public:
    void u64(std::uint64_t v);
    void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
    void f64(double v);
    void text(std::string_view v);
    std::string take() { return std::move(m_bytes); }

private:
    std::string m_bytes;
};

class Reader {
public:
    Reader(std::string_view bytes, std::string what) : m_bytes(bytes), m_what(std::move(what)) {}
    std::uint64_t u64();
    std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
    double f64();
    std::string text();

private:
    void need(std::size_t n, const char* field) const;
    std::string_view m_bytes;
    std::size_t m_at = 0;
    std::string m_what;
};

struct SearchSetup {
    search::SearchConfig config;
    codesign::AccuracyInputs inputs;
    int slots = 1; // evaluations a worker runs at once
};
std::string encodeSetup(const SearchSetup& setup);
SearchSetup decodeSetup(std::string_view bytes);

std::string encodeModel(const TransformerSpec& model);
TransformerSpec decodeModel(std::string_view json);

void writeEstimate(Writer& w, const search::AccuracyEstimate& e);
search::AccuracyEstimate readEstimate(Reader& r);

} // namespace tcw::cluster
