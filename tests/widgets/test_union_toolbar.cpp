// Issues 14/15, one unit across kinds: the explorer toolbar's objective choices and the status
// bar's summary are titled like the plot's axes and the table's columns — per sequence while
// the designs mix target kinds, the plain label otherwise. Needs the widget library (not in the
// sanitized tree, unlike test_union_axes' model checks).
#include "models/explorer_settings.h"
#include "models/objective.h"
#include "panels/explorer_toolbar.h"

#include <QComboBox>
#include <QtTest>

using namespace tcw;
using namespace tcw::models;

class TestUnionToolbar : public QObject {
    Q_OBJECT
private slots:
    // The toolbar's objective choices and the status bar's summary are titled like the axes:
    // per sequence while the designs mix kinds, per batch (the plain label) otherwise.
    void toolbarAndSummarySayTheUnit() {
        ExplorerSettings settings;
        ExplorerChoice choice = settings.choice();
        choice.x = Objective::Latency;
        choice.y = Objective::Accuracy;
        choice.colour = Objective::Energy;
        settings.setChoice(choice);
        widgets::ExplorerToolBar bar(&settings);
        auto* x = bar.objectiveCombo(0);
        const int latency = x->findData(int(Objective::Latency));
        const int accuracy = x->findData(int(Objective::Accuracy));
        QVERIFY(latency >= 0 && accuracy >= 0);
        const QString perBatch = x->itemText(latency);
        QCOMPARE(perBatch, objectiveInfo(Objective::Latency).labelWithUnit());
        bar.setPerSequence(true);
        QCOMPARE(x->itemText(latency), objectiveTitle(Objective::Latency, true));
        QVERIFY(x->itemText(latency).contains("per sequence"));
        QCOMPARE(x->itemText(accuracy), objectiveInfo(Objective::Accuracy).labelWithUnit()); // no basis
        QVERIFY(settings.summary(true).contains(objectiveTitle(Objective::Latency, true)));
        QVERIFY(settings.summary(true).contains(objectiveTitle(Objective::Energy, true)));
        QVERIFY(!settings.summary(false).contains("per sequence"));
        bar.setPerSequence(false);
        QCOMPARE(x->itemText(latency), perBatch);
    }
};

QTEST_MAIN(TestUnionToolbar)
#include "test_union_toolbar.moc"
