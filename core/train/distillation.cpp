#include "distillation.h"

#include "activation_quantization.h"
#include "activation_scales.h"
#include "checkpoint.h"
#include "weight_precision.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <stdexcept>

namespace tcw::train {

std::uint64_t parameterFingerprint(const std::vector<ParamTensor>& tensors) {
    std::uint64_t h = 1469598103934665603ull;
    auto mix = [&](std::uint64_t v) {
        h ^= v;
        h *= 1099511628211ull;
    };
    for (const ParamTensor& t : tensors) {
        for (char c : t.name)
            mix(static_cast<unsigned char>(c));
        mix(static_cast<std::uint64_t>(t.rows));
        mix(static_cast<std::uint64_t>(t.cols));
    }
    return h;
}

// Records the teacher's layer outputs and logits during its forward pass.
struct Distillation::Recorder : ActivationHooks {
    std::vector<std::vector<float>> hidden; // per layer [N, H_l]
    std::vector<float> logits;              // [B, C]
    void forward(int layer, ActivationSite site, int, float* x, std::int64_t rows, std::int64_t cols) override {
        const std::size_t n = std::size_t(rows * cols);
        if (site == ActivationSite::LayerOutput) {
            if (hidden.size() <= std::size_t(layer))
                hidden.resize(std::size_t(layer) + 1);
            hidden[std::size_t(layer)].assign(x, x + n);
        } else if (site == ActivationSite::Logits) {
            logits.assign(x, x + n);
        }
    }
    void backward(int, ActivationSite, int, float*, float*, std::int64_t, std::int64_t) override {}
};

namespace {

TransformerSpec teacherSpec(const TransformerSpec& student, const CompressionSpec& compression) {
    TransformerSpec t = student;
    t.compression = compression;
    return t;
}

} // namespace

double logitDistillationLoss(std::span<const float> student, std::span<const float> teacher, std::int64_t rows,
                             std::int64_t cols, double T, std::vector<float>& gradient) {
    gradient.resize(std::size_t(rows * cols));
    double kl = 0;
    std::vector<double> ps(static_cast<std::size_t>(cols)), pt(static_cast<std::size_t>(cols));
    auto softmax = [&](const float* z, std::vector<double>& p) {
        double mx = z[0];
        for (std::int64_t c = 1; c < cols; ++c)
            mx = std::max(mx, double(z[c]));
        double sum = 0;
        for (std::int64_t c = 0; c < cols; ++c)
            sum += (p[std::size_t(c)] = std::exp((double(z[c]) - mx) / T));
        for (auto& v : p)
            v /= sum;
    };
    for (std::int64_t b = 0; b < rows; ++b) {
        softmax(student.data() + b * cols, ps);
        softmax(teacher.data() + b * cols, pt);
        for (std::int64_t c = 0; c < cols; ++c) {
            const double a = pt[std::size_t(c)], s = ps[std::size_t(c)];
            if (a > 0)
                kl += a * (std::log(a) - std::log(s));
            gradient[std::size_t(b * cols + c)] = float(T * (s - a) / double(rows));
        }
    }
    return T * T * kl / double(rows);
}

double hiddenDistillationLoss(std::span<const float> student, std::span<const float> teacher,
                              std::vector<float>& gradient) {
    const std::size_t n = student.size();
    gradient.resize(n);
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double d = double(student[i]) - double(teacher[i]);
        sum += d * d;
        gradient[i] = float(2.0 * d / double(n));
    }
    return sum / double(n);
}

