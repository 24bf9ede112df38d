// The joint co-design space: encodings, the unit-cube view, snapping and variation.
#include "codesign_space.h"

#include "design/device_target.h"

#include "rng.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace tcw::search {

namespace {

template <typename T> std::vector<int> asInts(const std::vector<T>& values) {
    std::vector<int> out;
    for (const T& v : values)
        out.push_back(static_cast<int>(v));
    return out;
}

int indexIn(const std::vector<int>& values, int v) {
    const auto it = std::find(values.begin(), values.end(), v);
    return it == values.end() ? 0 : static_cast<int>(it - values.begin());
}

} // namespace

std::vector<int> Candidate::joined() const {
    std::vector<int> all = model;
    all.insert(all.end(), accelerator.begin(), accelerator.end());
    all.insert(all.end(), target.begin(), target.end());
    return all;
}

CoDesignSpace::CoDesignSpace(TransformerSpace models, AcceleratorSpace accelerators)
    : m_models(std::move(models)), m_accelerators(std::move(accelerators)) {
    const AcceleratorSpace& a = m_accelerators;
    std::vector<int> memories(a.mainMemories.size());
    for (std::size_t i = 0; i < memories.size(); ++i)
        memories[i] = static_cast<int>(i);
    m_acceleratorValues = {a.tileB,
                           a.tileX,
                           a.tileX,
                           a.peCounts,
                           a.lanesPerPe,
                           a.macsPerLane,
                           a.softmaxPerPe,
                           a.batchSizes,
                           asInts(a.activationBufferMB),
                           asInts(a.weightBufferMB),
                           asInts(a.maskBufferMB),
                           memories};
    for (const auto& values : m_acceleratorValues)
        if (values.empty())
            throw std::invalid_argument("accelerator space '" + a.name + "' has an empty list of values");
    if (m_models.layerCounts.empty() || m_models.hiddenSizes.empty() || m_models.headCounts.empty() ||
        m_models.feedForwardSizes.empty() || m_models.feedForwardDepths.empty() || m_models.headTypes.empty())
        throw std::invalid_argument("transformer space '" + m_models.name + "' has an empty list of values");
    m_firstAcceleratorCode = m_accelerators.encode(m_accelerators.at(0));
}

void CoDesignSpace::setTargets(TargetUnion targets) {
    if (targets.empty()) {
        m_targets = {};
        return;
    }
    if (targets.kinds.empty())
        targets.kinds = {TargetKind::Elector};
    if (m_fixedAccelerator)
        throw std::invalid_argument("a search over several target kinds or precisions cannot fix the accelerator");
    if (!targets.has(TargetKind::Bat))
        targets.bat = BatSpace{targets.bat.name, {}, {}, targets.bat.energy}; // no bat levels to carry
    if (!targets.has(TargetKind::Device))
        targets.devices.clear();
    else if (targets.devices.empty())
        throw std::invalid_argument("a search over measured devices needs at least one device profile");
    m_f32Level = 0;
    if (targets.has(TargetKind::Device) && !targets.precisions.empty()) {
        const auto f32 = std::find(targets.precisions.begin(), targets.precisions.end(), "f32");
        if (f32 == targets.precisions.end())
            throw std::invalid_argument("a measured device ran the f32 models of its profile: the precisions must "
                                        "include f32");
        m_f32Level = static_cast<int>(f32 - targets.precisions.begin());
    }
    for (std::size_t i = 0; i < targets.devices.size(); ++i) {
        if (!isDeviceId(targets.devices[i]))
            throw std::invalid_argument("device id '" + targets.devices[i] +
                                        "' is not allowed (letters, digits, '_', '-' and '.')");
        if (std::find(targets.devices.begin(), targets.devices.begin() + std::ptrdiff_t(i), targets.devices[i]) !=
            targets.devices.begin() + std::ptrdiff_t(i))
            throw std::invalid_argument("device '" + targets.devices[i] + "' is listed twice");
    }
    const auto problems = targets.bat.check();
    if (!problems.empty())
        throw std::invalid_argument(problems.front());
    for (const auto& p : targets.precisions) {
        CompressionSpec probe;
        const std::string error = applySearchPrecision(p, probe);
        if (!error.empty())
            throw std::invalid_argument(error);
    }
    m_targets = std::move(targets);
}

