// GPTran's operators and weight transfer (issue 14, core/codesign/grow_prune_ops.h): each
// operator's architecture change checked by hand on models whose weakest parts are made so,
// copied slices equal to the parent's bit for bit, the random projection's shape, scale and
// seed, and the projected tensors equal to P·W·Pᵀ computed here.
#include "codesign/grow_prune_ops.h"
#include "train/network.h"

#include <QtTest/QtTest>

#include <cmath>
#include <set>
#include <string>

using namespace tcw;
using namespace tcw::codesign;

namespace {

const TaskShape kTask{8, 50, 3, 0};

struct Params {
    std::vector<float> values;
    std::vector<train::ParamTensor> tensors;
    const train::ParamTensor& at(const std::string& name) const {
        for (const auto& t : tensors)
            if (t.name == name)
                return t;
        throw std::runtime_error("no tensor " + name);
    }
    float get(const std::string& name, std::int64_t r, std::int64_t c) const {
        const auto& t = at(name);
        return values[static_cast<std::size_t>(t.offset + r * t.cols + c)];
    }
    void scale(const std::string& name, float f, std::int64_t c0 = 0, std::int64_t c1 = -1) {
        const auto& t = at(name);
        if (c1 < 0)
            c1 = t.cols;
        for (std::int64_t r = 0; r < t.rows; ++r)
            for (std::int64_t c = c0; c < c1; ++c)
                values[static_cast<std::size_t>(t.offset + r * t.cols + c)] *= f;
    }
};

Params paramsOf(const TransformerSpec& model, std::uint64_t seed) {
    train::Network n(model, kTask, 1);
    n.initialize(seed);
    // Biases and norms start at 0 / 1: give them values so a wrong copy shows.
    std::vector<float> v(n.parameters().begin(), n.parameters().end());
    for (std::size_t i = 0; i < v.size(); ++i)
        v[i] += 0.001f * static_cast<float>(i % 97);
    return {v, n.tensors()};
}

TransformerSpec twoLayers() {
    TransformerSpec m = uniformTransformer(2, 32, 2, 64); // heads sa_sdp_16 × 2, FF 64
    m.name = "small";
    return m;
}

} // namespace

class TestGrowPrune : public QObject {
    Q_OBJECT
private slots:
    void operatorNames();
    void growHeadChildren();
    void growHeadTransferCopiesEveryInheritedSlice();
    void pruneHeadsRemovesTheWeakest();
    void pruneFeedForwardShrinksTheWeakest();
    void pruneFeedForwardProjection();
    void growFeedForwardTransfer();
    void shrinkLayerTransfer();
    void dimensionMapShapeScaleSeed();
    void nothingToActOn();
};

void TestGrowPrune::operatorNames() {
    for (const auto op :
         {GrowPruneOperator::GrowHead, GrowPruneOperator::GrowFeedForward, GrowPruneOperator::PruneHeads,
          GrowPruneOperator::PruneFeedForward, GrowPruneOperator::ShrinkLayer})
        QCOMPARE(*growPruneOperatorFromName(growPruneOperatorName(op)), op);
    QVERIFY(!growPruneOperatorFromName("grow-layer"));
    QCOMPARE(*transferModeFromName("ordered"), TransferMode::Ordered);
    QVERIFY(!transferModeFromName("copy"));
}

