#!/usr/bin/env bash
# Ingest benchmark. Generates a synthetic OpenAlex snapshot with `tandem synth` (deterministic, full
# current-schema records) at 1× (≥ 1 GB of JSON) and 4× that size, then prints, from one run:
#   - `tandem ingest openalex DIR --store S --quiet` wall time against `gzip -dc FILES > /dev/null`
#     (target ≤ 1.5× on one thread), on one thread and on all cores;
#   - against DuckDB reading the same .gz files with read_json and writing the same tables to Parquet
#     (bench/duckdb_ingest.py; target: tandem ≥ 5× faster);
#   - peak RSS of tandem ingest (/usr/bin/time -v) at 1× and 4× (target < 1 GiB, flat).
#
# Usage: bench/ingest.sh            (WORKS=75000 by default: about 1.1 GB of JSON; 4× = 300,000 works)
# Environment: WORKS, SEED, TANDEM_BENCH_DIR (default bench/out), DUCKDB_4X=1 to run DuckDB at 4× too,
#              SKIP_4X=1 to measure 1× only, TANDEM_BIN=path to measure a binary already built.
set -euo pipefail
cd "$(dirname "$0")/.."

WORKS=${WORKS:-75000}
SEED=${SEED:-2024}
BENCH_DIR=${TANDEM_BENCH_DIR:-bench/out}
OUT="$BENCH_DIR/ingest"
CORES=$(nproc)
mkdir -p "$OUT"

# The dist profile (thin LTO) is the binary to ship; TANDEM_BIN=path skips the build and measures that
# binary instead.
if [ -n "${TANDEM_BIN:-}" ]; then
  TANDEM=$TANDEM_BIN
else
  echo "building tandem (dist profile: release with thin LTO)..." >&2
  cargo build --profile dist --quiet -p tandem
  TANDEM="${CARGO_TARGET_DIR:-target}/dist/tandem"
fi

if [ ! -x bench/.venv/bin/python ] || ! bench/.venv/bin/python -c 'import duckdb' 2>/dev/null; then
  echo "setting up bench/.venv with DuckDB..." >&2
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install --quiet duckdb
fi
DUCKDB_VERSION=$(bench/.venv/bin/python -c 'import duckdb; print(duckdb.__version__)')

# world N: a synthetic snapshot of N works, generated once and reused.
world() {
  local dir="$OUT/world-$1"
  if [ ! -f "$dir/data/works/manifest" ]; then
    rm -rf "$dir"
    echo "generating $1 works into $dir..." >&2
    "$TANDEM" synth --works "$1" --seed "$SEED" --out "$dir" --quiet
  fi
  echo "$dir"
}

gz_files() { find "$1/data" -name '*.gz' | sort; }
json_bytes() { gz_files "$1" | xargs gzip -dc | wc -c; }

TIMING=$(mktemp)
trap 'rm -f "$TIMING"' EXIT
# run CMD...: sets ELAPSED (s) and PEAK_KIB from /usr/bin/time -v.
run() {
  /usr/bin/time -v -o "$TIMING" "$@"
  ELAPSED=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$TIMING")
  PEAK_KIB=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$TIMING")
}

tandem_ingest() { # dir threads -> ELAPSED, PEAK_KIB
  local store="$OUT/store"
  rm -rf "$store"
  set +e
  run "$TANDEM" ingest openalex "$1" --store "$store" --quiet --threads "$2"
  local status=$?
  set -e
  # Exit status 3 means some records were rejected: the synthetic world must have none.
  if [ "$status" -ne 0 ]; then echo "tandem ingest failed with status $status" >&2; exit 1; fi
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f MiB", k / 1024 }'; }

measure() { # label works
  local dir; dir=$(world "$2")
  local bytes; bytes=$(json_bytes "$dir")
  local gz; gz=$(gz_files "$dir" | xargs du -cb | tail -1 | cut -f1)
  echo "== $1: $2 works, $(awk -v b="$bytes" 'BEGIN { printf "%.2f GB", b / 1e9 }') of JSON in $(awk -v b="$gz" 'BEGIN { printf "%.0f MB", b / 1e6 }') of gzip ($(gz_files "$dir" | wc -l) files)"
  # shellcheck disable=SC2046
  run sh -c "gzip -dc $(gz_files "$dir" | tr '\n' ' ') > /dev/null"
  local gzip_s=$ELAPSED
  tandem_ingest "$dir" 1
  local t1=$ELAPSED rss1=$PEAK_KIB
  tandem_ingest "$dir" 0
  local tn=$ELAPSED rssn=$PEAK_KIB
  printf '  %-44s %8.2f s\n' "gzip -dc FILES > /dev/null (1 thread)" "$gzip_s"
  printf '  %-44s %8.2f s   %s× gzip   peak RSS %s\n' "tandem ingest --threads 1" "$t1" "$(ratio "$t1" "$gzip_s")" "$(mib "$rss1")"
  printf '  %-44s %8.2f s   %s× gzip   peak RSS %s\n' "tandem ingest ($CORES threads)" "$tn" "$(ratio "$tn" "$gzip_s")" "$(mib "$rssn")"
  if [ "$1" = "1×" ] || [ "${DUCKDB_4X:-0}" = 1 ]; then
    rm -rf "$OUT/duckdb"
    run bench/.venv/bin/python bench/duckdb_ingest.py "$dir" "$OUT/duckdb" "$CORES" > /dev/null
    local duck=$ELAPSED
    printf '  %-44s %8.2f s   tandem is %s× faster   peak RSS %s\n' "DuckDB $DUCKDB_VERSION read_json → Parquet ($CORES threads)" "$duck" "$(ratio "$duck" "$tn")" "$(mib "$PEAK_KIB")"
  fi
}

echo "Ingest benchmark on $(uname -m), $CORES cores; synthetic world seed $SEED (tandem synth)."
measure "1×" "$WORKS"
if [ "${SKIP_4X:-0}" != 1 ]; then
  measure "4×" $((WORKS * 4))
fi
