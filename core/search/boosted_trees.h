// Gradient-boosted regression trees (squared loss, Friedman 2001) on integer feature
// vectors: small enough to fit on a 16-model table in microseconds, piecewise constant, so
// they make no claim between the encodings' arbitrary index codes that they cannot back.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace tcw::search {

struct BoostedTreesConfig {
    int trees = 50; // docs/search.md, Accuracy: the reference's 50 trees of depth 3
    int depth = 3;
    double learningRate = 0.1; // the reference's 0.01 moves 50 trees' predictions only 40% of
                               // the way from the mean to the data (1 − 0.99⁵⁰); 0.1 fits
    int minLeaf = 1;
};

class BoostedTrees {
public:
    void fit(const std::vector<std::vector<double>>& x, const std::vector<double>& y, const BoostedTreesConfig& config);
    double predict(const std::vector<double>& x) const;

private:
    struct Node {
        int feature = -1; // -1: leaf
        double threshold = 0;
        double value = 0; // leaf value
        int left = -1, right = -1;
    };
    struct Tree {
        std::vector<Node> nodes;
        double predict(const std::vector<double>& x) const;
    };
    int grow(Tree& tree, const std::vector<std::vector<double>>& x, const std::vector<double>& residual,
             std::vector<int> rows, int depth, const BoostedTreesConfig& config);

    double m_base = 0;
    double m_rate = 0.1;
    std::vector<Tree> m_trees;
};

} // namespace tcw::search
