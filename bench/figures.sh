#!/usr/bin/env bash
# Figures benchmark: `tandem figures --store S --group russell-group --partner US --year 2023 --format json`
# against DuckDB running the same definitions as SQL (the statements `tandem figures --explain` prints)
# over the same Parquet store. Runs on the demo world (200,000 works) and on a large generated store
# (10,000,000 works by default), and prints the ratio (target ≤ 1.0× DuckDB, and under 1 s for 10M works).
#
# The large world is generated with `tandem synth --lean` in slices of parts that are ingested one after
# another into the same store and then deleted, so disk use stays bounded. It is world-scale: the Russell
# Group leads LARGE_GROUP_SHARE of its works (default 0.02, about its share of world output), where the
# demo world is UK-centred (0.58). A figure's time grows with the group's papers, not the store's works.
#
# Usage: bench/figures.sh
# Environment: LARGE_WORKS (default 10000000; 0 skips the large store), LARGE_GROUP_SHARE (default 0.02),
#              SLICE_PARTS (default 100 parts of 20,000 works), RUNS (default 5), SEED,
#              TANDEM_BENCH_DIR (default bench/out).
set -euo pipefail
cd "$(dirname "$0")/.."

SEED=${SEED:-2024}
RUNS=${RUNS:-5}
LARGE_WORKS=${LARGE_WORKS:-10000000}
SLICE_PARTS=${SLICE_PARTS:-100}
LARGE_GROUP_SHARE=${LARGE_GROUP_SHARE:-0.02}
BENCH_DIR=${TANDEM_BENCH_DIR:-bench/out}
OUT="$BENCH_DIR/figures"
mkdir -p "$OUT"

echo "building tandem (release)..." >&2
cargo build --release --quiet -p tandem
TANDEM="${CARGO_TARGET_DIR:-target}/release/tandem"

if [ ! -x bench/.venv/bin/python ] || ! bench/.venv/bin/python -c 'import duckdb' 2>/dev/null; then
  echo "setting up bench/.venv with DuckDB..." >&2
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install --quiet duckdb
fi
DUCKDB_VERSION=$(bench/.venv/bin/python -c 'import duckdb; print(duckdb.__version__)')

# store NAME WORKS [SYNTH OPTIONS...]: a store built from a synthetic world, once.
build_store() {
  local name=$1 works=$2
  shift 2
  local store="$OUT/store-$name"
  # Reuse a finished store unless this tandem cannot read it (an older store format).
  if [ -f "$store/.bench-complete" ] && "$TANDEM" store info --store "$store" --format json > /dev/null 2>&1; then
    echo "$store"; return
  fi
  rm -rf "$store"
  local parts=$(( (works + 19999) / 20000 ))
  local start=0
  while [ "$start" -lt "$parts" ]; do
    local end=$(( start + SLICE_PARTS )); [ "$end" -gt "$parts" ] && end=$parts
    local slice="$OUT/slice-$name"
    rm -rf "$slice"
    echo "$name: generating parts $start-$end of $parts and ingesting them..." >&2
    "$TANDEM" synth --works "$works" --seed "$SEED" --out "$slice" --parts "$start-$end" --compression 1 "$@" --quiet
    "$TANDEM" ingest openalex "$slice" --store "$store" --quiet >&2
    rm -rf "$slice"
    start=$end
  done
  touch "$store/.bench-complete"
  echo "$store"
}

now() { date +%s.%N; }

compare() { # label store
  local store=$2
  local args=(figures --store "$store" --group russell-group --partner US --year 2023 --format json)
  "$TANDEM" "${args[@]}" --explain > "$OUT/explain.txt"
  "$TANDEM" "${args[@]}" > "$OUT/tandem.json"   # warm the page cache for both engines
  local best=""
  for i in $(seq "$RUNS"); do
    local t0 t1; t0=$(now); "$TANDEM" "${args[@]}" > /dev/null; t1=$(now)
    local s; s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
    if [ -z "$best" ] || awk -v a="$s" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$s; fi
  done
  local duck; duck=$(bench/.venv/bin/python bench/duckdb_figures.py "$OUT/explain.txt" "$RUNS" 2> "$OUT/duckdb.log" | tail -1)
  echo "== $1"
  echo "  tandem: $(python3 -c "import json; f = json.load(open('$OUT/tandem.json')); print(json.dumps({k: f[k] for k in ['papers', 'papers_fractional', 'collab_papers', 'international_papers']} | {'partner': f['partner']}))")"
  echo "  $(grep '^duckdb figures' "$OUT/duckdb.log")"
  printf '  %-58s %8.3f s (best of %s, whole process)\n' "tandem figures" "$best" "$RUNS"
  printf '  %-58s %8.3f s (best of %s, queries only)\n' "DuckDB $DUCKDB_VERSION, same SQL over the same Parquet" "$duck" "$RUNS"
  printf '  %-58s %8s×\n' "tandem / DuckDB" "$(awk -v a="$best" -v b="$duck" 'BEGIN { printf "%.2f", a / b }')"
}

echo "Figures benchmark on $(uname -m), $(nproc) cores; synthetic worlds, seed $SEED."
compare "demo world (200,000 works)" "$(build_store demo 200000)"
if [ "$LARGE_WORKS" -gt 0 ]; then
  compare "large world ($LARGE_WORKS works, lean records, group share $LARGE_GROUP_SHARE)" \
    "$(build_store "large-$LARGE_WORKS" "$LARGE_WORKS" --lean --group-share "$LARGE_GROUP_SHARE")"
fi
