#!/usr/bin/env bash
# Registry and affiliation-matching figures on the real data in ../shared/data: import and load time,
# index size, precision/recall/F1 per ROR gold set, and strings matched per second on one thread.
# Usage: bench/affiliations.sh [DATA_DIR]   (set TANDEM_AFFILIATIONS_VERBOSE=1 to list every miss)
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo run --quiet --release -p tandem-registry --example affiliations -- "$@"
