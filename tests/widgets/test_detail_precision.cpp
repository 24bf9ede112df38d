// Issue 15: the Design detail panel shows the model's precision beside the cost model that
// read it, with how that cost model charges the bits.
#include "design/precision_shorthand.h"
#include "io/formats.h"
#include "panels/design_detail_panel.h"

#include <QLabel>
#include <QtTest>

using namespace tcw;

namespace {

store::DesignRecord pairRecord(const TransformerSpec& model) {
    io::CodesignPair pair{"w1a8 pair", model, Target(AcceleratorSpec{})};
    store::DesignRecord d;
    d.id = 7;
    d.name = pair.name;
    d.kind = store::DesignKind::Pair;
    d.specJson = io::canonicalJson(io::Document(pair));
    d.hash = std::string(64, 'a');
    d.createdAt = "2026-12-07T12:00:00.000Z";
    d.targetKind = "elector";
    return d;
}

store::EvaluationRecord evaluation(const std::string& costModel) {
    store::EvaluationRecord e;
    e.id = 1;
    e.designId = 7;
    e.mode = "inference";
    e.costModel = costModel;
    e.cycles = 11277;
    e.latencySeconds = 11277 / 700e6;
    e.feasible = true;
    e.provenance = store::MetricsProvenance::Simulated;
    return e;
}

} // namespace

class TestDetailPrecision : public QObject {
    Q_OBJECT

private slots:
    void showsThePrecisionBesideTheCostModel() {
        TransformerSpec model;
        model.name = "tiny";
        model.layers = {LayerSpec{128, {HeadSpec{HeadType::SaSdp, 64}, HeadSpec{HeadType::SaSdp, 64}}, {512}}};
        QVERIFY(applyPrecisionShorthand("w1a8", model.compression).empty());
        widgets::DesignDetailPanel panel;
        panel.setDesign(pairRecord(model), {evaluation("elector")});
        const QString text = panel.metricText(QStringLiteral("Compression"));
        QVERIFY2(text.contains(QStringLiteral("weights: 1-bit sign")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("qkv: 8-bit symmetric")), qPrintable(text));
        const auto* field = panel.findChild<QLabel*>(QStringLiteral("metric:Compression"));
        QVERIFY(field);
        QVERIFY(field->toolTip().contains(QStringLiteral("elector stores and moves each tensor")));
        QVERIFY(field->toolTip().contains(QStringLiteral("compute-bound ones not")));

        // The default model: one line, and the BAT-class reading for a bat evaluation.
        TransformerSpec f32 = model;
        f32.compression = CompressionSpec{};
        panel.setDesign(pairRecord(f32), {evaluation("bat")});
        QCOMPARE(panel.metricText(QStringLiteral("Compression")), QStringLiteral("dense, 32-bit float"));
        QVERIFY(panel.findChild<QLabel*>(QStringLiteral("metric:Compression"))
                    ->toolTip()
                    .contains(QStringLiteral("binary matrix engine")));
    }
};

QTEST_MAIN(TestDetailPrecision)
#include "test_detail_precision.moc"
