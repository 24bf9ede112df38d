// Undoable edits of an EditSession, one side of the pair each: the accelerator editor's and
// the transformer editor's stacks never undo each other's changes. Consecutive edits of the
// same field merge (a spin box's steps undo as one change).
#pragma once

#include "edit_session.h"

#include <QUndoCommand>

namespace tcw::models {

class AcceleratorEditCommand : public QUndoCommand {
public:
    // field: a small number naming the parameter (merge key); -1 never merges.
    AcceleratorEditCommand(EditSession* session, const AcceleratorSpec& before, const AcceleratorSpec& after,
                           const QString& text, int field = -1);
    void undo() override;
    void redo() override;
    int id() const override { return m_field < 0 ? -1 : 0x4100 + m_field; }
    bool mergeWith(const QUndoCommand* other) override;

private:
    EditSession* m_session;
    AcceleratorSpec m_before, m_after;
    int m_field;
};

class TransformerEditCommand : public QUndoCommand {
public:
    TransformerEditCommand(EditSession* session, const TransformerSpec& before, const TransformerSpec& after,
                           const QString& text, int field = -1);
    void undo() override;
    void redo() override;
    int id() const override { return m_field < 0 ? -1 : 0x5400 + m_field; }
    bool mergeWith(const QUndoCommand* other) override;

private:
    EditSession* m_session;
    TransformerSpec m_before, m_after;
    int m_field;
};

} // namespace tcw::models
