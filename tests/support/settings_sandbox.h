// Test support: QSettings pointed at INI files in a temporary folder, under the test's own
// application name, so that a widget test never reads or writes the user's settings (window
// layout, explorer choices) and starts from the same state on every machine.
#pragma once

#include <QCoreApplication>
#include <QSettings>
#include <QString>
#include <QTemporaryDir>

namespace tcw::testing {

// false when the folder could not be made (the test should stop there).
inline bool sandboxSettings(const QTemporaryDir& folder, const QString& application) {
    if (!folder.isValid())
        return false;
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, folder.path());
    QCoreApplication::setOrganizationName(QStringLiteral("tcw-test"));
    QCoreApplication::setApplicationName(application);
    return true;
}

} // namespace tcw::testing
