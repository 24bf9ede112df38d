#include "device_surrogate.h"

#include "search/boosted_trees.h"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace tcw::devices {

namespace {

constexpr int kEncodedLayers = 12;
constexpr int kBags = 4;
constexpr double kTestFraction = 0.2;
constexpr std::size_t kMinRows = 5;

// Non-negative least squares on relative error for 4 coefficients: the exact NNLS solution
// is the unconstrained solution on some subset of the columns, so every subset is tried and
// the best non-negative one kept (16 small solves).
std::array<double, 4> fitPhysics(const std::vector<ModelFeatures>& x, const std::vector<double>& y) {
    const auto n = static_cast<Eigen::Index>(x.size());
    Eigen::MatrixXd a(n, 4);
    Eigen::VectorXd b(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        const double w = 1 / y[static_cast<std::size_t>(i)]; // relative error
        const auto& f = x[static_cast<std::size_t>(i)];
        a.row(i) << w, f.flops * w, f.bytes * w, f.layers * w;
        b(i) = 1;
    }
    // Scale columns so the solve is well conditioned (FLOPs ~1e9, layers ~10).
    Eigen::Vector4d scale;
    for (int c = 0; c < 4; ++c) {
        const double norm = a.col(c).norm();
        scale(c) = norm > 0 ? norm : 1;
        a.col(c) /= scale(c);
    }
    std::array<double, 4> best{};
    double bestResidual = b.squaredNorm(); // all coefficients zero
    for (int mask = 1; mask < 16; ++mask) {
        std::vector<int> cols;
        for (int c = 0; c < 4; ++c)
            if (mask & (1 << c))
                cols.push_back(c);
        Eigen::MatrixXd sub(n, static_cast<Eigen::Index>(cols.size()));
        for (std::size_t k = 0; k < cols.size(); ++k)
            sub.col(static_cast<Eigen::Index>(k)) = a.col(cols[k]);
        const Eigen::VectorXd sol = sub.colPivHouseholderQr().solve(b);
        if ((sol.array() < 0).any() || !sol.allFinite())
            continue;
        const double residual = (sub * sol - b).squaredNorm();
        if (residual < bestResidual) {
            bestResidual = residual;
            best = {};
            for (std::size_t k = 0; k < cols.size(); ++k)
                best[static_cast<std::size_t>(cols[k])] = sol(static_cast<Eigen::Index>(k)) / scale(cols[k]);
        }
    }
    return best;
}

} // namespace

FitQuality fitQuality(const std::vector<double>& y, const std::vector<double>& pred) {
    const double mean = std::accumulate(y.begin(), y.end(), 0.0) / static_cast<double>(y.size());
    double ssRes = 0, ssTot = 0, ape = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
        ssRes += (pred[i] - y[i]) * (pred[i] - y[i]);
        ssTot += (y[i] - mean) * (y[i] - mean);
        ape += std::abs(pred[i] - y[i]) / y[i];
    }
    FitQuality q;
    q.r2 = ssTot > 0 ? 1 - ssRes / ssTot : (ssRes == 0 ? 1 : 0);
    q.mape = ape / static_cast<double>(y.size());
    return q;
}

void BaggedTrees::fit(const std::vector<ModelFeatures>& x, const std::vector<double>& y, std::mt19937_64& rng,
                      bool logTarget) {
    m_log = logTarget;
    m_bags.assign(kBags, {});
    std::uniform_int_distribution<std::size_t> pick(0, x.size() - 1);
    for (auto& bag : m_bags) {
        std::vector<std::vector<double>> bx;
        std::vector<double> by;
        for (std::size_t i = 0; i < x.size(); ++i) {
            const std::size_t j = pick(rng);
            bx.push_back(x[j].encoding);
            by.push_back(m_log ? std::log(y[j]) : y[j]);
        }
        bag.fit(bx, by, search::BoostedTreesConfig{});
    }
}

std::pair<double, double> BaggedTrees::predict(const ModelFeatures& f) const {
    std::vector<double> v;
    for (const auto& bag : m_bags) {
        const double p = bag.predict(f.encoding);
        v.push_back(m_log ? std::exp(p) : p);
    }
    const double mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
    double var = 0;
    for (double p : v)
        var += (p - mean) * (p - mean);
    return {mean, std::sqrt(var / static_cast<double>(v.size()))};
}

