#!/usr/bin/env bash
# diceml against everyday tools, end to end, with a PASS/FAIL table of the
# performance targets in docs/performance.md.
#
# NOT run by CI: it writes about 1.2 GB of test files, may install peers
# (hyperfine, time: apt-get; xsv: cargo install, a few minutes; numpy: pip),
# and takes 10-20 minutes on 2 cores.
#
#   benches/compare.sh 2>&1 | tee compare.out
#   BENCH_DIR=/big/disk benches/compare.sh          # where the test files go
#   RUNS=10 benches/compare.sh                      # hyperfine runs per command
#   nice -n -10 benches/compare.sh                  # on a busy shared machine (root)
#
# Environment: BENCH_DIR (default /tmp/diceml-bench; files there are reused),
# CARGO_TARGET_DIR (as for cargo), RUNS (default 5), WARMUP (default 1),
# XSV (path of an xsv binary), PYTHON (default python3), DICEML (a diceml
# binary to measure instead of building the work tree's).
#
# Verdicts use the ratio of hyperfine's *minimum* times: on a shared machine
# other work only ever adds time, so the minimum is the least noisy estimate
# of a command's own cost. The ratio of means is printed beside it, and a
# verdict that the means would reverse is flagged "(mean: ...)".
set -euo pipefail
export LC_ALL=C

if [ "${CI:-}" = true ]; then
    echo "benches/compare.sh is not meant for CI; skipping." >&2
    exit 0
fi

repo=$(cd "$(dirname "$0")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/diceml-bench}
RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1}
PYTHON=${PYTHON:-python3}
target_dir=${CARGO_TARGET_DIR:-$repo/target}
mkdir -p "$BENCH_DIR/results"
results=$BENCH_DIR/results
summary=$results/summary.tsv
: > "$summary"

section() { printf '\n== %s\n' "$*"; }

# ---------------------------------------------------------------- machine
section "machine"
echo "date:      $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "nproc:     $(nproc)"
echo "cpu:       $(lscpu | grep 'Model name' | sed 's/Model name:[[:space:]]*//')"
echo "memory:    $(free -h | awk '/^Mem:/ { print $2 " total, " $7 " available" }')"
echo "kernel:    $(uname -sr)"
echo "load:      $(uptime | sed 's/.*load average/load average/')"
echo "niceness:  $(nice) (a shared machine: consider running under nice -n -10)"
rev=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    rev="$rev (+ uncommitted changes)"
fi
echo "diceml:    git $rev"
echo "rustc:     $(rustc --version)"
echo "bench dir: $BENCH_DIR ($(df -h "$BENCH_DIR" | awk 'NR == 2 { print $4 }') free)"

# ---------------------------------------------------------------- build
if [ -z "${DICEML:-}" ]; then
    section "build (cargo build --release --locked)"
    (cd "$repo" && cargo build --release --locked 2>&1 | tail -n 1)
    DICEML=$target_dir/release/diceml
else
    section "diceml from DICEML=$DICEML (not built)"
fi
"$DICEML" --version

# ---------------------------------------------------------------- peers
section "peers"
apt_updated=
apt_install() {
    if [ -z "$apt_updated" ]; then apt-get update -qq; apt_updated=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" > /dev/null
}
command -v hyperfine > /dev/null || apt_install hyperfine
command -v zstd > /dev/null || apt_install zstd
[ -x /usr/bin/time ] || apt_install time
if [ -z "${XSV:-}" ]; then
    if command -v xsv > /dev/null; then
        XSV=$(command -v xsv)
    elif [ -x "$HOME/.cargo/bin/xsv" ]; then
        XSV=$HOME/.cargo/bin/xsv
    else
        echo "installing xsv (cargo install xsv --locked; a few minutes)"
        cargo install xsv --locked --quiet
        XSV=$HOME/.cargo/bin/xsv
    fi
