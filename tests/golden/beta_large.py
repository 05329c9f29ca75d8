#!/usr/bin/env python3
"""Reference values for the Beta distribution at large parameters.

REGENERATE (one command, from the repository root):

    python3 tests/golden/beta_large.py

It writes tests/golden/beta_large.json (a few minutes).  It needs Python 3
with mpmath and scipy (``pip install scipy mpmath``).

Why a separate file: mpmath's own ``betainc`` does not converge for
parameters near 1e10 (its hypergeometric series needs too many terms), so the
references here come from the definition itself:

    I_x(a, b) = (1/B(a, b)) * integral_0^x t^(a-1) (1-t)^(b-1) dt

integrated numerically by mpmath (tanh-sinh quadrature at 40 digits) over
the last 64 "widths" of the smaller tail next to x, where a width is the
smaller of the standard deviation and 1/|d/dt ln density| at x.  The
integrand is log-concave (a, b >= 1), so everything further away is below
e^-64 of the density at x and is dropped.  ln B(a, b) comes from
mpmath.loggamma.  A quantile is the root of ln(tail(x)) = ln(p), found by
Newton's method in ln x in mpmath (derivative: the density), started from
the Cornish-Fisher approximation.  SciPy's double (scipy.stats.beta.ppf /
.isf, i.e. Boost's ibeta_inv) is recorded next to it with its relative
difference from the mpmath root, for information only: it is not always
right here (for Beta(1e3, 1e10) SciPy 1.17 returns ppf(0.025) = 2.38e-7,
above its isf(0.025) = 9.1e-8).

Nothing here is copied into the repository's Rust code; the script only
produces numbers.
"""

import json
import math
import platform
import sys
from pathlib import Path

import mpmath as mp
import scipy
import scipy.stats as st

mp.mp.dps = 40
HERE = Path(__file__).resolve().parent
OUT = HERE / "beta_large.json"
WIDTHS = 64


def ln_density(a, b, lnbeta, t):
    return (a - 1) * mp.log(t) + (b - 1) * mp.log1p(-t) - lnbeta


def smaller_tail(a, b, x):
    """(ln of the smaller tail at x, True if it is the lower tail)."""
    a, b, x = mp.mpf(a), mp.mpf(b), mp.mpf(x)
    lnbeta = mp.loggamma(a) + mp.loggamma(b) - mp.loggamma(a + b)
    mean = a / (a + b)
    sd = mp.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    slope = abs((a - 1) / x - (b - 1) / (1 - x))
    width = min(sd, 1 / slope) if slope > 0 else sd
    lower = x <= mean
    g_x = ln_density(a, b, lnbeta, x)

    # Integrate e^(g(t) - g(x)) so the integrand is O(1) at x.
    def f(t):
        return mp.exp(ln_density(a, b, lnbeta, t) - g_x)

    if lower:
        start = max(mp.mpf(0), x - WIDTHS * width)
        pts = [start + (x - start) * k / WIDTHS for k in range(WIDTHS + 1)]
    else:
        end = min(mp.mpf(1), x + WIDTHS * width)
        pts = [x + (end - x) * k / WIDTHS for k in range(WIDTHS + 1)]
    integral = mp.quad(f, pts)
    return g_x + mp.log(integral), lower, g_x


def both_tails(a, b, x):
    ln_small, lower, _ = smaller_tail(a, b, x)
    ln_big = mp.log1p(-mp.exp(ln_small))
    return (ln_small, ln_big) if lower else (ln_big, ln_small)


def start_guess(a, b, p, upper):
    """Cornish-Fisher start (normal quantile with skewness and kurtosis)."""
    a, b = mp.mpf(a), mp.mpf(b)
    s = a + b
    mean = a / s
    sd = mp.sqrt(a * b / (s * s * (s + 1)))
    z = -mp.sqrt(2) * mp.erfinv(1 - 2 * mp.mpf(p))  # the lower-tail z of p
    if upper:
        z = -z
    g1 = 2 * (b - a) * mp.sqrt(s + 1) / ((s + 2) * mp.sqrt(a * b))
    g2 = 6 * ((a - b) ** 2 * (s + 1) - a * b * (s + 2)) / (a * b * (s + 2) * (s + 3))
    w = z + (z * z - 1) * g1 / 6 + (z**3 - 3 * z) * g2 / 24 - (2 * z**3 - 5 * z) * g1**2 / 36
    x = mean + w * sd
    return x if 0 < x < 1 else mean


