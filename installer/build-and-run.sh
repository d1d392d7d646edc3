#!/usr/bin/env bash
# README command 1: install dependencies, build (Release, Ninja) and launch the workstation on the embedded
# default: SQLite file in the user's data dir, simulated market, built-in paper broker. No servers, no accounts.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/installer/deps.sh"
bash "$root/installer/build.sh" release
exec "$root/build/release/app/meridian" "$@"
