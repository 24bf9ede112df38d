// Everything that defines a co-design search, as plain values: the spaces (and a fixed side),
// objectives, accuracy source, simulator settings, algorithm and its settings, budget, seed
// and the hypervolume box. Stored with the search (as JSON, by tcw_io) so that a resumed
// search runs with exactly the configuration it started with.
#pragma once

#include "boshcode.h"
#include "nsga2.h"
#include "objectives.h"
#include "optimizer.h"
#include "robustness_definition.h" // issue 15

#include "design/design_space.h"
#include "sim/sim_types.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tcw::search {

enum class AccuracySourceKind : std::uint8_t {
    Predicted, // a surrogate fit on a table, for every model (TransCODE's setting)
    Trained,   // the DynaProp trainer, cached in the workspace
    Imported,  // a table's listed score for the models it lists; the surrogate for the others
};
std::string_view accuracySourceKindName(AccuracySourceKind k); // "predicted", "trained", "imported"
std::optional<AccuracySourceKind> accuracySourceKindFromName(std::string_view name);

// How a model is trained for a trained accuracy (short budgets: a search trains many).
struct TrainingSettings {
    std::string dataset = "fashion-mnist";
    std::string dataDir; // empty: the trainer's default location
    int patch = 7;       // Fashion-MNIST patch side (7 → 16 tokens of 49 values)
    std::int64_t steps = 200;
    int batchSize = 64;
    double learningRate = 1e-3;
    double tauActivation = 0.0; // DynaProp τ_I
    double tauGradient = 0.0;   // DynaProp τ_T
    std::uint64_t seed = 1;
    std::int64_t maxTrain = 12800;
    std::int64_t maxTest = 2000;
    int threads = 1; // per training run (several run at once)

    bool operator==(const TrainingSettings&) const = default;
};

struct SearchConfig {
    std::string algorithm = "boshcode"; // "boshcode", "nsga2", "random"
    int budget = 512;
    std::uint64_t seed = 1;

    std::string modelSpaceName = "flexibert2", acceleratorSpaceName = "elector";
    TransformerSpace modelSpace;
    AcceleratorSpace acceleratorSpace;
    std::optional<TransformerSpec> fixedModel;
    std::optional<AcceleratorSpec> fixedAccelerator;

    ObjectiveConfig objectives = defaultObjectives();
    CostModelKind costModel = CostModelKind::Elector;
    TaskShape task; // simulated task shape (sequence 128, vocabulary 30522, 2 classes)

    AccuracySourceKind accuracy = AccuracySourceKind::Predicted;
    // A bundled table name, a file, or "workspace": the workspace's finished training runs on
    // training.dataset with id ≤ workspaceRunsUpTo (fixed when the search starts, so a resumed
    // search fits the same predictor).
    std::string accuracyTable = "flexibert2_glue16";
    std::int64_t workspaceRunsUpTo = 0;
    std::string accuracyTableSha256; // of the table's text when the search began
    TrainingSettings training;

    // BOSHCODE
    int initialPairs = 256;
    bool initialFromTable = true; // TransCODE's 16 × 16: the table's models × sampled accelerators
    int candidatesPerStep = 100;
    int queriesPerStep = 4;
    int patience = 10;
    // NSGA-II
    int populationSize = 64;
    // Asynchronous across rounds (an MPI run without --sync): the optimiser runs in steady state
    // (Optimizer::steadyState(); NSGA-II and random search), one ask per finished evaluation.
    // Fixed for the search's life: its trials are numbered in tell order and resume replays
    // them one by one. BOSHCODE keeps its steps either way.
    bool steadyState = false;

    HypervolumeBox box;

    // Issue 15: a union of target kinds (elector, bat) and model-wide precisions as search
    // dimensions (target_union.h). Empty: an elector-only search (every earlier search).
    TargetUnion targets;
    // Issue 15: the definition behind the `robustness` objective (used when it is one).
    RobustnessDefinition robustness;

    bool operator==(const SearchConfig&) const = default;
};

// Problems with a configuration, each a readable sentence; empty when it can run.
std::vector<std::string> validate(const SearchConfig& config);

// Issue 14: why a union with measured devices cannot run as configured (an objective or
// constraint a device or an ELECTOR design cannot report, a mode other than inference, no f32
// among the precisions), each a sentence naming the field; validate() includes them.
std::vector<std::string> mixedDeviceProblems(const SearchConfig& config);

CoDesignSpace makeSpace(const SearchConfig& config);

// TransCODE's initial pairs: the table's models (those in the model space, in table order)
// crossed with ⌈n / models⌉ sampled accelerators, model-major; random pairs when the table
// has no model in the space or a side is fixed.
std::vector<Candidate> initialCandidates(const SearchConfig& config, const CoDesignSpace& space,
                                         const std::vector<TransformerSpec>& tableModels);

std::unique_ptr<Optimizer> makeOptimizer(const SearchConfig& config, const Problem& problem,
                                         std::vector<Candidate> initial);

} // namespace tcw::search
