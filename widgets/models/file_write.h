// The GUI's file writes: io::writeFileAtomically (temporary file, fsync, rename) with the
// replacement the user already agreed to in the file dialog, and the error as a QString.
#pragma once

#include "io/safe_file.h"

#include <QByteArray>
#include <QString>

namespace tcw::models {

// Writes bytes to path, replacing an existing file (the dialog asked); never over a workspace
// or a read-only file. False with *error naming the file and the reason.
inline bool writeFileAfterAsking(const QString& path, const QByteArray& bytes, QString* error) {
    io::WriteOptions options;
    options.overwrite = true;
    const std::string failed = io::writeFileAtomically(
        path.toStdString(), std::string_view(bytes.constData(), std::size_t(bytes.size())), options);
    if (!failed.empty() && error)
        *error = QString::fromStdString(failed);
    return failed.empty();
}

} // namespace tcw::models
