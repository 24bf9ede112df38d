// The Accelerator editor: every parameter of the edited co-design's accelerator, restricted
// to the ELECTOR design space or free (validated: errors name the field and what is allowed).
// Each change is an undoable command that re-simulates at once; the summary shows the metrics,
// their change against the start and where the design would land on the Pareto plot.
#pragma once

#include "design/target.h"

#include <QWidget>

#include <string_view>
#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
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
    AcceleratorEditor(models::EditSession* session, QWidget* parent = nullptr);

    QUndoStack* undoStack() const { return m_stack; }
    // One row per field of the elector descriptor table (electorFields()), in its order; a
    // row's editing widget is named "field:NAME". Numeric fields have a ParameterField, choice
    // fields a combo box (the other is null).
    std::size_t fieldCount() const { return m_rows.size(); }
    ParameterField* field(std::size_t index) const { return m_rows[index].number; }
    ParameterField* field(std::string_view name) const; // null for an unknown or choice field
    QComboBox* choice(std::size_t index) const { return m_rows[index].choice; }
    WhatIfSummary* summary() const;
    bool isRestricted() const;
    void setRestricted(bool restricted);

    // Applies a new value of one field (an index into electorFields()) through the undo stack,
    // as the user's edit does. A square tile stays square: a new tile x also sets tile y.
    void edit(std::size_t index, double value);

public slots:
    void setDominance(const QString& status, bool joinsFront);

signals:
    void saveRequested();

private:
    struct Row {
        ParameterField* number = nullptr;
        QComboBox* choice = nullptr;
        QLabel* label = nullptr;
        QString help;         // the field's help text (its label's tooltip)
        bool memory = false;  // a main-memory field: replaced by the space's memories when restricted
        bool inSpace = false; // the space lists this field's values: restricted, a combo of them
    };

    void refresh();
    void push(const AcceleratorSpec& next, const QString& text, int mergeKey);
    void buildForm();

    models::EditSession* m_session;
    QUndoStack* m_stack;
    EditorFrame* m_frame;
    QCheckBox* m_restricted;
    std::vector<Row> m_rows;
    QComboBox* m_spaceMemory = nullptr; // restricted: the space's memories as one choice
};

} // namespace tcw::widgets