Distillation::Distillation(const TransformerSpec& studentSpec, const TaskShape& task, int maxBatch,
                           const DistillationConfig& config)
    : m_config(config), m_recorder(std::make_unique<Recorder>()) {
    check();
    const TransformerSpec spec = teacherSpec(studentSpec, config.teacherCompression);
    m_teacher = std::make_unique<Network>(spec, task, maxBatch);
    const CheckpointState state = loadCheckpoint(config.teacherCheckpoint);
    if (state.modelFingerprint != parameterFingerprint(m_teacher->tensors()) ||
        state.parameters.size() != m_teacher->parameters().size())
        throw std::invalid_argument(config.teacherCheckpoint +
                                    ": the teacher's checkpoint is of another model (a teacher must have the "
                                    "student's shape)");
    std::copy(state.parameters.begin(), state.parameters.end(), m_teacher->parameters().begin());
    WeightPrecision precision(m_teacher->tensors(), spec.compression);
    precision.quantize(m_teacher->parameters()); // frozen: quantized once, the latent values are not needed
    if (!ActivationQuantization::anyQuantized(spec.compression)) {
        m_teacher->setActivationHooks(m_recorder.get());
        return;
    }
    // A step of a multi-step schedule: the teacher's activations as its run quantized them.
    const std::string scalesPath = activationScalesPath(config.teacherCheckpoint);
    std::error_code ec;
    if (!std::filesystem::exists(scalesPath, ec))
        throw std::invalid_argument(scalesPath +
                                    ": not found; a teacher with quantized activations needs the activation scales its "
                                    "run writes beside its checkpoint, or give "
                                    "the teacher's precision with 32-bit activations (--teacher-precision)");
    const ActivationScales scales = loadActivationScales(scalesPath);
    if (scales.modelFingerprint != state.modelFingerprint)
        throw std::invalid_argument(scalesPath + ": the activation scales are of another model than " +
                                    config.teacherCheckpoint);
    m_teacherQuantization = std::make_unique<ActivationQuantization>(spec);
    m_teacherQuantization->restore(scales.quantizers, scalesPath);
    m_teacherHooks = std::make_unique<HookChain>();
    m_teacherHooks->add(m_teacherQuantization.get());
    m_teacherHooks->add(m_recorder.get());
    m_teacher->setActivationHooks(m_teacherHooks.get());
}

Distillation::Distillation(const TransformerSpec& spec, const TaskShape& task, int maxBatch,
                           std::span<const float> teacherParameters, const DistillationConfig& config)
    : m_config(config), m_recorder(std::make_unique<Recorder>()) {
    check();
    m_teacher = std::make_unique<Network>(spec, task, maxBatch);
    if (teacherParameters.size() != m_teacher->parameters().size())
        throw std::invalid_argument("distillation: the teacher's parameters do not fit the model");
    std::copy(teacherParameters.begin(), teacherParameters.end(), m_teacher->parameters().begin());
    m_teacher->setActivationHooks(m_recorder.get());
}

Distillation::~Distillation() = default;

void Distillation::check() const {
    const auto& c = m_config;
    if (!(c.logitWeight >= 0) || !(c.hiddenWeight >= 0) || !(c.temperature > 0))
        throw std::invalid_argument("distillation: the weights must be ≥ 0 and the temperature > 0 (got logit weight " +
                                    std::to_string(c.logitWeight) + ", hidden weight " +
                                    std::to_string(c.hiddenWeight) + ", temperature " + std::to_string(c.temperature) +
                                    ")");
}

void Distillation::prepare(const Batch& batch) {
    m_teacher->forward(batch, nullptr);
    m_prepared = true;
    m_losses = {};
}

void Distillation::forward(int layer, ActivationSite site, int, float* x, std::int64_t rows, std::int64_t cols) {
    if (site != ActivationSite::LayerOutput && site != ActivationSite::Logits)
        return;
    if (!m_prepared)
        return; // not a training step (evaluation)
    const std::size_t n = std::size_t(rows * cols);
    if (site == ActivationSite::LayerOutput) {
        const auto& t = m_recorder->hidden.at(std::size_t(layer));
        if (t.size() != n)
            throw std::logic_error("distillation: teacher and student hidden states differ in size");
        if (m_hiddenGrad.size() <= std::size_t(layer))
            m_hiddenGrad.resize(std::size_t(layer) + 1);
        m_losses.hidden += hiddenDistillationLoss({x, n}, t, m_hiddenGrad[std::size_t(layer)]);
        return;
    }
    // Logits [B, C].
    if (m_recorder->logits.size() != n)
        throw std::logic_error("distillation: teacher and student logits differ in size");
    m_losses.logit = logitDistillationLoss({x, n}, m_recorder->logits, rows, cols, m_config.temperature, m_logitGrad);
}

void Distillation::backward(int layer, ActivationSite site, int, float* g, float*, std::int64_t rows,
                            std::int64_t cols) {
    if (!m_prepared)
        return;
    const std::size_t n = std::size_t(rows * cols);
    if (site == ActivationSite::LayerOutput) {
        if (m_config.hiddenWeight == 0)
            return;
        const auto& d = m_hiddenGrad.at(std::size_t(layer));
        for (std::size_t i = 0; i < n; ++i)
            g[i] += float(m_config.hiddenWeight) * d[i];
    } else if (site == ActivationSite::Logits) {
        if (m_config.logitWeight == 0)
            return;
        for (std::size_t i = 0; i < n; ++i)
            g[i] += float(m_config.logitWeight) * m_logitGrad[i];
    }
}

} // namespace tcw::train
