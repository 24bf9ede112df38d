// The workspace's designs as a table: one row per design with its latest evaluation in the
// explorer's mode. The one model of designs that the table, the plots, the parallel
// coordinates and the editors share (with one QItemSelectionModel over it).
#pragma once

#include "design_traits.h"
#include "front_analysis.h"
#include "objective.h"
#include "store/records.h"

#include <QAbstractTableModel>
#include <QSet>

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace tcw::models {

// Where an evaluation's hardware metrics come from, for people: "simulated (elector)",
// "predicted ± 8 % (…)", "" when it has none. The table, the plot's hover text and the filter
// all say it this way.
QString provenanceText(const store::EvaluationRecord& evaluation);
// Whether the marker of such an evaluation is drawn filled (simulated, measured, published)
// rather than hollow (predicted: an estimate, not a computation or a measurement).
bool provenanceIsFirmNumber(store::MetricsProvenance provenance);

class DesignTableModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column {
        NameColumn,
        KindColumn,
        AccuracyColumn,
        LatencyColumn,
        EnergyColumn,
        AreaColumn,
        PeakPowerColumn,
        FeasibleColumn,
        AccuracySourceColumn,
        CostModelColumn,
        CreatedColumn,
        IdColumn,
        ParetoRankColumn,     // rank in the plotted two objectives among eligible designs: 1 = front
        InExportSetColumn,    // checkable: the design is in the export set
        AccuracyStdDevColumn, // the accuracy's uncertainty (a surrogate's σ), in points
        LayersColumn,
        ParametersColumn,
        PeCountColumn,
        MultipliersColumn,
        BatchColumn,
        BufferColumn,
        MainMemoryColumn,
        ProvenanceColumn, // where the hardware metrics come from: simulated, measured, predicted, published
        TargetKindColumn, // the kind of hardware target: "elector", … ("" for a lone transformer)
        PrecisionColumn,  // issue 15: the model's precision, "f32", "w1a8", "mixed" ("" for a lone accelerator)
        ColumnCount
    };

    enum Role {
        SortRole = Qt::UserRole + 1, // numbers as double (missing: NaN), text as QString
        DesignIdRole,                // qint64
        DesignKindRole,              // int(store::DesignKind)
        EvaluatedRole,               // bool: the row has an evaluation in the current mode
        ExportRole,                  // full-precision numbers in display units, "" when missing
        ParetoRankRole,              // int: 0 on the front, -1 when not ranked (the column shows 1 for the front)
        EligibleRole,                // bool: shown, evaluated, feasible and within every constraint
    };

    explicit DesignTableModel(QObject* parent = nullptr);

    // traits: one per design (or none); rows keep the export set of designs that stay.
    void setDesigns(std::vector<store::DesignSummary> designs, std::vector<DesignTraits> traits = {});
    // Designs added after the current ones (a search streaming its trials in): inserted rows,
    // not a reset, so views keep their selection and scroll position and a sorting proxy
    // places only the new rows; the earlier rows whose Pareto rank changed are refreshed.
    // traits: one per new design, or none (only when the model holds no traits either).
    void appendDesigns(std::vector<store::DesignSummary> designs, std::vector<DesignTraits> traits = {});
    // (design id, latest evaluation id or -1) per row: what a refresh compares to tell an
    // extension from a change. Evaluations are never changed once stored.
    std::vector<std::pair<qint64, qint64>> rowKeys() const;
    const std::vector<store::DesignSummary>& designs() const { return m_designs; }

    // What the Pareto rank and the eligibility mean: the two plotted objectives and the
    // constraint bounds. Ranks are recomputed (O(n log n)) and the rank column refreshed.
    void setFront(Objective x, Objective y, const std::vector<ObjectiveBound>& bounds);
    // Which rows the views show (the filter's verdict on a row of this model). Ranks, the front,
    // eligibility and a what-if point's dominance count only those rows: a hidden design is
    // never ranked, drawn on the front or counted. Without one every row is shown.
    void setRowFilter(std::function<bool(int row)> shown);
    // The filter behind the row filter changed: ranks and eligibility recomputed.
    void refilter();
    bool isShown(int row) const { return !m_rowFilter || m_rowFilter(row); }
    Objective frontX() const { return m_frontX; }
    Objective frontY() const { return m_frontY; }
    const std::vector<ObjectiveBound>& bounds() const { return m_bounds; }
    AxisSense frontSense() const;

    // Column-wise values in display units (NaN when missing), for plots: by row. Latency and
    // energy are per sequence while perSequence() (an ELECTOR design's / its batch size; NaN
    // when its batch size is unknown): one unit across kinds, as a union search compares them.
    const std::vector<double>& values(Objective objective) const;
    // True when an evaluated design's target is not an ELECTOR accelerator (bat, device): the
    // designs mix kinds, so latency and energy are shown per sequence (core/search/
    // objective_units.h). An ELECTOR-only workspace stays per batch, as it always was.
    bool perSequence() const { return m_perSequence; }
    // The column and axis title of an objective: "Latency per sequence (ms)" while perSequence().
    QString objectiveTitle(Objective objective) const;
    const std::vector<int>& paretoRanks() const { return m_ranks; }
    const std::vector<bool>& eligible() const { return m_eligible; }
    bool isFeasible(int row) const;
    // Where an evaluation (e.g. of an edited design) would stand against the eligible rows in
    // the plotted objectives.
    Dominance dominanceOf(const store::EvaluationRecord& evaluation) const;

    // The export set: designs chosen for File ▸ Export Selected (kept across reloads).
    const QSet<qint64>& exportSet() const { return m_exportSet; }
    void setInExportSet(const QList<int>& rows, bool in);
    void toggleExportSet(const QList<int>& rows); // all in → all out; otherwise all in
    void clearExportSet();
    const store::DesignSummary* designAt(int row) const;
    int rowOfDesign(std::int64_t designId) const; // -1 when absent
    int evaluatedCount() const;

    static Column columnOf(Objective objective);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

signals:
    void exportSetChanged(int size);
    void frontChanged(); // ranks or eligibility recomputed

private:
    void recomputeFront();
    void assignValues(std::size_t first); // m_values for rows first… from m_designs
    void emitColumnChanged(int column);
    QVariant displayData(int row, int column) const;
    QVariant sortData(int row, int column) const;
    QVariant toolTipData(int row, int column) const;
    double traitValue(int row, int column) const; // NaN when unknown
    static bool isNumericColumn(int column);

    std::vector<store::DesignSummary> m_designs;
    std::vector<DesignTraits> m_traits;          // empty or one per design
    std::array<std::vector<double>, 5> m_values; // by Objective
    bool m_perSequence = false;                  // see perSequence()
    bool mixesKinds() const;
    double rowValue(std::size_t row, Objective objective) const; // display unit, per sequence when mixed
    std::vector<int> m_ranks;
    std::vector<bool> m_eligible;
    Objective m_frontX = Objective::Latency;
    Objective m_frontY = Objective::Accuracy;
    std::vector<ObjectiveBound> m_bounds;
    QSet<qint64> m_exportSet;
    std::function<bool(int)> m_rowFilter;
};

} // namespace tcw::models
