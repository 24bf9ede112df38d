// The Transformer editor: the edited co-design's model as a per-layer table (hidden size,
// heads by kind, feed-forward stack), with layers added, removed and reordered, presets, the
// activation, its parameter count and FLOPs, and the same instant re-evaluation as the
// accelerator editor. The accuracy is the start's while the model is unchanged, then the
// predictor's estimate with its uncertainty (or "not yet predicted") until it is trained.
#pragma once

#include "design/transformer_spec.h"

#include <QWidget>

#include <array>

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QTableView;
class QUndoStack;

namespace tcw::models {
class EditSession;
class LayerTableModel;
} // namespace tcw::models

namespace tcw::widgets {

class EditorFrame;
class WhatIfSummary;

class TransformerEditor : public QWidget {
    Q_OBJECT

public:
    TransformerEditor(models::EditSession* session, QWidget* parent = nullptr);

    QUndoStack* undoStack() const { return m_stack; }
    models::LayerTableModel* layerModel() const { return m_layers; }
    QTableView* layerTable() const { return m_table; }
    WhatIfSummary* summary() const;
    QString statsText() const;
    // "Compression: dense, 32-bit float", or each role's precision and each matrix's pruning.
    QString compressionText() const;
    // The model-wide precision of one tensor role (32-bit float … 1-bit sign), undoable.
    QComboBox* precisionCombo(TensorRole role) const;

    // Presets offered (name → file), loaded by the application from the data directory.
    void setPresets(const QList<QPair<QString, QString>>& presets);
    bool isRestricted() const;
    void setRestricted(bool restricted);

    // Through the undo stack, as the buttons do.
    void apply(const TransformerSpec& next, const QString& text, int mergeKey = -1);
    void addLayer();
    void removeLayer();
    void moveLayer(int delta);

public slots:
    void setDominance(const QString& status, bool joinsFront);

signals:
    void saveRequested();
    void message(const QString& text);

private:
    void refresh();
    int selectedLayer() const;
    void buildPage();

    models::EditSession* m_session;
    QUndoStack* m_stack;
    models::LayerTableModel* m_layers;
    EditorFrame* m_frame;
    QComboBox* m_presets;
    QCheckBox* m_restricted;
    QComboBox* m_activation;
    QTableView* m_table;
    QPushButton* m_add;
    QPushButton* m_remove;
    QPushButton* m_up;
    QPushButton* m_down;
    QLabel* m_stats;
    QLabel* m_compression;
    std::array<QComboBox*, kTensorRoleCount> m_precision{};
};

} // namespace tcw::widgets
