#!/usr/bin/env bash
# RSS soak: the admission webhook over TLS keep-alive at a fixed moderate rate (bench/load/fixed_rate.lua) for
# SECONDS, sampling devenv-scaler's VmRSS every INTERVAL seconds. Prints every sample, wrk's summary, then
# first/last/min/max RSS and the least-squares slope (KiB per minute) over all samples and over those after
# the first minute (warm-up: pools, TLS sessions and allocator arenas fill first). Flat means the slope after
# warm-up is about zero and the last sample is not the maximum by a trend.
# Usage: bench/load/soak.sh BUILD_DIR [SECONDS=600] [RATE=1000] [INTERVAL=10] [CONNECTIONS=16] [THREADS=2]
# SOAK_SAMPLES=FILE keeps the samples (seconds, KiB) as a TSV.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(cd "${1:?usage: $0 BUILD_DIR [SECONDS] [RATE] [INTERVAL] [CONNECTIONS] [THREADS]}" && pwd)"
seconds="${2:-600}"
rate="${3:-1000}"
interval="${4:-10}"
connections="${5:-16}"
threads="${6:-2}"
source "${root}/bench/load/stack.sh"

load_start_kube_sim "${build}"
load_start_scaler "${build}"
load_check_admission
samples="${load_work}/samples.tsv"
echo "machine: $(load_machine)"
echo "soak: ${seconds} s at ${rate} requests/s, ${connections} connections, ${threads} threads; VmRSS every ${interval} s"
cpu0="$(load_cpu_seconds "${scaler_pid}")"
wrk -t"${threads}" -c"${connections}" -d"${seconds}s" --latency -s "${root}/bench/load/admission.lua" \
  "https://127.0.0.1:${scaler_port}/admission/namespaces" -- "${rate}" "${threads}" >"${load_work}/wrk.out" 2>&1 &
wrk_pid=$!
start="$(date +%s.%N)"
printf '0\t%s\n' "$(load_kib "${scaler_pid}" VmRSS)" >"${samples}"
while kill -0 "${wrk_pid}" 2>/dev/null; do
  sleep "${interval}"
  kill -0 "${scaler_pid}" 2>/dev/null || { echo "devenv-scaler died" >&2; exit 1; }
  printf '%.0f\t%s\n' "$(echo "$(date +%s.%N) - ${start}" | bc)" "$(load_kib "${scaler_pid}" VmRSS)" >>"${samples}"
  echo "sample: $(tail -n1 "${samples}") KiB; $(uptime | sed 's/.*load average/load average/')"
done
wait "${wrk_pid}"
cpu1="$(load_cpu_seconds "${scaler_pid}")"
cat "${load_work}/wrk.out"
echo "VmHWM: $(load_kib "${scaler_pid}" VmHWM) KiB; devenv-scaler CPU: $(awk -v a="${cpu0}" -v b="${cpu1}" 'BEGIN {printf "%.2f", b - a}') s"
[ -n "${SOAK_SAMPLES:-}" ] && cp "${samples}" "${SOAK_SAMPLES}"
awk -v warm=60 '
  function slope(n, sx, sy, sxx, sxy) { return n > 1 && (n * sxx - sx * sx) != 0 ? (n * sxy - sx * sy) / (n * sxx - sx * sx) * 60 : 0 }
  { t = $1; v = $2; if (NR == 1) { first = v; min = v; max = v }; last = v
    if (v < min) min = v; if (v > max) max = v
    n++; sx += t; sy += v; sxx += t * t; sxy += t * v
    if (t >= warm) { m++; wx += t; wy += v; wxx += t * t; wxy += t * v } }
  END { printf "RSS KiB: first %d, last %d, min %d, max %d over %d samples; slope %.1f KiB/min (all), %.1f KiB/min (after %d s, %d samples)\n",
        first, last, min, max, n, slope(n, sx, sy, sxx, sxy), slope(m, wx, wy, wxx, wxy), warm, m }' "${samples}"
echo "machine after: $(load_machine)"
