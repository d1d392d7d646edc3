#!/usr/bin/env bash
# Installs every Debian 12 package Meridian needs to build, run and test. Idempotent; needs root (or sudo).
set -euo pipefail
PKGS=(build-essential cmake ninja-build pkg-config
      qt6-base-dev libqt6opengl6-dev qt6-charts-dev libqt6sql6-sqlite libqt6sql6-psql
      libpqxx-dev libhiredis-dev libspdlog-dev libfmt-dev
      libsqlite3-dev   # the SQLite C API for stored-bar reads: the same libsqlite3 Qt's QSQLITE plugin runs
      postgresql redis-server xvfb xauth fonts-dejavu-core
      qtkeychain-qt6-dev
      gnome-keyring  # tst_SecretStore's real keychain round trip (a private dbus-run-session + unlocked keyring)
      clang libclang-rt-14-dev   # sanitizer and libFuzzer stages of tests/run-all.sh (clang 14 + its runtimes)
      gcovr)                     # its coverage stage (reads the asan build's counters through llvm-cov gcov)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#PKGS[@]} packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
