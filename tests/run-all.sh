#!/usr/bin/env bash
# README command 2: install dependencies, build (Release, Ninja), start a private PostgreSQL 15 and Redis on
# free loopback ports in a temp dir, run every ctest suite (unit, integration, gui under Xvfb), stop the servers.
# Extra arguments are passed to ctest (e.g. -L unit, -R tst_Config).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
start=$(date +%s)
bash installer/deps.sh
bash installer/build.sh release
built=$(date +%s)
echo "build: $((built - start)) s"

tmp="$(mktemp -d /tmp/meridian-test.XXXXXX)"
pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)"
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

[ "$(id -u)" -eq 0 ] && chown postgres "$tmp"
pgport=$(free_port 55432)
as_pg "$pgbin/initdb" -D "$tmp/pg" -A trust -U meridian -E UTF8 --no-locale >"$tmp/initdb.log" 2>&1 ||
  { cat "$tmp/initdb.log"; exit 1; }
as_pg "$pgbin/pg_ctl" -D "$tmp/pg" -w -l "$tmp/pg.log" \
  -o "-p $pgport -k $tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100" start >/dev/null ||
  { cat "$tmp/pg.log"; exit 1; }
redisport=$(free_port 56379)
redis-server --port "$redisport" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
  --dir "$tmp" --pidfile "$tmp/redis.pid" --logfile "$tmp/redis.log"
for _ in $(seq 50); do redis-cli -p "$redisport" ping >/dev/null 2>&1 && break; sleep 0.1; done
echo "servers: PostgreSQL on 127.0.0.1:$pgport, Redis on 127.0.0.1:$redisport"

export MERIDIAN_TEST_PG_URI="postgresql://meridian@127.0.0.1:$pgport/postgres"
export MERIDIAN_TEST_REDIS_URL="redis://127.0.0.1:$redisport"
export MERIDIAN_REQUIRE_SERVERS=1
export MERIDIAN_SCREENSHOT_DIR="$root/build/release/screenshots"
mkdir -p "$MERIDIAN_SCREENSHOT_DIR"
export QT_QPA_PLATFORM=xcb

status=0
xvfb-run -a -s "-screen 0 1920x1080x24" \
  ctest --preset release -j "$(nproc)" "$@" || status=$?
echo "tests: $(( $(date +%s) - built )) s; screenshots in $MERIDIAN_SCREENSHOT_DIR"
exit $status
