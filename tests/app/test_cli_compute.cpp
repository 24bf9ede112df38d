// Issue 20, end to end through the built tcw: OpenMP threads sleep when idle unless the user
// chose a wait policy (the executable restarts itself with OMP_WAIT_POLICY=PASSIVE before
// libgomp reads it), and --bf16 on a CPU without bf16 hardware says so and runs f32 (the CPU
// capped with oneDNN's ONEDNN_MAX_CPU_ISA, which the trainer's ISA check then sees).
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {
const QString kData = QStringLiteral(TCW_SOURCE_DATA_DIR);

struct Run {
    int exitCode = -1;
    QString err;
};

// One training step of BERT-Tiny on a few generated ListOps examples, with `env` changes
// (name → value; an empty value removes the variable).
Run trainOnce(const QString& out, const QStringList& extra, const QList<QPair<QString, QString>>& env) {
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    for (const QString& name : {QStringLiteral("OMP_WAIT_POLICY"), QStringLiteral("TCW_OMP_WAIT_POLICY_SET"),
                                QStringLiteral("ONEDNN_MAX_CPU_ISA"), QStringLiteral("DNNL_MAX_CPU_ISA")})
        e.remove(name);
    for (const auto& [name, value] : env)
        e.insert(name, value);
    QProcess p;
    p.setProcessEnvironment(e);
    QStringList args{"train",   "--model",    kData + "/presets/models/bert-tiny.json",
                     "--data",  "listops",    "--seq-len",
                     "16",      "--steps",    "1",
                     "--batch", "8",          "--max-train",
                     "32",      "--max-test", "8",
                     "--quiet", "--out",      out,
                     "--force"};
    args += extra;
    p.start(QStringLiteral(TCW_CLI_BINARY), args);
    if (!p.waitForFinished(120000))
        return {};
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardError())};
}

bool metricsSayBf16(const QString& dir) {
    QFile f(dir + "/metrics.json");
    if (!f.open(QIODevice::ReadOnly))
        return false;
    return QJsonDocument::fromJson(f.readAll()).object().value("bf16Matmul").toBool();
}
} // namespace

class TestCliCompute : public QObject {
    Q_OBJECT
private slots:
    void idleThreadsSleepByDefault();
    void theUsersWaitPolicyIsKept();
    void bf16WithoutHardwareRunsF32();
    void forcedBf16RunsBf16();
};

void TestCliCompute::idleThreadsSleepByDefault() {
    QTemporaryDir dir;
    const Run r = trainOnce(dir.path() + "/run", {}, {});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.err.contains("OpenMP waiting PASSIVE (idle threads sleep)"), qPrintable(r.err));
}

void TestCliCompute::theUsersWaitPolicyIsKept() {
    QTemporaryDir dir;
    const Run r = trainOnce(dir.path() + "/run", {}, {{"OMP_WAIT_POLICY", "ACTIVE"}});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.err.contains("OpenMP waiting ACTIVE (OMP_WAIT_POLICY)"), qPrintable(r.err));
}

void TestCliCompute::bf16WithoutHardwareRunsF32() {
    QTemporaryDir dir;
    const QString out = dir.path() + "/run";
    const Run r = trainOnce(out, {"--bf16"}, {{"ONEDNN_MAX_CPU_ISA", "AVX512_CORE_VNNI"}});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.err.contains("has no bf16 hardware") && r.err.contains("running f32"), qPrintable(r.err));
    QVERIFY(!metricsSayBf16(out)); // what ran, not what was asked
}

void TestCliCompute::forcedBf16RunsBf16() {
    QTemporaryDir dir;
    const QString out = dir.path() + "/run";
    const Run r = trainOnce(out, {"--force-bf16"}, {{"ONEDNN_MAX_CPU_ISA", "AVX512_CORE_VNNI"}});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.err.contains("emulated"), qPrintable(r.err));
    QVERIFY(metricsSayBf16(out));
}

QTEST_GUILESS_MAIN(TestCliCompute)
#include "test_cli_compute.moc"
