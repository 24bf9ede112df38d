// Design table model: formatting with units, raw values for sorting, provenance cues.
#include "design_table_model.h"

#include <QColor>
#include <QDateTime>
#include <QFont>
#include <QLocale>

#include <algorithm>
#include <cmath>
#include <limits>

namespace tcw::models {

namespace {
std::optional<Objective> objectiveOfColumn(int column) {
    switch (column) {
    case DesignTableModel::AccuracyColumn:
        return Objective::Accuracy;
    case DesignTableModel::LatencyColumn:
        return Objective::Latency;
    case DesignTableModel::EnergyColumn:
        return Objective::Energy;
    case DesignTableModel::AreaColumn:
        return Objective::Area;
    case DesignTableModel::PeakPowerColumn:
        return Objective::PeakPower;
    default:
        return std::nullopt;
    }
}

QString kindLabel(store::DesignKind kind) {
    switch (kind) {
    case store::DesignKind::Transformer:
        return DesignTableModel::tr("Transformer");
    case store::DesignKind::Accelerator:
        return DesignTableModel::tr("Accelerator");
    case store::DesignKind::Pair:
        return DesignTableModel::tr("Co-design");
    }
    return {};
}

QString formatNumber(double value) {
    // Four significant digits: enough to tell designs apart, short enough to scan a column.
    return formatMetric(value);
}

QString localTime(const std::string& isoUtc) {
    const QDateTime t = QDateTime::fromString(QString::fromStdString(isoUtc), Qt::ISODateWithMs);
    return t.isValid() ? QLocale().toString(t.toLocalTime(), QLocale::ShortFormat) : QString::fromStdString(isoUtc);
}
} // namespace

QString provenanceText(const store::EvaluationRecord& e) {
    QString text = QString::fromUtf8(store::metricsProvenanceName(e.provenance));
    if (text.isEmpty())
        return text;
    if (e.metricsStdDevFraction)
        text += DesignTableModel::tr(" ± %1 %").arg(formatNumber(*e.metricsStdDevFraction * 100));
    if (!e.costModel.empty())
        text += QStringLiteral(" (%1)").arg(QString::fromStdString(e.costModel));
    return text;
}

bool provenanceIsFirmNumber(store::MetricsProvenance provenance) {
    return provenance != store::MetricsProvenance::Predicted;
}

DesignTableModel::DesignTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void DesignTableModel::setDesigns(std::vector<store::DesignSummary> designs, std::vector<DesignTraits> traits) {
    beginResetModel();
    m_designs = std::move(designs);
    m_traits = traits.size() == m_designs.size() ? std::move(traits) : std::vector<DesignTraits>{};
    assignValues(0);
    QSet<qint64> kept;
    for (const auto& d : m_designs)
        if (m_exportSet.contains(d.design.id))
            kept.insert(d.design.id);
    const bool exportChanged = kept.size() != m_exportSet.size();
    m_exportSet = std::move(kept);
    recomputeFront();
    endResetModel();
    emit frontChanged();
    if (exportChanged)
        emit exportSetChanged(int(m_exportSet.size()));
}

std::vector<std::pair<qint64, qint64>> DesignTableModel::rowKeys() const {
    std::vector<std::pair<qint64, qint64>> keys;
    keys.reserve(m_designs.size());
    for (const auto& d : m_designs)
        keys.emplace_back(d.design.id, d.latest ? d.latest->id : -1);
    return keys;
}

void DesignTableModel::appendDesigns(std::vector<store::DesignSummary> designs, std::vector<DesignTraits> traits) {
    if (designs.empty())
        return;
    const std::size_t first = m_designs.size();
    const bool withTraits = traits.size() == designs.size() && m_traits.size() == first;
    beginInsertRows({}, int(first), int(first + designs.size()) - 1);
    m_designs.insert(m_designs.end(), std::make_move_iterator(designs.begin()), std::make_move_iterator(designs.end()));
    if (withTraits)
        m_traits.insert(m_traits.end(), std::make_move_iterator(traits.begin()), std::make_move_iterator(traits.end()));
    else
        m_traits.clear(); // all rows have traits, or none
    assignValues(first);
    const std::vector<int> before = m_ranks;
    recomputeFront();
    endInsertRows();
    // The earlier rows whose rank the new designs changed.
    std::size_t lo = first, hi = 0;
    for (std::size_t i = 0; i < first; ++i)
        if (before[i] != m_ranks[i]) {
            lo = std::min(lo, i);
            hi = i;
        }
    if (lo < first)
        emit dataChanged(index(int(lo), ParetoRankColumn), index(int(hi), ParetoRankColumn));
    emit frontChanged();
}

bool DesignTableModel::mixesKinds() const {
    return std::any_of(m_designs.begin(), m_designs.end(), [](const store::DesignSummary& d) {
        return d.latest && (d.design.targetKind == "bat" || d.design.targetKind == "device");
    });
}

double DesignTableModel::rowValue(std::size_t i, Objective objective) const {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const store::DesignSummary& d = m_designs[i];
    if (!d.latest)
        return nan;
    const double value = objectiveValue(*d.latest, objective).value_or(nan);
    if (!m_perSequence || !objectiveHasSequenceBasis(objective) || d.design.targetKind != "elector")
        return value; // bat designs and device rows are per sequence already
    // An ELECTOR design's evaluation is of one batch: per sequence, / its batch size; unknown
    // batch size: absent, never a per-batch number under a per-sequence title.
    const std::optional<int> batch = i < m_traits.size() ? m_traits[i].batchSize : std::nullopt;
    return batch && *batch > 0 ? value / *batch : nan;
}

void DesignTableModel::assignValues(std::size_t first) {
    const bool perSequence = mixesKinds();
    const bool unitChanged = perSequence != m_perSequence;
    m_perSequence = perSequence;
    if (unitChanged)
        first = 0; // every row in the new unit
    for (const ObjectiveInfo& info : allObjectives()) {
        std::vector<double>& column = m_values[std::size_t(info.objective)];
        column.resize(m_designs.size(), std::numeric_limits<double>::quiet_NaN());
        for (std::size_t i = first; i < m_designs.size(); ++i)
            column[i] = rowValue(i, info.objective);
    }
    if (unitChanged && first < m_designs.size()) {
        emit headerDataChanged(Qt::Horizontal, LatencyColumn, EnergyColumn);
        if (!m_designs.empty())
            emit dataChanged(index(0, LatencyColumn), index(rowCount() - 1, EnergyColumn));
    }
}

QString DesignTableModel::objectiveTitle(Objective objective) const {
    return models::objectiveTitle(objective, m_perSequence);
}

void DesignTableModel::setFront(Objective x, Objective y, const std::vector<ObjectiveBound>& bounds) {
    if (x == m_frontX && y == m_frontY && bounds == m_bounds)
        return;
    m_frontX = x;
    m_frontY = y;
    m_bounds = bounds;
    recomputeFront();
    emitColumnChanged(ParetoRankColumn);
    emit frontChanged();
}

void DesignTableModel::setRowFilter(std::function<bool(int)> shown) {
    m_rowFilter = std::move(shown);
    refilter();
}

void DesignTableModel::refilter() {
    const std::vector<int> before = m_ranks;
    recomputeFront();
    if (before != m_ranks)
        emitColumnChanged(ParetoRankColumn);
    emit frontChanged();
}

AxisSense DesignTableModel::frontSense() const {
    return {objectiveInfo(m_frontX).higherIsBetter, objectiveInfo(m_frontY).higherIsBetter};
}

void DesignTableModel::recomputeFront() {
    const std::size_t n = m_designs.size();
    m_eligible.assign(n, false);
    for (std::size_t i = 0; i < n; ++i) {
        if (!m_designs[i].latest || !m_designs[i].latest->feasible || !isShown(int(i)))
            continue;
        bool ok = true;
        for (const ObjectiveBound& b : m_bounds)
            ok = ok && meetsBound(m_values[std::size_t(b.objective)][i], b);
        m_eligible[i] = ok;
    }
    m_ranks = paretoRanks2D(values(m_frontX), values(m_frontY), frontSense(), m_eligible);
}

void DesignTableModel::emitColumnChanged(int column) {
    if (!m_designs.empty())
        emit dataChanged(index(0, column), index(rowCount() - 1, column));
}

const std::vector<double>& DesignTableModel::values(Objective objective) const {
    return m_values[std::size_t(objective)];
}

bool DesignTableModel::isFeasible(int row) const {
    const auto* d = designAt(row);
    return d && d->latest && d->latest->feasible;
}

Dominance DesignTableModel::dominanceOf(const store::EvaluationRecord& evaluation) const {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    // Per sequence, an evaluation alone (no design, so no batch size) is not comparable in
    // latency or energy: absent rather than a per-batch number among per-sequence ones.
    const auto comparable = [&](Objective o) { return !m_perSequence || !objectiveHasSequenceBasis(o); };
    return dominanceAgainst(comparable(m_frontX) ? objectiveValue(evaluation, m_frontX).value_or(nan) : nan,
                            comparable(m_frontY) ? objectiveValue(evaluation, m_frontY).value_or(nan) : nan,
                            values(m_frontX), values(m_frontY), frontSense(), m_eligible);
}

void DesignTableModel::setInExportSet(const QList<int>& rows, bool in) {
    bool changed = false;
    for (int row : rows) {
        const auto* d = designAt(row);
        if (!d)
            continue;
        const bool was = m_exportSet.contains(d->design.id);
        if (was == in)
            continue;
        if (in)
            m_exportSet.insert(d->design.id);
        else
            m_exportSet.remove(d->design.id);
        changed = true;
        const QModelIndex cell = index(row, InExportSetColumn);
        emit dataChanged(cell, cell, {Qt::CheckStateRole, Qt::DisplayRole, SortRole});
    }
    if (changed)
        emit exportSetChanged(int(m_exportSet.size()));
}

void DesignTableModel::toggleExportSet(const QList<int>& rows) {
    bool allIn = !rows.isEmpty();
    for (int row : rows)
        if (const auto* d = designAt(row); d && !m_exportSet.contains(d->design.id))
            allIn = false;
    setInExportSet(rows, !allIn);
}

void DesignTableModel::clearExportSet() {
    if (m_exportSet.isEmpty())
        return;
    m_exportSet.clear();
    emitColumnChanged(InExportSetColumn);
    emit exportSetChanged(0);
}

Qt::ItemFlags DesignTableModel::flags(const QModelIndex& index) const {
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.isValid() && index.column() == InExportSetColumn)
        f |= Qt::ItemIsUserCheckable;
    return f;
}

