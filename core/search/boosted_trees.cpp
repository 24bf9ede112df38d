// Gradient-boosted regression trees.
#include "boosted_trees.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace tcw::search {

double BoostedTrees::Tree::predict(const std::vector<double>& x) const {
    int i = 0;
    while (nodes[static_cast<std::size_t>(i)].feature >= 0) {
        const Node& n = nodes[static_cast<std::size_t>(i)];
        i = x[static_cast<std::size_t>(n.feature)] <= n.threshold ? n.left : n.right;
    }
    return nodes[static_cast<std::size_t>(i)].value;
}

int BoostedTrees::grow(Tree& tree, const std::vector<std::vector<double>>& x, const std::vector<double>& residual,
                       std::vector<int> rows, int depth, const BoostedTreesConfig& config) {
    const int index = static_cast<int>(tree.nodes.size());
    tree.nodes.emplace_back();
    double sum = 0;
    for (int r : rows)
        sum += residual[static_cast<std::size_t>(r)];
    const double mean = rows.empty() ? 0.0 : sum / double(rows.size());
    tree.nodes.back().value = mean;
    if (depth == 0 || static_cast<int>(rows.size()) < 2 * config.minLeaf)
        return index;
    // Best split by squared error: for each feature, sort the rows and scan the thresholds
    // halfway between distinct neighbouring values.
    const std::size_t features = x.front().size();
    double bestGain = 1e-15;
    int bestFeature = -1;
    double bestThreshold = 0;
    const double total = sum;
    const double n = double(rows.size());
    for (std::size_t f = 0; f < features; ++f) {
        std::sort(rows.begin(), rows.end(), [&](int a, int b) {
            const double va = x[static_cast<std::size_t>(a)][f], vb = x[static_cast<std::size_t>(b)][f];
            return va != vb ? va < vb : a < b;
        });
        double left = 0;
        for (std::size_t k = 0; k + 1 < rows.size(); ++k) {
            left += residual[static_cast<std::size_t>(rows[k])];
            const double v = x[static_cast<std::size_t>(rows[k])][f],
                         next = x[static_cast<std::size_t>(rows[k + 1])][f];
            const double nl = double(k + 1), nr = n - nl;
            if (v == next || nl < config.minLeaf || nr < config.minLeaf)
                continue;
            // SSE reduction = L²/nl + R²/nr − T²/n.
            const double right = total - left;
            const double gain = left * left / nl + right * right / nr - total * total / n;
            if (gain > bestGain) {
                bestGain = gain;
                bestFeature = static_cast<int>(f);
                bestThreshold = 0.5 * (v + next);
            }
        }
    }
    if (bestFeature < 0)
        return index;
    std::vector<int> leftRows, rightRows;
    for (int r : rows)
        (x[static_cast<std::size_t>(r)][static_cast<std::size_t>(bestFeature)] <= bestThreshold ? leftRows : rightRows)
            .push_back(r);
    std::sort(leftRows.begin(), leftRows.end());
    std::sort(rightRows.begin(), rightRows.end());
    const int l = grow(tree, x, residual, std::move(leftRows), depth - 1, config);
    const int r = grow(tree, x, residual, std::move(rightRows), depth - 1, config);
    Node& node = tree.nodes[static_cast<std::size_t>(index)];
    node.feature = bestFeature;
    node.threshold = bestThreshold;
    node.left = l;
    node.right = r;
    return index;
}

void BoostedTrees::fit(const std::vector<std::vector<double>>& x, const std::vector<double>& y,
                       const BoostedTreesConfig& config) {
    m_trees.clear();
    m_rate = config.learningRate;
    m_base = y.empty() ? 0.0 : std::accumulate(y.begin(), y.end(), 0.0) / double(y.size());
    if (y.empty())
        return;
    std::vector<double> prediction(y.size(), m_base), residual(y.size());
    std::vector<int> rows(y.size());
    std::iota(rows.begin(), rows.end(), 0);
    for (int t = 0; t < config.trees; ++t) {
        for (std::size_t i = 0; i < y.size(); ++i)
            residual[i] = y[i] - prediction[i];
        Tree tree;
        grow(tree, x, residual, rows, config.depth, config);
        for (std::size_t i = 0; i < y.size(); ++i)
            prediction[i] += m_rate * tree.predict(x[i]);
        m_trees.push_back(std::move(tree));
    }
}

double BoostedTrees::predict(const std::vector<double>& x) const {
    double v = m_base;
    for (const Tree& t : m_trees)
        v += m_rate * t.predict(x);
    return v;
}

} // namespace tcw::search
