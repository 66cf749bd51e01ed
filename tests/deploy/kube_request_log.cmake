# devenv_record_kube_requests(TARGET): the GoogleTest target's tests (registered by devenv_add_test) keep the
# request log of every kube-sim they start under ${DEVENV_REQUEST_LOG_DIR}, and set up the ctest fixture
# `kube_requests`, which the chart's RBAC check (tests/deploy) requires: ctest runs it after them, and
# `ctest -R rbac` runs them first. They require the fixture `kube_requests_reset`, whose setup test
# (tests/deploy) empties the folder before any of them, so a rule is only "exercised" by calls of this run.
set(DEVENV_REQUEST_LOG_DIR ${PROJECT_BINARY_DIR}/kube-request-logs)

function(devenv_record_kube_requests target)
  # The tests are discovered when ctest runs (DISCOVERY_MODE PRE_TEST), so their properties are set by a
  # script that ctest includes after the discovery script, reading the list it defines (${target}_TESTS).
  set(script ${CMAKE_CURRENT_BINARY_DIR}/${target}_kube_requests.cmake)
  file(WRITE ${script}
       "foreach(t IN LISTS ${target}_TESTS)\n"
       "  set_tests_properties(\"\${t}\" PROPERTIES\n"
       "    ENVIRONMENT_MODIFICATION \"DEVENV_REQUEST_LOG_DIR=set:${DEVENV_REQUEST_LOG_DIR}\"\n"
       "    FIXTURES_SETUP kube_requests FIXTURES_REQUIRED kube_requests_reset)\n"
       "endforeach()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${script})
endfunction()
