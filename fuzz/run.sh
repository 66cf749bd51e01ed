#!/usr/bin/env bash
# Runs one fuzz target for a bounded time on its seed corpus; exits non-zero on a crash, leak or timeout.
# Usage: fuzz/run.sh TARGET SECONDS. New inputs go to build/fuzz/corpus/TARGET (the seeds in
# fuzz/corpus/TARGET are only read), crashing inputs to build/fuzz/artifacts/TARGET/. FUZZ_SEED fixes
# libFuzzer's seed (the test suite sets it, so its runs are reproducible); unset or 0 draws a new one.
set -euo pipefail

if [ $# -ne 2 ]; then echo "usage: $0 TARGET SECONDS" >&2; exit 2; fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="$1"
seconds="$2"
binary="${root}/build/fuzz/${target}"
# Always (re)build: build.sh recompiles only changed sources, and a stale binary would fuzz old code.
"${root}/fuzz/build.sh" "${target}" >/dev/null
work="${root}/build/fuzz/corpus/${target}"
artifacts="${root}/build/fuzz/artifacts/${target}/"
mkdir -p "${work}" "${artifacts}"
dict=()
[ -f "${root}/fuzz/${target}.dict" ] && dict=(-dict="${root}/fuzz/${target}.dict")
exec "${binary}" -seed="${FUZZ_SEED:-0}" -max_total_time="${seconds}" -timeout=10 -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
  -artifact_prefix="${artifacts}" "${dict[@]}" "${work}" "${root}/fuzz/corpus/${target}"
