// Transformer editor: the layer table asks for whole new specs; every change is an undoable
// TransformerEditCommand.
#include "transformer_editor.h"

#include "editor_frame.h"
#include "what_if_summary.h"

#include "models/edit_commands.h"
#include "models/edit_session.h"
#include "models/layer_table_model.h"

#include "design/design_space.h"
#include "design/validation.h"
#include "io/files.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSettings>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QUndoStack>
#include <QVBoxLayout>

namespace tcw::widgets {

namespace {
// The precisions the editor offers per role.
const Precision kPrecisionChoices[] = {
    {32, Quantizer::Float},    {16, Quantizer::Float},     {8, Quantizer::Symmetric}, {8, Quantizer::Asymmetric},
    {4, Quantizer::Symmetric}, {4, Quantizer::PowerOfTwo}, {2, Quantizer::Symmetric}, {1, Quantizer::Sign}};
int precisionKey(const Precision& p) {
    return p.bits * 16 + int(p.quantizer);
}
QString precisionText(const Precision& p) {
    return QObject::tr("%1-bit %2").arg(p.bits).arg(QString::fromUtf8(quantizerName(p.quantizer).data()));
}
} // namespace

namespace {
// The hidden size: the space's sizes in a combo box when restricted, else a spin box.
class HiddenSizeDelegate : public QStyledItemDelegate {
public:
    HiddenSizeDelegate(const models::LayerTableModel* model, const QCheckBox* restricted, QObject* parent)
        : QStyledItemDelegate(parent), m_model(model), m_restricted(restricted) {}

    QWidget* createEditor(QWidget* parent, const QStyleOptionViewItem&, const QModelIndex&) const override {
        if (m_restricted->isChecked() && !m_model->hiddenSizeChoices().empty()) {
            auto* combo = new QComboBox(parent);
            for (int size : m_model->hiddenSizeChoices())
                combo->addItem(QString::number(size), size);
            return combo;
        }
        auto* spin = new QSpinBox(parent);
        spin->setRange(1, 65536);
        return spin;
    }
    void setEditorData(QWidget* editor, const QModelIndex& index) const override {
        const int value = index.data(Qt::EditRole).toInt();
        if (auto* combo = qobject_cast<QComboBox*>(editor))
            combo->setCurrentIndex(std::max(0, combo->findData(value)));
        else if (auto* spin = qobject_cast<QSpinBox*>(editor))
            spin->setValue(value);
    }
    void setModelData(QWidget* editor, QAbstractItemModel* model, const QModelIndex& index) const override {
        if (auto* combo = qobject_cast<QComboBox*>(editor))
            model->setData(index, combo->currentData());
        else if (auto* spin = qobject_cast<QSpinBox*>(editor))
            model->setData(index, spin->value());
    }

private:
    const models::LayerTableModel* m_model;
    const QCheckBox* m_restricted;
};
} // namespace

TransformerEditor::TransformerEditor(models::EditSession* session, QWidget* parent)
    : QWidget(parent), m_session(session), m_stack(new QUndoStack(this)), m_layers(new models::LayerTableModel(this)) {
    setObjectName(QStringLiteral("transformerEditor"));
    m_frame = new EditorFrame(m_stack,
                              {tr("No co-design selected"),
                               tr("Select a co-design to change its transformer here: layers, heads, "
                                  "feed-forward stacks, with the metrics updated at once."),
                               tr("Undo the last change to the transformer"), tr("Redo the change undone last"),
                               tr("Set the transformer back to the design the edit started from (undoable)")},
                              this);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_frame);
    buildPage();
    connect(m_frame, &EditorFrame::resetRequested, this,
            [this] { apply(m_session->start().transformer, tr("Back to the start")); });
    connect(m_frame, &EditorFrame::saveRequested, this, &TransformerEditor::saveRequested);

