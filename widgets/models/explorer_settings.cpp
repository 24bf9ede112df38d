// Explorer settings: change signals and persistence.
#include "explorer_settings.h"

#include <QSettings>

#include <algorithm>

namespace tcw::models {

ExplorerSettings::ExplorerSettings(QObject* parent) : QObject(parent) {}

QString ExplorerSettings::summary(bool perSequence) const {
    return tr("x: %1 · y: %2 · colour: %3 · %4")
        .arg(objectiveTitle(m_choice.x, perSequence), objectiveTitle(m_choice.y, perSequence),
             m_choice.colourByPrecision ? tr("Precision") : objectiveTitle(m_choice.colour, perSequence),
             m_choice.mode == SimMode::Inference ? tr("inference") : tr("training"));
}

void ExplorerSettings::load(QSettings& settings) {
    ExplorerChoice c = m_choice;
    settings.beginGroup(QStringLiteral("explorer"));
    auto objective = [&](const char* key, Objective fallback) {
        return objectiveFromKey(settings.value(QLatin1String(key)).toString()).value_or(fallback);
    };
    c.x = objective("x", c.x);
    c.y = objective("y", c.y);
    c.colour = objective("colour", c.colour);
    // Issue 15: "precision" colours by the model's precision; the objective is kept beside it.
    c.colourByPrecision = settings.value(QStringLiteral("colour")).toString() == QLatin1String("precision");
    if (const auto kept = objectiveFromKey(settings.value(QStringLiteral("colourObjective")).toString()))
        c.colour = *kept;
    const auto mode = simModeFromName(settings.value(QStringLiteral("mode")).toString().toStdString());
    c.mode = mode.value_or(c.mode);
    settings.endGroup();
    setChoice(c);
}

void ExplorerSettings::save(QSettings& settings) const {
    settings.beginGroup(QStringLiteral("explorer"));
    settings.setValue(QStringLiteral("x"), objectiveInfo(m_choice.x).key);
    settings.setValue(QStringLiteral("y"), objectiveInfo(m_choice.y).key);
    settings.setValue(QStringLiteral("colour"),
                      m_choice.colourByPrecision ? QStringLiteral("precision") : objectiveInfo(m_choice.colour).key);
    settings.setValue(QStringLiteral("colourObjective"), objectiveInfo(m_choice.colour).key);
    settings.setValue(QStringLiteral("mode"), QString::fromUtf8(simModeName(m_choice.mode)));
    settings.endGroup();
}

void ExplorerSettings::setChoice(const ExplorerChoice& choice) {
    setXObjective(choice.x);
    setYObjective(choice.y);
    setColourObjective(choice.colour);
    setColourByPrecision(choice.colourByPrecision);
    setMode(choice.mode);
    setFilterText(choice.filterText);
    if (m_choice.bounds != choice.bounds) {
        m_choice.bounds = choice.bounds;
        emit boundsChanged();
        emit changed();
    }
}

std::optional<double> ExplorerSettings::bound(Objective objective) const {
    for (const ObjectiveBound& b : m_choice.bounds)
        if (b.objective == objective)
            return b.bound;
    return std::nullopt;
}

void ExplorerSettings::setBound(Objective objective, std::optional<double> bound) {
    std::vector<ObjectiveBound> bounds = m_choice.bounds;
    auto it =
        std::find_if(bounds.begin(), bounds.end(), [objective](const auto& b) { return b.objective == objective; });
    if (bound && it != bounds.end())
        it->bound = *bound;
    else if (bound)
        bounds.push_back({objective, *bound});
    else if (it != bounds.end())
        bounds.erase(it);
    if (bounds == m_choice.bounds)
        return;
    m_choice.bounds = std::move(bounds);
    emit boundsChanged();
    emit changed();
}

void ExplorerSettings::clearBounds() {
    if (m_choice.bounds.empty())
        return;
    m_choice.bounds.clear();
    emit boundsChanged();
    emit changed();
}

void ExplorerSettings::setXObjective(Objective objective) {
    if (m_choice.x == objective)
        return;
    m_choice.x = objective;
    emit xObjectiveChanged(objective);
    emit changed();
}

void ExplorerSettings::setYObjective(Objective objective) {
    if (m_choice.y == objective)
        return;
    m_choice.y = objective;
    emit yObjectiveChanged(objective);
    emit changed();
}

void ExplorerSettings::setColourObjective(Objective objective) {
    if (m_choice.colour == objective)
        return;
    m_choice.colour = objective;
    emit colourObjectiveChanged(objective);
    emit changed();
}

void ExplorerSettings::setColourByPrecision(bool on) {
    if (m_choice.colourByPrecision == on)
        return;
    m_choice.colourByPrecision = on;
    emit colourByPrecisionChanged(on);
    emit changed();
}

void ExplorerSettings::setMode(SimMode mode) {
    if (m_choice.mode == mode)
        return;
    m_choice.mode = mode;
    emit modeChanged(mode);
    emit changed();
}

void ExplorerSettings::setFilterText(const QString& text) {
    if (m_choice.filterText == text)
        return;
    m_choice.filterText = text;
    emit filterTextChanged(text);
    emit changed();
}

} // namespace tcw::models