TargetKind CoDesignSpace::targetKind(const Candidate& c) const {
    if (m_targets.empty() || c.target.empty())
        return TargetKind::Elector;
    return m_targets.kinds[std::size_t(std::clamp(c.target[0], 0, int(m_targets.kinds.size()) - 1))];
}

std::string CoDesignSpace::precision(const Candidate& c) const {
    if (m_targets.precisions.empty() || c.target.size() < 2)
        return {};
    return m_targets.precisions[std::size_t(std::clamp(c.target[1], 0, int(m_targets.precisions.size()) - 1))];
}

BatSpec CoDesignSpace::bat(const Candidate& c) const {
    const std::span<const int> levels =
        c.target.size() >= 2 ? std::span<const int>(c.target).subspan(2) : std::span<const int>();
    return m_targets.bat.decode(levels);
}

std::size_t CoDesignSpace::deviceIndex(const Candidate& c) const {
    if (m_targets.devices.empty() || c.target.empty())
        return 0;
    return std::size_t(std::clamp(c.target.back(), 0, int(m_targets.devices.size()) - 1));
}

std::string CoDesignSpace::device(const Candidate& c) const {
    return m_targets.devices.empty() ? std::string() : m_targets.devices[deviceIndex(c)];
}

Target CoDesignSpace::target(const Candidate& c) const {
    if (targetKind(c) == TargetKind::Bat)
        return Target(bat(c));
    if (targetKind(c) == TargetKind::Device)
        return Target(DeviceTarget{device(c), device(c)});
    return Target(accelerator(c));
}

std::optional<Candidate> CoDesignSpace::split(std::span<const int> code) const {
    if (static_cast<int>(code.size()) != dimension())
        return std::nullopt;
    const int m = modelLength(), a = AcceleratorSpace::kEncodingLength;
    Candidate c;
    c.model.assign(code.begin(), code.begin() + m);
    c.accelerator.assign(code.begin() + m, code.begin() + m + a);
    c.target.assign(code.begin() + m + a, code.end());
    return c;
}

void CoDesignSpace::fixModel(const TransformerSpec& model) {
    const auto errors = m_models.check(model);
    if (!errors.empty())
        throw std::invalid_argument("the fixed model is not in space '" + m_models.name +
                                    "': " + errors.front().toString());
    m_fixedModel = model;
    m_fixedModelCode = m_models.encode(model);
}

void CoDesignSpace::fixAccelerator(const AcceleratorSpec& accelerator) {
    const auto errors = m_accelerators.check(accelerator);
    if (!errors.empty())
        throw std::invalid_argument("the fixed accelerator is not in space '" + m_accelerators.name +
                                    "': " + errors.front().toString());
    m_fixedAccelerator = accelerator;
    m_fixedAcceleratorCode = m_accelerators.encode(accelerator);
}

Candidate CoDesignSpace::sample(std::mt19937_64& rng) const {
    Candidate c;
    c.model = m_fixedModel ? m_fixedModelCode : m_models.encode(m_models.sample(rng));
    c.accelerator = m_fixedAccelerator ? m_fixedAcceleratorCode : m_accelerators.encode(m_accelerators.sample(rng));
    if (!m_targets.empty()) { // drawn only for a union space: elector-only searches keep their draws
        c.target.assign(std::size_t(targetLength()), 0);
        for (int j = 0; j < targetLength(); ++j)
            c.target[std::size_t(j)] = static_cast<int>(
                uniformIndex(rng, static_cast<std::uint64_t>(levels(dimension() - targetLength() + j))));
        return canonical(std::move(c));
    }
    return c;
}

Candidate CoDesignSpace::sampleWithModel(const TransformerSpec& model, std::mt19937_64& rng) const {
    Candidate c = sample(rng);
    if (!m_fixedModel)
        c.model = m_models.encode(model);
    return c;
}

