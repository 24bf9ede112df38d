#include "grow_prune_ops.h"

#include "train/network.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <numbers>
#include <numeric>
#include <random>
#include <stdexcept>
#include <unordered_map>

namespace tcw::codesign {

namespace {

constexpr std::array<std::pair<GrowPruneOperator, std::string_view>, 5> kOperatorNames = {{
    {GrowPruneOperator::GrowHead, "grow-head"},
    {GrowPruneOperator::GrowFeedForward, "grow-ff"},
    {GrowPruneOperator::PruneHeads, "prune-heads"},
    {GrowPruneOperator::PruneFeedForward, "prune-ff"},
    {GrowPruneOperator::ShrinkLayer, "shrink-layer"},
}};

// FNV-1a: a seed per dimension name that does not depend on the standard library's hash.
std::uint64_t fnv1a(std::string_view text) {
    std::uint64_t h = 1469598103934665603ull;
    for (const char c : text) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ull;
    }
    return h;
}

// Fisher–Yates with the engine's raw output (std::shuffle's use of it is not specified).
template <typename T> void shuffleSeeded(std::vector<T>& v, std::mt19937_64& rng) {
    for (std::size_t i = v.size(); i > 1; --i)
        std::swap(v[i - 1], v[rng() % i]);
}

// The trainer's tensors of a model, by name.
struct Layout {
    std::vector<train::ParamTensor> tensors;
    std::unordered_map<std::string, std::size_t> byName;
    std::int64_t count = 0;

    Layout(const TransformerSpec& model, const TaskShape& task) {
        const train::Network network(model, task, 1);
        tensors = network.tensors();
        count = network.parameterCount();
        for (std::size_t i = 0; i < tensors.size(); ++i)
            byName.emplace(tensors[i].name, i);
    }
    const train::ParamTensor* find(const std::string& name) const {
        const auto it = byName.find(name);
        return it == byName.end() ? nullptr : &tensors[it->second];
    }
    const train::ParamTensor& at(const std::string& name) const {
        const auto* t = find(name);
        if (!t)
            throw std::invalid_argument("weight transfer: the model has no tensor '" + name + "'");
        return *t;
    }
};

void checkParameters(const Layout& layout, const std::vector<float>& parameters, const char* what) {
    if (static_cast<std::int64_t>(parameters.size()) != layout.count)
        throw std::invalid_argument(std::string(what) + ": " + std::to_string(parameters.size()) +
                                    " parameters, the model has " + std::to_string(layout.count));
}

// Columns of the fused Q/K/V projection and rows of the output projection per head.
struct HeadColumns {
    int projStart = 0, projWidth = 0; // Q, K, V (or V alone for the transform heads)
    int catStart = 0, dim = 0;
};
std::vector<HeadColumns> headColumns(const LayerSpec& layer) {
    std::vector<HeadColumns> out;
    int col = 0, cat = 0;
    for (const HeadSpec& h : layer.heads) {
        HeadColumns c;
        c.projStart = col;
        c.projWidth = isTransformHead(h.type) ? h.dim : 3 * h.dim;
        c.catStart = cat;
        c.dim = h.dim;
        col += c.projWidth;
        cat += h.dim;
        out.push_back(c);
    }
    return out;
}

double meanSquares(const float* p, std::int64_t n) {
    double s = 0;
    for (std::int64_t i = 0; i < n; ++i)
        s += double(p[i]) * p[i];
    return n > 0 ? s / double(n) : 0.0;
}
double meanAbs(const float* p, std::int64_t n) {
    double s = 0;
    for (std::int64_t i = 0; i < n; ++i)
        s += std::fabs(double(p[i]));
    return n > 0 ? s / double(n) : 0.0;
}

std::string at(int layer) {
    return "layers." + std::to_string(layer);
}

// A map of one dimension from parent to child: the identity, an index map (child entry →
// parent entry, −1: the child keeps its own initialisation) or a dense child × parent matrix.
struct DimMap {
    int child = 0, parent = 0;
    bool identity = true;
    std::vector<int> index;    // when not identity and dense is empty
    std::vector<double> dense; // child × parent, row-major

