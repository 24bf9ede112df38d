// A finished `tcw prune` run read back for viewing (the pattern viewer, issue 16): its
// pruning record and every pruned matrix's mask, recounted from the checkpoint's zeros (a
// weight is kept when it is not exactly 0), so counts, sizes and masks agree.
#pragma once

#include "pruning_record.h"

#include "compress/weight_mask.h"

#include <filesystem>
#include <vector>

namespace tcw::codesign {

struct PrunedRun {
    PruningRecord record;
    std::vector<compress::WeightMask> masks; // by record.matrices
};

// Reads RUN/pruning.json and RUN/checkpoint.bin. Throws std::invalid_argument naming the file
// and what is wrong (missing, malformed, a matrix outside the checkpoint's parameters).
PrunedRun loadPrunedRun(const std::filesystem::path& runDirectory);

} // namespace tcw::codesign
