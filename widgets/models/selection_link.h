// Keeps a view's selection over a proxy model in step with the shared selection over the
// source model, both ways: each view may sort and filter on its own while every view still
// shows one selection.
#pragma once

#include <QObject>

class QAbstractProxyModel;
class QItemSelectionModel;

namespace tcw::models {

class SelectionLink : public QObject {
    Q_OBJECT

public:
    // proxySelection's model must be a QAbstractProxyModel over sourceSelection's model.
    SelectionLink(QItemSelectionModel* sourceSelection, QItemSelectionModel* proxySelection, QObject* parent = nullptr);

    // While the proxy filters its rows again its selection model moves the current index off
    // rows it loses (onto a neighbour the user never chose): suspended, that move is not
    // copied into the shared selection; resume() mirrors the shared selection again.
    void suspend();
    void resume();

private:
    void toSource();
    void fromSource();
    QAbstractProxyModel* proxy() const;

    QItemSelectionModel* m_source;
    QItemSelectionModel* m_proxy;
    bool m_syncing = false;
    bool m_suspended = false;
};

} // namespace tcw::models
