// LessonPanel: a vertical column sized for the left dock.
#include "lesson_panel.h"

#include <QDir>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPixmap>
#include <QPushButton>
#include <QSplitter>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace tcw::widgets {

namespace {
constexpr int kFigureWidthPx = 280; // figures are scaled to the dock's usual width
}

LessonPanel::LessonPanel(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("lessonPanel"));
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("lessonTitle"));
    m_title->setWordWrap(true);
    QFont big = m_title->font();
    big.setBold(true);
    big.setPointSizeF(big.pointSizeF() * 1.2);
    m_title->setFont(big);
    m_progress = new QLabel(this);
    m_progress->setObjectName(QStringLiteral("lessonProgress"));

    m_steps = new QListWidget(this);
    m_steps->setObjectName(QStringLiteral("lessonSteps"));
    m_steps->setToolTip(tr("The lesson's steps: click one to go there"));
    m_steps->setTextElideMode(Qt::ElideRight);
    m_steps->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    connect(m_steps, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0 && row != m_step)
            emit stepRequested(row);
    });

    auto* body = new QWidget(this);
    auto* bodyLayout = new QVBoxLayout(body);
    bodyLayout->setContentsMargins(0, 0, 0, 0);
    m_text = new QTextBrowser(body);
    m_text->setObjectName(QStringLiteral("lessonText"));
    m_text->setOpenExternalLinks(true);
    m_figure = new QLabel(body);
    m_figure->setObjectName(QStringLiteral("lessonFigure"));
    m_figure->setAlignment(Qt::AlignCenter);
    m_figure->hide();
    m_status = new QLabel(body);
    m_status->setObjectName(QStringLiteral("lessonStatus"));
    m_status->setWordWrap(true);
    m_status->hide();
    bodyLayout->addWidget(m_text, 1);
    bodyLayout->addWidget(m_figure);
    bodyLayout->addWidget(m_status);

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_steps);
    split->addWidget(body);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 4);
    split->setChildrenCollapsible(false);

    m_back = new QPushButton(tr("◀ Back"), this);
    m_back->setObjectName(QStringLiteral("lessonBack"));
    m_back->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Left));
    m_back->setToolTip(tr("The previous step (Alt+Left)"));
    m_next = new QPushButton(tr("Next ▶"), this);
    m_next->setObjectName(QStringLiteral("lessonNext"));
    m_next->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Right));
    m_next->setToolTip(tr("The next step (Alt+Right)"));
    m_next->setDefault(true);
    m_exit = new QPushButton(tr("Exit Lesson"), this);
    m_exit->setObjectName(QStringLiteral("lessonExit"));
    m_exit->setToolTip(tr("Leave the lesson: your layout, workspace and explorer choices come back"));
    connect(m_back, &QPushButton::clicked, this, [this] { emit stepRequested(m_step - 1); });
    connect(m_next, &QPushButton::clicked, this, [this] { emit stepRequested(m_step + 1); });
    connect(m_exit, &QPushButton::clicked, this, &LessonPanel::exitRequested);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_back);
    buttons->addWidget(m_next);
    buttons->addStretch();
    buttons->addWidget(m_exit);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_title);
    layout->addWidget(m_progress);
    layout->addWidget(split, 1);
    layout->addLayout(buttons);
}

void LessonPanel::setLesson(const models::Lesson& lesson, const QString& baseDirectory) {
    m_lesson = lesson;
    m_base = baseDirectory;
    m_step = -1;
    m_title->setText(lesson.title);
    m_title->setToolTip(lesson.summary);
    const QSignalBlocker block(m_steps);
    m_steps->clear();
    for (std::size_t i = 0; i < lesson.steps.size(); ++i) {
        auto* item = new QListWidgetItem(QStringLiteral("%1. %2").arg(i + 1).arg(lesson.steps[i].title), m_steps);
        item->setToolTip(lesson.steps[i].title);
    }
    setStatus({});
    if (!lesson.steps.empty())
        showStep(0);
}

void LessonPanel::showStep(int step) {
    const int count = int(m_lesson.steps.size());
    if (step < 0 || step >= count)
        return;
    m_step = step;
    const models::LessonStep& s = m_lesson.steps[std::size_t(step)];
    {
        const QSignalBlocker block(m_steps);
        m_steps->setCurrentRow(step);
    }
    m_progress->setText(tr("Step %1 of %2 — %3").arg(step + 1).arg(count).arg(s.title));
    m_text->setHtml(s.text);
    QPixmap figure;
    if (!s.figure.isEmpty())
        figure.load(QDir(m_base).filePath(s.figure));
    m_figure->setVisible(!figure.isNull());
    if (!figure.isNull())
        m_figure->setPixmap(
            figure.width() > kFigureWidthPx ? figure.scaledToWidth(kFigureWidthPx, Qt::SmoothTransformation) : figure);
    m_figure->setToolTip(s.figure);
    if (!s.figure.isEmpty() && figure.isNull())
        setStatus(tr("The figure %1 cannot be read").arg(QDir::toNativeSeparators(QDir(m_base).filePath(s.figure))),
                  true);
    m_back->setEnabled(step > 0);
    m_next->setEnabled(step + 1 < count);
}

void LessonPanel::setStatus(const QString& text, bool error) {
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
    m_status->setVisible(!text.isEmpty());
}

} // namespace tcw::widgets
