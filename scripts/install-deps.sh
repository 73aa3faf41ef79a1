#!/usr/bin/env bash
# Installs every build, test and benchmark dependency of Vigil from Debian's archive.
# Idempotent: packages already present are skipped, so a second run costs seconds.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-dev libboost-system1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev zlib1g-dev
  libpsl-dev publicsuffix libidn2-dev libicu-dev
  libxgboost-dev
  libsqlite3-dev sqlite3
  libtomlplusplus-dev
  libspdlog-dev libfmt-dev
  libpcap-dev liblinear-dev libsvm-dev
  tcpdump nmap hping3
  libgtest-dev libgmock-dev libbenchmark-dev
  wrk curl python3 valgrind
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
