// Selection link: mirror selection and current index, with a guard against echo.
#include "selection_link.h"

#include <QAbstractProxyModel>
#include <QItemSelectionModel>

namespace tcw::models {

SelectionLink::SelectionLink(QItemSelectionModel* sourceSelection, QItemSelectionModel* proxySelection, QObject* parent)
    : QObject(parent), m_source(sourceSelection), m_proxy(proxySelection) {
    Q_ASSERT(proxy() && proxy()->sourceModel() == m_source->model());
    connect(m_proxy, &QItemSelectionModel::selectionChanged, this, &SelectionLink::toSource);
    connect(m_proxy, &QItemSelectionModel::currentChanged, this, &SelectionLink::toSource);
    connect(m_source, &QItemSelectionModel::selectionChanged, this, &SelectionLink::fromSource);
    connect(m_source, &QItemSelectionModel::currentChanged, this, &SelectionLink::fromSource);
}

QAbstractProxyModel* SelectionLink::proxy() const {
    return qobject_cast<QAbstractProxyModel*>(const_cast<QAbstractItemModel*>(m_proxy->model()));
}

void SelectionLink::suspend() {
    m_suspended = true;
}

void SelectionLink::resume() {
    m_suspended = false;
    fromSource();
}

void SelectionLink::toSource() {
    if (m_syncing || m_suspended)
        return;
    m_syncing = true;
    m_source->select(proxy()->mapSelectionToSource(m_proxy->selection()), QItemSelectionModel::ClearAndSelect);
    m_source->setCurrentIndex(proxy()->mapToSource(m_proxy->currentIndex()), QItemSelectionModel::NoUpdate);
    m_syncing = false;
}

void SelectionLink::fromSource() {
    if (m_syncing)
        return;
    m_syncing = true;
    m_proxy->select(proxy()->mapSelectionFromSource(m_source->selection()), QItemSelectionModel::ClearAndSelect);
    m_proxy->setCurrentIndex(proxy()->mapFromSource(m_source->currentIndex()), QItemSelectionModel::NoUpdate);
    m_syncing = false;
}

} // namespace tcw::models
