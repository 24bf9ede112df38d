// Knowledge distillation from a teacher of the same shape (issue 15; BinaryBERT, BiT): the
// teacher's logits and per-layer hidden states (each encoder layer's output) on the student's
// batch are targets for the student, through the network's activation hooks (network.h).
//   logits:  L_logit  = T² · (1/B) Σ_b KL(softmax(z_t/T) ‖ softmax(z_s/T))
//            dL/dz_s  = T · (softmax(z_s/T) − softmax(z_t/T)) / B
//   hidden:  L_hidden = Σ_l mean over the layer's N·H_l entries of (h_s − h_t)²
//            dL/dh_s  = 2·(h_s − h_t) / (N·H_l)
//   total:   task cross-entropy + w_logit·L_logit + w_hidden·L_hidden
// KL rather than the soft cross-entropy: the same gradient, and 0 when the student equals
// the teacher. The teacher is frozen: its weights are quantized once at its own precision.
// A teacher with quantized activations (a step of a multi-step schedule, 32 → 4 → 2 → 1 bits)
// runs with the activation quantizers its run learned, read from the activation-scales file
// beside its checkpoint (activation_scales.h).
#pragma once

#include "batch.h"
#include "design/compression_spec.h"
#include "network.h"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace tcw::train {

class ActivationQuantization;
class HookChain;

struct DistillationConfig {
    std::string teacherCheckpoint;      // a training run's checkpoint.bin ("" = no distillation)
    CompressionSpec teacherCompression; // the precision the teacher was trained at
    double logitWeight = 1.0;
    double hiddenWeight = 1.0;
    double temperature = 1.0;
};

struct DistillationLosses {
    double logit = 0, hidden = 0; // unweighted, of the last forward
    double weighted(const DistillationConfig& c) const { return c.logitWeight * logit + c.hiddenWeight * hidden; }
};

// The hash of a network's tensor names and shapes that checkpoints carry.
std::uint64_t parameterFingerprint(const std::vector<ParamTensor>& tensors);

// The two terms on their own (rows × cols, row-major), as the header's equations: each returns
// the unweighted loss and writes dL/d(student) into `gradient` (resized).
double logitDistillationLoss(std::span<const float> student, std::span<const float> teacher, std::int64_t rows,
                             std::int64_t cols, double temperature, std::vector<float>& gradient);
double hiddenDistillationLoss(std::span<const float> student, std::span<const float> teacher,
                              std::vector<float>& gradient);

class Distillation : public ActivationHooks {
public:
    // Builds the teacher (the student's architecture at config.teacherCompression) and loads
    // its checkpoint, and for quantized activations its activation-scales file. Throws
    // std::invalid_argument naming the file when the checkpoint or scales are of another model
    // or precision, when the scales file is missing, and for precisions it cannot train.
    Distillation(const TransformerSpec& studentSpec, const TaskShape& task, int maxBatch,
                 const DistillationConfig& config);
    // A teacher given as parameters (tests): `teacherParameters` are used as they stand.
    Distillation(const TransformerSpec& spec, const TaskShape& task, int maxBatch,
                 std::span<const float> teacherParameters, const DistillationConfig& config);
    ~Distillation() override;

    // Runs the teacher on the batch; call before the student's forward pass. Forward passes
    // outside prepare() … release() (evaluation) are not distilled.
    void prepare(const Batch& batch);
    void release() { m_prepared = false; }
    const DistillationLosses& losses() const { return m_losses; }
    const DistillationConfig& config() const { return m_config; }

    void forward(int layer, ActivationSite site, int index, float* x, std::int64_t rows, std::int64_t cols) override;
    void backward(int layer, ActivationSite site, int index, float* g, float* x, std::int64_t rows,
                  std::int64_t cols) override;

private:
    struct Recorder;
    void check() const;
    DistillationConfig m_config;
    std::unique_ptr<Network> m_teacher;
    std::unique_ptr<ActivationQuantization> m_teacherQuantization; // its frozen activation quantizers
    std::unique_ptr<HookChain> m_teacherHooks;                     // quantization, then the recorder
    std::unique_ptr<Recorder> m_recorder;                          // the teacher's layer outputs and logits
    std::vector<std::vector<float>> m_hiddenGrad;                  // per layer: dL/dh_s of the last forward
    std::vector<float> m_logitGrad;
    DistillationLosses m_losses;
    bool m_prepared = false;
};

} // namespace tcw::train
