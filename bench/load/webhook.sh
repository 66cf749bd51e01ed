#!/usr/bin/env bash
# Load on the admission webhook over TLS with keep-alive (wrk from Debian): kube-sim + devenv-scaler serving
# HTTPS with its self-signed certificate, then wrk for DURATION at about RATE requests/s (bench/load/
# fixed_rate.lua; RATE 0 = closed loop) over CONNECTIONS connections, printing wrk's latency distribution,
# p99.9, the achieved rate, and devenv-scaler's VmRSS before and after, VmHWM and CPU time.
# Usage: bench/load/webhook.sh BUILD_DIR [DURATION=60s] [RATE=2000] [CONNECTIONS=16] [THREADS=2]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(cd "${1:?usage: $0 BUILD_DIR [DURATION] [RATE] [CONNECTIONS] [THREADS]}" && pwd)"
duration="${2:-60s}"
rate="${3:-2000}"
connections="${4:-16}"
threads="${5:-2}"
source "${root}/bench/load/stack.sh"

load_start_kube_sim "${build}"
load_start_scaler "${build}"
load_check_admission
echo "machine: $(load_machine)"
echo "devenv-scaler pid ${scaler_pid} port ${scaler_port}; VmRSS before: $(load_kib "${scaler_pid}" VmRSS) KiB"
echo "wrk: ${duration}, target ${rate} requests/s (0 = closed loop), ${connections} connections, ${threads} threads"
cpu0="$(load_cpu_seconds "${scaler_pid}")"
wrk -t"${threads}" -c"${connections}" -d"${duration}" --latency -s "${root}/bench/load/admission.lua" \
  "https://127.0.0.1:${scaler_port}/admission/namespaces" -- "${rate}" "${threads}"
cpu1="$(load_cpu_seconds "${scaler_pid}")"
echo "VmRSS after: $(load_kib "${scaler_pid}" VmRSS) KiB; VmHWM: $(load_kib "${scaler_pid}" VmHWM) KiB;" \
  "devenv-scaler CPU: $(awk -v a="${cpu0}" -v b="${cpu1}" 'BEGIN {printf "%.2f", b - a}') s"
echo "machine after: $(load_machine)"
