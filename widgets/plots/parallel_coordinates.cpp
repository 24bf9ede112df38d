// Parallel coordinates: lines cached in an image, brushes as ranges on the filter proxy.
#include "parallel_coordinates.h"

#include "models/colour_map.h"
#include "models/design_proxy_model.h"
#include "models/design_table_model.h"
#include "models/explorer_settings.h"

#include <QAction>
#include <QFontMetricsF>
#include <QHBoxLayout>
#include <QHelpEvent>
#include <QItemSelectionModel>
#include <QKeyEvent>
#include <QLabel>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QTimer>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace tcw::widgets {

using models::AxisScale;
using models::Objective;
using models::objectiveInfo;

namespace {
constexpr double kAxisGrab = 12; // pixels either side of an axis that start a brush
} // namespace

ParallelCoordinatesPlot::ParallelCoordinatesPlot(models::DesignTableModel* model, models::DesignProxyModel* proxy,
                                                 QItemSelectionModel* selection, models::ExplorerSettings* settings,
                                                 QWidget* parent)
    : PlotWidget(parent), m_model(model), m_proxy(proxy), m_selection(selection), m_settings(settings) {
    setObjectName(QStringLiteral("parallelPlot"));
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(360, 240);
    setExportName(QStringLiteral("parallel-coordinates"));
    setToolTip(tr("Drag along an axis to keep only the designs in that range (a brush); click an axis to clear "
                  "its brush. Click a line to select its design. ←/→ step along the front; Space adds the "
                  "selection to the export set."));
    for (const auto& info : models::allObjectives())
        m_axes.push_back(info.objective);
    m_scales.resize(m_axes.size());
    connect(m_model, &QAbstractItemModel::modelReset, this, &ParallelCoordinatesPlot::rebuild);
    m_rebuildTimer = new QTimer(this);
    m_rebuildTimer->setSingleShot(true);
    m_rebuildTimer->setInterval(0);
    connect(m_rebuildTimer, &QTimer::timeout, this, &ParallelCoordinatesPlot::rebuild);
    // Rows appended (a search streaming its trials in) are drawn in an event of their own
    // after the model's, so the window can answer in between; resets and filters redraw at once.
    connect(m_model, &QAbstractItemModel::rowsInserted, this, [this] { m_appendPending = true; });
    connect(m_model, &models::DesignTableModel::frontChanged, this, [this] {
        if (!m_appendPending) {
            rebuild();
            return;
        }
        m_appendPending = false;
        m_rebuildTimer->start(); // a timer, not a posted call: the event loop's other timers run first
    });
    connect(m_proxy, &models::DesignProxyModel::filterChanged, this, &ParallelCoordinatesPlot::rebuild);
    connect(m_settings, &models::ExplorerSettings::colourObjectiveChanged, this, &ParallelCoordinatesPlot::rebuild);
    connect(m_selection, &QItemSelectionModel::selectionChanged, this, qOverload<>(&QWidget::update));
    connect(m_selection, &QItemSelectionModel::currentChanged, this, qOverload<>(&QWidget::update));
    rebuild();
}

