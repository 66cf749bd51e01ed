# devenv_add_test(NAME name SOURCES ... LIBS ...): one GoogleTest binary, its tests registered with CTest.
include(GoogleTest)
function(devenv_add_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gmock GTest::gtest_main devenv_warnings)
  target_include_directories(${T_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  # gtest_discover_tests flattens list-valued properties, so the test gets exactly one environment variable
  # (the build tree, where the binaries are) and the source tree as a compile definition.
  target_compile_definitions(${T_NAME} PRIVATE DEVENV_TEST_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  set(properties TIMEOUT ${T_TIMEOUT} ENVIRONMENT "DEVENV_BINARY_DIR=${PROJECT_BINARY_DIR}")
  if(T_LABELS)
    list(APPEND properties LABELS ${T_LABELS})
  endif()
  gtest_discover_tests(${T_NAME} DISCOVERY_MODE PRE_TEST PROPERTIES ${properties})
endfunction()
