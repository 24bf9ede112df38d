// "1 design" / "8 designs": English counts without a translation catalogue (Qt's %n plural
// forms need one to print anything but "design(s)").
#pragma once

#include <QString>

namespace tcw::app {

inline QString countOf(qint64 n, const QString& one, const QString& many) {
    return QStringLiteral("%1 %2").arg(n).arg(n == 1 ? one : many);
}

} // namespace tcw::app
