# Helpers for the project's targets: warnings, core libraries and QTest executables.

function(tcw_set_warnings target)
  # -Wno-restrict: GCC 12 reports false positives inside std::string concatenation at -O2
  # (GCC bug 105329). -Wshadow=local and -Wno-restrict are GCC's own (clang builds the
  # sanitizer and fuzzing trees).
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers
                                           $<$<CXX_COMPILER_ID:GNU>:-Wshadow=local -Wno-restrict>)
endfunction()

# tcw_add_core_library(NAME SOURCES ... [LINK ...]): a static library of core/ that may use
# only the standard library and the third-party libraries named in ARCHITECTURE (no Qt).
function(tcw_add_core_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LINK;PUBLIC_LINK" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_compile_features(${name} PUBLIC cxx_std_20)
  target_include_directories(${name} PUBLIC "${PROJECT_SOURCE_DIR}/core")
  target_link_libraries(${name} PUBLIC ${ARG_PUBLIC_LINK} PRIVATE ${ARG_LINK})
  tcw_set_warnings(${name})
  set_property(GLOBAL APPEND PROPERTY TCW_CORE_TARGETS ${name})
endfunction()

# tcw_add_qtest(NAME SOURCES ... LINK ... [LABELS ...] [GUI]): one QTest executable, one CTest
# test. GUI tests run with the offscreen platform.
function(tcw_add_qtest name)
  cmake_parse_arguments(ARG "GUI" "TIMEOUT" "SOURCES;LINK;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE Qt6::Test ${ARG_LINK})
  set_target_properties(${name} PROPERTIES AUTOMOC ON)
  target_compile_definitions(${name} PRIVATE TCW_SOURCE_DATA_DIR="${TCW_SOURCE_DATA_DIR}"
                                             TCW_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data"
                                             TCW_TEST_TIME_SCALE=${TCW_TEST_TIME_SCALE})
  tcw_set_warnings(${name})
  set(args)
  if(ARG_GUI)
    set(args -platform offscreen)
  endif()
  add_test(NAME ${name} COMMAND ${name} ${args})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 600)
  endif()
  math(EXPR ARG_TIMEOUT "${ARG_TIMEOUT} * ${TCW_TEST_TIME_SCALE}")
  # QTest's own watchdog stops a test function after 5 minutes; it scales the same way.
  math(EXPR function_timeout_ms "300000 * ${TCW_TEST_TIME_SCALE}")
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT}
                                          ENVIRONMENT "QT_QPA_PLATFORM=offscreen;TCW_DATA_DIR=${TCW_SOURCE_DATA_DIR};QTEST_FUNCTION_TIMEOUT=${function_timeout_ms}")
  if(TCW_SANITIZE)
    # Every report fails the test (the tcw processes the tests start inherit these too).
    set_property(TEST ${name} APPEND PROPERTY ENVIRONMENT ${TCW_SANITIZER_ENVIRONMENT})
  endif()
endfunction()