fi
"$PYTHON" -c 'import numpy' 2> /dev/null || "$PYTHON" -m pip install --quiet numpy
AWK=$(command -v mawk || command -v awk)
GAWK=$(command -v gawk || true)
echo "hyperfine: $(hyperfine --version)"
echo "wc:        $(wc --version | head -n 1)"
echo "awk:       $AWK ($("$AWK" -W version 2>&1 | head -n 1))"
[ -n "$GAWK" ] && echo "gawk:      $("$GAWK" --version | head -n 1)"
echo "shuf:      $(shuf --version | head -n 1)"
echo "sort:      $(sort --version | head -n 1)"
echo "xsv:       $XSV $("$XSV" --version)"
echo "numpy:     $("$PYTHON" -c 'import numpy, sys; print(numpy.__version__, "on Python", sys.version.split()[0])')"

# ---------------------------------------------------------------- test files
section "test files in $BENCH_DIR (reused when present)"
# make NAME COMMAND...: runs COMMAND > NAME.tmp, then renames it, so that an
# interrupted run never leaves a partial file to be reused.
make_file() {
    local name=$1
    shift
    if [ ! -s "$BENCH_DIR/$name" ]; then
        echo "making $name"
        "$@" > "$BENCH_DIR/$name.tmp"
        mv "$BENCH_DIR/$name.tmp" "$BENCH_DIR/$name"
    fi
}
sim() { "$DICEML" simulate "$@"; }
multi() {
    # ts,player,face: 10^7 rows; players from a 4-label die, faces a fair d6.
    paste -d , <(sim --labels alice,bob,carol,dave --n 10000000 --seed 4 | tail -n +2) \
        <(sim --faces 6 --n 10000000 --seed 5 | tail -n +2) |
        "$AWK" -F , 'BEGIN { print "ts,player,face" } { print 1700000000 + NR "," $1 "," $2 }'
}
zipf() {
    # face,count with count_k = floor(10^9 / k): all faces observed.
    "$AWK" -v k="$1" 'BEGIN { print "face,count"; for (i = 1; i <= k; i++) printf "%d,%d\n", i, int(1e9 / i) }'
}
weights() { "$AWK" -v k="$1" 'BEGIN { for (i = 1; i <= k; i++) printf "%s%d", (i > 1 ? "," : ""), i }'; }
make_file d6.csv sim --faces 6 --n 100000000 --seed 1
make_file d20.csv sim --faces 20 --n 100000000 --seed 2
make_file d6_2x.csv sim --faces 6 --n 200000000 --seed 3
make_file multi.csv multi
make_file zipf_100000.counts zipf 100000
make_file zipf_10000.counts zipf 10000
make_file fair_d6_1e6.counts sim --faces 6 --n 1000000 --counts --seed 11
make_file loaded_d20.counts sim --probs 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,3 --n 1000000 --counts --seed 12
make_file d6_p1e-6.counts printf 'face,count\n1,1\n2,199999\n3,199999\n4,199999\n5,199999\n6,200003\n'
make_file d6.csv.gz gzip -c "$BENCH_DIR/d6.csv"
make_file d6.csv.zst zstd -q -c "$BENCH_DIR/d6.csv"
# JSON lines: the first 10^7 rolls of D6 as {"t": N, "face": F}.
jsonl() { head -n 10000001 "$BENCH_DIR/d6.csv" | tail -n +2 | "$AWK" '{ print "{\"t\": " NR ", \"face\": " $1 "}" }'; }
make_file d6_1e7.jsonl jsonl
make_file d6_1e7.jsonl.gz gzip -c "$BENCH_DIR/d6_1e7.jsonl"
make_file weights_6.txt weights 6
make_file weights_10000.txt weights 10000
D6=$BENCH_DIR/d6.csv D20=$BENCH_DIR/d20.csv D6X2=$BENCH_DIR/d6_2x.csv MULTI=$BENCH_DIR/multi.csv
ls -l "$BENCH_DIR" | grep -v '^total\|results'
head -n 3 "$MULTI"