def quantile(a, b, p, upper):
    """The x with lower tail p (or upper tail p if `upper`): Newton's method
    in u = ln x on ln(tail) - ln(p), with steps capped at 0.5 in u."""
    a_, b_ = mp.mpf(a), mp.mpf(b)
    lnbeta = mp.loggamma(a_) + mp.loggamma(b_) - mp.loggamma(a_ + b_)
    lnp = mp.log(mp.mpf(p))
    x = start_guess(a, b, p, upper)
    for _ in range(200):
        ln_lo, ln_up = both_tails(a, b, x)
        ln_tail = ln_up if upper else ln_lo
        g = ln_tail - lnp
        # d ln(tail)/d ln x = ±x·density/tail
        slope = x * mp.exp(ln_density(a_, b_, lnbeta, x) - ln_tail)
        step = -g / slope if not upper else g / slope
        step = max(min(step, mp.mpf("0.5")), mp.mpf("-0.5"))
        x_new = x * mp.exp(step)
        if x_new >= 1:
            x_new = (x + 1) / 2
        if abs(x_new - x) < mp.mpf(10) ** -30 * x:
            return x_new
        x = x_new
    raise RuntimeError(f"no convergence: a={a} b={b} p={p}")


# (a, b, p) quantile cases; each is solved for the lower tail p and the
# upper tail p.  Zipf posteriors (Beta(n_k + 1, N - n_k + K - 1) with
# N = 12090096448, K = 1e5), a = b, a << b and a >> b, and tails down to 1e-300.
N_ZIPF = 12090096448.0
QUANTILE_CASES = [
    (1e4 + 1, N_ZIPF - 1e4 + 99999, 0.025),
    (15384615 + 1, N_ZIPF - 15384615 + 99999, 0.025),
    (1e9 + 1, N_ZIPF - 1e9 + 99999, 0.025),
    (1e10, 1e10, 0.025),
    (1e10, 1e10, 1e-10),
    (1e10, 1e10, 1e-300),
    (1e3, 1e10, 0.025),
    (1e3, 1e10, 1e-300),
    (1e5, 1e10, 0.5),
    (1e5, 1e10, 1e-20),
    (1e5, 1e10, 1e-300),
    (1e7, 1e10, 1e-300),
    (1e10, 1e3, 0.025),
    (1e10, 2e6, 1e-300),
    (1e10, 2e6, 0.3),
    (2e3, 3e3, 1e-300),
    (5e4, 7e4, 1e-100),
    (1e6, 1e6, 0.5 - 1e-9),
]

# (a, b, z): tails at x = mean + z*sd (the double nearest it).
TAIL_CASES = [
    (1e3, 1e3, -30.0),
    (1e3, 1e10, 2.0),
    (1e4, 1.2e10, -2.0),
    (1e4, 1.2e10, 2.0),
    (1e7, 2e3, -0.5),
    (1e7, 1e4, -2.0),
    (1e9, 1.1e10, 0.3),
    (1.2e10, 1e4, -0.5),
    (1.2e10, 1e4, 2.0),
    (1.2e10, 1e6, -0.5),
    (1.2e10, 1.2e10, -0.5),
    (1.2e10, 1.2e10, 5.0),
    (1e5, 1e5, 20.0),
    (3e3, 1e6, -30.0),
]


def main():
    quantiles = []
    for a, b, p in QUANTILE_CASES:
        for upper in (False, True):
            sp = float(st.beta.isf(p, a, b) if upper else st.beta.ppf(p, a, b))
            x = quantile(a, b, p, upper)
            xf = float(x)
            quantiles.append(
                {
                    "a": a,
                    "b": b,
                    "p": p,
                    "tail": "upper" if upper else "lower",
                    "x_mpmath": xf,
                    "x_scipy": sp,
                    "scipy_rel_diff": float(abs(sp - x) / x),
                }
            )
            print(quantiles[-1], flush=True)
    tails = []
    for a, b, z in TAIL_CASES:
        s = a + b
        x = a / s + z * math.sqrt(a * b / (s * s * (s + 1.0)))
        lo, up = both_tails(a, b, x)
        tails.append(
            {"a": a, "b": b, "x": x, "ln_lower": float(lo), "ln_upper": float(up)}
        )
        print(tails[-1], flush=True)
    doc = {
        "generator": "tests/golden/beta_large.py",
        "regenerate": "python3 tests/golden/beta_large.py",
        "versions": {
            "python": platform.python_version(),
            "mpmath": mp.__version__,
            "scipy": scipy.__version__,
        },
        "method": "mpmath quadrature of the beta density at 40 digits (see the script)",
        "quantiles": quantiles,
        "tails": tails,
    }
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
