// Test support: timeouts inside the tests grow with the build's slowness. TCW_TEST_TIME_SCALE
// is 1 in the normal build and larger under sanitizers (cmake/TcwSanitize.cmake), which also
// scales ctest's per-test timeouts.
#pragma once

#ifndef TCW_TEST_TIME_SCALE
#define TCW_TEST_TIME_SCALE 1
#endif

namespace tcw::testing {

inline constexpr int kTimeScale = TCW_TEST_TIME_SCALE;

// A timeout in milliseconds, scaled for this build.
constexpr int scaledMs(int ms) {
    return ms * kTimeScale;
}

} // namespace tcw::testing
