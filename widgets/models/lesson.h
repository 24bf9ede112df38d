// Lessons: a title and steps, each with text (a small HTML subset), an optional figure and the
// workbench state it sets (workspace, view, cost mode, axes, filter, selection, docks, tabs,
// hidden and highlighted controls, what-if edits). Parsed from and written to JSON
// (schemaVersion 1, kind "lesson"; docs/formats.md); validated against the names a window
// offers, so a misspelt control is an error naming the file and field, not silently ignored.
#pragma once

#include "front_analysis.h"
#include "objective.h"
#include "sim/sim_types.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>
#include <utility>
#include <vector>

namespace tcw::models {

// The Selection tab's inputs a step sets (issue 16): each field a step gives replaces what the
// earlier steps gave; the others keep it.
struct LessonSelection {
    std::optional<QString> catalogue; // like workspace: the lesson's folder, then the data directory; or absolute
    std::optional<QString> model;     // a preset name or a model file (relative like catalogue)
    std::optional<QString> data;      // the task: one of selectionDataSets() (selection_data_sets.h)
    std::optional<int> sequence;      // tokens per sequence
    std::optional<double> latencyMs;  // LC
    std::optional<double> accuracy;   // AC (0–1)

    bool isEmpty() const { return !catalogue && !model && !data && !sequence && !latencyMs && !accuracy; }
    bool operator==(const LessonSelection&) const = default;
};

// What one step sets. An absent (std::nullopt / empty) field keeps what the earlier steps set,
// except hiddenControls, highlight and acceleratorEdits, which hold for their step only.
struct LessonState {
    std::optional<QString> workspace; // relative to the lesson's folder, then the data directory; or absolute
    std::optional<QString> view;      // central tab: pareto | parallel | table | devices | selection
    std::optional<SimMode> mode;
    std::optional<Objective> x, y, colour;
    std::optional<QString> filter;                            // the toolbar's filter text; "" clears it
    std::optional<std::vector<ObjectiveBound>> bounds;        // constraint lines; empty clears them
    std::optional<QString> select;                            // a design's name in the workspace
    QStringList showDocks, hideDocks;                         // dock names (workspace, detail, editors, panel)
    std::optional<QString> panelTab;                          // bottom tab: search | training | lesson | log
    std::optional<QString> editorTab;                         // accelerator | transformer
    QStringList hiddenControls;                               // control names hidden during this step
    QString highlight;                                        // the control outlined during this step
    std::vector<std::pair<QString, double>> acceleratorEdits; // field → value, applied to the selection
    LessonSelection selection;                                // the Selection tab's catalogue, model, LC, AC

    bool operator==(const LessonState&) const = default;
};

struct LessonStep {
    QString title;
    QString text;   // rich text: <p>, <b>, <i>, <ul>/<li>, <code>, <br>, <a href>
    QString figure; // image path relative to the lesson file; empty: none
    LessonState state;

    bool operator==(const LessonStep&) const = default;
};

struct Lesson {
    static constexpr int kSchemaVersion = 1;
    static constexpr int kMaxTextCharacters = 65536; // per step: a page of explanation, not a book
    QString title;
    QString summary;
    QString author;
    std::vector<LessonStep> steps;

    bool operator==(const Lesson&) const = default;
};

// The names a lesson may use, from the window that runs it. An empty list accepts anything
// (for tools that only read or rewrite lessons).
struct LessonVocabulary {
    QStringList views;      // central tabs
    QStringList docks;      // showDocks / hideDocks
    QStringList panelTabs;  // bottom tabs
    QStringList editorTabs; // editor tabs
    QStringList controls;   // hiddenControls / highlight
    QStringList editFields; // acceleratorEdits keys
};

struct LessonParseResult {
    std::optional<Lesson> lesson; // set when errors is empty
    QStringList errors;           // "FILE: steps[2].state.highlight: 'x' is not …; one of: …"
};

// fileName only labels the errors.
LessonParseResult parseLesson(const QByteArray& json, const QString& fileName, const LessonVocabulary& vocabulary);
LessonParseResult readLessonFile(const QString& path, const LessonVocabulary& vocabulary);
// Indented JSON, only the fields that are set, keys in a stable order.
QByteArray serialiseLesson(const Lesson& lesson);
// Writes through a temporary file renamed into place; false with *error on failure.
bool writeLessonFile(const Lesson& lesson, const QString& path, QString* error);

// What holds at step (0-based): the persistent fields of steps 0..step folded in order
// (the later one wins; docks by their last mention; a step that changes the workspace drops the
// earlier selection), and the step-only fields of step itself.
// Going back to a step therefore gives the same state as arriving at it going forward.
LessonState effectiveState(const Lesson& lesson, int step);

} // namespace tcw::models