void TestGrowPrune::growHeadChildren() {
    const TransformerSpec parent = twoLayers();
    const Params p = paramsOf(parent, 3);
    GrowPruneSizes sizes;
    const auto children = applyOperator(GrowPruneOperator::GrowHead, parent, kTask, p.values, 11, sizes);
    QCOMPARE(children.size(), std::size_t(5)); // min(5, 2 layers × 7 kinds)
    std::set<std::pair<int, int>> pairs;
    for (const ChildModel& c : children) {
        int grownLayer = -1;
        for (int l = 0; l < 2; ++l) {
            const auto& heads = c.model.layers[static_cast<std::size_t>(l)].heads;
            if (heads.size() == 3) {
                grownLayer = l;
                // the new head is the one with source −1; it has the layer's head width
                for (std::size_t i = 0; i < heads.size(); ++i)
                    if (c.sources[static_cast<std::size_t>(l)].heads[i] < 0) {
                        QCOMPARE(heads[i].dim, 16);
                        pairs.emplace(l, static_cast<int>(heads[i].type));
                    }
                TransformerSpec canonical = c.model;
                canonical.canonicalize();
                QCOMPARE(canonical, c.model);
            } else {
                QCOMPARE(heads.size(), std::size_t(2));
            }
        }
        QVERIFY(grownLayer >= 0);
        QCOMPARE(c.model.layers[0].feedForwardSizes, parent.layers[0].feedForwardSizes);
    }
    QCOMPARE(pairs.size(), std::size_t(5)); // distinct (layer, kind) pairs
    // Seeded: the same seed gives the same children, another seed other ones.
    const auto again = applyOperator(GrowPruneOperator::GrowHead, parent, kTask, p.values, 11, sizes);
    for (std::size_t i = 0; i < children.size(); ++i)
        QCOMPARE(again[i].model, children[i].model);
    const auto other = applyOperator(GrowPruneOperator::GrowHead, parent, kTask, p.values, 12, sizes);
    bool differs = false;
    for (std::size_t i = 0; i < children.size(); ++i)
        differs |= !(other[i].model == children[i].model);
    QVERIFY(differs);
    sizes.growHeadChildren = 20;
    QCOMPARE(applyOperator(GrowPruneOperator::GrowHead, parent, kTask, p.values, 11, sizes).size(), std::size_t(14));
}

void TestGrowPrune::growHeadTransferCopiesEveryInheritedSlice() {
    const TransformerSpec parent = twoLayers();
    const Params p = paramsOf(parent, 3);
    // Find a child that adds a conv head before the sa_sdp heads are not moved: any child works;
    // check every child.
    for (const ChildModel& child : applyOperator(GrowPruneOperator::GrowHead, parent, kTask, p.values, 5)) {
        const std::vector<float> v = transferWeights(parent, p.values, child, kTask, TransferMode::Projection, 9);
        Params c{v, train::Network(child.model, kTask, 1).tensors()};
        Params init = paramsOf(child.model, 0);
        {
            train::Network n(child.model, kTask, 1);
            n.initialize(9);
            init.values.assign(n.parameters().begin(), n.parameters().end());
        }
        // Tensors outside the heads keep their names and shapes: equal bit for bit.
        for (const auto& t : p.tensors) {
            if (t.name.find(".heads.") != std::string::npos || t.name.find(".out.weight") != std::string::npos)
                continue;
            const auto& ct = c.at(t.name);
            QCOMPARE(ct.size(), t.size());
            for (std::int64_t i = 0; i < t.size(); ++i)
                QCOMPARE(v[static_cast<std::size_t>(ct.offset + i)], p.values[static_cast<std::size_t>(t.offset + i)]);
        }
        for (int l = 0; l < 2; ++l) {
            const auto& heads = child.model.layers[static_cast<std::size_t>(l)].heads;
            const std::string at = "layers." + std::to_string(l);
            int col = 0, cat = 0;
            for (std::size_t i = 0; i < heads.size(); ++i) {
                const int width = isTransformHead(heads[i].type) ? heads[i].dim : 3 * heads[i].dim;
                const int src = child.sources[static_cast<std::size_t>(l)].heads[i];
                for (int r = 0; r < 32; ++r)
                    for (int k = 0; k < width; ++k) {
                        const float expected = src < 0 ? init.get(at + ".heads.proj.weight", r, col + k)
                                                       : p.get(at + ".heads.proj.weight", r, src * 48 + k);
                        QCOMPARE(c.get(at + ".heads.proj.weight", r, col + k), expected);
                    }
                for (int k = 0; k < heads[i].dim; ++k)
                    for (int h = 0; h < 32; ++h) {
                        const float expected = src < 0 ? init.get(at + ".out.weight", cat + k, h)
                                                       : p.get(at + ".out.weight", src * 16 + k, h);
                        QCOMPARE(c.get(at + ".out.weight", cat + k, h), expected);
                    }
                col += width;
                cat += heads[i].dim;
            }
        }
        // Deterministic for a seed.
        QCOMPARE(transferWeights(parent, p.values, child, kTask, TransferMode::Projection, 9), v);
    }
}

