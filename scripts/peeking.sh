#!/usr/bin/env bash
# The figures of docs/statistics.md §12: how often a fair d6 is "caught"
# (a false alarm at 5%) by Pearson's test re-run after every 50 rolls, by
# the same test run once at the end, and by `diceml watch --stop` looking
# after every roll; then when `watch --stop` catches a d6 whose six has
# weight 2.
#
#   scripts/peeking.sh [DICEML]     (default: diceml on the PATH; needs
#                                     python3 with numpy and scipy)
set -euo pipefail
diceml=${1:-diceml}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

for s in $(seq 1 1000); do
  "$diceml" simulate --faces 6 --n 1000 --seed "$s" > "$dir/r$s.csv"
done
rejected=$(for s in $(seq 1 1000); do
  "$diceml" watch "$dir/r$s.csv" --faces 6 --stop --every 1000 --format jsonl 2>/dev/null | tail -1 \
    || true # --stop exits 3 at a rejection
done | grep -c reject || true)
echo "watch --stop after every roll: $rejected/1000 fair streams rejected"

python3 - "$dir" <<'PY'
import sys
import numpy as np
from scipy.stats import chisquare

folder = sys.argv[1]
any_look = last_look = 0
for s in range(1, 1001):
    rolls = np.loadtxt(f"{folder}/r{s}.csv", skiprows=1, dtype=int)
    p = [chisquare(np.bincount(rolls[:n] - 1, minlength=6)).pvalue for n in range(50, 1001, 50)]
    any_look += min(p) < 0.05
    last_look += p[-1] < 0.05
print(f"Pearson after every 50 rolls (20 looks): {any_look}/1000 rejected at some look; "
      f"once at 1000: {last_look}/1000")
PY

for s in $(seq 1 200); do
  "$diceml" simulate --probs 1,1,1,1,1,2 --n 5000 --seed "$s" \
    | "$diceml" watch --faces 6 --stop --every 100000 --format jsonl 2>/dev/null | tail -1 \
    || true # --stop exits 3 at a rejection
done > "$dir/loaded.jsonl"
python3 - "$dir/loaded.jsonl" <<'PY'
import json, statistics, sys
d = sorted(json.loads(line)["decided_at"] for line in open(sys.argv[1]))
print(f"loaded d6 (six weight 2): {len(d)} streams rejected, median roll {statistics.median(d):g}, "
      f"range {d[0]} to {d[-1]}, {sum(x <= 126 for x in d)} by roll 126")
PY
