// Checkpoint file reading and writing (see checkpoint.h). Written to PATH.tmp and renamed,
// so a crash while saving never destroys the last good checkpoint.
#include "checkpoint.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace tcw::train {

namespace {
class Writer {
public:
    explicit Writer(std::ofstream& out) : m_out(out) {}
    template <typename T> void put(const T& v) { m_out.write(reinterpret_cast<const char*>(&v), sizeof(T)); }
    void floats(const std::vector<float>& v) {
        put<std::uint64_t>(v.size());
        m_out.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(float)));
    }
    void count(const SparsityCount& c) {
        put(c.zeros);
        put(c.elements);
    }

private:
    std::ofstream& m_out;
};

class Reader {
public:
    Reader(std::ifstream& in, const std::string& path) : m_in(in), m_path(path) {}
    template <typename T> T get() {
        T v{};
        m_in.read(reinterpret_cast<char*>(&v), sizeof(T));
        if (!m_in)
            throw std::runtime_error(m_path + ": truncated checkpoint");
        return v;
    }
    std::vector<float> floats() {
        const auto n = get<std::uint64_t>();
        if (n > (1ull << 34))
            throw std::runtime_error(m_path + ": corrupt checkpoint (array of " + std::to_string(n) + " floats)");
        std::vector<float> v(n);
        m_in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(n * sizeof(float)));
        if (!m_in)
            throw std::runtime_error(m_path + ": truncated checkpoint");
        return v;
    }
    SparsityCount count() {
        SparsityCount c;
        c.zeros = get<std::int64_t>();
        c.elements = get<std::int64_t>();
        return c;
    }

private:
    std::ifstream& m_in;
    std::string m_path;
};
} // namespace

void saveCheckpoint(const std::string& path, const CheckpointState& s) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
            throw std::runtime_error(tmp + ": cannot write the checkpoint");
        Writer w(out);
        w.put(kCheckpointMagic);
        w.put(kCheckpointVersion);
        w.put(s.modelFingerprint);
        w.put(s.step);
        w.put(s.seed);
        w.floats(s.parameters);
        w.floats(s.firstMoment);
        w.floats(s.secondMoment);
        const auto layers = static_cast<std::uint32_t>(s.thresholds.activation.size());
        w.put(layers);
        for (std::uint32_t l = 0; l < layers; ++l) {
            for (float t : s.thresholds.activation[l])
                w.put(t);
            w.put(s.thresholds.activationGradient[l]);
            w.put(s.thresholds.weightGradient[l]);
        }
        w.put<std::uint8_t>(s.calibrated ? 1 : 0);
        w.put(s.pruneRandomState);
        w.put(static_cast<std::uint32_t>(s.accumulated.size()));
        for (const auto& c : s.accumulated) {
            for (const auto& a : c.activation)
                w.count(a);
            w.count(c.activationGradient);
            w.count(c.weightGradient);
            w.count(c.weight);
        }
        if (!out)
            throw std::runtime_error(tmp + ": write failed");
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec)
        throw std::runtime_error(path + ": cannot replace the checkpoint: " + ec.message());
}

CheckpointState loadCheckpoint(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error(path + ": cannot open the checkpoint");
    Reader r(in, path);
    if (r.get<std::uint32_t>() != kCheckpointMagic)
        throw std::runtime_error(path + ": not a TransCODE Workbench checkpoint (wrong magic number)");
    const auto version = r.get<std::uint32_t>();
    if (version != kCheckpointVersion)
        throw std::runtime_error(path + ": checkpoint format version " + std::to_string(version) +
                                 " is not supported (this build reads version " + std::to_string(kCheckpointVersion) +
                                 ")");
    CheckpointState s;
    s.modelFingerprint = r.get<std::uint64_t>();
    s.step = r.get<std::int64_t>();
    s.seed = r.get<std::uint64_t>();
    s.parameters = r.floats();
    s.firstMoment = r.floats();
    s.secondMoment = r.floats();
    const auto layers = r.get<std::uint32_t>();
    if (layers > 4096)
        throw std::runtime_error(path + ": corrupt checkpoint (" + std::to_string(layers) + " layers)");
    for (std::uint32_t l = 0; l < layers; ++l) {
        std::array<float, kActivationKindCount> act{};
        for (float& t : act)
            t = r.get<float>();
        s.thresholds.activation.push_back(act);
        s.thresholds.activationGradient.push_back(r.get<float>());
        s.thresholds.weightGradient.push_back(r.get<float>());
    }
    s.calibrated = r.get<std::uint8_t>() != 0;
    s.pruneRandomState = r.get<std::uint64_t>();
    const auto counted = r.get<std::uint32_t>();
    if (counted > 4096)
        throw std::runtime_error(path + ": corrupt checkpoint (" + std::to_string(counted) + " count layers)");
    for (std::uint32_t l = 0; l < counted; ++l) {
        LayerSparsityCounts c;
        for (auto& a : c.activation)
            a = r.count();
        c.activationGradient = r.count();
        c.weightGradient = r.count();
        c.weight = r.count();
        s.accumulated.push_back(c);
    }
    return s;
}

} // namespace tcw::train
