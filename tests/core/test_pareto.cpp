// Pareto utilities and the accelerator sweep: properties on seeded random point sets and a
// brute-force hypervolume by coordinate-compressed cells.
#include "search/pareto.h"
#include "sim/cost_model.h"
#include "sim/sweep.h"

#include <QtTest>

#include <random>

using namespace tcw;

namespace {

std::vector<ObjectiveVector> randomPoints(std::mt19937_64& rng, int n, int d, bool integers) {
    std::uniform_real_distribution<double> u(0, 1);
    std::uniform_int_distribution<int> k(0, 6); // many ties and duplicates
    std::vector<ObjectiveVector> p(n, ObjectiveVector(d));
    for (auto& v : p)
        for (auto& x : v)
            x = integers ? k(rng) : u(rng);
    return p;
}

// Exact hypervolume by enumerating every cell of the grid the coordinates induce.
double bruteForceHypervolume(const std::vector<ObjectiveVector>& pts, const ObjectiveVector& ref) {
    const std::size_t d = ref.size();
    std::vector<std::vector<double>> axes(d);
    for (std::size_t i = 0; i < d; ++i) {
        axes[i].push_back(ref[i]);
        for (const auto& p : pts)
            if (p[i] < ref[i])
                axes[i].push_back(p[i]);
        std::sort(axes[i].begin(), axes[i].end());
        axes[i].erase(std::unique(axes[i].begin(), axes[i].end()), axes[i].end());
    }
    std::vector<std::size_t> cell(d, 0);
    double volume = 0;
    while (true) {
        bool valid = true;
        for (std::size_t i = 0; i < d; ++i)
            valid &= cell[i] + 1 < axes[i].size();
        if (valid) {
            double v = 1;
            ObjectiveVector corner(d);
            for (std::size_t i = 0; i < d; ++i) {
                corner[i] = axes[i][cell[i]];
                v *= axes[i][cell[i] + 1] - axes[i][cell[i]];
            }
            for (const auto& p : pts) {
                bool covers = true;
                for (std::size_t i = 0; i < d; ++i)
                    covers &= p[i] <= corner[i];
                if (covers) {
                    volume += v;
                    break;
                }
            }
        }
        std::size_t i = 0;
        while (i < d && ++cell[i] >= axes[i].size())
            cell[i++] = 0;
        if (i == d)
            break;
    }
    return volume;
}

} // namespace

class TestPareto : public QObject {
    Q_OBJECT
private slots:
    void frontIsExactlyTheNonDominatedSet_data() {
        QTest::addColumn<int>("dimensions");
        QTest::addColumn<bool>("integers");
        for (int d = 2; d <= 5; ++d) {
            QTest::addRow("%d-d real", d) << d << false;
            QTest::addRow("%d-d ties", d) << d << true;
        }
    }
    void frontIsExactlyTheNonDominatedSet() {
        QFETCH(int, dimensions);
        QFETCH(bool, integers);
        std::mt19937_64 rng(1000 + dimensions);
        for (int trial = 0; trial < 50; ++trial) {
            const auto p = randomPoints(rng, 60, dimensions, integers);
            const auto front = nonDominatedFront(p);
            std::vector<bool> in(p.size(), false);
            for (auto i : front)
                in[i] = true;
            const auto ranks = nonDominatedRanks(p);
            for (std::size_t i = 0; i < p.size(); ++i) {
                bool dominated = false, duplicateEarlier = false;
                for (std::size_t j = 0; j < p.size(); ++j) {
                    dominated |= dominates(p[j], p[i]);
                    duplicateEarlier |= j < i && p[j] == p[i];
                }
                // No front point is dominated; every dropped point is dominated (or repeats
                // an earlier kept point).
                QCOMPARE(in[i], !dominated && !duplicateEarlier);
                QCOMPARE(ranks[i] == 0, !dominated);
            }
        }
    }

    void hypervolumeEqualsBruteForce_data() {
        QTest::addColumn<int>("dimensions");
        for (int d = 2; d <= 5; ++d)
            QTest::addRow("%d-d", d) << d;
    }
    void hypervolumeEqualsBruteForce() {
        QFETCH(int, dimensions);
        std::mt19937_64 rng(77 + dimensions);
        const ObjectiveVector ref(dimensions, 1.1);
        for (int trial = 0; trial < 40; ++trial) {
            const auto p = randomPoints(rng,
                                        dimensions == 5   ? 7
                                        : dimensions == 4 ? 9
                                                          : 14,
                                        dimensions, trial % 2 == 0);
            auto scaled = p;
            if (trial % 2 == 0)
                for (auto& v : scaled)
                    for (auto& x : v)
                        x /= 6.0;
            const double exact = hypervolume(scaled, ref);
            QVERIFY(qAbs(exact - bruteForceHypervolume(scaled, ref)) < 1e-12);
        }
    }

    void hypervolumeNeverDecreasesWhenAPointIsAdded() {
        std::mt19937_64 rng(5);
        for (int d = 2; d <= 5; ++d) {
            const ObjectiveVector ref(d, 1.0);
            std::vector<ObjectiveVector> set;
            double previous = 0;
            for (const auto& p : randomPoints(rng, 40, d, false)) {
                set.push_back(p);
                const double now = hypervolume(set, ref);
                QVERIFY(now >= previous - 1e-15);
                previous = now;
            }
        }
    }

