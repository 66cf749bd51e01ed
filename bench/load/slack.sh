#!/usr/bin/env bash
# Load on the Slack slash-command acknowledgement (wrk from Debian) over TLS with keep-alive: kube-sim seeded
# with dev1 (two Deployments), devenv-scaler serving HTTPS with a signing secret and an access rule letting
# everyone run status/list, then wrk posting one signed `/devenv TEXT` for DURATION at about RATE requests/s
# (bench/load/fixed_rate.lua). The request is signed here with openssl (v0=HMAC-SHA256 over
# "v0:<timestamp>:<body>") with timestamp = now; the server accepts it for 5 minutes, so DURATION is at most 4
# minutes. One request is first sent with curl and its answer checked against EXPECT (a fixed string, by
# default one that only a successful answer to TEXT contains), so wrk's 200s are known to be real answers.
# `status dev1` makes about four Kubernetes reads, paced by the client-side rate limit (kubernetes.qps, default
# 20/s): SCALER_ENV="DEVENV_KUBE_QPS=2000 DEVENV_KUBE_BURST=4000" lifts it to measure the server itself.
# Usage: [SCALER_ENV="VAR=VALUE ..."] bench/load/slack.sh BUILD_DIR [DURATION=60s] [RATE=200] [TEXT="help"]
#        [CONNECTIONS=8] [THREADS=1]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(cd "${1:?usage: $0 BUILD_DIR [DURATION] [RATE] [TEXT] [CONNECTIONS] [THREADS]}" && pwd)"
duration="${2:-60s}"
rate="${3:-200}"
text="${4:-help}"
connections="${5:-8}"
threads="${6:-1}"
case "${duration}" in
  *m) seconds=$(( ${duration%m} * 60 )) ;;
  *s) seconds="${duration%s}" ;;
  *) seconds="${duration}" ;;
esac
if ! [ "${seconds}" -le 240 ] 2>/dev/null; then
  echo "DURATION must be at most 4 minutes (the signed timestamp is valid for 5): ${duration}" >&2
  exit 2
fi
case "${text}" in
  help*) expect="${EXPECT:-prolongate}" ;;
  "status dev1") expect="${EXPECT:-web-0}" ;;
  *) expect="${EXPECT:?set EXPECT to a string the answer to \"${text}\" must contain}" ;;
esac
source "${root}/bench/load/stack.sh"

cat >"${load_work}/seed.yaml" <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: dev1}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web-0, namespace: dev1}
spec:
  replicas: 2
  selector: {matchLabels: {app: web-0}}
  template:
    metadata: {labels: {app: web-0}}
    spec: {containers: [{name: web, image: nginx}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api-0, namespace: dev1}
spec:
  replicas: 1
  selector: {matchLabels: {app: api-0}}
  template:
    metadata: {labels: {app: api-0}}
    spec: {containers: [{name: api, image: nginx}]}
YAML
cat >"${load_work}/config.yaml" <<'YAML'
slack:
  access:
    default:
      environments: ["*"]
      actions: [status, list]
YAML
secret="bench-signing-secret-0123456789abcdef"
load_start_kube_sim "${build}" --seed "${load_work}/seed.yaml" --ready-delay 0ms
read -ra scaler_env <<<"${SCALER_ENV:-}"
load_start_scaler "${build}" DEVENV_SLACK_SIGNING_SECRET="${secret}" "${scaler_env[@]}" -- --config "${load_work}/config.yaml"

encoded_text="$(printf '%s' "${text}" | sed 's/ /+/g')"
body="token=bench&team_id=T0BENCH&team_domain=bench&channel_id=C0BENCH&channel_name=bench&user_id=U0BENCH"
body+="&user_name=bench&command=%2Fdevenv&text=${encoded_text}&api_app_id=A0BENCH"
body+="&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT0BENCH%2F1%2Fbench&trigger_id=1.2.bench"
timestamp="$(date +%s)"
signature="v0=$(printf 'v0:%s:%s' "${timestamp}" "${body}" | openssl dgst -sha256 -hmac "${secret}" -r | cut -d' ' -f1)"
url="https://127.0.0.1:${scaler_port}/slack/commands"

answer="$(curl -sk -w '\n%{http_code}' -X POST -H 'Content-Type: application/x-www-form-urlencoded' \
  -H "X-Slack-Request-Timestamp: ${timestamp}" -H "X-Slack-Signature: ${signature}" --data-raw "${body}" "${url}")"
code="$(tail -n1 <<<"${answer}")"
if [ "${code}" != 200 ] || ! grep -qF -- "${expect}" <<<"${answer}"; then
  echo "the check request failed (HTTP ${code}, expected the answer to contain \"${expect}\"):" >&2
  head -c 2000 <<<"${answer}" >&2
  exit 1
fi
echo "check request: HTTP 200, answer contains \"${expect}\" ($(head -n -1 <<<"${answer}" | wc -c) bytes)"
echo "machine: $(load_machine)"
echo "devenv-scaler pid ${scaler_pid} port ${scaler_port}; VmRSS before: $(load_kib "${scaler_pid}" VmRSS) KiB"
echo "wrk: /devenv ${text}, ${SCALER_ENV:+${SCALER_ENV}, }${duration}, target ${rate} requests/s, ${connections} connections, ${threads} threads"
cpu0="$(load_cpu_seconds "${scaler_pid}")"
wrk -t"${threads}" -c"${connections}" -d"${duration}" --latency -s "${root}/bench/load/slack_command.lua" \
  "${url}" -- "${rate}" "${threads}" "${body}" "${timestamp}" "${signature}"
cpu1="$(load_cpu_seconds "${scaler_pid}")"
echo "VmRSS after: $(load_kib "${scaler_pid}" VmRSS) KiB; VmHWM: $(load_kib "${scaler_pid}" VmHWM) KiB;" \
  "devenv-scaler CPU: $(awk -v a="${cpu0}" -v b="${cpu1}" 'BEGIN {printf "%.2f", b - a}') s"
echo "machine after: $(load_machine)"
