// The explorer's state broadcast: one change notifies every dependent view in order.
#include "explorer_state.h"

namespace tcw::models {

namespace {
QString describe(const ExplorerContext& c) {
    return QStringLiteral("workspace %1, %2, filter %3, design %4")
        .arg(c.workspace)
        .arg(QString::fromLatin1(simModeName(c.mode).data()))
        .arg(c.filter)
        .arg(c.designId ? QString::number(*c.designId) : QStringLiteral("none"));
}
} // namespace

ExplorerState::ExplorerState(QObject* parent) : QObject(parent) {}

void ExplorerState::subscribe(Dependent dependent) {
    m_dependents.push_back(std::move(dependent));
}

bool ExplorerState::matches(const ExplorerContext& shown, const ExplorerContext& now, Aspects aspects) {
    if (aspects.testFlag(Workspace) && shown.workspace != now.workspace)
        return false;
    if (aspects.testFlag(Mode) && shown.mode != now.mode)
        return false;
    if (aspects.testFlag(Filter) && shown.filter != now.filter)
        return false;
    if (aspects.testFlag(Selection) && shown.designId != now.designId)
        return false;
    return true;
}

QStringList ExplorerState::staleDependents() const {
    QStringList stale;
    for (const Dependent& d : m_dependents) {
        const std::optional<ExplorerContext> shown = d.shows();
        if (shown && !matches(*shown, m_context, d.aspects))
            stale << QStringLiteral("%1: shows %2; now %3").arg(d.name, describe(*shown), describe(m_context));
    }
    return stale;
}

void ExplorerState::setWorkspaceOpen(bool open) {
    m_context.workspace = open ? ++m_generations : 0;
    if (!open)
        ++m_generations;
    m_context.designId.reset(); // a design id belongs to the workspace it came from
    broadcast(Workspace | Selection);
}

void ExplorerState::setMode(SimMode mode) {
    if (m_context.mode == mode)
        return;
    m_context.mode = mode;
    broadcast(Mode);
}

void ExplorerState::noteFilterChanged() {
    ++m_context.filter;
    broadcast(Filter);
}

void ExplorerState::setDesign(std::optional<qint64> designId) {
    if (m_context.designId == designId)
        return;
    m_context.designId = designId;
    broadcast(Selection);
}

void ExplorerState::broadcast(Aspects what) {
    // A view's refresh may change the state again (clearing a selection the filter hid): that
    // change is broadcast once this one is over, so every view sees the changes in order.
    if (m_broadcasting) {
        m_pending |= what;
        return;
    }
    m_broadcasting = true;
    for (Aspects next = what; next;) {
        const ExplorerContext now = m_context;
        for (const Dependent& d : m_dependents)
            if (d.aspects & next)
                d.refresh(now);
        emit changed(now, next);
        next = m_pending;
        m_pending = {};
    }
    m_broadcasting = false;
}

} // namespace tcw::models
