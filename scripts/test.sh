#!/usr/bin/env bash
# One command for the whole test suite on a fresh machine: install dependencies, build with the `ci` preset
# (warnings as errors, ASan + UBSan) and run every test with CTest (arguments go to that ctest); then build
# with the `tsan` preset only the tests marked TSAN (the HTTP servers, the leader elector and every timer or
# thread; cmake/testing.cmake) and run them under ThreadSanitizer, where a data race fails the test.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset ci
cmake --build --preset ci
ctest --preset ci "$@"

cmake --preset tsan
cmake --build --preset tsan
# TSan writes its reports to files (TSAN_OPTIONS log_path, CMakePresets.json), so a race inside a kube-sim or
# devenv-scaler child process, whose log the test deletes with its temp folder, is not lost: any report
# fails the run and is printed here.
reports=build/tsan/tsan-reports
rm -rf "${reports}" && mkdir -p "${reports}"
status=0
ctest --preset tsan || status=$?
if compgen -G "${reports}/report.*" >/dev/null; then
  echo "ThreadSanitizer reports (${reports}):" >&2
  cat "${reports}"/report.* >&2
  status=1
fi
exit "${status}"
