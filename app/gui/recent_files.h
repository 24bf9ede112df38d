// The recently used workspaces, newest first, at most maxCount, kept in QSettings.
#pragma once

#include <QObject>
#include <QStringList>

namespace tcw::app {

class RecentFiles : public QObject {
    Q_OBJECT

public:
    static constexpr int kMaxCount = 10;

    explicit RecentFiles(QObject* parent = nullptr); // loads from QSettings

    QStringList files() const { return m_files; }
    // The newest entry that still exists, if any.
    QString mostRecentExisting() const;

public slots:
    void add(const QString& path); // moves it to the front
    void remove(const QString& path);
    void clear();

signals:
    void changed(const QStringList& files);

private:
    void store();
    QStringList m_files;
};

} // namespace tcw::app
