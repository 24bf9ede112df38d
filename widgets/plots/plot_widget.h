// The base of the explorer's plots: a widget that can draw itself into any rectangle of any
// paint device, so the screen, a PNG, an SVG and a PDF show the same picture; with a context
// menu to export it. The plotting code of the project lives behind these widgets.
#pragma once

#include <QWidget>

class QPainter;

namespace tcw::widgets {

class PlotWidget : public QWidget {
    Q_OBJECT

public:
    explicit PlotWidget(QWidget* parent = nullptr);

    // Draws the whole plot into rect. forExport: for a file (no hover, no rubber band; points
    // as vector shapes on SVG and PDF).
    virtual void render(QPainter& painter, const QRectF& rect, bool forExport) const = 0;

    // Writes the plot to path; the extension chooses PNG, SVG or PDF. size in pixels (PNG,
    // SVG) or points (PDF); empty: the widget's size. False with *error on failure.
    bool exportTo(const QString& path, QString* error, QSize size = {}) const;
    static QString exportFileFilter(); // for file dialogs
    // What the Export Plot dialogs start on: the first filter (PNG) and a name with its suffix,
    // so the proposed name and the filter agree.
    static QString exportInitialFilter();
    static QString exportSuggestedName(const QString& baseName);
    // path as chosen, with the selected filter's suffix added when it has none of the three.
    static QString withExportSuffix(const QString& path, const QString& selectedFilter);
    // The plot as an SVG document (for reports), size in pixels; empty: the size hint.
    QByteArray svgData(QSize size = {}) const;

    // The name suggested when exporting, without an extension ("pareto-latency-accuracy").
    QString exportName() const { return m_exportName; }
    void setExportName(const QString& name) { m_exportName = name; }

public slots:
    void exportWithDialog(); // asks for a file, then exportTo()

signals:
    void exported(const QString& path);
    void exportFailed(const QString& message);

protected:
    void paintEvent(QPaintEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    // Actions the context menu offers before "Export Plot…" (subclasses add theirs).
    virtual QList<QAction*> contextActions() { return {}; }

private:
    QString m_exportName = QStringLiteral("plot");
};

} // namespace tcw::widgets
