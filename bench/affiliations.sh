#!/usr/bin/env bash
# Registry and affiliation-matching figures on the real data in ../shared/data: import and load time,
# index size, precision/recall/F1 per ROR gold set, precision by confidence, and strings matched per
# second on one thread. The figures in docs/registry.md come from this script.
# Usage: bench/affiliations.sh [DATA_DIR]
#   TANDEM_AFFILIATIONS_VERBOSE=1  list every miss on stderr, with how each match was made
#   TANDEM_AFFILIATIONS_EXPLAIN="string"  print what the matcher makes of one string, as JSON
#   TANDEM_AFFILIATIONS_DUMP=FILE  write every string's result with its gold ids as JSON Lines
# Builds only the tandem-registry example (no DataFusion).
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo run --quiet --release -p tandem-registry --example affiliations -- "$@"