const char* measureName(Measure m) {
    switch (m) {
    case Measure::Latency:
        return "latency";
    case Measure::Energy:
        return "energy";
    case Measure::PeakPower:
        return "peak power";
    }
    return "";
}

std::optional<double> measureOf(const ProfileRow& row, Measure m) {
    switch (m) {
    case Measure::Latency:
        return row.latencySecondsPerSequence.median;
    case Measure::Energy:
        return row.energyJoulesPerSequence.value;
    case Measure::PeakPower:
        return row.peakPowerW.value;
    }
    return std::nullopt;
}

const char* surrogateKindName(SurrogateKind k) {
    switch (k) {
    case SurrogateKind::Mean:
        return "mean";
    case SurrogateKind::Physics:
        return "physics";
    case SurrogateKind::Trees:
        return "trees";
    }
    return "";
}

ModelFeatures modelFeatures(const TransformerSpec& model, int sequenceLength) {
    TaskShape task;
    task.sequenceLength = sequenceLength;
    ModelFeatures f;
    f.flops = model.forwardFlopsPerToken(task) * sequenceLength;
    f.bytes = 4.0 * static_cast<double>(model.parameterCount(task));
    f.layers = model.layerCount();
    f.encoding.assign(1 + 3 * kEncodedLayers, 0.0);
    f.encoding[0] = model.layerCount();
    for (int l = 0; l < std::min(model.layerCount(), kEncodedLayers); ++l) {
        const auto& layer = model.layers[static_cast<std::size_t>(l)];
        f.encoding[static_cast<std::size_t>(1 + 3 * l)] = layer.hiddenSize;
        f.encoding[static_cast<std::size_t>(2 + 3 * l)] = static_cast<double>(layer.heads.size());
        f.encoding[static_cast<std::size_t>(3 + 3 * l)] =
            std::accumulate(layer.feedForwardSizes.begin(), layer.feedForwardSizes.end(), 0.0);
    }
    return f;
}

double DeviceSurrogate::Physics::predict(const ModelFeatures& f) const {
    return coefficients[0] + coefficients[1] * f.flops + coefficients[2] * f.bytes + coefficients[3] * f.layers;
}

struct DeviceSurrogate::PerMeasure {
    SurrogateKind kind = SurrogateKind::Physics;
    Physics physics;
    double physicsRelativeSigma = 0;
    BaggedTrees trees;
};

void DeviceSurrogate::fit(const DeviceProfile& profile, std::uint64_t seed) {
    m_report.clear();
    m_models.assign(kMeasures.size(), nullptr);
    m_sequenceLength = profile.settings.sequenceLength;
    std::vector<ModelFeatures> features;
    for (const auto& row : profile.rows)
        features.push_back(modelFeatures(row.model, m_sequenceLength));
    for (Measure m : kMeasures) {
        std::vector<ModelFeatures> x;
        std::vector<double> y;
        for (std::size_t i = 0; i < profile.rows.size(); ++i)
            if (auto v = measureOf(profile.rows[i], m)) {
                x.push_back(features[i]);
                y.push_back(*v);
            }
        if (y.size() < kMinRows)
            continue;
        // Held-out split, fixed by the seed and the measure.
        std::mt19937_64 rng(seed * 31 + static_cast<std::uint64_t>(m));
        std::vector<std::size_t> order(y.size());
        std::iota(order.begin(), order.end(), 0);
        std::shuffle(order.begin(), order.end(), rng);
        const std::size_t test = std::max<std::size_t>(
            1, static_cast<std::size_t>(std::lround(kTestFraction * static_cast<double>(y.size()))));
        std::vector<ModelFeatures> xTrain, xTest;
        std::vector<double> yTrain, yTest;
        for (std::size_t k = 0; k < order.size(); ++k) {
            (k < test ? xTest : xTrain).push_back(x[order[k]]);
            (k < test ? yTest : yTrain).push_back(y[order[k]]);
        }
        SurrogateReportRow r;
        r.device = profile.deviceName;
        r.measure = m;
        r.trainRows = yTrain.size();
        r.testRows = yTest.size();
        const double trainMean =
            std::accumulate(yTrain.begin(), yTrain.end(), 0.0) / static_cast<double>(yTrain.size());
        r.mean = fitQuality(yTest, std::vector<double>(yTest.size(), trainMean));
        Physics physics{fitPhysics(xTrain, yTrain)};
        BaggedTrees trees;
        trees.fit(xTrain, yTrain, rng, true);
        std::vector<double> pPhysics, pTrees;
        double relSq = 0;
        for (std::size_t i = 0; i < yTest.size(); ++i) {
            pPhysics.push_back(physics.predict(xTest[i]));
            pTrees.push_back(trees.predict(xTest[i]).first);
            const double rel = (pPhysics.back() - yTest[i]) / yTest[i];
            relSq += rel * rel;
        }
        r.physics = fitQuality(yTest, pPhysics);
        r.trees = fitQuality(yTest, pTrees);
        r.chosen = r.trees.mape < r.physics.mape ? SurrogateKind::Trees : SurrogateKind::Physics;
        m_report.push_back(r);

        auto model = std::make_shared<PerMeasure>();
        model->kind = r.chosen;
        model->physicsRelativeSigma = std::sqrt(relSq / static_cast<double>(yTest.size()));
        model->physics.coefficients = fitPhysics(x, y);
        model->trees.fit(x, y, rng, true);
        m_models[static_cast<std::size_t>(m)] = std::move(model);
    }
}

