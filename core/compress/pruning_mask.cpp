// The pattern engine (pruning_mask.h).
#include "pruning_mask.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace tcw::compress {

namespace {

struct Unit {
    int r0, c0, h, w;
    std::uint64_t group;
    double score;
};

std::string stageName(std::size_t index, const PruningStage& s) {
    return "stage " + std::to_string(index) + " (" + std::string(pruningLevelName(s.level)) + ")";
}

// Score of a rectangle's kept weights; nullopt when nothing in it is kept.
std::optional<double> scoreOf(const MatrixView& m, const WeightMask& mask, PruningCriterion criterion, int r0, int c0,
                              int h, int w) {
    double acc = 0;
    bool any = false;
    for (int r = r0; r < r0 + h; ++r)
        for (int c = c0; c < c0 + w; ++c) {
            if (!mask.at(r, c))
                continue;
            any = true;
            const std::size_t i = std::size_t(r) * std::size_t(m.cols) + std::size_t(c);
            const double x = m.weights[i];
            switch (criterion) {
            case PruningCriterion::L1:
                acc += std::abs(x);
                break;
            case PruningCriterion::L2:
                acc += x * x;
                break;
            case PruningCriterion::Magnitude:
                acc = std::max(acc, std::abs(x));
                break;
            case PruningCriterion::Taylor:
                acc += x * double(m.gradients[i]);
                break;
            }
        }
    if (!any)
        return std::nullopt;
    if (criterion == PruningCriterion::L2)
        return std::sqrt(acc);
    if (criterion == PruningCriterion::Taylor)
        return std::abs(acc);
    return acc;
}

std::uint64_t removedOf(double ratio, std::size_t units) {
    return std::uint64_t(std::llround(ratio * double(units)));
}

// Cuts a rectangle grid of h × w cells over the matrix (edges clipped).
template <typename F> void forTiles(int rows, int cols, int h, int w, F&& f) {
    for (int r = 0; r < rows; r += h)
        for (int c = 0; c < cols; c += w)
            f(r, c, std::min(h, rows - r), std::min(w, cols - c));
}

void runStage(std::size_t index, const PruningStage& s, const MatrixView& m, const MaskContext& ctx,
              std::pair<int, int> previousBlock, WeightMask& mask, StageOutcome& outcome) {
    const std::string at = stageName(index, s);
    const bool ownSize = s.blockRows > 0 && s.blockCols > 0;
    int tr = m.rows, tc = m.cols;
    if (s.level != PruningLevel::Vector && ownSize) {
        tr = s.blockRows;
        tc = s.blockCols;
    } else if (previousBlock.first > 0) {
        tr = previousBlock.first;
        tc = previousBlock.second;
    }
    const int tileCols = (m.cols + tc - 1) / tc;
    const std::uint64_t P = std::uint64_t(std::max(1, ctx.peGroups));
    std::vector<Unit> units;
    auto add = [&](int r0, int c0, int h, int w, std::uint64_t rowGroup, std::uint64_t tileGroup,
                   std::uint64_t columnBand) {
        const auto score = scoreOf(m, mask, s.criterion, r0, c0, h, w);
        if (!score)
            return;
        std::uint64_t group = 0;
        switch (s.balance) {
        case BalanceRule::None:
            break;
        case BalanceRule::PerRow:
            group = rowGroup;
            break;
        case BalanceRule::PerBlock:
            group = tileGroup;
            break;
        case BalanceRule::PerPeGroup:
            group = columnBand % P;
            break;
        }
        units.push_back({r0, c0, h, w, group, *score});
    };
    auto tileOf = [&](int r, int c) { return std::uint64_t(r / tr) * std::uint64_t(tileCols) + std::uint64_t(c / tc); };

    switch (s.level) {
    case PruningLevel::Layer:
        throw std::invalid_argument(at + ": a layer stage ranks whole matrices across layers (pruneLayers)");
    case PruningLevel::Head: {
        const int H = ctx.heads;
        const int extent = ctx.headsAlongRows ? m.rows : m.cols;
        if (H < 1 || extent % H != 0)
            throw std::invalid_argument(at + ": " + std::to_string(H) + " heads do not divide the matrix's " +
                                        std::to_string(extent) + (ctx.headsAlongRows ? " rows" : " columns"));
        for (int h = 0; h < H; ++h) {
            if (ctx.headsAlongRows)
                add(h * (extent / H), 0, extent / H, m.cols, 0, 0, 0);
            else
                add(0, h * (extent / H), m.rows, extent / H, 0, 0, std::uint64_t(h));
        }
        break;
    }
    case PruningLevel::Block: {
        if (!ownSize)
            throw std::invalid_argument(at + ": blockRows and blockCols must be at least 1");
        forTiles(m.rows, m.cols, s.blockRows, s.blockCols, [&](int r, int c, int h, int w) {
            const std::uint64_t blockRow = std::uint64_t(r / s.blockRows);
            add(r, c, h, w, blockRow, blockRow, std::uint64_t(c / s.blockCols));
        });
        break;
    }
    case PruningLevel::Row:
        forTiles(m.rows, m.cols, tr, tc, [&](int r, int c, int h, int w) {
            for (int i = r; i < r + h; ++i)
                add(i, c, 1, w, std::uint64_t(i), tileOf(r, c), std::uint64_t(c / tc));
        });
        break;
    case PruningLevel::Column:
        forTiles(m.rows, m.cols, tr, tc, [&](int r, int c, int h, int w) {
            for (int j = c; j < c + w; ++j)
                add(r, j, h, 1, std::uint64_t(r / tr), tileOf(r, c), std::uint64_t(j));
        });
        break;
    case PruningLevel::Vector: {
        if (!ownSize)
            throw std::invalid_argument(at + ": a vector stage needs its shape in blockRows × blockCols");
        forTiles(m.rows, m.cols, s.blockRows, s.blockCols, [&](int r, int c, int h, int w) {
            add(r, c, h, w, std::uint64_t(r / s.blockRows), tileOf(r, c), std::uint64_t(c / s.blockCols));
        });
        break;
    }
    case PruningLevel::Element:
        for (int r = 0; r < m.rows; ++r)
            for (int c = 0; c < m.cols; ++c)
                add(r, c, 1, 1, std::uint64_t(r), tileOf(r, c), std::uint64_t(c));
        break;
    }

    // Per group, lowest scores first; stable, so ties go in unit order.
    std::vector<std::size_t> order(units.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (units[a].group != units[b].group)
            return units[a].group < units[b].group;
        return units[a].score < units[b].score;
    });
    outcome.level = s.level;
    outcome.units = units.size();
    outcome.removed = 0;
    for (std::size_t begin = 0; begin < order.size();) {
        std::size_t end = begin;
        while (end < order.size() && units[order[end]].group == units[order[begin]].group)
            ++end;
        const std::uint64_t cut = removedOf(s.ratio, end - begin);
        for (std::size_t k = begin; k < begin + cut; ++k) {
            const Unit& u = units[order[k]];
            for (int r = u.r0; r < u.r0 + u.h; ++r)
                for (int c = u.c0; c < u.c0 + u.w; ++c)
                    mask.set(r, c, false);
        }
        outcome.removed += cut;
        begin = end;
    }
}

