# stack.sh: sourced by the bench/load scripts. Starts kube-sim and devenv-scaler (HTTPS with its self-signed
# certificate, port 0, awaited through the files they write) in a temporary folder removed at exit, and reads
# the scaler's memory and CPU from /proc. Not meant to be run by itself.
load_work="$(mktemp -d /tmp/devenv-load.XXXXXX)"
load_pids=()
load_cleanup() { for p in "${load_pids[@]}"; do kill "${p}" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "${load_work}"; }
trap load_cleanup EXIT

load_wait_for() {
  for _ in $(seq 1 300); do [ -s "$1" ] && return 0; sleep 0.1; done
  echo "timed out waiting for $1" >&2
  exit 1
}

# load_start_kube_sim BUILD_DIR [kube-sim options...]
load_start_kube_sim() {
  local build="$1"
  shift
  "${build}/tools/kube-sim/kube-sim" --listen 127.0.0.1:0 --data-dir "${load_work}/kube-sim" "$@" \
    >"${load_work}/kube-sim.log" 2>&1 &
  load_pids+=($!)
  load_wait_for "${load_work}/kube-sim/ready"
}

# load_start_scaler BUILD_DIR [VAR=VALUE ...] [-- serve options...]: sets scaler_pid and scaler_port.
load_start_scaler() {
  local build="$1"
  shift
  local vars=() args=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do vars+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  args=("$@")
  env DEVENV_TLS_SELF_SIGNED=true DEVENV_RECONCILE=false DEVENV_LOG_LEVEL=warn \
    DEVENV_API_TOKENS=admin:bench-token-0123456789 "${vars[@]}" \
    "${build}/src/app/devenv-scaler" serve --listen 127.0.0.1:0 --kubeconfig "${load_work}/kube-sim/kubeconfig" \
    --port-file "${load_work}/port" "${args[@]}" >"${load_work}/scaler.log" 2>&1 &
  scaler_pid=$!
  load_pids+=("${scaler_pid}")
  load_wait_for "${load_work}/port"
  scaler_port="$(cat "${load_work}/port")"
}

# load_kib PID FIELD (VmRSS, VmHWM): the value in KiB.
load_kib() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }
# load_cpu_seconds PID: user + system CPU time so far.
load_cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"; }
load_machine() { echo "$(nproc) cores, $(uptime | sed 's/.*load average/load average/')"; }

# load_check_admission: sends admission.lua's AdmissionReview once with curl and fails unless the answer is
# 200 with a JSONPatch, so wrk's 2xx count stands for real admission answers.
load_check_admission() {
  local body answer
  body="$(sed -n 's/^wrk.body = \[\[\(.*\)\]\]$/\1/p' "$(dirname "${BASH_SOURCE[0]}")/admission.lua")"
  answer="$(curl -sk -w '\n%{http_code}' -X POST -H 'Content-Type: application/json' --data-raw "${body}" \
    "https://127.0.0.1:${scaler_port}/admission/namespaces")"
  if [ "$(tail -n1 <<<"${answer}")" != 200 ] || ! grep -qF '"patchType":"JSONPatch"' <<<"${answer}"; then
    echo "the check request failed: ${answer}" >&2
    exit 1
  fi
  echo "check request: HTTP 200 with a JSONPatch"
}
