#!/usr/bin/env bash
# Architecture boundaries (ARCHITECTURE.md), checked on the source tree:
#  1. The UI has one door into core: nothing under ui/ includes a core service or adapter header (runtime, live,
#     relay, history, research, jobs, notify, execution, storage, the market-data services and vendor adapters), and
#     only ui/bridge/ includes the bus.
#  2. Topics are declared once, in core/contract/: no string literal in core/ (outside core/contract/), ui/ or app/
#     is a topic of the catalogue (a root from a contract::Declare<"root", ...> or root.<key>) or a topic pattern
#     ("md.>", "exec.order.*").
# Usage: check-boundaries.sh [SOURCE_ROOT]     prints every violation with file:line, exits 1 when there is one.
#        check-boundaries.sh --self-test        proves both checks fire on planted violations (a copy in a temp dir).
set -euo pipefail

self_test() {
  local here tmp rc=0
  here="$(cd "$(dirname "$0")/../.." && pwd)"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' RETURN
  mkdir -p "$tmp/core/contract" "$tmp/core/research" "$tmp/ui/docks" "$tmp/ui/bridge" "$tmp/app"
  cp "$here"/core/contract/*.h "$tmp/core/contract/"
  bash "$0" "$tmp" >/dev/null || { echo "self-test: a clean tree was reported"; return 1; }
  printf '#include "core/research/BacktestService.h"\n' >"$tmp/ui/docks/Bad.cpp"
  bash "$0" "$tmp" >/dev/null && { echo "self-test: a service header included by ui/ was not reported"; rc=1; }
  rm "$tmp/ui/docks/Bad.cpp"
  printf '#include "core/bus/EventBus.h"\n' >"$tmp/ui/docks/Bad.cpp"
  bash "$0" "$tmp" >/dev/null && { echo "self-test: the bus included outside ui/bridge was not reported"; rc=1; }
  rm "$tmp/ui/docks/Bad.cpp"
  printf 'auto t = std::string("md.quote.") + symbol;\n' >"$tmp/core/research/Bad.cpp"
  bash "$0" "$tmp" >/dev/null && { echo "self-test: a topic literal outside core/contract was not reported"; rc=1; }
  printf 'bus.subscribe("exec.>", box);  // "md.bar.AAPL" in a comment is fine\n' >"$tmp/core/research/Bad.cpp"
  bash "$0" "$tmp" >/dev/null && { echo "self-test: a topic pattern outside core/contract was not reported"; rc=1; }
  printf 'auto k = config.value("risk.max_order_qty");  // "cmd.order.submit" only in a comment\n' >"$tmp/core/research/Bad.cpp"
  bash "$0" "$tmp" >/dev/null || { echo "self-test: a config key was reported as a topic"; rc=1; }
  [ $rc -eq 0 ] && echo "self-test: ok (5 planted cases)"
  return $rc
}

[ "${1:-}" = "--self-test" ] && { self_test; exit $?; }
root="${1:-$(cd "$(dirname "$0")/../.." && pwd)}"
cd "$root"
violations=0
report() { echo "$1"; violations=$((violations + 1)); }

# ---- 1. one door ------------------------------------------------------------------------------------------------
forbidden='core/(runtime|live|relay|history|research|jobs|notify|execution|storage)/|core/marketdata/(IngestionService|ProviderFactory|HttpClient|RateLimiter|IMarketDataProvider)\.h|core/marketdata/(simulated|yahoo|polygon|alpaca|csv)/'
while IFS= read -r hit; do
  [ -n "$hit" ] && report "ui includes a core service or adapter header: $hit"
done < <(grep -rnE "#include \"($forbidden)" ui --include='*.h' --include='*.cpp' 2>/dev/null || true)
while IFS= read -r hit; do
  [ -n "$hit" ] && report "ui reaches the bus outside ui/bridge: $hit"
done < <(grep -rnE '#include "core/bus/' ui --include='*.h' --include='*.cpp' 2>/dev/null | grep -v '^ui/bridge/' || true)

# ---- 2. topics only in core/contract ---------------------------------------------------------------------------
roots="$(grep -ohE 'Declare<"[^"]+"' core/contract/*.h | sed -E 's/Declare<"([^"]+)"/\1/' | sort -u)"
[ -n "$roots" ] || { echo "no contract::Declare<...> found under $root/core/contract"; exit 1; }
firsts="$(echo "$roots" | cut -d. -f1 | sort -u | paste -sd'|')"
files="$(find core ui app -type f \( -name '*.h' -o -name '*.cpp' \) 2>/dev/null | grep -v '^core/contract/' | sort || true)"
if [ -n "$files" ]; then
  while IFS= read -r hit; do
    [ -n "$hit" ] && report "topic literal outside core/contract: $hit"
  done < <(echo "$files" | xargs awk -v roots="$roots" -v firsts="$firsts" '
    BEGIN { n = split(roots, r, "\n"); pattern = "^(" firsts ")(\\.[A-Za-z0-9_]+)*\\.[>*]$" }
    {
      line = $0
      sub(/^[ \t]*\/\/.*/, "", line)                 # a whole-line comment
      sub(/[ \t]\/\/ .*$/, "", line)                 # a trailing comment
      while (match(line, /"[^"]*"/)) {
        lit = substr(line, RSTART + 1, RLENGTH - 2)
        line = substr(line, RSTART + RLENGTH)
        bad = lit ~ pattern
        for (i = 1; i <= n && !bad; ++i) bad = (lit == r[i] || index(lit, r[i] ".") == 1)
        if (bad) { printf "%s:%d: \"%s\"\n", FILENAME, FNR, lit; break }
      }
    }')
fi

if [ $violations -gt 0 ]; then
  echo "$violations boundary violation(s) (see ARCHITECTURE.md: the UI door and the message contract)"
  exit 1
fi
echo "boundaries: ok ($(echo "$roots" | wc -l) topic roots; ui/ through ui/bridge only)"
