#!/usr/bin/env python3
"""Reference p-values of the exact multinomial test at tabletop sizes, for
diceml's lattice method (tests/cli/exact.rs).

Independent of diceml's algorithm: outcomes are grouped into classes that
share one statistic (under a fair null, the permutations of one partition of
N; under a null with two groups of equal probabilities, a pair of
partitions), every class's null probability is an exact fraction
(multinomial coefficients in Python integers), and the statistic is computed
with mpmath at 60 digits (X² exactly, as a fraction). X² under a fair null
at d20 x 100 and d12 x 150, where the partitions are too many, comes from a
dynamic programme over the faces on the integer Σ x², in Python integers.

The ordering and tie rule are diceml's (docs/statistics.md §2.5):

    llr    S = 2 Σ x ln(x / (N p))
    chisq  S = Σ (x − N p)² / (N p)
    prob   S = Σ (ln x! − x ln p)
    p = P0(S ≥ S_obs (1 − 1e-9) − 1e-12)

Run from the repository root: python3 tests/golden/exact_lattice.py
(writes tests/golden/exact_lattice.json; a few minutes).
"""

import json
import math
import random
from fractions import Fraction
from math import comb, factorial

import mpmath as mp
import numpy as np

mp.mp.dps = 60
REL, ABS = mp.mpf("1e-9"), mp.mpf("1e-12")


def partitions(n, k, largest=None):
    """Partitions of n into at most k positive parts, non-increasing."""
    if largest is None:
        largest = n
    if n == 0:
        yield ()
        return
    if k == 0:
        return
    for first in range(min(n, largest), 0, -1):
        for rest in partitions(n - first, k - 1, first):
            yield (first,) + rest


def arrangements(parts, k):
    """How many count vectors over k faces are permutations of `parts`."""
    counts = {}
    for v in list(parts) + [0] * (k - len(parts)):
        counts[v] = counts.get(v, 0) + 1
    out = factorial(k)
    for c in counts.values():
        out //= factorial(c)
    return out


def multinomial(xs):
    out = factorial(sum(xs))
    for x in xs:
        out //= factorial(x)
    return out


def statistic(stat, xs, ps):
    """S of counts xs under probabilities ps (Fractions); mpmath or Fraction."""
    n = sum(xs)
    if stat == "chisq":
        return sum((Fraction(x) - n * p) ** 2 / (n * p) for x, p in zip(xs, ps))
    if stat == "llr":
        return 2 * mp.fsum(x * mp.log(mp.mpf(x) / (n * mp.mpf(p.numerator) / p.denominator)) for x, p in zip(xs, ps) if x > 0)
    return mp.fsum(mp.log(mp.factorial(x)) - x * mp.log(mp.mpf(p.numerator) / p.denominator) for x, p in zip(xs, ps))


def float_statistic(stat, xs, ps):
    """S in floats, for a first sorting of the outcomes."""
    n = sum(xs)
    fp = [float(p) for p in ps]
    if stat == "chisq":
        return sum((x - n * p) ** 2 / (n * p) for x, p in zip(xs, fp))
    if stat == "llr":
        return 2 * sum(x * math.log(x / (n * p)) for x, p in zip(xs, fp) if x > 0)
    return sum(math.lgamma(x + 1) - x * math.log(p) for x, p in zip(xs, fp))


def is_extreme(stat, xs, ps, s_obs, f_thr):
    """S(xs) ≥ the threshold: decided in floats when S is more than 1e-7
    (relative) away from it, else in exact or 60-digit arithmetic."""
    f = float_statistic(stat, xs, ps)
    if abs(f - f_thr) > 1e-7 * max(abs(f_thr), 1.0):
        return f > f_thr
    return extreme(statistic(stat, xs, ps), s_obs)


def float_threshold(s_obs):
    return float(s_obs) * (1 - 1e-9) - 1e-12


def extreme(s, s_obs):
    if isinstance(s, Fraction):
        thr = mp.mpf(s_obs.numerator) / s_obs.denominator * (1 - REL) - ABS
        return mp.mpf(s.numerator) / s.denominator >= thr
    return s >= s_obs * (1 - REL) - ABS


def to_float(fr):
    """A Fraction in (0, 1] to the nearest f64, through mpmath."""
    return float(mp.mpf(fr.numerator) / fr.denominator)


def fair_by_partitions(counts, stat):
    k, n = len(counts), sum(counts)
    ps = [Fraction(1, k)] * k
    s_obs = statistic(stat, counts, ps)
    f_thr = float_threshold(s_obs)
    total = 0
    for parts in partitions(n, k):
        xs = list(parts) + [0] * (k - len(parts))
        if is_extreme(stat, xs, ps, s_obs, f_thr):
            total += arrangements(parts, k) * multinomial(xs)
    return Fraction(total, k**n)


