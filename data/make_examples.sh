#!/usr/bin/env bash
# Makes two realistic multi-column sample logs from diceml's own seeded output:
#
#   data/dicebot.csv     a chat dice-bot log: timestamp,channel,user,die,face
#                        (4 users rolling a d20; dave's d20 is loaded towards 20)
#   data/gameserver.tsv  a game-server log, tab-separated, CRLF line endings:
#                        ts, server, session, die_id, roll
#                        (5 d6 dice; D6-0003 is loaded towards 6)
#
# Every random choice (who rolls, which channel, the time between rolls, which
# die, every face) comes from `diceml simulate --seed ...`; awk only arranges
# the columns. The committed files were made by diceml 0.1.0, and rerunning
# this script with 0.1.0 remakes them byte for byte. The loaded die's --seed
# stream changed in 0.2.0 (docs/cli.md, "Stream history"), so with 0.2.0 or
# later the --probs columns come out as other draws of the same dice.
#
# Not run by CI. Run it from anywhere:
#   data/make_examples.sh                      # uses `diceml` on PATH, else target/release/diceml
#   DICEML=/path/to/diceml data/make_examples.sh
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${DICEML:-}" ]; then
    if command -v diceml >/dev/null 2>&1; then
        DICEML=diceml
    else
        DICEML="$here/../target/release/diceml"
    fi
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Rolls without simulate's `face` header line, and without the quotes that
# simulate puts around labels starting with `#`.
sim() { "$DICEML" simulate "$@" | tail -n +2 | tr -d '"'; }

# --- data/dicebot.csv ------------------------------------------------------
n=3000
sim --labels alice,bob,carol,dave --probs 8,7,8,7 --n $n --seed 2001 > "$tmp/who"
sim --labels '#general,#dnd-tuesday,#one-shots' --probs 2,5,3 --n $n --seed 2002 > "$tmp/channel"
sim --faces 90 --n $n --seed 2003 > "$tmp/gap"              # seconds since the previous roll
sim --faces 20 --n $n --seed 2011 > "$tmp/alice"
sim --faces 20 --n $n --seed 2012 > "$tmp/bob"
sim --faces 20 --n $n --seed 2013 > "$tmp/carol"
sim --probs 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,2 --n $n --seed 2014 > "$tmp/dave"

{
    echo "# dice-bot export (synthetic) made by data/make_examples.sh from diceml simulate --seed (see data/README.md)"
    echo "timestamp,channel,user,die,face"
    paste -d ' ' "$tmp/who" "$tmp/channel" "$tmp/gap" | awk -v dir="$tmp" '
        {
            user = $1; t += $3
            if ((getline face < (dir "/" user)) <= 0) { print "out of rolls for " user > "/dev/stderr"; exit 1 }
            s = 18 * 3600 + t                     # the log starts 2024-03-01 18:00:00 UTC
            printf "2024-03-%02dT%02d:%02d:%02dZ,%s,%s,d20,%s\n",
                1 + int(s / 86400), int(s % 86400 / 3600), int(s % 3600 / 60), s % 60,
                $2, user, face
        }'
} > "$here/dicebot.csv"

# --- data/gameserver.tsv ---------------------------------------------------
n=5000
sim --labels D6-0001,D6-0002,D6-0003,D6-0004,D6-0005 --n $n --seed 3001 > "$tmp/die"
sim --faces 40 --n $n --seed 3002 > "$tmp/session_len"     # rolls per session
sim --labels eu-west-1,us-east-1,ap-south-1 --probs 3,4,2 --n $n --seed 3003 > "$tmp/server"
sim --faces 4000 --n $n --seed 3004 > "$tmp/gap_ms"        # milliseconds since the previous roll
for i in 1 2 4 5; do
    sim --faces 6 --n $n --seed 301$i > "$tmp/D6-000$i"
done
sim --probs 1,1,1,1,1,1.5 --n $n --seed 3013 > "$tmp/D6-0003"

{
    printf 'ts\tserver\tsession\tdie_id\troll\r\n'
    paste -d ' ' "$tmp/die" "$tmp/gap_ms" | awk -v dir="$tmp" '
        BEGIN { left = 0; session = 0 }
        {
            if (left == 0) {                      # a new session on a new server
                getline left < (dir "/session_len")
                getline server < (dir "/server")
                session++
            }
            left--
            die = $1; t += $2
            if ((getline roll < (dir "/" die)) <= 0) { print "out of rolls for " die > "/dev/stderr"; exit 1 }
            s = 8 * 3600 * 1000 + t               # the log starts 2024-03-01 08:00:00.000 UTC
            printf "2024-03-01T%02d:%02d:%02d.%03dZ\t%s\ts-%05d\t%s\t%s\r\n",
                int(s / 3600000), int(s % 3600000 / 60000), int(s % 60000 / 1000), s % 1000,
                server, 40000 + 37 * session, die, roll
        }'
} > "$here/gameserver.tsv"

wc -l "$here/dicebot.csv" "$here/gameserver.tsv"
