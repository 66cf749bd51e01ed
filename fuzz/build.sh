#!/usr/bin/env bash
# Builds the libFuzzer targets with clang++-14 straight from the sources (the main build uses GCC, which has
# no libFuzzer). Usage: fuzz/build.sh [TARGET...]; binaries go to build/fuzz/.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${root}/build/fuzz"
cxx="${CXX_FUZZ:-clang++-14}"
flags=(-std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
       -I"${root}/src")
# The pure modules the targets exercise; none of them does I/O.
sources=("${root}/src/core/duration.cc" "${root}/src/core/error.cc" "${root}"/src/slack/*.cc)
libs=($(pkg-config --libs libcrypto fmt))
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then targets=(fuzz_slack_form fuzz_slack_command); fi

command -v "${cxx}" >/dev/null || { echo "${cxx} not found: apt-get install -y clang-14 libclang-rt-14-dev" >&2; exit 1; }
mkdir -p "${out}/obj"
objects=()
for src in "${sources[@]}"; do
  obj="${out}/obj/$(basename "$(dirname "${src}")")_$(basename "${src}" .cc).o"
  if [ ! -f "${obj}" ] || [ "${src}" -nt "${obj}" ] || [ -n "$(find "${root}/src" -name '*.h' -newer "${obj}" -print -quit)" ]; then
    # -fsanitize=fuzzer-no-link: library code gets coverage instrumentation but no second main().
    "${cxx}" "${flags[@]/-fsanitize=fuzzer,address,undefined/-fsanitize=fuzzer-no-link,address,undefined}" \
      -c "${src}" -o "${obj}"
  fi
  objects+=("${obj}")
done
for target in "${targets[@]}"; do
  "${cxx}" "${flags[@]}" "${root}/fuzz/${target}.cc" "${objects[@]}" "${libs[@]}" -o "${out}/${target}"
  echo "built ${out}/${target}"
done
