// Issues 14/15, one unit across kinds in the explorer: when the plotted designs mix target
// kinds (an ELECTOR pair beside a bat design or a measured device), latency and energy are per
// sequence — an ELECTOR design's batch figures divided by its batch size — and the columns and
// axes say so; an ELECTOR-only workspace keeps its per-batch numbers and titles.
#include "models/design_table_model.h"
#include "models/objective.h"

#include <QSignalSpy>
#include <QtTest>

#include <cmath>

using namespace tcw;
using namespace tcw::models;

namespace {

store::DesignSummary design(std::int64_t id, const std::string& kind, double latencyS, double dynamicNJ,
                            double leakageNJ, double areaMM2) {
    store::DesignSummary d;
    d.design.id = id;
    d.design.name = kind + " " + std::to_string(id);
    d.design.kind = store::DesignKind::Pair;
    d.design.targetKind = kind;
    store::EvaluationRecord e;
    e.id = id;
    e.designId = id;
    e.latencySeconds = latencyS;
    e.energyDynamicNJ = dynamicNJ;
    e.energyLeakageNJ = leakageNJ;
    e.areaMM2 = areaMM2;
    e.accuracy = 0.8;
    e.feasible = true;
    d.latest = e;
    return d;
}

DesignTraits batch(std::optional<int> b) {
    DesignTraits t;
    t.batchSize = b;
    return t;
}

} // namespace

class TestUnionAxes : public QObject {
    Q_OBJECT
private slots:
    void electorOnlyStaysPerBatch() {
        DesignTableModel model;
        model.setDesigns({design(1, "elector", 0.032, 1.6e7, 4e5, 120)}, {batch(16)});
        QVERIFY(!model.perSequence());
        QCOMPARE(model.values(Objective::Latency)[0], 32.0); // ms per batch, as always
        QCOMPARE(model.headerData(DesignTableModel::LatencyColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Latency (ms)"));
        QCOMPARE(model.objectiveTitle(Objective::Energy), QStringLiteral("Energy (mJ)"));
    }

    void mixedKindsArePerSequence() {
        DesignTableModel model;
        // Per batch the bat design dominates the ELECTOR one at batch 16 in latency and energy
        // (4 ms < 32 ms, 3 mJ < 16.4 mJ); per sequence the ELECTOR design (2 ms, 1.025 mJ) is
        // the better one.
        model.setDesigns({design(1, "elector", 0.032, 1.6e7, 4e5, 120), design(2, "bat", 0.004, 2.9e6, 1e5, 30),
                          design(3, "elector", 0.010, 2e6, 0, 80)},
                         {batch(16), batch(std::nullopt), batch(std::nullopt)});
        QVERIFY(model.perSequence());
        QCOMPARE(model.values(Objective::Latency)[0], 32.0 / 16);
        QCOMPARE(model.values(Objective::Energy)[0], (1.6e7 + 4e5) * 1e-6 / 16);
        QCOMPARE(model.values(Objective::Latency)[1], 4.0); // a bat design: per sequence already
        QCOMPARE(model.values(Objective::Area)[0], 120.0);  // the hardware's: not divided
        // An ELECTOR design whose batch size is unknown: absent, not a per-batch number.
        QVERIFY(std::isnan(model.values(Objective::Latency)[2]));
        QCOMPARE(model.index(2, DesignTableModel::LatencyColumn).data().toString(), QStringLiteral("—"));
        QCOMPARE(model.index(0, DesignTableModel::LatencyColumn).data(DesignTableModel::ExportRole).toString(),
                 QStringLiteral("2"));
        QCOMPARE(model.headerData(DesignTableModel::LatencyColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Latency per sequence (ms)"));
        QCOMPARE(model.objectiveTitle(Objective::Energy), QStringLiteral("Energy per sequence (mJ)"));
        QCOMPARE(model.objectiveTitle(Objective::Area), QStringLiteral("Area (mm²)"));
        QVERIFY(model.headerData(DesignTableModel::EnergyColumn, Qt::Horizontal, Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("per sequence")));
        // The front of latency against energy is the per-sequence one: the ELECTOR design.
        model.setFront(Objective::Latency, Objective::Energy, {});
        QCOMPARE(model.paretoRanks()[0], 0);
        QCOMPARE(model.paretoRanks()[1], 1);
    }

    void appendingAnotherKindSwitchesEveryRow() {
        DesignTableModel model;
        model.setDesigns({design(1, "elector", 0.032, 1.6e7, 4e5, 120)}, {batch(16)});
        QSignalSpy headers(&model, &QAbstractItemModel::headerDataChanged);
        model.appendDesigns({design(2, "device", 0.004, 2.9e6, 0, 0)}, {batch(std::nullopt)});
        QVERIFY(model.perSequence());
        QVERIFY(headers.count() >= 1);
        QCOMPARE(model.values(Objective::Latency)[0], 2.0); // the earlier row, now per sequence
        QCOMPARE(model.values(Objective::Latency)[1], 4.0);
    }
};

QTEST_MAIN(TestUnionAxes)
#include "test_union_axes.moc"
