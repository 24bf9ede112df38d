// Edit session: validate → simulate (prepared cost model) → accuracy → stored-form record.
#include "edit_session.h"

#include "design/design_space.h"
#include "io/record_json.h"

#include <QElapsedTimer>

#include <cmath>

namespace tcw::models {

namespace {
TransformerSpec unnamed(TransformerSpec spec) {
    spec.name.clear();
    spec.canonicalize();
    return spec;
}
} // namespace

EditSession::EditSession(QObject* parent)
    : QObject(parent), m_technology(electorTechnology14nm()), m_modelSpace(flexibert2Space()),
      m_acceleratorSpace(electorSpace()) {}

EditSession::~EditSession() = default;

void EditSession::setTechnology(const TechnologyLibrary& technology) {
    m_technology = technology;
    m_prepared.reset(); // it refers to the old table
    m_preparedFor.reset();
}

void EditSession::setSpaces(const TransformerSpace& models, const AcceleratorSpace& accelerators) {
    m_modelSpace = models;
    m_acceleratorSpace = accelerators;
}

void EditSession::setAccuracyPredictor(AccuracyPredictor predictor, const QString& description) {
    m_predictor = std::move(predictor);
    m_predictorDescription = description;
    if (m_active && !(unnamed(m_current.transformer) == unnamed(m_start.transformer))) {
        m_currentEvaluation = evaluate(m_current, false);
        emit evaluated();
    }
}

void EditSession::begin(qint64 designId, const io::CodesignPair& pair, const SimOptions& options,
                        const std::optional<store::EvaluationRecord>& stored) {
    m_active = true;
    m_designId = designId;
    m_options = options;
    m_options.opBreakdown = true;
    m_stored = stored;
    m_start = m_current = pair;
    m_startEvaluation = evaluate(m_start, true);
    adoptStored();
    m_currentEvaluation = m_startEvaluation;
    emit started();
    emit evaluated();
}

void EditSession::adoptStored() {
    if (!m_stored || !m_stored->latencySeconds || m_stored->mode != simModeName(m_options.mode))
        return;
    store::EvaluationRecord& simulated = m_startEvaluation.record;
    const auto differs = [](std::optional<double> a, std::optional<double> b) {
        return a.has_value() != b.has_value() || (a && std::abs(*a - *b) > 1e-9 * std::max(1.0, std::abs(*a)));
    };
    if (differs(simulated.latencySeconds, m_stored->latencySeconds) || differs(simulated.areaMM2, m_stored->areaMM2) ||
        differs(simulated.energyTotalNJ(), m_stored->energyTotalNJ()))
        m_startEvaluation.storedNote = tr("The stored metrics differ from a simulation with this version of the "
                                          "simulator; the breakdown shows the simulation.");
    simulated = *m_stored;
}

void EditSession::end() {
    if (!m_active)
        return;
    m_active = false;
    m_designId = 0;
    m_stored.reset();
    m_startEvaluation = m_currentEvaluation = {};
    emit ended();
}

void EditSession::setMode(SimMode mode) {
    if (m_options.mode == mode)
        return;
    m_options.mode = mode;
    m_prepared.reset();
    m_preparedFor.reset();
    if (m_stored && m_stored->mode != simModeName(mode)) {
        // Its accuracy still holds; its metrics belong to the other mode.
        store::EvaluationRecord accuracyOnly;
        accuracyOnly.mode = std::string(simModeName(mode));
        accuracyOnly.provenance = store::MetricsProvenance::None;
        accuracyOnly.accuracy = m_stored->accuracy;
        accuracyOnly.accuracyStdDev = m_stored->accuracyStdDev;
        accuracyOnly.accuracySource = m_stored->accuracySource;
        accuracyOnly.accuracyDetail = m_stored->accuracyDetail;
        m_stored = accuracyOnly;
    }
    if (!m_active)
        return;
    m_startEvaluation = evaluate(m_start, true);
    m_currentEvaluation = m_start == m_current ? m_startEvaluation : evaluate(m_current, false);
    emit evaluated();
}

void EditSession::reevaluateCurrent() {
    if (m_current == m_start) {
        // Back where it began (undo): the start exactly as it was shown.
        const double ms = evaluate(m_current, false).evaluationMs;
        m_currentEvaluation = m_startEvaluation;
        m_currentEvaluation.evaluationMs = ms;
    } else {
        m_currentEvaluation = evaluate(m_current, false);
    }
    emit evaluated();
}

void EditSession::setAccelerator(const AcceleratorSpec& accelerator) {
    if (!m_active || accelerator == m_current.accelerator)
        return;
    m_current.accelerator = accelerator;
    reevaluateCurrent();
}

void EditSession::setTransformer(const TransformerSpec& transformer) {
    if (!m_active || transformer == m_current.transformer)
        return;
    m_current.transformer = transformer;
    reevaluateCurrent();
}

void EditSession::prepare(const TransformerSpec& transformer) {
    // Keyed on the options too: a model prepared for inference costs only the forward pass, so
    // reusing it after a switch to training showed inference numbers as training ones.
    if (m_prepared && m_preparedFor && *m_preparedFor == transformer && m_preparedOptions == m_options)
        return;
    m_prepared = prepareCostModel(transformer, m_technology, m_options);
    m_preparedFor = transformer;
    m_preparedOptions = m_options;
}

WhatIfEvaluation EditSession::evaluate(const io::CodesignPair& pair, bool isStart) {
    QElapsedTimer timer;
    timer.start();
    WhatIfEvaluation w;
    w.errors = validate(pair.transformer);
    for (const ValidationError& e : validate(pair.accelerator, &m_technology))
        w.errors.push_back({e.path.empty() ? "accelerator" : "accelerator." + e.path, e.message});
    for (const ValidationError& e : m_modelSpace.check(pair.transformer))
        w.outsideSpace.push_back({e.path.empty() ? "transformer" : "transformer." + e.path, e.message});
    for (const ValidationError& e : m_acceleratorSpace.check(pair.accelerator))
        w.outsideSpace.push_back({e.path.empty() ? "accelerator" : "accelerator." + e.path, e.message});
    if (w.errors.empty()) {
        prepare(pair.transformer);
        w.sim = m_prepared->evaluate(pair.accelerator);
        w.simulated = true;
        w.record = io::evaluationRecordOf(w.sim, m_options);
    } else {
        w.record.feasible = false;
        w.record.infeasibleReason = w.errors.front().toString();
    }

    const bool sameModel = unnamed(pair.transformer) == unnamed(m_start.transformer);
    if ((isStart || sameModel) && m_stored && m_stored->accuracy) {
        w.record.accuracy = m_stored->accuracy;
        w.record.accuracyStdDev = m_stored->accuracyStdDev;
        w.record.accuracySource = m_stored->accuracySource;
        w.record.accuracyDetail = m_stored->accuracyDetail;
        const QString source = QString::fromUtf8(store::accuracySourceName(m_stored->accuracySource));
        w.accuracyNote = m_stored->accuracyStdDev ? tr("%1 ± %2 (%3)")
                                                        .arg(*m_stored->accuracy * 100, 0, 'f', 2)
                                                        .arg(*m_stored->accuracyStdDev * 100, 0, 'f', 2)
                                                        .arg(source)
                                                  : tr("%1 (%2)").arg(*m_stored->accuracy * 100, 0, 'f', 2).arg(source);
    } else if (!m_predictor) {
        w.accuracyNote = tr("not yet predicted: no accuracy predictor is loaded");
    } else if (const auto p = m_predictor(pair.transformer)) {
        w.record.accuracy = p->value;
        w.record.accuracyStdDev = p->stdDev;
        w.record.accuracySource = p->source;
        w.record.accuracyDetail = p->detail.empty() ? m_predictorDescription.toStdString() : p->detail;
        w.accuracyNote =
            p->source == store::AccuracySource::Predicted
                ? tr("%1 ± %2 predicted (%3); train the model to measure it")
                      .arg(p->value * 100, 0, 'f', 2)
                      .arg(p->stdDev * 100, 0, 'f', 2)
                      .arg(m_predictorDescription)
                : tr("%1 (%2: %3)")
                      .arg(p->value * 100, 0, 'f', 2)
                      .arg(QString::fromUtf8(store::accuracySourceName(p->source)), QString::fromStdString(p->detail));
    } else {
        w.accuracyNote = tr("not yet predicted: the predictor knows models of the %1 space only")
                             .arg(QString::fromStdString(m_modelSpace.name));
    }
    w.evaluationMs = double(timer.nsecsElapsed()) / 1e6;
    return w;
}

} // namespace tcw::models
