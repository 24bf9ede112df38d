// Checkpoint file reading and writing (see checkpoint.h). Written through io::writeFileOrThrow
// (temporary file, fsync, rename), so a crash or a full disk never destroys the last good
// checkpoint; read through io::readFileBounded with every length checked before use.
#include "checkpoint.h"

#include "io/safe_file.h"

#include <array>
#include <cstring>
#include <stdexcept>
#include <string_view>

namespace tcw::train {

namespace {
// Appends values to the file's bytes; the file is written in one go by io::writeFileOrThrow.
class Writer {
public:
    template <typename T> void put(const T& v) { m_bytes.append(reinterpret_cast<const char*>(&v), sizeof(T)); }
    void floats(const std::vector<float>& v) {
        put<std::uint64_t>(v.size());
        m_bytes.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
    }
    void count(const SparsityCount& c) {
        put(c.zeros);
        put(c.elements);
    }
    const std::string& bytes() const { return m_bytes; }

private:
    std::string m_bytes;
};

// Reads values from the file's bytes; every length is checked against what is left before
// anything is allocated, so a crafted header cannot ask for more memory than the file holds.
class Reader {
public:
    Reader(std::string_view bytes, const std::string& path) : m_bytes(bytes), m_path(path) {}
    template <typename T> T get(const char* what) {
        T v{};
        if (m_bytes.size() - m_at < sizeof(T))
            throw std::runtime_error(m_path + ": truncated checkpoint (it ends inside " + what + ", at byte " +
                                     std::to_string(m_at) + ")");
        std::memcpy(&v, m_bytes.data() + m_at, sizeof(T));
        m_at += sizeof(T);
        return v;
    }
    std::vector<float> floats(const char* what) {
        const auto n = get<std::uint64_t>(what);
        const std::uint64_t left = (m_bytes.size() - m_at) / sizeof(float);
        if (n > left)
            throw std::runtime_error(m_path + ": corrupt checkpoint (" + what + " claims " + std::to_string(n) +
                                     " floats; the file holds at most " + std::to_string(left) + " more)");
        std::vector<float> v(n);
        if (n != 0) // an empty vector's data() may be null, which memcpy must not get
            std::memcpy(v.data(), m_bytes.data() + m_at, n * sizeof(float));
        m_at += n * sizeof(float);
        return v;
    }
    SparsityCount count(const char* what) {
        SparsityCount c;
        c.zeros = get<std::int64_t>(what);
        c.elements = get<std::int64_t>(what);
        if (c.zeros < 0 || c.elements < 0 || c.zeros > c.elements)
            throw std::runtime_error(m_path + ": corrupt checkpoint (" + what + ": " + std::to_string(c.zeros) +
                                     " zeros of " + std::to_string(c.elements) + " elements)");
        return c;
    }
    bool atEnd() const { return m_at == m_bytes.size(); }

private:
    std::string_view m_bytes;
    std::size_t m_at = 0;
    std::string m_path;
};

// Layers in a checkpoint: far above any trainable FlexiBERT 2.0 model, a guard on the loops.
constexpr std::uint32_t kMaxCheckpointLayers = 4096;
// Steps: beyond this, step + 1 and the schedule's arithmetic would lose precision.
constexpr std::int64_t kMaxCheckpointStep = std::int64_t(1) << 50;
} // namespace

void saveCheckpoint(const std::string& path, const CheckpointState& s) {
    Writer w;
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
    // Issue 15: the quantizers' counts, after everything older builds wrote (which read them as 0).
    for (const auto& c : s.accumulated) {
        w.put(c.activationQuantizerZeros);
        w.count(c.latentWeight);
    }
    // Temporary file, fsync, rename: a full disk is an error and the last good checkpoint stays.
    // The run owns its checkpoint, so an earlier one is replaced.
    io::writeFileOrThrow(path, w.bytes(), io::WriteOptions{.overwrite = true});
}

CheckpointState loadCheckpoint(const std::string& path) {
    const io::ReadResult file = io::readFileBounded(path, io::kMaxBinaryDataBytes, "a checkpoint");
    if (!file.ok())
        throw std::runtime_error(path + ": " + file.error);
    Reader r(file.bytes, path);
    if (r.get<std::uint32_t>("the magic number") != kCheckpointMagic)
        throw std::runtime_error(path + ": not a TransCODE Workbench checkpoint (wrong magic number)");
    const auto version = r.get<std::uint32_t>("the version");
    if (version != kCheckpointVersion)
        throw std::runtime_error(path + ": checkpoint format version " + std::to_string(version) +
                                 " is not supported (this build reads version " + std::to_string(kCheckpointVersion) +
                                 ")");
    CheckpointState s;
    s.modelFingerprint = r.get<std::uint64_t>("the model fingerprint");
    s.step = r.get<std::int64_t>("the step counter");
    if (s.step < 0 || s.step > kMaxCheckpointStep)
        throw std::runtime_error(path + ": corrupt checkpoint (step counter " + std::to_string(s.step) +
                                 "; it must be between 0 and " + std::to_string(kMaxCheckpointStep) + ")");
    s.seed = r.get<std::uint64_t>("the seed");
    s.parameters = r.floats("the parameter array");
    s.firstMoment = r.floats("the first-moment array");
    s.secondMoment = r.floats("the second-moment array");
    const auto layers = r.get<std::uint32_t>("the layer count");
    if (layers > kMaxCheckpointLayers)
        throw std::runtime_error(path + ": corrupt checkpoint (" + std::to_string(layers) + " layers; at most " +
                                 std::to_string(kMaxCheckpointLayers) + ")");
    for (std::uint32_t l = 0; l < layers; ++l) {
        std::array<float, kActivationKindCount> act{};
        for (float& t : act)
            t = r.get<float>("the thresholds");
        s.thresholds.activation.push_back(act);
        s.thresholds.activationGradient.push_back(r.get<float>("the thresholds"));
        s.thresholds.weightGradient.push_back(r.get<float>("the thresholds"));
    }
    s.calibrated = r.get<std::uint8_t>("the calibration flag") != 0;
    s.pruneRandomState = r.get<std::uint64_t>("the pruning random state");
    const auto counted = r.get<std::uint32_t>("the sparsity-count layers");
    if (counted > kMaxCheckpointLayers)
        throw std::runtime_error(path + ": corrupt checkpoint (" + std::to_string(counted) + " count layers; at most " +
                                 std::to_string(kMaxCheckpointLayers) + ")");
    for (std::uint32_t l = 0; l < counted; ++l) {
        LayerSparsityCounts c;
        for (auto& a : c.activation)
            a = r.count("the activation sparsity counts");
        c.activationGradient = r.count("the activation-gradient sparsity counts");
        c.weightGradient = r.count("the weight-gradient sparsity counts");
        c.weight = r.count("the weight sparsity counts");
        s.accumulated.push_back(c);
    }
    if (!r.atEnd()) // issue 15: the quantizers' counts (absent in older checkpoints)
        for (auto& c : s.accumulated) {
            c.activationQuantizerZeros = r.get<std::int64_t>("the quantizers' activation zero counts");
            c.latentWeight = r.count("the latent weight sparsity counts");
            const std::int64_t consumed = c.activationTotal().zeros + c.activationQuantizerZeros;
            if (consumed < 0 || consumed > c.activationTotal().elements)
                throw std::runtime_error(path + ": corrupt checkpoint (the quantizers' activation zero count " +
                                         std::to_string(c.activationQuantizerZeros) + " leaves " +
                                         std::to_string(consumed) + " zeros of " +
                                         std::to_string(c.activationTotal().elements) + " elements)");
        }
    if (!r.atEnd())
        throw std::runtime_error(path + ": corrupt checkpoint (bytes after its last field)");
    return s;
}

} // namespace tcw::train
