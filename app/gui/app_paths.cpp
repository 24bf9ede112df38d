// Data directory lookup.
#include "app_paths.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace tcw::app {

QString dataDirectory() {
    const QString fromEnvironment = qEnvironmentVariable("TCW_DATA_DIR");
    if (!fromEnvironment.isEmpty())
        return QDir(fromEnvironment).absolutePath();
    const QString installed =
        QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("../share/transcode-workbench/data"));
    if (QFileInfo(installed).isDir())
        return QDir(installed).absolutePath();
#ifdef TCW_SOURCE_DATA_DIR
    if (QFileInfo(QStringLiteral(TCW_SOURCE_DATA_DIR)).isDir())
        return QStringLiteral(TCW_SOURCE_DATA_DIR);
#endif
    return {};
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
