// Where a search gets the accuracy of a model: an AccuracyOracle. Predicted accuracies come
// from a surrogate fit on a table of models with known scores (the bundled 16 FlexiBERT 2.0
// GLUE scores, or the workspace's trained runs); optionally a model the table lists exactly
// gets its listed score instead, marked imported. Trained accuracies come from the trainer
// (core/codesign).
#pragma once

#include "boosted_trees.h"
#include "objectives.h"

#include "design/design_space.h"

#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

namespace tcw::search {

struct AccuracyEstimate {
    double value = 0;
    double stdDev = 0;
    AccuracyOrigin origin = AccuracyOrigin::None;
    std::string detail;
    std::shared_ptr<const TrainingOutcome> training; // for AccuracyOrigin::Trained
    // Issue 15: the trained model's accuracy drop under the search's robustness definition,
    // when it was asked for (a TrainedAccuracy built with one).
    std::optional<double> robustnessDrop;
};

class AccuracyOracle {
public:
    virtual ~AccuracyOracle() = default;
    // Thread-safe: the search calls it from its evaluation threads.
    virtual AccuracyEstimate estimate(const TransformerSpec& model, std::stop_token stop) const = 0;
    // Costly (training): the evaluator skips it for designs the accelerator cannot run.
    virtual bool expensive() const { return false; }
    virtual std::string describe() const = 0;
};

// A table of models with (possibly unknown) accuracies.
struct AccuracyTable {
    std::string name;   // e.g. "flexibert2_glue16"
    std::string source; // where the numbers come from, as the file says
    struct Entry {
        std::string id; // the table's key for the model (hash or name)
        TransformerSpec model;
        std::optional<double> accuracy;
    };
    std::vector<Entry> entries;
};

// Gradient-boosted trees on the model encoding of a space, bagged: each of `ensembles`
// members is fit on a bootstrap resample of the known entries; the prediction is the members'
// mean and its uncertainty their standard deviation (the reference used the spread across
// trees as the noise of its GLUE predictor, docs/search.md). Entries outside the space are
// left out of the fit.
class TableAccuracyModel : public AccuracyOracle {
public:
    struct Config {
        BoostedTreesConfig trees;
        int ensembles = 8;
        std::uint64_t seed = 1;
        // Listed models get their listed score (imported) rather than the prediction. Off by
        // default: a search then sees one smooth predictor everywhere, as TransCODE's did, not
        // exact values on 13 models and predictions shrunk toward the mean around them.
        bool preferListed = false;
    };
    TableAccuracyModel(AccuracyTable table, TransformerSpace space, Config config);
    TableAccuracyModel(AccuracyTable table, TransformerSpace space);

    AccuracyEstimate estimate(const TransformerSpec& model, std::stop_token stop) const override;
    std::string describe() const override;

    int fittedEntries() const { return m_fitted; }
    // (value, σ) of the ensemble for a model encoding, ignoring exact table hits.
    std::pair<double, double> predictEncoding(const std::vector<int>& encoding) const;
    const AccuracyTable& table() const { return m_table; }

private:
    AccuracyTable m_table;
    TransformerSpace m_space;
    Config m_config;
    std::vector<BoostedTrees> m_members;
    std::vector<std::pair<std::vector<int>, std::size_t>> m_known; // encoding → entry with an accuracy
    int m_fitted = 0;
    double m_lo = 0, m_hi = 1; // predictions are clamped to the table's range ± its spread
};

} // namespace tcw::search
