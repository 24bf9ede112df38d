// Lesson JSON: parse → validate (every error with its field path) → value; and back.
#include "lesson.h"

#include "file_write.h"
#include "io/safe_file.h"
#include "selection_data_sets.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>

namespace tcw::models {

namespace {

const QStringList kLessonKeys = {"schemaVersion", "kind", "title", "summary", "author", "steps"};
const QStringList kStepKeys = {"title", "text", "figure", "state"};
const QStringList kStateKeys = {
    "workspace", "view",     "mode",      "axes",           "filter",    "bounds",           "select",   "showDocks",
    "hideDocks", "panelTab", "editorTab", "hiddenControls", "highlight", "acceleratorEdits", "selection"};
const QStringList kSelectionKeys = {"catalogue", "model", "data", "sequence", "latencyMs", "accuracy"};

QStringList objectiveKeys() {
    QStringList keys;
    for (const ObjectiveInfo& info : allObjectives())
        keys << info.key;
    return keys;
}

// Collects errors as "FILE: path: message".
class Reader {
public:
    explicit Reader(QString fileName) : m_file(std::move(fileName)) {}

    void error(const QString& path, const QString& message) {
        m_errors << QStringLiteral("%1: %2: %3").arg(m_file, path.isEmpty() ? QStringLiteral("(top)") : path, message);
    }
    const QStringList& errors() const { return m_errors; }

    void unknownKeys(const QJsonObject& object, const QStringList& allowed, const QString& path) {
        for (const QString& key : object.keys())
            if (!allowed.contains(key))
                error(path.isEmpty() ? key : path + '.' + key,
                      QStringLiteral("unknown field; allowed: %1").arg(allowed.join(QStringLiteral(", "))));
    }

    std::optional<QString> string(const QJsonObject& object, const QString& key, const QString& path) {
        if (!object.contains(key))
            return std::nullopt;
        if (!object.value(key).isString()) {
            error(path + key, QStringLiteral("must be a string"));
            return std::nullopt;
        }
        return object.value(key).toString();
    }

    // A string that must be one of names (an empty list of names accepts anything).
    std::optional<QString> name(const QJsonObject& object, const QString& key, const QString& path,
                                const QStringList& names, const QString& what) {
        const auto value = string(object, key, path);
        if (value && !names.isEmpty() && !names.contains(*value)) {
            error(path + key, QStringLiteral("'%1' is not a %2; one of: %3").arg(*value, what, names.join(", ")));
            return std::nullopt;
        }
        return value;
    }

