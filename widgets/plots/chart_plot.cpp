// Chart plot: one buildChart() for the live QChartView and for files.
#include "chart_plot.h"

#include <QAbstractBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCursor>
#include <QEvent>
#include <QGraphicsLayout>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QLegend>
#include <QPainter>
#include <QTimer>
#include <QToolTip>
#include <QVBoxLayout>
#include <QXYSeries>
#include <QtGlobal>

#include <algorithm>

namespace tcw::widgets {

namespace charts {
void prepareChart(QChart& chart, const plotting::Chrome& chrome, const QFont& font, const QString& title) {
    chart.setAnimationOptions(QChart::NoAnimation);
    chart.setBackgroundRoundness(0);
    chart.setBackgroundBrush(chrome.background);
    chart.setBackgroundPen(Qt::NoPen);
    chart.setPlotAreaBackgroundBrush(chrome.plotBackground);
    chart.setPlotAreaBackgroundPen(QPen(chrome.axis, 1));
    chart.setPlotAreaBackgroundVisible(true);
    chart.setMargins(QMargins(4, 2, 8, 2));
    chart.layout()->setContentsMargins(0, 0, 0, 0);
    QFont bold = font;
    bold.setBold(true);
    chart.setTitleFont(bold);
    chart.setTitleBrush(chrome.text);
    chart.setTitle(title);
    QLegend* legend = chart.legend();
    legend->setAlignment(Qt::AlignTop);
    legend->setLabelColor(chrome.text);
    legend->setFont(plotting::smallFont(font));
    legend->setBackgroundVisible(false);
    legend->setMarkerShape(QLegend::MarkerShapeFromSeries);
}
} // namespace charts

ChartPlot::ChartPlot(QWidget* parent) : PlotWidget(parent), m_view(new QChartView(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setFrameShape(QFrame::NoFrame);
    m_view->setMouseTracking(true);
    // The view passes the right button on, so the plot's context menu (Export Plot…) opens.
    m_view->setContextMenuPolicy(Qt::NoContextMenu);
    scheduleRebuild();
}

ChartPlot::~ChartPlot() = default;

QChart* ChartPlot::chart() const {
    if (m_pending)
        const_cast<ChartPlot*>(this)->rebuild();
    return m_view->chart();
}

void ChartPlot::scheduleRebuild() {
    if (m_pending)
        return;
    m_pending = true;
    // At most ten rebuilds a second: a search reporting every trial, or a training run, then
    // costs the GUI thread one rebuild per 100 ms however fast the reports come.
    const qint64 since = m_sinceRebuild.isValid() ? m_sinceRebuild.elapsed() : 1000;
    QTimer::singleShot(int(std::max<qint64>(0, 100 - since)), this, [this] {
        if (m_pending)
            rebuild();
    });
}

void ChartPlot::rebuild() const {
    auto* self = const_cast<ChartPlot*>(this);
    m_pending = false;
    self->m_sinceRebuild.start();
    auto* chart = new QChart;
    chart->resize(m_view->size());
    buildChart(*chart, plotting::chromeFor(palette(), false), false);
    QChart* old = m_view->chart();
    m_view->setChart(chart); // the view owns the new chart and lets go of the old one
    delete old;
    self->connectHover(*chart);
    if (const QString message = emptyMessage(); !message.isEmpty()) {
        auto* item = new QGraphicsSimpleTextItem(message, chart);
        item->setBrush(plotting::chromeFor(palette(), false).mutedText);
        item->setFont(font());
        placeMessage(*chart, item);
        connect(chart, &QChart::plotAreaChanged, self, [this, chart, item] { placeMessage(*chart, item); });
    }
}

void ChartPlot::placeMessage(QChart& chart, QGraphicsSimpleTextItem* item) const {
    const QRectF area = chart.plotArea();
    const QRectF box = item->boundingRect();
    item->setPos(area.center() - QPointF(box.width() / 2, box.height() / 2));
}

void ChartPlot::connectHover(QChart& chart) {
    for (QAbstractSeries* series : chart.series()) {
        if (auto* xy = qobject_cast<QXYSeries*>(series)) {
            connect(xy, &QXYSeries::hovered, this, [this, xy](const QPointF& point, bool state) {
                const QString text = state ? pointToolTip(xy, point) : QString();
                if (text.isEmpty())
                    QToolTip::hideText();
                else
                    QToolTip::showText(QCursor::pos(), text, m_view);
            });
        } else if (auto* bars = qobject_cast<QAbstractBarSeries*>(series)) {
            connect(bars, &QAbstractBarSeries::hovered, this, [this](bool state, int index, QBarSet* set) {
                const QString text = state ? barToolTip(set, index) : QString();
                if (text.isEmpty())
                    QToolTip::hideText();
                else
                    QToolTip::showText(QCursor::pos(), text, m_view);
            });
        }
    }
}

QString ChartPlot::pointToolTip(const QAbstractSeries*, QPointF) const {
    return {};
}

QString ChartPlot::barToolTip(const QBarSet*, int) const {
    return {};
}

void ChartPlot::render(QPainter& painter, const QRectF& rect, bool forExport) const {
    // A chart of its own, in a scene of its own, at the target's size: the live one keeps its
    // size and colours.
    QGraphicsScene scene;
    auto* chart = new QChart; // owned by the scene
    scene.addItem(chart);
    chart->resize(rect.size());
    buildChart(*chart, plotting::chromeFor(palette(), forExport), forExport);
    if (const QString message = emptyMessage(); !message.isEmpty()) {
        auto* item = new QGraphicsSimpleTextItem(message, chart);
        item->setBrush(plotting::chromeFor(palette(), forExport).mutedText);
        item->setFont(font());
        chart->layout()->activate();
        placeMessage(*chart, item);
    }
    chart->layout()->activate();
    scene.setSceneRect(QRectF(QPointF(0, 0), rect.size()));
    scene.render(&painter, rect, scene.sceneRect());
}

void ChartPlot::paintEvent(QPaintEvent*) {
    // The chart view covers the widget.
}

void ChartPlot::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange)
        scheduleRebuild();
    PlotWidget::changeEvent(event);
}

} // namespace tcw::widgets
