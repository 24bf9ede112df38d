// Training series: appending reports, merging heat-map columns.
#include "training_series.h"

#include <QCoreApplication>

#include <cmath>

namespace tcw::models {

qint64 MagnitudeBins::total() const {
    qint64 n = 0;
    for (const qint64 c : counts)
        n += c;
    return n;
}

void TrainingSeries::reset(const QStringList& rowLabels) {
    *this = TrainingSeries{};
    m_rowLabels = rowLabels;
}

void TrainingSeries::apply(const TrainingUpdate& u) {
    m_step = u.step;
    m_totalSteps = u.totalSteps;
    m_elapsed = u.elapsedSeconds;
    m_eta = u.etaSeconds;
    m_points.insert(m_points.end(), u.points.begin(), u.points.end());
    m_lowBit.apply(u.lowBit, u.scales, u.lossSplit); // issue 15
    for (std::size_t i = 0; i < u.sparsityColumns.size(); ++i) {
        m_columns.push_back(u.sparsityColumns[i]);
        m_columnSteps.push_back(i < u.columnSteps.size() ? u.columnSteps[i] : u.step);
        if (columnCount() > kMaxColumns)
            mergeColumnPairs();
    }
    if (!u.activations.counts.empty())
        m_activations = u.activations;
    if (!u.gradients.counts.empty())
        m_gradients = u.gradients;
    if (!u.activationThresholds.empty())
        m_activationThresholds = u.activationThresholds;
    if (!u.gradientThresholds.empty())
        m_gradientThresholds = u.gradientThresholds;
    if (u.cost)
        m_cost = u.cost;
}

void TrainingSeries::mergeColumnPairs() {
    // Column 2i and 2i + 1 become one (the mean of the two; the later step); an odd last one stays.
    std::vector<std::vector<double>> merged;
    std::vector<qint64> steps;
    for (std::size_t i = 0; i < m_columns.size(); i += 2) {
        if (i + 1 == m_columns.size()) {
            merged.push_back(m_columns[i]);
            steps.push_back(m_columnSteps[i]);
            break;
        }
        std::vector<double> c = m_columns[i];
        for (std::size_t r = 0; r < c.size() && r < m_columns[i + 1].size(); ++r) {
            const double a = c[r], b = m_columns[i + 1][r];
            c[r] = std::isnan(a) ? b : std::isnan(b) ? a : 0.5 * (a + b);
        }
        merged.push_back(std::move(c));
        steps.push_back(m_columnSteps[i + 1]);
    }
    m_columns = std::move(merged);
    m_columnSteps = std::move(steps);
}

QString formatDuration(double s) {
    if (!std::isfinite(s) || s < 0)
        return QStringLiteral("–");
    if (s >= 3600)
        return QCoreApplication::translate("TrainingSeries", "%1 h %2 min")
            .arg(int(s / 3600))
            .arg(int(std::fmod(s, 3600) / 60), 2, 10, QLatin1Char('0'));
    if (s >= 60)
        return QCoreApplication::translate("TrainingSeries", "%1 min %2 s")
            .arg(int(s / 60))
            .arg(int(std::fmod(s, 60)), 2, 10, QLatin1Char('0'));
    return QCoreApplication::translate("TrainingSeries", "%1 s").arg(s, 0, 'f', 1);
}

} // namespace tcw::models
