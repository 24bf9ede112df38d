// GPTran's grow-and-prune loop with the device's constraints (issue 14, tcw grow-prune,
// docs/grow_prune.md). Every child is trained by the one training path (TrainingJob) from the
// weights its parent passes on (grow_prune_ops.h), stored as a training run of the workspace,
// and its lineage (parent run, operator, costs on the target, accepted or not) is stored beside
// it (store/run_lineage.h), so the session is a tree of runs.
//
// The loop: train the starting model (the root). Then cycle the operators (grow-head, grow-ff,
// prune-heads, prune-ff, and shrink-layer when asked for); each iteration applies one operator
// to the current model and trains its children. A child is *feasible* when the target's cost
// model says it meets every constraint (latency, energy, peak power per sequence on the
// device). Among the feasible children that completed, the most accurate is the candidate
// (ties: lower test loss, then the earlier child). A grown candidate is accepted — becomes the
// current model — only when it is more accurate than the current model; a pruned one is
// accepted even when less accurate ("soft reduction", as the reference code keeps it). The best
// model is the most accurate feasible accepted one; the loop stops after `patience` iterations
// without a new best, or after `maxIterations`.
//
// The reference code ranks children by their pre-training (MLM) loss and checks no hardware at
// all; this loop ranks by the task's test accuracy after the child's training budget and
// rejects every child that breaks a constraint.
#pragma once

#include "grow_prune_ops.h"
#include "training_job.h"

#include "devices/device_surrogate.h"
#include "store/workspace.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

namespace tcw::codesign {

struct GrowPruneConstraints {
    std::optional<double> latencySeconds; // per sequence, at most
    std::optional<double> energyJoules;   // per sequence, at most
    std::optional<double> peakPowerWatts; // at most
    bool any() const { return latencySeconds || energyJoules || peakPowerWatts; }
};

struct GrowPruneRequest {
    TransformerSpec model;    // the starting model (its heads are put in canonical order)
    TrainingRequest training; // data set, budget per child, optimiser; training.seed is overwritten per child
    std::string target;       // "device:ID", as stored in the lineage
    GrowPruneConstraints constraints;
    std::uint64_t seed = 1;   // operators' random choices, children's initialisation and data order
    int patience = 5;         // iterations without a new best before stopping
    int maxIterations = 20;   // at most this many operators applied
    bool shrinkLayer = false; // the fifth operator (off by default, as in the reference)
    TransferMode transfer = TransferMode::Projection;
    GrowPruneSizes sizes;
};

// A trained node of the tree.
struct GrowPruneNode {
    int index = 0;                       // in GrowPruneResult::nodes
    int parent = -1;                     // index of the parent node, −1 for the root
    std::optional<GrowPruneOperator> op; // none for the root
    std::string change;                  // what the operator changed
    int iteration = 0;                   // 0 for the root
    TransformerSpec model;
    train::TrainStatus status = train::TrainStatus::Completed;
    double accuracy = 0.0, testLoss = 0.0; // final test evaluation (0 when diverged)
    std::int64_t parameters = 0;
    std::optional<devices::DeviceEstimate> costs; // none when the cost model has no answer
    bool feasible = false;
    std::string violations; // "latency 0.012 s > 0.010 s; …", or why the costs are unknown
    bool accepted = false;
    std::int64_t runId = 0, designId = 0;
    std::filesystem::path runDirectory;
};

struct GrowPruneResult {
    std::vector<GrowPruneNode> nodes;
    int best = -1; // the most accurate feasible accepted node (−1: none, e.g. the root breaks a constraint)
    int iterations = 0;
    std::string stopReason; // "patience", "iterations", "cancelled"
};

// What the loop reports while it runs (the CLI prints it, the GUI shows it).
struct GrowPruneEvent {
    enum class Kind : std::uint8_t { Training, Trained, Iteration } kind = Kind::Training;
    int iteration = 0;
    std::string what;                    // the node being trained, or the iteration's outcome
    const GrowPruneNode* node = nullptr; // Trained: the node just trained
};
using GrowPruneProgress = std::function<void(const GrowPruneEvent&)>;

// Judges a model against the constraints with the target's cost model; violations in words.
bool meetsConstraints(const std::optional<devices::DeviceEstimate>& costs, const GrowPruneConstraints& constraints,
                      std::string& violations);

// Throws std::invalid_argument naming the option (--patience, --latency, …) and what is allowed.
void checkGrowPruneRequest(const GrowPruneRequest& request);

// Runs the loop, storing every node in `workspace` (a design per distinct model, a training run
// per node, a lineage row per run). Throws std::invalid_argument for a bad request (naming the
// option) and whatever TrainingJob throws for a data set or a write error; a stop request ends
// the loop after the child in training (which is stored as cancelled, and never accepted).
GrowPruneResult runGrowPrune(const GrowPruneRequest& request, const devices::MeasuredCostModel& cost,
                             store::Workspace& workspace, std::stop_token stop = {},
                             const GrowPruneProgress& progress = {});

} // namespace tcw::codesign