std::optional<Prediction> DeviceSurrogate::predict(const TransformerSpec& model, Measure m) const {
    if (static_cast<std::size_t>(m) >= m_models.size() || !m_models[static_cast<std::size_t>(m)])
        return std::nullopt;
    const auto& pm = *m_models[static_cast<std::size_t>(m)];
    const ModelFeatures f = modelFeatures(model, m_sequenceLength);
    Prediction p;
    p.kind = pm.kind;
    if (pm.kind == SurrogateKind::Trees) {
        const auto [value, sigma] = pm.trees.predict(f);
        p.value = value;
        p.sigma = sigma;
    } else {
        p.value = pm.physics.predict(f);
        p.sigma = pm.physicsRelativeSigma * p.value;
    }
    if (!(p.value > 0))
        return std::nullopt; // an all-zero physics fit (cannot happen with positive data)
    return p;
}

double DeviceEstimate::stddevFraction() const {
    double f = latencySigma / latencySeconds;
    if (energyJoules)
        f = std::max(f, energySigma / *energyJoules);
    if (peakPowerWatts)
        f = std::max(f, peakPowerSigma / *peakPowerWatts);
    return f;
}

MeasuredCostModel::MeasuredCostModel(DeviceProfile profile, std::uint64_t seed) : m_profile(std::move(profile)) {
    m_surrogate.fit(m_profile, seed);
}

std::optional<DeviceEstimate> MeasuredCostModel::estimate(const TransformerSpec& model) const {
    DeviceEstimate e;
    if (const ProfileRow* row = findRow(m_profile, model)) {
        e.measured = true;
        e.latencySeconds = row->latencySecondsPerSequence.median;
        e.energyJoules = row->energyJoulesPerSequence.value;
        e.peakPowerWatts = row->peakPowerW.value;
        e.glue = row->glue;
        e.provenance = row->provenance.empty() ? "measured" : row->provenance;
        return e;
    }
    const auto latency = m_surrogate.predict(model, Measure::Latency);
    if (!latency)
        return std::nullopt;
    e.latencySeconds = latency->value;
    e.latencySigma = latency->sigma;
    std::string how = std::string(surrogateKindName(latency->kind)) + " latency";
    if (auto energy = m_surrogate.predict(model, Measure::Energy)) {
        e.energyJoules = energy->value;
        e.energySigma = energy->sigma;
        how += std::string(", ") + surrogateKindName(energy->kind) + " energy";
    }
    if (auto peak = m_surrogate.predict(model, Measure::PeakPower)) {
        e.peakPowerWatts = peak->value;
        e.peakPowerSigma = peak->sigma;
        how += std::string(", ") + surrogateKindName(peak->kind) + " peak power";
    }
    e.provenance = "predicted ± σ (" + how + " surrogate of " + m_profile.deviceName + ")";
    return e;
}

} // namespace tcw::devices