    static DimMap same(int n) { return {n, n, true, {}, {}}; }
    bool keeps(int i) const { return !identity && dense.empty() && index[static_cast<std::size_t>(i)] < 0; }
};

DimMap orderedMap(int child, int parent) {
    if (child == parent)
        return DimMap::same(child);
    DimMap m{child, parent, false, std::vector<int>(static_cast<std::size_t>(child), -1), {}};
    for (int i = 0; i < std::min(child, parent); ++i)
        m.index[static_cast<std::size_t>(i)] = i;
    return m;
}

// W' = R · S · Cᵀ over the entries the maps give; `out` [cr, cc] holds the child's
// initialisation and keeps it where a map says so.
void applyMaps(const float* source, int pr, int pc, const DimMap& rows, const DimMap& cols, float* out) {
    const int cr = rows.child, cc = cols.child;
    if (rows.parent != pr || cols.parent != pc)
        throw std::invalid_argument("weight transfer: a dimension map does not fit its tensor");
    // T = S · Cᵀ, [pr, cc]
    std::vector<double> t(static_cast<std::size_t>(pr) * cc, 0.0);
    for (int r = 0; r < pr; ++r) {
        const float* s = source + static_cast<std::size_t>(r) * pc;
        double* tr = t.data() + static_cast<std::size_t>(r) * cc;
        for (int j = 0; j < cc; ++j) {
            if (cols.identity)
                tr[j] = s[j];
            else if (cols.dense.empty())
                tr[j] = cols.index[static_cast<std::size_t>(j)] >= 0 ? s[cols.index[static_cast<std::size_t>(j)]] : 0.0;
            else {
                const double* d = cols.dense.data() + static_cast<std::size_t>(j) * pc;
                double acc = 0;
                for (int q = 0; q < pc; ++q)
                    acc += d[q] * s[q];
                tr[j] = acc;
            }
        }
    }
    for (int i = 0; i < cr; ++i) {
        if (rows.keeps(i))
            continue;
        float* o = out + static_cast<std::size_t>(i) * cc;
        for (int j = 0; j < cc; ++j) {
            if (cols.keeps(j))
                continue;
            double v = 0;
            if (rows.identity)
                v = t[static_cast<std::size_t>(i) * cc + j];
            else if (rows.dense.empty())
                v = t[static_cast<std::size_t>(rows.index[static_cast<std::size_t>(i)]) * cc + j];
            else {
                const double* d = rows.dense.data() + static_cast<std::size_t>(i) * pr;
                for (int q = 0; q < pr; ++q)
                    v += d[q] * t[static_cast<std::size_t>(q) * cc + j];
            }
            o[j] = static_cast<float>(v);
        }
    }
}

void renumberHeads(TransformerSpec& model, std::vector<LayerSource>& sources, int layer,
                   std::vector<std::pair<HeadSpec, int>> heads) {
    std::stable_sort(heads.begin(), heads.end(),
                     [](const auto& a, const auto& b) { return a.first.type < b.first.type; });
    LayerSpec& ls = model.layers[static_cast<std::size_t>(layer)];
    ls.heads.clear();
    sources[static_cast<std::size_t>(layer)].heads.clear();
    for (const auto& [h, src] : heads) {
        ls.heads.push_back(h);
        sources[static_cast<std::size_t>(layer)].heads.push_back(src);
    }
}

std::vector<LayerSource> identitySources(const TransformerSpec& model) {
    std::vector<LayerSource> s;
    for (const LayerSpec& l : model.layers) {
        LayerSource ls;
        ls.heads.resize(l.heads.size());
        std::iota(ls.heads.begin(), ls.heads.end(), 0);
        ls.feedForward.resize(l.feedForwardSizes.size());
        std::iota(ls.feedForward.begin(), ls.feedForward.end(), 0);
        s.push_back(std::move(ls));
    }
    return s;
}

std::string fmt(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", v);
    return buf;
}

double layerStrength(const Layout& layout, const std::vector<float>& parameters, int layer) {
    const std::string prefix = at(layer) + ".";
    double sum = 0;
    std::int64_t n = 0;
    for (const auto& t : layout.tensors)
        if (t.decay && t.name.rfind(prefix, 0) == 0) {
            sum += meanAbs(parameters.data() + t.offset, t.size()) * double(t.size());
            n += t.size();
        }
    return n > 0 ? sum / double(n) : 0.0;
}

} // namespace

