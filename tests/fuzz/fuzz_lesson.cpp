// libFuzzer target: a lesson file (JSON) parsed as the workbench parses one, without a GUI,
// then written back and every step's state folded.
#include "fuzz_support.h"
#include "models/lesson.h"

#include <QByteArray>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const QByteArray json(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    const tcw::models::LessonParseResult result =
        tcw::models::parseLesson(json, QStringLiteral("fuzz.json"), tcw::models::LessonVocabulary{});
    if (!result.lesson)
        return 0;
    (void)tcw::models::serialiseLesson(*result.lesson);
    for (int step = 0; step < static_cast<int>(result.lesson->steps.size()); ++step)
        (void)tcw::models::effectiveState(*result.lesson, step);
    return 0;
}