void ParallelCoordinatesPlot::rebuild() {
    const int n = m_model->rowCount();
    m_accepted.assign(std::size_t(n), false);
    for (int i = 0; i < n; ++i)
        m_accepted[std::size_t(i)] = m_proxy->acceptsSourceRow(i);
    for (std::size_t a = 0; a < m_axes.size(); ++a) {
        const auto& values = m_model->values(m_axes[a]);
        double lo = INFINITY, hi = -INFINITY;
        for (double v : values)
            if (std::isfinite(v)) {
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
        const bool logarithmic = m_axes[a] != Objective::Accuracy && lo > 0 && hi / lo >= 100;
        m_scales[a] = models::fittedScale(values, logarithmic, 0.02);
    }
    m_layerValid = false;
    update();
}

void ParallelCoordinatesPlot::clearBrushes() {
    for (Objective o : m_axes)
        m_proxy->setRange(o, std::nullopt);
}

QRectF ParallelCoordinatesPlot::plotRectFor(const QRectF& rect) const {
    return rect.adjusted(70, 48, -70, -30);
}

QRectF ParallelCoordinatesPlot::plotRect() const {
    return plotRectFor(rect());
}

double ParallelCoordinatesPlot::axisXFor(const QRectF& plot, int axis) const {
    const int count = int(m_axes.size());
    return count <= 1 ? plot.center().x() : plot.left() + plot.width() * axis / (count - 1);
}

double ParallelCoordinatesPlot::axisX(int axis) const {
    return axisXFor(plotRect(), axis);
}

double ParallelCoordinatesPlot::valueY(int axis, double value) const {
    const QRectF plot = plotRect();
    return plot.bottom() - m_scales[std::size_t(axis)].toUnit(value) * plot.height();
}

QPolygonF ParallelCoordinatesPlot::lineOf(int row, const QRectF& plot) const {
    QPolygonF line;
    for (std::size_t a = 0; a < m_axes.size(); ++a) {
        const double v = m_model->values(m_axes[a])[std::size_t(row)];
        const double u = m_scales[a].toUnit(v);
        if (std::isnan(u))
            return {};
        line << QPointF(axisXFor(plot, int(a)), plot.bottom() - std::clamp(u, 0.0, 1.0) * plot.height());
    }
    return line;
}

void ParallelCoordinatesPlot::drawLines(QPainter& painter, const QRectF& plot, bool forExport) const {
    const int n = m_model->rowCount();
    const auto& colours = m_model->values(m_settings->colourObjective());
    double lo = INFINITY, hi = -INFINITY;
    for (double v : colours)
        if (std::isfinite(v)) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    models::ColourScale scale;
    scale.setRange(lo, hi, lo > 0 && hi / lo >= 100);
    scale.setFloor(models::palette::isDark(palette().color(QPalette::Base)) ? 0.25 : 0.0); // as the Pareto plot
    // Many lines: thinner and more transparent, so density shows.
    const double alpha = std::clamp(60.0 / std::sqrt(std::max(1, n)), 0.06, 0.7);
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, n < 20000 || forExport);
    QColor grey(150, 150, 150);
    grey.setAlphaF(float(std::min(0.25, alpha)));
    painter.setPen(QPen(grey, 1));
    for (int i = 0; i < n; ++i)
        if (!m_accepted[std::size_t(i)])
            painter.drawPolyline(lineOf(i, plot));
    const auto& ranks = m_model->paretoRanks();
    for (int pass = 0; pass < 2; ++pass) // the front last, so it stays visible
        for (int i = 0; i < n; ++i) {
            if (!m_accepted[std::size_t(i)])
                continue;
            const bool front = std::size_t(i) < ranks.size() && ranks[std::size_t(i)] == 0;
            if ((pass == 1) != front)
                continue;
            QColor c = QColor::fromRgb(scale.colour(colours[std::size_t(i)]));
            c.setAlphaF(float(front ? std::max(0.85, alpha) : alpha));
            painter.setPen(QPen(c, front ? 1.6 : 1));
            painter.drawPolyline(lineOf(i, plot));
        }
    painter.restore();
}

void ParallelCoordinatesPlot::drawAxes(QPainter& painter, const QRectF& plot, const plotting::Chrome& chrome) const {
    const QFont small = plotting::smallFont(painter.font());
    const QFontMetricsF fm(painter.font());
    for (std::size_t a = 0; a < m_axes.size(); ++a) {
        const double x = axisXFor(plot, int(a));
        // Brush band under the axis line.
        if (const auto range = m_proxy->range(m_axes[a])) {
            const double y0 = plot.bottom() - std::clamp(m_scales[a].toUnit(range->hi), 0.0, 1.0) * plot.height();
            const double y1 = plot.bottom() - std::clamp(m_scales[a].toUnit(range->lo), 0.0, 1.0) * plot.height();
            QColor band = models::palette::selection();
            band.setAlpha(70);
            painter.setPen(QPen(models::palette::selection().darker(120), 1));
            painter.setBrush(band);
            painter.drawRect(QRectF(x - 7, y0, 14, y1 - y0));
        }
        if (m_brushAxis == int(a)) {
            QColor band = models::palette::selection();
            band.setAlpha(50);
            painter.setPen(QPen(models::palette::selection(), 1, Qt::DashLine));
            painter.setBrush(band);
            painter.drawRect(QRectF(QPointF(x - 7, m_brushFrom), QPointF(x + 7, m_brushTo)).normalized());
        }
        plotting::drawVerticalAxis(painter, x, plot, m_scales[a], chrome, a + 1 < m_axes.size());
        const QString title = m_model->objectiveTitle(m_axes[a]) + (m_scales[a].logarithmic ? tr(" (log)") : QString());
        painter.setPen(chrome.text);
        painter.setFont(painter.font());
        const double w = fm.horizontalAdvance(title);
        painter.drawText(QPointF(x - w / 2, plot.top() - 24), title);
        painter.save();
        painter.setFont(small);
        painter.setPen(chrome.mutedText);
        const QString better = objectiveInfo(m_axes[a]).higherIsBetter ? tr("↑ better") : tr("↓ better");
        const QFontMetricsF sm(small);
        painter.drawText(QPointF(x - sm.horizontalAdvance(better) / 2, plot.top() - 10), better);
        painter.restore();
    }
}

