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
ctest --preset tsan
