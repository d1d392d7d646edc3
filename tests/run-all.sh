#!/usr/bin/env bash
# README command 2: install dependencies, build, start a private PostgreSQL 15 and Redis on free loopback ports in a
# temp dir, then run the test stages in fail-fast order (cheapest first) and print a per-stage time summary:
#   release  every ctest suite of build/release (unit, integration, gui under Xvfb)
#   asan     core unit tests under AddressSanitizer + UBSan (build/asan: clang, -O1, no GUI)
#   coverage core line coverage per module of those asan unit-test runs (build/asan is built with --coverage too),
#            checked against tests/coverage/floors.txt (gcovr + llvm-cov gcov; runs the asan tests if asan is not chosen)
#   fuzz     each libFuzzer target for MERIDIAN_FUZZ_SECONDS (default 15) from its seed corpus (build/asan)
#   tsan     core unit tests under ThreadSanitizer (build/tsan; suppressions and their canaries in tests/sanitizers)
# MERIDIAN_STAGES picks stages. Default: release, i.e. every test suite, which keeps this command under 20 minutes
# on 2 cores. The hardening stages re-run the core unit tests under instrumentation and fuzz the parsers; each
# sanitizer needs its own clang build (5-10 minutes each on 2 cores), so CI (.ci/run) adds them: MERIDIAN_STAGES=all
# is "release asan coverage fuzz tsan". Extra arguments go to the release, asan and tsan ctest runs (e.g. -R tst_Config).
# Each stage is bounded by MERIDIAN_STAGE_TIMEOUT seconds (default 900).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
stages="${MERIDIAN_STAGES:-release}"
[ "$stages" = all ] && stages="release asan coverage fuzz tsan"
stage_timeout="${MERIDIAN_STAGE_TIMEOUT:-900}"
export MERIDIAN_FUZZ_SECONDS="${MERIDIAN_FUZZ_SECONDS:-15}"
jobs="$(nproc)"
t_start=$(date +%s)

summary=()
print_summary() {
  echo "---- test stages (seconds) ----"
  local line
  for line in "${summary[@]}"; do echo "  $line"; done
  echo "  total $(( $(date +%s) - t_start )) s"
}
# run_stage <name> <command...>: time-bounded, recorded in the summary; a failure ends the run.
run_stage() {
  local name=$1; shift
  local t0 rc=0
  t0=$(date +%s)
  echo "==== $name: $*"
  if declare -F "$1" >/dev/null; then
    "$@" || rc=$?  # a function of this script (sets variables here): not under timeout
  else
    timeout --kill-after=30 "$stage_timeout" "$@" || rc=$?
  fi
  local dt=$(( $(date +%s) - t0 ))
  if [ $rc -eq 0 ]; then
    summary+=("$(printf '%-14s %5d  ok' "$name" "$dt")")
  else
    [ $rc -eq 124 ] && echo "$name: timed out after ${stage_timeout} s (MERIDIAN_STAGE_TIMEOUT)"
    summary+=("$(printf '%-14s %5d  FAILED (exit %d)' "$name" "$dt" "$rc")")
    print_summary
    exit $rc
  fi
}
want() { [[ " $stages " == *" $1 "* ]]; }

tmp="$(mktemp -d /tmp/meridian-test.XXXXXX)"
pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() {  # first port from $1 that nothing listens on
  local p=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}
cleanup() {
  set +e
  [ -f "$tmp/redis.pid" ] && kill "$(cat "$tmp/redis.pid")" 2>/dev/null
  [ -d "$tmp/pg" ] && as_pg "$pgbin/pg_ctl" -D "$tmp/pg" -m fast -w stop >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT

start_servers() {
  pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)"
  [ "$(id -u)" -eq 0 ] && chown postgres "$tmp"
  pgport=$(free_port 55432)
  as_pg "$pgbin/initdb" -D "$tmp/pg" -A trust -U meridian -E UTF8 --no-locale >"$tmp/initdb.log" 2>&1 ||
    { cat "$tmp/initdb.log"; return 1; }
  as_pg "$pgbin/pg_ctl" -D "$tmp/pg" -w -l "$tmp/pg.log" \
    -o "-p $pgport -k $tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100" start >/dev/null ||
    { cat "$tmp/pg.log"; return 1; }
  redisport=$(free_port 56379)
  redis-server --port "$redisport" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --dir "$tmp" --pidfile "$tmp/redis.pid" --logfile "$tmp/redis.log"
  for _ in $(seq 50); do redis-cli -p "$redisport" ping >/dev/null 2>&1 && break; sleep 0.1; done
  echo "servers: PostgreSQL on 127.0.0.1:$pgport, Redis on 127.0.0.1:$redisport"
}

run_stage deps bash installer/deps.sh

if want release; then
  run_stage build-release bash installer/build.sh release
  run_stage servers start_servers
  export MERIDIAN_TEST_PG_URI="postgresql://meridian@127.0.0.1:$pgport/postgres"
  export MERIDIAN_TEST_REDIS_URL="redis://127.0.0.1:$redisport"
  export MERIDIAN_REQUIRE_SERVERS=1
  export MERIDIAN_SCREENSHOT_DIR="$root/build/release/screenshots"
  mkdir -p "$MERIDIAN_SCREENSHOT_DIR"
  export QT_QPA_PLATFORM=xcb
  run_stage test-release \
    xvfb-run -a -s "-screen 0 1920x1080x24" ctest --preset release -j "$jobs" "$@"
  echo "screenshots in $MERIDIAN_SCREENSHOT_DIR"
fi

# Sanitizer stages: core unit tests only (no GUI, no servers). setarch -R (no ASLR) keeps the clang 14 sanitizer
# runtimes working on kernels with high mmap randomisation.
norandom=(setarch "$(uname -m)" -R)
sanjobs=$((jobs * 2))  # sanitizer tests mostly wait on threads and timers: overlap them
export QT_QPA_PLATFORM=offscreen
if want asan || want fuzz || want coverage; then
  run_stage build-asan bash installer/build.sh asan   # also builds the fuzz targets (same instrumented libs)
fi
if want asan || want coverage; then
  find build/asan -name '*.gcda' -delete  # counts of this run only
  run_stage test-asan "${norandom[@]}" ctest --preset asan -j "$sanjobs" "$@"
fi
if want coverage; then
  run_stage coverage python3 tests/coverage/report.py "$root" build/asan --floors tests/coverage/floors.txt \
    --json build/asan/coverage.json
fi
if want fuzz; then
  run_stage fuzz "${norandom[@]}" ctest --preset fuzz -j "$jobs"
fi
if want tsan; then
  run_stage build-tsan bash installer/build.sh tsan
  run_stage test-tsan "${norandom[@]}" ctest --preset tsan -j "$sanjobs" "$@"
fi
print_summary