Candidate CoDesignSpace::encode(const TransformerSpec& model, const AcceleratorSpec& accelerator) const {
    Candidate c{m_models.encode(model), m_accelerators.encode(accelerator), {}};
    if (!m_targets.empty()) {
        c.target.assign(std::size_t(targetLength()), 0);
        const auto it = std::find(m_targets.kinds.begin(), m_targets.kinds.end(), TargetKind::Elector);
        c.target[0] = it == m_targets.kinds.end() ? 0 : static_cast<int>(it - m_targets.kinds.begin());
    }
    return canonical(std::move(c));
}

TransformerSpec CoDesignSpace::model(const Candidate& c) const {
    TransformerSpec model = m_fixedModel ? *m_fixedModel : m_models.decode(c.model);
    if (const std::string p = precision(c); !p.empty())
        applySearchPrecision(p, model.compression); // checked by setTargets
    return model;
}

AcceleratorSpec CoDesignSpace::accelerator(const Candidate& c) const {
    if (m_fixedAccelerator)
        return *m_fixedAccelerator;
    return m_accelerators.decode(c.accelerator);
}

bool CoDesignSpace::contains(const Candidate& c) const {
    if (static_cast<int>(c.model.size()) != modelLength() ||
        static_cast<int>(c.accelerator.size()) != AcceleratorSpace::kEncodingLength ||
        static_cast<int>(c.target.size()) != targetLength())
        return false;
    for (int j = 0; j < targetLength(); ++j)
        if (c.target[std::size_t(j)] < 0 || c.target[std::size_t(j)] >= levels(dimension() - targetLength() + j))
            return false;
    if (!m_targets.empty() && canonical(c) != c)
        return false;
    try {
        return m_models.encode(m_models.decode(c.model)) == c.model &&
               m_accelerators.encode(m_accelerators.decode(c.accelerator)) == c.accelerator;
    } catch (const std::invalid_argument&) {
        return false;
    }
}

int CoDesignSpace::levels(int i) const {
    const int m = modelLength();
    if (i < m) {
        if (i == 0)
            return static_cast<int>(m_models.layerCounts.size());
        switch ((i - 1) % 3) {
        case 0:
            return static_cast<int>(m_models.hiddenSizes.size());
        case 1:
            return static_cast<int>(m_models.feedForwardOptionCount());
        default:
            return static_cast<int>(m_models.headOptionCount());
        }
    }
    if (i - m < AcceleratorSpace::kEncodingLength)
        return static_cast<int>(m_acceleratorValues[i - m].size());
    const int j = i - m - AcceleratorSpace::kEncodingLength; // the target part
    if (j == 0)
        return static_cast<int>(m_targets.kinds.size());
    if (j == 1)
        return std::max<int>(1, static_cast<int>(m_targets.precisions.size()));
    if (j - 2 >= m_targets.bat.length()) // the device level (issue 14)
        return static_cast<int>(m_targets.devices.size());
    return static_cast<int>(m_targets.bat.values[std::size_t(j - 2)].size());
}

int CoDesignSpace::levelOf(const Candidate& c, int i) const {
    const int m = modelLength();
    if (i < m)
        return c.model[i];
    if (i - m >= AcceleratorSpace::kEncodingLength)
        return c.target[std::size_t(i - m - AcceleratorSpace::kEncodingLength)];
    return indexIn(m_acceleratorValues[i - m], c.accelerator[i - m]);
}

void CoDesignSpace::setLevel(Candidate& c, int i, int level) const {
    level = std::clamp(level, 0, levels(i) - 1);
    const int m = modelLength();
    if (i < m)
        c.model[i] = level;
    else if (i - m >= AcceleratorSpace::kEncodingLength)
        c.target[std::size_t(i - m - AcceleratorSpace::kEncodingLength)] = level;
    else
        c.accelerator[i - m] = m_acceleratorValues[i - m][level];
}

bool CoDesignSpace::isFree(int i) const {
    const int m = modelLength();
    if (i < m)
        return !m_fixedModel;
    if (i - m >= AcceleratorSpace::kEncodingLength)
        return true;                          // the target part (a union space never fixes the accelerator)
    return !m_fixedAccelerator && i - m != 2; // tile_y follows tile_x
}

