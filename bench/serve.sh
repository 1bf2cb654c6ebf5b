#!/usr/bin/env bash
# Load on `tandem serve` over the demo store (200,000 works): 64 concurrent connections from a second
# process (wrk, Debian's `wrk` package) for a bounded time against the JSON API with cached figures.
# Target (issue 5): p99 latency < 50 ms with zero errors. Prints the numbers; exits 1 when missed.
#
#   bench/serve.sh                 # 64 connections, 20 s
#   CONNECTIONS=64 DURATION=30 bench/serve.sh
#   STORE=bench/out/figures/store-large-10000000 bench/serve.sh   # first computations on 10M works
set -euo pipefail
cd "$(dirname "$0")/.."

CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-20}
DIR=${TANDEM_BENCH_DIR:-${TMPDIR:-/tmp}/tandem-bench-serve}
PORT=${PORT:-18080}
TARGET="${CARGO_TARGET_DIR:-target}"

command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 2; }
command -v curl >/dev/null || { echo "curl not found: apt-get install -y curl" >&2; exit 2; }

cargo build --release -q -p tandem
BIN="$TARGET/release/tandem"

# STORE=DIR serves another store (for example bench/figures.sh's 10M-works store) to time its first
# computations; by default the demo store, rebuilt when this tandem cannot read it (older format).
STORE=${STORE:-$DIR/store}
if ! "$BIN" store info --store "$STORE" --format json >/dev/null 2>&1; then
  [ "$STORE" = "$DIR/store" ] || { echo "$STORE is not a store this tandem can read" >&2; exit 2; }
  rm -rf "$DIR"
  "$BIN" demo --dir "$DIR" --no-serve --quiet >/dev/null
fi

"$BIN" serve --store "$STORE" --addr "127.0.0.1:$PORT" >"$DIR/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$PORT/api/v1/openapi.json" >/dev/null && break
  sleep 0.1
done

# The requests under load: a few distinct queries, each computed once before the clock starts.
PATHS=(
  "/api/v1/figures?group=russell-group&partner=US&year=2023"
  "/api/v1/figures?group=russell-group&partner=DE&years=2019-2024"
  "/api/v1/partners?group=russell-group&partner=CN&year=2022"
  "/api/v1/members?group=russell-group&partner=US&year=2023"
  "/api/v1/series?group=russell-group&partner=US&years=2019-2024&compare=US,CN,DE"
)
echo "Warming the cache (first computations):"
for p in "${PATHS[@]}"; do
  t=$(curl -sf -o /dev/null -w '%{time_total}' "http://127.0.0.1:$PORT$p")
  printf '  %-80s %6.0f ms\n' "$p" "$(echo "$t * 1000" | bc -l)"
done

LUA="$DIR/paths.lua"
{
  echo "local paths = {"
  for p in "${PATHS[@]}"; do echo "  \"$p\","; done
  echo "}"
  echo "local i = 0"
  echo "request = function() i = i % #paths + 1; return wrk.format('GET', paths[i]) end"
  echo "local errors = 0"
  echo "response = function(status) if status ~= 200 then errors = errors + 1 end end"
} >"$LUA"

echo "wrk: $CONNECTIONS connections, 2 threads, ${DURATION}s, cached figures:"
OUT=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 5s --latency -s "$LUA" "http://127.0.0.1:$PORT")
echo "$OUT"

to_ms() { # wrk prints 812.00us, 3.21ms or 1.02s
  local v=$1
  case "$v" in
    *us) echo "${v%us} / 1000" | bc -l ;;
    *ms) echo "${v%ms}" ;;
    *s) echo "${v%s} * 1000" | bc -l ;;
  esac
}
P50=$(to_ms "$(echo "$OUT" | awk '$1 == "50%" {print $2}')")
P99=$(to_ms "$(echo "$OUT" | awk '$1 == "99%" {print $2}')")
RPS=$(echo "$OUT" | awk '/Requests\/sec/ {print $2}')
NON2XX=$(echo "$OUT" | awk '/Non-2xx/ {print $NF}')
SOCKET=$(echo "$OUT" | awk -F'[ ,]+' '/Socket errors/ {print $4 + $6 + $8 + $10}')
ERRORS=$(( ${NON2XX:-0} + ${SOCKET:-0} ))
printf '\nRESULT requests/s %s  p50 %.2f ms  p99 %.2f ms  errors %d  (target: p99 < 50 ms, 0 errors)\n' \
  "$RPS" "$P50" "$P99" "$ERRORS"
if (( $(echo "$P99 < 50" | bc -l) )) && [ "$ERRORS" -eq 0 ]; then
  echo "PASS"
else
  echo "FAIL"
  exit 1
fi
