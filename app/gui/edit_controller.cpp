// Edit controller: selection → session; predictor fit on a worker; save through the store.
#include "edit_controller.h"

#include "workspace_controller.h"

#include "design/design_space.h"
#include "io/formats.h"
#include "io/record_json.h"
#include "io/search_json.h"
#include "models/design_traits.h"
#include "search/accuracy.h"

#include <QFutureWatcher>
#include <QLoggingCategory>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <memory>

Q_LOGGING_CATEGORY(lcEdit, "tcw.edit")

namespace tcw::app {

namespace {
struct LoadedPredictor {
    std::shared_ptr<const search::TableAccuracyModel> model;
    QString description;
    QString error;
};

LoadedPredictor fitPredictor(const QString& dataDirectory) {
    LoadedPredictor out;
    try {
        const std::filesystem::path dir(dataDirectory.toStdString());
        const auto table = io::loadAccuracyTable(io::accuracyTablePath("flexibert2_glue16", dir));
        if (!table) {
            out.error = QString::fromStdString(table.errors.toString());
            return out;
        }
        out.model = std::make_shared<search::TableAccuracyModel>(*table.value, flexibert2Space());
        out.description = QString::fromStdString(out.model->describe());
    } catch (const std::exception& e) {
        out.error = QString::fromStdString(e.what());
    }
    return out;
}
} // namespace

EditController::EditController(WorkspaceController* workspace, QObject* parent)
    : QObject(parent), m_workspace(workspace), m_session(new models::EditSession(this)) {}

void EditController::loadPredictor(const QString& dataDirectory) {
    auto* watcher = new QFutureWatcher<LoadedPredictor>(this);
    connect(watcher, &QFutureWatcher<LoadedPredictor>::finished, this, [this, watcher] {
        watcher->deleteLater();
        const LoadedPredictor loaded = watcher->result();
        if (!loaded.model) {
            qCWarning(lcEdit).noquote() << tr("No accuracy predictor: %1").arg(loaded.error);
            return;
        }
        const auto model = loaded.model;
        const TransformerSpace space = flexibert2Space();
        m_session->setAccuracyPredictor(
            [model, space](const TransformerSpec& spec) -> std::optional<models::AccuracyPrediction> {
                if (!space.check(spec).empty())
                    return std::nullopt;
                const search::AccuracyEstimate e = model->estimate(spec, {});
                if (e.origin == search::AccuracyOrigin::None)
                    return std::nullopt;
                return models::AccuracyPrediction{e.value, e.stdDev, e.detail,
                                                  e.origin == search::AccuracyOrigin::Imported
                                                      ? store::AccuracySource::Published
                                                      : store::AccuracySource::Predicted};
            },
            loaded.description);
        qCInfo(lcEdit).noquote() << tr("Accuracy predictor ready: %1").arg(loaded.description);
        emit predictorLoaded(loaded.description);
    });
    watcher->setFuture(QtConcurrent::run([dataDirectory] { return fitPredictor(dataDirectory); }));
}

void EditController::follow(const models::ExplorerContext& now) {
    if (now.workspace != m_workspaceGeneration) {
        m_session->end();
        m_workspaceGeneration = now.workspace;
    }
    followDesign(now.designId, now.mode);
}

std::optional<models::ExplorerContext> EditController::shown() const {
    if (!m_session->isActive())
        return std::nullopt;
    models::ExplorerContext context;
    context.workspace = m_workspaceGeneration;
    context.mode = m_session->options().mode;
    context.designId = m_session->designId();
    return context;
}

void EditController::followDesign(std::optional<qint64> designId, SimMode mode) {
    if (!designId) {
        // A reload resets the selection and restores it at once: end the edit only if nothing
        // is selected once that is over, so reloading (an import, a save) keeps the edits.
        QTimer::singleShot(0, this, [this] {
            if (!m_workspace->currentDesignId())
                m_session->end();
        });
        return;
    }
    if (m_session->isActive() && m_session->designId() == *designId) {
        if (m_session->options().mode == mode)
            return; // already editing it: keep the edits
        if (m_session->isModified()) {
            m_session->setMode(mode); // the edits, costed in the other mode
            return;
        }
    }
    const auto design = m_workspace->design(*designId);
    const auto parts =
        design && design->kind == store::DesignKind::Pair ? models::partsOf(design->specJson) : std::nullopt;
    if (!parts || !parts->transformer || !parts->accelerator) {
        m_session->end();
        return;
    }
    std::optional<store::EvaluationRecord> latest;
    for (const auto& e : m_workspace->evaluations(*designId))
        if (e.mode == simModeName(mode) && (!latest || e.id > latest->id))
            latest = e;
    SimOptions options;
    if (latest)
        options = io::simOptionsOf(*latest);
    options.mode = mode;
    // The workspace's name of the design (the pair document may carry another, or none).
    m_session->begin(*designId, io::CodesignPair{design->name, *parts->transformer, *parts->accelerator}, options,
                     latest);
}

QString EditController::suggestedName() const {
    const QString base = QString::fromStdString(m_session->start().name) + tr(" (edited)");
    QString name = base;
    const auto* model = m_workspace->designModel();
    auto taken = [model](const QString& n) {
        for (const auto& d : model->designs())
            if (QString::fromStdString(d.design.name) == n)
                return true;
        return false;
    };
    for (int i = 2; taken(name); ++i)
        name = QStringLiteral("%1 %2").arg(base).arg(i);
    return name;
}

std::optional<qint64> EditController::saveAsDesign(const QString& name) {
    if (!m_session->isActive() || !m_workspace->isOpen())
        return std::nullopt;
    const models::WhatIfEvaluation& now = m_session->currentEvaluation();
    if (!now.simulated) {
        emit errorOccurred(
            tr("Cannot save the design"),
            tr("The edited design cannot be simulated: %1").arg(QString::fromStdString(now.errors.front().toString())));
        return std::nullopt;
    }
    io::CodesignPair pair = m_session->current();
    pair.name = name.toStdString();
    const auto id =
        m_workspace->addEvaluatedDesign(pair.name, store::DesignKind::Pair, io::canonicalJson(pair), now.record);
    if (id)
        emit statusMessage(tr("Saved %1 as design #%2").arg(name).arg(*id));
    return id;
}

} // namespace tcw::app