void ParallelCoordinatesPlot::render(QPainter& painter, const QRectF& rect, bool forExport) const {
    const plotting::Chrome chrome = plotting::chromeFor(palette(), forExport);
    const QRectF plot = plotRectFor(rect);
    if (forExport) {
        painter.fillRect(rect, chrome.background);
        drawLines(painter, plot, true);
    } else {
        const qreal dpr = devicePixelRatioF();
        if (!m_layerValid || m_layer.size() != size() * dpr) {
            m_layer = QImage(size() * dpr, QImage::Format_ARGB32_Premultiplied);
            m_layer.setDevicePixelRatio(dpr);
            m_layer.fill(chrome.background);
            QPainter p(&m_layer);
            drawLines(p, plot, false);
            m_layerValid = true;
        }
        painter.drawImage(QPointF(0, 0), m_layer);
    }
    painter.setRenderHint(QPainter::Antialiasing);
    // The selection on top, thick and orange; the hovered line outlined.
    if (!forExport) {
        for (const QModelIndex& index : m_selection->selectedRows()) {
            if (std::size_t(index.row()) >= m_accepted.size() || !m_accepted[std::size_t(index.row())])
                continue; // hidden by the filter: never drawn
            const bool current = index.row() == m_selection->currentIndex().row();
            painter.setPen(QPen(models::palette::selection(), current ? 3 : 2));
            painter.drawPolyline(lineOf(index.row(), plot));
        }
        if (const int current = drawnCurrentRow(); current >= 0 && !m_selection->isRowSelected(current)) {
            painter.setPen(QPen(models::palette::selection(), 3)); // the current design, even unselected
            painter.drawPolyline(lineOf(current, plot));
        }
        if (m_hover >= 0) {
            painter.setPen(QPen(chrome.text, 1.5, Qt::DashLine));
            painter.drawPolyline(lineOf(m_hover, plot));
        }
    }
    drawAxes(painter, plot, chrome);
    if (m_model->rowCount() == 0) {
        painter.setPen(chrome.mutedText);
        painter.drawText(plot, Qt::AlignCenter, tr("No designs to draw"));
    }
}

int ParallelCoordinatesPlot::drawnCurrentRow() const {
    const QModelIndex current = m_selection->currentIndex();
    if (!current.isValid())
        return -1;
    const auto row = std::size_t(current.row());
    return row < m_accepted.size() && m_accepted[row] ? current.row() : -1;
}

bool ParallelCoordinatesPlot::linesMatchFilter() const {
    const int n = m_model->rowCount();
    if (std::size_t(n) != m_accepted.size())
        return false;
    for (int i = 0; i < n; ++i)
        if (m_accepted[std::size_t(i)] != m_proxy->acceptsSourceRow(i))
            return false;
    return true;
}

int ParallelCoordinatesPlot::axisNear(QPointF pos) const {
    const QRectF plot = plotRect();
    if (pos.y() < plot.top() - 6 || pos.y() > plot.bottom() + 6)
        return -1;
    for (std::size_t a = 0; a < m_axes.size(); ++a)
        if (std::abs(axisX(int(a)) - pos.x()) <= kAxisGrab)
            return int(a);
    return -1;
}

int ParallelCoordinatesPlot::lineAt(QPointF pos, double tolerance) const {
    const QRectF plot = plotRect();
    if (m_axes.size() < 2 || pos.x() < plot.left() || pos.x() > plot.right())
        return -1;
    // The segment between the two axes around pos.x, for every accepted line.
    const double step = plot.width() / double(m_axes.size() - 1);
    const int a = std::min(int(m_axes.size()) - 2, int((pos.x() - plot.left()) / step));
    const double t = (pos.x() - axisX(a)) / step;
    int best = -1;
    double bestDistance = tolerance;
    const auto& left = m_model->values(m_axes[std::size_t(a)]);
    const auto& right = m_model->values(m_axes[std::size_t(a) + 1]);
    for (int i = 0; i < m_model->rowCount(); ++i) {
        if (!m_accepted[std::size_t(i)])
            continue;
        const double y0 = valueY(a, left[std::size_t(i)]), y1 = valueY(a + 1, right[std::size_t(i)]);
        if (std::isnan(y0) || std::isnan(y1))
            continue;
        const double d = std::abs(y0 + t * (y1 - y0) - pos.y());
        if (d < bestDistance) {
            bestDistance = d;
            best = i;
        }
    }
    return best;
}

