// Issue 14, a model × device search on the Search page: what devices::readDeviceSearch reads
// back from a workspace equals what the search made — every pair in order with its device,
// metrics and provenance, the front, the best so far of each objective — for a seeded search
// over two of EdgeTran's devices.
#include "devices/device_library.h"
#include "devices/device_search_history.h"
#include "devices/device_search_store.h"
#include "store/workspace.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <set>

using namespace tcw;

class TestDeviceSearchHistory : public QObject {
    Q_OBJECT
private slots:
    void readsBackWhatTheSearchMade() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("d.tcw").toStdString();
        devices::StoredDeviceSearchConfig config;
        config.targets = "devices:cpu_rpi,npu_ncs";
        config.deviceIds = {"cpu_rpi", "npu_ncs"};
        config.search.budget = 6;
        config.search.seed = 5;
        std::vector<devices::DeviceProfile> profiles;
        for (const auto& id : config.deviceIds)
            profiles.push_back(*devices::resolveDeviceProfile(id, TCW_SOURCE_DATA_DIR).value);
        devices::StoredDeviceSearchRun run;
        {
            store::Workspace w = store::Workspace::create(path);
            run = devices::runStoredDeviceSearch(w, profiles, config);
        }
        const store::Workspace w = store::Workspace::openReadOnly(path);
        const devices::DeviceSearchHistory h = devices::readDeviceSearch(w, run.searchId);
        const auto& pairs = run.result.pairs;
        QCOMPARE(h.trials.size(), pairs.size());
        QCOMPARE(h.config.deviceIds, config.deviceIds);
        int measured = 0, predicted = 0;
        for (std::size_t i = 0; i < pairs.size(); ++i) {
            const auto& t = h.trials[i];
            const auto& p = pairs[i];
            QCOMPARE(t.position, std::int64_t(i));
            QCOMPARE(t.device, profiles[p.device].deviceName);
            QCOMPARE(t.modelName, p.model.name);
            QCOMPARE(t.model.layerCount(), p.model.layerCount());
            QCOMPARE(t.glue, p.glue);
            QCOMPARE(t.latencySeconds, p.cost.latencySeconds);
            QCOMPARE(t.provenance, p.cost.provenance);
            QCOMPARE(t.seeded, p.seeded);
            QCOMPARE(t.feasible, p.feasible);
            QCOMPARE(t.glueStored, p.glueStored);
            QVERIFY(std::fabs(t.loss - p.loss) <= 1e-12 * std::max(1.0, std::fabs(p.loss)));
            QCOMPARE(t.energyJoules.has_value(), p.cost.energyJoules.has_value());
            if (p.cost.energyJoules)
                QVERIFY(std::fabs(*t.energyJoules - *p.cost.energyJoules) <= 1e-12 * *p.cost.energyJoules);
            measured += p.cost.measured;
            predicted += !p.cost.measured;
        }
        QVERIFY(measured > 0);  // the stored pairs the search starts from
        QVERIFY(predicted > 0); // the new pairs of models not measured on the device
        // The front: the search's own.
        std::set<std::size_t> front(run.result.front.begin(), run.result.front.end()), shown;
        for (std::size_t i = 0; i < h.trials.size(); ++i)
            if (h.trials[i].onFront)
                shown.insert(i);
        QCOMPARE(shown, front);
        // Best so far after the last trial: the best of every feasible pair.
        double glue = -1, latency = 1e300;
        for (const auto& p : pairs)
            if (p.feasible) {
                glue = std::max(glue, p.glue);
                latency = std::min(latency, p.cost.latencySeconds);
            }
        QCOMPARE(h.bestSoFar.size(), std::size_t(4));
        QCOMPARE(h.bestSoFar[0].back(), glue);
        QCOMPARE(h.bestSoFar[1].back(), latency);
        for (std::size_t k = 0; k < 4; ++k)
            for (std::size_t i = 1; i < h.trials.size(); ++i)
                if (!std::isnan(h.bestSoFar[k][i - 1]))
                    QVERIFY(k == 0 ? h.bestSoFar[k][i] >= h.bestSoFar[k][i - 1]
                                   : h.bestSoFar[k][i] <= h.bestSoFar[k][i - 1]);
        QCOMPARE(h.hypervolume.size(), h.trials.size());
        for (std::size_t i = 1; i < h.hypervolume.size(); ++i)
            QVERIFY(h.hypervolume[i] >= h.hypervolume[i - 1] - 1e-12);
        QVERIFY(h.hypervolume.back() > 0 && h.hypervolume.back() <= 1.0);
        // Not a device search: refused, naming it.
        QVERIFY_THROWS_EXCEPTION(devices::DeviceSearchStoreError, devices::readDeviceSearch(w, run.searchId + 1));
    }
};

QTEST_GUILESS_MAIN(TestDeviceSearchHistory)
#include "test_device_search_history.moc"
