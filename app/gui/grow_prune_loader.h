// Reads the GPTran view's tree from a workspace file on a worker thread (a read-only
// connection of its own, like the search page's): the lineage rows joined with their training
// runs (accuracy, trained design, name).
#pragma once

#include "panels/grow_prune_page.h"

#include <QList>
#include <QString>

namespace tcw::app {

struct GrowPruneTreeContent {
    QList<widgets::GrowPruneTreeNode> nodes;
    QString error; // the workspace could not be read: why
};

// Never throws.
GrowPruneTreeContent loadGrowPruneTree(const QString& workspacePath);

} // namespace tcw::app
