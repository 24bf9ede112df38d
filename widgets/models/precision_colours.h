// Issue 15: the explorer's colour by precision. Each design's precision label (DesignTraits::
// precision: "f32", "w1a8", "mixed"; "" for a lone accelerator) becomes a category; the
// categories are ordered f32 first, then by weight bits and activation bits from most to
// fewest, other names, "mixed" last, and category k is drawn in palette::series(k) (eight
// colours; a ninth precision repeats the first colour, its key still names it).
#pragma once

#include <QString>
#include <QStringList>

#include <vector>

namespace tcw::models {

struct PrecisionCategories {
    std::vector<int> category; // per design; −1: no precision (drawn as missing)
    QStringList names;         // the categories present, in key order
};

PrecisionCategories precisionCategories(const std::vector<QString>& labels);

// The key order above (a strict weak order).
bool precisionBefore(const QString& a, const QString& b);

} // namespace tcw::models