# ---------------------------------------------------------------- helpers
# bench NAME -n LABEL CMD [-n LABEL CMD ...]: hyperfine, JSON to NAME.json.
bench() {
    local name=$1
    shift
    echo
    echo "-- $name   ($(uptime | sed 's/.*load average/load average/'))"
    hyperfine --warmup "$WARMUP" --runs "$RUNS" --style basic \
        --export-json "$results/$name.json" "$@"
}
# stat NAME INDEX FIELD: a time (s) from NAME.json (FIELD: min, mean, ...).
stat() {
    "$PYTHON" -c 'import json, sys; r = json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]; print(r[sys.argv[3]])' \
        "$results/$1.json" "$2" "$3"
}
# verdict TARGET CMP LIMIT RATIO_MIN RATIO_MEAN RATIO_CPU DETAIL: one summary
# row. CMP is "le" (ratio at most LIMIT passes) or "ge" (at least LIMIT
# passes). RATIO_CPU (user + system time; "-" when not applicable) is shown,
# not judged.
verdict() {
    local target=$1 cmp=$2 limit=$3 rmin=$4 rmean=$5 rcpu=$6 detail=$7
    local v vm
    v=$("$PYTHON" -c 'import sys; r, l, c = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3]; print("PASS" if (r <= l if c == "le" else r >= l) else "FAIL")' "$rmin" "$limit" "$cmp")
    vm=$("$PYTHON" -c 'import sys; r, l, c = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3]; print("PASS" if (r <= l if c == "le" else r >= l) else "FAIL")' "$rmean" "$limit" "$cmp")
    [ "$v" = "$vm" ] || v="$v (mean: $vm)"
    printf '%s\t%s %s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$([ "$cmp" = le ] && echo '<=' || echo '>=')" "$limit" \
        "$rmin" "$rmean" "$rcpu" "$v" "$detail" >> "$summary"
}
ratio() { "$PYTHON" -c 'import sys; print(f"{float(sys.argv[1]) / float(sys.argv[2]):.2f}")' "$1" "$2"; }
ms() { "$PYTHON" -c 'import sys; print(f"{float(sys.argv[1]) * 1000:.0f} ms")' "$1"; }
# cpu NAME I: mean user + system time (s) of command I.
cpu() { "$PYTHON" -c 'import sys; print(float(sys.argv[1]) + float(sys.argv[2]))' "$(stat "$1" "$2" user)" "$(stat "$1" "$2" system)"; }
# ratios NAME I J: "min-ratio mean-ratio cpu-ratio" of command I over command J.
ratios() {
    echo "$(ratio "$(stat "$1" "$2" min)" "$(stat "$1" "$3" min)")" \
        "$(ratio "$(stat "$1" "$2" mean)" "$(stat "$1" "$3" mean)")" \
        "$(ratio "$(cpu "$1" "$2")" "$(cpu "$1" "$3")")"
}
secs() { "$PYTHON" -c 'import sys; print(f"{float(sys.argv[1]):.3f}")' "$1"; }
# fit_fields [table]: the fit's iterations and convergence from `fit --format json`.
fit_fields() {
    "$PYTHON" -c '
import json, sys
f = json.load(sys.stdin)["fit"]
it, conv, diff = f["iterations"], str(f["converged"]), f["max_abs_diff"]
if sys.argv[1:] == ["table"]:
    print(f"{it:>10} {conv:>10} {diff:>10.1e}")
else:
    print(f"{it} iterations, converged={conv}")' "$@"
}
times() { echo "$(ms "$(stat "$1" "$2" min)")/$(ms "$(stat "$1" "$2" mean)")"; }