void ParallelCoordinatesPlot::mousePressEvent(QMouseEvent* event) {
    setFocus(Qt::MouseFocusReason);
    if (event->button() != Qt::LeftButton)
        return PlotWidget::mousePressEvent(event);
    m_pressPos = event->position();
    m_pressed = true;
    m_brushAxis = axisNear(event->position());
    m_brushFrom = m_brushTo = event->position().y();
}

void ParallelCoordinatesPlot::mouseMoveEvent(QMouseEvent* event) {
    if (m_pressed && m_brushAxis >= 0) {
        m_brushTo = std::clamp(event->position().y(), plotRect().top(), plotRect().bottom());
        update();
        return;
    }
    if (m_pressed)
        return;
    const int axis = axisNear(event->position());
    const int hover = axis >= 0 ? -1 : lineAt(event->position());
    setCursor(axis >= 0 ? Qt::SizeVerCursor : hover >= 0 ? Qt::PointingHandCursor : Qt::ArrowCursor);
    if (hover != m_hover) {
        m_hover = hover;
        update();
    }
    if (hover >= 0) {
        QToolTip::showText(event->globalPosition().toPoint(), summaryOf(hover), this);
    } else if (axis >= 0) {
        QToolTip::showText(event->globalPosition().toPoint(),
                           tr("Drag along %1 to brush a range; click to clear its brush")
                               .arg(objectiveInfo(m_axes[std::size_t(axis)]).label),
                           this);
    } else {
        QToolTip::hideText();
    }
}

QString ParallelCoordinatesPlot::summaryOf(int row) const {
    const auto* d = m_model->designAt(row);
    QString text = QStringLiteral("<b>%1</b>").arg(QString::fromStdString(d->design.name).toHtmlEscaped());
    for (Objective o : m_axes) {
        const double v = m_model->values(o)[std::size_t(row)];
        text += QStringLiteral("<br>%1: %2 %3")
                    .arg(objectiveInfo(o).label, std::isnan(v) ? QStringLiteral("—") : models::formatMetric(v),
                         objectiveInfo(o).unit);
    }
    return text;
}

bool ParallelCoordinatesPlot::event(QEvent* event) {
    if (event->type() == QEvent::ToolTip && m_hover >= 0 && m_model->designAt(m_hover)) {
        QToolTip::showText(static_cast<QHelpEvent*>(event)->globalPos(), summaryOf(m_hover), this);
        return true;
    }
    return PlotWidget::event(event);
}

void ParallelCoordinatesPlot::mouseReleaseEvent(QMouseEvent* event) {
    if (!m_pressed)
        return;
    m_pressed = false;
    const int axis = m_brushAxis;
    m_brushAxis = -1;
    if (axis >= 0) {
        const Objective o = m_axes[std::size_t(axis)];
        if (std::abs(m_brushTo - m_brushFrom) < 4) {
            m_proxy->setRange(o, std::nullopt);
            emit statusMessage(tr("Cleared the brush on %1").arg(objectiveInfo(o).label));
        } else {
            const QRectF plot = plotRect();
            const auto& scale = m_scales[std::size_t(axis)];
            const double a = scale.fromUnit((plot.bottom() - m_brushFrom) / plot.height());
            const double b = scale.fromUnit((plot.bottom() - m_brushTo) / plot.height());
            m_proxy->setRange(o, std::pair{std::min(a, b), std::max(a, b)});
            emit statusMessage(tr("Brushed %1: %2 to %3 %4")
                                   .arg(objectiveInfo(o).label, models::formatMetric(std::min(a, b)),
                                        models::formatMetric(std::max(a, b)), objectiveInfo(o).unit));
        }
        update();
        return;
    }
    if (QLineF(m_pressPos, event->position()).length() > 4)
        return;
    const int row = lineAt(event->position());
    if (row < 0) {
        if (!(event->modifiers() & Qt::ControlModifier))
            m_selection->clear();
        return;
    }
    const auto flags =
        (event->modifiers() & Qt::ControlModifier) ? QItemSelectionModel::Toggle : QItemSelectionModel::ClearAndSelect;
    m_selection->setCurrentIndex(m_model->index(row, 0), flags | QItemSelectionModel::Rows);
}

