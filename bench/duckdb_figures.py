"""The DuckDB peer for bench/figures.sh: run the SQL that `tandem figures --explain` prints (the
figures' own definitions, step by step) over the same Parquet store, and time it.

Usage: duckdb_figures.py EXPLAIN_OUTPUT_FILE RUNS
Prints each run's wall time, then the figures DuckDB computed (to compare with tandem's), and on the
last line the best time in seconds.
"""

import json
import sys
import time

import duckdb

text = open(sys.argv[1], encoding="utf-8").read()
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5

# The explain text comes first; tandem's JSON output starts at the first line that is "{".
lines = text.splitlines()
end = next((i for i, line in enumerate(lines) if line.startswith("{")), len(lines))
explain = lines[:end]
views = [line[len("--   "):] for line in explain if line.startswith("--   CREATE VIEW")]
sql = "\n".join(line for line in explain if not line.startswith("--"))
statements = [s.strip() for s in sql.split(";\n") if s.strip()]
statements = [s[:-1] if s.endswith(";") else s for s in statements]
if not views or not statements:
    sys.exit("no SQL found in the explain output")

best = None
results = None
for run in range(runs):
    con = duckdb.connect()
    started = time.time()
    for v in views:
        con.execute(v)
    results = []
    for s in statements:
        cur = con.execute(s)
        if not s.upper().startswith("CREATE"):
            results.append(cur.fetchall())
    elapsed = time.time() - started
    con.close()
    print(f"duckdb run {run + 1}: {elapsed:.3f} s", file=sys.stderr)
    best = elapsed if best is None else min(best, elapsed)

# The indicators, in the order `figures` defines them: papers, papers_fractional, collab_papers,
# international_papers, international_share, partners_ranked, partner, institutions, by_year.
summary = {
    "papers": results[0][0][0],
    "papers_fractional": round(results[1][0][0], 3),
    "collab_papers": results[2][0][0],
    "international_papers": results[3][0][0],
    "partner": [list(map(str, row)) for row in results[6]],
}
print("duckdb figures: " + json.dumps(summary), file=sys.stderr)
print(f"{best:.4f}")
