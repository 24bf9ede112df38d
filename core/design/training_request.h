// A DynaProp training run as asked for (data set, budget, optimiser, thresholds, seed): a value
// type, so the trainer's front ends (tcw train, the Training panel, the search's trained
// accuracies) fill one and the workspace stores it (io/record_json.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace tcw {

// Where the training data comes from (tcw train --data and its options).
struct TrainingDataRequest {
    std::string name = "fashion-mnist"; // fashion-mnist | fortunes | listops | tsv:DIR
    std::string dataDir;                // Fashion-MNIST directory / fortunes root ("" = Debian paths)
    std::string vocabulary;             // WordPiece vocab.txt for tsv:DIR ("" = word vocabulary)
    int patch = 4;                      // Fashion-MNIST patch side (4 → 49 tokens, 7 → 16)
    int sequenceLength = 0;             // text: tokens per example (0 = the data set's default)
    std::int64_t maxTrain = 0, maxTest = 0, maxPerClass = 0; // caps (0 = all)
    std::uint64_t seed = 1;                                  // synthetic (listops) and sampled (fortunes) data

    bool operator==(const TrainingDataRequest&) const = default;
};

// Everything a run is asked for besides the model.
struct TrainingRequest {
    TrainingDataRequest data;
    int epochs = 1;
    std::int64_t steps = 0; // optimizer steps; 0 = epochs × steps per epoch
    int batch = 64;
    float learningRate = 1e-3f;
    float weightDecay = 0.05f;
    double warmupFraction = 0.05; // share of the steps
    float maxGradNorm = 1.0f;     // 0 = no clipping
    bool sgd = false;             // else AdamW
    float tauActivation = 0.0f;   // τ_I (ignored with a target activation sparsity)
    float tauGradient = 0.0f;     // τ_T (ignored with a target gradient sparsity)
    std::optional<double> targetActivationSparsity, targetGradientSparsity; // in [0, 1)
    bool pruneActivationGradients = true, pruneWeightGradients = true;
    bool stochasticActivationGradients = true;
    bool bf16 = false;      // bf16 matmuls where the CPU has bf16 hardware (train/precision.h)
    bool forceBf16 = false; // bf16 matmuls even without it (emulated, slower)
    int threads = 1;
    // Issue 20: the dense layers' backward matmuls skip the zeros of incoming gradients whose
    // density is at most sparseMaxDensity (train/sparse_backward.h), unless denseBackward.
    bool denseBackward = false;
    // 0.3 since steptime3's tiled kernels (docs/training.md); 0.2 after steptime2's rework, 0.1 before.
    double sparseMaxDensity = 0.3;
    std::uint64_t seed = 1; // initialisation and data order
    std::int64_t logEverySteps = 20;
    std::int64_t evalEverySteps = 0;
    std::int64_t evalMaxExamples = 2000;
    std::int64_t checkpointEverySteps = 0;
    std::string resumeFrom;
    bool collectMagnitudeHistograms = false; // live views: histograms in the progress reports
    // Issue 15: quantized activations (the model's CompressionSpec chooses which) and
    // distillation from a teacher run of the same shape.
    bool activationLsq = false;                // b-bit activations: LSQ instead of the uniform learnable clip
    float activationScaleLearningRate = 1e-3f; // Adam on the activation scales and shifts
    std::string teacher;                       // a run folder or its checkpoint.bin ("" = no distillation)
    std::string teacherPrecision;              // the teacher's precision shorthand ("" = 32-bit)
    double distillLogitWeight = 1.0, distillHiddenWeight = 1.0, distillTemperature = 1.0;

    bool operator==(const TrainingRequest&) const = default;
};

} // namespace tcw
