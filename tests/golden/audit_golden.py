#!/usr/bin/env python3
"""Reference values for `diceml audit` (tests/golden/audit.json).

Writes two fixed roll logs (audit_fair_d6.csv: a fair d6, 6,000 rolls;
audit_sticky_d4.csv: a d4 that repeats its last face with probability
0.15, 8,000 rolls; both from numpy's PCG64 with fixed seeds) and, for each,
the files' SHA-256 (hashlib) and every test of the battery computed
independently of diceml:

- frequency: scipy.stats.chisquare, two-sided p = 2 min(sf, cdf);
- serial: non-overlapping pairs, scipy.stats.chisquare;
- runs: the number R of runs up and down of the rolls with ties ordered
  by SplitMix64 from diceml's documented seed, z against Levene &
  Wolfowitz's mean and variance, two-sided scipy.stats.norm.sf;
- gap: the geometric law, pooled as documented, scipy.stats.chisquare;
- poker: the law of distinct faces by enumerating all k^5 hands;
- coupon_collector: Knuth's k!/k^r S(r-1, k-1) in exact fractions (the
  Stirling recurrence), pooled as documented;
- permutation: the law of the 13 weak orderings by enumerating all k^3
  triples;
- serial_correlation: statsmodels.stats.diagnostic.acorr_ljungbox;
- drift: scipy.stats.chi2_contingency(correction=False) on the blocks,
  cut by the documented rule (blocks of the smallest ceil(5k)*2^j rolls
  that makes at most B of them, the remainder joining the last).

Run from the repository root:  python3 tests/golden/audit_golden.py
"""

import hashlib
import json
import math
from fractions import Fraction
from itertools import product
from pathlib import Path

import numpy as np
import scipy
import statsmodels
from scipy import stats
from statsmodels.stats.diagnostic import acorr_ljungbox

HERE = Path(__file__).resolve().parent
MIN_EXPECTED = 5.0
MASK = (1 << 64) - 1
JITTER_SEED = 0x646963656D6C0001


