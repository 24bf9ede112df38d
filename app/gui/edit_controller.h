// The window's one edit session: started on the co-design the shared selection points at,
// re-simulated on every edit (core/sim, microseconds), with the accuracy predictor of the
// co-design search (core/search: boosted trees fit on the bundled FlexiBERT 2.0 GLUE table),
// fit once on the worker thread at start-up. Saving stores the edited co-design and its
// evaluation as a new workspace design. No dialogs: the window asks, this does.
#pragma once

#include "models/edit_session.h"
#include "models/explorer_state.h"

#include <QObject>

#include <optional>

namespace tcw::app {

class WorkspaceController;

class EditController : public QObject {
    Q_OBJECT

public:
    EditController(WorkspaceController* workspace, QObject* parent = nullptr);

    models::EditSession* session() const { return m_session; }
    bool predictorReady() const { return m_session->hasPredictor(); }

    // Starts the predictor's fit in the background (data directory: the bundled data).
    void loadPredictor(const QString& dataDirectory);

    // Follows the explorer's state: a co-design selected starts a new edit (the same design in
    // the same workspace and mode keeps the edit), anything else ends it; another workspace
    // ends the edit at once (its design ids name other designs).
    void follow(const models::ExplorerContext& now);
    // The same within the workspace followed last.
    void followDesign(std::optional<qint64> designId, SimMode mode);
    // The state the edit belongs to (workspace, mode, design); nothing when no edit.
    std::optional<models::ExplorerContext> shown() const;

    // The name suggested for saving: "<start> (edited)", made unique in the workspace.
    QString suggestedName() const;
    // Adds the edited co-design and its evaluation to the workspace and selects it; the new
    // design's id, or nothing (errorOccurred says why).
    std::optional<qint64> saveAsDesign(const QString& name);

signals:
    void predictorLoaded(const QString& description);
    void statusMessage(const QString& text);
    void errorOccurred(const QString& title, const QString& text);

private:
    WorkspaceController* m_workspace;
    models::EditSession* m_session;
    quint64 m_workspaceGeneration = 0; // of the design the session edits
};

} // namespace tcw::app
