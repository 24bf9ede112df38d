// Workspace tree: a small node tree, rebuilt on a reset and grown in place by appendDesigns.
#include "workspace_tree_model.h"

#include <QFont>
#include <QHash>

#include <iterator>

namespace tcw::models {

struct WorkspaceTreeModel::Node {
    NodeType type = NodeType::Group;
    QString text;
    QString toolTip;
    qint64 id = 0;
    QString path;
    QString groupTitle; // groups: the title before "(count)"
    Node* parent = nullptr;
    int row = 0; // index in parent->children
    std::vector<std::unique_ptr<Node>> children;

    Node* add(NodeType childType, QString childText, QString childToolTip, qint64 childId = 0, QString childPath = {}) {
        auto child = std::make_unique<Node>();
        child->type = childType;
        child->text = std::move(childText);
        child->toolTip = std::move(childToolTip);
        child->id = childId;
        child->path = std::move(childPath);
        child->parent = this;
        child->row = int(children.size());
        children.push_back(std::move(child));
        return children.back().get();
    }
};

namespace {
QString designToolTip(const WorkspaceTreeContent::Item& item) {
    return item.detail.isEmpty() ? WorkspaceTreeModel::tr("Design #%1").arg(item.id)
                                 : WorkspaceTreeModel::tr("Design #%1 %2").arg(item.id).arg(item.detail);
}
} // namespace

WorkspaceTreeModel::WorkspaceTreeModel(QObject* parent)
    : QAbstractItemModel(parent), m_root(std::make_unique<Node>()) {}

WorkspaceTreeModel::~WorkspaceTreeModel() = default;

void WorkspaceTreeModel::setContent(const WorkspaceTreeContent& content) {
    beginResetModel();
    m_root = std::make_unique<Node>();
    m_designsGroup = m_searchesGroup = m_runsGroup = nullptr;

    if (content.hasWorkspace)
        addWorkspaceGroups(content);
    addPresetGroups(content);
    endResetModel();
}

WorkspaceTreeModel::Node* WorkspaceTreeModel::addGroup(Node* parent, const QString& title, qsizetype count,
                                                       const QString& toolTip) {
    Node* group = parent->add(NodeType::Group, QStringLiteral("%1 (%2)").arg(title).arg(count), toolTip);
    group->groupTitle = title;
    return group;
}

void WorkspaceTreeModel::addWorkspaceGroups(const WorkspaceTreeContent& content) {
    auto group = [this](Node* parent, const QString& title, qsizetype count, const QString& toolTip) {
        return addGroup(parent, title, count, toolTip);
    };
    Node* designs = group(m_root.get(), tr("Designs"), content.designs.size(),
                          tr("Designs in this workspace, by kind. Import more with File ▸ Import Designs."));
    m_designsGroup = designs;
    struct KindGroup {
        store::DesignKind kind;
        QString title;
        QString toolTip;
    };
    const KindGroup kinds[] = {
        {store::DesignKind::Pair, tr("Co-designs"), tr("A transformer with the accelerator it runs on")},
        {store::DesignKind::Transformer, tr("Transformers"), tr("FlexiBERT 2.0 models")},
        {store::DesignKind::Accelerator, tr("Accelerators"), tr("ELECTOR-space accelerators")},
    };
    for (const KindGroup& k : kinds) {
        QList<const WorkspaceTreeContent::Item*> items;
        for (const auto& item : content.designs)
            if (item.kind == k.kind)
                items.push_back(&item);
        Node* kindNode = group(designs, k.title, items.size(), k.toolTip);
        for (const auto* item : items)
            addDesign(kindNode, *item);
    }

    Node* searches = m_searchesGroup = group(m_root.get(), tr("Searches"), content.searches.size(),
                                             tr("Co-design searches run in this workspace, with their trials"));
    for (const auto& item : content.searches)
        searches->add(NodeType::Search, item.name, item.detail, item.id);

    Node* runs = m_runsGroup = group(m_root.get(), tr("Training runs"), content.trainingRuns.size(),
                                     tr("DynaProp training runs: curves and measured sparsity"));
    for (const auto& item : content.trainingRuns)
        runs->add(NodeType::TrainingRun, item.name, item.detail, item.id);
}

void WorkspaceTreeModel::addDesign(Node* kindGroup, const WorkspaceTreeContent::Item& item) {
    kindGroup->add(NodeType::Design, item.name, designToolTip(item), item.id);
}

void WorkspaceTreeModel::appendDesigns(const QList<WorkspaceTreeContent::Item>& added,
                                       const QList<WorkspaceTreeContent::Item>& searches,
                                       const QList<WorkspaceTreeContent::Item>& trainingRuns) {
    if (!m_designsGroup)
        return;
    const store::DesignKind kinds[] = {store::DesignKind::Pair, store::DesignKind::Transformer,
                                       store::DesignKind::Accelerator}; // the kind groups' order
    qsizetype total = 0;
    for (std::size_t k = 0; k < std::size(kinds); ++k) {
        Node* kindGroup = m_designsGroup->children[k].get();
        qsizetype count = 0;
        for (const auto& item : added)
            count += item.kind == kinds[k];
        if (count > 0) {
            const int first = int(kindGroup->children.size());
            beginInsertRows(indexOfNode(kindGroup), first, first + int(count) - 1);
            for (const auto& item : added)
                if (item.kind == kinds[k])
                    addDesign(kindGroup, item);
            endInsertRows();
            setGroupCount(kindGroup, qsizetype(kindGroup->children.size()));
        }
        total += qsizetype(kindGroup->children.size());
    }
    setGroupCount(m_designsGroup, total);
    replaceChildren(m_searchesGroup, NodeType::Search, searches);
    replaceChildren(m_runsGroup, NodeType::TrainingRun, trainingRuns);
}

void WorkspaceTreeModel::replaceChildren(Node* group, NodeType type, const QList<WorkspaceTreeContent::Item>& items) {
    bool same = qsizetype(group->children.size()) == items.size();
    for (qsizetype i = 0; same && i < items.size(); ++i) {
        const Node& n = *group->children[std::size_t(i)];
        same = n.id == items[i].id && n.text == items[i].name && n.toolTip == items[i].detail;
    }
    if (same)
        return;
    const QModelIndex parent = indexOfNode(group);
    if (!group->children.empty()) {
        beginRemoveRows(parent, 0, int(group->children.size()) - 1);
        group->children.clear();
        endRemoveRows();
    }
    if (!items.isEmpty()) {
        beginInsertRows(parent, 0, int(items.size()) - 1);
        for (const auto& item : items)
            group->add(type, item.name, item.detail, item.id);
        endInsertRows();
    }
    setGroupCount(group, items.size());
}

void WorkspaceTreeModel::setGroupCount(Node* group, qsizetype count) {
    const QString text = QStringLiteral("%1 (%2)").arg(group->groupTitle).arg(count);
    if (group->text == text)
        return;
    group->text = text;
    const QModelIndex index = indexOfNode(group);
    emit dataChanged(index, index, {Qt::DisplayRole});
}

void WorkspaceTreeModel::addPresetGroups(const WorkspaceTreeContent& content) {
    auto group = [this](Node* parent, const QString& title, qsizetype count, const QString& toolTip) {
        return addGroup(parent, title, count, toolTip);
    };

    Node* presets = group(m_root.get(), tr("Presets"), content.presetModels.size() + content.presetAccelerators.size(),
                          tr("Reference designs bundled with the workbench (data/presets)"));
    Node* models = group(presets, tr("Models"), content.presetModels.size(), tr("BERT-Tiny … BERT-Base"));
    for (const auto& p : content.presetModels)
        models->add(NodeType::PresetModel, p.name, p.path, 0, p.path);
    Node* accelerators =
        group(presets, tr("Accelerators"), content.presetAccelerators.size(), tr("The edge and server references"));
    for (const auto& p : content.presetAccelerators)
        accelerators->add(NodeType::PresetAccelerator, p.name, p.path, 0, p.path);
}

WorkspaceTreeModel::Node* WorkspaceTreeModel::nodeOf(const QModelIndex& index) const {
    return index.isValid() ? static_cast<Node*>(index.internalPointer()) : m_root.get();
}

QModelIndex WorkspaceTreeModel::indexOfNode(const Node* node) const {
    if (!node || node == m_root.get())
        return {};
    return createIndex(node->row, 0, const_cast<Node*>(node));
}

QModelIndex WorkspaceTreeModel::indexOfDesign(qint64 designId) const {
    if (!m_designsGroup)
        return {};
    for (const auto& kindGroup : m_designsGroup->children)
        for (const auto& item : kindGroup->children)
            if (item->type == NodeType::Design && item->id == designId)
                return indexOfNode(item.get());
    return {};
}

QModelIndex WorkspaceTreeModel::index(int row, int column, const QModelIndex& parent) const {
    if (column != 0 || row < 0)
        return {};
    const Node* p = nodeOf(parent);
    if (row >= int(p->children.size()))
        return {};
    return createIndex(row, 0, p->children[std::size_t(row)].get());
}

QModelIndex WorkspaceTreeModel::parent(const QModelIndex& child) const {
    if (!child.isValid())
        return {};
    return indexOfNode(nodeOf(child)->parent);
}

int WorkspaceTreeModel::rowCount(const QModelIndex& parent) const {
    if (parent.column() > 0)
        return 0;
    return int(nodeOf(parent)->children.size());
}

int WorkspaceTreeModel::columnCount(const QModelIndex&) const {
    return 1;
}

QVariant WorkspaceTreeModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Node* node = nodeOf(index);
    switch (role) {
    case Qt::DisplayRole:
        return node->text;
    case Qt::ToolTipRole:
        return node->toolTip;
    case Qt::FontRole:
        if (node->type == NodeType::Group && node->parent == m_root.get()) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case NodeTypeRole:
        return int(node->type);
    case ItemIdRole:
        return node->id;
    case FilePathRole:
        return node->path;
    default:
        return {};
    }
}

Qt::ItemFlags WorkspaceTreeModel::flags(const QModelIndex& index) const {
    if (!index.isValid())
        return Qt::NoItemFlags;
    const Node* node = nodeOf(index);
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (node->type == NodeType::Group && node->children.empty())
        f |= Qt::ItemNeverHasChildren;
    return f;
}

} // namespace tcw::models
