// Issue 15, the Search panel's "Targets, precision and robustness" group: which target kinds
// a co-design search covers (ELECTOR, BAT-class), which model-wide precisions it searches
// (f32, w8a8, … w1a1) and how the `robustness` objective is defined (bit flips in stored
// weights at a rate, or Gaussian activation noise of σ × each vector's RMS, averaged over
// seeds). It fills the same SearchRequest fields as `tcw search --targets --precisions
// --robustness-kind --robustness-rate --robustness-sigma --robustness-seeds`, so the core's
// buildSearchConfig checks both alike. Precisions other than f32 and robustness need a
// trained accuracy: without it their controls are disabled, and the tooltip and the note say
// why (disabled precisions are not searched).
#pragma once

#include "codesign/search_request.h"
#include "search/search_config.h"

#include <QGroupBox>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QListWidget;
class QSpinBox;

namespace tcw::widgets {

class SearchPrecisionBox : public QGroupBox {
    Q_OBJECT

public:
    explicit SearchPrecisionBox(QWidget* parent = nullptr);

    // The precisions listed (in this order), each one `tcw search --precisions` takes.
    static QStringList precisionNames();

    // Sets r.targets, r.precisions and the robustness definition (what applies only).
    void fillRequest(codesign::SearchRequest& r) const;
    // A stored search's targets, precisions and robustness definition in the controls.
    void showSearch(const search::SearchConfig& config);
    // trained: the search trains its models (precisions other than f32 and robustness apply);
    // robustnessObjective: `robustness` is ticked; idle: no search runs (controls editable).
    void setApplicability(bool trained, bool robustnessObjective, bool idle);

    // For tests and demos: choose by value.
    void setTargets(bool elector, bool bat);
    void setPrecisions(const QStringList& names); // ticks these, unticks the others
    void setRobustness(search::RobustnessKind kind, double rateOrSigma, int seeds);

signals:
    void changed();

private:
    void updateControls();

    bool m_trained = false, m_robustnessObjective = false, m_idle = true;
    QCheckBox* m_elector = nullptr;
    QCheckBox* m_bat = nullptr;
    QListWidget* m_precisions = nullptr;
    QComboBox* m_kind = nullptr;
    QDoubleSpinBox* m_rate = nullptr;
    QDoubleSpinBox* m_sigma = nullptr;
    QSpinBox* m_seeds = nullptr;
    QLabel* m_rateLabel = nullptr;
    QLabel* m_sigmaLabel = nullptr;
    QLabel* m_note = nullptr;
};

} // namespace tcw::widgets
