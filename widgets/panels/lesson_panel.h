// The lesson panel: the running lesson's title, its steps (click one to go there), the current
// step's text and figure, where it stands ("Step 2 of 6"), Back / Next (Alt+Left / Alt+Right)
// and Exit. It shows; the controller applies the steps.
#pragma once

#include "models/lesson.h"

#include <QWidget>

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

    QPushButton* backButton() const { return m_back; }
    QPushButton* nextButton() const { return m_next; }
    QLabel* progressLabel() const { return m_progress; }
    QTextBrowser* textView() const { return m_text; }
    QLabel* figureLabel() const { return m_figure; }
    QListWidget* stepList() const { return m_steps; }

signals:
    void stepRequested(int step);
    void exitRequested();

private:
    models::Lesson m_lesson;
    QString m_base;
    int m_step = -1;
    QLabel* m_title;
    QLabel* m_progress;
    QListWidget* m_steps;
    QTextBrowser* m_text;
    QLabel* m_figure;
    QLabel* m_status;
    QPushButton* m_back;
    QPushButton* m_next;
    QPushButton* m_exit;
};

} // namespace tcw::widgets