void TestGrowPrune::pruneHeadsRemovesTheWeakest() {
    TransformerSpec parent = uniformTransformer(2, 32, 3, 64); // 3 × sa_sdp_10
    Params p = paramsOf(parent, 4);
    // Layer 0 head 2 and layer 1 head 0 made the weakest (their Q, K, V columns × 0.1).
    p.scale("layers.0.heads.proj.weight", 0.1f, 60, 90);
    p.scale("layers.1.heads.proj.weight", 0.1f, 0, 30);
    const auto children = applyOperator(GrowPruneOperator::PruneHeads, parent, kTask, p.values, 1);
    QCOMPARE(children.size(), std::size_t(1));
    const ChildModel& c = children[0];
    QCOMPARE(c.model.layers[0].heads.size(), std::size_t(2));
    QCOMPARE(c.model.layers[1].heads.size(), std::size_t(2));
    QCOMPARE(c.sources[0].heads, (std::vector<int>{0, 1}));
    QCOMPARE(c.sources[1].heads, (std::vector<int>{1, 2}));
    const auto v = transferWeights(parent, p.values, c, kTask, TransferMode::Projection, 2);
    const Params cp{v, train::Network(c.model, kTask, 1).tensors()};
    for (int r = 0; r < 32; ++r)
        for (int k = 0; k < 60; ++k) // layer 1's child heads 0, 1 are the parent's heads 1, 2
            QCOMPARE(cp.get("layers.1.heads.proj.weight", r, k), p.get("layers.1.heads.proj.weight", r, 30 + k));
    // The strengths it ranked by: mean squared weight of the Q, K, V columns.
    const auto s0 = headStrengths(parent, kTask, p.values, 0);
    double manual = 0;
    for (int r = 0; r < 32; ++r)
        for (int k = 60; k < 90; ++k)
            manual += double(p.get("layers.0.heads.proj.weight", r, k)) * p.get("layers.0.heads.proj.weight", r, k);
    QVERIFY(std::abs(s0[2] - manual / (32 * 30)) < 1e-12);
    // A layer keeps one head: a one-head model has nothing to prune.
    const TransformerSpec single = uniformTransformer(2, 32, 1, 64);
    QVERIFY(applyOperator(GrowPruneOperator::PruneHeads, single, kTask, paramsOf(single, 1).values, 1).empty());
}

void TestGrowPrune::pruneFeedForwardShrinksTheWeakest() {
    TransformerSpec parent = uniformTransformer(3, 32, 2, 256);
    Params p = paramsOf(parent, 6);
    p.scale("layers.2.ff.0.weight", 0.1f);
    p.scale("layers.0.ff.0.weight", 0.2f);
    const auto children = applyOperator(GrowPruneOperator::PruneFeedForward, parent, kTask, p.values, 1);
    QCOMPARE(children.size(), std::size_t(1));
    const ChildModel& c = children[0];
    QCOMPARE(c.model.layers[0].feedForwardSizes, std::vector<int>{128});
    QCOMPARE(c.model.layers[1].feedForwardSizes, std::vector<int>{256});
    QCOMPARE(c.model.layers[2].feedForwardSizes, std::vector<int>{128});
    // Ordered: the leading 128 neurons, exactly (columns into the layer, rows out of it).
    const auto v = transferWeights(parent, p.values, c, kTask, TransferMode::Ordered, 3);
    const Params cp{v, train::Network(c.model, kTask, 1).tensors()};
    for (int r = 0; r < 32; ++r)
        for (int k = 0; k < 128; ++k) {
            QCOMPARE(cp.get("layers.0.ff.0.weight", r, k), p.get("layers.0.ff.0.weight", r, k));
            QCOMPARE(cp.get("layers.0.ff.1.weight", k, r), p.get("layers.0.ff.1.weight", k, r));
        }
    for (int k = 0; k < 128; ++k)
        QCOMPARE(cp.get("layers.0.ff.0.bias", 0, k), p.get("layers.0.ff.0.bias", 0, k));
}