std::string_view growPruneOperatorName(GrowPruneOperator op) {
    for (const auto& [o, name] : kOperatorNames)
        if (o == op)
            return name;
    return "?";
}

std::optional<GrowPruneOperator> growPruneOperatorFromName(std::string_view name) {
    for (const auto& [o, n] : kOperatorNames)
        if (n == name)
            return o;
    return std::nullopt;
}

std::string_view transferModeName(TransferMode mode) {
    return mode == TransferMode::Ordered ? "ordered" : "projection";
}

std::optional<TransferMode> transferModeFromName(std::string_view name) {
    if (name == "ordered")
        return TransferMode::Ordered;
    if (name == "projection")
        return TransferMode::Projection;
    return std::nullopt;
}

std::vector<double> dimensionMap(int childSize, int parentSize, TransferMode mode, std::uint64_t seed) {
    if (childSize <= 0 || parentSize <= 0)
        throw std::invalid_argument("dimension map: sizes must be positive");
    std::vector<double> m(static_cast<std::size_t>(childSize) * parentSize, 0.0);
    if (mode == TransferMode::Ordered) {
        for (int i = 0; i < std::min(childSize, parentSize); ++i)
            m[static_cast<std::size_t>(i) * parentSize + i] = 1.0;
        return m;
    }
    // Gaussian random projection: entries N(0, 1/childSize), so E[PᵀP] = I. Box–Muller on the
    // engine's raw output, so the matrix does not depend on the library's distributions.
    std::mt19937_64 rng(seed);
    const double scale = 1.0 / std::sqrt(double(childSize));
    const auto uniform = [&] { return (double(rng() >> 11) + 0.5) * (1.0 / 9007199254740992.0); };
    for (std::size_t k = 0; k < m.size(); k += 2) {
        const double u1 = uniform(), u2 = uniform();
        const double r = std::sqrt(-2.0 * std::log(u1));
        m[k] = scale * r * std::cos(2.0 * std::numbers::pi * u2);
        if (k + 1 < m.size())
            m[k + 1] = scale * r * std::sin(2.0 * std::numbers::pi * u2);
    }
    return m;
}

std::vector<double> headStrengths(const TransformerSpec& model, const TaskShape& task,
                                  const std::vector<float>& parameters, int layer) {
    const Layout layout(model, task);
    checkParameters(layout, parameters, "head strengths");
    const LayerSpec& ls = model.layers.at(static_cast<std::size_t>(layer));
    const auto cols = headColumns(ls);
    const train::ParamTensor& proj = layout.at(at(layer) + ".heads.proj.weight");
    std::vector<double> out;
    for (std::size_t i = 0; i < ls.heads.size(); ++i) {
        const HeadType type = ls.heads[i].type;
        const std::string hn = at(layer) + ".heads." + std::to_string(i);
        if (type == HeadType::SaWma) {
            const auto& t = layout.at(hn + ".wma");
            out.push_back(meanSquares(parameters.data() + t.offset, t.size()));
        } else if (isConvolutionHead(type)) {
            const auto& t = layout.at(hn + ".conv.weight");
            out.push_back(meanSquares(parameters.data() + t.offset, t.size()));
        } else { // self-attention: Q, K, V columns; transform heads: their value columns
            double s = 0;
            for (std::int64_t r = 0; r < proj.rows; ++r)
                for (int c = 0; c < cols[i].projWidth; ++c) {
                    const double v =
                        parameters[static_cast<std::size_t>(proj.offset + r * proj.cols + cols[i].projStart + c)];
                    s += v * v;
                }
            out.push_back(s / double(proj.rows * cols[i].projWidth));
        }
    }
    return out;
}

