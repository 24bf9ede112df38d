// Layer table: text forms of heads and feed-forward stacks, edits as whole new specs.
#include "layer_table_model.h"

#include <QRegularExpression>

#include <algorithm>
#include <map>

namespace tcw::models {

QString headsText(const std::vector<HeadSpec>& heads) {
    std::map<int, int> counts; // by HeadType, in canonical order
    for (const HeadSpec& h : heads)
        ++counts[int(h.type)];
    QStringList groups;
    for (const auto& [type, count] : counts)
        groups << QStringLiteral("%1×%2").arg(count).arg(QString::fromUtf8(headTypeName(HeadType(type))));
    return groups.join(QStringLiteral(", "));
}

std::optional<std::vector<HeadType>> parseHeads(const QString& text, QString* error) {
    std::vector<HeadType> kinds;
    static const QRegularExpression group(QStringLiteral("^(?:(\\d+)\\s*[×xX*]\\s*)?([a-z_0-9]+)$"));
    // "2 x c_9" → "2×c_9", so that groups split at commas and spaces.
    QString normalised = text;
    normalised.replace(QRegularExpression(QStringLiteral("(\\d+)\\s*[×xX*]\\s*")), QStringLiteral("\\1×"));
    const QStringList parts = normalised.split(QRegularExpression(QStringLiteral("[,;\\s]+")), Qt::SkipEmptyParts);
    for (const QString& part : parts) {
        const auto m = group.match(part.trimmed().toLower());
        const auto type = m.hasMatch() ? headTypeFromName(m.captured(2).toStdString()) : std::nullopt;
        if (!type) {
            if (error)
                *error = LayerTableModel::tr("'%1' is not a head kind; kinds are sa_sdp, sa_wma, l_dft, l_dct, c_5, "
                                             "c_9, c_13, each optionally preceded by a count (2×c_9)")
                             .arg(part);
            return std::nullopt;
        }
        const int count = m.captured(1).isEmpty() ? 1 : m.captured(1).toInt();
        if (count < 1 || count > 64) {
            if (error)
                *error = LayerTableModel::tr("'%1': a layer has 1 to 64 heads of a kind").arg(part);
            return std::nullopt;
        }
        kinds.insert(kinds.end(), std::size_t(count), *type);
    }
    if (kinds.empty()) {
        if (error)
            *error = LayerTableModel::tr("A layer needs at least one head");
        return std::nullopt;
    }
    std::sort(kinds.begin(), kinds.end());
    return kinds;
}

QString feedForwardText(const std::vector<int>& sizes) {
    QStringList parts;
    for (int s : sizes)
        parts << QString::number(s);
    return parts.join(QStringLiteral(", "));
}

std::optional<std::vector<int>> parseFeedForward(const QString& text, QString* error) {
    std::vector<int> sizes;
    for (const QString& part : text.split(QRegularExpression(QStringLiteral("[,;\\s]+")), Qt::SkipEmptyParts)) {
        bool ok = false;
        const int v = part.toInt(&ok);
        if (!ok || v < 1) {
            if (error)
                *error = LayerTableModel::tr("'%1' is not a layer width; give positive whole numbers, such as "
                                             "1024, 1024")
                             .arg(part);
            return std::nullopt;
        }
        sizes.push_back(v);
    }
    if (sizes.empty()) {
        if (error)
            *error = LayerTableModel::tr("A feed-forward stack needs at least one layer");
        return std::nullopt;
    }
    return sizes;
}

LayerSpec withHeads(LayerSpec layer, const std::vector<HeadType>& kinds) {
    layer.heads.clear();
    const int dim = std::max(1, layer.hiddenSize / std::max(1, int(kinds.size())));
    for (HeadType t : kinds)
        layer.heads.push_back({t, dim});
    return layer;
}

LayerTableModel::LayerTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void LayerTableModel::setSpec(const TransformerSpec& spec) {
    if (spec == m_spec)
        return;
    if (spec.layers.size() != m_spec.layers.size()) {
        beginResetModel();
        m_spec = spec;
        endResetModel();
        return;
    }
    m_spec = spec;
    if (!m_spec.layers.empty())
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

int LayerTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : m_spec.layerCount();
}

int LayerTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LayerTableModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const LayerSpec& layer = m_spec.layers[std::size_t(index.row())];
    if (role == Qt::DisplayRole || role == Qt::EditRole) {
        switch (index.column()) {
        case LayerColumn:
            return index.row() + 1;
        case HiddenColumn:
            return layer.hiddenSize;
        case HeadsColumn:
            return headsText(layer.heads);
        case HeadDimColumn: {
            QStringList dims;
            for (const HeadSpec& h : layer.heads)
                if (!dims.contains(QString::number(h.dim)))
                    dims << QString::number(h.dim);
            return dims.join(QStringLiteral(", "));
        }
        case FeedForwardColumn:
            return feedForwardText(layer.feedForwardSizes);
        }
    }
    if (role == Qt::TextAlignmentRole)
        return int(
            (index.column() == HeadsColumn || index.column() == FeedForwardColumn ? Qt::AlignLeft : Qt::AlignRight) |
            Qt::AlignVCenter);
    if (role == Qt::ToolTipRole) {
        switch (index.column()) {
        case HiddenColumn:
            return tr("Hidden size H of layer %1 (double-click to change)").arg(index.row() + 1);
        case HeadsColumn:
            return tr("Heads by kind, e.g. 2×sa_sdp, 2×c_9 (double-click to change); each head is ⌊H / heads⌋ wide");
        case HeadDimColumn:
            return tr("Width d of each head: ⌊hidden size / head count⌋");
        case FeedForwardColumn:
            return tr("Hidden widths of the feed-forward stack, in order, e.g. 1024, 1024 (double-click to change)");
        default:
            return tr("Layer %1").arg(index.row() + 1);
        }
    }
    return {};
}

