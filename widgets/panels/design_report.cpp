// Design report: HTML written by hand (no template engine), numbers from the session.
#include "design_report.h"

#include "models/breakdown_series.h"
#include "models/edit_session.h"
#include "models/layer_table_model.h"
#include "models/objective.h"
#include "plots/plot_widget.h"

#include <QDateTime>
#include <QLocale>

#include <algorithm>

namespace tcw::widgets {

namespace {
QString esc(const QString& s) {
    return s.toHtmlEscaped();
}
QString esc(const std::string& s) {
    return QString::fromStdString(s).toHtmlEscaped();
}
QString num(double v, int digits = 4) {
    return QLocale::c().toString(v, 'g', digits);
}

QString row(const QStringList& cells, bool header = false) {
    QString out = QStringLiteral("<tr>");
    for (const QString& c : cells)
        out += header ? QStringLiteral("<th>%1</th>").arg(c) : QStringLiteral("<td>%1</td>").arg(c);
    return out + QStringLiteral("</tr>\n");
}

QString metricsTable(const models::EditSession& session) {
    const bool modified = session.isModified();
    const auto& start = session.startEvaluation().record;
    const auto& now = session.currentEvaluation().record;
    QString html = QStringLiteral("<table>\n");
    html += modified
                ? row({QObject::tr("Metric"), QObject::tr("Start"), QObject::tr("Edited"), QObject::tr("Change")}, true)
                : row({QObject::tr("Metric"), QObject::tr("Value")}, true);
    for (const auto& info : models::allObjectives()) {
        auto value = [&info](const store::EvaluationRecord& e) {
            const auto v = models::objectiveValue(e, info.objective);
            return v ? num(*v) + QLatin1Char(' ') + esc(info.unit) : QStringLiteral("—");
        };
        if (modified)
            html += row({esc(info.label), value(start), value(now),
                         esc(models::deltaText(models::metricDelta(start, now, info.objective), info.objective))});
        else
            html += row({esc(info.label), value(now)});
    }
    return html + QStringLiteral("</table>\n");
}

QString acceleratorTable(const AcceleratorSpec& a) {
    QString html = QStringLiteral("<table>\n");
    html += row({QObject::tr("Parameter"), QObject::tr("Value")}, true);
    const QList<QPair<QString, QString>> rows = {
        {QObject::tr("Tile (b × x × y)"), QStringLiteral("%1 × %2 × %3").arg(a.tileB).arg(a.tileX).arg(a.tileY)},
        {QObject::tr("PEs"), QString::number(a.peCount)},
        {QObject::tr("MAC lanes per PE"), QString::number(a.lanesPerPe)},
        {QObject::tr("MACs per lane"), QString::number(a.macsPerLane)},
        {QObject::tr("Multipliers"), QString::number(a.multiplierCount())},
        {QObject::tr("Softmax units per PE"), QString::number(a.softmaxPerPe)},
        {QObject::tr("Nonlinearity"), QString::fromUtf8(nonlinearityName(a.nonlinearity))},
        {QObject::tr("Batch size"), QString::number(a.batchSize)},
        {QObject::tr("Buffers (activation / weight / mask)"),
         QStringLiteral("%1 / %2 / %3 MB").arg(num(a.activationBufferMB), num(a.weightBufferMB), num(a.maskBufferMB))},
        {QObject::tr("Main memory"),
         QStringLiteral("%1 (%2)").arg(QString::fromStdString(a.mainMemory.key()),
                                       QString::fromUtf8(bandwidthModeName(a.mainMemory.mode)))},
    };
    for (const auto& [name, value] : rows)
        html += row({esc(name), esc(value)});
    return html + QStringLiteral("</table>\n");
}

QString transformerTable(const TransformerSpec& t, const TaskShape& task) {
    QString html = QStringLiteral("<p>%1 layers, %2 M parameters, %3 GFLOP forward per sequence, activation %4.</p>\n")
                       .arg(t.layerCount())
                       .arg(num(double(t.parameterCount(task)) / 1e6, 4))
                       .arg(num(t.forwardFlopsPerToken(task) * task.sequenceLength / 1e9, 4))
                       .arg(QString::fromUtf8(activationName(t.activation)));
    html += QStringLiteral("<table>\n");
    html += row({QObject::tr("Layer"), QObject::tr("Hidden"), QObject::tr("Heads"), QObject::tr("Feed-forward")}, true);
    for (int l = 0; l < t.layerCount(); ++l) {
        const LayerSpec& layer = t.layers[std::size_t(l)];
        html += row({QString::number(l + 1), QString::number(layer.hiddenSize), esc(models::headsText(layer.heads)),
                     esc(models::feedForwardText(layer.feedForwardSizes))});
    }
    return html + QStringLiteral("</table>\n");
}

QString opsTable(const SimResult& sim, int count) {
    std::vector<const OpCost*> ops;
    for (const OpCost& op : sim.ops)
        ops.push_back(&op);
    std::sort(ops.begin(), ops.end(), [](const OpCost* a, const OpCost* b) { return a->cycles > b->cycles; });
    if (int(ops.size()) > count)
        ops.resize(std::size_t(count));
    QString html = QStringLiteral("<table>\n");
    html += row({QObject::tr("Op"), QObject::tr("Phase"), QObject::tr("Cycles"), QObject::tr("Compute"),
                 QObject::tr("Main memory"), QObject::tr("Buffer"), QObject::tr("Bound"), QObject::tr("MACs"),
                 QObject::tr("DRAM bytes")},
                true);
    for (const OpCost* op : ops)
        html += row({esc(op->name), QString::fromUtf8(phaseName(op->phase)), QString::number(op->cycles),
                     QString::number(op->computeCycles), QString::number(op->memoryCycles),
                     QString::number(op->bufferCycles), QString::fromUtf8(boundName(op->bound)), num(op->macs),
                     num(op->mainMemoryBytes)});
    return html + QStringLiteral("</table>\n");
}

QString inlineSvg(const PlotWidget* plot) {
    QString svg = QString::fromUtf8(plot->svgData(QSize(720, std::max(260, plot->sizeHint().height()))));
    const int start = svg.indexOf(QLatin1String("<svg"));
    return start >= 0 ? svg.mid(start) : QString();
}
} // namespace

QString designReportHtml(const models::EditSession& session, const QList<const PlotWidget*>& charts,
                         const QString& workspaceName) {
    const models::WhatIfEvaluation& now = session.currentEvaluation();
    const QString title =
        QString::fromStdString(session.start().name) + (session.isModified() ? QObject::tr(" (edited)") : QString());
    QString html;
    html += QStringLiteral("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>%1</title>\n")
                .arg(esc(title));
    html += QStringLiteral(
        "<style>body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:60em;margin:2em auto;color:#222}"
        "table{border-collapse:collapse;margin:0.5em 0 1.5em}th,td{border:1px solid #ccc;padding:0.2em 0.6em;"
        "text-align:left}td:nth-child(n+2){text-align:right}th{background:#f2f2f2}h2{margin-top:1.6em;border-bottom:"
        "1px solid #ddd}.note{color:#666}.bad{color:#c0392b}svg{display:block;margin:0.5em 0}</style>\n"
        "</head>\n<body>\n");
    html += QStringLiteral("<h1>%1</h1>\n").arg(esc(title));
    html += QStringLiteral("<p class=\"note\">%1</p>\n")
                .arg(esc(QObject::tr("Co-design from workspace %1 (design #%2), %3 costs by the %4 cost model. "
                                     "Report written by TransCODE Workbench on %5.")
                             .arg(workspaceName)
                             .arg(session.designId())
                             .arg(QString::fromUtf8(simModeName(session.options().mode)),
                                  QString::fromUtf8(costModelName(session.options().costModel)),
                                  QDateTime::currentDateTimeUtc().toString(Qt::ISODate))));
    html += QStringLiteral("<h2>%1</h2>\n").arg(QObject::tr("Metrics"));
    html += metricsTable(session);
    if (!now.simulated)
        html +=
            QStringLiteral("<p class=\"bad\">%1</p>\n")
                .arg(esc(QObject::tr("Not simulated: %1").arg(QString::fromStdString(now.errors.front().toString()))));
    else if (!now.record.feasible)
        html += QStringLiteral("<p class=\"bad\">%1</p>\n")
                    .arg(esc(QObject::tr("Infeasible: %1").arg(QString::fromStdString(now.record.infeasibleReason))));
    html += QStringLiteral("<p>%1</p>\n").arg(esc(QObject::tr("Accuracy: %1").arg(now.accuracyNote)));
    if (now.simulated) {
        html += QStringLiteral("<p>%1</p>\n")
                    .arg(esc(QObject::tr("Latency by phase: %1; %2 cycles at %3 MHz.")
                                 .arg(models::phaseSplitText(now.sim))
                                 .arg(now.sim.cycles)
                                 .arg(num(now.sim.clockMHz))));
    }
    html += QStringLiteral("<h2>%1</h2>\n").arg(QObject::tr("Accelerator"));
    html += acceleratorTable(session.current().target.electorSpec());
    html += QStringLiteral("<h2>%1</h2>\n").arg(QObject::tr("Transformer"));
    html += transformerTable(session.current().transformer, session.options().task);
    if (now.simulated) {
        html += QStringLiteral("<h2>%1</h2>\n").arg(QObject::tr("Breakdown"));
        for (const PlotWidget* chart : charts)
            html += inlineSvg(chart) + QLatin1Char('\n');
        html += QStringLiteral("<h2>%1</h2>\n").arg(QObject::tr("Slowest ops"));
        html += opsTable(now.sim, 25);
    }
    html += QStringLiteral("</body>\n</html>\n");
    return html;
}

} // namespace tcw::widgets