Candidate CoDesignSpace::canonical(Candidate c) const {
    if (m_fixedModel) {
        c.model = m_fixedModelCode;
    } else {
        const int layers = m_models.layerCounts[std::clamp(c.model[0], 0, int(m_models.layerCounts.size()) - 1)];
        for (int i = 1 + 3 * layers; i < modelLength(); ++i)
            c.model[i] = 0;
    }
    if (m_fixedAccelerator)
        c.accelerator = m_fixedAcceleratorCode;
    else
        c.accelerator[2] = c.accelerator[1];
    if (!m_targets.empty()) {
        c.target.resize(std::size_t(targetLength()), 0);
        for (int j = 0; j < targetLength(); ++j)
            c.target[std::size_t(j)] =
                std::clamp(c.target[std::size_t(j)], 0, levels(dimension() - targetLength() + j) - 1);
        const TargetKind kind = targetKind(c);
        const auto batEnd = c.target.begin() + 2 + m_targets.bat.length();
        if (kind != TargetKind::Elector)
            c.accelerator = m_firstAcceleratorCode; // unused: one canonical value
        if (kind != TargetKind::Bat)
            std::fill(c.target.begin() + 2, batEnd, 0);
        if (kind != TargetKind::Device)
            std::fill(batEnd, c.target.end(), 0); // the device level, when the space has devices
        else
            c.target[1] = m_f32Level; // a device runs the f32 model its profile measured
    }
    return c;
}

std::vector<double> CoDesignSpace::toUnit(const Candidate& c) const {
    std::vector<double> x(dimension());
    for (int i = 0; i < dimension(); ++i) {
        const int n = levels(i);
        x[i] = n > 1 ? double(levelOf(c, i)) / double(n - 1) : 0.0;
    }
    return x;
}

Candidate CoDesignSpace::fromUnit(std::span<const double> x) const {
    Candidate c{std::vector<int>(modelLength(), 0), std::vector<int>(AcceleratorSpace::kEncodingLength, 0),
                std::vector<int>(std::size_t(targetLength()), 0)};
    for (int i = 0; i < dimension(); ++i) {
        const int n = levels(i);
        const double u = std::isfinite(x[i]) ? std::clamp(x[i], 0.0, 1.0) : 0.0;
        setLevel(c, i, static_cast<int>(std::lround(u * double(n - 1))));
    }
    return canonical(std::move(c));
}

Candidate CoDesignSpace::crossover(const Candidate& a, const Candidate& b, std::mt19937_64& rng) const {
    Candidate child = a;
    const int layersA = m_models.layerCounts[a.model[0]], layersB = m_models.layerCounts[b.model[0]];
    if (!m_fixedModel) {
        const bool fromB = uniform01(rng) < 0.5;
        child.model[0] = (fromB ? b : a).model[0];
        const int layers = m_models.layerCounts[child.model[0]];
        for (int l = 0; l < layers; ++l) {
            // A layer's triple is one building block; take it from a parent that has the layer.
            bool takeB = uniform01(rng) < 0.5;
            if (l >= layersA)
                takeB = true;
            else if (l >= layersB)
                takeB = false;
            const Candidate& donor = takeB ? b : a;
            for (int k = 1; k <= 3; ++k)
                child.model[3 * l + k] = donor.model[3 * l + k];
        }
    }
    if (!m_fixedAccelerator)
        for (int i = 0; i < AcceleratorSpace::kEncodingLength; ++i)
            if (uniform01(rng) < 0.5)
                child.accelerator[i] = b.accelerator[i];
    // The target part: kind and precision each from either parent; the bat fields together
    // with the kind when the child is a bat design whose kind came from a bat parent.
    if (!m_targets.empty()) {
        const bool kindFromB = uniform01(rng) < 0.5;
        const Candidate& kindDonor = kindFromB ? b : a;
        child.target[0] = kindDonor.target[0];
        if (uniform01(rng) < 0.5)
            child.target[1] = b.target[1];
        const Candidate& other = kindFromB ? a : b;
        const std::size_t batEnd = 2 + std::size_t(m_targets.bat.length());
        for (std::size_t j = 2; j < child.target.size(); ++j) {
            // A bat field from a bat parent, the device level from a device parent.
            const TargetKind owner = j < batEnd ? TargetKind::Bat : TargetKind::Device;
            child.target[j] =
                (targetKind(other) == owner && uniform01(rng) < 0.5) ? other.target[j] : kindDonor.target[j];
        }
        if (targetKind(child) == TargetKind::Elector && targetKind(other) != TargetKind::Elector)
            child.accelerator = kindDonor.accelerator; // a bat or device parent's elector part is a placeholder
    }
    return canonical(std::move(child));
}