bool DesignTableModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) ||
        index.column() != InExportSetColumn || role != Qt::CheckStateRole)
        return false;
    setInExportSet({index.row()}, Qt::CheckState(value.toInt()) == Qt::Checked);
    return true;
}

const store::DesignSummary* DesignTableModel::designAt(int row) const {
    return row >= 0 && row < int(m_designs.size()) ? &m_designs[std::size_t(row)] : nullptr;
}

int DesignTableModel::rowOfDesign(std::int64_t designId) const {
    // Rows are in id order (the store returns them so): binary search.
    auto it = std::lower_bound(m_designs.begin(), m_designs.end(), designId,
                               [](const store::DesignSummary& s, std::int64_t id) { return s.design.id < id; });
    if (it != m_designs.end() && it->design.id == designId)
        return int(it - m_designs.begin());
    for (std::size_t i = 0; i < m_designs.size(); ++i) // rows set out of order by a caller
        if (m_designs[i].design.id == designId)
            return int(i);
    return -1;
}

int DesignTableModel::evaluatedCount() const {
    return int(std::count_if(m_designs.begin(), m_designs.end(), [](const auto& s) { return s.latest.has_value(); }));
}

DesignTableModel::Column DesignTableModel::columnOf(Objective objective) {
    switch (objective) {
    case Objective::Accuracy:
        return AccuracyColumn;
    case Objective::Latency:
        return LatencyColumn;
    case Objective::Energy:
        return EnergyColumn;
    case Objective::Area:
        return AreaColumn;
    case Objective::PeakPower:
        return PeakPowerColumn;
    }
    return NameColumn;
}

int DesignTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_designs.size());
}

int DesignTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DesignTableModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const store::DesignSummary& row = m_designs[std::size_t(index.row())];
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return displayData(index.row(), column);
    case SortRole:
        return sortData(index.row(), column);
    case Qt::ToolTipRole:
        return toolTipData(index.row(), column);
    case DesignIdRole:
        return qint64(row.design.id);
    case DesignKindRole:
        return int(row.design.kind);
    case EvaluatedRole:
        return row.latest.has_value();
    case ParetoRankRole:
        return m_ranks.empty() ? -1 : m_ranks[std::size_t(index.row())];
    case EligibleRole:
        return !m_eligible.empty() && m_eligible[std::size_t(index.row())];
    case Qt::CheckStateRole:
        if (column == InExportSetColumn)
            return int(m_exportSet.contains(row.design.id) ? Qt::Checked : Qt::Unchecked);
        return {};
    case ExportRole:
        if (const auto objective = objectiveOfColumn(column)) {
            const double value = rowValue(std::size_t(index.row()), *objective);
            return std::isnan(value) ? QString() : QString::number(value, 'g', QLocale::FloatingPointShortest);
        }
        if (column == CreatedColumn)
            return QString::fromStdString(row.design.createdAt);
        if (column == InExportSetColumn)
            return m_exportSet.contains(row.design.id) ? QStringLiteral("yes") : QStringLiteral("no");
        if (const QVariant v = sortData(index.row(), column); v.typeId() == QMetaType::Double)
            return std::isnan(v.toDouble()) ? QString() : QString::number(v.toDouble(), 'g', 17);
        return displayData(index.row(), column);
    case Qt::TextAlignmentRole:
        if (column == InExportSetColumn)
            return int(Qt::AlignCenter);
        if (objectiveOfColumn(column) || isNumericColumn(column))
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return int(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::FontRole:
        // Predicted accuracies are set in italics: a number to trust less than a measured one.
        if (column == AccuracyColumn && row.latest && row.latest->accuracySource == store::AccuracySource::Predicted) {
            QFont font;
            font.setItalic(true);
            return font;
        }
        return {};
    case Qt::ForegroundRole:
        if (row.latest && !row.latest->feasible)
            return QColor(Qt::gray);
        return {};
    default:
        return {};
    }
}

