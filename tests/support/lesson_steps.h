// Test support: drive a lesson to a step and wait until the step's whole state holds (its
// workspace may open first), as test_lessons and test_lesson_bits both do.
#pragma once

#include "lesson_controller.h"

#include <QList>
#include <QSignalSpy>
#include <QTest>
#include <QVariant>

namespace tcw::testing {

// Goes to `step` and waits (up to 30 s) for its stepApplied; false when it did not come.
inline bool applyStep(app::LessonController* lessons, int step) {
    QSignalSpy applied(lessons, &app::LessonController::stepApplied);
    lessons->goToStep(step);
    return QTest::qWaitFor(
        [&] {
            for (const QList<QVariant>& args : applied)
                if (args.at(0).toInt() == step)
                    return true;
            return false;
        },
        30000);
}

} // namespace tcw::testing
