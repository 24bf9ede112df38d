// Weight tiles removed by block pruning (weight_tiles.h).
#include "weight_tiles.h"

#include <cmath>
#include <stdexcept>

namespace tcw {

std::optional<WeightMatrix> weightMatrixOfOp(const WorkOp& op) {
    const std::string& n = op.name;
    auto endsWith = [&](std::string_view s) {
        return n.size() >= s.size() && n.compare(n.size() - s.size(), s.size(), s) == 0;
    };
    if (n == "classifier")
        return WeightMatrix::Classifier;
    if (endsWith(".attention.output"))
        return WeightMatrix::AttentionOutput;
    if (endsWith(".q"))
        return WeightMatrix::Query;
    if (endsWith(".k"))
        return WeightMatrix::Key;
    if (endsWith(".v"))
        return WeightMatrix::Value;
    const auto dot = n.rfind('.');
    const std::string last = dot == std::string::npos ? n : n.substr(dot + 1);
    if (endsWith(".ff.out") || (last.size() > 2 && last.compare(0, 2, "ff") == 0 &&
                                last.find_first_not_of("0123456789", 2) == std::string::npos))
        return WeightMatrix::FeedForward;
    return std::nullopt;
}

void markWeightBlockPruning(Workload& w) {
    for (WorkOp& op : w.ops) {
        if (op.phase != Phase::Forward || op.kind != OpKind::MatMul || !op.b.inWeightBuffer || op.b.batched)
            continue;
        const auto matrix = weightMatrixOfOp(op);
        if (!matrix)
            continue;
        bool finer = false;
        double kept = 1;
        for (const PruningStage& s : w.model.compression.of(*matrix).stages)
            if (s.level != PruningLevel::Layer) // which layers lose the matrix depends on the weights
                kept *= 1 - s.ratio;
        op.weightPatternSparsity = 1 - kept;
        for (const PruningStage& s : w.model.compression.of(*matrix).stages)
            if (s.level == PruningLevel::Block && s.ratio > 0) {
                op.weightBlockRatio = s.ratio;
                op.weightBlockRows = s.blockRows;
                op.weightBlockCols = s.blockCols;
            } else if (s.ratio > 0) {
                finer = true;
            }
        op.weightBlockOnly = op.weightBlockRatio > 0 && !finer;
    }
}

std::int64_t keptWeightTiles(const WorkOp& op, std::int64_t k, std::int64_t ty) {
    const std::int64_t all = ((k + ty - 1) / ty) * ((op.n + ty - 1) / ty);
    const std::int64_t br = op.weightBlockRows, bc = op.weightBlockCols;
    if (br <= 0 || bc <= 0 || br % ty != 0 || bc % ty != 0 || k % br != 0 || op.n % bc != 0)
        return all;
    const std::int64_t blocks = (k / br) * (op.n / bc);
    const std::int64_t kept = blocks - std::llround(op.weightBlockRatio * double(blocks));
    return kept * (br / ty) * (bc / ty);
}

} // namespace tcw

namespace tcw {

void attachWeightMask(Workload& w, const std::string& opName, compress::WeightMask mask) {
    for (WorkOp& op : w.ops) {
        if (op.name != opName || op.phase != Phase::Forward || op.kind != OpKind::MatMul || !op.b.inWeightBuffer ||
            op.b.batched)
            continue;
        const std::int64_t cols = op.n * op.multiplicity;
        if (mask.rows != op.k || mask.cols != cols)
            throw std::invalid_argument("weight mask for '" + opName + "': is " + std::to_string(mask.rows) + " × " +
                                        std::to_string(mask.cols) + ", the op's weights are " + std::to_string(op.k) +
                                        " × " + std::to_string(cols));
        op.weightPatternSparsity = mask.sparsity();
        op.weightMask = std::make_shared<const compress::WeightMask>(std::move(mask));
        return;
    }
    throw std::invalid_argument("weight mask for '" + opName + "': the workload has no forward weight op of that name");
}

compress::FormatParams weightFormatParams(const WorkOp& op, int valueBits) {
    const bool block = op.weightBlockRows > 0 && op.weightBlockCols > 0;
    return {valueBits, block ? op.weightBlockRows : 16, block ? op.weightBlockCols : 16};
}

std::optional<compress::MaskCounts> weightCounts(const WorkOp& op) {
    if (op.weightMask) {
        const auto p = weightFormatParams(op, 16);
        return compress::countMask(*op.weightMask, p.blockRows, p.blockCols);
    }
    const std::int64_t cols = op.n * op.multiplicity, br = op.weightBlockRows, bc = op.weightBlockCols;
    if (!op.weightBlockOnly || br <= 0 || bc <= 0 || op.k % br != 0 || cols % bc != 0)
        return std::nullopt;
    const std::int64_t blocks = (op.k / br) * (cols / bc);
    const auto kept = std::uint64_t(blocks - std::llround(op.weightBlockRatio * double(blocks)));
    compress::MaskCounts c;
    c.rows = std::uint64_t(op.k);
    c.cols = std::uint64_t(cols);
    c.keptBlocks = kept;
    c.nnz = kept * std::uint64_t(br * bc);
    c.keptBlockColumns = kept * std::uint64_t(bc);
    return c;
}

} // namespace tcw