double DesignTableModel::traitValue(int r, int column) const {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    if (std::size_t(r) >= m_traits.size())
        return nan;
    const DesignTraits& t = m_traits[std::size_t(r)];
    auto get = [nan](const auto& v) { return v ? double(*v) : nan; };
    switch (column) {
    case LayersColumn:
        return get(t.layers);
    case ParametersColumn:
        return get(t.parametersM);
    case PeCountColumn:
        return get(t.peCount);
    case MultipliersColumn:
        return get(t.multipliers);
    case BatchColumn:
        return get(t.batchSize);
    case BufferColumn:
        return get(t.bufferMB);
    default:
        return nan;
    }
}

bool DesignTableModel::isNumericColumn(int column) {
    switch (column) {
    case IdColumn:
    case ParetoRankColumn:
    case AccuracyStdDevColumn:
    case LayersColumn:
    case ParametersColumn:
    case PeCountColumn:
    case MultipliersColumn:
    case BatchColumn:
    case BufferColumn:
        return true;
    default:
        return false;
    }
}

QVariant DesignTableModel::displayData(int r, int column) const {
    const store::DesignSummary& row = m_designs[std::size_t(r)];
    if (const auto objective = objectiveOfColumn(column)) {
        if (!row.latest)
            return QStringLiteral("—");
        const double value = rowValue(std::size_t(r), *objective);
        return std::isnan(value) ? QStringLiteral("—") : formatNumber(value);
    }
    switch (column) {
    case NameColumn:
        return QString::fromStdString(row.design.name);
    case KindColumn:
        return kindLabel(row.design.kind);
    case FeasibleColumn:
        if (!row.latest)
            return tr("not evaluated");
        return row.latest->feasible ? tr("yes") : tr("no");
    case InExportSetColumn:
        return QString(); // the check box says it
    case ParetoRankColumn: {
        const int rank = m_ranks.empty() ? -1 : m_ranks[std::size_t(r)];
        return rank < 0 ? QStringLiteral("—") : QString::number(rank + 1); // the front is rank 1
    }
    case AccuracyStdDevColumn:
        return row.latest && row.latest->accuracyStdDev ? formatNumber(*row.latest->accuracyStdDev * 100)
                                                        : QStringLiteral("—");
    case LayersColumn:
    case ParametersColumn:
    case PeCountColumn:
    case MultipliersColumn:
    case BatchColumn:
    case BufferColumn: {
        const double v = traitValue(r, column);
        return std::isnan(v) ? QStringLiteral("—") : formatNumber(v);
    }
    case MainMemoryColumn:
        return std::size_t(r) < m_traits.size() ? m_traits[std::size_t(r)].mainMemory : QString();
    case AccuracySourceColumn:
        return row.latest ? QString::fromUtf8(store::accuracySourceName(row.latest->accuracySource)) : QString();
    case CostModelColumn:
        return row.latest ? QString::fromStdString(row.latest->costModel) : QString();
    case ProvenanceColumn:
        return row.latest ? provenanceText(*row.latest) : QString();
    case TargetKindColumn:
        return QString::fromStdString(row.design.targetKind);
    case PrecisionColumn: // issue 15
        return std::size_t(r) < m_traits.size() ? m_traits[std::size_t(r)].precision : QString();
    case CreatedColumn:
        return localTime(row.design.createdAt);
    case IdColumn:
        return qint64(row.design.id);
    default:
        return {};
    }
}