def splitmix(i):
    z = (JITTER_SEED + (i + 1) * 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def chisq(counts, probs):
    counts = np.asarray(counts, dtype=float)
    expected = counts.sum() * np.asarray(probs, dtype=float)
    r = stats.chisquare(counts, expected, sum_check=False)
    return float(r.statistic), len(counts) - 1, float(r.pvalue)


def pool_adjacent(counts, probs):
    m = sum(counts)
    oc, op, c, p = [], [], 0, 0.0
    for ci, pi in zip(counts, probs):
        if pi <= 0:
            continue
        c += ci
        p += pi
        if m * p >= MIN_EXPECTED:
            oc.append(c)
            op.append(p)
            c, p = 0, 0.0
    if p > 0:
        if oc:
            oc[-1] += c
            op[-1] += p
        else:
            oc.append(c)
            op.append(p)
    return oc, op


def pool_small(counts, probs):
    m = sum(counts)
    bc, bp, c, p = [], [], 0, 0.0
    for ci, pi in zip(counts, probs):
        if pi <= 0:
            continue
        if m * pi >= MIN_EXPECTED:
            bc.append(ci)
            bp.append(pi)
        else:
            c += ci
            p += pi
    if p > 0:
        if m * p >= MIN_EXPECTED or not bp:
            bc.append(c)
            bp.append(p)
        else:
            j = int(np.argmin(bp))
            bc[j] += c
            bp[j] += p
    return bc, bp


def frequency(x, k):
    counts = np.bincount(x, minlength=k)
    r = stats.chisquare(counts)
    stat = float(r.statistic)
    p = min(1.0, 2 * min(stats.chi2.sf(stat, k - 1), stats.chi2.cdf(stat, k - 1)))
    return stat, k - 1, float(p)


def serial(x, k):
    m = len(x) // 2
    counts = np.bincount(x[0:2 * m:2] * k + x[1:2 * m:2], minlength=k * k)
    return chisq(counts, [1 / (k * k)] * (k * k))


def runs(x):
    # Runs up and down of the jittered rolls: one more than the turning
    # points; E = (2n-1)/3, Var = (16n-29)/90 (Levene & Wolfowitz 1944).
    y = [(int(v), splitmix(i)) for i, v in enumerate(x)]
    ups = [y[i + 1] > y[i] for i in range(len(y) - 1)]
    r = 1 + sum(1 for a, b in zip(ups, ups[1:]) if a != b)
    n = len(x)
    z = (r - (2 * n - 1) / 3) / math.sqrt((16 * n - 29) / 90)
    return z * z, 1, float(2 * stats.norm.sf(abs(z)))


def gap(x, k):
    h = k // 2
    p = h / k
    q = 1 - p
    gaps, r = [], 0
    for v in x:
        if v < h:
            gaps.append(r)
            r = 0
        else:
            r += 1
    m = len(gaps)
    t = 0
    while m * q ** t >= MIN_EXPECTED:
        t += 1
    counts = [sum(1 for g in gaps if g == j) for j in range(t)] + [sum(1 for g in gaps if g >= t)]
    probs = [p * q ** j for j in range(t)] + [q ** t]
    return chisq(*pool_adjacent(counts, probs))


def poker(x, k):
    law = [0] * min(5, k)
    for hand in product(range(k), repeat=5):
        law[len(set(hand)) - 1] += 1
    probs = [c / k ** 5 for c in law]
    counts = [0] * len(law)
    for j in range(len(x) // 5):
        counts[len(set(x[5 * j:5 * j + 5])) - 1] += 1
    return chisq(*pool_adjacent(counts, probs))


def stirling2(n, k, memo={}):
    if (n, k) in memo:
        return memo[(n, k)]
    if n == k:
        v = 1
    elif k == 0 or n < k:
        v = 0
    else:
        v = k * stirling2(n - 1, k) + stirling2(n - 1, k - 1)
    memo[(n, k)] = v
    return v


def coupon(x, k):
    lengths, seen, r = [], set(), 0
    for v in x:
        r += 1
        seen.add(int(v))
        if len(seen) == k:
            lengths.append(r)
            seen, r = set(), 0
    m = len(lengths)
    probs, r, tail = [], k, Fraction(1)
    while m * float(tail) >= MIN_EXPECTED:
        pr = Fraction(math.factorial(k), k ** r) * stirling2(r - 1, k - 1)
        probs.append(pr)
        tail -= pr
        r += 1
    probs.append(tail)
    t = r
    counts = [sum(1 for s in lengths if s == j) for j in range(k, t)] + [sum(1 for s in lengths if s >= t)]
    return chisq(*pool_adjacent(counts, [float(p) for p in probs]))


def pattern(t):
    # The weak ordering of a triple: its values replaced by their ranks.
    ranks = sorted(set(t))
    return tuple(ranks.index(v) for v in t)


def permutation(x, k):
    law = {}
    for t in product(range(k), repeat=3):
        law[pattern(t)] = law.get(pattern(t), 0) + 1
    keys = sorted(law)
    counts = dict.fromkeys(keys, 0)
    for j in range(len(x) // 3):
        counts[pattern(tuple(x[3 * j:3 * j + 3]))] += 1
    return chisq(*pool_small([counts[key] for key in keys], [law[key] / k ** 3 for key in keys]))


def serial_correlation(x, lags):
    r = acorr_ljungbox(np.asarray(x, dtype=float), lags=[lags])
    return float(r["lb_stat"].iloc[0]), lags, float(r["lb_pvalue"].iloc[0])


def drift(x, k, blocks):
    # Blocks of c rolls, c the smallest ceil(5k)*2^j with floor(n/c) <= B;
    # floor(n/c) blocks, the remainder joining the last.
    n = len(x)
    c = math.ceil(MIN_EXPECTED * k)
    while n // c > blocks:
        c *= 2
    b = max(1, n // c)
    table = np.zeros((b, k), dtype=np.int64)
    for i, v in enumerate(x):
        table[min(i // c, b - 1), v] += 1
    table = table[:, table.sum(axis=0) > 0]
    r = stats.chi2_contingency(table, correction=False)
    return float(r.statistic), int(r.dof), float(r.pvalue)


def battery(x, k):
    x = np.asarray(x, dtype=np.int64)
    rows = {
        "frequency": frequency(x, k),
        "serial": serial(x, k),
        "runs": runs(list(x)),
        "gap": gap(list(x), k),
        "poker": poker(list(x), k),
        "coupon_collector": coupon(list(x), k),
        "permutation": permutation(list(x), k),
        "serial_correlation": serial_correlation(x, 5),
        "drift": drift(list(x), k, 10),
    }
    return [{"name": n, "statistic": s, "df": df, "p_value": p} for n, (s, df, p) in rows.items()]


def sticky(rng, n, k, stick):
    x = [int(rng.integers(k))]
    while len(x) < n:
        x.append(x[-1] if rng.random() < stick else int(rng.integers(k)))
    return x


def main():
    logs = [
        ("audit_fair_d6.csv", 6, [int(v) for v in np.random.default_rng(20261207).integers(6, size=6000)]),
        ("audit_sticky_d4.csv", 4, sticky(np.random.default_rng(4), 8000, 4, 0.15)),
    ]
    cases = []
    for name, k, x in logs:
        text = "face\n" + "".join(f"{v + 1}\n" for v in x)
        (HERE / name).write_text(text)
        sha256 = hashlib.sha256(text.encode()).hexdigest()
        cases.append({"file": name, "sha256": sha256, "k": k, "n": len(x), "tests": battery(x, k)})
    out = {
        "versions": {"numpy": np.__version__, "scipy": scipy.__version__,
                     "statsmodels": statsmodels.__version__},
        "cases": cases,
    }
    (HERE / "audit.json").write_text(json.dumps(out, indent=1, allow_nan=False) + "\n")


if __name__ == "__main__":
    main()
