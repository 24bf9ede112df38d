// The GPTran view (issue 14, tcw grow-prune): the tree of a workspace's grow-and-prune runs —
// each node a training run with the operator that made it from its parent, what it changed,
// its accuracy and the target's costs, and whether it was accepted or rejected by a
// constraint. Choosing a node asks for its design in the explorer. The page only shows: the
// window reads the workspace's lineage off the GUI thread and hands it the nodes.
#pragma once

#include <QList>
#include <QString>
#include <QWidget>

#include <optional>

class QLabel;
class QTreeWidget;
class QTreeWidgetItem;

namespace tcw::widgets {

struct GrowPruneTreeNode {
    qint64 runId = 0;
    qint64 parentRunId = 0; // 0: a session's root
    qint64 sessionRunId = 0;
    qint64 designId = 0;
    QString name;   // the trained model's name
    QString op;     // "root", "grow-head", …
    QString change; // what the operator changed
    int iteration = 0;
    std::optional<double> accuracy; // test accuracy, 0..1
    std::optional<double> latencySeconds, energyJoules, peakPowerWatts;
    QString target, provenance;
    bool feasible = false, accepted = false;
    QString violations;
};

class GrowPrunePage : public QWidget {
    Q_OBJECT

public:
    enum Column {
        NodeColumn,
        OperatorColumn,
        AccuracyColumn,
        LatencyColumn,
        EnergyColumn,
        PeakColumn,
        VerdictColumn,
        ChangeColumn
    };

    explicit GrowPrunePage(QWidget* parent = nullptr);

    // The nodes of every session, parents before children (as the lineage table orders them by
    // run id); an empty list clears the page. `error`: the lineage could not be read.
    void setNodes(const QList<GrowPruneTreeNode>& nodes, const QString& error = {});
    const QList<GrowPruneTreeNode>& nodes() const { return m_nodes; }
    QTreeWidget* tree() const { return m_tree; }
    // The item of a run (null when it is not shown).
    QTreeWidgetItem* itemOfRun(qint64 runId) const;

signals:
    void designRequested(qint64 designId); // a node was chosen: show its design in the explorer
    void contentShown();                   // setNodes() has drawn the tree

private:
    QLabel* m_summary;
    QTreeWidget* m_tree;
    QList<GrowPruneTreeNode> m_nodes;
};

// The verdict column's text: "accepted", "rejected: latency 3.48 s > 3.47 s", "not chosen".
QString growPruneVerdict(const GrowPruneTreeNode& node);

} // namespace tcw::widgets