void ParallelCoordinatesPlot::stepAlongFront(int direction) {
    const auto& x = m_model->values(m_settings->xObjective());
    const auto& y = m_model->values(m_settings->yObjective());
    std::vector<std::size_t> order = models::frontInXOrder(x, y, m_model->paretoRanks());
    std::erase_if(order, [this](std::size_t i) { return !m_accepted[i]; });
    if (order.empty())
        return;
    const QModelIndex current = m_selection->currentIndex();
    std::size_t next = direction > 0 ? 0 : order.size() - 1;
    if (current.isValid())
        if (const auto at = std::find(order.begin(), order.end(), std::size_t(current.row())); at != order.end()) {
            const auto pos = std::size_t(at - order.begin());
            next = direction > 0 ? std::min(pos + 1, order.size() - 1) : (pos == 0 ? 0 : pos - 1);
        }
    m_selection->setCurrentIndex(m_model->index(int(order[next]), 0),
                                 QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

void ParallelCoordinatesPlot::keyPressEvent(QKeyEvent* event) {
    switch (event->key()) {
    case Qt::Key_Right:
    case Qt::Key_Up:
        stepAlongFront(+1);
        return;
    case Qt::Key_Left:
    case Qt::Key_Down:
        stepAlongFront(-1);
        return;
    case Qt::Key_Space: {
        QList<int> rows;
        for (const QModelIndex& index : m_selection->selectedRows())
            rows << index.row();
        m_model->toggleExportSet(rows); // the window reports the export set's new size
        return;
    }
    case Qt::Key_Escape:
        clearBrushes();
        return;
    default:
        PlotWidget::keyPressEvent(event);
    }
}

void ParallelCoordinatesPlot::resizeEvent(QResizeEvent* event) {
    m_layerValid = false;
    PlotWidget::resizeEvent(event);
}

QList<QAction*> ParallelCoordinatesPlot::contextActions() {
    if (!m_clearAction) {
        m_clearAction = new QAction(tr("Clear Brushes"), this);
        m_clearAction->setToolTip(tr("Remove the range on every axis (Esc)"));
        connect(m_clearAction, &QAction::triggered, this, &ParallelCoordinatesPlot::clearBrushes);
    }
    m_clearAction->setEnabled(!m_proxy->filter().ranges.empty());
    return {m_clearAction};
}

ParallelCoordinatesView::ParallelCoordinatesView(models::DesignTableModel* model, models::DesignProxyModel* proxy,
                                                 QItemSelectionModel* selection, models::ExplorerSettings* settings,
                                                 QWidget* parent)
    : QWidget(parent), m_plot(new ParallelCoordinatesPlot(model, proxy, selection, settings, this)) {
    setObjectName(QStringLiteral("parallelView"));
    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(6, 4, 6, 0);
    auto* clear = new QToolButton(this);
    clear->setText(tr("Clear brushes"));
    clear->setToolTip(tr("Remove the range on every axis (Esc)"));
    clear->setAutoRaise(true);
    auto* exportButton = new QToolButton(this);
    exportButton->setText(tr("Export…"));
    exportButton->setToolTip(tr("Save the plot as PNG, SVG or PDF"));
    exportButton->setAutoRaise(true);
    m_status = new QLabel(this);
    m_status->setForegroundRole(QPalette::PlaceholderText);
    m_status->setToolTip(tr("How many designs pass the brushes and the filter"));
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_status->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    bar->addWidget(clear);
    bar->addWidget(exportButton);
    bar->addWidget(m_status, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(bar);
    layout->addWidget(m_plot, 1);
    connect(clear, &QToolButton::clicked, m_plot, &ParallelCoordinatesPlot::clearBrushes);
    connect(exportButton, &QToolButton::clicked, m_plot, &PlotWidget::exportWithDialog);
    connect(m_plot, &ParallelCoordinatesPlot::statusMessage, this, &ParallelCoordinatesView::statusMessage);
    auto updateStatus = [this, model, proxy, clear] {
        m_status->setText(tr("%1 of %2 designs pass the brushes and filter")
                              .arg(QLocale().toString(proxy->rowCount()), QLocale().toString(model->rowCount())));
        clear->setEnabled(!proxy->filter().ranges.empty());
    };
    connect(proxy, &models::DesignProxyModel::filterChanged, this, updateStatus);
    connect(model, &QAbstractItemModel::modelReset, this, updateStatus);
    updateStatus();
}

} // namespace tcw::widgets
