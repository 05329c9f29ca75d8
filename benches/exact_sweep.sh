#!/bin/bash
# Times `diceml fit --exact` at tabletop sizes: 10 seeded samples each of a
# fair and a loaded (face 1 twice as likely) d20 x 100 and d12 x 150, every
# --exact-stat. One line per run: size, seed, loaded, stat, p-value, error
# bound ("none" when exact), wall seconds (the whole process, JSON included).
# Usage: benches/exact_sweep.sh [DICEML]   (default target/release/diceml)
set -euo pipefail
bin=${1:-target/release/diceml}
csv=$(mktemp)
trap 'rm -f "$csv"' EXIT
for kn in "20 100" "12 150"; do
  set -- $kn
  k=$1 n=$2
  for seed in $(seq 1 10); do
    for bias in 0 1; do
      python3 - "$k" "$n" "$seed" "$bias" > "$csv" <<'PY'
import random, sys
k, n, seed, bias = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
rng = random.Random(seed)
w = [1.0] * k
w[0] += bias
c = [0] * k
for _ in range(n):
    c[rng.choices(range(k), weights=w)[0]] += 1
print("face,count")
for i, x in enumerate(c):
    print(f"{i + 1},{x}")
PY
      for stat in llr chisq prob; do
        start=$(date +%s.%N)
        line=$("$bin" fit "$csv" --counts --faces "$k" --exact --exact-stat "$stat" --max-iter 1 --format json 2>/dev/null |
          python3 -c "import json,sys; e=json.load(sys.stdin)['tests']['exact']; print(e['p_value'], e.get('error_bound', 'none'))")
        end=$(date +%s.%N)
        echo "d${k}x${n} seed=$seed loaded=$bias $stat $line $(echo "$end - $start" | bc)"
      done
    done
  done
done