std::vector<double> feedForwardStrengths(const TransformerSpec& model, const TaskShape& task,
                                         const std::vector<float>& parameters, int layer) {
    const Layout layout(model, task);
    checkParameters(layout, parameters, "feed-forward strengths");
    const LayerSpec& ls = model.layers.at(static_cast<std::size_t>(layer));
    std::vector<double> out;
    for (std::size_t k = 0; k < ls.feedForwardSizes.size(); ++k) {
        const auto& t = layout.at(at(layer) + ".ff." + std::to_string(k) + ".weight");
        out.push_back(meanAbs(parameters.data() + t.offset, t.size()));
    }
    return out;
}

std::vector<ChildModel> applyOperator(GrowPruneOperator op, const TransformerSpec& parent, const TaskShape& task,
                                      const std::vector<float>& parameters, std::uint64_t seed,
                                      const GrowPruneSizes& sizes) {
    std::vector<ChildModel> children;
    std::mt19937_64 rng(seed);
    const int layers = parent.layerCount();
    switch (op) {
    case GrowPruneOperator::GrowHead: {
        std::vector<std::pair<int, HeadType>> pairs;
        for (int l = 0; l < layers; ++l)
            for (const HeadType t : kAllHeadTypes)
                pairs.emplace_back(l, t);
        shuffleSeeded(pairs, rng);
        const std::size_t n =
            std::min<std::size_t>(pairs.size(), static_cast<std::size_t>(std::max(0, sizes.growHeadChildren)));
        for (std::size_t c = 0; c < n; ++c) {
            const auto [l, type] = pairs[c];
            ChildModel child{op, parent, {}, identitySources(parent)};
            const LayerSpec& pl = parent.layers[static_cast<std::size_t>(l)];
            const HeadSpec added{type, pl.heads.front().dim};
            std::vector<std::pair<HeadSpec, int>> heads;
            for (std::size_t i = 0; i < pl.heads.size(); ++i)
                heads.emplace_back(pl.heads[i], static_cast<int>(i));
            heads.emplace_back(added, -1);
            renumberHeads(child.model, child.sources, l, std::move(heads));
            child.change = "layer " + std::to_string(l) + ": + " + headString(added);
            children.push_back(std::move(child));
        }
        break;
    }
    case GrowPruneOperator::GrowFeedForward: {
        std::vector<int> eligible;
        for (int l = 0; l < layers; ++l) {
            const auto& ff = parent.layers[static_cast<std::size_t>(l)].feedForwardSizes;
            if (ff.empty() || ff.back() <= sizes.growFfWidth)
                eligible.push_back(l);
        }
        shuffleSeeded(eligible, rng);
        const std::size_t n =
            std::min<std::size_t>(eligible.size(), static_cast<std::size_t>(std::max(0, sizes.growFfChildren)));
        for (std::size_t c = 0; c < n; ++c) {
            const int l = eligible[c];
            ChildModel child{op, parent, {}, identitySources(parent)};
            child.model.layers[static_cast<std::size_t>(l)].feedForwardSizes.push_back(sizes.growFfWidth);
            child.sources[static_cast<std::size_t>(l)].feedForward.push_back(-1);
            child.change = "layer " + std::to_string(l) + ": + feed-forward " + std::to_string(sizes.growFfWidth);
            children.push_back(std::move(child));
        }
        break;
    }
    case GrowPruneOperator::PruneHeads: {
        struct Ranked {
            double strength;
            int layer, head;
        };
        std::vector<Ranked> ranked;
        for (int l = 0; l < layers; ++l) {
            const auto s = headStrengths(parent, task, parameters, l);
            for (std::size_t i = 0; i < s.size(); ++i)
                ranked.push_back({s[i], l, static_cast<int>(i)});
        }
        std::stable_sort(ranked.begin(), ranked.end(),
                         [](const Ranked& a, const Ranked& b) { return a.strength < b.strength; });
        std::vector<std::vector<int>> removed(static_cast<std::size_t>(layers));
        std::vector<Ranked> chosen;
        for (const Ranked& r : ranked) {
            if (static_cast<int>(chosen.size()) >= sizes.pruneHeads)
                break;
            auto& rem = removed[static_cast<std::size_t>(r.layer)];
            if (rem.size() + 1 >= parent.layers[static_cast<std::size_t>(r.layer)].heads.size())
                continue; // a layer keeps at least one head
            rem.push_back(r.head);
            chosen.push_back(r);
        }
        if (chosen.empty())
            break;
        ChildModel child{op, parent, {}, identitySources(parent)};
        for (int l = 0; l < layers; ++l) {
            const auto& rem = removed[static_cast<std::size_t>(l)];
            if (rem.empty())
                continue;
            const LayerSpec& pl = parent.layers[static_cast<std::size_t>(l)];
            std::vector<std::pair<HeadSpec, int>> heads;
            for (std::size_t i = 0; i < pl.heads.size(); ++i)
                if (std::find(rem.begin(), rem.end(), static_cast<int>(i)) == rem.end())
                    heads.emplace_back(pl.heads[i], static_cast<int>(i));
            renumberHeads(child.model, child.sources, l, std::move(heads));
        }
        for (const Ranked& r : chosen) {
            if (!child.change.empty())
                child.change += "; ";
            child.change +=
                "layer " + std::to_string(r.layer) + ": − " +
                headString(parent.layers[static_cast<std::size_t>(r.layer)].heads[static_cast<std::size_t>(r.head)]) +
                " (head " + std::to_string(r.head) + ", mean w² " + fmt(r.strength) + ")";
        }
        children.push_back(std::move(child));
        break;
    }
    case GrowPruneOperator::PruneFeedForward: {
        struct Ranked {
            double strength;
            int layer, index;
        };
        std::vector<Ranked> ranked;
        for (int l = 0; l < layers; ++l) {
            const auto s = feedForwardStrengths(parent, task, parameters, l);
            for (std::size_t k = 0; k < s.size(); ++k)
                if (parent.layers[static_cast<std::size_t>(l)].feedForwardSizes[k] > sizes.pruneFfNeurons)
                    ranked.push_back({s[k], l, static_cast<int>(k)});
        }
        std::stable_sort(ranked.begin(), ranked.end(),
                         [](const Ranked& a, const Ranked& b) { return a.strength < b.strength; });
        if (ranked.empty())
            break;
        ChildModel child{op, parent, {}, identitySources(parent)};
        for (std::size_t c = 0; c < ranked.size() && static_cast<int>(c) < sizes.pruneFfLayers; ++c) {
            const Ranked& r = ranked[c];
            int& size = child.model.layers[static_cast<std::size_t>(r.layer)]
                            .feedForwardSizes[static_cast<std::size_t>(r.index)];
            if (!child.change.empty())
                child.change += "; ";
            child.change += "layer " + std::to_string(r.layer) + ": feed-forward " + std::to_string(r.index) + " " +
                            std::to_string(size) + " → " + std::to_string(size - sizes.pruneFfNeurons) + " (mean |w| " +
                            fmt(r.strength) + ")";
            size -= sizes.pruneFfNeurons;
        }
        children.push_back(std::move(child));
        break;
    }
    case GrowPruneOperator::ShrinkLayer: {
        const Layout layout(parent, task);
        checkParameters(layout, parameters, "shrink-layer");
        int weakest = -1;
        double best = 0;
        for (int l = 0; l < layers; ++l) {
            if (parent.layers[static_cast<std::size_t>(l)].hiddenSize <= sizes.shrinkLayerUnits)
                continue;
            const double s = layerStrength(layout, parameters, l);
            if (weakest < 0 || s < best) {
                weakest = l;
                best = s;
            }
        }
        if (weakest < 0)
            break;
        ChildModel child{op, parent, {}, identitySources(parent)};
        int& h = child.model.layers[static_cast<std::size_t>(weakest)].hiddenSize;
        child.change = "layer " + std::to_string(weakest) + ": hidden " + std::to_string(h) + " → " +
                       std::to_string(h - sizes.shrinkLayerUnits) + " (mean |w| " + fmt(best) + ")";
        h -= sizes.shrinkLayerUnits;
        children.push_back(std::move(child));
        break;
    }
    }
    return children;
}

