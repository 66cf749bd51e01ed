#!/usr/bin/env bash
# One command for the demo on a fresh machine: install dependencies, build, start kube-sim (our Kubernetes
# API simulator) seeded with the environments dev1, dev2 and dev3, and devenv-scaler serving against it.
# Prints a short tour, then runs until Ctrl-C. `scripts/demo.sh --smoke` runs the tour's commands itself and
# exits (non-zero if any of them fails).
set -euo pipefail
cd "$(dirname "$0")/.."

smoke=0
[ "${1:-}" = "--smoke" ] && smoke=1
port="${DEMO_PORT:-8080}"

scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target kube-sim devenv-scaler

run="$PWD/demo-run"
rm -rf "$run"
mkdir -p "$run"
bin="$PWD/build/release"
token="demo-$(openssl rand -hex 12)"
echo "$token" > "$run/api-token"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

wait_for_file() {  # file, what, pid
  for _ in $(seq 1 200); do
    [ -s "$1" ] && return 0
    kill -0 "$3" 2>/dev/null || { echo "demo: $2 exited; see $run/*.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "demo: $2 did not start within 20 s; see $run/*.log" >&2
  exit 1
}

"$bin/tools/kube-sim/kube-sim" --listen 127.0.0.1:0 --data-dir "$run/kube-sim" \
  --seed tools/kube-sim/seeds/demo.yaml --ready-delay 2s > "$run/kube-sim.log" 2>&1 &
pids+=($!)
wait_for_file "$run/kube-sim/ready" kube-sim "${pids[-1]}"

DEVENV_API_TOKENS="demo:$token" DEVENV_LOG_FORMAT=text "$bin/src/app/devenv-scaler" serve \
  --listen "127.0.0.1:$port" --kubeconfig "$run/kube-sim/kubeconfig" --port-file "$run/port" \
  > "$run/devenv-scaler.log" 2>&1 &
pids+=($!)
wait_for_file "$run/port" devenv-scaler "${pids[-1]}"

url="http://127.0.0.1:$port"
cli="$bin/src/app/devenv-scaler"
cat <<TXT

devenv-scaler is running at $url against kube-sim ($(cat "$run/kube-sim/ready" | tr -d '\n') on 127.0.0.1).

Try it (in another terminal, from $(pwd)):
  export DEVENV_SERVER=$url DEVENV_TOKEN=\$(cat demo-run/api-token) KUBECONFIG=demo-run/kube-sim/kubeconfig
  $cli list
  $cli status dev1
  kubectl get deploy,sts -n dev1                        # replicas before
  $cli stop dev1                                        # every workload to 0, counts saved
  kubectl get deploy -n dev1 -o custom-columns=NAME:.metadata.name,REPLICAS:.spec.replicas,SAVED:.metadata.annotations.devenv-scaler/original-replicas
  $cli start dev1                                       # exactly the saved counts come back
  kubectl get events -n dev1                            # the audit trail
  curl -s $url/api/v1/environments/dev1 | python3 -m json.tool
  open $url/ in a browser for the dashboard, $url/docs for the API (OpenAPI at $url/openapi.json), $url/metrics for Prometheus

Logs: demo-run/kube-sim.log, demo-run/devenv-scaler.log. Ctrl-C stops both.
TXT

if [ "$smoke" = 1 ]; then
  export DEVENV_SERVER="$url" DEVENV_TOKEN="$token"
  set -x
  "$cli" list
  "$cli" stop dev1
  "$cli" status dev1
  "$cli" start dev1
  kubectl --kubeconfig "$run/kube-sim/kubeconfig" get deploy,sts -n dev1
  curl -sf "$url/openapi.json" > /dev/null
  curl -sf "$url/docs" > /dev/null
  curl -sf "$url/" | grep -q "dashboard.js"
  curl -sf "$url/api/v1/dashboard" | grep -q '"dev1"'
  set +x
  echo "demo smoke: OK"
  exit 0
fi
wait