# ---------------------------------------------------------------- counting
section "counting a one-column log (files are in the page cache after the warm-up)"
# numpy context, at its fastest for this file: a byte histogram of 16 MiB
# blocks (np.bincount over np.frombuffer), whose counts of the bytes "1".."6"
# are the face counts of a log of one-digit faces.
np_d6='import numpy as np, sys; f = open(sys.argv[1], "rb"); h = sum(np.bincount(np.frombuffer(b, np.uint8), minlength=256) for b in iter(lambda: f.read(1 << 24), b"")); print(h[49:55])'
bench d6 -n 'diceml fit D6' "$DICEML fit $D6" -n 'wc -l D6' "wc -l $D6" \
    -n 'numpy byte bincount D6' "$PYTHON -c '$np_d6' $D6"
read -r a b c <<< "$(ratios d6 0 1)"
verdict "fit D6 / wc -l D6" le 2 "$a" "$b" "$c" "diceml $(times d6 0), wc $(times d6 1), numpy $(times d6 2) (min/mean)"

bench d20 -n 'diceml fit D20' "$DICEML fit $D20" -n 'wc -l D20' "wc -l $D20"
read -r a b c <<< "$(ratios d20 0 1)"
verdict "fit D20 / wc -l D20" le 2 "$a" "$b" "$c" "diceml $(times d20 0), wc $(times d20 1)"

bench d6_pipe -n 'cat D6 | diceml fit -' "cat $D6 | $DICEML fit -" -n 'cat D6 | wc -l' "cat $D6 | wc -l"
read -r a b c <<< "$(ratios d6_pipe 0 1)"
verdict "cat D6 | fit - / cat D6 | wc -l" le 3 "$a" "$b" "$c" "diceml $(times d6_pipe 0), wc $(times d6_pipe 1)"

# ---------------------------------------------------------------- multi-column
section "counting one column of a 3-column CSV (10^7 rows)"
np_multi='import numpy as np, sys; f = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1, usecols=2, dtype=np.int64); print(np.bincount(f))'
multi_cmds=(-n 'diceml fit MULTI --column face' "$DICEML fit $MULTI --column face"
    -n 'xsv frequency -s face MULTI' "$XSV frequency -s face $MULTI"
    -n "awk count MULTI" "$AWK -F , 'NR > 1 { n[\$3]++ } END { for (f in n) print f, n[f] }' $MULTI"
    -n 'cut | sort | uniq -c MULTI' "tail -n +2 $MULTI | cut -d , -f 3 | sort | uniq -c"
    -n 'numpy loadtxt+bincount MULTI' "$PYTHON -c '$np_multi' $MULTI")
if [ -n "$GAWK" ] && [ "$GAWK" != "$AWK" ]; then
    multi_cmds+=(-n "gawk count MULTI" "$GAWK -F , 'NR > 1 { n[\$3]++ } END { for (f in n) print f, n[f] }' $MULTI")
fi
bench multi "${multi_cmds[@]}"
read -r a b c <<< "$(ratios multi 1 0)"
verdict "xsv frequency / fit MULTI (speed-up)" ge 25 "$a" "$b" "$c" \
    "diceml $(times multi 0), xsv $(times multi 1), awk $(times multi 2), sort|uniq $(times multi 3), numpy $(times multi 4)"

# ---------------------------------------------------------------- compressed
section "compressed logs and JSON lines (decompressing to /dev/null for scale)"
GZ=$BENCH_DIR/d6.csv.gz ZST=$BENCH_DIR/d6.csv.zst JL=$BENCH_DIR/d6_1e7.jsonl.gz
bench gzip -n 'diceml fit D6.gz' "$DICEML fit $GZ" -n 'gzip -dc D6.gz' "gzip -dc $GZ" \
    -n 'diceml fit D6.zst' "$DICEML fit $ZST" -n 'zstd -dc D6.zst' "zstd -dc $ZST"