QVariant DesignTableModel::sortData(int r, int column) const {
    const store::DesignSummary& row = m_designs[std::size_t(r)];
    const double nan = std::numeric_limits<double>::quiet_NaN();
    if (const auto objective = objectiveOfColumn(column))
        return m_values[std::size_t(*objective)][std::size_t(r)];
    switch (column) {
    case ParetoRankColumn: {
        const int rank = m_ranks.empty() ? -1 : m_ranks[std::size_t(r)];
        return rank < 0 ? nan : double(rank + 1);
    }
    case InExportSetColumn:
        return m_exportSet.contains(row.design.id) ? 1.0 : 0.0;
    case AccuracyStdDevColumn:
        return row.latest && row.latest->accuracyStdDev ? *row.latest->accuracyStdDev * 100 : nan;
    case LayersColumn:
    case ParametersColumn:
    case PeCountColumn:
    case MultipliersColumn:
    case BatchColumn:
    case BufferColumn:
        return traitValue(r, column);
    case CreatedColumn:
        return QString::fromStdString(row.design.createdAt); // ISO 8601 sorts as text
    case IdColumn:
        return qint64(row.design.id);
    default:
        return displayData(r, column);
    }
}

QVariant DesignTableModel::toolTipData(int r, int column) const {
    const store::DesignSummary& row = m_designs[std::size_t(r)];
    if (column == ParetoRankColumn) {
        if (!row.latest)
            return tr("Not evaluated in this mode: not ranked");
        if (!row.latest->feasible)
            return tr("Infeasible designs are not ranked");
        if (!isShown(r))
            return tr("Hidden by the filter: not ranked");
        if (m_eligible.empty() || !m_eligible[std::size_t(r)])
            return tr("Outside a constraint: not ranked");
        return m_ranks[std::size_t(r)] == 0
                   ? tr("On the Pareto front of %1 against %2")
                         .arg(objectiveInfo(m_frontY).label, objectiveInfo(m_frontX).label)
                   : tr("Dominated: in front %1 once the better fronts are removed").arg(m_ranks[std::size_t(r)] + 1);
    }
    if (column == InExportSetColumn)
        return tr("Tick to add the design to the export set (Space toggles the selected designs)");
    if (row.latest && !row.latest->feasible && !row.latest->infeasibleReason.empty())
        return tr("Infeasible: %1").arg(QString::fromStdString(row.latest->infeasibleReason));
    if ((column == AccuracyColumn || column == AccuracySourceColumn || column == AccuracyStdDevColumn) && row.latest &&
        row.latest->accuracy) {
        QString text = tr("Accuracy %1 %").arg(formatNumber(*row.latest->accuracy * 100));
        if (row.latest->accuracyStdDev)
            text += tr(" ± %1").arg(formatNumber(*row.latest->accuracyStdDev * 100));
        text += tr(" (%1)").arg(QString::fromUtf8(store::accuracySourceName(row.latest->accuracySource)));
        if (!row.latest->accuracyDetail.empty())
            text += '\n' + QString::fromStdString(row.latest->accuracyDetail);
        return text;
    }
    // A measured device's energy is the whole device's: it has no dynamic / leakage split.
    if (column == EnergyColumn && row.latest && row.latest->energyTotalNJ() && row.latest->costModel == "measured")
        return tr("The whole device's energy, %1 nJ (measured or predicted from measurements; no dynamic / "
                  "leakage split)")
            .arg(formatNumber(*row.latest->energyTotalNJ()));
    if (column == EnergyColumn && row.latest && row.latest->energyTotalNJ())
        return tr("Dynamic %1 nJ + leakage %2 nJ")
            .arg(formatNumber(row.latest->energyDynamicNJ.value_or(0)),
                 formatNumber(row.latest->energyLeakageNJ.value_or(0)));
    if (objectiveOfColumn(column) && !row.latest)
        return tr("Not evaluated in this mode yet");
    if (column == NameColumn)
        return tr("%1 #%2").arg(kindLabel(row.design.kind)).arg(row.design.id);
    return {};
}