void checkMatrix(const PruningPattern& pattern, const MatrixView& m) {
    if (m.rows < 1 || m.cols < 1 || !m.weights)
        throw std::invalid_argument("pruning: the matrix needs rows, columns and weights");
    for (std::size_t i = 0; i < pattern.stages.size(); ++i)
        if (pattern.stages[i].criterion == PruningCriterion::Taylor && !m.gradients)
            throw std::invalid_argument(stageName(i, pattern.stages[i]) +
                                        ": the taylor criterion needs the weights' gradients");
}

MaskResult runStages(const PruningPattern& pattern, std::size_t first, const MatrixView& m, const MaskContext& ctx,
                     WeightMask mask) {
    MaskResult result{std::move(mask), {}};
    std::pair<int, int> block{0, 0};
    for (std::size_t i = first; i < pattern.stages.size(); ++i) {
        const PruningStage& s = pattern.stages[i];
        StageOutcome outcome;
        runStage(i, s, m, ctx, block, result.mask, outcome);
        result.stages.push_back(outcome);
        if (s.level == PruningLevel::Block)
            block = {s.blockRows, s.blockCols};
    }
    return result;
}

} // namespace

MaskResult pruneMatrix(const PruningPattern& pattern, const MatrixView& matrix, const MaskContext& context,
                       const WeightMask* start) {
    checkMatrix(pattern, matrix);
    WeightMask mask = start ? *start : WeightMask(matrix.rows, matrix.cols, true);
    if (mask.rows != matrix.rows || mask.cols != matrix.cols)
        throw std::invalid_argument("pruning: the starting mask's shape differs from the matrix's");
    return runStages(pattern, 0, matrix, context, std::move(mask));
}

