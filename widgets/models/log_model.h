// The application's log messages (qDebug / qInfo / qWarning / qCritical) as a table for the
// Log panel. Keeps the newest maxEntries messages; older ones are dropped in blocks.
#pragma once

#include <QAbstractTableModel>
#include <QDateTime>
#include <QString>

#include <deque>

namespace tcw::models {

struct LogEntry {
    QDateTime time;
    QtMsgType type = QtInfoMsg;
    QString category; // "tcw.workspace", "default", ...
    QString message;

    bool operator==(const LogEntry&) const = default;
};

class LogModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { TimeColumn, LevelColumn, CategoryColumn, MessageColumn, ColumnCount };
    enum Role { TypeRole = Qt::UserRole + 1 }; // int(QtMsgType)

    explicit LogModel(QObject* parent = nullptr, int maxEntries = 5000);

    int maxEntries() const { return m_maxEntries; }
    const LogEntry& entry(int row) const { return m_entries[std::size_t(row)]; }
    static QString levelName(QtMsgType type); // "debug", "info", "warning", "error", "fatal"

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Every entry as text lines ("12:01:02 warning tcw.workspace: message").
    QString toPlainText() const;

public slots:
    void append(const tcw::models::LogEntry& entry);
    void clear();

private:
    std::deque<LogEntry> m_entries;
    int m_maxEntries;
};

} // namespace tcw::models

Q_DECLARE_METATYPE(tcw::models::LogEntry)
