#!/usr/bin/env python3
"""Reference values for `diceml plan` (tests/golden/plan.json).

REGENERATE (from the repository root; about 10 seconds):

    python3 tests/golden/plan_golden.py

Needs scipy, statsmodels and mpmath (``pip install scipy statsmodels mpmath``).
See tests/golden/README.md for every field.  Per case, from the die weights
exactly as given on diceml's command line (normalised here in plain Python,
w_k / sum(w), as diceml does):

* effect_w    statsmodels ``chisquare_effectsize(p0, p1)`` (Cohen's w), over
              the faces the null allows (p0 > 0);
* rolls_real  statsmodels ``GofChisquarePower().solve_power(effect_size=w,
              alpha, power, n_bins=K')`` (K' = faces with p0 > 0), checked
              against an independent SciPy root (brentq on the noncentrality
              of ``ncx2.sf(chi2.isf(alpha, df), df, lam) = power``, to 1e-13
              relative) -- both must agree to 1e-6 relative, and the SciPy
              root is written;
* rolls       the smallest whole N >= 1 with ncx2.sf(crit, df, N w^2) >= power;
              the script asserts that power(rolls) and power(rolls - 1) lie
              more than 1e-9 from the target, so the integer is not decided
              by rounding;
* power_at_rolls  ``ncx2.sf(chi2.isf(alpha, df), df, rolls * w^2)``, checked
              against ``GofChisquarePower().power(...)`` to 1e-12.

``coin`` cases (df = 1) are a closed form instead: X^2 = Z^2 with
Z ~ N(sqrt(lam), 1), so power(N) = Phi(sqrt(lam) - z) + Phi(-sqrt(lam) - z),
z = Phi^-1(1 - alpha/2), lam = N w^2; evaluated and solved with mpmath at 40
digits (no SciPy, no statsmodels).
"""

import json
import math
import platform
import sys
from pathlib import Path

import mpmath
import scipy
import statsmodels
from scipy.optimize import brentq
from scipy.stats import chi2, ncx2
from statsmodels.stats.gof import chisquare_effectsize
from statsmodels.stats.power import GofChisquarePower

HERE = Path(__file__).resolve().parent
OUT = HERE / "plan.json"
mpmath.mp.dps = 40


def normalise(weights):
    total = 0.0
    for w in weights:
        total += w
    return [w / total for w in weights]


def one_face(k, face, prob):
    others = (1.0 - prob) / (k - 1)
    p = [others] * k
    p[face - 1] = prob
    return p


def args_text(values):
    return ",".join(repr(v) for v in values)


def power_at(crit, df, w, n):
    return float(ncx2.sf(crit, df, n * w * w))


def solve_case(name, args, null, alt, alpha, power, note):
    keep = [i for i, p in enumerate(null) if p > 0]
    p0 = [null[i] for i in keep]
    p1 = [alt[i] for i in keep]
    assert all(alt[i] == 0 for i in range(len(null)) if null[i] == 0)
    w = float(chisquare_effectsize(p0, p1))
    w_direct = math.sqrt(sum((b - a) ** 2 / a for a, b in zip(p0, p1)))
    assert abs(w - w_direct) <= 1e-14 * w, (name, w, w_direct)
    df = len(keep) - 1
    crit = float(chi2.isf(alpha, df))
    lam = brentq(lambda l: ncx2.sf(crit, df, l) - power, 1e-9, 1e7, xtol=1e-14, rtol=1e-15)
    real = lam / (w * w)
    sm = GofChisquarePower().solve_power(effect_size=w, nobs=None, alpha=alpha, power=power, n_bins=len(keep))
    sm = float(sm[0] if hasattr(sm, "__len__") else sm)
    assert abs(sm - real) <= 1e-6 * real, (name, sm, real)
    n = max(1, math.ceil(real))
    while power_at(crit, df, w, n) < power:
        n += 1
    while n > 1 and power_at(crit, df, w, n - 1) >= power:
        n -= 1
    at = power_at(crit, df, w, n)
    assert at - power > 1e-9, (name, "power(rolls) too close to the target", at)
    if n > 1:
        assert power - power_at(crit, df, w, n - 1) > 1e-9, (name, "power(rolls - 1) too close")
    sm_power = float(GofChisquarePower().power(effect_size=w, nobs=n, alpha=alpha, n_bins=len(keep)))
    assert abs(sm_power - at) <= 1e-12, (name, sm_power, at)
    return {
        "name": name,
        "note": note,
        "args": args,
        "alpha": alpha,
        "power": power,
        "effect_w": w,
        "df": df,
        "rolls_real": real,
        "rolls_real_statsmodels": sm,
        "rolls": n,
        "power_at_rolls": at,
    }


def power_case(name, args, null, alt, alpha, rolls, note):
    w = float(chisquare_effectsize(null, alt))
    df = len(null) - 1
    crit = float(chi2.isf(alpha, df))
    at = power_at(crit, df, w, rolls)
    sm_power = float(GofChisquarePower().power(effect_size=w, nobs=rolls, alpha=alpha, n_bins=len(null)))
    assert abs(sm_power - at) <= 1e-12, (name, sm_power, at)
    return {
        "name": name,
        "note": note,
        "args": args,
        "alpha": alpha,
        "rolls": rolls,
        "effect_w": w,
        "df": df,
        "power_at_rolls": at,
    }


