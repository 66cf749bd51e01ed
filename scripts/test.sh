#!/usr/bin/env bash
# One command for the whole test suite on a fresh machine: install dependencies, build with the `ci` preset
# (warnings as errors, ASan + UBSan) and run every test with CTest.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset ci
cmake --build --preset ci
ctest --preset ci "$@"
