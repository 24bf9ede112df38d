// Design spaces: sampling, snapping, membership and the TransCODE encodings.
#include "design_space.h"

#include "value_text.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

namespace tcw {

namespace {

// Multisets of size n drawn from t kinds: C(n + t − 1, n).
std::int64_t multichoose(std::int64_t t, std::int64_t n) {
    if (n == 0)
        return 1;
    if (t <= 0)
        return 0;
    std::int64_t result = 1;
    for (std::int64_t i = 1; i <= n; ++i)
        result = result * (t - 1 + i) / i; // exact: each partial product is a binomial
    return result;
}

std::int64_t power(std::int64_t base, int exponent) {
    std::int64_t r = 1;
    for (int i = 0; i < exponent; ++i)
        r *= base;
    return r;
}

template <typename T> int indexOf(const std::vector<T>& values, const T& v) {
    const auto it = std::find(values.begin(), values.end(), v);
    return it == values.end() ? -1 : static_cast<int>(it - values.begin());
}

template <typename T> T nearest(const std::vector<T>& allowed, T value) {
    T best = allowed.front();
    for (const T& a : allowed)
        if (std::abs(double(a) - double(value)) < std::abs(double(best) - double(value)))
            best = a;
    return best;
}

template <typename T> const T& pick(const std::vector<T>& values, std::mt19937_64& rng) {
    std::uniform_int_distribution<std::size_t> d(0, values.size() - 1);
    return values[d(rng)];
}

template <typename T, typename Fn> std::string allowedText(const std::vector<T>& values, Fn&& fn) {
    return "is not one of " + joinValues(values, fn);
}

std::string intText(int v) {
    return std::to_string(v);
}
std::string mbText(double v) {
    return valueText(v); // "0.5", "16", "1e-07": std::to_string rounded to six decimals
}

} // namespace

// ---------------------------------------------------------------- TransformerSpace

int TransformerSpace::maxLayers() const {
    return layerCounts.empty() ? 0 : *std::max_element(layerCounts.begin(), layerCounts.end());
}

std::int64_t TransformerSpace::feedForwardOptionCount() const {
    std::int64_t total = 0;
    for (int depth : feedForwardDepths)
        total += power(static_cast<std::int64_t>(feedForwardSizes.size()), depth);
    return total;
}

std::int64_t TransformerSpace::headOptionCount() const {
    std::int64_t total = 0;
    for (int n : headCounts)
        total += multichoose(static_cast<std::int64_t>(headTypes.size()), n);
    return total;
}

std::vector<int> TransformerSpace::feedForwardOption(std::int64_t index) const {
    const auto s = static_cast<std::int64_t>(feedForwardSizes.size());
    for (int depth : feedForwardDepths) {
        const std::int64_t count = power(s, depth);
        if (index < count) {
            std::vector<int> stack(depth);
            for (int i = depth - 1; i >= 0; --i) {
                stack[i] = feedForwardSizes[index % s];
                index /= s;
            }
            return stack;
        }
        index -= count;
    }
    throw std::invalid_argument("feed-forward option index out of range");
}

std::int64_t TransformerSpace::feedForwardIndex(const std::vector<int>& stack) const {
    const auto s = static_cast<std::int64_t>(feedForwardSizes.size());
    std::int64_t offset = 0;
    for (int depth : feedForwardDepths) {
        if (depth == static_cast<int>(stack.size())) {
            std::int64_t rank = 0;
            for (int size : stack) {
                const int digit = indexOf(feedForwardSizes, size);
                if (digit < 0)
                    return -1;
                rank = rank * s + digit;
            }
            return offset + rank;
        }
        offset += power(s, depth);
    }
    return -1;
}

std::vector<HeadType> TransformerSpace::headOption(std::int64_t index) const {
    const auto t = static_cast<std::int64_t>(headTypes.size());
    for (int n : headCounts) {
        const std::int64_t count = multichoose(t, n);
        if (index < count) {
            // Unrank a non-decreasing sequence of n type indices, lexicographic order.
            std::vector<HeadType> heads;
            std::int64_t v = 0;
            for (int i = 0; i < n; ++i) {
                while (true) {
                    const std::int64_t block = multichoose(t - v, n - i - 1);
                    if (index < block)
                        break;
                    index -= block;
                    ++v;
                }
                heads.push_back(headTypes[v]);
            }
            return heads;
        }
        index -= count;
    }
    throw std::invalid_argument("head option index out of range");
}

std::int64_t TransformerSpace::headIndex(std::vector<HeadType> heads) const {
    const auto t = static_cast<std::int64_t>(headTypes.size());
    std::vector<std::int64_t> x;
    for (HeadType h : heads) {
        const int i = indexOf(headTypes, h);
        if (i < 0)
            return -1;
        x.push_back(i);
    }
    std::sort(x.begin(), x.end());
    const auto n = static_cast<std::int64_t>(x.size());
    std::int64_t offset = 0;
    for (int count : headCounts) {
        if (count == n) {
            std::int64_t rank = 0, previous = 0;
            for (std::int64_t i = 0; i < n; ++i) {
                for (std::int64_t v = previous; v < x[i]; ++v)
                    rank += multichoose(t - v, n - i - 1);
                previous = x[i];
            }
            return offset + rank;
        }
        offset += multichoose(t, count);
    }
    return -1;
}

TransformerSpec TransformerSpace::sample(std::mt19937_64& rng) const {
    TransformerSpec spec;
    spec.activation = activation;
    const int layers = pick(layerCounts, rng);
    for (int l = 0; l < layers; ++l) {
        LayerSpec layer;
        layer.hiddenSize = pick(hiddenSizes, rng);
        const int n = pick(headCounts, rng);
        std::uniform_int_distribution<std::size_t> type(0, headTypes.size() - 1);
        for (int h = 0; h < n; ++h)
            layer.heads.push_back({headTypes[type(rng)], layer.hiddenSize / n});
        const int depth = pick(feedForwardDepths, rng);
        for (int f = 0; f < depth; ++f)
            layer.feedForwardSizes.push_back(pick(feedForwardSizes, rng));
        spec.layers.push_back(std::move(layer));
    }
    spec.canonicalize();
    return spec;
}

TransformerSpec TransformerSpace::snap(const TransformerSpec& in) const {
    TransformerSpec spec = in;
    spec.activation = activation;
    const int layers = nearest(layerCounts, std::max(1, in.layerCount()));
    while (spec.layerCount() > layers)
        spec.layers.pop_back();
    while (spec.layerCount() < layers)
        spec.layers.push_back(spec.layers.empty() ? LayerSpec{hiddenSizes.front(), {}, {}} : spec.layers.back());
    for (auto& layer : spec.layers) {
        layer.hiddenSize = nearest(hiddenSizes, layer.hiddenSize);
        const int n = nearest(headCounts, std::max(1, static_cast<int>(layer.heads.size())));
        while (static_cast<int>(layer.heads.size()) > n)
            layer.heads.pop_back();
        while (static_cast<int>(layer.heads.size()) < n)
            layer.heads.push_back(layer.heads.empty() ? HeadSpec{headTypes.front(), 0} : layer.heads.back());
        for (auto& h : layer.heads) {
            if (indexOf(headTypes, h.type) < 0)
                h.type = headTypes.front();
            h.dim = layer.hiddenSize / n;
        }
        const int depth = nearest(feedForwardDepths, std::max(1, static_cast<int>(layer.feedForwardSizes.size())));
        layer.feedForwardSizes.resize(depth, layer.feedForwardSizes.empty() ? feedForwardSizes.front()
                                                                            : layer.feedForwardSizes.back());
        for (int& f : layer.feedForwardSizes)
            f = nearest(feedForwardSizes, f);
    }
    spec.canonicalize();
    return spec;
}

ValidationErrors TransformerSpace::check(const TransformerSpec& spec) const {
    ValidationErrors errors;
    const std::string space = " (space '" + name + "')";
    if (indexOf(layerCounts, spec.layerCount()) < 0)
        errors.push_back({"layers", "layer count " + std::to_string(spec.layerCount()) + " " +
                                        allowedText(layerCounts, intText) + space});
    for (std::size_t l = 0; l < spec.layers.size(); ++l) {
        const auto& layer = spec.layers[l];
        const std::string at = "layers[" + std::to_string(l) + "]";
        const bool hiddenAllowed = indexOf(hiddenSizes, layer.hiddenSize) >= 0;
        if (!hiddenAllowed)
            errors.push_back({at + ".hiddenSize",
                              std::to_string(layer.hiddenSize) + " " + allowedText(hiddenSizes, intText) + space});
        const int n = static_cast<int>(layer.heads.size());
        if (indexOf(headCounts, n) < 0)
            errors.push_back(
                {at + ".heads", "head count " + std::to_string(n) + " " + allowedText(headCounts, intText) + space});
        for (std::size_t h = 0; h < layer.heads.size(); ++h) {
            const auto& head = layer.heads[h];
            const std::string hp = at + ".heads[" + std::to_string(h) + "]";
            if (indexOf(headTypes, head.type) < 0)
                errors.push_back(
                    {hp + ".type", "'" + std::string(headTypeName(head.type)) + "' " +
                                       allowedText(headTypes, [](HeadType t) { return std::string(headTypeName(t)); }) +
                                       space});
            if (n > 0 && hiddenAllowed && head.dim != layer.hiddenSize / n)
                errors.push_back({hp + ".dim", "must be hidden / heads = " + std::to_string(layer.hiddenSize / n) +
                                                   ", got " + std::to_string(head.dim)});
        }
        if (indexOf(feedForwardDepths, static_cast<int>(layer.feedForwardSizes.size())) < 0)
            errors.push_back({at + ".feedForward", "stack depth " + std::to_string(layer.feedForwardSizes.size()) +
                                                       " " + allowedText(feedForwardDepths, intText) + space});
        for (std::size_t f = 0; f < layer.feedForwardSizes.size(); ++f)
            if (indexOf(feedForwardSizes, layer.feedForwardSizes[f]) < 0)
                errors.push_back(
                    {at + ".feedForward[" + std::to_string(f) + "]",
                     std::to_string(layer.feedForwardSizes[f]) + " " + allowedText(feedForwardSizes, intText) + space});
    }
    return errors;
}

std::vector<int> TransformerSpace::encode(const TransformerSpec& spec) const {
    const auto errors = check(spec);
    if (!errors.empty())
        throw std::invalid_argument(errors.front().toString());
    std::vector<int> e(encodingLength(), 0);
    e[0] = indexOf(layerCounts, spec.layerCount());
    for (std::size_t l = 0; l < spec.layers.size(); ++l) {
        const auto& layer = spec.layers[l];
        std::vector<HeadType> types;
        for (const auto& h : layer.heads)
            types.push_back(h.type);
        e[3 * l + 1] = indexOf(hiddenSizes, layer.hiddenSize);
        e[3 * l + 2] = static_cast<int>(feedForwardIndex(layer.feedForwardSizes));
        e[3 * l + 3] = static_cast<int>(headIndex(types));
    }
    return e;
}

TransformerSpec TransformerSpace::decode(std::span<const int> e) const {
    if (static_cast<int>(e.size()) != encodingLength())
        throw std::invalid_argument("model encoding has " + std::to_string(e.size()) + " integers, space '" + name +
                                    "' needs " + std::to_string(encodingLength()));
    auto inRange = [&](int value, std::int64_t count, const std::string& what) {
        if (value < 0 || value >= count)
            throw std::invalid_argument(what + " index " + std::to_string(value) + " is outside 0.." +
                                        std::to_string(count - 1));
    };
    inRange(e[0], static_cast<std::int64_t>(layerCounts.size()), "e[0]: layer count");
    TransformerSpec spec;
    spec.activation = activation;
    const int layers = layerCounts[e[0]];
    for (int l = 0; l < layers; ++l) {
        inRange(e[3 * l + 1], static_cast<std::int64_t>(hiddenSizes.size()),
                "e[" + std::to_string(3 * l + 1) + "]: hidden size");
        inRange(e[3 * l + 2], feedForwardOptionCount(), "e[" + std::to_string(3 * l + 2) + "]: feed-forward option");
        inRange(e[3 * l + 3], headOptionCount(), "e[" + std::to_string(3 * l + 3) + "]: head option");
        LayerSpec layer;
        layer.hiddenSize = hiddenSizes[e[3 * l + 1]];
        layer.feedForwardSizes = feedForwardOption(e[3 * l + 2]);
        const auto types = headOption(e[3 * l + 3]);
        const int n = static_cast<int>(types.size());
        for (HeadType t : types)
            layer.heads.push_back({t, layer.hiddenSize / n});
        spec.layers.push_back(std::move(layer));
    }
    return spec;
}

// ---------------------------------------------------------------- AcceleratorSpace

std::uint64_t AcceleratorSpace::size() const {
    return std::uint64_t(tileB.size()) * tileX.size() * nonlinearities.size() * peCounts.size() * lanesPerPe.size() *
           macsPerLane.size() * softmaxPerPe.size() * batchSizes.size() * activationBufferMB.size() *
           weightBufferMB.size() * maskBufferMB.size() * mainMemories.size();
}

AcceleratorSpec AcceleratorSpace::at(std::uint64_t index) const {
    if (index >= size())
        throw std::out_of_range("accelerator index outside the space");
    auto digit = [&index](std::size_t radix) {
        const std::size_t d = index % radix;
        index /= radix;
        return d;
    };
    AcceleratorSpec a;
    a.name = name + "#" + std::to_string(index);
    // The last parameters vary fastest in memory order of a sweep: main memory first.
    a.mainMemory = mainMemories[digit(mainMemories.size())];
    a.maskBufferMB = maskBufferMB[digit(maskBufferMB.size())];
    a.weightBufferMB = weightBufferMB[digit(weightBufferMB.size())];
    a.activationBufferMB = activationBufferMB[digit(activationBufferMB.size())];
    a.batchSize = batchSizes[digit(batchSizes.size())];
    a.softmaxPerPe = softmaxPerPe[digit(softmaxPerPe.size())];
    a.macsPerLane = macsPerLane[digit(macsPerLane.size())];
    a.lanesPerPe = lanesPerPe[digit(lanesPerPe.size())];
    a.peCount = peCounts[digit(peCounts.size())];
    a.nonlinearity = nonlinearities[digit(nonlinearities.size())];
    a.tileX = a.tileY = tileX[digit(tileX.size())];
    a.tileB = tileB[digit(tileB.size())];
    return a;
}

AcceleratorSpec AcceleratorSpace::sample(std::mt19937_64& rng) const {
    AcceleratorSpec a;
    a.tileB = pick(tileB, rng);
    a.tileX = a.tileY = pick(tileX, rng);
    a.nonlinearity = pick(nonlinearities, rng);
    a.peCount = pick(peCounts, rng);
    a.lanesPerPe = pick(lanesPerPe, rng);
    a.macsPerLane = pick(macsPerLane, rng);
    a.softmaxPerPe = pick(softmaxPerPe, rng);
    a.batchSize = pick(batchSizes, rng);
    a.activationBufferMB = pick(activationBufferMB, rng);
    a.weightBufferMB = pick(weightBufferMB, rng);
    a.maskBufferMB = pick(maskBufferMB, rng);
    a.mainMemory = pick(mainMemories, rng);
    return a;
}

AcceleratorSpec AcceleratorSpace::snap(const AcceleratorSpec& in) const {
    AcceleratorSpec a = in;
    // Every numeric field the space lists on its own to its nearest listed value (ties: the
    // first listed), by the descriptor table; tile y follows tile x.
    for (const auto& f : electorFields())
        if (f.info.type != FieldType::Choice && f.info.name != "tile.tileY")
            if (const auto values = valuesOf(f.info.name))
                f.set(a, nearest(*values, f.get(in)));
    a.tileY = a.tileX;
    if (indexOf(nonlinearities, in.nonlinearity) < 0)
        a.nonlinearity = nonlinearities.front();
    if (indexOf(mainMemories, in.mainMemory) < 0) {
        // Same type and nearest bank count, else the first memory.
        a.mainMemory = mainMemories.front();
        int bestDistance = -1;
        for (const auto& m : mainMemories)
            if (m.type == in.mainMemory.type) {
                const int distance = std::abs(m.banks - in.mainMemory.banks) + std::abs(m.ranks - in.mainMemory.ranks) +
                                     std::abs(m.channels - in.mainMemory.channels);
                if (bestDistance < 0 || distance < bestDistance) {
                    bestDistance = distance;
                    a.mainMemory = m;
                }
            }
    }
    return a;
}

ValidationErrors AcceleratorSpace::check(const AcceleratorSpec& a) const {
    ValidationErrors errors;
    const std::string space = " (space '" + name + "')";
    // Every numeric field the space lists on its own, by the descriptor table.
    for (const auto& f : electorFields()) {
        if (f.info.type == FieldType::Choice || f.info.name == "tile.tileY")
            continue;
        const auto allowed = valuesOf(f.info.name);
        if (!allowed)
            continue;
        const double value = f.get(a);
        if (indexOf(*allowed, value) >= 0)
            continue;
        const auto text = [&](double v) { return f.info.unit == "MB" ? mbText(v) : intText(int(v)); };
        errors.push_back({std::string(f.info.name), text(value) + " " + allowedText(*allowed, text) + space});
    }
    if (a.tileY != a.tileX)
        errors.push_back(
            {"tile.tileY", "must equal tile.tileX (" + std::to_string(a.tileX) + "), got " + std::to_string(a.tileY)});
    if (indexOf(nonlinearities, a.nonlinearity) < 0)
        errors.push_back(
            {"nonlinearity",
             "'" + std::string(nonlinearityName(a.nonlinearity)) + "' " +
                 allowedText(nonlinearities, [](Nonlinearity n) { return std::string(nonlinearityName(n)); }) + space});
    bool memoryFound = false;
    for (const auto& m : mainMemories)
        memoryFound |= m.type == a.mainMemory.type && m.banks == a.mainMemory.banks && m.ranks == a.mainMemory.ranks &&
                       m.channels == a.mainMemory.channels;
    if (!memoryFound)
        errors.push_back({"mainMemory", "'" + a.mainMemory.key() + "' " +
                                            allowedText(mainMemories, [](const MainMemorySpec& m) { return m.key(); }) +
                                            space});
    return errors;
}

std::optional<std::vector<double>> AcceleratorSpace::valuesOf(std::string_view field) const {
    const auto doubles = [](const std::vector<int>& v) { return std::vector<double>(v.begin(), v.end()); };
    if (field == "tile.tileB")
        return doubles(tileB);
    if (field == "tile.tileX" || field == "tile.tileY") // the space ties tile y to tile x
        return doubles(tileX);
    if (field == "peCount")
        return doubles(peCounts);
    if (field == "lanesPerPe")
        return doubles(lanesPerPe);
    if (field == "macsPerLane")
        return doubles(macsPerLane);
    if (field == "softmaxPerPe")
        return doubles(softmaxPerPe);
    if (field == "batchSize")
        return doubles(batchSizes);
    if (field == "activationBufferMB")
        return activationBufferMB;
    if (field == "weightBufferMB")
        return weightBufferMB;
    if (field == "maskBufferMB")
        return maskBufferMB;
    if (field == "nonlinearity") {
        std::vector<double> indices;
        for (Nonlinearity n : nonlinearities)
            indices.push_back(double(n));
        return indices;
    }
    return std::nullopt; // main memory: whole memories (mainMemories), not one list per field
}

std::vector<int> AcceleratorSpace::encode(const AcceleratorSpec& a) const {
    const auto errors = check(a);
    if (!errors.empty())
        throw std::invalid_argument(errors.front().toString());
    auto whole = [](const char* field, double mb) {
        if (mb != std::floor(mb))
            throw std::invalid_argument(std::string(field) + ": the 12-integer encoding needs whole MB, got " +
                                        mbText(mb));
        return static_cast<int>(mb);
    };
    int memory = 0;
    for (std::size_t i = 0; i < mainMemories.size(); ++i)
        if (mainMemories[i].type == a.mainMemory.type && mainMemories[i].banks == a.mainMemory.banks &&
            mainMemories[i].ranks == a.mainMemory.ranks && mainMemories[i].channels == a.mainMemory.channels)
            memory = static_cast<int>(i);
    return {a.tileB,
            a.tileX,
            a.tileY,
            a.peCount,
            a.lanesPerPe,
            a.macsPerLane,
            a.softmaxPerPe,
            a.batchSize,
            whole("activationBufferMB", a.activationBufferMB),
            whole("weightBufferMB", a.weightBufferMB),
            whole("maskBufferMB", a.maskBufferMB),
            memory};
}

AcceleratorSpec AcceleratorSpace::decode(std::span<const int> e) const {
    if (e.size() != kEncodingLength)
        throw std::invalid_argument("accelerator encoding has " + std::to_string(e.size()) + " integers, needs 12");
    if (e[11] < 0 || e[11] >= static_cast<int>(mainMemories.size()))
        throw std::invalid_argument("e[11]: memory index " + std::to_string(e[11]) + " is outside 0.." +
                                    std::to_string(mainMemories.size() - 1));
    AcceleratorSpec a;
    a.tileB = e[0];
    a.tileX = e[1];
    a.tileY = e[1]; // snapping sets tile_y = tile_x
    a.nonlinearity = nonlinearities.front();
    a.peCount = e[3];
    a.lanesPerPe = e[4];
    a.macsPerLane = e[5];
    a.softmaxPerPe = e[6];
    a.batchSize = e[7];
    a.activationBufferMB = e[8];
    a.weightBufferMB = e[9];
    a.maskBufferMB = e[10];
    a.mainMemory = mainMemories[e[11]];
    return snap(a);
}

// ---------------------------------------------------------------- published spaces

TransformerSpace flexibert2Space() {
    TransformerSpace s;
    s.name = "flexibert2";
    s.layerCounts = {2, 4, 6, 8, 10, 12};
    s.hiddenSizes = {128, 256, 512, 768};
    s.headCounts = {2, 4, 8, 12};
    s.headTypes = {kAllHeadTypes.begin(), kAllHeadTypes.end()};
    s.feedForwardSizes = {256, 512, 1024, 2048, 3072, 4096};
    s.feedForwardDepths = {1, 2, 3};
    return s;
}

AcceleratorSpace electorSpace() {
    AcceleratorSpace s;
    s.name = "elector";
    s.tileB = {1, 4};
    s.tileX = {8, 16, 32};
    s.nonlinearities = {Nonlinearity::Gelu};
    s.peCounts = {64, 128, 256, 512, 1024};
    s.lanesPerPe = {8, 16, 32, 64, 128};
    s.macsPerLane = {1, 16};
    s.softmaxPerPe = {2, 4, 8, 16, 32, 64};
    s.batchSizes = {4, 16, 32};
    s.activationBufferMB = {4, 8, 16, 32, 64};
    s.weightBufferMB = {8, 16, 32, 64, 128};
    s.maskBufferMB = {1, 2, 4, 8, 16};
    for (const char* key : {"rram_16_2_2", "rram_8_2_4", "rram_4_2_8", "rram_2_2_16", "rram_32_2_1", "rram_1_2_32",
                            "dram_16_2_2", "dram_8_2_4", "dram_32_2_1", "dram_16_4_1", "hbm_32_1_4"})
        s.mainMemories.push_back(*MainMemorySpec::fromKey(key));
    return s;
}

} // namespace tcw
