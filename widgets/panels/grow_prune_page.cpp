#include "grow_prune_page.h"

#include "models/objective.h"

#include <QHash>
#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace tcw::widgets {

namespace {

constexpr int kRunRole = Qt::UserRole + 1;
constexpr int kDesignRole = Qt::UserRole + 2;

QString withUnit(const std::optional<double>& v, const QString& unit) {
    return v ? models::formatMetric(*v) + QLatin1Char(' ') + unit : QString();
}

} // namespace

QString growPruneVerdict(const GrowPruneTreeNode& n) {
    if (!n.feasible)
        return GrowPrunePage::tr("rejected: %1").arg(n.violations);
    if (n.accepted)
        return n.op == QLatin1String("root") ? GrowPrunePage::tr("start") : GrowPrunePage::tr("accepted");
    return GrowPrunePage::tr("not chosen");
}

GrowPrunePage::GrowPrunePage(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    m_tree = new QTreeWidget(this);
    m_tree->setHeaderLabels({tr("Run"), tr("Operator"), tr("Accuracy"), tr("Latency"), tr("Energy"), tr("Peak power"),
                             tr("Verdict"), tr("Change")});
    m_tree->setAlternatingRowColors(true);
    m_tree->setUniformRowHeights(true);
    m_tree->header()->setStretchLastSection(true);
    m_tree->setToolTip(tr("Each node is a training run made from its parent by one GPTran operator, with the weights "
                          "passed on; choose one to see its design in the explorer"));
    layout->addWidget(m_tree, 1);
    connect(m_tree, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
        if (item && item->data(0, kDesignRole).toLongLong() > 0)
            emit designRequested(item->data(0, kDesignRole).toLongLong());
    });
    setNodes({});
}

QTreeWidgetItem* GrowPrunePage::itemOfRun(qint64 runId) const {
    for (QTreeWidgetItemIterator it(m_tree); *it; ++it)
        if ((*it)->data(0, kRunRole).toLongLong() == runId)
            return *it;
    return nullptr;
}

void GrowPrunePage::setNodes(const QList<GrowPruneTreeNode>& nodes, const QString& error) {
    m_nodes = nodes;
    m_tree->clear();
    QHash<qint64, QTreeWidgetItem*> items;
    int sessions = 0, accepted = 0, rejected = 0;
    for (const GrowPruneTreeNode& n : nodes) {
        auto* item = new QTreeWidgetItem;
        item->setText(NodeColumn, tr("run %1 · %2").arg(n.runId).arg(n.name));
        item->setText(OperatorColumn, n.op);
        item->setText(AccuracyColumn,
                      n.accuracy ? models::formatMetric(100.0 * *n.accuracy) + QStringLiteral(" %") : QString());
        item->setText(LatencyColumn, withUnit(n.latencySeconds, QStringLiteral("s")));
        item->setText(EnergyColumn, withUnit(n.energyJoules, QStringLiteral("J")));
        item->setText(PeakColumn, withUnit(n.peakPowerWatts, QStringLiteral("W")));
        item->setText(VerdictColumn, growPruneVerdict(n));
        item->setText(ChangeColumn, n.change);
        item->setToolTip(LatencyColumn, tr("%1 on %2").arg(n.provenance, n.target));
        item->setToolTip(VerdictColumn, growPruneVerdict(n));
        item->setData(0, kRunRole, n.runId);
        item->setData(0, kDesignRole, n.designId);
        if (!n.feasible)
            for (int c = 0; c <= ChangeColumn; ++c)
                item->setForeground(c, palette().brush(QPalette::Disabled, QPalette::Text));
        if (n.accepted) {
            QFont f = item->font(NodeColumn);
            f.setBold(true);
            item->setFont(NodeColumn, f);
        }
        const auto parent = items.find(n.parentRunId);
        if (n.parentRunId > 0 && parent != items.end()) {
            (*parent)->addChild(item);
        } else {
            m_tree->addTopLevelItem(item);
            ++sessions;
        }
        items.insert(n.runId, item);
        accepted += n.accepted && n.op != QLatin1String("root");
        rejected += !n.feasible;
    }
    m_tree->expandAll();
    for (int c = 0; c < ChangeColumn; ++c)
        m_tree->resizeColumnToContents(c);
    if (!error.isEmpty())
        m_summary->setText(tr("The grow-and-prune lineage could not be read: %1").arg(error));
    else if (nodes.isEmpty())
        m_summary->setText(tr("No grow-and-prune session in this workspace. Run one with tcw grow-prune --model M "
                              "--data D --target device:ID --latency S --workspace FILE.tcw."));
    else
        m_summary->setText(tr("%n session(s)", "", sessions) + tr(", %n run(s)", "", int(nodes.size())) +
                           tr("; %n child(ren) accepted", "", accepted) +
                           tr(", %n rejected by a constraint", "", rejected) +
                           tr(". Bold: accepted; grey: over a constraint."));
    emit contentShown();
}

} // namespace tcw::widgets
