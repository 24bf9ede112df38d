// CSV of a model: what the user sees, in the order the view shows it.
#include "csv_export.h"

#include <QAbstractItemModel>

namespace tcw::models {

QString csvField(const QString& field) {
    if (!field.contains(QLatin1Char(',')) && !field.contains(QLatin1Char('"')) && !field.contains(QLatin1Char('\n')) &&
        !field.contains(QLatin1Char('\r')))
        return field;
    QString quoted = field;
    quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString modelToCsv(const QAbstractItemModel& model, int role) {
    QString out;
    const int columns = model.columnCount();
    auto appendRow = [&](auto cell) {
        for (int c = 0; c < columns; ++c) {
            if (c > 0)
                out += QLatin1Char(',');
            out += csvField(cell(c));
        }
        out += QStringLiteral("\r\n");
    };
    appendRow([&](int c) { return model.headerData(c, Qt::Horizontal).toString(); });
    for (int r = 0; r < model.rowCount(); ++r)
        appendRow([&](int c) {
            const QModelIndex index = model.index(r, c);
            const QVariant value = index.data(role);
            return value.isValid() ? value.toString() : index.data().toString();
        });
    return out;
}

} // namespace tcw::models
