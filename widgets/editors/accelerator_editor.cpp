// Accelerator editor: fields ↔ AcceleratorSpec, edits as AcceleratorEditCommands.
#include "accelerator_editor.h"

#include "editor_frame.h"
#include "what_if_summary.h"

#include "models/edit_commands.h"
#include "models/edit_session.h"
#include "parameter_field.h"

#include "design/design_space.h"
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

#include <cmath>

namespace tcw::widgets {

namespace {
struct FieldInfo {
    const char* label;
    const char* toolTip;
    double minimum, maximum;
    int decimals;
    const char* unit;
};

// Bounds of the free values: wide, but keep the simulator's arithmetic in range.
constexpr FieldInfo kFields[AcceleratorEditor::FieldCount] = {
    {QT_TRANSLATE_NOOP("AcceleratorEditor", "Tile b"),
     QT_TRANSLATE_NOOP("AcceleratorEditor", "Batch extent of a tile: sequences one tile covers (at most the batch)"), 1,
     64, 0, ""},
    {QT_TRANSLATE_NOOP("AcceleratorEditor", "Tile x = y"),
     QT_TRANSLATE_NOOP("AcceleratorEditor", "Row and column extent of a tile (the reference requires them equal)"), 1,
     256, 0, ""},
    {QT_TRANSLATE_NOOP("AcceleratorEditor", "PEs"),
     QT_TRANSLATE_NOOP("AcceleratorEditor", "Processing elements, each with MAC lanes, softmax units, a layer-norm "
                                            "unit, a dataflow module and a DMA"),
     1, 65536, 0, ""},
    {QT_TRANSLATE_NOOP("AcceleratorEditor", "MAC lanes per PE"),
     QT_TRANSLATE_NOOP("AcceleratorEditor", "Lanes per PE; a tile runs on one lane"), 1, 1024, 0, ""},
    {QT_TRANSLATE_NOOP("AcceleratorEditor", "MACs per lane"),
     QT_TRANSLATE_NOOP("AcceleratorEditor", "Multipliers per lane (the technology table has lanes of 1 and 16)"), 1, 64,
     0, ""},
    {QT_TRANSLATE_NOOP("AcceleratorEditor", "Softmax units per PE"),
     QT_TRANSLATE_NOOP("AcceleratorEditor", "Softmax units in each PE"), 1, 256, 0, ""},
    {QT_TRANSLATE_NOOP("AcceleratorEditor", "Batch size"),
     QT_TRANSLATE_NOOP("AcceleratorEditor", "Sequences processed together"), 1, 1024, 0, ""},
    {QT_TRANSLATE_NOOP("AcceleratorEditor", "Activation buffer"),
     QT_TRANSLATE_NOOP("AcceleratorEditor", "On-chip activation buffer capacity"), 0.0625, 4096, 4, "MB"},
    {QT_TRANSLATE_NOOP("AcceleratorEditor", "Weight buffer"),
     QT_TRANSLATE_NOOP("AcceleratorEditor", "On-chip weight buffer capacity"), 0.0625, 4096, 4, "MB"},
    {QT_TRANSLATE_NOOP("AcceleratorEditor", "Mask buffer"),
     QT_TRANSLATE_NOOP("AcceleratorEditor", "On-chip buffer for the zero masks of compressed tensors"), 0.0625, 4096, 4,
     "MB"},
    {QT_TRANSLATE_NOOP("AcceleratorEditor", "Banks"),
     QT_TRANSLATE_NOOP("AcceleratorEditor", "Main-memory banks (the technology table knows certain combinations)"), 1,
     64, 0, ""},
    {QT_TRANSLATE_NOOP("AcceleratorEditor", "Ranks"), QT_TRANSLATE_NOOP("AcceleratorEditor", "Main-memory ranks"), 1,
     64, 0, ""},
    {QT_TRANSLATE_NOOP("AcceleratorEditor", "Channels"), QT_TRANSLATE_NOOP("AcceleratorEditor", "Main-memory channels"),
     1, 64, 0, ""},
};

std::vector<double> toDoubles(const std::vector<int>& v) {
    return {v.begin(), v.end()};
}

double valueOf(const AcceleratorSpec& a, AcceleratorEditor::Field f) {
    switch (f) {
    case AcceleratorEditor::TileB:
        return a.tileB;
    case AcceleratorEditor::TileX:
        return a.tileX;
    case AcceleratorEditor::PeCount:
        return a.peCount;
    case AcceleratorEditor::LanesPerPe:
        return a.lanesPerPe;
    case AcceleratorEditor::MacsPerLane:
        return a.macsPerLane;
    case AcceleratorEditor::SoftmaxPerPe:
        return a.softmaxPerPe;
    case AcceleratorEditor::BatchSize:
        return a.batchSize;
    case AcceleratorEditor::ActivationBuffer:
        return a.activationBufferMB;
    case AcceleratorEditor::WeightBuffer:
        return a.weightBufferMB;
    case AcceleratorEditor::MaskBuffer:
        return a.maskBufferMB;
    case AcceleratorEditor::MemoryBanks:
        return a.mainMemory.banks;
    case AcceleratorEditor::MemoryRanks:
        return a.mainMemory.ranks;
    case AcceleratorEditor::MemoryChannels:
        return a.mainMemory.channels;
    case AcceleratorEditor::FieldCount:
        break;
    }
    return 0;
}

void setValue(AcceleratorSpec& a, AcceleratorEditor::Field f, double v) {
    const int i = int(std::lround(v));
    switch (f) {
    case AcceleratorEditor::TileB:
        a.tileB = i;
        break;
    case AcceleratorEditor::TileX:
        a.tileX = a.tileY = i;
        break;
    case AcceleratorEditor::PeCount:
        a.peCount = i;
        break;
    case AcceleratorEditor::LanesPerPe:
        a.lanesPerPe = i;
        break;
    case AcceleratorEditor::MacsPerLane:
        a.macsPerLane = i;
        break;
    case AcceleratorEditor::SoftmaxPerPe:
        a.softmaxPerPe = i;
        break;
    case AcceleratorEditor::BatchSize:
        a.batchSize = i;
        break;
    case AcceleratorEditor::ActivationBuffer:
        a.activationBufferMB = v;
        break;
    case AcceleratorEditor::WeightBuffer:
        a.weightBufferMB = v;
        break;
    case AcceleratorEditor::MaskBuffer:
        a.maskBufferMB = v;
        break;
    case AcceleratorEditor::MemoryBanks:
        a.mainMemory.banks = i;
        break;
    case AcceleratorEditor::MemoryRanks:
        a.mainMemory.ranks = i;
        break;
    case AcceleratorEditor::MemoryChannels:
        a.mainMemory.channels = i;
        break;
    case AcceleratorEditor::FieldCount:
        break;
    }
}
} // namespace

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
            [this] { push(m_session->start().accelerator, tr("Back to the start"), -1); });
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
    auto group = [&](const QString& title, std::initializer_list<Field> fields) {
        auto* box = new QGroupBox(title, inner);
        auto* form = new QFormLayout(box);
        form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
        for (Field f : fields) {
            const FieldInfo& info = kFields[f];
            auto* field =
                new ParameterField(info.minimum, info.maximum, info.decimals, QString::fromUtf8(info.unit), box);
            field->setObjectName(QStringLiteral("field:%1").arg(int(f)));
            field->setToolTip(tr(info.toolTip));
            connect(field, &ParameterField::edited, this, [this, f](double v) { edit(f, v); });
            m_fields[std::size_t(f)] = field;
            auto* label = new QLabel(tr(info.label), box);
            label->setToolTip(tr(info.toolTip));
            form->addRow(label, field);
        }
        groups->addWidget(box);
        return form;
    };
    group(tr("Tiles"), {TileB, TileX});
    QFormLayout* compute = group(tr("Compute"), {PeCount, LanesPerPe, MacsPerLane, SoftmaxPerPe});
    m_nonlinearity = new QComboBox(inner);
    m_nonlinearity->addItem(QStringLiteral("GELU"), int(Nonlinearity::Gelu));
    m_nonlinearity->addItem(QStringLiteral("ReLU"), int(Nonlinearity::Relu));
    m_nonlinearity->setToolTip(tr("The nonlinearity unit built into each MAC lane"));
    compute->addRow(tr("Nonlinearity"), m_nonlinearity);
    connect(m_nonlinearity, &QComboBox::activated, this, [this] {
        AcceleratorSpec next = m_session->current().accelerator;
        next.nonlinearity = Nonlinearity(m_nonlinearity->currentData().toInt());
        push(next, tr("Set nonlinearity to %1").arg(m_nonlinearity->currentText()), -1);
    });
    group(tr("Batch"), {BatchSize});
    group(tr("Buffers"), {ActivationBuffer, WeightBuffer, MaskBuffer});

    auto* memoryBox = new QGroupBox(tr("Main memory"), inner);
    auto* memoryForm = new QFormLayout(memoryBox);
    m_spaceMemory = new QComboBox(memoryBox);
    m_spaceMemory->setToolTip(tr("Main memories of the design space: type, banks, ranks, channels"));
    memoryForm->addRow(tr("Memory"), m_spaceMemory);
    connect(m_spaceMemory, &QComboBox::activated, this, [this] {
        const auto memory = MainMemorySpec::fromKey(m_spaceMemory->currentData().toString().toStdString());
        if (!memory)
            return;
        AcceleratorSpec next = m_session->current().accelerator;
        next.mainMemory = *memory;
        push(next, tr("Set main memory to %1").arg(m_spaceMemory->currentText()), -1);
    });
    m_freeMemory = new QWidget(memoryBox);
    auto* freeForm = new QFormLayout(m_freeMemory);
    freeForm->setContentsMargins(0, 0, 0, 0);
    m_memoryType = new QComboBox(m_freeMemory);
    for (MemoryType t : {MemoryType::Rram, MemoryType::Dram, MemoryType::Hbm})
        m_memoryType->addItem(QString::fromUtf8(memoryTypeName(t)).toUpper(), int(t));
    m_memoryType->setToolTip(tr("Main-memory technology"));
    freeForm->addRow(tr("Type"), m_memoryType);
    for (Field f : {MemoryBanks, MemoryRanks, MemoryChannels}) {
        const FieldInfo& info = kFields[f];
        auto* field = new ParameterField(info.minimum, info.maximum, 0, {}, m_freeMemory);
        field->setToolTip(tr(info.toolTip));
        field->setRestricted(false);
        connect(field, &ParameterField::edited, this, [this, f](double v) { edit(f, v); });
        m_fields[std::size_t(f)] = field;
        freeForm->addRow(tr(info.label), field);
    }
    m_memoryMode = new QComboBox(m_freeMemory);
    m_memoryMode->addItem(tr("Low bandwidth (lb)"), int(BandwidthMode::Low));
    m_memoryMode->addItem(tr("High bandwidth (hb)"), int(BandwidthMode::High));
    m_memoryMode->setToolTip(tr("Which of the technology table's two main-memory bandwidths applies"));
    freeForm->addRow(tr("Bandwidth"), m_memoryMode);
    memoryForm->addRow(m_freeMemory);
    connect(m_memoryType, &QComboBox::activated, this, [this] {
        AcceleratorSpec next = m_session->current().accelerator;
        next.mainMemory.type = MemoryType(m_memoryType->currentData().toInt());
        push(next, tr("Set memory type to %1").arg(m_memoryType->currentText()), -1);
    });
    connect(m_memoryMode, &QComboBox::activated, this, [this] {
        AcceleratorSpec next = m_session->current().accelerator;
        next.mainMemory.mode = BandwidthMode(m_memoryMode->currentData().toInt());
        push(next, tr("Set memory bandwidth to %1").arg(m_memoryMode->currentText()), -1);
    });
    groups->addWidget(memoryBox);

    m_frame->setBodyGrows(false);

    // The space's values for the restricted fields.
    const AcceleratorSpace& space = m_session->acceleratorSpace();
    m_fields[TileB]->setChoices(toDoubles(space.tileB));
    m_fields[TileX]->setChoices(toDoubles(space.tileX));
    m_fields[PeCount]->setChoices(toDoubles(space.peCounts));
    m_fields[LanesPerPe]->setChoices(toDoubles(space.lanesPerPe));
    m_fields[MacsPerLane]->setChoices(toDoubles(space.macsPerLane));
    m_fields[SoftmaxPerPe]->setChoices(toDoubles(space.softmaxPerPe));
    m_fields[BatchSize]->setChoices(toDoubles(space.batchSizes));
    m_fields[ActivationBuffer]->setChoices(space.activationBufferMB);
    m_fields[WeightBuffer]->setChoices(space.weightBufferMB);
    m_fields[MaskBuffer]->setChoices(space.maskBufferMB);
    for (const MainMemorySpec& m : space.mainMemories)
        m_spaceMemory->addItem(QString::fromStdString(m.key()), QString::fromStdString(m.key()));
}

