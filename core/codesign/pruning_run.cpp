// A pruning run read back for viewing (pruning_run.h).
#include "pruning_run.h"

#include "train/checkpoint.h"

#include <stdexcept>

namespace tcw::codesign {

PrunedRun loadPrunedRun(const std::filesystem::path& runDirectory) {
    const auto recordPath = runDirectory / "pruning.json";
    const auto checkpoint = runDirectory / "checkpoint.bin";
    std::error_code ec;
    if (!std::filesystem::is_regular_file(recordPath, ec))
        throw std::invalid_argument(recordPath.string() + ": not found (a folder that tcw prune wrote holds it)");
    if (!std::filesystem::is_regular_file(checkpoint, ec))
        throw std::invalid_argument(checkpoint.string() + ": not found (a folder that tcw prune wrote holds it)");
    PrunedRun run;
    run.record = readPruningRecord(recordPath);
    const std::vector<float> parameters = train::loadCheckpoint(checkpoint.string()).parameters;
    recountFromParameters(run.record, parameters, checkpoint.string()); // checks every matrix lies inside
    for (const auto& m : run.record.matrices) {
        compress::WeightMask mask(int(m.rows), int(m.cols), false);
        for (std::size_t i = 0; i < mask.keep.size(); ++i)
            mask.keep[i] = parameters[std::size_t(m.offset) + i] != 0.0F ? 1 : 0;
        run.masks.push_back(std::move(mask));
    }
    return run;
}

} // namespace tcw::codesign
