// The explorer's state of now — which workspace, cost mode, filter and selected design — and
// the one place that broadcasts a change of it. Every view whose content depends on that state
// subscribes here and refreshes or clears when it changes, and says which state its content
// belongs to, so a test can go over every dependent view (GUI.md: "every view shows the state
// of now").
#pragma once

#include "sim/sim_types.h"

#include <QFlags>
#include <QObject>
#include <QString>

#include <functional>
#include <optional>
#include <vector>

namespace tcw::models {

// What the explorer shows now. workspace is a generation number, bumped by every open, create
// and close (a design id means nothing without the workspace it belongs to); 0: none open.
// filter is bumped by every change of the filter text, the range filters and the brushes.
struct ExplorerContext {
    quint64 workspace = 0;
    SimMode mode = SimMode::Inference;
    quint64 filter = 0;
    std::optional<qint64> designId;

    bool operator==(const ExplorerContext&) const = default;
};

class ExplorerState : public QObject {
    Q_OBJECT

public:
    enum Aspect { Workspace = 0x1, Mode = 0x2, Filter = 0x4, Selection = 0x8 };
    Q_DECLARE_FLAGS(Aspects, Aspect)

    explicit ExplorerState(QObject* parent = nullptr);

    const ExplorerContext& context() const { return m_context; }

    // A view whose content depends on the aspects it names. refresh(now) runs on every change
    // of one of them (in the order views subscribed) and must leave the view showing now or
    // nothing; shows() tells which state the view's content belongs to (nullopt: it shows
    // nothing), read back from what the view holds.
    struct Dependent {
        QString name;
        Aspects aspects;
        std::function<void(const ExplorerContext&)> refresh;
        std::function<std::optional<ExplorerContext>()> shows;
    };
    void subscribe(Dependent dependent);
    const std::vector<Dependent>& dependents() const { return m_dependents; }
    // The dependents whose content belongs to another state than now in the aspects they
    // depend on: the list the rule tests expect empty. "name: shows … , now …" per view.
    QStringList staleDependents() const;
    // Whether shown equals now in the given aspects.
    static bool matches(const ExplorerContext& shown, const ExplorerContext& now, Aspects aspects);

public slots:
    // A new generation, open or closed; called once nothing is selected (a design id of one
    // workspace names another design in the next).
    void setWorkspaceOpen(bool open);
    void setMode(tcw::SimMode mode);
    void noteFilterChanged();
    void setDesign(std::optional<qint64> designId);

signals:
    // After every dependent has refreshed.
    void changed(const tcw::models::ExplorerContext& now, tcw::models::ExplorerState::Aspects what);

private:
    void broadcast(Aspects what);

    ExplorerContext m_context;
    quint64 m_generations = 0;
    std::vector<Dependent> m_dependents;
    bool m_broadcasting = false;
    Aspects m_pending;
};

} // namespace tcw::models

Q_DECLARE_OPERATORS_FOR_FLAGS(tcw::models::ExplorerState::Aspects)
