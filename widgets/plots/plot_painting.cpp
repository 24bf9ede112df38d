// Plot chrome: grid, axes, ticks, titles.
#include "plot_painting.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QPalette>

namespace tcw::widgets::plotting {

Chrome chromeFor(const QPalette& palette, bool forExport) {
    if (forExport)
        return {
            Qt::white, Qt::white, QColor(60, 60, 60), QColor(228, 228, 228), QColor(20, 20, 20), QColor(110, 110, 110)};
    const QColor base = palette.color(QPalette::Base);
    const QColor text = palette.color(QPalette::Text);
    QColor grid = text;
    grid.setAlphaF(0.10f);
    QColor muted = text;
    muted.setAlphaF(0.6f);
    return {palette.color(QPalette::Window), base, palette.color(QPalette::Mid).darker(130), grid, text, muted};
}

QFont smallFont(const QFont& base) {
    QFont f = base;
    f.setPointSizeF(base.pointSizeF() * 0.85);
    return f;
}

QString elided(const QFontMetricsF& metrics, const QString& text, double width) {
    return metrics.elidedText(text, Qt::ElideRight, width);
}

void drawGrid(QPainter& painter, const Frame& frame, const Chrome& chrome) {
    painter.save();
    painter.setPen(QPen(chrome.grid, 1));
    for (const auto& t : models::axisTicks(frame.x)) {
        const double x = frame.px(t.value);
        painter.drawLine(QPointF(x, frame.plot.top()), QPointF(x, frame.plot.bottom()));
    }
    for (const auto& t : models::axisTicks(frame.y, 7)) {
        const double y = frame.py(t.value);
        painter.drawLine(QPointF(frame.plot.left(), y), QPointF(frame.plot.right(), y));
    }
    painter.restore();
}

void drawAxes(QPainter& painter, const Frame& frame, const Chrome& chrome, const QString& xTitle,
              const QString& yTitle) {
    painter.save();
    painter.setPen(QPen(chrome.axis, 1));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(frame.plot);
    const QFont small = smallFont(painter.font());
    painter.setFont(small);
    const QFontMetricsF fm(small);
    painter.setPen(chrome.mutedText);
    for (const auto& t : models::axisTicks(frame.x)) {
        const double x = frame.px(t.value);
        painter.drawLine(QPointF(x, frame.plot.bottom()), QPointF(x, frame.plot.bottom() + (t.major ? 4 : 2)));
        if (t.major || frame.x.logarithmic) {
            const double w = fm.horizontalAdvance(t.label);
            painter.drawText(QPointF(x - w / 2, frame.plot.bottom() + 6 + fm.ascent()), t.label);
        }
    }
    for (const auto& t : models::axisTicks(frame.y, 7)) {
        const double y = frame.py(t.value);
        painter.drawLine(QPointF(frame.plot.left() - (t.major ? 4 : 2), y), QPointF(frame.plot.left(), y));
        const double w = fm.horizontalAdvance(t.label);
        painter.drawText(QPointF(frame.plot.left() - 6 - w, y + fm.ascent() / 2 - 1), t.label);
    }
    QFont titleFont = painter.font();
    titleFont.setPointSizeF(small.pointSizeF() / 0.85);
    painter.setFont(titleFont);
    const QFontMetricsF tm(titleFont);
    painter.setPen(chrome.text);
    painter.drawText(QPointF(frame.plot.center().x() - tm.horizontalAdvance(xTitle) / 2,
                             frame.plot.bottom() + 10 + fm.height() + tm.ascent()),
                     xTitle);
    painter.translate(frame.plot.left() - 48, frame.plot.center().y() + tm.horizontalAdvance(yTitle) / 2);
    painter.rotate(-90);
    painter.drawText(QPointF(0, 0), yTitle);
    painter.restore();
}

void drawVerticalAxis(QPainter& painter, double xPixel, const QRectF& span, const models::AxisScale& scale,
                      const Chrome& chrome, bool labelsLeft) {
    painter.save();
    painter.setPen(QPen(chrome.axis, 1.2));
    painter.drawLine(QPointF(xPixel, span.top()), QPointF(xPixel, span.bottom()));
    const QFont small = smallFont(painter.font());
    painter.setFont(small);
    const QFontMetricsF fm(small);
    painter.setPen(chrome.mutedText);
    for (const auto& t : models::axisTicks(scale, 6)) {
        const double y = span.bottom() - scale.toUnit(t.value) * span.height();
        painter.drawLine(QPointF(xPixel - 3, y), QPointF(xPixel + 3, y));
        if (!t.major && scale.logarithmic)
            continue;
        const double w = fm.horizontalAdvance(t.label);
        const QPointF at(labelsLeft ? xPixel - 6 - w : xPixel + 6, y + fm.ascent() / 2 - 1);
        // A backing behind the label: lines run under the axes of parallel coordinates.
        QColor back = chrome.background;
        back.setAlpha(210);
        painter.fillRect(QRectF(at.x() - 2, at.y() - fm.ascent(), w + 4, fm.height()), back);
        painter.drawText(at, t.label);
    }
    painter.restore();
}

} // namespace tcw::widgets::plotting
