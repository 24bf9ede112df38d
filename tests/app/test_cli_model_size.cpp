// tcw model-size end to end (issue 15): the totals and parts it prints equal counts derived by
// hand; a precision it does not know is refused naming the option.
#include "../support/tcw_process.h"

#include <QtTest>

using tcw::testing::runTcw;
using tcw::testing::TcwRun;

class TestCliModelSize : public QObject {
    Q_OBJECT

private slots:
    void vitAtOneBit();
    void bertBaseWithOneBitEncoder();
    void badPrecisionIsRefused();
};

void TestCliModelSize::vitAtOneBit() {
    // The lesson's model: 4 layers of width 128, four 32-wide attention heads, FF 256; 16
    // patches of 49 values, 10 classes. Per layer Q, K, V 3·4·128·32 = 49,152, output 16,384,
    // FF 2·128·256 = 65,536: 131,072 weights, 15 matrices. 1 bit: 4·131,072 / 8 = 65,536 bytes,
    // 60 scales = 240 bytes; patch projection 49·128·4 = 25,088; classifier 128·10·4 = 5,120;
    // 32-bit rest: patch bias 128, positions 16·128 = 2,048, embedding norm 256, per layer
    // biases 384 + 128 + 256 + 128 and norms 512 (4 · 1,408), classifier bias 10 = 8,074 values,
    // 32,296 bytes. Total 128,280 bytes.
    const TcwRun run = runTcw({"model-size", "--model", TCW_SOURCE_DATA_DIR "/lessons/bits/vit-sdp.json", "--precision",
                               "w1a1", "--seq", "16", "--classes", "10", "--patch-input", "49"});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY2(run.out.contains(QRegularExpression("encoder weights\\s+524288\\s+1\\s+65536\\s")), qPrintable(run.out));
    QVERIFY(run.out.contains(QRegularExpression("weight scales \\(32-bit\\)\\s+60\\s+32\\s+240\\s")));
    QVERIFY(run.out.contains(QRegularExpression("embeddings\\s+6272\\s+32\\s+25088\\s")));
    QVERIFY(run.out.contains(QRegularExpression("classifier\\s+1280\\s+32\\s+5120\\s")));
    QVERIFY(run.out.contains(QRegularExpression("biases, norms, positions \\(32-bit\\)\\s+8074\\s+32\\s+32296\\s")));
    QVERIFY(run.out.contains(QRegularExpression("total\\s+128280\\s")));
    QVERIFY(run.out.contains("weights: 1-bit sign"));
}

void TestCliModelSize::bertBaseWithOneBitEncoder() {
    // docs/binarized.md's second row: 84,934,656 encoder weights at 1 bit = 10,616,832 bytes,
    // 468 scales, token table 30,522·768·4 = 93,763,584, classifier 768·2·4 = 6,144, the
    // 32-bit rest (512 positions) 514,562 values = 2,058,248 bytes: 106,446,680 bytes.
    const TcwRun run = runTcw({"model-size", "--model", "bert-base", "--precision", "w1", "--seq", "512"});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY2(run.out.contains(QRegularExpression("total\\s+106446680\\s")), qPrintable(run.out));
    QVERIFY(run.out.contains(QRegularExpression("embeddings\\s+23440896\\s+32\\s+93763584\\s+88\\.1%")));
}

void TestCliModelSize::badPrecisionIsRefused() {
    const TcwRun run = runTcw({"model-size", "--model", "bert-tiny", "--precision", "w3a3"});
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains("--precision"), qPrintable(run.err));
}

QTEST_MAIN(TestCliModelSize)
#include "test_cli_model_size.moc"
