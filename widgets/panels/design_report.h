// An HTML report of one design as the edit session holds it: its metrics (and their change
// when edited), feasibility and accuracy provenance, the accelerator's parameters, the
// transformer's layers, the charts of the detail panel as inline SVG, and the slowest ops.
// One self-contained file: it opens in any browser and prints.
#pragma once

#include <QList>
#include <QString>

namespace tcw::models {
class EditSession;
}

namespace tcw::widgets {

class PlotWidget;

// charts: drawn into the report in order (as SVG, at a width fit for a page).
QString designReportHtml(const models::EditSession& session, const QList<const PlotWidget*>& charts,
                         const QString& workspaceName);

} // namespace tcw::widgets
