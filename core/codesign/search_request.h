// A new search as a person asks for it — names of spaces, presets and tables, objectives by
// name, weights, constraints as text — turned into a SearchConfig with every problem named.
// The CLI's `tcw search` options and the GUI's Search panel both fill a SearchRequest, so the
// two build identical configurations from identical choices.
#pragma once

#include "search/search_config.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tcw::codesign {

struct SearchRequest {
    std::string algorithm = "boshcode"; // boshcode | nsga2 | random
    int budget = 512;
    std::uint64_t seed = 1;
    std::vector<std::string> objectives; // metric names; empty: accuracy, latency, energy, area
    // One weight per objective (a weighted-sum search), or {"transcode"} for the reference
    // objective; empty: a Pareto search.
    std::vector<std::string> weights;
    std::vector<double> normalisers;                 // weighted sum: per objective; empty: the reference ones
    std::vector<std::string> constraints;            // "latency<=0.002", "accuracy>=0.8"
    std::string mode = "inference";                  // inference | training
    std::string accuracy = "predicted";              // predicted | imported | trained
    std::string accuracyTable = "flexibert2_glue16"; // bundled name, file, or "workspace"
    std::string modelSpace = "flexibert2", acceleratorSpace = "elector";
    std::string fixModel, fixAccelerator; // preset names or files; empty: searched
    std::string costModel = "elector";
    int sequenceLength = 0, vocabulary = 0, classes = 0; // 0: the default (or the data set's)
    // trained accuracy (also the data set of "workspace" tables)
    std::string data = "fashion-mnist";
    std::string dataDir;
    int patch = 7;
    std::int64_t trainSteps = 200;
    int trainBatch = 64;
    double trainLearningRate = 1e-3;
    double tauAct = 0, tauGrad = 0;
    std::uint64_t trainSeed = 1;
    std::int64_t maxTrain = 12800, maxTest = 2000;
    // algorithms
    int initial = 256;
    int queries = 4;
    int candidates = 100;
    int patience = 10;
    int population = 64;
    // Issue 15: target kinds "elector,bat" (empty: elector only), model-wide precisions
    // ("f32", "w1a8", …; empty: the model's own), the bat space (bundled name or file).
    std::string targets;
    std::vector<std::string> precisions;
    std::string batSpace = "bat";
    // Issue 15: the robustness objective's definition (search_config.h RobustnessDefinition).
    std::string robustnessKind = "bitflip"; // bitflip | noise
    double robustnessRate = 1e-3;           // bitflip
    double robustnessSigma = 0.1;           // noise: relative to each activation vector's RMS
    int robustnessSeeds = 3;
};

// "a,b" "c" → a, b, c: the request's lists (weights, objectives), and any option list, may come
// comma-separated or one item at a time. Empty items are dropped.
std::vector<std::string> splitList(const std::vector<std::string>& items);

// "area<=3000" → {Area, 3000}; nothing and *error when the text is not METRIC<=VALUE (or
// accuracy>=VALUE).
std::optional<search::Constraint> parseConstraint(const std::string& text, std::string* error);

struct BuiltConfig {
    std::optional<search::SearchConfig> config; // set when errors is empty
    std::vector<std::string> errors;            // every problem found, each a sentence naming the field
};

// Resolves the names against dataDir (spaces, presets) and validates the result.
BuiltConfig buildSearchConfig(const SearchRequest& request, const std::filesystem::path& dataDir);

} // namespace tcw::codesign
