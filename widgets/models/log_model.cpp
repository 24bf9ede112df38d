// Log model: append at the end, drop the oldest tenth when full (fewer, larger removals keep
// a view that follows the end cheap).
#include "log_model.h"

#include <QColor>

namespace tcw::models {

LogModel::LogModel(QObject* parent, int maxEntries) : QAbstractTableModel(parent), m_maxEntries(qMax(10, maxEntries)) {}

QString LogModel::levelName(QtMsgType type) {
    switch (type) {
    case QtDebugMsg:
        return tr("debug");
    case QtInfoMsg:
        return tr("info");
    case QtWarningMsg:
        return tr("warning");
    case QtCriticalMsg:
        return tr("error");
    case QtFatalMsg:
        return tr("fatal");
    }
    return {};
}

void LogModel::append(const LogEntry& entry) {
    if (int(m_entries.size()) >= m_maxEntries) {
        const int drop = qMax(1, m_maxEntries / 10);
        beginRemoveRows({}, 0, drop - 1);
        m_entries.erase(m_entries.begin(), m_entries.begin() + drop);
        endRemoveRows();
    }
    const int row = int(m_entries.size());
    beginInsertRows({}, row, row);
    m_entries.push_back(entry);
    endInsertRows();
}

void LogModel::clear() {
    if (m_entries.empty())
        return;
    beginResetModel();
    m_entries.clear();
    endResetModel();
}

int LogModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_entries.size());
}

int LogModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LogModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const LogEntry& e = m_entries[std::size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return e.time.toString(QStringLiteral("HH:mm:ss.zzz"));
        case LevelColumn:
            return levelName(e.type);
        case CategoryColumn:
            return e.category;
        case MessageColumn:
            return e.message;
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == MessageColumn)
            return e.message;
        if (index.column() == TimeColumn)
            return e.time.toString(Qt::ISODateWithMs);
        return {};
    case Qt::ForegroundRole:
        if (e.type == QtWarningMsg)
            return QColor(0xb3, 0x6b, 0x00); // dark amber: readable on light and print
        if (e.type == QtCriticalMsg || e.type == QtFatalMsg)
            return QColor(0xc0, 0x1c, 0x28);
        if (e.type == QtDebugMsg)
            return QColor(Qt::gray);
        return {};
    case TypeRole:
        return int(e.type);
    default:
        return {};
    }
}

QVariant LogModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case LevelColumn:
        return tr("Level");
    case CategoryColumn:
        return tr("Source");
    case MessageColumn:
        return tr("Message");
    }
    return {};
}

QString LogModel::toPlainText() const {
    QString text;
    for (const LogEntry& e : m_entries)
        text += QStringLiteral("%1 %2 %3: %4\n")
                    .arg(e.time.toString(QStringLiteral("HH:mm:ss.zzz")), levelName(e.type), e.category, e.message);
    return text;
}

} // namespace tcw::models
