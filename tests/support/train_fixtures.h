// Test support: the small training set-ups the trainer's suites share — a tiny ListOps data
// set, the TrainConfig of a short run on it, a text task with random batches and random
// weights for gradient checks. Each suite keeps its own sizes (their results depend on them);
// what was written out again in every suite is written here once.
#pragma once

#include "train/datasets.h"
#include "train/network.h"
#include "train/trainer.h"

#include <cstdint>
#include <map>
#include <random>
#include <utility>

namespace tcw::testing {

// ListOps of nesting depth 2 in sequences of 16 tokens: trainCount training and testCount
// test examples (the generator's default seed), made once per size and kept for the suite.
inline const train::Dataset& tinyListOps(std::int64_t trainCount, std::int64_t testCount) {
    static std::map<std::pair<std::int64_t, std::int64_t>, train::Dataset> made;
    const auto key = std::make_pair(trainCount, testCount);
    auto it = made.find(key);
    if (it == made.end()) {
        train::ListOpsOptions o;
        o.trainCount = trainCount;
        o.testCount = testCount;
        o.maxDepth = 2;
        o.sequenceLength = 16;
        it = made.emplace(key, train::makeListOps(o)).first;
    }
    return it->second;
}

// A short run on one thread: batches of 16, seed 3, Adam at 3e-3 after one warm-up step, its
// schedule as long as the run.
inline train::TrainConfig shortRun(int steps) {
    train::TrainConfig c;
    c.batchSize = 16;
    c.steps = steps;
    c.seed = 3;
    c.threads = 1;
    c.optimizer.learningRate = 3e-3f;
    c.optimizer.warmupSteps = 1;
    c.optimizer.totalSteps = steps;
    return c;
}

// A token task of 20 words and 3 classes, for gradient checks on random batches.
inline TaskShape textTask(int sequenceLength) {
    TaskShape t;
    t.sequenceLength = sequenceLength;
    t.vocabularySize = 20;
    t.numClasses = 3;
    return t;
}

// B random sequences of the task: tokens (the last sequence padded after 5, so the padding
// mask is exercised) or, for a patch task, normal patches without padding; random labels.
inline train::Batch randomBatch(const TaskShape& task, int B, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    train::Batch batch;
    batch.size = B;
    batch.sequenceLength = task.sequenceLength;
    const int S = task.sequenceLength;
    batch.mask.assign(static_cast<std::size_t>(B) * S, 1.0f);
    if (task.patchInputSize > 0) {
        std::normal_distribution<float> n(0.0f, 1.0f);
        batch.patches.resize(static_cast<std::size_t>(B) * S * task.patchInputSize);
        for (auto& x : batch.patches)
            x = n(rng);
    } else {
        std::uniform_int_distribution<int> tok(2, task.vocabularySize - 1);
        batch.tokens.resize(static_cast<std::size_t>(B) * S);
        for (auto& t : batch.tokens)
            t = tok(rng);
        for (int s = 5; s < S; ++s) {
            batch.tokens[static_cast<std::size_t>((B - 1) * S + s)] = 0;
            batch.mask[static_cast<std::size_t>((B - 1) * S + s)] = 0.0f;
        }
    }
    std::uniform_int_distribution<int> label(0, task.numClasses - 1);
    for (int b = 0; b < B; ++b)
        batch.labels.push_back(label(rng));
    return batch;
}

// The network's initial weights plus normal noise of σ 0.3 (larger than the initialisation,
// so every path carries signal).
inline void randomize(train::Network& net, std::uint64_t seed) {
    net.initialize(seed);
    std::mt19937_64 rng(seed + 7);
    std::normal_distribution<float> n(0.0f, 0.3f);
    for (const train::ParamTensor& t : net.tensors()) {
        float* p = net.parameters().data() + t.offset;
        for (std::int64_t i = 0; i < t.size(); ++i)
            p[i] += n(rng);
    }
}

} // namespace tcw::testing
