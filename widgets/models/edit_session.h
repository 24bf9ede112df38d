// The design being edited: a co-design (transformer × accelerator) that starts from a
// workspace design and changes one parameter at a time. Every change re-simulates at once
// (the cost model is prepared once per transformer, then costs an accelerator in
// microseconds), and the result keeps the start for comparison: the editors show metrics and
// deltas, the plots a what-if point. Accuracy: the start's own (trained, predicted or
// published) while the transformer is unchanged, else the predictor's estimate with its
// uncertainty, else "not yet predicted".
#pragma once

#include "io/io_types.h"
#include "sim/cost_model.h"
#include "store/records.h"

#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

namespace tcw::models {

struct AccuracyPrediction {
    double value = 0;  // fraction correct
    double stdDev = 0; // the predictor's uncertainty (fraction)
    std::string detail;
    store::AccuracySource source = store::AccuracySource::Predicted; // Published: a table's own entry
};
// Returns nothing for a model the predictor cannot judge (e.g. outside its design space).
using AccuracyPredictor = std::function<std::optional<AccuracyPrediction>(const TransformerSpec&)>;

struct WhatIfEvaluation {
    bool simulated = false;         // false when the design is not well formed
    SimResult sim;                  // with the per-op breakdown
    store::EvaluationRecord record; // the metrics as the workspace stores them
    ValidationErrors errors;        // why it could not be simulated
    ValidationErrors outsideSpace;  // parameters outside the design spaces (allowed, flagged)
    QString accuracyNote;           // "predicted ± 1.2 by …", "trained", "not yet predicted: …"
    QString storedNote;             // the start: when the stored metrics differ from a re-simulation
    double evaluationMs = 0;        // wall time of the simulation (and prediction)
};

class EditSession : public QObject {
    Q_OBJECT

public:
    explicit EditSession(QObject* parent = nullptr);
    ~EditSession() override;

    void setTechnology(const TechnologyLibrary& technology);
    const TechnologyLibrary& technology() const { return m_technology; }
    void setSpaces(const TransformerSpace& models, const AcceleratorSpace& accelerators);
    const TransformerSpace& modelSpace() const { return m_modelSpace; }
    const AcceleratorSpace& acceleratorSpace() const { return m_acceleratorSpace; }
    // description: what predicts ("boosted trees on the FlexiBERT 2.0 GLUE table"), for notes.
    void setAccuracyPredictor(AccuracyPredictor predictor, const QString& description);
    bool hasPredictor() const { return bool(m_predictor); }

    // Starts editing a workspace design (designId 0: not from the workspace). stored: its
    // latest evaluation in the explorer's mode, for the accuracy and the options. The start's
    // metrics are the stored ones (what the table and the plot show), its breakdown a fresh
    // simulation; back at the start after edits, the start's evaluation is shown again.
    void begin(qint64 designId, const io::CodesignPair& pair, const SimOptions& options,
               const std::optional<store::EvaluationRecord>& stored);
    void end();
    bool isActive() const { return m_active; }
    qint64 designId() const { return m_designId; }
    const SimOptions& options() const { return m_options; }
    void setMode(SimMode mode); // re-evaluates start and current in the other mode

    const io::CodesignPair& start() const { return m_start; }
    const io::CodesignPair& current() const { return m_current; }
    bool isModified() const { return m_active && !(m_start == m_current); }
    const WhatIfEvaluation& startEvaluation() const { return m_startEvaluation; }
    const WhatIfEvaluation& currentEvaluation() const { return m_currentEvaluation; }

    // The edits; each re-evaluates at once (no-op when nothing changes).
    void setAccelerator(const AcceleratorSpec& accelerator);
    void setTransformer(const TransformerSpec& transformer);

signals:
    void started();
    void evaluated(); // currentEvaluation() changed
    void ended();

private:
    WhatIfEvaluation evaluate(const io::CodesignPair& pair, bool isStart);
    void adoptStored();
    void reevaluateCurrent();
    void prepare(const TransformerSpec& transformer);

    TechnologyLibrary m_technology;
    TransformerSpace m_modelSpace;
    AcceleratorSpace m_acceleratorSpace;
    AccuracyPredictor m_predictor;
    QString m_predictorDescription;

    bool m_active = false;
    qint64 m_designId = 0;
    SimOptions m_options;
    std::optional<store::EvaluationRecord> m_stored;
    io::CodesignPair m_start, m_current;
    WhatIfEvaluation m_startEvaluation, m_currentEvaluation;
    std::unique_ptr<CostModel> m_prepared; // for m_preparedFor with m_preparedOptions
    std::optional<TransformerSpec> m_preparedFor;
    SimOptions m_preparedOptions; // a cost model is prepared for a mode and task: another needs another
};

} // namespace tcw::models
