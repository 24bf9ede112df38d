// Weight pruning while training (issue 16): masks from the model's CompressionSpec patterns
// (core/compress), applied on a schedule, and held fixed between pruning events and after the
// last one (fine-tuning). The trainer calls it after every optimizer step (Trainer::setPruning).
//
// Schedules, with progress p from 0 to 1 over [startStep, endStep]:
//   one-shot   one event at startStep with the full pattern; fine-tuning after it
//   gradual    `rounds` events evenly from startStep to endStep; the target sparsity at an
//              event is s·(1 − (1 − p)³) (the cubic ramp of Zhu & Gupta, 2017)
//   iterative  `rounds` events evenly from startStep to endStep, round i (1-based) keeping
//              (1 − s)^(i / rounds): prune, retrain, repeat
// A pattern of several stages reaches an intermediate kept share k = 1 − s_t by raising every
// stage's kept share to the same power: stage ratio r becomes 1 − (1 − r)^φ with
// (1 − s)^φ = k (our choice; the final event uses the pattern as written, so its per-level
// shares are exact). At each event the masks are recomputed from the current weights (pruned
// weights are zero, so they rank first); gradients of pruned weights are zeroed before the
// optimizer step and the weights re-masked after it, so a pruned weight stays exactly 0.
//
// Tensors pruned: each layer's attention output (attentionOutput), feed-forward matrices
// (feedForward), the classifier, the token table (embedding), and the fused Q/K/V projection
// when query, key and value have the same pattern (the trainer keeps them in one matrix; a
// head stage then sees all three projections' columns as heads).
#pragma once

#include "compress/weight_mask.h"
#include "design/transformer_spec.h"
#include "network.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tcw::train {

enum class PruneSchedule : std::uint8_t { OneShot, Gradual, Iterative };
std::string_view pruneScheduleName(PruneSchedule s); // "oneshot", "gradual", "iterative"
std::optional<PruneSchedule> pruneScheduleFromName(std::string_view name);

struct PruningPlan {
    PruneSchedule schedule = PruneSchedule::OneShot;
    std::int64_t startStep = 0; // the step after which the first event runs (0: after the first step)
    std::int64_t endStep = 0;   // gradual / iterative: the last event's step (≥ startStep)
    int rounds = 1;             // gradual / iterative: events
};

// The target kept share at an event (1 − sparsity), for a final sparsity s.
double keptShareAt(const PruningPlan& plan, int event, double finalSparsity);
// The steps after which events run.
std::vector<std::int64_t> eventSteps(const PruningPlan& plan);

class WeightPruning {
public:
    // Throws std::invalid_argument naming the field (a Q/K/V pattern mismatch, a plan with
    // endStep < startStep or rounds < 1, a pattern that does not fit a matrix).
    WeightPruning(const TransformerSpec& spec, const Network& network, PruningPlan plan);

    // Before the optimizer step: zero the gradients of pruned weights.
    void maskGradients(std::span<float> gradients) const;
    // After the optimizer step `step` (0-based): run the event due, then re-mask the weights.
    void afterStep(std::int64_t step, std::span<float> parameters, std::span<const float> gradients);

    struct Pruned {
        std::string tensor;      // the network's tensor name
        std::int64_t offset = 0; // of its first weight in the network's parameters (and checkpoints)
        int layer = 0;
        WeightMatrix matrix;
        compress::WeightMask mask;
    };
    const std::vector<Pruned>& masks() const { return m_masks; }
    int eventsDone() const { return m_events; }

private:
    struct Target {
        std::size_t tensor; // index into network.tensors()
        WeightMatrix matrix;
        int heads;
    };
    PruningPlan m_plan;
    std::vector<std::int64_t> m_eventSteps;
    std::vector<ParamTensor> m_tensors;
    std::vector<Target> m_targets;
    std::vector<Pruned> m_masks;
    CompressionSpec m_compression;
    int m_events = 0;
};

} // namespace tcw::train
