# Sanitizer and fuzzing builds (both off by default; the normal build is untouched).
#   -DTCW_SANITIZE=ON  everything built with AddressSanitizer + UndefinedBehaviorSanitizer
#                      (any error stops the program); test timeouts are scaled by
#                      TCW_TEST_TIME_SCALE.
#   -DTCW_FUZZ=ON      clang only: implies TCW_SANITIZE, adds libFuzzer's coverage
#                      instrumentation to every target and builds the fuzz targets in
#                      tests/fuzz. The same tree then runs the sanitized suites and the fuzzers.
option(TCW_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(TCW_FUZZ "Build the libFuzzer targets of tests/fuzz (clang; implies TCW_SANITIZE)" OFF)

if(TCW_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "TCW_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++-14 "
                        "(Debian packages clang-14 and libclang-rt-14-dev)")
  endif()
  set(TCW_SANITIZE ON CACHE BOOL "Build with AddressSanitizer and UndefinedBehaviorSanitizer" FORCE)
endif()

# How much longer timed steps may take in this build: ctest's per-test timeouts and the
# timeouts inside the tests (tests/support/time_scale.h) are multiplied by it.
if(TCW_SANITIZE)
  set(TCW_TEST_TIME_SCALE 4 CACHE STRING "Factor applied to test timeouts")
else()
  set(TCW_TEST_TIME_SCALE 1 CACHE STRING "Factor applied to test timeouts")
endif()

if(TCW_SANITIZE)
  set(tcw_sanitizers -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_compile_options(${tcw_sanitizers})
  add_link_options(-fsanitize=address,undefined)
  if(TCW_FUZZ)
    # Coverage for libFuzzer in every library; only the fuzz targets link libFuzzer itself
    # (the sanitizer runtime supplies the coverage callbacks to the test executables).
    add_compile_options(-fsanitize=fuzzer-no-link)
  endif()
endif()

# The sanitizers' settings for the tests of this tree: leaks are errors, the first report
# stops the program with a stack, and the leak suppressions name only third-party libraries.
set(TCW_ASAN_OPTIONS "detect_leaks=1:halt_on_error=1:abort_on_error=0:detect_stack_use_after_return=0")
set(TCW_SANITIZER_ENVIRONMENT
    "ASAN_OPTIONS=${TCW_ASAN_OPTIONS}"
    "UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1"
    "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/sanitizer/lsan.supp:print_suppressions=0")