    QStringList names(const QJsonObject& object, const QString& key, const QString& path, const QStringList& names,
                      const QString& what) {
        QStringList out;
        if (!object.contains(key))
            return out;
        if (!object.value(key).isArray()) {
            error(path + key, QStringLiteral("must be a list of %1 names").arg(what));
            return out;
        }
        const QJsonArray array = object.value(key).toArray();
        for (int i = 0; i < array.size(); ++i) {
            const QString item = array.at(i).toString();
            const QString itemPath = QStringLiteral("%1%2[%3]").arg(path, key).arg(i);
            if (!array.at(i).isString())
                error(itemPath, QStringLiteral("must be a string"));
            else if (!names.isEmpty() && !names.contains(item))
                error(itemPath, QStringLiteral("'%1' is not a %2; one of: %3").arg(item, what, names.join(", ")));
            else
                out << item;
        }
        return out;
    }

private:
    QString m_file;
    QStringList m_errors;
};

std::optional<Objective> readObjective(Reader& r, const QJsonObject& object, const QString& key, const QString& path) {
    const auto value = r.name(object, key, path, objectiveKeys(), QStringLiteral("objective"));
    return value ? objectiveFromKey(*value) : std::nullopt;
}

LessonSelection readSelection(Reader& r, const QJsonValue& value, const QString& path) {
    LessonSelection s;
    if (!value.isObject()) {
        r.error(path,
                QStringLiteral("must be an object with catalogue, model, data, sequence, latencyMs and/or accuracy"));
        return s;
    }
    const QJsonObject object = value.toObject();
    r.unknownKeys(object, kSelectionKeys, path);
    const QString prefix = path + '.';
    s.catalogue = r.string(object, QStringLiteral("catalogue"), prefix);
    s.model = r.string(object, QStringLiteral("model"), prefix);
    s.data = r.string(object, QStringLiteral("data"), prefix);
    if (s.data && !selectionDataSets().contains(*s.data)) {
        r.error(prefix + "data",
                QStringLiteral("must be one of %1").arg(selectionDataSets().join(QStringLiteral(", "))));
        s.data.reset();
    }
    // A number within what the Selection tab's fields accept.
    auto number = [&](const QString& key, double low, double high, const QString& what) -> std::optional<double> {
        if (!object.contains(key))
            return std::nullopt;
        const QJsonValue v = object.value(key);
        if (!v.isDouble() || v.toDouble() < low || v.toDouble() > high) {
            r.error(prefix + key, QStringLiteral("must be %1 from %2 to %3").arg(what).arg(low).arg(high));
            return std::nullopt;
        }
        return v.toDouble();
    };
    if (const auto tokens = number(QStringLiteral("sequence"), 1, 65536, QStringLiteral("a whole number of tokens"))) {
        if (*tokens != std::floor(*tokens))
            r.error(prefix + "sequence", QStringLiteral("must be a whole number of tokens from 1 to 65536"));
        else
            s.sequence = int(*tokens);
    }
    s.latencyMs = number(QStringLiteral("latencyMs"), 1e-3, 1e4, QStringLiteral("a latency in ms"));
    s.accuracy = number(QStringLiteral("accuracy"), 0, 1, QStringLiteral("an accuracy"));
    return s;
}

LessonState readState(Reader& r, const QJsonObject& object, const QString& path, const LessonVocabulary& vocabulary) {
    LessonState s;
    r.unknownKeys(object, kStateKeys, path.chopped(1));
    s.workspace = r.string(object, QStringLiteral("workspace"), path);
    s.view = r.name(object, QStringLiteral("view"), path, vocabulary.views, QStringLiteral("view"));
    if (const auto mode = r.name(object, QStringLiteral("mode"), path, {"inference", "training"}, "mode"))
        s.mode = simModeFromName(mode->toStdString());
    if (object.contains(QStringLiteral("axes"))) {
        const QJsonObject axes = object.value(QStringLiteral("axes")).toObject();
        if (!object.value(QStringLiteral("axes")).isObject())
            r.error(path + "axes", QStringLiteral("must be an object with x, y and/or colour"));
        r.unknownKeys(axes, {"x", "y", "colour"}, path + "axes");
        s.x = readObjective(r, axes, QStringLiteral("x"), path + "axes.");
        s.y = readObjective(r, axes, QStringLiteral("y"), path + "axes.");
        s.colour = readObjective(r, axes, QStringLiteral("colour"), path + "axes.");
    }
    s.filter = r.string(object, QStringLiteral("filter"), path);
    if (object.contains(QStringLiteral("bounds"))) {
        const QJsonValue value = object.value(QStringLiteral("bounds"));
        if (!value.isObject())
            r.error(path + "bounds", QStringLiteral("must be an object of objective → limit, e.g. {\"latency\": 0.1}"));
        std::vector<ObjectiveBound> bounds;
        const QJsonObject limits = value.toObject();
        for (const QString& key : limits.keys()) {
            const auto objective = objectiveFromKey(key);
            if (!objective)
                r.error(path + "bounds." + key,
                        QStringLiteral("not an objective; one of: %1").arg(objectiveKeys().join(", ")));
            else if (!limits.value(key).isDouble())
                r.error(path + "bounds." + key, QStringLiteral("must be a number (in the objective's display unit)"));
            else
                bounds.push_back({*objective, limits.value(key).toDouble()});
        }
        s.bounds = bounds;
    }
    s.select = r.string(object, QStringLiteral("select"), path);
    s.showDocks = r.names(object, QStringLiteral("showDocks"), path, vocabulary.docks, QStringLiteral("dock"));
    s.hideDocks = r.names(object, QStringLiteral("hideDocks"), path, vocabulary.docks, QStringLiteral("dock"));
    s.panelTab = r.name(object, QStringLiteral("panelTab"), path, vocabulary.panelTabs, QStringLiteral("panel tab"));
    s.editorTab =
        r.name(object, QStringLiteral("editorTab"), path, vocabulary.editorTabs, QStringLiteral("editor tab"));
    s.hiddenControls =
        r.names(object, QStringLiteral("hiddenControls"), path, vocabulary.controls, QStringLiteral("control"));
    s.highlight = r.name(object, QStringLiteral("highlight"), path, vocabulary.controls, QStringLiteral("control"))
                      .value_or(QString());
    if (object.contains(QStringLiteral("acceleratorEdits"))) {
        const QJsonValue value = object.value(QStringLiteral("acceleratorEdits"));
        if (!value.isObject())
            r.error(path + "acceleratorEdits", QStringLiteral("must be an object of field → value, e.g. "
                                                              "{\"peCount\": 256}"));
        const QJsonObject edits = value.toObject();
        for (const QString& key : edits.keys()) {
            const QString fieldPath = path + "acceleratorEdits." + key;
            if (!vocabulary.editFields.isEmpty() && !vocabulary.editFields.contains(key))
                r.error(fieldPath,
                        QStringLiteral("not an accelerator field; one of: %1").arg(vocabulary.editFields.join(", ")));
            else if (!edits.value(key).isDouble())
                r.error(fieldPath, QStringLiteral("must be a number"));
            else
                s.acceleratorEdits.emplace_back(key, edits.value(key).toDouble());
        }
    }
    if (object.contains(QStringLiteral("selection")))
        s.selection = readSelection(r, object.value(QStringLiteral("selection")), path + "selection");
    return s;
}

} // namespace

LessonParseResult parseLesson(const QByteArray& json, const QString& fileName, const LessonVocabulary& vocabulary) {
    Reader r(fileName);
    LessonParseResult result;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        r.error({},
                parseError.error != QJsonParseError::NoError
                    ? QStringLiteral("not JSON (%1 at byte %2)").arg(parseError.errorString()).arg(parseError.offset)
                    : QStringLiteral("must be a JSON object"));
        result.errors = r.errors();
        return result;
    }
    const QJsonObject root = document.object();
    r.unknownKeys(root, kLessonKeys, {});
    if (root.value(QStringLiteral("kind")).toString() != QLatin1String("lesson"))
        r.error(QStringLiteral("kind"), QStringLiteral("must be \"lesson\""));
    if (root.value(QStringLiteral("schemaVersion")).toInt(-1) != Lesson::kSchemaVersion)
        r.error(QStringLiteral("schemaVersion"), QStringLiteral("must be %1").arg(Lesson::kSchemaVersion));
    Lesson lesson;
    lesson.title = r.string(root, QStringLiteral("title"), {}).value_or(QString());
    if (lesson.title.trimmed().isEmpty())
        r.error(QStringLiteral("title"), QStringLiteral("a lesson needs a non-empty title"));
    lesson.summary = r.string(root, QStringLiteral("summary"), {}).value_or(QString());
    lesson.author = r.string(root, QStringLiteral("author"), {}).value_or(QString());
    const QJsonArray steps = root.value(QStringLiteral("steps")).toArray();
    if (!root.value(QStringLiteral("steps")).isArray() || steps.isEmpty())
        r.error(QStringLiteral("steps"), QStringLiteral("must be a list of at least one step"));
    for (int i = 0; i < steps.size(); ++i) {
        const QString path = QStringLiteral("steps[%1].").arg(i);
        if (!steps.at(i).isObject()) {
            r.error(path.chopped(1), QStringLiteral("must be an object with title, text, figure, state"));
            continue;
        }
        const QJsonObject object = steps.at(i).toObject();
        r.unknownKeys(object, kStepKeys, path.chopped(1));
        LessonStep step;
        step.title = r.string(object, QStringLiteral("title"), path).value_or(QString());
        if (step.title.trimmed().isEmpty())
            r.error(path + "title", QStringLiteral("a step needs a non-empty title"));
        step.text = r.string(object, QStringLiteral("text"), path).value_or(QString());
        if (step.text.size() > Lesson::kMaxTextCharacters) { // a huge text would stall the lesson panel
            r.error(path + "text", QStringLiteral("has %1 characters; the limit for a step's text is %2")
                                       .arg(step.text.size())
                                       .arg(Lesson::kMaxTextCharacters));
            step.text.truncate(Lesson::kMaxTextCharacters);
        }
        step.figure = r.string(object, QStringLiteral("figure"), path).value_or(QString());
        if (object.contains(QStringLiteral("state"))) {
            if (!object.value(QStringLiteral("state")).isObject())
                r.error(path + "state", QStringLiteral("must be an object"));
            step.state = readState(r, object.value(QStringLiteral("state")).toObject(), path + "state.", vocabulary);
        }
        lesson.steps.push_back(std::move(step));
    }
    result.errors = r.errors();
    if (result.errors.isEmpty())
        result.lesson = std::move(lesson);
    return result;
}

