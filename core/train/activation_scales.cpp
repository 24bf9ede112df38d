#include "activation_scales.h"

#include "io/safe_file.h"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string_view>

namespace tcw::train {

namespace {

// Far above any model's quantizer count (layers × sites × tensors), a guard on the loop.
constexpr std::uint32_t kMaxQuantizers = 1u << 20;
constexpr std::uint64_t kMaxShiftChannels = 1u << 20;

class Reader {
public:
    Reader(std::string_view bytes, const std::string& path) : m_bytes(bytes), m_path(path) {}
    template <typename T> T get(const char* what) {
        T v{};
        if (m_bytes.size() - m_at < sizeof(T))
            throw std::runtime_error(m_path + ": truncated activation-scales file (it ends inside " + what +
                                     ", at byte " + std::to_string(m_at) + ")");
        std::memcpy(&v, m_bytes.data() + m_at, sizeof(T));
        m_at += sizeof(T);
        return v;
    }
    bool atEnd() const { return m_at == m_bytes.size(); }
    [[noreturn]] void corrupt(const std::string& why) const {
        throw std::runtime_error(m_path + ": corrupt activation-scales file (" + why + ")");
    }
    std::size_t left() const { return m_bytes.size() - m_at; }

private:
    std::string_view m_bytes;
    std::size_t m_at = 0;
    std::string m_path;
};

} // namespace

std::string activationScalesPath(const std::string& checkpointPath) {
    return std::filesystem::path(checkpointPath).replace_extension(".scales").string();
}

std::vector<StoredActivationQuantizer> storedQuantizers(const ActivationQuantization& quantization) {
    std::vector<StoredActivationQuantizer> out;
    for (const auto& [key, e] : quantization.quantizers())
        out.push_back({e.layer, e.site, e.index, e.kind, e.bits, e.scale, e.shift});
    return out;
}

void saveActivationScales(const std::string& path, const ActivationScales& s) {
    std::string bytes;
    auto put = [&](const auto& v) { bytes.append(reinterpret_cast<const char*>(&v), sizeof(v)); };
    put(kActivationScalesMagic);
    put(kActivationScalesVersion);
    put(s.modelFingerprint);
    put(static_cast<std::uint32_t>(s.quantizers.size()));
    for (const StoredActivationQuantizer& q : s.quantizers) {
        put(static_cast<std::int32_t>(q.layer));
        put(static_cast<std::uint8_t>(q.site));
        put(static_cast<std::int32_t>(q.index));
        put(static_cast<std::uint8_t>(q.kind));
        put(static_cast<std::int32_t>(q.bits));
        put(q.scale);
        put(static_cast<std::uint64_t>(q.shift.size()));
        bytes.append(reinterpret_cast<const char*>(q.shift.data()), q.shift.size() * sizeof(float));
    }
    // The run owns this file like its checkpoint: an earlier one is replaced.
    io::writeFileOrThrow(path, bytes, io::WriteOptions{.overwrite = true});
}

ActivationScales loadActivationScales(const std::string& path) {
    const io::ReadResult file = io::readFileBounded(path, io::kMaxBinaryDataBytes, "an activation-scales file");
    if (!file.ok())
        throw std::runtime_error(path + ": " + file.error);
    Reader r(file.bytes, path);
    if (r.get<std::uint32_t>("the magic number") != kActivationScalesMagic)
        throw std::runtime_error(path + ": not a TransCODE Workbench activation-scales file (wrong magic number)");
    if (const auto version = r.get<std::uint32_t>("the version"); version != kActivationScalesVersion)
        throw std::runtime_error(path + ": activation-scales format version " + std::to_string(version) +
                                 " is not supported (this build reads version " +
                                 std::to_string(kActivationScalesVersion) + ")");
    ActivationScales s;
    s.modelFingerprint = r.get<std::uint64_t>("the model fingerprint");
    const auto count = r.get<std::uint32_t>("the quantizer count");
    if (count > kMaxQuantizers)
        r.corrupt(std::to_string(count) + " quantizers; at most " + std::to_string(kMaxQuantizers));
    for (std::uint32_t i = 0; i < count; ++i) {
        StoredActivationQuantizer q;
        q.layer = r.get<std::int32_t>("a quantizer's layer");
        const auto site = r.get<std::uint8_t>("a quantizer's site");
        q.index = r.get<std::int32_t>("a quantizer's tensor index");
        const auto kind = r.get<std::uint8_t>("a quantizer's kind");
        q.bits = r.get<std::int32_t>("a quantizer's bits");
        q.scale = r.get<float>("a quantizer's scale");
        const auto channels = r.get<std::uint64_t>("a quantizer's shift length");
        const std::string which = "quantizer " + std::to_string(i);
        if (q.layer < 0 || q.index < 0)
            r.corrupt(which + ": layer " + std::to_string(q.layer) + ", tensor " + std::to_string(q.index) +
                      "; both must be ≥ 0");
        if (site > std::uint8_t(ActivationSite::FeedForwardHidden))
            r.corrupt(which + ": site " + std::to_string(site) +
                      "; allowed 0-3 (linear input, Q/K/V, attention probabilities, FFN hidden)");
        if (kind > std::uint8_t(ActivationQuantizerKind::LsqUnsigned))
            r.corrupt(which + ": kind " + std::to_string(kind) + "; allowed 0-4");
        if (q.bits < 1 || q.bits > 8)
            r.corrupt(which + ": " + std::to_string(q.bits) + " bits; allowed 1-8");
        if (!(std::isfinite(q.scale) && q.scale > 0))
            r.corrupt(which + ": scale " + std::to_string(q.scale) + "; it must be finite and > 0");
        if (channels > kMaxShiftChannels || channels > r.left() / sizeof(float))
            r.corrupt(which + ": a shift of " + std::to_string(channels) + " channels; the file holds at most " +
                      std::to_string(r.left() / sizeof(float)) + " more values");
        q.site = ActivationSite(site);
        q.kind = ActivationQuantizerKind(kind);
        q.shift.resize(channels);
        for (float& v : q.shift)
            v = r.get<float>("a shift");
        s.quantizers.push_back(std::move(q));
    }
    if (!r.atEnd())
        r.corrupt("bytes after its last quantizer");
    return s;
}

} // namespace tcw::train