Candidate CoDesignSpace::mutate(const Candidate& c, double rate, std::mt19937_64& rng) const {
    Candidate out = c;
    const int m = modelLength();
    const int oldLayers = m_models.layerCounts[c.model[0]];
    for (int i = 0; i < dimension(); ++i) {
        if (!isFree(i))
            continue;
        if (i < m && i > 0 && (i - 1) / 3 >= m_models.layerCounts[out.model[0]])
            continue; // an unused layer
        if (uniform01(rng) >= rate)
            continue;
        const int n = levels(i);
        if (n <= 1)
            continue;
        int level = levelOf(out, i);
        if (uniform01(rng) < 0.5) {
            const int step = uniform01(rng) < 0.5 ? -1 : 1;
            level = std::clamp(level + step, 0, n - 1);
            if (level == levelOf(out, i)) // at an end: step the other way
                level = std::clamp(level - step, 0, n - 1);
        } else {
            level = static_cast<int>(uniformIndex(rng, static_cast<std::uint64_t>(n)));
        }
        setLevel(out, i, level);
    }
    // Layers a larger layer count switched on get fresh random contents.
    const int newLayers = m_models.layerCounts[out.model[0]];
    for (int l = oldLayers; l < newLayers; ++l)
        for (int k = 1; k <= 3; ++k) {
            const int i = 3 * l + k;
            setLevel(out, i, static_cast<int>(uniformIndex(rng, static_cast<std::uint64_t>(levels(i)))));
        }
    return canonical(std::move(out));
}

std::string CoDesignSpace::describe(const Candidate& c) const {
    std::ostringstream out;
    const TransformerSpec model = this->model(c);
    int minHidden = 1 << 30, maxHidden = 0, heads = 0, maxFf = 0;
    for (const auto& layer : model.layers) {
        minHidden = std::min(minHidden, layer.hiddenSize);
        maxHidden = std::max(maxHidden, layer.hiddenSize);
        heads += static_cast<int>(layer.heads.size());
        for (int f : layer.feedForwardSizes)
            maxFf = std::max(maxFf, f);
    }
    out << "L" << model.layerCount() << " H" << minHidden;
    if (maxHidden != minHidden)
        out << "-" << maxHidden;
    out << " heads " << heads << " FF≤" << maxFf;
    if (const std::string p = precision(c); !p.empty())
        out << " " << p;
    if (targetKind(c) == TargetKind::Bat) {
        const BatSpec b = bat(c);
        out << " | bat " << b.peCount << "×" << b.lanesPerPe << "×" << b.bitsPerLane
            << (b.activationFeed == ActivationFeed::BitSerial ? " serial" : " parallel") << " T" << b.tokenBlock
            << " fifo " << b.fifoKB << "KB " << b.weightBufferMB << "MB/" << b.activationBufferKB << "KB";
        return out.str();
    }
    if (targetKind(c) == TargetKind::Device) {
        out << " | device " << device(c);
        return out.str();
    }
    const AcceleratorSpec a = accelerator(c);
    out << " | " << a.peCount << "×" << a.lanesPerPe << "×" << a.macsPerLane << " tile " << a.tileB << "×" << a.tileX
        << " sm" << a.softmaxPerPe << " b" << a.batchSize << " " << a.activationBufferMB << "/" << a.weightBufferMB
        << "/" << a.maskBufferMB << "MB " << a.mainMemory.key();
    return out.str();
}

} // namespace tcw::search
