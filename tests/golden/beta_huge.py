#!/usr/bin/env python3
"""Reference Beta quantiles at huge parameters (1e13 to 1e307) for diceml.

REGENERATE (one command, from the repository root):

    python3 tests/golden/beta_huge.py

It writes tests/golden/beta_huge.json (a few minutes).  It needs Python 3 with
mpmath (``pip install mpmath``).

The method is beta_large.py's, imported from it: the tail is the numerical
integral (tanh-sinh quadrature) of the beta density over the last 64 widths
next to x, ln B(a, b) from mpmath.loggamma, and the quantile the root of
ln(tail) = ln(p) by Newton's method in ln x.  Only the working precision
changes: at a + b = 1e200 the standard deviation is 1e-100 of the mean and
ln B(a, b) is about 1e202, so the case is computed at 50 + log10(a + b)
digits; from a + b = 1e60 on, where the standard deviation is below 1e-30 of
the mean, the normal limit mu + z*sd is the reference (its error is stated at
NORMAL_FROM).  A --prior of 1e200 on data/fair_d6.csv gives the
posterior Beta(n_k + 1e200, N - n_k + 5e200); its parameters are written
exactly (as decimal strings) next to the doubles they round to.

Nothing here is copied into the repository's Rust code; the script only
produces numbers.
"""

import json
import platform
import sys
from pathlib import Path

import mpmath as mp

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import beta_large  # noqa: E402  (the quadrature and the Newton root)

OUT = HERE / "beta_huge.json"

# (a, b, p): each solved for the lower tail p and the upper tail p.  a and b
# are given as decimal strings so that the exact parameters reach mpmath.
QUANTILE_CASES = [
    ("1e13", "5e13", 0.025),
    ("1e13", "5e13", 1e-300),
    ("1e15", "1e15", 1e-10),
    ("1e16", "1e20", 0.025),
    ("1e20", "5e20", 0.025),
    ("1e25", "1e28", 1e-300),
    ("1e25", "1e28", 1e-20),
    ("1e30", "1e30", 1e-300),
    ("1e50", "3e50", 0.3),
    ("1e100", "5e100", 0.025),
    ("1e300", "1.5e300", 1e-300),
    ("1e307", "8e307", 0.025),
    ("1e308", "1.5e308", 1e-10),
    ("1000", "1e50", 0.025),
    ("5", "1e40", 1e-10),
]


def fair_d6_counts():
    path = HERE.parent.parent / "data" / "fair_d6.csv"
    rolls = path.read_text().split()[1:]
    return [rolls.count(str(face)) for face in range(1, 7)]


def solve(a, b, p, upper):
    """The quantile as a double: by quadrature up to a + b = 1e60, beyond by
    the normal limit (see NORMAL_FROM)."""
    digits = 50 + int(mp.log10(mp.mpf(a) + mp.mpf(b)))
    with mp.workdps(digits):
        a, b = mp.mpf(a), mp.mpf(b)
        if a + b >= NORMAL_FROM:
            return float(normal_limit(a, b, p, upper))
        return float(beta_large.quantile(a, b, p, upper))


# From a + b = 1e60 on (and min(a, b) >= 1e25 in every such case here) the
# quantile is mu + z*sd: the next Cornish-Fisher term, gamma1*(z^2 - 1)/6 sd
# with gamma1 < 2/sqrt(min(a, b)), moves x by less than 1e-12 * sd, and
# sd/x < 1e-12 there, so the neglected part is below 1e-24 of x, far below
# an ulp.  The quadrature at those sizes (300+ digits) takes hours.
NORMAL_FROM = mp.mpf("1e60")


def normal_limit(a, b, p, upper):
    s = a + b
    mean = a / s
    sd = mp.sqrt(a * b / (s * s * (s + 1)))
    z = -mp.sqrt(2) * mp.erfinv(1 - 2 * mp.mpf(p))
    if upper:
        z = -z
    assert min(a, b) >= mp.mpf("1e25")
    return mean + z * sd


def main():
    quantiles = []
    for a, b, p in QUANTILE_CASES:
        for upper in (False, True):
            quantiles.append(
                {
                    "a": float(a),
                    "b": float(b),
                    "a_exact": a,
                    "b_exact": b,
                    "p": p,
                    "tail": "upper" if upper else "lower",
                    "x_mpmath": solve(a, b, p, upper),
                }
            )
            print(quantiles[-1], flush=True)
    counts = fair_d6_counts()
    n = sum(counts)
    alpha = 10**200
    level = 0.95
    tail = (1 - level) / 2
    posterior = []
    for c in counts:
        a = str(c + alpha)
        b = str(n - c + 5 * alpha)
        with mp.workdps(260):
            mean = float(mp.mpf(a) / (mp.mpf(a) + mp.mpf(b)))
        posterior.append(
            {
                "count": c,
                "a_exact": a,
                "b_exact": b,
                "mean": mean,
                "low": solve(a, b, tail, False),
                "high": solve(a, b, tail, True),
            }
        )
        print(posterior[-1], flush=True)
    doc = {
        "generator": "tests/golden/beta_huge.py",
        "regenerate": "python3 tests/golden/beta_huge.py",
        "versions": {"python": platform.python_version(), "mpmath": mp.__version__},
        "method": "beta_large.py's quadrature and Newton root at 50 + log10(a + b) digits; the normal limit from a + b = 1e60",
        "quantiles": quantiles,
        "fair_d6_prior_1e200": {
            "counts": counts,
            "prior": 1e200,
            "level": level,
            "posterior": posterior,
        },
    }
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