    void archiveIsTheFrontOfEverythingInserted_data() {
        QTest::addColumn<int>("dimensions");
        QTest::addColumn<bool>("integers");
        for (int d = 2; d <= 5; ++d) {
            QTest::addRow("%d-d real", d) << d << false;
            QTest::addRow("%d-d ties", d) << d << true;
        }
    }
    void archiveIsTheFrontOfEverythingInserted() {
        // Incremental front: after every insertion the members are exactly nonDominatedFront of
        // all points so far (so no member is dominated and every dropped point is), and the
        // hypervolume equals the batch computation and never decreases.
        QFETCH(int, dimensions);
        QFETCH(bool, integers);
        std::mt19937_64 rng(4000 + dimensions + (integers ? 100 : 0));
        const ObjectiveVector ref(dimensions, integers ? 7.0 : 1.0);
        for (int trial = 0; trial < 10; ++trial) {
            ParetoArchive archive;
            std::vector<ObjectiveVector> all;
            double previous = 0;
            for (const auto& p : randomPoints(rng, 50, dimensions, integers)) {
                all.push_back(p);
                const bool joined = archive.insert(p, all.size() - 1);
                const auto front = nonDominatedFront(all);
                QCOMPARE(archive.ids(), front);
                QCOMPARE(joined, front.back() == all.size() - 1);
                for (std::size_t k = 0; k < front.size(); ++k)
                    QCOMPARE(archive.points()[k], all[front[k]]);
                const double volume = archive.hypervolume(ref);
                QCOMPARE(volume, hypervolume(all, ref));
                QVERIFY(volume >= previous);
                previous = volume;
            }
        }
    }

    void crowdingAndKnee() {
        const std::vector<ObjectiveVector> front = {{0, 4}, {1, 2}, {2, 1.5}, {4, 0}};
        const auto c = crowdingDistance(front);
        QVERIFY(std::isinf(c[0]) && std::isinf(c[3]));
        QCOMPARE(c[1], (2.0 - 0) / 4 + (4 - 1.5) / 4.0);
        QCOMPARE(kneePoint(front), std::size_t(1)); // normalised sums 1, 0.75, 0.875, 1
        QCOMPARE(invertedGenerationalDistance(front, front), 0.0);
    }

    void sweepIsDeterministicAndCancellable() {
        TransformerSpec tiny;
        for (int l = 0; l < 2; ++l)
            tiny.layers.push_back({128, {{HeadType::SaSdp, 64}, {HeadType::SaSdp, 64}}, {512}});
        const auto tech = electorTechnology14nm();
        SimOptions o;
        o.opBreakdown = false;
        const auto model = prepareCostModel(tiny, tech, o);
        const auto space = electorSpace();
        SweepRequest request;
        request.sampleCount = 20000;
        request.seed = 9;
        request.threads = 2;
        const auto a = sweepAccelerators(*model, space, request);
        request.threads = 1;
        const auto b = sweepAccelerators(*model, space, request);
        QCOMPARE(a.size(), std::size_t(20000));
        for (std::size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(a[i].index, b[i].index);
            QCOMPARE(a[i].cycles, b[i].cycles);
            QCOMPARE(a[i].cycles, model->evaluate(space.at(a[i].index)).cycles);
        }
        std::stop_source stop;
        std::uint64_t calls = 0;
        const auto partial = sweepAccelerators(
            *model, space, request,
            [&](std::uint64_t, std::uint64_t) {
                if (++calls == 2)
                    stop.request_stop();
            },
            stop.get_token());
        QVERIFY(partial.size() < a.size());
        QVERIFY(!partial.empty());
        for (const auto& p : partial)
            QCOMPARE(p.cycles, model->evaluate(space.at(p.index)).cycles);

        // Streamed: consecutive batches in index order on 2 threads, together the whole sweep,
        // and no batch larger than a chunk (memory does not grow with the space).
        request.threads = 2;
        std::vector<SweepPoint> streamed;
        std::size_t largest = 0;
        const std::uint64_t delivered =
            sweepAccelerators(*model, space, request, [&](std::span<const SweepPoint> batch) {
                largest = std::max(largest, batch.size());
                streamed.insert(streamed.end(), batch.begin(), batch.end());
            });
        QCOMPARE(delivered, std::uint64_t(20000));
        QVERIFY(largest <= 4096);
        QCOMPARE(streamed.size(), a.size());
        for (std::size_t i = 0; i < a.size(); ++i)
            QCOMPARE(streamed[i].index, a[i].index);
        // A range of positions of the plan, as one MPI rank sweeps its block.
        const SweepPlan plan(space.size(), request);
        std::vector<std::uint64_t> indices;
        sweepPositions(*model, space, plan, 5000, 9000, 2, [&](std::span<const SweepPoint> batch) {
            for (const auto& p : batch)
                indices.push_back(p.index);
        });
        QCOMPARE(indices.size(), std::size_t(4000));
        for (std::size_t i = 0; i < indices.size(); ++i)
            QCOMPARE(indices[i], a[5000 + i].index);
    }
};

QTEST_GUILESS_MAIN(TestPareto)
#include "test_pareto.moc"