std::vector<MaskResult> pruneLayers(const PruningPattern& pattern, std::span<const MatrixView> layers,
                                    const MaskContext& context) {
    std::vector<WeightMask> masks;
    for (const auto& m : layers) {
        checkMatrix(pattern, m);
        masks.emplace_back(m.rows, m.cols, true);
    }
    std::size_t first = 0;
    StageOutcome layerOutcome;
    const bool layerStage = !pattern.stages.empty() && pattern.stages[0].level == PruningLevel::Layer;
    if (layerStage) {
        const PruningStage& s = pattern.stages[0];
        std::vector<std::pair<double, std::size_t>> scores;
        for (std::size_t i = 0; i < layers.size(); ++i)
            scores.emplace_back(*scoreOf(layers[i], masks[i], s.criterion, 0, 0, layers[i].rows, layers[i].cols), i);
        std::stable_sort(scores.begin(), scores.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        const std::uint64_t cut = removedOf(s.ratio, layers.size());
        for (std::uint64_t k = 0; k < cut; ++k)
            std::fill(masks[scores[k].second].keep.begin(), masks[scores[k].second].keep.end(), 0);
        layerOutcome = {PruningLevel::Layer, layers.size(), cut};
        first = 1;
    }
    std::vector<MaskResult> results;
    for (std::size_t i = 0; i < layers.size(); ++i) {
        MaskResult r = runStages(pattern, first, layers[i], context, std::move(masks[i]));
        if (layerStage)
            r.stages.insert(r.stages.begin(), layerOutcome);
        results.push_back(std::move(r));
    }
    return results;
}

std::vector<std::string> pruningPresetNames() {
    return {"unstructured",          "block-16x16", "block-RxC",   "block-balanced",
            "column-balanced-block", "N:M",         "hierarchical"};
}

PresetResult pruningPreset(std::string_view name, std::optional<double> target) {
    auto needSparsity = [&]() -> std::optional<std::string> {
        if (!target)
            return "pattern '" + std::string(name) + "' needs a target sparsity";
        if (!(*target >= 0 && *target < 1))
            return "the target sparsity must be at least 0 and below 1, got " + std::to_string(*target);
        return std::nullopt;
    };
    auto stage = [](PruningLevel level, double ratio, BalanceRule balance, PruningCriterion criterion, int br = 0,
                    int bc = 0) { return PruningStage{level, ratio, balance, criterion, br, bc}; };
    auto parsePair = [](std::string_view text, char sep, int& a, int& b) {
        const auto at = text.find(sep);
        if (at == std::string_view::npos)
            return false;
        const auto first = text.substr(0, at), second = text.substr(at + 1);
        return std::from_chars(first.data(), first.data() + first.size(), a).ptr == first.data() + first.size() &&
               std::from_chars(second.data(), second.data() + second.size(), b).ptr == second.data() + second.size() &&
               !first.empty() && !second.empty();
    };
    PresetResult out;
    int n = 0, m = 0;
    if (parsePair(name, ':', n, m)) {
        if (n < 1 || m < 2 || n >= m || m > 4096) {
            out.error = "an N:M pattern keeps N of every M weights, 1 ≤ N < M ≤ 4096, got '" + std::string(name) + "'";
            return out;
        }
        const double s = 1.0 - double(n) / double(m);
        if (target && std::abs(*target - s) > 1e-12) {
            out.error = "pattern '" + std::string(name) + "' has sparsity " + std::to_string(s) + ", not " +
                        std::to_string(*target) + " (leave the target out)";
            return out;
        }
        out.pattern =
            PruningPattern{{stage(PruningLevel::Element, s, BalanceRule::PerBlock, PruningCriterion::Magnitude, m, 1)}};
        return out;
    }
    if (name == "unstructured" || name == "block-balanced" || name == "column-balanced-block" ||
        name == "hierarchical" || name.starts_with("block-")) {
        if (auto e = needSparsity()) {
            out.error = *e;
            return out;
        }
    }
    const double s = target.value_or(0);
    if (name == "unstructured") {
        out.pattern = PruningPattern{{stage(PruningLevel::Element, s, BalanceRule::None, PruningCriterion::Magnitude)}};
    } else if (name == "block-balanced") {
        out.pattern =
            PruningPattern{{stage(PruningLevel::Block, s, BalanceRule::PerRow, PruningCriterion::L2, 16, 16)}};
    } else if (name == "column-balanced-block") {
        out.pattern =
            PruningPattern{{stage(PruningLevel::Column, s, BalanceRule::PerBlock, PruningCriterion::L2, 16, 16)}};
    } else if (name == "hierarchical") {
        const double columns = s >= 0.5 ? 0.5 : s;
        const double blocks = s >= 0.5 ? 2 * s - 1 : 0;
        out.pattern =
            PruningPattern{{stage(PruningLevel::Block, blocks, BalanceRule::None, PruningCriterion::L2, 16, 16),
                            stage(PruningLevel::Column, columns, BalanceRule::PerBlock, PruningCriterion::L2)}};
    } else if (name.starts_with("block-") && parsePair(name.substr(6), 'x', n, m) && n >= 1 && m >= 1 && n <= 4096 &&
               m <= 4096) {
        out.pattern = PruningPattern{{stage(PruningLevel::Block, s, BalanceRule::None, PruningCriterion::L2, n, m)}};
    } else {
        out.error = "'" + std::string(name) +
                    "' is not a pattern: unstructured, block-16x16 (any RxC), block-balanced, column-balanced-block, "
                    "N:M (2:4), hierarchical";
    }
    return out;
}

} // namespace tcw::compress
