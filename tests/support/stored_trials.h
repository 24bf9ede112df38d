// Test support: a search's trials as another program sees them in a workspace file — one
// row per trial (position, round, encoding, objective values, prediction and the
// evaluation's metrics, "null" for missing values), read through a read-only connection.
// Shared by the CLI search tests and the Search panel tests, which compare such rows.
#pragma once

#include "store/sqlite.h"

#include <QString>
#include <QStringList>

#include <cmath>
#include <utility>
#include <vector>

namespace tcw::testing {

enum class Trials { All, LatestSearch };

inline QStringList storedTrialRows(const QString& path, Trials which = Trials::All) {
    store::Database db = store::Database::open(path.toStdString(), store::Database::Mode::ReadOnly);
    store::Statement s = db.prepare(
        std::string("SELECT t.position, t.iteration, t.encoding_json, t.objectives_json, t.prediction_json, e.cycles, "
                    "e.energy_dynamic_nj, e.energy_leakage_nj, e.area_mm2, e.accuracy, e.accuracy_source, "
                    "e.accuracy_stddev FROM trials t JOIN evaluations e ON e.id = t.evaluation_id ") +
        (which == Trials::LatestSearch ? "WHERE t.search_id = (SELECT max(id) FROM searches) " : "") +
        "ORDER BY t.position");
    QStringList rows;
    while (s.step()) {
        QStringList cells;
        for (int c = 0; c < s.columnCount(); ++c)
            cells << QString::fromStdString(s.isNull(c) ? "null" : s.text(c));
        rows << cells.join('|');
    }
    return rows;
}

// The hypervolume stored with each trial (issue 18), as (position, value) in position order;
// NaN where the column is NULL.
inline std::vector<std::pair<qint64, double>> storedHypervolumes(const QString& path, Trials which = Trials::All) {
    store::Database db = store::Database::open(path.toStdString(), store::Database::Mode::ReadOnly);
    store::Statement s =
        db.prepare(std::string("SELECT position, hypervolume FROM trials ") +
                   (which == Trials::LatestSearch ? "WHERE search_id = (SELECT max(id) FROM searches) " : "") +
                   "ORDER BY position");
    std::vector<std::pair<qint64, double>> out;
    while (s.step())
        out.emplace_back(s.int64(0), s.isNull(1) ? std::nan("") : s.real(1));
    return out;
}

// How many trials a workspace holds; 0 while the file is not created or its schema is being
// written (a test polling a running `tcw search` before it kills it).
inline int committedTrials(const QString& path) {
    try {
        store::Database db = store::Database::open(path.toStdString(), store::Database::Mode::ReadOnly);
        store::Statement s = db.prepare("SELECT count(*) FROM trials");
        return s.step() ? static_cast<int>(s.int64(0)) : 0;
    } catch (const store::SqliteError&) {
        return 0;
    }
}

} // namespace tcw::testing
