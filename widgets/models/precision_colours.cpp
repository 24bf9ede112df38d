// Precisions as categories (precision_colours.h).
#include "precision_colours.h"

#include <QRegularExpression>

#include <algorithm>
#include <tuple>

namespace tcw::models {

namespace {

// (group, −weight bits, −activation bits, name): f32 0, wBaA 1, other names 2, mixed 3.
std::tuple<int, int, int, QString> sortKey(const QString& name) {
    if (name == QLatin1String("f32"))
        return {0, 0, 0, name};
    if (name == QLatin1String("mixed"))
        return {3, 0, 0, name};
    static const QRegularExpression shorthand(QStringLiteral("^w(\\d+)a(\\d+)$"));
    if (const auto m = shorthand.match(name); m.hasMatch())
        return {1, -m.captured(1).toInt(), -m.captured(2).toInt(), name};
    return {2, 0, 0, name};
}

} // namespace

bool precisionBefore(const QString& a, const QString& b) {
    return sortKey(a) < sortKey(b);
}

PrecisionCategories precisionCategories(const std::vector<QString>& labels) {
    PrecisionCategories c;
    for (const QString& label : labels)
        if (!label.isEmpty() && !c.names.contains(label))
            c.names << label;
    std::sort(c.names.begin(), c.names.end(), precisionBefore);
    c.category.reserve(labels.size());
    for (const QString& label : labels)
        c.category.push_back(label.isEmpty() ? -1 : int(c.names.indexOf(label)));
    return c;
}

} // namespace tcw::models