def two_groups(counts, weights, stat):
    """A null whose faces fall in two groups of equal probabilities."""
    k, n = len(counts), sum(counts)
    w = sum(weights)
    ps = [Fraction(x, w) for x in weights]
    a_faces = [i for i in range(k) if weights[i] == weights[0]]
    b_faces = [i for i in range(k) if weights[i] != weights[0]]
    pa, pb = ps[a_faces[0]], ps[b_faces[0]]
    ka, kb = len(a_faces), len(b_faces)
    s_obs = statistic(stat, counts, ps)
    f_thr = float_threshold(s_obs)
    total = Fraction(0)
    for na in range(n + 1):
        for pa_parts in partitions(na, ka):
            xa = list(pa_parts) + [0] * (ka - len(pa_parts))
            for pb_parts in partitions(n - na, kb):
                xb = list(pb_parts) + [0] * (kb - len(pb_parts))
                xs, qs = xa + xb, [pa] * ka + [pb] * kb
                if is_extreme(stat, xs, qs, s_obs, f_thr):
                    ways = arrangements(pa_parts, ka) * arrangements(pb_parts, kb)
                    total += ways * multinomial(xs) * pa**na * pb ** (n - na)
    return total


def fair_chisq_dp(counts):
    """P(Σ x² ≥ Σ n²) under a fair null, by a DP in Python integers:
    ways[m][s] = number of roll sequences of m rolls on the faces so far
    with Σ x² = s."""
    k, n = len(counts), sum(counts)
    s_obs = sum(x * x for x in counts)
    # ways[m][s], s = 0..m², as numpy arrays of Python integers.
    ways = [np.zeros(m * m + 1, dtype=object) for m in range(n + 1)]
    for w in ways:
        w[:] = 0
    ways[0][0] = 1
    for _ in range(k):
        nxt = [np.zeros(m * m + 1, dtype=object) for m in range(n + 1)]
        for w in nxt:
            w[:] = 0
        for m in range(n + 1):
            if not ways[m].any():
                continue
            for x in range(n - m + 1):
                nxt[m + x][x * x : x * x + m * m + 1] += ways[m] * comb(m + x, x)
        ways = nxt
    # The tie slack (1e-9 X²_obs + 1e-12)·N/K is below one step here.
    x2 = Fraction(k, n) * s_obs - n
    assert (x2 * REL + ABS) * n / k < 1
    total = sum(ways[n][s_obs:])
    return Fraction(total, k**n)


def sample(k, n, seed, weights=None):
    rng = random.Random(seed)
    counts = [0] * k
    for face in rng.choices(range(k), weights=weights or [1] * k, k=n):
        counts[face] += 1
    return counts


def main():
    cases = []

    def add(name, counts, null, stat, p):
        assert 0 < p <= 1
        cases.append({
            "name": name,
            "counts": counts,
            "null": null,
            "stat": stat,
            "p_value": to_float(p),
        })

    # Fair, every ordering, by partitions: d6 x 60 (diceml enumerates),
    # d6 x 70, d20 x 50, d12 x 60 (diceml's lattice).
    for name, k, n, seed, bias in [
        ("d6x60", 6, 60, 1, None),
        ("d6x70", 6, 70, 2, [2, 1, 1, 1, 1, 1]),
        ("d20x50", 20, 50, 3, None),
        ("d12x60", 12, 60, 4, [1.6] + [1] * 11),
    ]:
        counts = sample(k, n, seed, bias)
        for stat in ["llr", "chisq", "prob"]:
            add(f"{name} fair {stat}", counts, [1] * k, stat, fair_by_partitions(counts, stat))
    # Fair X² at the tabletop sizes, by the DP on Σ x².
    for name, k, n, seed, bias in [
        ("d20x100", 20, 100, 5, None),
        ("d20x100 loaded", 20, 100, 6, [3] + [1] * 19),
        ("d12x150", 12, 150, 7, None),
    ]:
        counts = sample(k, n, seed, bias)
        add(f"{name} fair chisq", counts, [1] * k, "chisq", fair_chisq_dp(counts))
    # A loaded null in two groups: d8 with weights 1,1,1,1,2,2,2,2, N = 40.
    weights = [1, 1, 1, 1, 2, 2, 2, 2]
    counts = sample(8, 40, 8, [1, 1, 1, 1, 1, 1, 1, 1])
    for stat in ["llr", "chisq", "prob"]:
        add(f"d8x40 two-group {stat}", counts, weights, stat, two_groups(counts, weights, stat))
    doc = {
        "about": "exact multinomial p-values; see tests/golden/exact_lattice.py",
        "versions": {"mpmath": mp.__version__},
        "cases": cases,
    }
    with open("tests/golden/exact_lattice.json", "w") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write("\n")


if __name__ == "__main__":
    main()