QVariant DesignTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (const auto objective = objectiveOfColumn(section)) {
        const ObjectiveInfo& info = objectiveInfo(*objective);
        if (role == Qt::DisplayRole)
            return objectiveTitle(*objective);
        if (role == Qt::ToolTipRole) {
            QString text =
                info.description + ' ' + (info.higherIsBetter ? tr("Higher is better.") : tr("Lower is better."));
            if (m_perSequence && objectiveHasSequenceBasis(*objective))
                text += ' ' + tr("The designs mix target kinds, so this is per sequence: an ELECTOR design's batch "
                                 "figure divided by its batch size; bat designs and measured devices are per "
                                 "sequence already.");
            return text;
        }
        if (role == Qt::TextAlignmentRole)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    }
    if (role == Qt::DisplayRole) {
        switch (section) {
        case NameColumn:
            return tr("Name");
        case KindColumn:
            return tr("Kind");
        case FeasibleColumn:
            return tr("Feasible");
        case AccuracySourceColumn:
            return tr("Accuracy source");
        case CostModelColumn:
            return tr("Cost model");
        case CreatedColumn:
            return tr("Created");
        case IdColumn:
            return tr("ID");
        case ParetoRankColumn:
            return tr("Pareto rank");
        case InExportSetColumn:
            return tr("Export");
        case AccuracyStdDevColumn:
            return tr("Accuracy σ (%)");
        case LayersColumn:
            return tr("Layers");
        case ParametersColumn:
            return tr("Parameters (M)");
        case PeCountColumn:
            return tr("PEs");
        case MultipliersColumn:
            return tr("Multipliers");
        case BatchColumn:
            return tr("Batch");
        case BufferColumn:
            return tr("Buffers (MB)");
        case MainMemoryColumn:
            return tr("Main memory");
        case ProvenanceColumn:
            return tr("Metrics from");
        case TargetKindColumn:
            return tr("Target");
        case PrecisionColumn:
            return tr("Precision");
        }
    }
    if (role == Qt::TextAlignmentRole)
        return int((isNumericColumn(section) ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case NameColumn:
            return tr("The design's name");
        case KindColumn:
            return tr("Transformer, accelerator, or co-design (one of each)");
        case FeasibleColumn:
            return tr("Whether the design fits the accelerator (buffers, tiles); hover a row for the reason");
        case AccuracySourceColumn:
            return tr("Where the accuracy comes from: trained here, predicted by a surrogate, or published");
        case CostModelColumn:
            return tr("The simulator's cost model that produced the metrics");
        case CreatedColumn:
            return tr("When the design was added to the workspace");
        case IdColumn:
            return tr("The design's number in the workspace");
        case ParetoRankColumn:
            return tr("1: on the Pareto front of the plotted objectives (among the shown feasible designs within "
                      "the constraints); 2: on the front once rank 1 is removed; …");
        case InExportSetColumn:
            return tr("Whether the design is in the export set (File ▸ Export); Space toggles the selected rows");
        case AccuracyStdDevColumn:
            return tr("Uncertainty of the accuracy: the surrogate's standard deviation, in percentage points");
        case LayersColumn:
            return tr("Encoder layers of the transformer");
        case ParametersColumn:
            return tr("Trainable parameters of the transformer, in millions (sequence 128, BERT vocabulary)");
        case PeCountColumn:
            return tr("Processing elements of the accelerator");
        case MultipliersColumn:
            return tr("Multipliers of the accelerator: PEs × MAC lanes × MACs per lane");
        case BatchColumn:
            return tr("Sequences the accelerator processes together");
        case BufferColumn:
            return tr("On-chip buffer capacity: activation + weight + mask buffers");
        case MainMemoryColumn:
            return tr("Main memory: type, banks, ranks, channels");
        case ProvenanceColumn:
            return tr("Where latency, energy and area come from: simulated by the cost model, measured on the "
                      "hardware, predicted by a surrogate (± its relative σ) or published");
        case TargetKindColumn:
            return tr("The kind of hardware the design runs on (type target:KIND in the filter to keep one kind)");
        case PrecisionColumn:
            return tr("The model's precision: f32 (every tensor 32-bit float, as every model before precision "
                      "existed), wBaA (B-bit weights, A-bit activations, as tcw train --precision) or mixed "
                      "(per-layer or per-role precisions); type precision:NAME in the filter to keep one");
        }
    }
    return {};
}

QHash<int, QByteArray> DesignTableModel::roleNames() const {
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(SortRole, "sortValue");
    names.insert(DesignIdRole, "designId");
    names.insert(DesignKindRole, "designKind");
    names.insert(EvaluatedRole, "evaluated");
    names.insert(ExportRole, "exportValue");
    names.insert(ParetoRankRole, "paretoRank");
    names.insert(EligibleRole, "eligible");
    return names;
}

} // namespace tcw::models
