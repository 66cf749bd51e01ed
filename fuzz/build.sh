#!/usr/bin/env bash
# Builds the libFuzzer targets with clang++-14 straight from the sources (the main build uses GCC, which has
# no libFuzzer). Usage: fuzz/build.sh [TARGET...] (default: every fuzz/fuzz_*.cc); binaries go to
# build/fuzz/. Each target links only the pure modules it exercises (listed below); none of them does I/O
# beyond reading the file it is given.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${root}/build/fuzz"
cxx="${CXX_FUZZ:-clang++-14}"
flags=(-std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
       -I"${root}/src")

# Sources and libraries per target.
sources_for() {
  local s="${root}/src"
  case "$1" in
    fuzz_slack_form | fuzz_slack_command | fuzz_slack_interaction)
      echo "${s}/core/duration.cc ${s}/core/error.cc" "${s}"/slack/*.cc ;;
    fuzz_admission_review)
      echo "${s}/core/error.cc ${s}/admission/admission_decision.cc ${s}/schedule/scheduler_label.cc" \
           "${s}/env/protection.cc" ;;
    fuzz_kubeconfig) echo "${s}/core/error.cc ${s}/kube/config.cc" ;;
    fuzz_config)
      echo "${s}/core/error.cc ${s}/core/duration.cc ${s}/core/cron.cc ${s}/app/config.cc" \
           "${s}/schedule/schedule_settings.cc ${s}/schedule/config.cc ${s}/slack/bot/settings.cc" \
           "${s}/slack/bot/access_policy.cc ${s}/slack/mrkdwn.cc ${s}/slack/utf8.cc ${s}/env/protection.cc" \
           "${s}/core/yaml_json.cc ${s}/core/rfc3339.cc ${s}/support/support_settings.cc" \
           "${s}/support/resource_quantity.cc ${s}/support/support_name.cc ${s}/lease/election_settings.cc" \
           "${s}/lease/election_decision.cc ${s}/lease/lease_record.cc ${s}/inventory/aws_settings.cc" \
           "${s}/inventory/resource.cc" ;;
    fuzz_cron) echo "${s}/core/error.cc ${s}/core/cron.cc" ;;
    fuzz_notified) echo "${s}/core/error.cc ${s}/core/rfc3339.cc ${s}/schedule/warning_plan.cc" ;;
    fuzz_duration) echo "${s}/core/error.cc ${s}/core/duration.cc" ;;
    fuzz_api_bodies) echo "${s}/core/error.cc ${s}/core/duration.cc ${s}/api/request_bodies.cc" ;;
    fuzz_dynamodb_item) echo "${s}/inventory/dynamodb_item.cc ${s}/inventory/resource.cc" ;;
    fuzz_aws_xml)
      echo "${s}/core/error.cc ${s}/aws/xml_util.cc ${s}/aws/ec2_xml.cc ${s}/aws/rds_xml.cc ${s}/aws/api_error.cc" ;;
    *) echo "fuzz/build.sh: no source list for $1" >&2; return 1 ;;
  esac
}
libs=($(pkg-config --libs libcrypto fmt yaml-cpp) -ldate-tz)
# Libraries only some targets need.
extra_libs_for() {
  case "$1" in
    fuzz_aws_xml) pkg-config --libs pugixml ;;
    *) ;;
  esac
}

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in "${root}"/fuzz/fuzz_*.cc; do targets+=("$(basename "${f}" .cc)"); done
fi

command -v "${cxx}" >/dev/null || { echo "${cxx} not found: apt-get install -y clang-14 libclang-rt-14-dev" >&2; exit 1; }
mkdir -p "${out}/obj"
for target in "${targets[@]}"; do
  objects=()
  for src in $(sources_for "${target}"); do
    rel="${src#"${root}/src/"}"
    obj="${out}/obj/${rel//\//_}"
    obj="${obj%.cc}.o"
    if [ ! -f "${obj}" ] || [ "${src}" -nt "${obj}" ] || [ -n "$(find "${root}/src" -name '*.h' -newer "${obj}" -print -quit)" ]; then
      # -fsanitize=fuzzer-no-link: library code gets coverage instrumentation but no second main().
      "${cxx}" "${flags[@]/-fsanitize=fuzzer,address,undefined/-fsanitize=fuzzer-no-link,address,undefined}" \
        -c "${src}" -o "${obj}"
    fi
    objects+=("${obj}")
  done
  extra=($(extra_libs_for "${target}"))
  "${cxx}" "${flags[@]}" "${root}/fuzz/${target}.cc" "${objects[@]}" "${libs[@]}" "${extra[@]}" -o "${out}/${target}"
  echo "built ${out}/${target}"
done
