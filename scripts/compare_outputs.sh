#!/usr/bin/env bash
# Compares two diceml binaries byte for byte on a corpus of commands: stdout,
# stderr, exit code, and every file a command writes (-o, --trace, --plot,
# --plot-loss). Made for refactors that must not change any output.
#
#   scripts/compare_outputs.sh OLD_BINARY NEW_BINARY
#
# JSON outputs are compared after dropping "verdict" objects when
# STRIP_VERDICT=1 (diceml 0.3.0 adds them; nothing else may differ).
# Prints one line per differing command and exits 1 if any differ.
# NOT run by CI (it needs a second binary).
set -uo pipefail
export LC_ALL=C
old=$(realpath "$1"); new=$(realpath "$2")
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
d=$repo/data

cmds=(
  "fit $d/loaded_d6.csv"
  "fit $d/fair_d6.csv"
  "fit $d/d20.csv --faces 20"
  "fit $d/d20_face13_missing.csv --faces 20"
  "fit $d/d20_face13_missing.csv --faces 20 --format json"
  "fit $d/d20_face13_missing.csv --faces 20 --format csv"
  "fit $d/loaded_d6.csv --format json"
  "fit $d/loaded_d6.csv --format csv"
  "fit $d/loaded_d6.csv --method newton --format json"
  "fit $d/loaded_d6.csv --method momentum"
  "fit $d/loaded_d6.csv --smooth 0.5"
  "fit $d/loaded_d6.csv --ci clopper-pearson"
  "fit $d/loaded_d6.csv --ci sison-glaz --level 0.9"
  "fit $d/loaded_d6.csv --ci wilson --format json"
  "fit $d/loaded_d6.csv --ci jeffreys"
  "fit $d/loaded_d6.csv --expected 1,1,1,1,1,2"
  "fit $d/loaded_d6.csv --expected 1,1,1,1,1,2 --format json"
  "fit $d/loaded_d6.csv --prior 2 --format json"
  "fit $d/loaded_d6.csv --lambda 0"
  "fit $d/loaded_d6.csv --lambda 2/3 --format json"
  "fit $d/fair_d6_counts.csv --counts"
  "fit $d/fair_d6_counts.csv --counts --format json"
  "fit $d/dicebot.csv --by user --column face --faces 20"
  "fit $d/dicebot.csv --by user --column face --faces 20 --format json"
  "fit $d/dicebot.csv --by user --column face --faces 20 --format csv"
  "fit $d/dicebot.csv --by user --column face --faces 20 --adjust bonferroni"
  "fit $d/dicebot.csv --by channel --column face --faces 20 --adjust none"
  "fit $d/gameserver.tsv --delimiter \t --by die_id --column roll"
  "fit $d/gameserver.tsv --delimiter \t --by die_id --column roll --format json"
  "fit $d/gameserver.tsv --delimiter \t --column 5"
  "fit $d/d20_face13_missing.csv --faces 20 --plot p.svg"
  "fit $d/d20_face13_missing.csv --faces 20 --plot p.png"
  "fit $d/loaded_d6.csv --plot p.svg --plot-loss l.svg --trace t.csv"
  "fit $d/loaded_d6.csv --plot p.png --plot-loss l.png"
  "fit $d/dicebot.csv --by user --column face --faces 20 --plot g.svg"
  "fit $d/dicebot.csv --by user --column face --faces 20 --plot g.png --trace gt.csv"
  "fit $d/loaded_d6.csv -o out.txt"
  "fit $d/loaded_d6.csv --format json -o out.json"
  "fit $d/loaded_d6.csv --skip-invalid"
  "count $d/loaded_d6.csv"
  "count $d/dicebot.csv --by user --column face"
  "count $d/gameserver.tsv --delimiter \t --by die_id --column roll -o c.csv"
  "simulate --faces 6 --n 20 --seed 1"
  "simulate --probs 1,2,3 --n 50 --seed 2"
  "simulate --labels a,b,c --n 10 --seed 3"
  "simulate --faces 20 --n 1000 --counts --seed 3"
  "simulate --faces 0 --n 3"
  "simulate --faces 3 --probs 1,2 --n 3"
  "fit /nonexistent.csv"
  "fit $d/loaded_d6.csv --plot x.gif"
  "fit $d/loaded_d6.csv --faces 3"
  "fit $d/loaded_d6.csv --column nope"
  "fit $d/loaded_d6.csv --lr 100 --max-iter 50"
  "fit $d/loaded_d6.csv --max-iter 3 --format csv"
  "fit --help"
  "simulate --help"
  "count --help"
  "audit $d/fair_d6.csv"
  "audit $d/loaded_d6.csv --format json"
  "audit $d/loaded_d6.csv --faces 6 --check"
  "audit $d/dicebot.csv --by user --column face"
  "fit $d/loaded_d6.csv --sequential --format json"
)
stdin_cmds=(
  "simulate --faces 6 --n 300 --seed 6|fit - --exact"
  "simulate --probs 1,1,1,1,1,5 --n 40 --seed 6|fit - --exact --monte-carlo 20000 --seed 1 --ci clopper-pearson"
  "simulate --probs 1,1,1,1,1,5 --n 40 --seed 6|fit - --exact --monte-carlo 2000 --seed 1 --format json"
  "simulate --labels heads,tails --n 100 --seed 8|fit -"
  "simulate --labels -,0,+ --n 400 --seed 9|fit - --labels -,0,+"
  "simulate --faces 1000 --n 5000 --seed 10|fit - --format csv"
  "simulate --faces 6 --n 10000 --seed 7|fit - --format csv"
  "simulate --faces 20 --n 1000000000000 --counts --seed 3|fit --counts - --format csv"
  "simulate --faces 6 --n 2 --seed 1|fit -"
  "simulate --faces 6 --n 0 --seed 1|fit -"
  "simulate --faces 6 --n 0 --seed 1|count -"
  "simulate --faces 20 --n 300000 --seed 12|audit - --format json"
)
text_inputs=(
  'face\n1\nx\n'
  'face\n1\n2\n2\n3\n'
  'a,b\n1,2\n3,4\n'
  'face\n1\n"2\n3\n'
  'face\r\n1\r\n2\r\n'
  '# c\nface\n1\n2\n'
  ''
  'face\n'
)
n=0; bad=0
run() { # label, then the command line for bash -c with $B as the binary
  local label=$1 line=$2 side
  n=$((n + 1))
  for side in old new; do
    mkdir -p "$work/$side/$n"
    ( cd "$work/$side/$n" && B=${!side} bash -c "$line" > stdout 2> stderr; echo $? > rc )
    if [ "${STRIP_VERDICT:-0}" = 1 ]; then
      for f in "$work/$side/$n"/*; do
        python3 - "$f" <<'PY' 2>/dev/null
import json, sys
p = sys.argv[1]
try:
    v = json.load(open(p))
except Exception:
    sys.exit()
def strip(x):
    if isinstance(x, dict):
        return {k: strip(w) for k, w in x.items() if k != "verdict"}
    if isinstance(x, list):
        return [strip(w) for w in x]
    return x
open(p, "w").write(json.dumps(strip(v), indent=1))
PY
      done
    fi
  done
  if ! diff -r "$work/old/$n" "$work/new/$n" > "$work/diff$n" 2>&1; then
    bad=$((bad + 1)); echo "DIFFERS: $label"; head -20 "$work/diff$n"
  fi
}
for c in "${cmds[@]}"; do run "$c" "\$B $c"; done
for c in "${stdin_cmds[@]}"; do run "$c" "\$B ${c%%|*} | \$B ${c#*|}"; done
for t in "${text_inputs[@]}"; do
  run "printf '$t' | fit -" "printf '$t' | \$B fit -"
  run "printf '$t' | fit - --skip-invalid --format json" "printf '$t' | \$B fit - --skip-invalid --format json"
done
echo "$n commands, $bad differ"
[ "$bad" = 0 ]