def coin_power(w, n, alpha):
    z = mpmath.sqrt(2) * mpmath.erfinv(1 - mpmath.mpf(alpha))  # Phi^-1(1 - alpha/2)
    s = mpmath.sqrt(mpmath.mpf(n) * mpmath.mpf(w) ** 2)
    return mpmath.ncdf(s - z) + mpmath.ncdf(-s - z)


def coin_case(name, weights, alpha, power, rolls):
    null = [0.5, 0.5]
    alt = normalise(weights)
    w2 = sum((mpmath.mpf(b) - mpmath.mpf(a)) ** 2 / mpmath.mpf(a) for a, b in zip(null, alt))
    w = mpmath.sqrt(w2)
    real = mpmath.findroot(lambda n: coin_power(w, n, alpha) - power, 7.85 / w2)
    return {
        "name": name,
        "args": ["--probs", args_text(weights), "--alpha", repr(alpha), "--power", repr(power)],
        "alpha": alpha,
        "power": power,
        "effect_w": float(w),
        "rolls_real": float(real),
        "given_rolls": rolls,
        "power_at_given_rolls": float(coin_power(w, rolls, alpha)),
    }


def main():
    fair6 = [1.0 / 6.0] * 6
    fair20 = [1.0 / 20.0] * 20
    solve = []

    def face(name, k, f, p, alpha=0.05, power=0.8, note=""):
        args = ["--faces", str(k), "--face", str(f), "--face-prob", repr(p), "--alpha", repr(alpha), "--power", repr(power)]
        solve.append(solve_case(name, args, [1.0 / k] * k, one_face(k, f, p), alpha, power, note))

    def probs(name, alt_w, null_w, alpha=0.05, power=0.8, note=""):
        args = ["--probs", args_text(alt_w), "--alpha", repr(alpha), "--power", repr(power)]
        null = normalise(null_w) if null_w else [1.0 / len(alt_w)] * len(alt_w)
        if null_w:
            args += ["--expected", args_text(null_w)]
        solve.append(solve_case(name, args, null, normalise(alt_w), alpha, power, note))

    face("d6_face1_0.2", 6, 1, 0.2, note="a d6 with one face at 1/5")
    face("d6_face6_0.25", 6, 6, 0.25, note="a d6 with one face at 1/4")
    face("d6_face6_0.25_a01_p95", 6, 6, 0.25, 0.01, 0.95)
    face("d20_face20_0.07", 20, 20, 0.07, note="a d20 with one face at 7%")
    face("d20_face1_0.07_a001_p9", 20, 1, 0.07, 0.001, 0.9)
    probs("loaded_vs_nonuniform", [2, 2, 3, 4, 5, 5], [1, 2, 3, 4, 5, 6], note="--probs against a non-uniform --expected")
    probs("k4_vs_nonuniform", [0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.2, 0.3], 0.01, 0.9)
    face("tiny_d6_face1_0.1675", 6, 1, 0.1675, note="needs millions of rolls")
    face("tiny_d20_face7_0.0505", 20, 7, 0.0505, note="needs millions of rolls")
    face("tiny_d100_face1_0.0102", 100, 1, 0.0102, note="needs over 10^7 rolls")
    face("large_d6_face6_0.7", 6, 6, 0.7, note="a handful of rolls")
    face("large_coin_0.9", 2, 1, 0.9, note="a dozen rolls")
    face("large_d4_face2_0.8", 4, 2, 0.8, 0.01, 0.99, note="under 30 rolls")
    probs("zero_face_null", [3, 2, 0], [1, 1, 0], note="a face the null forbids: df = 1 (statsmodels given the two allowed faces)")
    probs("d12_spread", [1.2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.8], None, 0.05, 0.8)

    given = []
    for name, k, f, p, alpha, n in [
        ("power_d6_face6_0.2_n600", 6, 6, 0.2, 0.05, 600),
        ("power_d20_face20_0.07_n1000", 20, 20, 0.07, 0.05, 1000),
        ("power_d6_face1_0.25_n50_a01", 6, 1, 0.25, 0.01, 50),
        ("power_d20_face1_0.1_n100000", 20, 1, 0.1, 0.05, 100000),
    ]:
        args = ["--faces", str(k), "--face", str(f), "--face-prob", repr(p), "--alpha", repr(alpha), "--rolls", str(n)]
        given.append(power_case(name, args, [1.0 / k] * k, one_face(k, f, p), alpha, n, ""))

    coin = [
        coin_case("coin_0.6", [0.6, 0.4], 0.05, 0.8, 100),
        coin_case("coin_0.55_a01_p9", [0.55, 0.45], 0.01, 0.9, 1000),
        coin_case("coin_0.51", [51, 49], 0.05, 0.8, 50000),
    ]

    doc = {
        "versions": {
            "python": platform.python_version(),
            "scipy": scipy.__version__,
            "statsmodels": statsmodels.__version__,
            "mpmath": mpmath.__version__,
        },
        "solve": solve,
        "given_rolls": given,
        "coin_closed_form": coin,
    }
    OUT.write_text(json.dumps(doc, indent=1, allow_nan=False) + "\n")
    print(f"wrote {OUT}: {len(solve)} solved, {len(given)} at given rolls, {len(coin)} coins", file=sys.stderr)


if __name__ == "__main__":
    main()
