// The small trainer the checkpoint fuzz target resumes into, and that writes its seed
// checkpoint: one layer of hidden size 16 on a few synthetic ListOps examples, AdamW.
#pragma once

#include "train/datasets.h"
#include "train/presets.h"
#include "train/trainer.h"

namespace tcw::fuzz {

inline const train::Dataset& tinyListOps() {
    static const train::Dataset data = [] {
        train::ListOpsOptions o;
        o.trainCount = 16;
        o.testCount = 4;
        o.maxDepth = 2;
        o.sequenceLength = 8;
        return train::makeListOps(o);
    }();
    return data;
}

inline train::TrainConfig tinyTrainConfig() {
    train::TrainConfig c;
    c.batchSize = 4;
    c.steps = 4;
    c.seed = 3;
    c.threads = 1;
    c.optimizer.totalSteps = 4;
    return c;
}

inline train::Trainer& tinyTrainer() {
    static train::Trainer trainer(train::uniformModel("fuzz-tiny", 1, 16, {HeadType::SaSdp}, {16}), tinyListOps(),
                                  tinyTrainConfig());
    return trainer;
}

} // namespace tcw::fuzz
