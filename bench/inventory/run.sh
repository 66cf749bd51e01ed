#!/usr/bin/env bash
# Inventory refresh benchmark (issue 7): writes a fixture (bench/inventory/make_fixture.py), starts the fake AWS
# endpoint tests/aws/fake_aws.py on it (every request's SigV4 signature recomputed and its parameters checked
# with botocore) — or, with CHECKS=off, bench/inventory/fake_aws_unchecked.py (the same fake without those two
# checks, to see what they cost) — and, for STORE=dynamodb, dynalite behind tests/inventory/dynalite_front.js;
# then runs BUILD_DIR/bench/inventory/inventory_refresh_bench, which prints each refresh's time, store write
# time, AWS requests and its own peak RSS.
# Usage: [CHECKS=on|off] [STORE=sqlite|dynamodb] [ROUNDS=3] bench/inventory/run.sh BUILD_DIR [make_fixture.py options]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(cd "${1:?usage: $0 BUILD_DIR [--instances N --databases N --clusters N --envs N]}" && pwd)"
shift
checks="${CHECKS:-on}"
store="${STORE:-sqlite}"
rounds="${ROUNDS:-3}"
case "${checks}" in on) fake="${root}/tests/aws/fake_aws.py" ;; off) fake="${root}/bench/inventory/fake_aws_unchecked.py" ;;
  *) echo "CHECKS must be on or off" >&2; exit 2 ;; esac
case "${store}" in sqlite|dynamodb) ;; *) echo "STORE must be sqlite or dynamodb" >&2; exit 2 ;; esac
bench="${build}/bench/inventory/inventory_refresh_bench"
[ -x "${bench}" ] || { echo "${bench} not built: cmake --build ${build} --target inventory_refresh_bench" >&2; exit 2; }
work="$(mktemp -d /tmp/devenv-inventory-bench.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "${p}" 2>/dev/null || true; done; rm -rf "${work}"; }
trap cleanup EXIT
wait_for() { for _ in $(seq 1 600); do [ -s "$1" ] && return 0; sleep 0.1; done; echo "timed out waiting for $1" >&2; exit 1; }

/usr/bin/python3 "${root}/bench/inventory/make_fixture.py" "$@" >"${work}/fixture.json"
/usr/bin/python3 "${fake}" --fixture "${work}/fixture.json" --port-file "${work}/aws.port" >"${work}/aws.log" 2>&1 &
pids+=($!)
wait_for "${work}/aws.port"
args=(--aws "http://127.0.0.1:$(cat "${work}/aws.port")" --store "${store}" --rounds "${rounds}")
if [ "${store}" = dynamodb ]; then
  node "${root}/tests/inventory/dynalite_front.js" "${root}" "${work}/dynamodb.port" --plain >"${work}/dynalite.log" 2>&1 &
  pids+=($!)
  wait_for "${work}/dynamodb.port"
  args+=(--dynamodb "http://127.0.0.1:$(cat "${work}/dynamodb.port")")
fi
echo "fixture: $* (defaults: --instances 5000 --databases 300 --clusters 30 --envs 100); botocore checks ${checks}"
echo "machine: $(nproc) cores, $(uptime | sed 's/.*load average/load average/')"
"${bench}" "${args[@]}"
