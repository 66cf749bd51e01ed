#!/usr/bin/env bash
# Installs everything devenv-scaler needs to build, test and run its demo, from Debian bookworm (apt) and npm.
# Safe to re-run: apt and npm skip what is already present.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libboost1.74-dev libboost-context1.74-dev
  libssl-dev libcurl4-openssl-dev
  nlohmann-json3-dev libyaml-cpp-dev libspdlog-dev libfmt-dev libcli11-dev
  libhowardhinnant-date-dev tzdata
  libpugixml-dev libsqlite3-dev libexpected-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-format clang-tidy clang-14 libclang-rt-14-dev
  openssl curl python3 python3-botocore wrk unzip
  chromium
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# kubectl and Node.js/npm come with the machine image (kubectl is the judge of kube-sim's fidelity).
for tool in kubectl node npm; do
  command -v "$tool" >/dev/null || { echo "install-deps: $tool is required but not installed" >&2; exit 1; }
done

# npm packages (web assets for /docs and test peers) are pinned in package.json / package-lock.json.
if [ -f package.json ]; then
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error || npm install --no-audit --no-fund --loglevel=error
  fi
fi
