// Weight tiles removed by block pruning (weight_tiles.h).
#include "weight_tiles.h"

#include <cmath>

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
        for (const PruningStage& s : w.model.compression.of(*matrix).stages)
            if (s.level == PruningLevel::Block && s.ratio > 0) {
                op.weightBlockRatio = s.ratio;
                op.weightBlockRows = s.blockRows;
                op.weightBlockCols = s.blockCols;
            }
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
