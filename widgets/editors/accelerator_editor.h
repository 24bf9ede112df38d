// The Accelerator editor: every parameter of the edited co-design's accelerator, restricted
// to the ELECTOR design space or free (validated: errors name the field and what is allowed).
// Each change is an undoable command that re-simulates at once; the summary shows the metrics,
// their change against the start and where the design would land on the Pareto plot.
#pragma once

#include "design/accelerator_spec.h"

#include <QWidget>

#include <array>

class QCheckBox;
class QComboBox;
class QUndoStack;

namespace tcw::models {
class EditSession;
}

namespace tcw::widgets {

class EditorFrame;
class ParameterField;
class WhatIfSummary;

class AcceleratorEditor : public QWidget {
    Q_OBJECT

public:
    // The fields, in form order; also the merge keys of their undo commands.
    enum Field {
        TileB,
        TileX,
        PeCount,
        LanesPerPe,
        MacsPerLane,
        SoftmaxPerPe,
        BatchSize,
        ActivationBuffer,
        WeightBuffer,
        MaskBuffer,
        MemoryBanks,
        MemoryRanks,
        MemoryChannels,
        FieldCount
    };

    AcceleratorEditor(models::EditSession* session, QWidget* parent = nullptr);

    QUndoStack* undoStack() const { return m_stack; }
    ParameterField* field(Field f) const { return m_fields[std::size_t(f)]; }
    WhatIfSummary* summary() const;
    bool isRestricted() const;
    void setRestricted(bool restricted);

    // Applies a new value of one field through the undo stack (as the user's edit does).
    void edit(Field f, double value);

public slots:
    void setDominance(const QString& status, bool joinsFront);

signals:
    void saveRequested();

private:
    void refresh();
    void push(const AcceleratorSpec& next, const QString& text, int mergeKey);
    void buildForm();

    models::EditSession* m_session;
    QUndoStack* m_stack;
    EditorFrame* m_frame;
    QCheckBox* m_restricted;
    std::array<ParameterField*, FieldCount> m_fields{};
    QComboBox* m_nonlinearity;
    QComboBox* m_memoryType;
    QComboBox* m_memoryMode;
    QComboBox* m_spaceMemory; // restricted: the space's memories as one choice
    QWidget* m_freeMemory;
};

} // namespace tcw::widgets
