// Byte layouts of the distributed search's messages (see wire.h).
#include "wire.h"

#include "io/formats.h"
#include "io/search_json.h"

#include <cstring>
#include <stdexcept>

namespace tcw::cluster {

void Writer::u64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i)
        m_bytes.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void Writer::f64(double v) {
    std::uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof bits);
    u64(bits);
}

void Writer::text(std::string_view v) {
    u64(v.size());
    m_bytes.append(v);
}

void Reader::need(std::size_t n, const char* field) const {
    if (m_bytes.size() - m_at < n)
        throw std::runtime_error(m_what + ": the message ends before its " + field + " (" +
                                 std::to_string(m_bytes.size()) + " bytes)");
}

std::uint64_t Reader::u64() {
    need(8, "next number");
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
        v |= static_cast<std::uint64_t>(static_cast<unsigned char>(m_bytes[m_at + i])) << (8 * i);
    m_at += 8;
    return v;
}

double Reader::f64() {
    const std::uint64_t bits = u64();
    double v = 0;
    std::memcpy(&v, &bits, sizeof v);
    return v;
}

std::string Reader::text() {
    const std::uint64_t n = u64();
    need(n, "text");
    std::string v(m_bytes.substr(m_at, n));
    m_at += n;
    return v;
}

std::string encodeModel(const TransformerSpec& model) {
    return io::formatDocument(io::Document{model}, io::FileFormat::WorkbenchJson).text;
}

TransformerSpec decodeModel(std::string_view json) {
    const auto doc = io::parseDocument(json, io::Syntax::Json, "model from rank 0");
    if (!doc || !std::holds_alternative<TransformerSpec>(*doc.value))
        throw std::runtime_error("model from rank 0 is not a transformer: " + doc.errors.toString());
    return std::get<TransformerSpec>(*doc.value);
}

namespace {

std::shared_ptr<const SparsityProfile> decodeProfile(const std::string& text, const char* what) {
    if (text.empty())
        return nullptr;
    const auto doc = io::parseDocument(text, io::Syntax::Json, what);
    if (!doc || !std::holds_alternative<SparsityProfile>(*doc.value))
        throw std::runtime_error(std::string(what) + " is not a sparsity profile: " + doc.errors.toString());
    return std::make_shared<SparsityProfile>(std::get<SparsityProfile>(*doc.value));
}

} // namespace

std::string encodeSetup(const SearchSetup& s) {
    Writer w;
    w.text(io::searchConfigJson(s.config));
    w.u64(static_cast<std::uint64_t>(s.slots));
    const search::AccuracyTable& t = s.inputs.table;
    w.text(t.name);
    w.text(t.source);
    w.u64(t.entries.size());
    for (const auto& e : t.entries) {
        w.text(e.id);
        w.text(encodeModel(e.model));
        w.u64(e.accuracy ? 1 : 0);
        w.f64(e.accuracy.value_or(0));
    }
    w.u64(s.inputs.trainings.size());
    for (const auto& [key, c] : s.inputs.trainings) {
        w.text(key);
        w.i64(c.runId);
        w.f64(c.accuracy);
        w.text(c.profile ? io::sparsityProfileText(*c.profile) : std::string());
    }
    return w.take();
}

SearchSetup decodeSetup(std::string_view bytes) {
    Reader r(bytes, "search set-up from rank 0");
    SearchSetup s;
    const auto config = io::parseSearchConfig(r.text(), "search set-up from rank 0");
    if (!config)
        throw std::runtime_error(config.errors.toString());
    s.config = *config;
    s.slots = static_cast<int>(r.u64());
    search::AccuracyTable& t = s.inputs.table;
    t.name = r.text();
    t.source = r.text();
    for (std::uint64_t n = r.u64(), i = 0; i < n; ++i) {
        search::AccuracyTable::Entry e;
        e.id = r.text();
        e.model = decodeModel(r.text());
        const bool known = r.u64() != 0;
        const double accuracy = r.f64();
        if (known)
            e.accuracy = accuracy;
        t.entries.push_back(std::move(e));
    }
    for (std::uint64_t n = r.u64(), i = 0; i < n; ++i) {
        std::string key = r.text();
        codesign::CachedTraining c;
        c.runId = r.i64();
        c.accuracy = r.f64();
        c.profile = decodeProfile(r.text(), "cached training profile from rank 0");
        s.inputs.trainings.emplace(std::move(key), std::move(c));
    }
    return s;
}

void writeEstimate(Writer& w, const search::AccuracyEstimate& e) {
    w.f64(e.value);
    w.f64(e.stdDev);
    w.u64(static_cast<std::uint64_t>(e.origin));
    w.text(e.detail);
    w.u64(e.training ? 1 : 0);
    if (!e.training)
        return;
    const search::TrainingOutcome& t = *e.training;
    w.text(t.dataset);
    w.text(t.configJson);
    w.u64(t.curve.size());
    for (const auto& p : t.curve) {
        w.i64(p.step);
        for (double v : {p.trainLoss, p.trainAccuracy, p.learningRate, p.activationSparsity,
                         p.activationGradientSparsity, p.weightGradientSparsity, p.elapsedSeconds})
            w.f64(v);
        w.u64(p.testAccuracy ? 1 : 0);
        w.f64(p.testAccuracy.value_or(0));
    }
    w.text(t.curvesJson);
    w.text(t.sparsityProfileJson);
    w.text(t.profile ? io::sparsityProfileText(*t.profile) : std::string());
    w.f64(t.finalAccuracy);
    w.f64(t.seconds);
    w.u64(t.cachedRunId ? 1 : 0);
    w.i64(t.cachedRunId.value_or(0));
}

search::AccuracyEstimate readEstimate(Reader& r) {
    search::AccuracyEstimate e;
    e.value = r.f64();
    e.stdDev = r.f64();
    e.origin = static_cast<search::AccuracyOrigin>(r.u64());
    e.detail = r.text();
    if (r.u64() == 0)
        return e;
    auto t = std::make_shared<search::TrainingOutcome>();
    t->dataset = r.text();
    t->configJson = r.text();
    for (std::uint64_t n = r.u64(), i = 0; i < n; ++i) {
        search::TrainingCurvePoint p;
        p.step = r.i64();
        for (double* v : {&p.trainLoss, &p.trainAccuracy, &p.learningRate, &p.activationSparsity,
                          &p.activationGradientSparsity, &p.weightGradientSparsity, &p.elapsedSeconds})
            *v = r.f64();
        const bool hasTest = r.u64() != 0;
        const double test = r.f64();
        if (hasTest)
            p.testAccuracy = test;
        t->curve.push_back(p);
    }
    t->curvesJson = r.text();
    t->sparsityProfileJson = r.text();
    t->profile = decodeProfile(r.text(), "measured sparsity profile from a worker");
    t->finalAccuracy = r.f64();
    t->seconds = r.f64();
    const bool cached = r.u64() != 0;
    const std::int64_t runId = r.i64();
    if (cached)
        t->cachedRunId = runId;
    e.training = std::move(t);
    return e;
}

} // namespace tcw::cluster
