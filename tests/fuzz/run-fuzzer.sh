#!/usr/bin/env bash
# One bounded libFuzzer run (ctest -L fuzz): replays the checked-in seeds, then mutates for <seconds>.
# Usage: run-fuzzer.sh <fuzzer> <seconds> <seed dir> <work dir> [dict]
# New inputs go to <work dir>/corpus (the source tree stays clean); a crash, leak, UB report, timeout or a
# violated invariant fails the test and leaves the input in <work dir>/artifacts/ to reproduce with
# `<fuzzer> <artifact>` (then add it to tests/fuzz/corpus/<fuzzer>/ once fixed, as a regression seed).
set -euo pipefail
fuzzer=$1 seconds=$2 seeds=$3 work=$4 dict=${5:-}
rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
# A fixed seed (MERIDIAN_FUZZ_SEED, default 1) makes the gate reproducible: a CI run replays a prefix of the same
# input sequence a longer local run explores (MERIDIAN_FUZZ_SEED=0 picks a random seed, for exploratory runs).
args=(-seed="${MERIDIAN_FUZZ_SEED:-1}" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1
      -artifact_prefix="$work/artifacts/")
[ -n "$dict" ] && args+=(-dict="$dict")
status=0
"$fuzzer" "${args[@]}" "$work/corpus" "$seeds" >"$work/log" 2>&1 || status=$?
if [ $status -ne 0 ]; then
  tail -n 60 "$work/log"
  echo "$(basename "$fuzzer"): FAILED (exit $status); input(s): $(ls "$work/artifacts" | tr '\n' ' ')"
  exit 1
fi
grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$work/log" | tr '\n' ' '
echo "corpus $(ls "$work/corpus" | wc -l) files"
