// Accelerator editor: one row per field of the elector descriptor table, edits as
// AcceleratorEditCommands.
#include "accelerator_editor.h"

#include "editor_frame.h"
#include "what_if_summary.h"

#include "models/edit_commands.h"
#include "models/edit_session.h"
#include "parameter_field.h"

#include "design/design_space.h"
#include "design/target.h"
#include "design/validation.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSignalBlocker>
#include <QUndoStack>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace tcw::widgets {

AcceleratorEditor::AcceleratorEditor(models::EditSession* session, QWidget* parent)
    : QWidget(parent), m_session(session), m_stack(new QUndoStack(this)) {
    setObjectName(QStringLiteral("acceleratorEditor"));
    m_frame = new EditorFrame(
        m_stack,
        {tr("No co-design selected"),
         tr("Select a co-design (a transformer with its accelerator) to change its accelerator here and see at once "
            "where it lands."),
         tr("Undo the last change to the accelerator (Ctrl+Z)"), tr("Redo the change undone last (Ctrl+Shift+Z)"),
         tr("Set every accelerator parameter back to the design the edit started from (undoable)")},
        this);
    m_frame->problemsLabel()->setObjectName(QStringLiteral("acceleratorErrors"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_frame);
    buildForm();
    connect(m_frame, &EditorFrame::resetRequested, this,
            [this] { push(m_session->start().target.electorSpec(), tr("Back to the start"), -1); });
    connect(m_frame, &EditorFrame::saveRequested, this, &AcceleratorEditor::saveRequested);

    connect(m_session, &models::EditSession::started, this, [this] { m_stack->clear(); });
    connect(m_session, &models::EditSession::ended, this, [this] {
        m_stack->clear();
        refresh();
    });
    connect(m_session, &models::EditSession::evaluated, this, &AcceleratorEditor::refresh);
    setRestricted(QSettings().value(QStringLiteral("editors/acceleratorRestricted"), true).toBool());
    refresh();
}

WhatIfSummary* AcceleratorEditor::summary() const {
    return m_frame->summary();
}

void AcceleratorEditor::buildForm() {
    m_restricted = new QCheckBox(tr("Only values of the ELECTOR design space"), this);
    m_restricted->setToolTip(tr("On: every parameter offers the design space's values. Off: any value, checked "
                                "against the technology table"));
    connect(m_restricted, &QCheckBox::toggled, this, [this](bool on) {
        setRestricted(on);
        QSettings().setValue(QStringLiteral("editors/acceleratorRestricted"), on);
    });
    m_frame->top()->addWidget(m_restricted);

    QVBoxLayout* groups = m_frame->body();
    QWidget* inner = groups->parentWidget();
    const AcceleratorSpace& space = m_session->acceleratorSpace();
    const auto fields = electorFields();
    QString groupName;
    QFormLayout* form = nullptr;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const FieldInfo& info = fields[i].info;
        const QString help = QString::fromUtf8(info.help.data(), qsizetype(info.help.size()));
        const QString group = QString::fromUtf8(info.group.data(), qsizetype(info.group.size()));
        const QString name = QString::fromUtf8(info.name.data(), qsizetype(info.name.size()));
        if (!form || group != groupName) {
            auto* box = new QGroupBox(group, inner);
            box->setObjectName(QStringLiteral("group:") + group);
            form = new QFormLayout(box);
            form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
            groups->addWidget(box);
            groupName = group;
        }
        Row row;
        row.memory = FieldInfo::sectionOf(info.name) == "mainMemory";
        if (row.memory && !m_spaceMemory) {
            // Restricted, the space's main memories are offered whole, in the first memory row.
            m_spaceMemory = new QComboBox(inner);
            m_spaceMemory->setObjectName(QStringLiteral("spaceMemory"));
            m_spaceMemory->setToolTip(tr("Main memories of the design space: type, banks, ranks, channels"));
            for (const MainMemorySpec& m : space.mainMemories)
                m_spaceMemory->addItem(QString::fromStdString(m.key()), QString::fromStdString(m.key()));
            form->addRow(tr("Memory"), m_spaceMemory);
            connect(m_spaceMemory, &QComboBox::activated, this, [this] {
                const auto memory = MainMemorySpec::fromKey(m_spaceMemory->currentData().toString().toStdString());
                if (!memory)
                    return;
                AcceleratorSpec next = m_session->current().target.electorSpec();
                next.mainMemory = *memory;
                push(next, tr("Set main memory to %1").arg(m_spaceMemory->currentText()), -1);
            });
        }
        QWidget* editor = nullptr;
        if (info.type == FieldType::Choice) {
            row.choice = new QComboBox(inner);
            for (std::size_t c = 0; c < info.choices.size(); ++c)
                row.choice->addItem(
                    QString::fromUtf8(info.choices[c].label.data(), qsizetype(info.choices[c].label.size())), int(c));
            connect(row.choice, &QComboBox::activated, this,
                    [this, i](int index) { edit(i, m_rows[i].choice->itemData(index).toInt()); });
            editor = row.choice;
        } else {
            const int decimals = info.type == FieldType::Integer ? 0 : 4;
            row.number = new ParameterField(info.min, info.max, decimals,
                                            QString::fromUtf8(info.unit.data(), qsizetype(info.unit.size())), inner);
            if (!info.minimumMeaning.empty())
                row.number->setMinimumText(
                    tr(QByteArray(info.minimumMeaning.data(), qsizetype(info.minimumMeaning.size())).constData()));
            if (const auto values = space.valuesOf(info.name); values && !row.memory) {
                row.number->setChoices(*values);
                row.inSpace = true;
            } else
                row.number->setRestricted(false);
            connect(row.number, &ParameterField::edited, this, [this, i](double v) { edit(i, v); });
            editor = row.number;
        }
        editor->setObjectName(QStringLiteral("field:") + name);
        editor->setToolTip(help);
        auto* label = new QLabel(tr(info.label.data()), inner);
        label->setObjectName(QStringLiteral("label:") + name);
        label->setToolTip(help);
        row.label = label;
        row.help = help;
        form->addRow(label, editor);
        m_rows.push_back(row);
    }
    m_frame->setBodyGrows(false);
}

