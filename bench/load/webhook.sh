#!/usr/bin/env bash
# Load on the admission webhook over TLS with keep-alive (wrk from Debian): kube-sim + devenv-scaler serving
# HTTPS with its self-signed certificate, then wrk for DURATION with CONNECTIONS connections, printing wrk's
# latency distribution and devenv-scaler's VmRSS before and after.
# Usage: bench/load/webhook.sh BUILD_DIR [DURATION=30s] [CONNECTIONS=8] [THREADS=2]
# wrk is closed-loop (each connection sends its next request when the previous answer arrives): the latency
# it reports is at the throughput it reaches, which is an upper bound for the latency at any lower rate.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(cd "${1:?usage: $0 BUILD_DIR [DURATION] [CONNECTIONS] [THREADS]}" && pwd)"
duration="${2:-30s}"
connections="${3:-8}"
threads="${4:-2}"
work="$(mktemp -d /tmp/devenv-webhook-load.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "${p}" 2>/dev/null || true; done; rm -rf "${work}"; }
trap cleanup EXIT

wait_for() { for _ in $(seq 1 300); do [ -s "$1" ] && return 0; sleep 0.1; done; echo "timed out waiting for $1" >&2; exit 1; }

"${build}/tools/kube-sim/kube-sim" --listen 127.0.0.1:0 --data-dir "${work}/kube-sim" >"${work}/kube-sim.log" 2>&1 &
pids+=($!)
wait_for "${work}/kube-sim/ready"
DEVENV_TLS_SELF_SIGNED=true DEVENV_RECONCILE=false DEVENV_LOG_LEVEL=warn DEVENV_API_TOKENS=admin:bench-token-0123456789 \
  "${build}/src/app/devenv-scaler" serve --listen 127.0.0.1:0 --kubeconfig "${work}/kube-sim/kubeconfig" \
  --port-file "${work}/port" >"${work}/scaler.log" 2>&1 &
scaler=$!
pids+=("${scaler}")
wait_for "${work}/port"
port="$(cat "${work}/port")"
rss() { awk '/VmRSS/ {print $2 " KiB"}' "/proc/${scaler}/status"; }
echo "devenv-scaler pid ${scaler} port ${port}; VmRSS before: $(rss)"
wrk -t"${threads}" -c"${connections}" -d"${duration}" --latency -s "${root}/bench/load/admission.lua" \
  "https://127.0.0.1:${port}/admission/namespaces"
echo "VmRSS after: $(rss)"
