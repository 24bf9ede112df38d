// Plot widget: one render() for the screen and for PNG (QImage), SVG (QSvgGenerator) and
// PDF (QPdfWriter) files.
#include "plot_widget.h"

#include <QBuffer>
#include <QContextMenuEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QImage>
#include <QMenu>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSettings>
#include <QStandardPaths>
#include <QSvgGenerator>

namespace tcw::widgets {

PlotWidget::PlotWidget(QWidget* parent) : QWidget(parent) {
    setAttribute(Qt::WA_OpaquePaintEvent);
    setContextMenuPolicy(Qt::DefaultContextMenu);
}

void PlotWidget::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    render(painter, QRectF(rect()), false);
}

QString PlotWidget::exportFileFilter() {
    return tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)");
}

QString PlotWidget::exportInitialFilter() {
    return exportFileFilter().section(QStringLiteral(";;"), 0, 0);
}

QString PlotWidget::exportSuggestedName(const QString& baseName) {
    return baseName + QStringLiteral(".png"); // the initial filter's suffix
}

QString PlotWidget::withExportSuffix(const QString& path, const QString& selectedFilter) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("png") || suffix == QLatin1String("svg") || suffix == QLatin1String("pdf"))
        return path;
    // "SVG drawing (*.svg)" → ".svg"; no filter chosen: the initial one, PNG.
    const QString filter = selectedFilter.isEmpty() ? exportInitialFilter() : selectedFilter;
    const qsizetype star = filter.indexOf(QStringLiteral("*."));
    return path + filter.mid(star + 1, filter.indexOf(QLatin1Char(')'), star) - star - 1);
}

bool PlotWidget::exportTo(const QString& path, QString* error, QSize size) const {
    if (size.isEmpty())
        size = this->size().expandedTo(QSize(640, 420));
    const QString suffix = QFileInfo(path).suffix().toLower();
    auto fail = [&](const QString& message) {
        if (error)
            *error = message;
        return false;
    };
    const QRectF target(QPointF(0, 0), QSizeF(size));
    if (suffix == QLatin1String("png")) {
        // Twice the pixels, so the picture stays sharp on high-density screens and in print.
        QImage image(size * 2, QImage::Format_ARGB32_Premultiplied);
        image.setDevicePixelRatio(2);
        image.fill(Qt::white);
        {
            QPainter painter(&image);
            painter.setRenderHint(QPainter::Antialiasing);
            render(painter, target, true);
        }
        return image.save(path, "PNG") ? true : fail(tr("Cannot write '%1'.").arg(QDir::toNativeSeparators(path)));
    }
    if (suffix == QLatin1String("svg")) {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(size);
        svg.setViewBox(target);
        svg.setTitle(m_exportName);
        svg.setDescription(tr("Exported from TransCODE Workbench"));
        QPainter painter;
        if (!painter.begin(&svg))
            return fail(tr("Cannot write '%1'.").arg(QDir::toNativeSeparators(path)));
        painter.setRenderHint(QPainter::Antialiasing);
        render(painter, target, true);
        painter.end();
        return QFileInfo(path).size() > 0 ? true : fail(tr("Cannot write '%1'.").arg(QDir::toNativeSeparators(path)));
    }
    if (suffix == QLatin1String("pdf")) {
        QPdfWriter pdf(path);
        pdf.setTitle(m_exportName);
        pdf.setCreator(QStringLiteral("TransCODE Workbench"));
        pdf.setResolution(72); // one pixel of `size` = one point on the page
        pdf.setPageSize(QPageSize(QSizeF(size), QPageSize::Point));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        QPainter painter;
        if (!painter.begin(&pdf))
            return fail(tr("Cannot write '%1'.").arg(QDir::toNativeSeparators(path)));
        painter.setRenderHint(QPainter::Antialiasing);
        render(painter, target, true);
        painter.end();
        return true;
    }
    return fail(tr("'%1': plots are exported as .png, .svg or .pdf files.").arg(QFileInfo(path).fileName()));
}

QByteArray PlotWidget::svgData(QSize size) const {
    if (size.isEmpty())
        size = sizeHint().expandedTo(QSize(480, 240));
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QSvgGenerator svg;
    svg.setOutputDevice(&buffer);
    svg.setSize(size);
    svg.setViewBox(QRect(QPoint(0, 0), size));
    svg.setTitle(m_exportName);
    QPainter painter(&svg);
    painter.setRenderHint(QPainter::Antialiasing);
    render(painter, QRectF(QPointF(0, 0), QSizeF(size)), true);
    painter.end();
    return buffer.data();
}

void PlotWidget::exportWithDialog() {
    QSettings settings;
    QString folder = settings.value(QStringLiteral("lastExportDirectory")).toString();
    if (folder.isEmpty())
        folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    QString selected = exportInitialFilter();
    QString path =
        QFileDialog::getSaveFileName(this, tr("Export Plot"), QDir(folder).filePath(exportSuggestedName(m_exportName)),
                                     exportFileFilter(), &selected);
    if (path.isEmpty())
        return;
    path = withExportSuffix(path, selected);
    settings.setValue(QStringLiteral("lastExportDirectory"), QFileInfo(path).absolutePath());
    QString error;
    if (exportTo(path, &error))
        emit exported(path);
    else
        emit exportFailed(error);
}

void PlotWidget::contextMenuEvent(QContextMenuEvent* event) {
    QMenu menu(this);
    const QList<QAction*> own = contextActions();
    menu.addActions(own);
    if (!own.isEmpty())
        menu.addSeparator();
    QAction* exportAction = menu.addAction(tr("Export Plot…"), this, &PlotWidget::exportWithDialog);
    exportAction->setToolTip(tr("Save this plot as PNG, SVG or PDF"));
    menu.exec(event->globalPos());
}

} // namespace tcw::widgets
