// Recent files: normalised absolute paths, de-duplicated, persisted on every change.
#include "recent_files.h"

#include <QFileInfo>
#include <QSettings>

namespace tcw::app {

namespace {
const QString kKey = QStringLiteral("recentWorkspaces");
}

RecentFiles::RecentFiles(QObject* parent) : QObject(parent) {
    m_files = QSettings().value(kKey).toStringList();
    m_files.removeAll(QString());
    m_files.removeDuplicates();
    while (m_files.size() > kMaxCount)
        m_files.removeLast();
}

QString RecentFiles::mostRecentExisting() const {
    for (const QString& file : m_files)
        if (QFileInfo::exists(file))
            return file;
    return {};
}

void RecentFiles::add(const QString& path) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    if (!m_files.isEmpty() && m_files.front() == absolute)
        return;
    m_files.removeAll(absolute);
    m_files.prepend(absolute);
    while (m_files.size() > kMaxCount)
        m_files.removeLast();
    store();
}

void RecentFiles::remove(const QString& path) {
    if (m_files.removeAll(QFileInfo(path).absoluteFilePath()) > 0)
        store();
}

void RecentFiles::clear() {
    if (m_files.isEmpty())
        return;
    m_files.clear();
    store();
}

void RecentFiles::store() {
    QSettings().setValue(kKey, m_files);
    emit changed(m_files);
}

} // namespace tcw::app
