// Edit commands: redo applies the new side, undo the old one; merging keeps the first "before".
#include "edit_commands.h"

namespace tcw::models {

AcceleratorEditCommand::AcceleratorEditCommand(EditSession* session, const AcceleratorSpec& before,
                                               const AcceleratorSpec& after, const QString& text, int field)
    : QUndoCommand(text), m_session(session), m_before(before), m_after(after), m_field(field) {}

void AcceleratorEditCommand::undo() {
    m_session->setAccelerator(m_before);
}

void AcceleratorEditCommand::redo() {
    m_session->setAccelerator(m_after);
}

bool AcceleratorEditCommand::mergeWith(const QUndoCommand* other) {
    const auto* next = dynamic_cast<const AcceleratorEditCommand*>(other);
    if (!next || next->m_field != m_field || next->m_session != m_session)
        return false;
    m_after = next->m_after;
    setText(next->text());
    setObsolete(m_after == m_before); // stepped back to where it began: nothing to undo
    return true;
}

TransformerEditCommand::TransformerEditCommand(EditSession* session, const TransformerSpec& before,
                                               const TransformerSpec& after, const QString& text, int field)
    : QUndoCommand(text), m_session(session), m_before(before), m_after(after), m_field(field) {}

void TransformerEditCommand::undo() {
    m_session->setTransformer(m_before);
}

void TransformerEditCommand::redo() {
    m_session->setTransformer(m_after);
}

bool TransformerEditCommand::mergeWith(const QUndoCommand* other) {
    const auto* next = dynamic_cast<const TransformerEditCommand*>(other);
    if (!next || next->m_field != m_field || next->m_session != m_session)
        return false;
    m_after = next->m_after;
    setText(next->text());
    setObsolete(m_after == m_before);
    return true;
}

} // namespace tcw::models
