// The lesson panel: the running lesson's title, its steps (click one to go there), the current
// step's text and figure (SVG drawn crisply at the panel's width, or a raster image; a click
// opens it larger), where it stands ("Step 2 of 6"), Back / Next (Alt+Left / Alt+Right) and
// Exit. It shows; the controller applies the steps.
#pragma once

#include "models/lesson.h"

#include <QImage>
#include <QWidget>

class QDialog;
class QLabel;
class QListWidget;
class QPushButton;
class QTextBrowser;

namespace tcw::widgets {

class LessonPanel : public QWidget {
    Q_OBJECT

public:
    explicit LessonPanel(QWidget* parent = nullptr);

    // baseDirectory: where the lesson file is (figures are relative to it).
    void setLesson(const models::Lesson& lesson, const QString& baseDirectory);
    void showStep(int step);
    int currentStep() const { return m_step; }
    // A line under the text: what applying the step is doing, or why it failed (error).
    void setStatus(const QString& text, bool error = false);

    // The figure at path drawn widthPx device-independent pixels wide (height by its aspect
    // ratio) for a screen of devicePixelRatio: an SVG (.svg, .svgz) is rendered at exactly
    // that size × ratio; a raster image is only scaled down (scaling it up would blur it).
    // A null image when the file cannot be read.
    static QImage renderFigure(const QString& path, int widthPx, qreal devicePixelRatio);
    // Opens the current step's figure larger in a dialog (what a click on the figure does);
    // nullptr when the step has none.
    QDialog* enlargeFigure();

    QPushButton* backButton() const { return m_back; }
    QPushButton* nextButton() const { return m_next; }
    QLabel* progressLabel() const { return m_progress; }
    QTextBrowser* textView() const { return m_text; }
    QLabel* figureLabel() const { return m_figure; }
    QListWidget* stepList() const { return m_steps; }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

signals:
    void stepRequested(int step);
    void exitRequested();

private:
    QString currentFigurePath() const;
    // Draws the current step's figure availableWidthPx wide (at most kFigureWidthPx); hides the
    // label when the step has no figure or it cannot be read.
    void updateFigure(int availableWidthPx);

    models::Lesson m_lesson;
    QString m_base;
    int m_step = -1;
    QLabel* m_title;
    QLabel* m_progress;
    QListWidget* m_steps;
    QTextBrowser* m_text;
    QLabel* m_figure;
    int m_figureWidth = 0; // the width the figure was last drawn at (px); 0: not drawn
    QLabel* m_status;
    QPushButton* m_back;
    QPushButton* m_next;
    QPushButton* m_exit;
};

} // namespace tcw::widgets