bool AcceleratorEditor::isRestricted() const {
    return m_restricted->isChecked();
}

void AcceleratorEditor::setRestricted(bool restricted) {
    {
        const QSignalBlocker block(m_restricted);
        m_restricted->setChecked(restricted);
    }
    for (Field f : {TileB, TileX, PeCount, LanesPerPe, MacsPerLane, SoftmaxPerPe, BatchSize, ActivationBuffer,
                    WeightBuffer, MaskBuffer})
        m_fields[std::size_t(f)]->setRestricted(restricted);
    m_spaceMemory->setVisible(restricted);
    m_freeMemory->setVisible(!restricted);
    if (auto* form = qobject_cast<QFormLayout*>(m_spaceMemory->parentWidget()->layout()))
        form->setRowVisible(m_spaceMemory, restricted);
}

void AcceleratorEditor::edit(Field f, double value) {
    AcceleratorSpec next = m_session->current().accelerator;
    setValue(next, f, value);
    push(next, tr("Set %1 to %2").arg(tr(kFields[f].label)).arg(value), int(f));
}

void AcceleratorEditor::push(const AcceleratorSpec& next, const QString& text, int mergeKey) {
    const AcceleratorSpec& now = m_session->current().accelerator;
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
    const AcceleratorSpec& a = m_session->current().accelerator;
    for (int f = 0; f < FieldCount; ++f)
        m_fields[std::size_t(f)]->setValue(valueOf(a, Field(f)));
    const QSignalBlocker b1(m_nonlinearity), b2(m_memoryType), b3(m_memoryMode), b4(m_spaceMemory);
    m_nonlinearity->setCurrentIndex(m_nonlinearity->findData(int(a.nonlinearity)));
    m_memoryType->setCurrentIndex(m_memoryType->findData(int(a.mainMemory.type)));
    m_memoryMode->setCurrentIndex(m_memoryMode->findData(int(a.mainMemory.mode)));
    const QString key = QString::fromStdString(a.mainMemory.key());
    int index = m_spaceMemory->findData(key);
    if (index < 0) {
        m_spaceMemory->addItem(tr("%1 (outside the space)").arg(key), key);
        index = m_spaceMemory->count() - 1;
    }
    m_spaceMemory->setCurrentIndex(index);

    m_frame->resetButton()->setEnabled(!(a == m_session->start().accelerator));
}

} // namespace tcw::widgets
