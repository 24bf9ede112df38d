// Read-only specification view: pretty-printed JSON of one part of a design.
#include "design_spec_view.h"

#include "panels/empty_state_widget.h"

#include <QFontDatabase>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPlainTextEdit>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace tcw::widgets {

DesignSpecView::DesignSpecView(store::DesignKind part, QWidget* parent)
    : QWidget(parent), m_part(part), m_stack(new QStackedWidget(this)) {
    const bool accelerator = part == store::DesignKind::Accelerator;
    m_empty = new EmptyStateWidget(accelerator ? tr("No accelerator selected") : tr("No transformer selected"),
                                   accelerator ? tr("Select an accelerator or a co-design to see its parameters here.")
                                               : tr("Select a transformer or a co-design to see its layers here."),
                                   this);
    m_stack->addWidget(m_empty);

    auto* page = new QWidget;
    auto* column = new QVBoxLayout(page);
    column->setContentsMargins(6, 6, 6, 6);
    m_caption = new QLabel(page);
    m_caption->setWordWrap(true);
    m_caption->setForegroundRole(QPalette::PlaceholderText);
    m_text = new QPlainTextEdit(page);
    m_text->setReadOnly(true);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setToolTip(tr("The specification as stored in the workspace (read-only)"));
    column->addWidget(m_caption);
    column->addWidget(m_text);
    m_stack->addWidget(page);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_stack);
}

void DesignSpecView::setDesign(const std::optional<store::DesignRecord>& design) {
    QString text;
    if (design && design->kind == m_part) {
        text = QString::fromStdString(design->specJson); // verbatim: the writer's field order and layout
    } else if (design && design->kind == store::DesignKind::Pair) {
        const QJsonDocument whole = QJsonDocument::fromJson(QByteArray::fromStdString(design->specJson));
        const char* key = m_part == store::DesignKind::Accelerator ? "accelerator" : "transformer";
        const QJsonValue member = whole.object().value(QLatin1String(key));
        if (member.isObject())
            text = QString::fromUtf8(QJsonDocument(member.toObject()).toJson(QJsonDocument::Indented));
    }
    if (text.isEmpty()) {
        m_text->clear();
        m_stack->setCurrentWidget(m_empty);
        return;
    }
    m_caption->setText(tr("%1 — as stored in the workspace (read-only)").arg(QString::fromStdString(design->name)));
    m_text->setPlainText(text);
    m_stack->setCurrentIndex(1);
}

bool DesignSpecView::showsSpec() const {
    return m_stack->currentIndex() == 1;
}

QString DesignSpecView::specText() const {
    return m_text->toPlainText();
}

} // namespace tcw::widgets
