#!/usr/bin/env bash
# Interleaved minimum wall time of several commands, for ratios measured on a
# machine whose speed drifts: each round runs every command once, in turn,
# so a slow minute slows all of them alike; the minimum over the rounds is
# each command's least disturbed time.
#
#   benches/interleave.sh N 'CMD A' 'CMD B' ...
#   benches/interleave.sh 10 'target/release/diceml fit /tmp/diceml-bench/d20.csv' \
#                            'wc -l /tmp/diceml-bench/d20.csv'
#
# Each command runs under bash -c with stdout and stderr to /dev/null.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 ROUNDS 'CMD' ['CMD' ...]" >&2; exit 2; }
rounds=$1
shift
best=()
for ((r = 0; r < rounds; r++)); do
    i=0
    for c in "$@"; do
        s=$(date +%s%N)
        bash -c "$c" > /dev/null 2>&1
        e=$(date +%s%N)
        t=$(((e - s) / 1000))
        if [ -z "${best[$i]:-}" ] || [ "$t" -lt "${best[$i]}" ]; then best[$i]=$t; fi
        i=$((i + 1))
    done
done
i=0
for c in "$@"; do
    printf '%9.1f ms  %s\n' "$(awk -v us="${best[$i]}" 'BEGIN { print us / 1000 }')" "$c"
    i=$((i + 1))
done
