#!/usr/bin/env bash
# The DuckDB recipe of docs/scaling.md, run end to end on a small example.
# NOT run by CI: it needs the duckdb Python package (`pip install duckdb`) and jq.
#
# It writes 4 CSV shards of a roll log (columns user,face; bob's d20 is
# loaded towards 20) with `diceml simulate --seed`, lets DuckDB count them
# with GROUP BY, pipes the count table into `diceml fit --counts -`, and
# checks that the fitted faces equal `diceml fit` on the concatenated shards:
# once pooled (face,count) and once per user (group,face,count, --by group).
#
#   scripts/duckdb_recipe.sh                  # diceml on PATH, else target/release/diceml
#   DICEML=/path/to/diceml scripts/duckdb_recipe.sh
set -euo pipefail
export LC_ALL=C

repo=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${DICEML:-}" ]; then
    if command -v diceml >/dev/null 2>&1; then DICEML=diceml; else DICEML="$repo/target/release/diceml"; fi
fi
PYTHON=${PYTHON:-python3}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
mkdir big

sim() { "$DICEML" simulate "$@" | tail -n +2; }

# 4 shards of 250,000 rolls: a user column and a face column.
n=250000
for i in 1 2 3 4; do
    sim --labels alice,bob,carol --n $n --seed $((100 + i)) > who
    sim --faces 20 --n $n --seed $((200 + i)) > fair
    sim --probs 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,2 --n $n --seed $((300 + i)) > loaded
    { echo user,face; paste -d , who fair loaded | awk -F , '{ print $1 "," ($1 == "bob" ? $3 : $2) }'; } > big/shard$i.csv
done
rm who fair loaded
echo "shards:"; wc -l big/*.csv

# DuckDB: SQL on stdin of the Python package, COPY ... TO '/dev/stdout'.
duck() { "$PYTHON" -c 'import sys, duckdb; duckdb.sql(sys.stdin.read())'; }
"$PYTHON" -c 'import duckdb; print("duckdb", duckdb.__version__)'

# Pooled: face,count.
duck > pooled.counts <<'SQL'
COPY (SELECT face, count(*) AS count FROM read_csv('big/*.csv') GROUP BY face ORDER BY face)
TO '/dev/stdout' (HEADER, DELIMITER ',')
SQL
"$DICEML" fit --counts - --format json < pooled.counts | jq '.faces' > duckdb.json
awk 'NR == 1 || FNR > 1' big/*.csv > all.csv          # the shards concatenated, one header
"$DICEML" fit all.csv --format json | jq '.faces' > whole.json
echo "pooled counts from DuckDB:"; cat pooled.counts
"$DICEML" fit --counts - < pooled.counts
cmp duckdb.json whole.json && echo "pooled: faces JSON identical ($(wc -c < whole.json) bytes)"

# Per user: group,face,count.
duck > by_user.counts <<'SQL'
COPY (SELECT user AS "group", face, count(*) AS count FROM read_csv('big/*.csv')
      GROUP BY "group", face ORDER BY "group", face)
TO '/dev/stdout' (HEADER, DELIMITER ',')
SQL
# diceml lists groups in the order it first meets them; DuckDB sorts them. Compare sorted.
"$DICEML" fit --counts --by group - --format json < by_user.counts | jq '.groups | sort_by(.group) | map(del(.tests.serial, .warnings))' > duckdb_by.json
"$DICEML" fit all.csv --by user --format json | jq '.groups | sort_by(.group) | map(del(.tests.serial, .warnings))' > whole_by.json
echo "per-user counts from DuckDB (first rows):"; head -4 by_user.counts
jq -c '.[] | {group, n, p20: .faces[19].p}' duckdb_by.json
cmp duckdb_by.json whole_by.json && echo "per user: groups JSON identical ($(wc -c < whole_by.json) bytes)"
