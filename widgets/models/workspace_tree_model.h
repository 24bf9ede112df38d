// The workspace dock's tree: the designs by kind, the searches, the training runs, and the
// bundled presets. Built from a plain value (WorkspaceTreeContent); designs added later are
// inserted (appendDesigns) so a search streaming trials in does not rebuild it every time.
#pragma once

#include "store/records.h"

#include <QAbstractItemModel>
#include <QList>
#include <QString>

#include <memory>
#include <vector>

namespace tcw::models {

struct WorkspaceTreeContent {
    struct Item {
        qint64 id = 0;
        QString name;
        QString detail;                                   // e.g. a run's status and data set; shown in the tooltip
        store::DesignKind kind = store::DesignKind::Pair; // designs only
    };
    struct Preset {
        QString name; // file stem: "bert-tiny"
        QString path; // absolute file path
    };
    bool hasWorkspace = true; // false: only the presets are listed
    QList<Item> designs;
    QList<Item> searches;
    QList<Item> trainingRuns;
    QList<Preset> presetModels;
    QList<Preset> presetAccelerators;
};

class WorkspaceTreeModel : public QAbstractItemModel {
    Q_OBJECT

public:
    enum class NodeType { Group, Design, Search, TrainingRun, PresetModel, PresetAccelerator };
    enum Role {
        NodeTypeRole = Qt::UserRole + 1, // int(NodeType)
        ItemIdRole,                      // qint64: design / search / run id; 0 for others
        FilePathRole,                    // QString: presets only
    };

    explicit WorkspaceTreeModel(QObject* parent = nullptr);
    ~WorkspaceTreeModel() override;

    void setContent(const WorkspaceTreeContent& content);
    // Designs added to the workspace (a search streaming its trials in), and the searches
    // and training runs as they are now: rows are inserted under their kind and the two
    // smaller lists replaced, without a reset, so the view keeps what is expanded and
    // selected. Only with a workspace (after setContent with hasWorkspace).
    void appendDesigns(const QList<WorkspaceTreeContent::Item>& added,
                       const QList<WorkspaceTreeContent::Item>& searches,
                       const QList<WorkspaceTreeContent::Item>& trainingRuns);
    QModelIndex indexOfDesign(qint64 designId) const; // invalid when absent

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

private:
    struct Node;
    Node* addGroup(Node* parent, const QString& title, qsizetype count, const QString& toolTip);
    void addWorkspaceGroups(const WorkspaceTreeContent& content);
    void addPresetGroups(const WorkspaceTreeContent& content);
    Node* nodeOf(const QModelIndex& index) const;
    QModelIndex indexOfNode(const Node* node) const;

    std::unique_ptr<Node> m_root;
    static void addDesign(Node* kindGroup, const WorkspaceTreeContent::Item& item);
    void replaceChildren(Node* group, NodeType type, const QList<WorkspaceTreeContent::Item>& items);
    void setGroupCount(Node* group, qsizetype count);

    Node* m_designsGroup = nullptr; // inside m_root; null without a workspace
    Node* m_searchesGroup = nullptr;
    Node* m_runsGroup = nullptr;
};

} // namespace tcw::models