read -r a b c <<< "$(ratios gzip 0 1)"
verdict "fit D6.gz / gzip -dc D6.gz" le 1 "$a" "$b" "$c" "diceml $(times gzip 0), gzip $(times gzip 1)"
read -r a b c <<< "$(ratios gzip 2 3)"
verdict "fit D6.zst / zstd -dc D6.zst" le 1 "$a" "$b" "$c" "diceml $(times gzip 2), zstd $(times gzip 3)"
bench jsonl -n 'diceml fit JSONL.gz (10^7 rows)' "$DICEML fit $JL" -n 'gzip -dc JSONL.gz' "gzip -dc $JL"
read -r a b c <<< "$(ratios jsonl 0 1)"
verdict "fit JSONL.gz / gzip -dc JSONL.gz" le 1 "$a" "$b" "$c" "diceml $(times jsonl 0), gzip $(times jsonl 1)"

# ---------------------------------------------------------------- audit
section "audit: the whole battery over 10^8 rolls, one pass"
bench audit -n 'diceml audit --faces 6 D6' "$DICEML audit --faces 6 $D6" -n 'diceml audit D20' "$DICEML audit $D20"
verdict "audit --faces 6 D6 (s)" le 5 "$(secs "$(stat audit 0 min)")" "$(secs "$(stat audit 0 mean)")" "$(secs "$(cpu audit 0)")" "$(times audit 0)"
verdict "audit D20 (s; faces inferred: two passes)" le 5 "$(secs "$(stat audit 1 min)")" "$(secs "$(stat audit 1 mean)")" "$(secs "$(cpu audit 1)")" "$(times audit 1)"

# ---------------------------------------------------------------- memory
section "peak RSS (/usr/bin/time -f %M, KB; largest of 3 runs)"
peak_rss() {
    local most=0 kb
    for _ in 1 2 3; do
        kb=$(/usr/bin/time -f %M "$@" 2>&1 > /dev/null | tail -n 1)
        [ "$kb" -gt "$most" ] && most=$kb
    done
    echo "$most"
}
rss1=$(peak_rss "$DICEML" fit "$D6")
rss2=$(peak_rss "$DICEML" fit "$D6X2")
rss_pipe=$(peak_rss bash -c "cat $D6 | $DICEML fit -")
rss_wc=$(peak_rss wc -l "$D6")
echo "diceml fit D6:      $rss1 KB"
echo "diceml fit D6 (2x): $rss2 KB"
echo "cat D6 | fit - (bash+cat+diceml, largest process): $rss_pipe KB"
echo "wc -l D6:           $rss_wc KB"
mb() { "$PYTHON" -c 'import sys; print(f"{int(sys.argv[1]) / 1024:.1f}")' "$1"; }
verdict "peak RSS fit D6 (MB)" le 16 "$(mb "$rss1")" "$(mb "$rss1")" - "$rss1 KB"
verdict "peak RSS fit D6 2x (MB)" le 16 "$(mb "$rss2")" "$(mb "$rss2")" - "$rss2 KB ($(ratio "$rss2" "$rss1")x the 1x file)"
rss_audit=$(peak_rss "$DICEML" audit "$D6X2")
echo "diceml audit D6 (2x): $rss_audit KB"
verdict "peak RSS audit D6 2x (MB)" le 16 "$(mb "$rss_audit")" "$(mb "$rss_audit")" - "$rss_audit KB"

# ---------------------------------------------------------------- sampling
section "simulate (output to /dev/null)"
bench simulate -n 'diceml simulate d6 10^8' "$DICEML simulate --n 100000000 --faces 6 --seed 1 > /dev/null" \
    -n 'shuf -r -i 1-6 -n 10^7' "shuf -r -i 1-6 -n 10000000 > /dev/null"
