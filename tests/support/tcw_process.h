// Test support: the tcw binary run as a user runs it, with the source tree's data folder
// (TCW_DATA_DIR), its exit code and both outputs captured. For tests whose target defines
// TCW_CLI_BINARY and TCW_SOURCE_DATA_DIR.
#pragma once

#include "time_scale.h"

#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace tcw::testing {

struct TcwRun {
    int exitCode = -1; // -1: crashed or timed out
    QString out;
    QString err;
};

inline QProcessEnvironment tcwEnvironment() {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("TCW_DATA_DIR", QStringLiteral(TCW_SOURCE_DATA_DIR));
    return env;
}

inline TcwRun runTcw(const QStringList& args, const QString& workingDirectory = {}, int timeoutMs = 120000) {
    timeoutMs = scaledMs(timeoutMs);
    QProcess process;
    process.setProcessEnvironment(tcwEnvironment());
    if (!workingDirectory.isEmpty())
        process.setWorkingDirectory(workingDirectory);
    process.start(QStringLiteral(TCW_CLI_BINARY), args);
    if (!process.waitForFinished(timeoutMs)) // the failing check prints why
        return {-1, {}, QStringLiteral("tcw did not finish within %1 s").arg(timeoutMs / 1000)};
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}

inline QByteArray readFile(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace tcw::testing
