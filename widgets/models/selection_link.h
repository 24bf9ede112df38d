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

private:
    void toSource();
    void fromSource();
    QAbstractProxyModel* proxy() const;

    QItemSelectionModel* m_source;
    QItemSelectionModel* m_proxy;
    bool m_syncing = false;
};

} // namespace tcw::models
