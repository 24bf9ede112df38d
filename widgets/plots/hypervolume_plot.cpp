// Hypervolume plot: one step line over a linear evaluations axis and a linear [0, max] axis.
#include "hypervolume_plot.h"

#include "plot_painting.h"

#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>

#include <algorithm>

namespace tcw::widgets {

HypervolumePlot::HypervolumePlot(QWidget* parent) : PlotWidget(parent) {
    setObjectName(QStringLiteral("hypervolumePlot"));
    setExportName(QStringLiteral("hypervolume-evaluations"));
    setMouseTracking(true);
    setToolTip(tr("Hypervolume of the acceptable trials against evaluations: it rises whenever the front improves"));
}

void HypervolumePlot::addPoint(int evaluations, double hypervolume) {
    if (!m_points.isEmpty() && evaluations < m_points.back().x())
        m_points.clear();
    if (!m_points.isEmpty() && evaluations == m_points.back().x())
        m_points.back().setY(hypervolume);
    else
        m_points.append(QPointF(evaluations, hypervolume));
    m_budget = std::max(m_budget, evaluations);
    update();
}

void HypervolumePlot::clear() {
    m_points.clear();
    update();
}

void HypervolumePlot::setBudget(int budget) {
    m_budget = std::max(1, budget);
    update();
}

QRectF HypervolumePlot::plotRect(const QRectF& rect) const {
    const plotting::Margins m;
    return QRectF(rect.left() + m.left, rect.top() + m.top, rect.width() - m.left - m.right,
                  rect.height() - m.top - m.bottom);
}

void HypervolumePlot::render(QPainter& painter, const QRectF& rect, bool forExport) const {
    const plotting::Chrome chrome = plotting::chromeFor(palette(), forExport);
    painter.fillRect(rect, chrome.background);
    painter.setRenderHint(QPainter::Antialiasing);
    double top = 0;
    for (const QPointF& p : m_points)
        top = std::max(top, p.y());
    plotting::Frame frame{plotRect(rect), models::AxisScale{0, double(m_budget), false},
                          models::AxisScale{0, top > 0 ? top * 1.1 : 1.0, false}};
    painter.fillRect(frame.plot, chrome.plotBackground);
    plotting::drawGrid(painter, frame, chrome);

    QFont bold = font();
    bold.setBold(true);
    painter.setFont(bold);
    painter.setPen(chrome.text);
    painter.drawText(QPointF(rect.left() + 2, rect.top() + QFontMetricsF(bold).ascent() + 2),
                     tr("Hypervolume against evaluations"));
    painter.setFont(font());

    if (m_points.isEmpty()) {
        painter.setPen(chrome.mutedText);
        painter.drawText(frame.plot, Qt::AlignCenter, tr("Start a search to see its hypervolume grow"));
    } else {
        // A step line: the hypervolume holds until the next report.
        QPainterPath path;
        path.moveTo(frame.px(m_points.front().x()), frame.py(m_points.front().y()));
        for (int i = 1; i < m_points.size(); ++i) {
            path.lineTo(frame.px(m_points[i].x()), frame.py(m_points[i - 1].y()));
            path.lineTo(frame.px(m_points[i].x()), frame.py(m_points[i].y()));
        }
        painter.save();
        painter.setClipRect(frame.plot.adjusted(-2, -2, 2, 2));
        const QColor line = forExport ? QColor(0x00, 0x72, 0xb2) : palette().color(QPalette::Highlight);
        painter.setPen(QPen(line, 2));
        painter.drawPath(path);
        painter.setBrush(line);
        painter.drawEllipse(QPointF(frame.px(m_points.back().x()), frame.py(m_points.back().y())), 3, 3);
        painter.restore();
    }
    plotting::drawAxes(painter, frame, chrome, tr("Evaluations"), tr("Hypervolume"));
}

void HypervolumePlot::mouseMoveEvent(QMouseEvent* event) {
    PlotWidget::mouseMoveEvent(event);
    const QRectF plot = plotRect(rect());
    if (m_points.isEmpty() || !plot.contains(event->position())) {
        QToolTip::hideText();
        return;
    }
    const double evaluations = (event->position().x() - plot.left()) / plot.width() * m_budget;
    // The last report at or before the pointer.
    auto it = std::upper_bound(m_points.begin(), m_points.end(), evaluations,
                               [](double e, const QPointF& p) { return e < p.x(); });
    if (it == m_points.begin())
        return;
    const QPointF p = *(it - 1);
    QToolTip::showText(
        event->globalPosition().toPoint(),
        tr("%1 evaluations: hypervolume %2").arg(QLocale().toString(int(p.x())), QLocale().toString(p.y(), 'f', 4)),
        this);
}

} // namespace tcw::widgets
