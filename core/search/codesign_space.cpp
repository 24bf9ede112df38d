// The joint co-design space: encodings, the unit-cube view, snapping and variation.
#include "codesign_space.h"

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
    return c;
}

Candidate CoDesignSpace::sampleWithModel(const TransformerSpec& model, std::mt19937_64& rng) const {
    Candidate c = sample(rng);
    if (!m_fixedModel)
        c.model = m_models.encode(model);
    return c;
}

Candidate CoDesignSpace::encode(const TransformerSpec& model, const AcceleratorSpec& accelerator) const {
    return canonical({m_models.encode(model), m_accelerators.encode(accelerator)});
}

TransformerSpec CoDesignSpace::model(const Candidate& c) const {
    if (m_fixedModel)
        return *m_fixedModel;
    return m_models.decode(c.model);
}

AcceleratorSpec CoDesignSpace::accelerator(const Candidate& c) const {
    if (m_fixedAccelerator)
        return *m_fixedAccelerator;
    return m_accelerators.decode(c.accelerator);
}

bool CoDesignSpace::contains(const Candidate& c) const {
    if (static_cast<int>(c.model.size()) != modelLength() ||
        static_cast<int>(c.accelerator.size()) != AcceleratorSpace::kEncodingLength)
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
    return static_cast<int>(m_acceleratorValues[i - m].size());
}

int CoDesignSpace::levelOf(const Candidate& c, int i) const {
    const int m = modelLength();
    if (i < m)
        return c.model[i];
    return indexIn(m_acceleratorValues[i - m], c.accelerator[i - m]);
}

void CoDesignSpace::setLevel(Candidate& c, int i, int level) const {
    level = std::clamp(level, 0, levels(i) - 1);
    const int m = modelLength();
    if (i < m)
        c.model[i] = level;
    else
        c.accelerator[i - m] = m_acceleratorValues[i - m][level];
}

bool CoDesignSpace::isFree(int i) const {
    const int m = modelLength();
    if (i < m)
        return !m_fixedModel;
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
    Candidate c{std::vector<int>(modelLength(), 0), std::vector<int>(AcceleratorSpace::kEncodingLength, 0)};
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
    const AcceleratorSpec a = accelerator(c);
    out << " | " << a.peCount << "×" << a.lanesPerPe << "×" << a.macsPerLane << " tile " << a.tileB << "×" << a.tileX
        << " sm" << a.softmaxPerPe << " b" << a.batchSize << " " << a.activationBufferMB << "/" << a.weightBufferMB
        << "/" << a.maskBufferMB << "MB " << a.mainMemory.key();
    return out.str();
}

} // namespace tcw::search
