// The table-fitted accuracy surrogate.
#include "accuracy.h"

#include "rng.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace tcw::search {

namespace {

std::vector<double> features(const std::vector<int>& encoding) {
    return std::vector<double>(encoding.begin(), encoding.end());
}

TransformerSpec canonicalized(TransformerSpec spec) {
    spec.canonicalize();
    spec.name.clear();
    return spec;
}

} // namespace

TableAccuracyModel::TableAccuracyModel(AccuracyTable table, TransformerSpace space)
    : TableAccuracyModel(std::move(table), std::move(space), Config{}) {}

TableAccuracyModel::TableAccuracyModel(AccuracyTable table, TransformerSpace space, Config config)
    : m_table(std::move(table)), m_space(std::move(space)), m_config(config) {
    std::vector<std::vector<double>> x;
    std::vector<double> y;
    for (std::size_t i = 0; i < m_table.entries.size(); ++i) {
        const auto& e = m_table.entries[i];
        if (!e.accuracy || !m_space.check(e.model).empty())
            continue;
        const auto encoding = m_space.encode(e.model);
        m_known.emplace_back(encoding, i);
        x.push_back(features(encoding));
        y.push_back(*e.accuracy);
    }
    m_fitted = static_cast<int>(y.size());
    if (y.empty())
        return;
    const auto [lo, hi] = std::minmax_element(y.begin(), y.end());
    const double spread = std::max(0.02, *hi - *lo);
    m_lo = std::max(0.0, *lo - spread);
    m_hi = std::min(1.0, *hi + spread);
    // Bootstrap members: member k resamples the rows with the generator of (seed, k).
    for (int k = 0; k < std::max(1, m_config.ensembles); ++k) {
        auto rng = derivedRng(m_config.seed, RngStream::Accuracy, static_cast<std::uint64_t>(k));
        std::vector<std::vector<double>> bx;
        std::vector<double> by;
        for (std::size_t r = 0; r < y.size(); ++r) {
            const auto pick = uniformIndex(rng, y.size());
            bx.push_back(x[pick]);
            by.push_back(y[pick]);
        }
        BoostedTrees member;
        member.fit(m_config.ensembles > 1 ? bx : x, m_config.ensembles > 1 ? by : y, m_config.trees);
        m_members.push_back(std::move(member));
    }
}

std::pair<double, double> TableAccuracyModel::predictEncoding(const std::vector<int>& encoding) const {
    if (m_members.empty())
        return {0.0, 0.0};
    const auto f = features(encoding);
    double sum = 0, sumSq = 0;
    for (const auto& m : m_members) {
        const double v = std::clamp(m.predict(f), m_lo, m_hi);
        sum += v;
        sumSq += v * v;
    }
    const double n = double(m_members.size());
    const double mean = sum / n;
    return {mean, std::sqrt(std::max(0.0, sumSq / n - mean * mean))};
}

AccuracyEstimate TableAccuracyModel::estimate(const TransformerSpec& model, std::stop_token) const {
    AccuracyEstimate e;
    const TransformerSpec key = canonicalized(model);
    for (const auto& [encoding, index] : m_known) {
        if (!m_config.preferListed)
            break;
        const auto& entry = m_table.entries[index];
        if (canonicalized(entry.model) == key) {
            e.value = *entry.accuracy;
            e.origin = AccuracyOrigin::Imported;
            e.detail = m_table.name + " entry " + entry.id;
            return e;
        }
    }
    if (m_members.empty() || !m_space.check(model).empty())
        return e; // nothing to predict from, or a model the surrogate cannot encode: origin None
    const auto [mean, sigma] = predictEncoding(m_space.encode(model));
    e.value = mean;
    e.stdDev = sigma;
    e.origin = AccuracyOrigin::Predicted;
    e.detail = describe();
    return e;
}

std::string TableAccuracyModel::describe() const {
    std::ostringstream out;
    out << m_config.ensembles << " bagged boosted-tree ensembles (" << m_config.trees.trees << " trees, depth "
        << m_config.trees.depth << ") on " << m_fitted << " models of " << m_table.name;
    return out.str();
}

} // namespace tcw::search