QVariant LayerTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case LayerColumn:
        return tr("Layer");
    case HiddenColumn:
        return tr("Hidden");
    case HeadsColumn:
        return tr("Heads");
    case HeadDimColumn:
        return tr("Head width");
    case FeedForwardColumn:
        return tr("Feed-forward");
    }
    return {};
}

Qt::ItemFlags LayerTableModel::flags(const QModelIndex& index) const {
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.isValid() &&
        (index.column() == HiddenColumn || index.column() == HeadsColumn || index.column() == FeedForwardColumn))
        f |= Qt::ItemIsEditable;
    return f;
}

std::optional<TransformerSpec> LayerTableModel::edited(int row, int column, const QVariant& value,
                                                       QString* error) const {
    if (row < 0 || row >= rowCount())
        return std::nullopt;
    TransformerSpec spec = m_spec;
    LayerSpec& layer = spec.layers[std::size_t(row)];
    switch (column) {
    case HiddenColumn: {
        bool ok = false;
        const int hidden = value.toInt(&ok);
        if (!ok || hidden < 1 || hidden > 65536) {
            if (error)
                *error = tr("The hidden size is a whole number from 1 to 65,536");
            return std::nullopt;
        }
        layer.hiddenSize = hidden;
        std::vector<HeadType> kinds;
        for (const HeadSpec& h : layer.heads)
            kinds.push_back(h.type);
        layer = withHeads(layer, kinds);
        return spec;
    }
    case HeadsColumn: {
        const auto kinds = parseHeads(value.toString(), error);
        if (!kinds)
            return std::nullopt;
        layer = withHeads(layer, *kinds);
        return spec;
    }
    case FeedForwardColumn: {
        const auto sizes = parseFeedForward(value.toString(), error);
        if (!sizes)
            return std::nullopt;
        layer.feedForwardSizes = *sizes;
        return spec;
    }
    default:
        return std::nullopt;
    }
}

bool LayerTableModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (role != Qt::EditRole || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    QString error;
    const auto spec = edited(index.row(), index.column(), value, &error);
    if (!spec) {
        emit editRejected(error);
        return false;
    }
    if (*spec == m_spec)
        return true;
    const QString what = headerData(index.column(), Qt::Horizontal).toString().toLower();
    emit editRequested(*spec, tr("Layer %1 %2").arg(index.row() + 1).arg(what),
                       index.row() * ColumnCount + index.column());
    return true;
}

} // namespace tcw::models
