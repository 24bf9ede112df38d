// Weight pruning while training (pruning.h).
#include "pruning.h"

#include "compress/pruning_mask.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tcw::train {

namespace {

bool endsWith(const std::string& s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The weight matrix a network tensor stands for ("layers.0.heads.proj.weight" → Q/K/V).
std::optional<WeightMatrix> matrixOf(const std::string& name) {
    if (name == "classifier.weight")
        return WeightMatrix::Classifier;
    if (name == "embedding.tokens")
        return WeightMatrix::Embedding;
    if (name.rfind("layers.", 0) != 0)
        return std::nullopt;
    if (endsWith(name, ".heads.proj.weight"))
        return WeightMatrix::Query; // stands for the fused Q/K/V
    if (endsWith(name, ".out.weight"))
        return WeightMatrix::AttentionOutput;
    if (name.find(".ff.") != std::string::npos && endsWith(name, ".weight"))
        return WeightMatrix::FeedForward;
    return std::nullopt;
}

} // namespace

std::string_view pruneScheduleName(PruneSchedule s) {
    switch (s) {
    case PruneSchedule::OneShot:
        return "oneshot";
    case PruneSchedule::Gradual:
        return "gradual";
    case PruneSchedule::Iterative:
        return "iterative";
    }
    return "";
}

std::optional<PruneSchedule> pruneScheduleFromName(std::string_view name) {
    for (auto s : {PruneSchedule::OneShot, PruneSchedule::Gradual, PruneSchedule::Iterative})
        if (pruneScheduleName(s) == name)
            return s;
    return std::nullopt;
}

std::vector<std::int64_t> eventSteps(const PruningPlan& plan) {
    if (plan.schedule == PruneSchedule::OneShot || plan.rounds == 1)
        return {plan.schedule == PruneSchedule::OneShot ? plan.startStep : plan.endStep};
    std::vector<std::int64_t> out;
    for (int i = 1; i <= plan.rounds; ++i)
        out.push_back(plan.startStep + (plan.endStep - plan.startStep) * (i - 1) / (plan.rounds - 1));
    return out;
}

double keptShareAt(const PruningPlan& plan, int event, double s) {
    const int n = plan.schedule == PruneSchedule::OneShot ? 1 : plan.rounds;
    if (event + 1 >= n)
        return 1.0 - s;
    const double p = double(event + 1) / double(n);
    if (plan.schedule == PruneSchedule::Gradual)
        return 1.0 - s * (1.0 - std::pow(1.0 - p, 3.0));
    return std::pow(1.0 - s, p); // iterative
}

WeightPruning::WeightPruning(const TransformerSpec& spec, const Network& network, PruningPlan plan)
    : m_plan(plan), m_tensors(network.tensors()), m_compression(spec.compression) {
    if (plan.rounds < 1)
        throw std::invalid_argument("rounds: must be at least 1, got " + std::to_string(plan.rounds));
    if (plan.startStep < 0 || (plan.schedule != PruneSchedule::OneShot && plan.endStep < plan.startStep))
        throw std::invalid_argument("endStep: must be at least startStep (" + std::to_string(plan.startStep) +
                                    "), got " + std::to_string(plan.endStep));
    const auto& q = spec.compression.of(WeightMatrix::Query);
    const bool qkvSame = q == spec.compression.of(WeightMatrix::Key) && q == spec.compression.of(WeightMatrix::Value);
    if (!qkvSame)
        throw std::invalid_argument("compression.pruning: the trainer keeps query, key and value in one matrix, so "
                                    "their patterns must be the same");
    m_eventSteps = eventSteps(plan);
    for (std::size_t i = 0; i < m_tensors.size(); ++i) {
        const auto m = matrixOf(m_tensors[i].name);
        if (!m || spec.compression.of(*m).isDense())
            continue;
        int heads = 1;
        if (m_tensors[i].layer < spec.layerCount())
            heads = int(spec.layers[std::size_t(m_tensors[i].layer)].heads.size());
        if (*m == WeightMatrix::Query)
            heads *= 3;
        m_targets.push_back({i, *m, heads});
        m_masks.push_back({m_tensors[i].name, m_tensors[i].offset, m_tensors[i].layer, *m,
                           compress::WeightMask(int(m_tensors[i].rows), int(m_tensors[i].cols), true)});
    }
}

void WeightPruning::maskGradients(std::span<float> gradients) const {
    for (std::size_t k = 0; k < m_targets.size(); ++k) {
        const ParamTensor& t = m_tensors[m_targets[k].tensor];
        const auto& keep = m_masks[k].mask.keep;
        for (std::size_t i = 0; i < keep.size(); ++i)
            if (!keep[i])
                gradients[std::size_t(t.offset) + i] = 0.0F;
    }
}

void WeightPruning::afterStep(std::int64_t step, std::span<float> parameters, std::span<const float> gradients) {
    const bool due = m_events < int(m_eventSteps.size()) && step >= m_eventSteps[std::size_t(m_events)];
    if (due) {
        for (std::size_t k = 0; k < m_targets.size(); ++k) {
            const ParamTensor& t = m_tensors[m_targets[k].tensor];
            PruningPattern pattern = m_compression.of(m_targets[k].matrix);
            // The pattern's own final sparsity: 1 − Π(1 − r).
            double finalKept = 1.0;
            for (const auto& s : pattern.stages)
                finalKept *= 1.0 - s.ratio;
            const double target = keptShareAt(m_plan, m_events, 1.0 - finalKept);
            if (finalKept < 1.0 && target > finalKept) {
                const double phi = std::log(target) / std::log(finalKept);
                for (auto& s : pattern.stages)
                    s.ratio = 1.0 - std::pow(1.0 - s.ratio, phi);
            }
            const compress::MatrixView view{int(t.rows), int(t.cols), parameters.data() + t.offset,
                                            gradients.data() + t.offset};
            compress::MaskContext context;
            context.heads = m_targets[k].heads;
            if (m_targets[k].matrix == WeightMatrix::AttentionOutput)
                context.headsAlongRows = true;
            m_masks[k].mask = compress::pruneMatrix(pattern, view, context).mask;
        }
        ++m_events;
    }
    for (std::size_t k = 0; k < m_targets.size(); ++k) {
        const ParamTensor& t = m_tensors[m_targets[k].tensor];
        const auto& keep = m_masks[k].mask.keep;
        for (std::size_t i = 0; i < keep.size(); ++i)
            if (!keep[i])
                parameters[std::size_t(t.offset) + i] = 0.0F;
    }
}

} // namespace tcw::train