std::vector<float> transferWeights(const TransformerSpec& parent, const std::vector<float>& parentParameters,
                                   const ChildModel& child, const TaskShape& task, TransferMode mode,
                                   std::uint64_t seed) {
    const TransformerSpec& model = child.model;
    if (model.layerCount() != parent.layerCount() || child.sources.size() != model.layers.size())
        throw std::invalid_argument("weight transfer: the child must have the parent's layers and a source per layer");
    const Layout pl(parent, task);
    checkParameters(pl, parentParameters, "weight transfer (parent)");
    train::Network childNet(model, task, 1);
    childNet.initialize(seed);
    std::vector<float> out(childNet.parameters().begin(), childNet.parameters().end());
    const auto& childTensors = childNet.tensors();

    // One map per (dimension, child size, parent size), shared by every tensor that has it.
    std::map<std::string, DimMap> maps;
    const auto dimMap = [&](const std::string& space, int childSize, int parentSize, bool norm) -> const DimMap& {
        const std::string key =
            space + "|" + std::to_string(childSize) + "|" + std::to_string(parentSize) + (norm ? "|n" : "");
        auto it = maps.find(key);
        if (it != maps.end())
            return it->second;
        DimMap m;
        if (childSize == parentSize)
            m = DimMap::same(childSize);
        else if (mode == TransferMode::Ordered || norm)
            m = orderedMap(childSize, parentSize);
        else
            m = {childSize, parentSize, false, {}, dimensionMap(childSize, parentSize, mode, seed ^ fnv1a(space))};
        return maps.emplace(key, std::move(m)).first->second;
    };
    const auto hidden = [](int l) { return "hidden." + std::to_string(l); };

    for (const train::ParamTensor& ct : childTensors) {
        const std::string& name = ct.name;
        float* dst = out.data() + ct.offset;
        const int cr = static_cast<int>(ct.rows), cc = static_cast<int>(ct.cols);
        const bool vector = ct.rows == 1;
        const bool norm = name.find(".norm") != std::string::npos;
        // The parent tensor and the spaces of its two dimensions (rows "" = not resized).
        std::string source = name;
        std::string rowSpace, colSpace;
        std::optional<DimMap> rowIndex, colIndex; // head-structured dimensions
        std::vector<float> identity;              // a `next` the parent did not need
        int layer = -1;
        std::string rest;
        if (name.rfind("layers.", 0) == 0) {
            const std::size_t dot = name.find('.', 7);
            layer = std::stoi(name.substr(7, dot - 7));
            rest = name.substr(dot + 1);
        }
        if (layer < 0) { // embeddings and classifier
            if (name.rfind("classifier.", 0) == 0)
                rowSpace = vector ? "" : hidden(model.layerCount() - 1);
            else
                colSpace = hidden(0);
        } else {
            const auto ul = static_cast<std::size_t>(layer);
            const LayerSource& src = child.sources[ul];
            const LayerSpec& cl = model.layers[ul];
            const LayerSpec& parentLayer = parent.layers[ul];
            if (rest.rfind("heads.proj.", 0) == 0 || rest.rfind("out.", 0) == 0) {
                const bool proj = rest.rfind("heads.proj.", 0) == 0;
                const auto cc_ = headColumns(cl), pc_ = headColumns(parentLayer);
                DimMap m{proj ? cl.heads.empty() ? 0 : cc_.back().projStart + cc_.back().projWidth : cl.headDimTotal(),
                         proj ? pc_.back().projStart + pc_.back().projWidth : parentLayer.headDimTotal(),
                         false,
                         {},
                         {}};
                for (std::size_t i = 0; i < cl.heads.size(); ++i) {
                    const int j = src.heads.at(i);
                    const int width = proj ? cc_[i].projWidth : cc_[i].dim;
                    for (int c = 0; c < width; ++c)
                        m.index.push_back(j < 0 ? -1
                                                : (proj ? pc_[static_cast<std::size_t>(j)].projStart
                                                        : pc_[static_cast<std::size_t>(j)].catStart) +
                                                      c);
                }
                if (proj) {
                    colIndex = m;
                    rowSpace = vector ? "" : hidden(layer);
                } else if (vector) {
                    colSpace = hidden(layer);
                } else {
                    rowIndex = m;
                    colSpace = hidden(layer);
                }
            } else if (rest.rfind("heads.", 0) == 0) { // a head's own tensors: only from its source head
                const std::size_t dot = rest.find('.', 6);
                const int i = std::stoi(rest.substr(6, dot - 6));
                const int j = src.heads.at(static_cast<std::size_t>(i));
                if (j < 0)
                    continue;
                source = at(layer) + ".heads." + std::to_string(j) + rest.substr(dot);
            } else if (rest.rfind("norm", 0) == 0) {
                colSpace = hidden(layer);
            } else if (rest.rfind("ff.", 0) == 0) {
                const std::size_t dot = rest.find('.', 3);
                const int k = std::stoi(rest.substr(3, dot - 3));
                const std::string part = rest.substr(dot); // ".weight" / ".bias"
                const int nc = static_cast<int>(cl.feedForwardSizes.size());
                const int np = static_cast<int>(parentLayer.feedForwardSizes.size());
                const auto ffSpace = [&](int kk) { return at(layer) + ".ff" + std::to_string(kk); };
                if (k == nc) { // the output projection (→ H) comes from the parent's
                    if (np == 0)
                        continue;
                    source = at(layer) + ".ff." + std::to_string(np) + part;
                    if (!vector)
                        rowSpace = ffSpace(k - 1);
                    colSpace = hidden(layer);
                } else {
                    const int j = src.feedForward.at(static_cast<std::size_t>(k));
                    if (j < 0)
                        continue;
                    source = at(layer) + ".ff." + std::to_string(j) + part;
                    if (!vector)
                        rowSpace = k == 0 ? hidden(layer) : ffSpace(k - 1);
                    colSpace = ffSpace(k);
                }
            } else if (rest.rfind("next.", 0) == 0) {
                if (!vector)
                    rowSpace = hidden(layer);
                colSpace = hidden(layer + 1);
                if (!pl.find(name)) { // the parent's layers had equal widths: its `next` was the identity
                    const int n = parentLayer.hiddenSize;
                    identity.assign(static_cast<std::size_t>(vector ? n : n * n), 0.0f);
                    if (!vector)
                        for (int i = 0; i < n; ++i)
                            identity[static_cast<std::size_t>(i) * n + i] = 1.0f;
                }
            }
        }
        const float* s = nullptr;
        int pr = 0, pcount = 0;
        if (!identity.empty()) {
            s = identity.data();
            pcount = parent.layers[static_cast<std::size_t>(layer)].hiddenSize;
            pr = vector ? 1 : pcount;
        } else {
            const train::ParamTensor* pt = pl.find(source);
            if (!pt)
                continue; // a part the parent does not have keeps the child's initialisation
            s = parentParameters.data() + pt->offset;
            pr = static_cast<int>(pt->rows);
            pcount = static_cast<int>(pt->cols);
        }
        const DimMap rows = rowIndex ? *rowIndex : rowSpace.empty() ? DimMap::same(cr) : dimMap(rowSpace, cr, pr, norm);
        const DimMap cols = colIndex           ? *colIndex
                            : colSpace.empty() ? DimMap::same(cc)
                                               : dimMap(colSpace, cc, pcount, norm);
        if (rows.identity && rows.child != pr)
            throw std::invalid_argument("weight transfer: '" + name + "' has " + std::to_string(cr) +
                                        " rows, its source " + std::to_string(pr));
        if (cols.identity && cols.child != pcount)
            throw std::invalid_argument("weight transfer: '" + name + "' has " + std::to_string(cc) +
                                        " columns, its source " + std::to_string(pcount));
        applyMaps(s, pr, pcount, rows, cols, dst);
    }
    return out;
}

} // namespace tcw::codesign