ParameterField* AcceleratorEditor::field(std::string_view name) const {
    const auto index = findField(fieldsOf(TargetKind::Elector), name);
    return index ? m_rows[*index].number : nullptr;
}

bool AcceleratorEditor::isRestricted() const {
    return m_restricted->isChecked();
}

void AcceleratorEditor::setRestricted(bool restricted) {
    {
        const QSignalBlocker block(m_restricted);
        m_restricted->setChecked(restricted);
    }
    for (Row& row : m_rows) {
        if (row.inSpace)
            row.number->setRestricted(restricted);
        if (!row.memory)
            continue;
        // A row is hidden through its form, so the label goes with it.
        QWidget* editor = row.number ? static_cast<QWidget*>(row.number) : row.choice;
        if (auto* form = qobject_cast<QFormLayout*>(editor->parentWidget()->layout()))
            form->setRowVisible(editor, !restricted);
    }
    if (auto* form = qobject_cast<QFormLayout*>(m_spaceMemory->parentWidget()->layout()))
        form->setRowVisible(m_spaceMemory, restricted);
}

void AcceleratorEditor::edit(std::size_t index, double value) {
    const auto& f = electorFields()[index];
    AcceleratorSpec next = m_session->current().target.electorSpec();
    const bool square = next.tileX == next.tileY;
    f.set(next, value);
    if (f.info.name == "tile.tileX" && square)
        next.tileY = next.tileX;
    push(next, tr("Set %1 to %2").arg(tr(f.info.label.data()), QString::fromStdString(f.info.valueText(f.get(next)))),
         int(index));
}

void AcceleratorEditor::push(const AcceleratorSpec& next, const QString& text, int mergeKey) {
    const AcceleratorSpec& now = m_session->current().target.electorSpec();
    if (!m_session->isActive() || next == now)
        return;
    m_stack->push(new models::AcceleratorEditCommand(m_session, now, next, text, mergeKey));
}

void AcceleratorEditor::setDominance(const QString& status, bool joinsFront) {
    m_frame->summary()->setDominance(status, joinsFront);
}

void AcceleratorEditor::refresh() {
    const bool active =
        m_frame->showSession(*m_session, [](const ValidationError& e) { return e.path.rfind("accelerator", 0) == 0; });
    if (!active)
        return;
    const AcceleratorSpec& a = m_session->current().target.electorSpec();
    const auto fields = electorFields();
    const ValidationErrors& outside = m_session->currentEvaluation().outsideSpace;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        // Every field outside the design space is flagged at its row (the summary lists them all).
        const std::string name(fields[i].info.name);
        const bool memoryField = name.rfind("mainMemory.", 0) == 0; // the space lists whole memories
        const auto flagged = std::find_if(outside.begin(), outside.end(), [&](const ValidationError& e) {
            return e.path == "accelerator." + name || (memoryField && e.path == "accelerator.mainMemory");
        });
        const QString label = tr(fields[i].info.label.data());
        m_rows[i].label->setText(flagged == outside.end() ? label : tr("%1 ⚠").arg(label));
        m_rows[i].label->setProperty("outsideSpace", flagged != outside.end());
        m_rows[i].label->setStyleSheet(flagged == outside.end() ? QString() : QStringLiteral("color: #a0522d"));
        m_rows[i].label->setToolTip(
            flagged == outside.end()
                ? m_rows[i].help
                : tr("Outside the design space: %1").arg(QString::fromStdString(flagged->message)) +
                      QStringLiteral("\n\n") + m_rows[i].help);
        const double value = fields[i].get(a);
        if (m_rows[i].number) {
            m_rows[i].number->setValue(value);
        } else {
            const QSignalBlocker block(m_rows[i].choice);
            m_rows[i].choice->setCurrentIndex(m_rows[i].choice->findData(int(value)));
        }
    }
    const QSignalBlocker block(m_spaceMemory);
    const QString key = QString::fromStdString(a.mainMemory.key());
    int index = m_spaceMemory->findData(key);
    if (index < 0) {
        m_spaceMemory->addItem(tr("%1 (outside the space)").arg(key), key);
        index = m_spaceMemory->count() - 1;
    }
    m_spaceMemory->setCurrentIndex(index);

    m_frame->resetButton()->setEnabled(!(a == m_session->start().target.electorSpec()));
}

} // namespace tcw::widgets