void TestGrowPrune::pruneFeedForwardProjection() {
    TransformerSpec parent = uniformTransformer(1, 16, 2, 160);
    const Params p = paramsOf(parent, 8);
    const auto children = applyOperator(GrowPruneOperator::PruneFeedForward, parent, kTask, p.values, 1);
    QCOMPARE(children.size(), std::size_t(1));
    const ChildModel& c = children[0];
    QCOMPARE(c.model.layers[0].feedForwardSizes, std::vector<int>{32});
    const auto v = transferWeights(parent, p.values, c, kTask, TransferMode::Projection, 21);
    const Params cp{v, train::Network(c.model, kTask, 1).tensors()};
    QCOMPARE(cp.at("layers.0.ff.0.weight").cols, std::int64_t(32));
    // One P for the resized dimension, shared by the tensor into it and the one out of it.
    QCOMPARE(cp.at("layers.0.ff.1.weight").rows, std::int64_t(32));
    QCOMPARE(transferWeights(parent, p.values, c, kTask, TransferMode::Projection, 21), v);
    QVERIFY(transferWeights(parent, p.values, c, kTask, TransferMode::Projection, 22) != v);
    QVERIFY(transferWeights(parent, p.values, c, kTask, TransferMode::Ordered, 21) != v);
    // Read P off the transfer by linearity: a parent whose ff.0 weight is e_q in row 0 gives
    // column q of P in the child's row 0. Then the real weights must be W₀ · Pᵀ and P · W₁.
    Params unit = p;
    const auto& w0 = unit.at("layers.0.ff.0.weight");
    std::fill(unit.values.begin() + w0.offset, unit.values.begin() + w0.offset + w0.size(), 0.0f);
    std::vector<std::vector<double>> P(32, std::vector<double>(160));
    for (int q = 0; q < 160; ++q) {
        unit.values[static_cast<std::size_t>(w0.offset + q)] = 1.0f;
        const auto u = transferWeights(parent, unit.values, c, kTask, TransferMode::Projection, 21);
        const Params up{u, cp.tensors};
        for (int j = 0; j < 32; ++j)
            P[static_cast<std::size_t>(j)][static_cast<std::size_t>(q)] = up.get("layers.0.ff.0.weight", 0, j);
        unit.values[static_cast<std::size_t>(w0.offset + q)] = 0.0f;
    }
    // That P maps ff.1's rows: child ff.1 = P · W₁ (the same P for the whole dimension).
    for (int j = 0; j < 32; ++j)
        for (int h = 0; h < 16; ++h) {
            double expected = 0;
            for (int q = 0; q < 160; ++q)
                expected +=
                    P[static_cast<std::size_t>(j)][static_cast<std::size_t>(q)] * p.get("layers.0.ff.1.weight", q, h);
            QVERIFY2(std::abs(cp.get("layers.0.ff.1.weight", j, h) - expected) < 1e-4, "ff.1' = P · ff.1");
        }
    // And ff.0' = W₀ · Pᵀ for the real weights.
    for (int r = 0; r < 16; ++r)
        for (int j = 0; j < 32; ++j) {
            double expected = 0;
            for (int q = 0; q < 160; ++q)
                expected +=
                    p.get("layers.0.ff.0.weight", r, q) * P[static_cast<std::size_t>(j)][static_cast<std::size_t>(q)];
            QVERIFY(std::abs(cp.get("layers.0.ff.0.weight", r, j) - expected) < 1e-4);
        }
}

void TestGrowPrune::growFeedForwardTransfer() {
    const TransformerSpec parent = twoLayers(); // FF 64
    const Params p = paramsOf(parent, 2);
    GrowPruneSizes sizes;
    sizes.growFfWidth = 96;
    const auto children = applyOperator(GrowPruneOperator::GrowFeedForward, parent, kTask, p.values, 4, sizes);
    QCOMPARE(children.size(), std::size_t(2)); // min(5, layers)
    for (const ChildModel& c : children) {
        int l = c.model.layers[0].feedForwardSizes.size() == 2 ? 0 : 1;
        QCOMPARE(c.model.layers[static_cast<std::size_t>(l)].feedForwardSizes, (std::vector<int>{64, 96}));
        QCOMPARE(c.model.layers[static_cast<std::size_t>(1 - l)].feedForwardSizes, std::vector<int>{64});
        const auto v = transferWeights(parent, p.values, c, kTask, TransferMode::Ordered, 5);
        const Params cp{v, train::Network(c.model, kTask, 1).tensors()};
        train::Network n(c.model, kTask, 1);
        n.initialize(5);
        const Params init{std::vector<float>(n.parameters().begin(), n.parameters().end()), n.tensors()};
        const std::string at = "layers." + std::to_string(l);
        // ff.0 copied, ff.1 (64 → 96) new, ff.2 (96 → 32): the parent's output projection's 64
        // rows, then the child's own initialisation.
        for (int r = 0; r < 32; ++r)
            for (int k = 0; k < 64; ++k)
                QCOMPARE(cp.get(at + ".ff.0.weight", r, k), p.get(at + ".ff.0.weight", r, k));
        for (int r = 0; r < 64; ++r)
            for (int k = 0; k < 96; ++k)
                QCOMPARE(cp.get(at + ".ff.1.weight", r, k), init.get(at + ".ff.1.weight", r, k));
        for (int r = 0; r < 96; ++r)
            for (int h = 0; h < 32; ++h)
                QCOMPARE(cp.get(at + ".ff.2.weight", r, h),
                         r < 64 ? p.get(at + ".ff.1.weight", r, h) : init.get(at + ".ff.2.weight", r, h));
    }
    sizes.growFfWidth = 32; // no layer's last FF size (64) is ≤ 32
    QVERIFY(applyOperator(GrowPruneOperator::GrowFeedForward, parent, kTask, p.values, 4, sizes).empty());
}

