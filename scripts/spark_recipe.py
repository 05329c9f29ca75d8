#!/usr/bin/env python3
"""The Spark recipe of docs/scaling.md, run end to end in Spark local mode.

NOT run by CI: it needs PySpark (`pip install pyspark`), Java 17 and jq.

It writes 4 CSV shards of a roll log (columns user,face; bob's d20 is loaded
towards 20) with `diceml simulate --seed`, counts them with a Spark GROUP BY
written as one CSV file (coalesce(1)), pipes that file into
`diceml fit --counts -`, and checks that the fitted faces equal `diceml fit`
on the concatenated shards: once pooled (face,count) and once per user
(group,face,count, --by group).

    scripts/spark_recipe.py                        # diceml on PATH, else target/release/diceml
    DICEML=/path/to/diceml scripts/spark_recipe.py

On a cluster, only the Spark part changes: read from HDFS/S3 instead of a
local directory; the count table Spark writes is K rows (G*K with groups),
small enough for one machine however big the log.
"""

import glob
import os
import shutil
import subprocess
import sys
import tempfile

from pyspark.sql import SparkSession, functions as F

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DICEML = os.environ.get("DICEML") or shutil.which("diceml") or os.path.join(REPO, "target/release/diceml")
LOADED_D20 = ",".join(["1"] * 19 + ["2"])


def sim(*args):
    """The rolls of `diceml simulate ARGS`, without the header line."""
    out = subprocess.run([DICEML, "simulate", *args], check=True, capture_output=True, text=True).stdout
    return out.splitlines()[1:]


def make_shards(big, n=250_000):
    os.makedirs(big)
    for i in (1, 2, 3, 4):
        who = sim("--labels", "alice,bob,carol", "--n", str(n), "--seed", str(100 + i))
        fair = sim("--faces", "20", "--n", str(n), "--seed", str(200 + i))
        loaded = sim("--probs", LOADED_D20, "--n", str(n), "--seed", str(300 + i))
        with open(os.path.join(big, f"shard{i}.csv"), "w") as f:
            f.write("user,face\n")
            for u, a, b in zip(who, fair, loaded):
                f.write(f"{u},{b if u == 'bob' else a}\n")


def write_one_csv(df, path):
    """Write a (small) DataFrame as one CSV file with a header, at `path`."""
    tmp = path + ".spark"
    df.coalesce(1).write.mode("overwrite").option("header", True).csv(tmp)
    (part,) = glob.glob(os.path.join(tmp, "part-*.csv"))
    shutil.move(part, path)
    shutil.rmtree(tmp)


def diceml_json(args, jq, stdin_path=None):
    """`diceml ARGS --format json | jq JQ`, as text."""
    with open(stdin_path or os.devnull) as stdin:
        out = subprocess.run([DICEML, *args, "--format", "json"], stdin=stdin,
                             check=True, capture_output=True, text=True).stdout
    return subprocess.run(["jq", jq], input=out, check=True, capture_output=True, text=True).stdout


def main():
    work = tempfile.mkdtemp()
    try:
        big = os.path.join(work, "big")
        make_shards(big)
        spark = SparkSession.builder.master("local[*]").appName("diceml-counts").getOrCreate()
        spark.sparkContext.setLogLevel("ERROR")
        print("spark", spark.version, file=sys.stderr)

        rolls = spark.read.csv(big, header=True, inferSchema=True)   # every file in the directory

        # Pooled: face,count.
        pooled = os.path.join(work, "pooled.counts")
        write_one_csv(rolls.groupBy("face").count().orderBy("face"), pooled)
        # The same in Spark SQL, checked against the DataFrame version.
        rolls.createOrReplaceTempView("rolls")
        sql = spark.sql("SELECT face, count(*) AS count FROM rolls GROUP BY face ORDER BY face")
        assert [tuple(r) for r in sql.collect()] == \
            [tuple(r) for r in rolls.groupBy("face").count().orderBy("face").collect()]

        # Per user: group,face,count.
        by_user = os.path.join(work, "by_user.counts")
        counts = (rolls.groupBy(F.col("user").alias("group"), "face").count()
                  .orderBy("group", "face"))
        write_one_csv(counts, by_user)
        spark.stop()

        all_csv = os.path.join(work, "all.csv")                     # the shards concatenated, one header
        with open(all_csv, "w") as out:
            for k, shard in enumerate(sorted(glob.glob(os.path.join(big, "*.csv")))):
                with open(shard) as f:
                    lines = f.readlines()
                out.writelines(lines if k == 0 else lines[1:])

        print("pooled counts from Spark:")
        print(open(pooled).read(), end="")
        spark_faces = diceml_json(["fit", "--counts", "-"], ".faces", pooled)
        whole_faces = diceml_json(["fit", all_csv], ".faces")
        same = spark_faces == whole_faces
        print(f"pooled: faces JSON {'identical' if same else 'DIFFERENT'} ({len(whole_faces)} bytes)")

        print("per-user counts from Spark (first rows):")
        print("".join(open(by_user).readlines()[:4]), end="")
        spark_groups = diceml_json(["fit", "--counts", "--by", "group", "-"], ".groups | sort_by(.group) | map(del(.tests.serial, .warnings))", by_user)
        whole_groups = diceml_json(["fit", all_csv, "--by", "user"], ".groups | sort_by(.group) | map(del(.tests.serial, .warnings))")
        print(subprocess.run(["jq", "-c", ".[] | {group, n, p20: .faces[19].p}"], input=spark_groups,
                             check=True, capture_output=True, text=True).stdout, end="")
        same_by = spark_groups == whole_groups
        print(f"per user: groups JSON {'identical' if same_by else 'DIFFERENT'} ({len(whole_groups)} bytes)")
        sys.exit(0 if same and same_by else 1)
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