LessonParseResult readLessonFile(const QString& path, const LessonVocabulary& vocabulary) {
    // Bounded: a lesson is a small document; /dev/zero, a FIFO or a huge file is refused.
    const io::ReadResult file = io::readFileBounded(path.toStdString(), io::kMaxDocumentBytes, "a lesson");
    if (!file.ok()) {
        LessonParseResult result;
        result.errors << QStringLiteral("%1: %2").arg(path, QString::fromStdString(file.error));
        return result;
    }
    return parseLesson(QByteArray::fromStdString(file.bytes), path, vocabulary);
}

namespace {
QJsonObject writeState(const LessonState& s) {
    QJsonObject o;
    if (s.workspace)
        o.insert(QStringLiteral("workspace"), *s.workspace);
    if (s.view)
        o.insert(QStringLiteral("view"), *s.view);
    if (s.mode)
        o.insert(QStringLiteral("mode"), QString::fromUtf8(simModeName(*s.mode).data()));
    if (s.x || s.y || s.colour) {
        QJsonObject axes;
        if (s.x)
            axes.insert(QStringLiteral("x"), objectiveInfo(*s.x).key);
        if (s.y)
            axes.insert(QStringLiteral("y"), objectiveInfo(*s.y).key);
        if (s.colour)
            axes.insert(QStringLiteral("colour"), objectiveInfo(*s.colour).key);
        o.insert(QStringLiteral("axes"), axes);
    }
    if (s.filter)
        o.insert(QStringLiteral("filter"), *s.filter);
    if (s.bounds) {
        QJsonObject bounds;
        for (const ObjectiveBound& b : *s.bounds)
            bounds.insert(objectiveInfo(b.objective).key, b.bound);
        o.insert(QStringLiteral("bounds"), bounds);
    }
    if (s.select)
        o.insert(QStringLiteral("select"), *s.select);
    if (!s.showDocks.isEmpty())
        o.insert(QStringLiteral("showDocks"), QJsonArray::fromStringList(s.showDocks));
    if (!s.hideDocks.isEmpty())
        o.insert(QStringLiteral("hideDocks"), QJsonArray::fromStringList(s.hideDocks));
    if (s.panelTab)
        o.insert(QStringLiteral("panelTab"), *s.panelTab);
    if (s.editorTab)
        o.insert(QStringLiteral("editorTab"), *s.editorTab);
    if (!s.hiddenControls.isEmpty())
        o.insert(QStringLiteral("hiddenControls"), QJsonArray::fromStringList(s.hiddenControls));
    if (!s.highlight.isEmpty())
        o.insert(QStringLiteral("highlight"), s.highlight);
    if (!s.acceleratorEdits.empty()) {
        QJsonObject edits;
        for (const auto& [field, value] : s.acceleratorEdits)
            edits.insert(field, value);
        o.insert(QStringLiteral("acceleratorEdits"), edits);
    }
    if (!s.selection.isEmpty()) {
        QJsonObject selection;
        if (s.selection.catalogue)
            selection.insert(QStringLiteral("catalogue"), *s.selection.catalogue);
        if (s.selection.model)
            selection.insert(QStringLiteral("model"), *s.selection.model);
        if (s.selection.data)
            selection.insert(QStringLiteral("data"), *s.selection.data);
        if (s.selection.sequence)
            selection.insert(QStringLiteral("sequence"), *s.selection.sequence);
        if (s.selection.latencyMs)
            selection.insert(QStringLiteral("latencyMs"), *s.selection.latencyMs);
        if (s.selection.accuracy)
            selection.insert(QStringLiteral("accuracy"), *s.selection.accuracy);
        o.insert(QStringLiteral("selection"), selection);
    }
    return o;
}
} // namespace

