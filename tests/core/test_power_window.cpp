// Issue 14, the Devices view's power trace: the mean power over the peak window that the view
// draws beside the raw samples, whose highest point is the profile's peak — on a hand-made
// counter trace whose samples alternate 0 and twice the power (NVML's ~100 ms counter steps
// under 50 ms sampling), on an instantaneous trace, and on the shipped H100 profile, whose peaks
// tools/profile_cuda.py computed.
#include "io/device_profile_json.h"
#include "profile/power_math.h"

#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace tcw;
using namespace tcw::profile;

class TestPowerWindow : public QObject {
    Q_OBJECT
private slots:
    void counterStepsAverageOut() {
        // Intervals of 1/8 s ending at 1/8 … 6/8 (a counter's first interval starts at 0); times
        // exact in binary, so the window's comparisons are exact.
        PowerTrace t;
        t.timeSeconds = {0.125, 0.25, 0.375, 0.5, 0.625, 0.75};
        t.powerW = {0, 200, 0, 200, 0, 300};
        const PowerTrace m = windowMeanTrace(t, true, 0.25, 0.0, 0.75);
        // Runs of two intervals ending at 2/8 … 6/8: (0+200)/2, (200+0)/2, (0+200)/2, (200+0)/2, (0+300)/2.
        QCOMPARE(m.timeSeconds.size(), std::size_t(5));
        const std::vector<double> expected = {100, 100, 100, 100, 150};
        for (std::size_t i = 0; i < expected.size(); ++i) {
            QVERIFY(std::fabs(m.powerW[i] - expected[i]) < 1e-9);
            QVERIFY(std::fabs(m.timeSeconds[i] - t.timeSeconds[i + 1]) < 1e-12);
        }
        QVERIFY(std::fabs(*peakPowerW(t, true, 0.25, 0.0, 0.75) - 150) < 1e-9);
        // Restricted to [1/8, 5/8]: intervals 1/8–2/8 … 4/8–5/8, runs ending at 3/8, 4/8, 5/8.
        const PowerTrace inside = windowMeanTrace(t, true, 0.25, 0.125, 0.625);
        QCOMPARE(inside.powerW.size(), std::size_t(3));
        QVERIFY(std::fabs(*peakPowerW(t, true, 0.25, 0.125, 0.625) - 100) < 1e-9);
        // A window longer than the trace: no run spans it; the peak is the overall mean.
        QVERIFY(windowMeanTrace(t, true, 1.0, 0.0, 0.75).powerW.empty());
        QVERIFY(std::fabs(*peakPowerW(t, true, 1.0, 0.0, 0.75) - 700.0 / 6) < 1e-9);
    }

    void instantaneousSamplesUseTrapezoids() {
        PowerTrace t;
        t.timeSeconds = {0.0, 0.125, 0.25, 0.375};
        t.powerW = {10, 30, 50, 10};
        // Interval means 20, 40, 30; runs of two: (20+40)/2 = 30 at 2/8, (40+30)/2 = 35 at 3/8.
        const PowerTrace m = windowMeanTrace(t, false, 0.25, 0.0, 0.375);
        QCOMPARE(m.powerW.size(), std::size_t(2));
        QVERIFY(std::fabs(m.powerW[0] - 30) < 1e-9);
        QVERIFY(std::fabs(m.powerW[1] - 35) < 1e-9);
        QVERIFY(std::fabs(*peakPowerW(t, false, 0.25, 0.0, 0.375) - 35) < 1e-9);
    }

    void counterSourcesAreKnown() {
        ProfileSettings s;
        for (const char* counter : {"rapl", "perf", "nvml"}) {
            s.powerSource = counter;
            QVERIFY(isCounterTrace(s));
        }
        s.powerSource = "hwmon";
        s.powerSourceDetail = "hwmon3/energy1_input";
        QVERIFY(isCounterTrace(s));
        s.powerSourceDetail = "hwmon3/power1_input";
        QVERIFY(!isCounterTrace(s));
        for (const char* sampled : {"csv", "other", "none"}) {
            s.powerSource = sampled;
            QVERIFY(!isCounterTrace(s));
        }
    }

    // The shipped H100 profile: NVML's counter, 50 ms samples, peak over 1000 ms. The samples
    // reach more than twice the peak; the windowed means' highest point is the stored peak.
    void h100PeakIsTheHighestWindowMean() {
        const auto loaded = io::loadDeviceProfile(std::string(TCW_SOURCE_DATA_DIR) + "/devices/presets/h100.json");
        QVERIFY(loaded.value);
        const DeviceProfile& p = *loaded.value;
        QVERIFY(isCounterTrace(p.settings));
        QCOMPARE(p.settings.peakWindowMs, 1000.0);
        int traced = 0;
        for (const ProfileRow& r : p.rows) {
            if (r.trace.empty() || !r.peakPowerW.value)
                continue;
            ++traced;
            const PowerTrace m =
                windowMeanTrace(r.trace, true, 1.0, r.trace.windowStartSeconds, r.trace.windowEndSeconds);
            QVERIFY(!m.powerW.empty());
            const double highest = *std::max_element(m.powerW.begin(), m.powerW.end());
            QVERIFY2(std::fabs(highest - *r.peakPowerW.value) <= 1e-9 * *r.peakPowerW.value, r.modelName.c_str());
            if (r.modelName == "081cb16979c43ce0b68a45650dc2de84") {
                const double sample = *std::max_element(r.trace.powerW.begin(), r.trace.powerW.end());
                QVERIFY(sample > 1400 && sample > 2 * *r.peakPowerW.value); // the spikes of the screenshot
            }
        }
        QVERIFY(traced >= 1);
    }
};

QTEST_GUILESS_MAIN(TestPowerWindow)
#include "test_power_window.moc"