# Per roll: shuf's time / 10^7 over diceml's time / 10^8.
per_roll() { "$PYTHON" -c 'import sys; print(f"{float(sys.argv[2]) / 1e7 / (float(sys.argv[1]) / 1e8):.1f}")' "$1" "$2"; }
verdict "shuf / simulate per roll (speed-up)" ge 30 \
    "$(per_roll "$(stat simulate 0 min)" "$(stat simulate 1 min)")" \
    "$(per_roll "$(stat simulate 0 mean)" "$(stat simulate 1 mean)")" \
    "$(per_roll "$(cpu simulate 0)" "$(cpu simulate 1)")" \
    "diceml $(times simulate 0) for 10^8, shuf $(times simulate 1) for 10^7"

w6=$(cat "$BENCH_DIR/weights_6.txt")
bench loaded6 -n 'simulate --probs 1..6 10^8' "$DICEML simulate --probs $w6 --n 100000000 --seed 1 > /dev/null" \
    -n 'simulate --faces 6 10^8' "$DICEML simulate --faces 6 --n 100000000 --seed 1 > /dev/null"
read -r a b c <<< "$(ratios loaded6 0 1)"
verdict "loaded / fair simulate, K=6" le 1.5 "$a" "$b" "$c" "loaded $(times loaded6 0), fair $(times loaded6 1)"

bench loaded10k -n 'simulate --probs 1..10^4 10^8' "$DICEML simulate --probs \$(cat $BENCH_DIR/weights_10000.txt) --n 100000000 --seed 1 > /dev/null" \
    -n 'simulate --faces 10^4 10^8' "$DICEML simulate --faces 10000 --n 100000000 --seed 1 > /dev/null"
read -r a b c <<< "$(ratios loaded10k 0 1)"
verdict "loaded / fair simulate, K=10^4" le 1.5 "$a" "$b" "$c" "loaded $(times loaded10k 0), fair $(times loaded10k 1)"

# ---------------------------------------------------------------- fitting
section "fitting count tables"
bench zipf -n 'fit --counts ZIPF(K=10^5) --method newton' "$DICEML fit --counts $BENCH_DIR/zipf_100000.counts --method newton"
zmin=$(stat zipf 0 min) zmean=$(stat zipf 0 mean)
zinfo=$("$DICEML" fit --counts "$BENCH_DIR/zipf_100000.counts" --method newton --format json | fit_fields)
verdict "fit Zipf K=10^5 newton (s)" le 1 "$(secs "$zmin")" "$(secs "$zmean")" "$(secs "$(cpu zipf 0)")" "$(times zipf 0); $zinfo"

echo
echo "iterations to max|q - p| <= 1e-10 (gd and momentum with --max-iter 100000; one timed run each)"
printf '%-28s %-9s %10s %10s %10s %9s\n' "counts" method iterations converged "max|q-p|" wall
for counts in fair_d6_1e6 loaded_d20 d6_p1e-6 zipf_10000; do
    for method in gd momentum newton; do
        start=$(date +%s.%N)
        json=$("$DICEML" fit --counts "$BENCH_DIR/$counts.counts" --method "$method" --max-iter 100000 --format json)
        end=$(date +%s.%N)
        printf '%-28s %-9s %s %6s ms\n' "$counts" "$method" "$(echo "$json" | fit_fields table)" \
            "$("$PYTHON" -c 'import sys; print(f"{(float(sys.argv[2]) - float(sys.argv[1])) * 1000:.0f}")' "$start" "$end")"
    done
done

# ---------------------------------------------------------------- summary
section "summary (verdict on the ratio of hyperfine min times; runs=$RUNS, warmup=$WARMUP)"
echo "ratio(mean): of mean times; ratio(cpu): of mean user+system times (not judged: diceml fit uses 2 threads)"
echo "load at the end: $(uptime | sed 's/.*load average/load average/')"
{
    printf 'target\tgoal\tratio(min)\tratio(mean)\tratio(cpu)\tverdict\tdetail\n'
    cat "$summary"
} | column -t -s $'\t'
echo
echo "hyperfine JSON: $results/*.json"
