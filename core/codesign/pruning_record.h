// The pruning record of a run folder (pruning.json beside checkpoint.bin; tcw prune writes it,
// tcw formats reads it): per pruned weight matrix its pattern, where its weights sit in the
// checkpoint, its mask counts and every storage format's exact size (docs/formats.md).
#pragma once

#include "compress/sparse_format.h"
#include "design/transformer_spec.h"
#include "train/pruning.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tcw::codesign {

struct PrunedMatrixRecord {
    std::string tensor; // the network's tensor name ("layers.0.ff.0.weight")
    WeightMatrix matrix = WeightMatrix::FeedForward;
    int layer = 0;
    std::int64_t rows = 0, cols = 0; // in × out, as the formats see it
    std::int64_t offset = 0;         // of its first weight among the checkpoint's parameters
    PruningPattern pattern;
    compress::MaskCounts counts;
};

struct PruningRecord {
    std::string model, data;
    train::PruningPlan plan;
    compress::FormatParams format; // value bits and block of the sizes
    std::vector<PrunedMatrixRecord> matrices;
};

// The storage parameters of a model's sizes: `valueBits`, and the block of the first block
// stage among its patterns (16 × 16 when none has one).
compress::FormatParams formatParamsOf(const TransformerSpec& model, int valueBits);

// The record of a finished pruning run: the trainer's final masks counted in `format`.
PruningRecord makePruningRecord(const TransformerSpec& model, const std::string& dataName,
                                const train::PruningPlan& plan, const std::vector<train::WeightPruning::Pruned>& masks,
                                const compress::FormatParams& format);

// pruning.json's text: schemaVersion 1, kind "pruning", the plan, the format parameters, one
// entry per matrix (its counts and every format's bits, the smallest format) and the totals.
std::string pruningRecordJson(const PruningRecord& record);

// Reads pruning.json back (counts as written). Throws std::invalid_argument naming the file
// and the field, and what is allowed, for anything missing or malformed.
PruningRecord readPruningRecord(const std::filesystem::path& path);

// Counts every matrix of the record again from checkpoint parameters: a weight is kept when it
// is not exactly 0 (the trainer holds pruned weights at exactly 0). Throws
// std::invalid_argument naming `source` when a matrix lies outside the parameters.
void recountFromParameters(PruningRecord& record, const std::vector<float>& parameters, const std::string& source);

} // namespace tcw::codesign
