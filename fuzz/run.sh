#!/usr/bin/env bash
# Runs one fuzz target for a bounded time on its seed corpus; exits non-zero on a crash, leak or timeout.
# Usage: fuzz/run.sh TARGET SECONDS. New inputs go to build/fuzz/corpus/TARGET (the seeds in
# fuzz/corpus/TARGET are only read), crashing inputs to build/fuzz/artifacts/TARGET/. FUZZ_SEED fixes
# libFuzzer's seed (the test suite sets it, so its runs are reproducible); unset or 0 draws a new one.
# FUZZ_RUNS caps the number of inputs (the suite sets it, so a fast machine cannot go past what was checked).
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
log="${root}/build/fuzz/${target}.log"
# libFuzzer prints every new input; CTest keeps only the start of a long output, where a crash report is not.
# So the run goes to a log, and the summary (or, on failure, the report and the crashing input) is printed.
status=0
"${binary}" -seed="${FUZZ_SEED:-0}" -runs="${FUZZ_RUNS:--1}" -max_total_time="${seconds}" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
  -print_final_stats=1 -artifact_prefix="${artifacts}" "${dict[@]}" "${work}" "${root}/fuzz/corpus/${target}" \
  >"${log}" 2>&1 || status=$?
grep -E '^(INFO: Seed|Done|stat::)' "${log}" || true
if [ "${status}" -ne 0 ]; then
  echo "${target} failed (exit ${status}); the end of ${log}:" >&2
  grep -v -E '^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse)|NEW_FUNC' "${log}" | tail -n 60 >&2
  for input in "${artifacts}"*; do
    [ -f "${input}" ] || continue
    echo "input ${input}:" >&2
    head -c 512 "${input}" | od -A d -c | head -n 20 >&2
  done
fi
exit "${status}"
