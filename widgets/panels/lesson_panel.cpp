// LessonPanel: a vertical column sized for the left dock.
#include "lesson_panel.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QEvent>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMouseEvent>
#include <QPainter>
#include <QPixmap>
#include <QPushButton>
#include <QScreen>
#include <QSplitter>
#include <QSvgRenderer>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace tcw::widgets {

namespace {
// Figures are drawn as wide as the panel, at most this (the dock's usual width; the shipped
// SVG figures are designed for it: text of 12 px stays >= 11 px down to a 240 px wide dock).
constexpr int kFigureWidthPx = 280;
constexpr int kEnlargedFigureWidthPx = 760; // the figure's dialog, if the screen is that wide

bool isSvg(const QString& path) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    return suffix == QLatin1String("svg") || suffix == QLatin1String("svgz");
}
} // namespace

QImage LessonPanel::renderFigure(const QString& path, int widthPx, qreal devicePixelRatio) {
    if (widthPx <= 0 || devicePixelRatio <= 0)
        return {};
    if (isSvg(path)) {
        QSvgRenderer svg(path);
        const QSizeF intrinsic = svg.viewBoxF().isValid() ? svg.viewBoxF().size() : QSizeF(svg.defaultSize());
        if (!svg.isValid() || intrinsic.isEmpty())
            return {};
        // Drawn at the target size in device pixels: vector-sharp on every screen.
        // Whole device-independent pixels, so the label is exactly as tall as the drawing.
        const int heightPx = std::max(1, int(std::lround(widthPx * intrinsic.height() / intrinsic.width())));
        QImage image(int(std::lround(widthPx * devicePixelRatio)), int(std::lround(heightPx * devicePixelRatio)),
                     QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::transparent);
        QPainter painter(&image);
        painter.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing | QPainter::SmoothPixmapTransform);
        svg.setAspectRatioMode(Qt::KeepAspectRatio);
        svg.render(&painter, QRectF(QPointF(0, 0), QSizeF(image.size())));
        painter.end();
        image.setDevicePixelRatio(devicePixelRatio);
        return image;
    }
    QImage image(path);
    if (image.isNull())
        return {};
    // A raster image shrinks to fit, never grows (enlarging would only blur it).
    const int logicalWidth = std::min(widthPx, image.width());
    const int deviceWidth = int(std::lround(logicalWidth * devicePixelRatio));
    if (image.width() > deviceWidth)
        image = image.scaledToWidth(deviceWidth, Qt::SmoothTransformation);
    image.setDevicePixelRatio(double(image.width()) / logicalWidth);
    return image;
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
    // As wide as the body lets it be (the figure is redrawn for that width, so it never
    // holds the dock wider); as tall as the drawn figure.
    m_figure->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    m_figure->setCursor(Qt::PointingHandCursor);
    m_figure->installEventFilter(this);
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
    m_figureWidth = 0;
    // The label may be hidden (the last step had no figure): its column's width is what it gets.
    updateFigure(m_figure->parentWidget()->contentsRect().width());
    m_figure->setToolTip(tr("%1 — click to enlarge").arg(s.figure));
    m_figure->setAccessibleName(tr("Figure %1").arg(s.figure));
    if (!s.figure.isEmpty() && m_figure->isHidden())
        setStatus(tr("The figure %1 cannot be read").arg(QDir::toNativeSeparators(currentFigurePath())), true);
    m_back->setEnabled(step > 0);
    m_next->setEnabled(step + 1 < count);
}

QString LessonPanel::currentFigurePath() const {
    if (m_step < 0 || m_step >= int(m_lesson.steps.size()))
        return {};
    const QString& figure = m_lesson.steps[std::size_t(m_step)].figure;
    return figure.isEmpty() ? QString() : QDir(m_base).filePath(figure);
}

void LessonPanel::updateFigure(int availableWidthPx) {
    const QString path = currentFigurePath();
    const int width = std::clamp(availableWidthPx, 1, kFigureWidthPx);
    const QImage figure = path.isEmpty() ? QImage() : renderFigure(path, width, m_figure->devicePixelRatioF());
    m_figureWidth = figure.isNull() ? 0 : width;
    m_figure->setPixmap(QPixmap::fromImage(figure));
    m_figure->setVisible(!figure.isNull());
}

QDialog* LessonPanel::enlargeFigure() {
    const QString path = currentFigurePath();
    if (path.isEmpty())
        return nullptr;
    const QScreen* screen = this->screen();
    const int width = std::min(kEnlargedFigureWidthPx,
                               screen ? screen->availableGeometry().width() * 9 / 10 : kEnlargedFigureWidthPx);
    const QImage figure = renderFigure(path, width, devicePixelRatioF());
    if (figure.isNull())
        return nullptr;
    auto* dialog = new QDialog(this);
    dialog->setObjectName(QStringLiteral("lessonFigureDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("%1 — figure").arg(m_lesson.steps[std::size_t(m_step)].title));
    auto* picture = new QLabel(dialog);
    picture->setObjectName(QStringLiteral("lessonFigureLarge"));
    picture->setAlignment(Qt::AlignCenter);
    picture->setPixmap(QPixmap::fromImage(figure));
    picture->setStyleSheet(QStringLiteral("background: white;"));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    buttons->button(QDialogButtonBox::Close)->setToolTip(tr("Close the figure (Esc)"));
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    auto* layout = new QVBoxLayout(dialog);
    layout->addWidget(picture, 1);
    layout->addWidget(buttons);
    dialog->show();
    return dialog;
}

bool LessonPanel::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_figure) {
        if (event->type() == QEvent::Resize && m_figureWidth > 0 &&
            std::min(m_figure->contentsRect().width(), kFigureWidthPx) != m_figureWidth)
            updateFigure(m_figure->contentsRect().width()); // the dock was resized: redraw for it
        else if (event->type() == QEvent::MouseButtonRelease &&
                 static_cast<QMouseEvent*>(event)->button() == Qt::LeftButton) {
            enlargeFigure();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void LessonPanel::setStatus(const QString& text, bool error) {
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
    m_status->setVisible(!text.isEmpty());
}

} // namespace tcw::widgets