QByteArray serialiseLesson(const Lesson& lesson) {
    QJsonObject root;
    root.insert(QStringLiteral("schemaVersion"), Lesson::kSchemaVersion);
    root.insert(QStringLiteral("kind"), QStringLiteral("lesson"));
    root.insert(QStringLiteral("title"), lesson.title);
    if (!lesson.summary.isEmpty())
        root.insert(QStringLiteral("summary"), lesson.summary);
    if (!lesson.author.isEmpty())
        root.insert(QStringLiteral("author"), lesson.author);
    QJsonArray steps;
    for (const LessonStep& step : lesson.steps) {
        QJsonObject o;
        o.insert(QStringLiteral("title"), step.title);
        if (!step.text.isEmpty())
            o.insert(QStringLiteral("text"), step.text);
        if (!step.figure.isEmpty())
            o.insert(QStringLiteral("figure"), step.figure);
        const QJsonObject state = writeState(step.state);
        if (!state.isEmpty())
            o.insert(QStringLiteral("state"), state);
        steps.append(o);
    }
    root.insert(QStringLiteral("steps"), steps);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

bool writeLessonFile(const Lesson& lesson, const QString& path, QString* error) {
    // The Save As dialog asked before replacing a file.
    return writeFileAfterAsking(path, serialiseLesson(lesson), error);
}

LessonState effectiveState(const Lesson& lesson, int step) {
    LessonState out;
    if (step < 0 || std::size_t(step) >= lesson.steps.size())
        return out;
    QStringList shown, hidden; // docks by their last mention
    for (int i = 0; i <= step; ++i) {
        const LessonState& s = lesson.steps[std::size_t(i)].state;
        auto take = [](auto& into, const auto& from) {
            if (from)
                into = from;
        };
        if (s.workspace && s.workspace != out.workspace)
            out.select.reset(); // a selection names a design of the workspace it was made in
        take(out.workspace, s.workspace);
        take(out.view, s.view);
        take(out.mode, s.mode);
        take(out.x, s.x);
        take(out.y, s.y);
        take(out.colour, s.colour);
        take(out.filter, s.filter);
        take(out.bounds, s.bounds);
        take(out.select, s.select);
        take(out.panelTab, s.panelTab);
        take(out.editorTab, s.editorTab);
        take(out.selection.catalogue, s.selection.catalogue);
        take(out.selection.model, s.selection.model);
        take(out.selection.data, s.selection.data);
        take(out.selection.sequence, s.selection.sequence);
        take(out.selection.latencyMs, s.selection.latencyMs);
        take(out.selection.accuracy, s.selection.accuracy);
        for (const QString& dock : s.showDocks) {
            hidden.removeAll(dock);
            if (!shown.contains(dock))
                shown << dock;
        }
        for (const QString& dock : s.hideDocks) {
            shown.removeAll(dock);
            if (!hidden.contains(dock))
                hidden << dock;
        }
    }
    out.showDocks = shown;
    out.hideDocks = hidden;
    const LessonState& own = lesson.steps[std::size_t(step)].state;
    out.hiddenControls = own.hiddenControls;
    out.highlight = own.highlight;
    out.acceleratorEdits = own.acceleratorEdits;
    return out;
}

} // namespace tcw::models
