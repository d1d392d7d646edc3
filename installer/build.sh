#!/usr/bin/env bash
# Configures and builds Meridian with Ninja. Usage: installer/build.sh [preset] (default: release)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
preset="${1:-release}"
cd "$root"
cmake --preset "$preset"
cmake --build --preset "$preset" -j "$(nproc)"