    std::vector<int> hidden = m_session->modelSpace().hiddenSizes;
    m_layers->setHiddenSizeChoices(hidden);
    connect(m_layers, &models::LayerTableModel::editRequested, this,
            [this](const TransformerSpec& spec, const QString& text, int field) { apply(spec, text, field); });
    connect(m_layers, &models::LayerTableModel::editRejected, this, &TransformerEditor::message);
    connect(m_session, &models::EditSession::started, this, [this] { m_stack->clear(); });
    connect(m_session, &models::EditSession::ended, this, [this] {
        m_stack->clear();
        refresh();
    });
    connect(m_session, &models::EditSession::evaluated, this, &TransformerEditor::refresh);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &TransformerEditor::refresh);
    setRestricted(QSettings().value(QStringLiteral("editors/transformerRestricted"), true).toBool());
    refresh();
}

WhatIfSummary* TransformerEditor::summary() const {
    return m_frame->summary();
}

void TransformerEditor::buildPage() {
    QWidget* page = this;
    auto* options = new QHBoxLayout;
    m_presets = new QComboBox(page);
    m_presets->setToolTip(tr("Replace the transformer with a preset model (undoable)"));
    m_presets->addItem(tr("Load a preset…"));
    connect(m_presets, &QComboBox::activated, this, [this](int index) {
        const QString path = m_presets->itemData(index).toString();
        m_presets->setCurrentIndex(0);
        if (path.isEmpty())
            return;
        const auto loaded = io::loadTransformer(std::filesystem::path(path.toStdString()));
        if (!loaded) {
            emit message(QString::fromStdString(loaded.errors.toString()));
            return;
        }
        apply(*loaded.value, tr("Load preset %1").arg(m_presets->itemText(index)));
    });
    m_activation = new QComboBox(page);
    m_activation->addItem(QStringLiteral("GELU"), int(Activation::Gelu));
    m_activation->addItem(QStringLiteral("ReLU"), int(Activation::Relu));
    m_activation->setToolTip(tr("Activation of every feed-forward hidden layer"));
    connect(m_activation, &QComboBox::activated, this, [this] {
        TransformerSpec next = m_session->current().transformer;
        next.activation = Activation(m_activation->currentData().toInt());
        apply(next, tr("Set activation to %1").arg(m_activation->currentText()));
    });
    options->addWidget(m_presets, 1);
    options->addWidget(new QLabel(tr("Activation"), page));
    options->addWidget(m_activation);
    m_frame->top()->addLayout(options);
    m_restricted = new QCheckBox(tr("Only values of the FlexiBERT 2.0 design space"), page);
    m_restricted->setToolTip(tr("On: hidden sizes, head counts and feed-forward widths must be the space's (the "
                                "accuracy predictor knows only those). Off: any value"));
    connect(m_restricted, &QCheckBox::toggled, this,
            [this](bool on) { QSettings().setValue(QStringLiteral("editors/transformerRestricted"), on); });
    m_frame->top()->addWidget(m_restricted);

    QVBoxLayout* body = m_frame->body();
    QWidget* inner = body->parentWidget();
    m_table = new QTableView(inner);
    m_table->setObjectName(QStringLiteral("layerTable"));
    m_table->setModel(m_layers);
    m_table->setItemDelegateForColumn(models::LayerTableModel::HiddenColumn,
                                      new HiddenSizeDelegate(m_layers, m_restricted, m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                             QAbstractItemView::AnyKeyPressed);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    // Heads take the room left and wrap; every other column is as wide as its contents.
    for (int c = 0; c < models::LayerTableModel::ColumnCount; ++c)
        m_table->horizontalHeader()->setSectionResizeMode(
            c, c == models::LayerTableModel::HeadsColumn ? QHeaderView::Stretch : QHeaderView::ResizeToContents);
    m_table->setWordWrap(true);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setMinimumHeight(160);
    m_table->setToolTip(tr("One row per encoder layer; double-click a cell to change it"));
    body->addWidget(m_table, 1);

    auto* layerButtons = new QHBoxLayout;
    auto button = [&](const QString& text, const QString& tip) {
        auto* b = new QPushButton(text, inner);
        b->setToolTip(tip);
        layerButtons->addWidget(b);
        return b;
    };
    m_add = button(tr("Add"), tr("Add a copy of the selected layer after it (or of the last layer)"));
    m_remove = button(tr("Remove"), tr("Remove the selected layer"));
    m_up = button(tr("Up"), tr("Move the selected layer one place earlier"));
    m_down = button(tr("Down"), tr("Move the selected layer one place later"));
    layerButtons->addStretch();
    connect(m_add, &QPushButton::clicked, this, &TransformerEditor::addLayer);
    connect(m_remove, &QPushButton::clicked, this, &TransformerEditor::removeLayer);
    connect(m_up, &QPushButton::clicked, this, [this] { moveLayer(-1); });
    connect(m_down, &QPushButton::clicked, this, [this] { moveLayer(+1); });
    body->addLayout(layerButtons);

    m_stats = new QLabel(inner);
    m_stats->setObjectName(QStringLiteral("transformerStats"));
    m_stats->setToolTip(tr("Trainable parameters (sequence 128, BERT vocabulary) and forward FLOPs per sequence"));
    m_stats->setWordWrap(true);
    body->addWidget(m_stats);

    m_compression = new QLabel(inner);
    m_compression->setObjectName(QStringLiteral("transformerCompression"));
    m_compression->setToolTip(tr("Precision per tensor role (with per-layer overrides) and the weight pruning pattern "
                                 "per matrix, as the model's JSON gives them (\"compression\")"));
    m_compression->setWordWrap(true);
    m_compression->setTextInteractionFlags(Qt::TextSelectableByMouse);
    body->addWidget(m_compression);

    // Model-wide precision per tensor role: the common choices, undoable like every edit
    // (per-layer overrides and pruning patterns come from the model's JSON).
    auto* precisionBox = new QGroupBox(tr("Precision"), inner);
    auto* precisionForm = new QFormLayout(precisionBox);
    const QString roleLabels[kTensorRoleCount] = {
        tr("Weights"),    tr("Linear inputs"), tr("Q, K, V"),   tr("Attention probabilities"),
        tr("FFN hidden"), tr("Embeddings"),    tr("Classifier")};
    for (std::size_t r = 0; r < kTensorRoleCount; ++r) {
        auto* combo = new QComboBox(precisionBox);
        combo->setObjectName(QStringLiteral("precision:") + QString::fromUtf8(tensorRoleName(TensorRole(r)).data()));
        combo->setToolTip(tr("Bits and quantizer of this tensor role in every layer"));
        for (const Precision& p : kPrecisionChoices)
            combo->addItem(precisionText(p), QVariant::fromValue(precisionKey(p)));
        connect(combo, &QComboBox::activated, this, [this, r, combo](int index) {
            const int key = combo->itemData(index).toInt();
            TransformerSpec next = m_session->current().transformer;
            next.compression.precision[r] = {key / 16, Quantizer(key % 16)};
            apply(next, tr("Set %1 to %2")
                            .arg(QString::fromUtf8(tensorRoleName(TensorRole(r)).data()), combo->itemText(index)));
        });
        precisionForm->addRow(roleLabels[r], combo);
        m_precision[r] = combo;
    }
    body->addWidget(precisionBox);
}

QComboBox* TransformerEditor::precisionCombo(TensorRole role) const {
    return m_precision[std::size_t(role)];
}

void TransformerEditor::setPresets(const QList<QPair<QString, QString>>& presets) {
    while (m_presets->count() > 1)
        m_presets->removeItem(1);
    for (const auto& [name, path] : presets)
        m_presets->addItem(name, path);
}

bool TransformerEditor::isRestricted() const {
    return m_restricted->isChecked();
}

void TransformerEditor::setRestricted(bool restricted) {
    m_restricted->setChecked(restricted);
}

QString TransformerEditor::statsText() const {
    return m_stats->text();
}

QString TransformerEditor::compressionText() const {
    return m_compression->text();
}

int TransformerEditor::selectedLayer() const {
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : rows.front().row();
}

void TransformerEditor::apply(const TransformerSpec& next, const QString& text, int mergeKey) {
    const TransformerSpec& now = m_session->current().transformer;
    if (!m_session->isActive() || next == now)
        return;
    if (m_restricted->isChecked()) {
        const ValidationErrors outside = m_session->modelSpace().check(next);
        if (!outside.empty()) {
            emit message(tr("Not in the FlexiBERT 2.0 space: %1 (untick “Only values of the design space” to allow "
                            "it)")
                             .arg(QString::fromStdString(outside.front().toString())));
            m_layers->setSpec(now); // the view shows the model as it is
            return;
        }
    }
    m_stack->push(new models::TransformerEditCommand(m_session, now, next, text, mergeKey));
}

void TransformerEditor::addLayer() {
    TransformerSpec next = m_session->current().transformer;
    if (next.layers.empty())
        return;
    const int at = selectedLayer() >= 0 ? selectedLayer() : next.layerCount() - 1;
    next.layers.insert(next.layers.begin() + at + 1, next.layers[std::size_t(at)]);
    apply(next, tr("Add layer %1").arg(at + 2));
    m_table->selectRow(at + 1);
}

void TransformerEditor::removeLayer() {
    TransformerSpec next = m_session->current().transformer;
    const int at = selectedLayer();
    if (at < 0 || next.layerCount() <= 1)
        return;
    next.layers.erase(next.layers.begin() + at);
    apply(next, tr("Remove layer %1").arg(at + 1));
    m_table->selectRow(std::min(at, next.layerCount() - 1));
}

void TransformerEditor::moveLayer(int delta) {
    TransformerSpec next = m_session->current().transformer;
    const int at = selectedLayer();
    const int to = at + delta;
    if (at < 0 || to < 0 || to >= next.layerCount())
        return;
    std::swap(next.layers[std::size_t(at)], next.layers[std::size_t(to)]);
    apply(next, delta < 0 ? tr("Move layer %1 up").arg(at + 1) : tr("Move layer %1 down").arg(at + 1));
    m_table->selectRow(to);
}

void TransformerEditor::setDominance(const QString& status, bool joinsFront) {
    m_frame->summary()->setDominance(status, joinsFront);
}

void TransformerEditor::refresh() {
    const bool active =
        m_frame->showSession(*m_session, [](const ValidationError& e) { return e.path.rfind("accelerator", 0) != 0; });
    if (!active)
        return;
    const TransformerSpec& t = m_session->current().transformer;
    m_layers->setSpec(t);
    {
        const QSignalBlocker block(m_activation);
        m_activation->setCurrentIndex(m_activation->findData(int(t.activation)));
    }
    const TaskShape& task = m_session->options().task;
    const QLocale l;
    m_stats->setText(tr("%1 layers · %2 M parameters · %3 GFLOP forward per sequence")
                         .arg(t.layerCount())
                         .arg(l.toString(double(t.parameterCount(task)) / 1e6, 'f', 2))
                         .arg(l.toString(t.forwardFlopsPerToken(task) * task.sequenceLength / 1e9, 'f', 2)));
    QStringList compression;
    for (const std::string& line : describeCompression(t.compression))
        compression << QString::fromStdString(line);
    m_compression->setText(tr("Compression: %1").arg(compression.join(QStringLiteral("; "))));
    for (std::size_t r = 0; r < kTensorRoleCount; ++r) {
        const QSignalBlocker block(m_precision[r]);
        const Precision& p = t.compression.precision[r];
        int index = m_precision[r]->findData(precisionKey(p));
        if (index < 0) { // a precision the list does not offer, from the model's JSON
            m_precision[r]->addItem(precisionText(p), precisionKey(p));
            index = m_precision[r]->count() - 1;
        }
        m_precision[r]->setCurrentIndex(index);
    }
    const int selected = selectedLayer();
    m_remove->setEnabled(selected >= 0 && t.layerCount() > 1);
    m_up->setEnabled(selected > 0);
    m_down->setEnabled(selected >= 0 && selected + 1 < t.layerCount());
    m_frame->resetButton()->setEnabled(!(t == m_session->start().transformer));
}

} // namespace tcw::widgets
