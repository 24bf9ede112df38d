// Teacher, student and natural-parameter surrogates.
#include "surrogate.h"

#include <algorithm>
#include <cmath>

namespace tcw::search {

namespace {

Eigen::MatrixXd columns(const std::vector<std::vector<double>>& points) {
    const Eigen::Index d = points.empty() ? 0 : static_cast<Eigen::Index>(points.front().size());
    Eigen::MatrixXd m(d, static_cast<Eigen::Index>(points.size()));
    for (std::size_t j = 0; j < points.size(); ++j)
        for (Eigen::Index i = 0; i < d; ++i)
            m(i, static_cast<Eigen::Index>(j)) = points[j][static_cast<std::size_t>(i)];
    return m;
}

Eigen::VectorXd vec(std::span<const double> x) {
    Eigen::VectorXd v(static_cast<Eigen::Index>(x.size()));
    for (std::size_t i = 0; i < x.size(); ++i)
        v(static_cast<Eigen::Index>(i)) = x[i];
    return v;
}

double softplus(double v) {
    return v > 30 ? v : std::log1p(std::exp(v));
}
double sigmoid(double v) {
    return 1.0 / (1.0 + std::exp(-v));
}

constexpr double kMinPrecisionTerm = 1e-3; // −η2 ≥ this: σ_aleatoric ≤ √500 target σ

// Natural parameters of the Gaussian from the network's two outputs: η1 = o1,
// η2 = −(softplus(o2) + ε) < 0; then σ² = −1/(2η2), μ = −η1/(2η2).
double eta2Of(double o2) {
    return -(softplus(o2) + kMinPrecisionTerm);
}

// Mean squared error against targets[column], for the teacher and the student.
Mlp::BatchLoss squaredError(const std::vector<double>& targets) {
    return [&targets](const Eigen::MatrixXd& out, const std::vector<int>& cols, Eigen::MatrixXd& grad) {
        const double n = double(cols.size());
        double loss = 0;
        for (std::size_t k = 0; k < cols.size(); ++k) {
            const double r = out(0, static_cast<Eigen::Index>(k)) - targets[static_cast<std::size_t>(cols[k])];
            loss += r * r;
            grad(0, static_cast<Eigen::Index>(k)) = 2 * r / n;
        }
        return loss / n;
    };
}

} // namespace

double Surrogate::Prediction::stdDev() const {
    return std::sqrt(epistemic * epistemic + aleatoric * aleatoric);
}

bool Surrogate::fit(const std::vector<std::vector<double>>& x, const std::vector<double>& y,
                    const std::vector<std::vector<double>>& extra, const SurrogateConfig& config, std::mt19937_64& rng,
                    std::stop_token stop) {
    m_fitted = false;
    if (x.empty())
        return false;
    const int d = static_cast<int>(x.front().size());
    double mean = 0;
    for (double v : y)
        mean += v;
    mean /= double(y.size());
    double var = 0;
    for (double v : y)
        var += (v - mean) * (v - mean);
    var /= double(y.size());
    m_yMean = mean;
    m_yScale = var > 1e-24 ? std::sqrt(var) : 1.0;
    std::vector<double> z(y.size());
    for (std::size_t i = 0; i < y.size(); ++i)
        z[i] = (y[i] - m_yMean) / m_yScale;
    const Eigen::MatrixXd X = columns(x);

    // Teacher: mean of the standardised target, trained with dropout.
    m_teacher = Mlp(d, {config.hidden, config.hidden}, 1, config.dropout, rng);
    m_teacher.train(X, squaredError(z), config.teacher, rng);
    if (stop.stop_requested())
        return false;

    // Student: log of the teacher's MC-dropout spread, at the data and at extra points.
    std::vector<std::vector<double>> studentPoints = x;
    studentPoints.insert(studentPoints.end(), extra.begin(), extra.end());
    const Eigen::MatrixXd S = columns(studentPoints);
    Eigen::MatrixXd sum = Eigen::MatrixXd::Zero(1, S.cols()), sumSq = sum;
    for (int t = 0; t < config.mcSamples; ++t) {
        const Eigen::MatrixXd o = m_teacher.forward(S, &rng);
        sum += o;
        sumSq += o.cwiseProduct(o);
    }
    const double T = std::max(1, config.mcSamples);
    std::vector<double> logSpread(static_cast<std::size_t>(S.cols()));
    for (Eigen::Index j = 0; j < S.cols(); ++j) {
        const double m = sum(0, j) / T;
        const double v = std::max(0.0, sumSq(0, j) / T - m * m);
        logSpread[static_cast<std::size_t>(j)] = std::log(std::sqrt(v) + 1e-6);
    }
    m_student = Mlp(d, {config.smallHidden, config.smallHidden}, 1, 0.0, rng);
    m_student.train(S, squaredError(logSpread), config.student, rng);
    if (stop.stop_requested())
        return false;

    // Natural-parameter network: Gaussian negative log-likelihood in (η1, η2), where it is
    // convex: NLL = −η1·z − η2·z² − η1²/(4η2) − ½·log(−2η2) + const.
    m_natural = Mlp(d, {config.smallHidden, config.smallHidden}, 2, 0.0, rng);
    auto nll = [&z](const Eigen::MatrixXd& out, const std::vector<int>& cols, Eigen::MatrixXd& grad) {
        const double n = double(cols.size());
        double loss = 0;
        for (std::size_t k = 0; k < cols.size(); ++k) {
            const auto c = static_cast<Eigen::Index>(k);
            const double t = z[static_cast<std::size_t>(cols[k])];
            const double e1 = out(0, c), o2 = out(1, c), e2 = eta2Of(o2);
            loss += -e1 * t - e2 * t * t - e1 * e1 / (4 * e2) - 0.5 * std::log(-2 * e2);
            const double dE1 = -t - e1 / (2 * e2);
            const double dE2 = -t * t + e1 * e1 / (4 * e2 * e2) - 1 / (2 * e2);
            grad(0, c) = dE1 / n;
            grad(1, c) = dE2 * -sigmoid(o2) / n;
        }
        return loss / n;
    };
    m_natural.train(X, nll, config.natural, rng);
    if (stop.stop_requested())
        return false;
    m_fitted = true;
    return true;
}

Surrogate::Prediction Surrogate::predict(std::span<const double> x) const {
    const Eigen::VectorXd v = vec(x);
    Prediction p;
    p.mean = m_teacher.forward(v)(0, 0) * m_yScale + m_yMean;
    p.epistemic = std::exp(m_student.forward(v)(0, 0)) * m_yScale;
    const double e2 = eta2Of(m_natural.forward(v)(1, 0));
    p.aleatoric = std::sqrt(-1.0 / (2 * e2)) * m_yScale;
    return p;
}

std::vector<Surrogate::Prediction> Surrogate::predict(const std::vector<std::vector<double>>& x) const {
    std::vector<Prediction> out(x.size());
    if (x.empty())
        return out;
    const Eigen::MatrixXd X = columns(x);
    const Eigen::MatrixXd mu = m_teacher.forward(X), logS = m_student.forward(X), nat = m_natural.forward(X);
    for (std::size_t j = 0; j < x.size(); ++j) {
        const auto c = static_cast<Eigen::Index>(j);
        out[j].mean = mu(0, c) * m_yScale + m_yMean;
        out[j].epistemic = std::exp(logS(0, c)) * m_yScale;
        out[j].aleatoric = std::sqrt(-1.0 / (2 * eta2Of(nat(1, c)))) * m_yScale;
    }
    return out;
}

double Surrogate::acquisition(std::span<const double> x, double kappa, std::vector<double>* gradient) const {
    const Eigen::VectorXd v = vec(x);
    const double mu = m_teacher.forward(v)(0, 0) * m_yScale + m_yMean;
    const double logS = m_student.forward(v)(0, 0);
    const double se = std::exp(logS) * m_yScale;
    const Eigen::MatrixXd nat = m_natural.forward(v);
    const double o2 = nat(1, 0), e2 = eta2Of(o2);
    const double sa = std::sqrt(-1.0 / (2 * e2)) * m_yScale;
    const double sigma = std::sqrt(se * se + sa * sa);
    const double a = mu - kappa * sigma;
    if (gradient) {
        const Eigen::VectorXd gMu = m_teacher.inputGradient(v, Eigen::VectorXd::Constant(1, m_yScale));
        const Eigen::VectorXd gSe = m_student.inputGradient(v, Eigen::VectorXd::Constant(1, se));
        // σ_a = (−2η2)^(−1/2)·scale; dσ_a/dη2 = (−2η2)^(−3/2)·scale; dη2/do2 = −sigmoid(o2).
        Eigen::VectorXd w(2);
        w << 0.0, std::pow(-2 * e2, -1.5) * m_yScale * -sigmoid(o2);
        const Eigen::VectorXd gSa = m_natural.inputGradient(v, w);
        const Eigen::VectorXd g = gMu - kappa * (se * gSe + sa * gSa) / std::max(sigma, 1e-300);
        gradient->assign(g.data(), g.data() + g.size());
    }
    return a;
}

double Surrogate::monteCarloStdDev(std::span<const double> x, int samples, std::mt19937_64& rng) const {
    const Eigen::VectorXd v = vec(x);
    double s = 0, s2 = 0;
    for (int t = 0; t < samples; ++t) {
        const double o = m_teacher.forward(v, &rng)(0, 0);
        s += o;
        s2 += o * o;
    }
    const double m = s / samples;
    return std::sqrt(std::max(0.0, s2 / samples - m * m)) * m_yScale;
}

} // namespace tcw::search