void TestGrowPrune::shrinkLayerTransfer() {
    const TransformerSpec parent = twoLayers();
    Params p = paramsOf(parent, 7);
    for (const auto& t : std::vector<train::ParamTensor>(p.tensors))
        if (t.decay && t.name.rfind("layers.1.", 0) == 0)
            p.scale(t.name, 0.5f);
    GrowPruneSizes sizes;
    sizes.shrinkLayerUnits = 8;
    const auto children = applyOperator(GrowPruneOperator::ShrinkLayer, parent, kTask, p.values, 1, sizes);
    QCOMPARE(children.size(), std::size_t(1));
    const ChildModel& c = children[0];
    QCOMPARE(c.model.layers[0].hiddenSize, 32);
    QCOMPARE(c.model.layers[1].hiddenSize, 24);
    const auto v = transferWeights(parent, p.values, c, kTask, TransferMode::Ordered, 1);
    const Params cp{v, train::Network(c.model, kTask, 1).tensors()};
    // The parent's layers had one width, so no `next`: the child's is the identity's leading block.
    for (int i = 0; i < 32; ++i)
        for (int j = 0; j < 24; ++j)
            QCOMPARE(cp.get("layers.0.next.weight", i, j), i == j ? 1.0f : 0.0f);
    for (int r = 0; r < 24; ++r)
        for (int k = 0; k < 3; ++k)
            QCOMPARE(cp.get("classifier.weight", r, k), p.get("classifier.weight", r, k));
    for (int k = 0; k < 24; ++k) // norms keep the leading entries in either mode
        QCOMPARE(cp.get("layers.1.norm1.gamma", 0, k), p.get("layers.1.norm1.gamma", 0, k));
    const auto vp = transferWeights(parent, p.values, c, kTask, TransferMode::Projection, 1);
    const Params pp{vp, cp.tensors};
    for (int k = 0; k < 24; ++k)
        QCOMPARE(pp.get("layers.1.norm1.gamma", 0, k), p.get("layers.1.norm1.gamma", 0, k));
}

void TestGrowPrune::dimensionMapShapeScaleSeed() {
    const auto a = dimensionMap(128, 256, TransferMode::Projection, 77);
    QCOMPARE(a.size(), std::size_t(128 * 256));
    QCOMPARE(dimensionMap(128, 256, TransferMode::Projection, 77), a);
    QVERIFY(dimensionMap(128, 256, TransferMode::Projection, 78) != a);
    double mean = 0, sq = 0;
    for (const double x : a) {
        mean += x;
        sq += x * x;
    }
    mean /= double(a.size());
    const double var = sq / double(a.size()) - mean * mean;
    // N(0, 1/128): 32768 draws put the sample variance within 2 % and the mean within 3σ/√n.
    QVERIFY2(std::abs(var * 128 - 1.0) < 0.02, qPrintable(QString::number(var * 128)));
    QVERIFY(std::abs(mean) < 3.0 * std::sqrt(1.0 / 128 / double(a.size())));
    const auto o = dimensionMap(3, 5, TransferMode::Ordered, 1);
    QCOMPARE(o, (std::vector<double>{1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0}));
}

void TestGrowPrune::nothingToActOn() {
    const TransformerSpec parent = uniformTransformer(1, 32, 1, 100);
    const Params p = paramsOf(parent, 1);
    QVERIFY(applyOperator(GrowPruneOperator::PruneFeedForward, parent, kTask, p.values, 1).empty()); // 100 ≤ 128
    GrowPruneSizes sizes;
    sizes.shrinkLayerUnits = 32;
    QVERIFY(applyOperator(GrowPruneOperator::ShrinkLayer, parent, kTask, p.values, 1, sizes).empty());
    QVERIFY_THROWS_EXCEPTION(
        std::invalid_argument,
        applyOperator(GrowPruneOperator::PruneHeads, uniformTransformer(2, 32, 2, 100), kTask, p.values, 1));
}

QTEST_GUILESS_MAIN(TestGrowPrune)
#include "test_grow_prune.moc"
