// A table model's visible rows and columns as CSV (RFC 4180: CRLF line ends, fields with a
// comma, quote, CR or LF quoted, quotes doubled), header row first. Each cell is the item's
// `role` data when the model provides it (e.g. full-precision numbers), else its display text.
#pragma once

#include <QString>
#include <Qt>

class QAbstractItemModel;

namespace tcw::models {

QString csvField(const QString& field);
QString modelToCsv(const QAbstractItemModel& model, int role = Qt::DisplayRole);

} // namespace tcw::models
