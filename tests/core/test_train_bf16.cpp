// Issue 20: --bf16 honest about the CPU. The decision (train/precision.h) on CPUs described by
// hand — with and without bf16 hardware, asked, forced, not asked — and oneDNN's view of
// this machine checked against the kernel's CPU flags; the trainer's configuration takes
// the decision (codesign::makeTrainConfig is what tcw train and the GUI go through).
#include "codesign/training_job.h"
#include "train/precision.h"

#include <QtTest>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

using namespace tcw;
using namespace tcw::train;

namespace {
// The flags line of /proc/cpuinfo ("" where there is none).
std::string cpuFlags() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("flags", 0) == 0)
            return line + " ";
    return {};
}
} // namespace

class TestTrainBf16 : public QObject {
    Q_OBJECT
private slots:
    void noBf16HardwareRunsF32WithANote();
    void forcedRunsBf16AndSaysItIsEmulated();
    void bf16HardwareRunsBf16Silently();
    void notAskedIsF32Silently();
    void oneDnnSeesTheKernelsFlags();
    void trainConfigTakesTheDecision();
};

void TestTrainBf16::noBf16HardwareRunsF32WithANote() {
    const CpuIsa vnni{"avx512_core_vnni", false};
    const PrecisionChoice c = choosePrecision(true, false, vnni);
    QVERIFY(!c.bf16);
    QVERIFY2(c.note.find("avx512_core_vnni") != std::string::npos, c.note.c_str()); // names the CPU
    QVERIFY2(c.note.find("no bf16 hardware") != std::string::npos, c.note.c_str());
    QVERIFY2(c.note.find("f32") != std::string::npos, c.note.c_str());          // says what runs
    QVERIFY2(c.note.find("--force-bf16") != std::string::npos, c.note.c_str()); // and how to override
}

void TestTrainBf16::forcedRunsBf16AndSaysItIsEmulated() {
    const CpuIsa avx2{"avx2", false};
    for (bool requested : {false, true}) { // --force-bf16 alone implies bf16
        const PrecisionChoice c = choosePrecision(requested, true, avx2);
        QVERIFY(c.bf16);
        QVERIFY2(c.note.find("emulated") != std::string::npos, c.note.c_str());
    }
}

void TestTrainBf16::bf16HardwareRunsBf16Silently() {
    for (const CpuIsa& cpu : {CpuIsa{"avx512_core_bf16", true}, CpuIsa{"avx512_core_amx", true}})
        for (bool forced : {false, true}) {
            const PrecisionChoice c = choosePrecision(true, forced, cpu);
            QVERIFY(c.bf16);
            QVERIFY(c.note.empty());
        }
}

void TestTrainBf16::notAskedIsF32Silently() {
    for (bool hardware : {false, true}) {
        const PrecisionChoice c = choosePrecision(false, false, {"x", hardware});
        QVERIFY(!c.bf16);
        QVERIFY(c.note.empty());
    }
}

void TestTrainBf16::oneDnnSeesTheKernelsFlags() {
    if (std::getenv("ONEDNN_MAX_CPU_ISA") || std::getenv("DNNL_MAX_CPU_ISA"))
        QSKIP("oneDNN's ISA is capped by the environment");
    const std::string flags = cpuFlags();
    if (flags.empty())
        QSKIP("no /proc/cpuinfo flags");
    const bool kernelSaysBf16 =
        flags.find(" avx512_bf16 ") != std::string::npos || flags.find(" amx_bf16 ") != std::string::npos;
    const CpuIsa isa = detectCpuIsa();
    QVERIFY(!isa.name.empty() && isa.name != "unknown");
    QCOMPARE(isa.bf16Hardware, kernelSaysBf16);
}

void TestTrainBf16::trainConfigTakesTheDecision() {
    train::Dataset data;
    data.train.count = 64;
    TrainingRequest r;
    r.batch = 8;
    r.bf16 = true;
    const bool expected = choosePrecision(true, false, detectCpuIsa()).bf16;
    QCOMPARE(codesign::makeTrainConfig(r, data).bf16Matmul, expected);
    r.forceBf16 = true;
    QVERIFY(codesign::makeTrainConfig(r, data).bf16Matmul);
    r.bf16 = r.forceBf16 = false;
    QVERIFY(!codesign::makeTrainConfig(r, data).bf16Matmul);
}

QTEST_APPLESS_MAIN(TestTrainBf16)
#include "test_train_bf16.moc"
