// Data directory lookup: io::findDataDir, in Qt strings.
#include "app_paths.h"

#include "io/files.h"

#include <QCoreApplication>
#include <QDir>

namespace tcw::app {

QString dataDirectory() {
    const auto dir = io::findDataDir(QCoreApplication::applicationFilePath().toStdString());
    return dir.empty() ? QString() : QDir(QString::fromStdString(dir.string())).absolutePath();
}

QString exampleWorkspacePath() {
    const QString data = dataDirectory();
    return data.isEmpty() ? QString() : QDir(data).filePath(QStringLiteral("examples/example.tcw"));
}

QString presetDirectory() {
    const QString data = dataDirectory();
    return data.isEmpty() ? QString() : QDir(data).filePath(QStringLiteral("presets"));
}

} // namespace tcw::app
