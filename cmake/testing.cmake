# devenv_add_test(NAME name SOURCES ... LIBS ... [TSAN]): one GoogleTest binary, its tests registered with CTest.
# TSAN marks a binary whose code runs threads or timers: its tests also get the label `tsan`, and the target
# `tsan_tests` builds it, so the tsan preset builds and runs only these (scripts/test.sh).
include(GoogleTest)
add_custom_target(tsan_tests)
function(devenv_add_test)
  cmake_parse_arguments(T "TSAN" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
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
  if(T_TSAN)
    # Two labels cannot go through PROPERTIES above (the list is flattened), so a script that ctest includes
    # after the discovery script labels the tests that script defined (${T_NAME}_TESTS).
    set(script ${CMAKE_CURRENT_BINARY_DIR}/${T_NAME}_tsan_label.cmake)
    list(APPEND T_LABELS tsan)
    file(WRITE ${script}
         "foreach(t IN LISTS ${T_NAME}_TESTS)\n"
         "  set_tests_properties(\"\${t}\" PROPERTIES LABELS \"${T_LABELS}\")\n"
         "endforeach()\n")
    set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${script})
    add_dependencies(tsan_tests ${T_NAME})
  endif()
endfunction()
