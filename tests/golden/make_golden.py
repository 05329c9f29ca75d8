#!/usr/bin/env python3
"""Generate diceml's independent reference values ("goldens").

REGENERATE (one command, from the repository root):

    python3 tests/golden/make_golden.py

It writes tests/golden/stats.json.  It needs Python 3 with scipy, statsmodels,
numpy and mpmath (``pip install scipy statsmodels numpy mpmath``) and R's
``Rscript`` on PATH (Debian: ``apt-get install r-base-core``); R is called
through tests/golden/chisq.R.  See tests/golden/README.md for every field.

This script only *uses* the reference libraries to produce numbers; none of
their code is copied into the repository.  The only algorithm written here is
the exact multinomial enumeration (the independent reference for diceml's own
enumeration) and a few closed forms stated in the README.
"""

import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import warnings
from fractions import Fraction
from math import comb
from pathlib import Path

import mpmath
import numpy as np
import scipy
import scipy.special as sp
import scipy.stats as st
import statsmodels
from statsmodels.stats.proportion import (
    multinomial_proportions_confint,
    proportion_confint,
)

HERE = Path(__file__).resolve().parent
OUT = HERE / "stats.json"
R_SCRIPT = HERE / "chisq.R"

MP_DPS = 60
mpmath.mp.dps = MP_DPS

SMALLEST_NORMAL = sys.float_info.min  # 2.2250738585072014e-308
EXACT_MAX_OUTCOMES = 2_000_000
TIE_REL = 1e-9
TIE_ABS = 1e-12
LEVELS = [("0.95", 0.05), ("0.9", 0.1)]  # (key, alpha) -- alpha given literally
PD_LAMBDAS = [1.0, 2.0 / 3.0, 0.0, -0.5, 2.0, -1.0, -2.0]

WARNINGS_SEEN = []


def note_warnings(where, caught):
    for w in caught:
        msg = f"{where}: {w.category.__name__}: {w.message}"
        if msg not in WARNINGS_SEEN:
            WARNINGS_SEEN.append(msg)


def f(x):
    """Plain Python float (json writes it with repr = full round-trip)."""
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"non-finite value {x!r} would be written to the goldens")
    return x


def flist(v):
    return [f(x) for x in v]


# ---------------------------------------------------------------------------
# chi-square upper tail with mpmath
# ---------------------------------------------------------------------------

def mp_chi2_sf(x, df):
    """Return (p_value, log_p_value) of the chi-square(df) upper tail at x.

    mpmath.gammainc(df/2, x/2, inf, regularized=True) at MP_DPS digits.
    p_value is 0.0 when the true value is below the smallest normal double.
    """
    a = mpmath.mpf(df) / 2
    z = mpmath.mpf(x) / 2
    p = mpmath.gammainc(a, z, mpmath.inf, regularized=True)
    logp = mpmath.log(p)
    pf = float(p) if p >= SMALLEST_NORMAL else 0.0
    return pf, f(logp)


# ---------------------------------------------------------------------------
# exact multinomial test (own enumeration)
# ---------------------------------------------------------------------------

def exact_multinomial_pvalue(counts, null):
    """Sum of multinomial pmf over outcomes x (sum x = N) with
    G(x) >= G_obs * (1 - TIE_REL) - TIE_ABS, where
    G(x) = 2 * sum_{x_k > 0} x_k * ln(x_k / (N * null_k)).

    pmf(x) = exp(gammaln(N+1) + sum_k [x_k ln null_k - gammaln(x_k+1)]).
    Enumeration is a plain recursion over the first K-2 cells, the last two
    cells being handled as a vector (x_{K-2} = 0..r, x_{K-1} = r - x_{K-2}).
    Returns (p_value, total_probability, n_outcomes).
    """
    counts = [int(c) for c in counts]
    K = len(counts)
    N = sum(counts)
    null = np.asarray(null, dtype=float)
    xs = np.arange(N + 1, dtype=float)
    # per-cell log-pmf and G contributions for x = 0..N
    lp = [sp.xlogy(xs, null[k]) - sp.gammaln(xs + 1) for k in range(K)]
    gg = []
    for k in range(K):
        g = np.zeros(N + 1)
        g[1:] = 2.0 * xs[1:] * np.log(xs[1:] / (N * null[k]))
        gg.append(g)
    g_obs = sum(gg[k][counts[k]] for k in range(K))
    thresh = g_obs * (1.0 - TIE_REL) - TIE_ABS
    const = sp.gammaln(N + 1)

    hits = []
    alls = []
    n_out = [0]

    if K == 1:
        return 1.0, 1.0, 1

    def rec(k, r, lsum, gsum):
        if k == K - 2:
            a = np.arange(r + 1)
            b = r - a
            lpv = const + lsum + lp[K - 2][a] + lp[K - 1][b]
            gv = gsum + gg[K - 2][a] + gg[K - 1][b]
            pm = np.exp(lpv)
            alls.append(pm)
            hits.append(pm[gv >= thresh])
            n_out[0] += r + 1
            return
        for x in range(r + 1):
            rec(k + 1, r - x, lsum + lp[k][x], gsum + gg[k][x])

    rec(0, N, 0.0, 0.0)
    p = math.fsum(np.concatenate(hits).tolist())
    tot = math.fsum(np.concatenate(alls).tolist())
    assert n_out[0] == comb(N + K - 1, K - 1)
    return min(p, 1.0), tot, n_out[0]


def exact_multinomial_pvalue_rational(counts, null):
    """Same test with exact integer/rational arithmetic for the pmf.

    The null is taken as the exact rationals q_k = Fraction(null_k) / sum_j
    Fraction(null_j) (for a uniform null this is exactly 1/K), written as
    a_k / D with integers a_k and common denominator D.  Then
        pmf(x) = prod_k C(r_k, x_k) a_k^x_k / D^N,   r_k = N - x_0 - ... - x_{k-1},
    the numerators are summed as Python integers and the p-value is the
    Fraction (sum of hit numerators) / D^N, rounded once to double.
    The tie decision uses the same float G and tolerance as the float version.
    Returns (p_value, n_hits).
    """
    counts = [int(c) for c in counts]
    K = len(counts)
    N = sum(counts)
    fq = [Fraction(float(q)) for q in null]
    sq = sum(fq)
    fq = [q / sq for q in fq]
    D = 1
    for q in fq:
        D = D * q.denominator // math.gcd(D, q.denominator)
    a = [int(q * D) for q in fq]
    assert sum(a) == D
    apow = [[ak ** x for x in range(N + 1)] for ak in a]
    gtab = [[0.0] + [2.0 * x * math.log(x / (N * float(q))) for x in range(1, N + 1)]
            for q in null]
    g_obs = sum(gtab[k][counts[k]] for k in range(K))
    thresh = g_obs * (1.0 - TIE_REL) - TIE_ABS
    acc = {"hit": 0, "all": 0, "nhit": 0}

    def rec(k, r, num, g):
        if k == K - 1:
            num = num * apow[k][r]
            g = g + gtab[k][r]
            acc["all"] += num
            if g >= thresh:
                acc["hit"] += num
                acc["nhit"] += 1
            return
        for x in range(r + 1):
            rec(k + 1, r - x, num * comb(r, x) * apow[k][x], g + gtab[k][x])

    rec(0, N, 1, 0.0)
    assert acc["all"] == D ** N  # probabilities sum to exactly one
    return float(Fraction(acc["hit"], D ** N)), acc["nhit"]


# ---------------------------------------------------------------------------
# one goodness-of-fit case
# ---------------------------------------------------------------------------

def bayes_log10(counts, null, a):
    n = np.asarray(counts, dtype=float)
    q = np.asarray(null, dtype=float)
    K = len(n)
    N = n.sum()
    ln_bf = (sp.gammaln(K * a) - sp.gammaln(N + K * a)
             + np.sum(sp.gammaln(n + a) - sp.gammaln(a))
             - np.sum(sp.xlogy(n, q)))
    return ln_bf / math.log(10)


def bayes_log10_mp(counts, null, a):
    a = mpmath.mpf(a)
    K = len(counts)
    N = sum(counts)
    s = mpmath.loggamma(K * a) - mpmath.loggamma(N + K * a)
    for nk, qk in zip(counts, null):
        s += mpmath.loggamma(nk + a) - mpmath.loggamma(a)
        if nk > 0:
            s -= nk * mpmath.log(mpmath.mpf(qk))
    return s / mpmath.log(10)


def mp_power_divergence(counts, f_exp, lam):
    """Cressie-Read statistic 2/(lam(lam+1)) sum O[(O/E)^lam - 1] in mpmath,
    with the (limit) value 0 for cells with O = 0 (valid for lam > -1)."""
    lam = mpmath.mpf(lam)
    s = mpmath.mpf(0)
    for o, e in zip(counts, f_exp):
        if o == 0:
            continue
        o = mpmath.mpf(o)
        e = mpmath.mpf(e)
        s += o * ((o / e) ** lam - 1)
    return 2 * s / (lam * (lam + 1))


def run_case(case, rout):
    name = case["name"]
    counts = [int(c) for c in case["counts"]]
    null = [float(q) for q in case["null"]]
    K = len(counts)
    N = sum(counts)
    c_arr = np.asarray(counts, dtype=float)
    q_arr = np.asarray(null, dtype=float)
    f_exp = N * q_arr
    out = {"name": name}
    if "note" in case:
        out["note"] = case["note"]
    out["counts"] = counts
    out["null"] = flist(null)

    r = rout[name]
    out["expected"] = flist(r["expected"])
    out["residual"] = flist(r["residuals"])
    out["std_residual"] = flist(r["stdres"])

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cs = st.chisquare(c_arr, f_exp=f_exp)
        out["chi_square"] = {"statistic": f(cs.statistic), "df": K - 1,
                             "p_value": f(cs.pvalue)}
        out["r_chi_square"] = {"statistic": f(r["statistic"]), "p_value": f(r["p_value"])}

        g = st.power_divergence(c_arr, f_exp, lambda_="log-likelihood")
        out["g_test"] = {"statistic": f(g.statistic), "df": K - 1, "p_value": f(g.pvalue)}

        pd = []
        for lam in PD_LAMBDAS:
            if lam < -0.75 and min(counts) == 0:
                continue  # -1, -2 only when all counts > 0
            res = st.power_divergence(c_arr, f_exp, lambda_=lam)
            if math.isfinite(res.statistic):
                pd.append({"lambda": f(lam), "statistic": f(res.statistic),
                           "p_value": f(res.pvalue), "source": "scipy"})
            else:
                # scipy evaluates 0 * (0/E)**lam = 0 * inf = nan for zero cells
                # when -1 < lam < 0; use the Cressie-Read limit (term = 0) in mpmath.
                assert -1.0 < lam < 0.0 and min(counts) == 0, (name, lam)
                s = mp_power_divergence(counts, f_exp, lam)
                pv, _ = mp_chi2_sf(s, K - 1)
                pd.append({"lambda": f(lam), "statistic": f(s), "p_value": f(pv),
                           "source": "mpmath"})
        out["power_divergence"] = pd
    note_warnings(f"{name} scipy tests", caught)

    pv, lpv = mp_chi2_sf(cs.statistic, K - 1)
    out["chi2_sf_mpmath"] = {"p_value": pv, "log_p_value": lpv}

    # confidence intervals
    ci = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for key, alpha in LEVELS:
            d = {}
            for label, meth in [("wilson", "wilson"), ("clopper-pearson", "beta"),
                                ("jeffreys", "jeffreys")]:
                lo, hi = proportion_confint(c_arr, N, alpha=alpha, method=meth)
                d[label] = [[f(a), f(b)] for a, b in zip(lo, hi)]
            for label in ["goodman", "sison-glaz"]:
                try:
                    reg = multinomial_proportions_confint(c_arr, alpha=alpha, method=label)
                    d[label] = [[f(a), f(b)] for a, b in reg]
                except Exception as e:  # never invent values: omit and report
                    WARNINGS_SEEN.append(f"{name} {label} alpha={alpha}: REFUSED {e!r}")
            ci[key] = d
    note_warnings(f"{name} statsmodels CIs", caught)
    out["ci"] = ci

    # Bayes factor (Dirichlet(a) alternative vs simple null), log10
    for key, a in [("bayes", 1.0), ("bayes_half", 0.5)]:
        out[key] = {"prior": a,
                    "log10_bayes_factor": f(bayes_log10(counts, null, a)),
                    "log10_bayes_factor_mpmath": f(bayes_log10_mp(counts, null, a))}

    # posterior (Dirichlet(1) prior -> marginal Beta)
    a = 1.0
    level = 0.95
    pa = c_arr + a
    pb = N - c_arr + (K - 1) * a
    out["posterior"] = {
        "prior": a, "level": level,
        "mean": flist((c_arr + a) / (N + K * a)),
        "low": flist(st.beta.ppf((1 - level) / 2, pa, pb)),
        "high": flist(st.beta.ppf((1 + level) / 2, pa, pb)),
    }

    phat = c_arr / N
    h = st.entropy(phat)
    out["information"] = {
        "entropy_nats": f(h),
        "entropy_bits": f(st.entropy(phat, base=2)),
        "perplexity": f(math.exp(h)),
        "kl_vs_null": f(st.entropy(phat, q_arr)),
    }

    n_outcomes = comb(N + K - 1, K - 1)
    if n_outcomes <= EXACT_MAX_OUTCOMES:
        p, tot, n_out = exact_multinomial_pvalue(counts, null)
        assert abs(tot - 1.0) < 1e-12, (name, tot)
        ex = {"p_value": f(p), "method": "float64 enumeration (exp of gammaln sums, math.fsum)",
              "n_outcomes": n_out, "total_probability": f(tot)}
        pr, nhit = exact_multinomial_pvalue_rational(counts, null)
        assert abs(pr - p) <= 1e-12 * max(pr, 1e-300), (name, p, pr)
        ex["p_value"] = f(pr)
        ex["method"] = "exact integer/rational enumeration, rounded once to double"
        ex["n_outcomes_counted"] = nhit
        ex["p_value_float_enumeration"] = f(p)
        out["exact"] = ex
        print(f"  exact {name}: {n_out} outcomes, {nhit} counted, p={pr!r} "
              f"(float enumeration {p!r}, total {tot!r})", file=sys.stderr)
    return out


# ---------------------------------------------------------------------------
# case definitions
# ---------------------------------------------------------------------------

def uniform(k):
    return [1.0 / k] * k


def binom12_third():
    # P(X = j), X ~ Bin(12, 1/3): exact rational C(12,j) 2^(12-j) / 3^12,
    # each correctly rounded to double.
    return [float(Fraction(comb(12, j) * 2 ** (12 - j), 3 ** 12)) for j in range(13)]


def make_cases():
    cases = []
    add = lambda name, counts, null, note=None: cases.append(
        dict(name=name, counts=list(counts), null=list(null), **({"note": note} if note else {})))

    add("fair_d6_n60", [9, 11, 10, 8, 12, 10], uniform(6))
    add("d6_zero_cell", [5, 8, 0, 7, 6, 4], uniform(6))
    add("coin_7_3", [7, 3], uniform(2))
    add("k3_n20", [10, 6, 4], uniform(3))
    add("k20_zero_cells",
        [8, 3, 0, 7, 5, 6, 4, 0, 9, 5, 6, 2, 7, 0, 5, 6, 4, 8, 5, 10], uniform(20))
    add("loaded_d6_p1e-50", [4493, 4811, 4797, 4962, 4944, 5993], uniform(6))
    add("loaded_d6_p1e-200", [15748, 16803, 16795, 17331, 17320, 21003], uniform(6))
    add("loaded_d6_p1e-300", [23551, 25120, 25118, 25905, 25899, 31407], uniform(6))
    add("loaded_d6_underflow", [75000, 80000, 80000, 82500, 82500, 100000], uniform(6),
        "chi-square p-value below the double range; check chi2_sf_mpmath.log_p_value")

    seed = 20240601
    rng = np.random.default_rng(seed)
    dice = rng.integers(1, 7, size=(300, 12))
    hits = (dice >= 5).sum(axis=1)
    bin_counts = np.bincount(hits, minlength=13).tolist()
    add("binom12_null_n300", bin_counts, binom12_third(),
        f"300 throws of 12 fair dice, face j = how many of the 12 show 5 or 6; "
        f"numpy.random.default_rng({seed}).integers(1, 7, size=(300, 12)); "
        f"null = Bin(12, 1/3) pmf (exact rationals rounded to double)")
    add("binom12_null_n10", [0, 1, 2, 3, 2, 1, 1, 0, 0, 0, 0, 0, 0], binom12_third(),
        "small-N non-uniform null (Bin(12, 1/3)), exact test enumerated")
    add("nonuniform_k4_n15", [4, 5, 3, 3], [0.4, 0.3, 0.2, 0.1])
    add("all_in_one_face", [0, 0, 10, 0, 0, 0], uniform(6))
    add("small_n12_k6", [4, 0, 3, 1, 2, 2], uniform(6), "expected counts 2 < 5")
    add("k7_sison_glaz", [56, 72, 73, 59, 62, 87, 58], uniform(7),
        "the example data of R package MultinomialCI (Sison-Glaz)")
    add("k7_small_n20", [5, 1, 4, 2, 0, 3, 5], uniform(7))
    add("k10_sison_glaz", [18, 25, 21, 14, 22, 19, 27, 16, 20, 18], uniform(10))
    add("near_fair_d6_n1e6", [166500, 166900, 166700, 166400, 166800, 166700], uniform(6))
    return cases


# ---------------------------------------------------------------------------
# R
# ---------------------------------------------------------------------------

def run_r(cases):
    with tempfile.TemporaryDirectory() as td:
        inp = Path(td) / "in.tsv"
        outp = Path(td) / "out.tsv"
        with open(inp, "w") as fh:
            for c in cases:
                fh.write("\t".join([c["name"],
                                    ",".join(str(int(x)) for x in c["counts"]),
                                    ",".join(float(q).hex() for q in c["null"])]) + "\n")
        subprocess.run(["Rscript", str(R_SCRIPT), str(inp), str(outp)], check=True)
        lines = outp.read_text().splitlines()
    assert lines[0].startswith("#R\t")
    r_version = lines[0].split("\t", 1)[1]
    res = {}
    hx = lambda s: float.fromhex(s)
    for ln in lines[1:]:
        name, stat, p, e, resid, std = ln.split("\t")
        res[name] = {"statistic": hx(stat), "p_value": hx(p),
                     "expected": [hx(v) for v in e.split(",")],
                     "residuals": [hx(v) for v in resid.split(",")],
                     "stdres": [hx(v) for v in std.split(",")]}
    return r_version, res


# ---------------------------------------------------------------------------
# chi2 sf table
# ---------------------------------------------------------------------------

def chi2_sf_table():
    rows = []
    dfs = [1, 2, 3, 5, 10, 19, 100, 1000]
    for df in dfs:
        for x in [1e-6, df / 2.0, float(df), 2.0 * df + 10.0]:
            rows.append((x, df))
    # far tails: x chosen (4 significant digits) so that p ~ 1e-50, 1e-200, 1e-300, 1e-400
    for df in [1, 2, 5, 19, 100, 1000]:
        for target in [50, 200, 300, 400]:
            lt = -target * mpmath.log(10)
            a = mpmath.mpf(df) / 2
            fn = lambda x: mpmath.log(mpmath.gammainc(a, x / 2, mpmath.inf, regularized=True)) - lt
            guess = max(2.0 * target * math.log(10), float(df))
            x = mpmath.findroot(fn, guess)
            x = float(f"{float(x):.4g}")
            rows.append((x, df))
    table = []
    for x, df in rows:
        p, lp = mp_chi2_sf(x, df)
        table.append({"x": f(x), "df": df, "p_value": p, "log_p_value": lp})
    return table


# ---------------------------------------------------------------------------
# contingency and serial
# ---------------------------------------------------------------------------

def drop_zero(table):
    t = np.asarray(table, dtype=np.int64)
    rows = np.where(t.sum(axis=1) > 0)[0]
    cols = np.where(t.sum(axis=0) > 0)[0]
    return t[np.ix_(rows, cols)], rows, cols


def contingency_entry(table):
    red, rows, cols = drop_zero(table)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = st.chi2_contingency(red, correction=False)
    note_warnings("chi2_contingency", caught)
    pv, lpv = mp_chi2_sf(res.statistic, int(res.dof))
    return red, rows, cols, {
        "statistic": f(res.statistic), "df": int(res.dof), "p_value": f(res.pvalue),
        "chi2_sf_mpmath": {"p_value": pv, "log_p_value": lpv},
    }


def contingency_tables():
    tabs = [
        ("2x2", [[12, 5], [7, 15]]),
        ("zero_row_and_col", [[10, 0, 5, 7], [0, 0, 0, 0], [8, 0, 12, 3]]),
        ("groups3_x_faces6", [[12, 9, 11, 10, 8, 10],
                              [7, 11, 9, 12, 10, 11],
                              [9, 8, 10, 7, 9, 17]]),
        ("6x6", [[5, 3, 4, 6, 2, 4], [4, 6, 3, 2, 5, 4], [3, 4, 7, 4, 3, 3],
                 [6, 2, 3, 5, 4, 4], [2, 5, 4, 3, 6, 4], [4, 4, 3, 4, 4, 5]]),
        ("2x6_two_dice", [[20, 18, 22, 19, 21, 20], [15, 14, 16, 13, 17, 45]]),
        ("3x3_dependent", [[30, 2, 1], [3, 25, 4], [1, 2, 28]]),
        ("2x6_large_tiny_p", [[16000, 17000, 16500, 16700, 16800, 17000],
                              [15000, 15500, 16000, 15800, 15200, 22500]]),
        ("2x3_with_zero_col", [[4, 0, 6], [5, 0, 1]]),
    ]
    out = []
    for name, t in tabs:
        red, rows, cols, d = contingency_entry(t)
        e = {"name": name, "table": t, "reduced_table": red.tolist(),
             "kept_rows": rows.tolist(), "kept_cols": cols.tolist()}
        e.update(d)
        out.append(e)
    return out


def pair_table(seq, k):
    t = np.zeros((k, k), dtype=np.int64)
    for a, b in zip(seq[:-1], seq[1:]):
        t[a - 1, b - 1] += 1
    return t


def serial_sequences():
    seqs = []
    # 1. short, face 6 appears only as the very first roll -> never a "next" roll
    seqs.append(("short_face6_never_next", 6, None,
                 [6, 1, 3, 2, 5, 4, 1, 1, 3, 5, 2, 4, 3, 1, 2, 5, 4, 3, 2, 1], None))
    # 2. strong order effect: alternating 1,2,1,2,...
    seqs.append(("alternating_1_2", 6, None, [1 + (i % 2) for i in range(100)], None))
    # 3. cyclic 1..6
    seqs.append(("cyclic_1_to_6", 6, None, [1 + (i % 6) for i in range(60)], None))
    # 4. long iid fair rolls
    seed = 12345
    rng = np.random.default_rng(seed)
    seqs.append(("iid_d6_n2000", 6, seed, rng.integers(1, 7, size=2000).tolist(),
                 f"numpy.random.default_rng({seed}).integers(1, 7, size=2000)"))
    # 5. iid, 500 rolls
    seed = 2024
    rng = np.random.default_rng(seed)
    seqs.append(("iid_d6_n500", 6, seed, rng.integers(1, 7, size=500).tolist(),
                 f"numpy.random.default_rng({seed}).integers(1, 7, size=500)"))
    # 6. sticky chain: repeat previous face with prob 1/2, else a fresh fair roll
    seed = 7
    rng = np.random.default_rng(seed)
    s = [int(rng.integers(1, 7))]
    for _ in range(999):
        if rng.random() < 0.5:
            s.append(s[-1])
        else:
            s.append(int(rng.integers(1, 7)))
    seqs.append(("sticky_d6_n1000", 6, seed, s,
                 f"rng = numpy.random.default_rng({seed}); first = int(rng.integers(1, 7)); "
                 f"then 999 times: if rng.random() < 0.5 repeat previous else int(rng.integers(1, 7))"))
    out = []
    for name, k, seed, seq, recipe in seqs:
        seq = [int(v) for v in seq]
        assert all(1 <= v <= k for v in seq)
        full = pair_table(seq, k)
        red, rows, cols, d = contingency_entry(full)
        e = {"name": name, "k": k, "seed": seed}
        if recipe:
            e["recipe"] = recipe
        e.update({"length": len(seq), "sequence": seq,
                  "pair_table_full": full.tolist(),
                  "pair_table": red.tolist(),
                  "row_faces": [int(i) + 1 for i in rows],
                  "col_faces": [int(j) + 1 for j in cols]})
        e.update(d)
        out.append(e)
    return out


# ---------------------------------------------------------------------------
# sanity checks
# ---------------------------------------------------------------------------

def rel(a, b):
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


def sanity(doc):
    for c in doc["cases"]:
        n = c["name"]
        N = sum(c["counts"])
        assert abs(math.fsum(c["expected"]) - N) <= 1e-9 * N, n
        assert rel(c["chi_square"]["statistic"], c["r_chi_square"]["statistic"]) <= 1e-12, n
        pc, pr = c["chi_square"]["p_value"], c["r_chi_square"]["p_value"]
        assert pc == pr or rel(pc, pr) <= 1e-9 or max(pc, pr) < 1e-300, (n, pc, pr)
        pm = c["chi2_sf_mpmath"]["p_value"]
        assert pm == pc or rel(pm, pc) <= 1e-9 or max(pm, pc) < 1e-300, (n, pm, pc)
        ps = [c["chi_square"]["p_value"], c["g_test"]["p_value"], pr, pm]
        ps += [d["p_value"] for d in c["power_divergence"]]
        if "exact" in c:
            ps.append(c["exact"]["p_value"])
        assert all(0.0 <= p <= 1.0 for p in ps), n
        # power_divergence lambda=1 == Pearson, lambda=0 == G
        pd = {d["lambda"]: d for d in c["power_divergence"]}
        assert rel(pd[1.0]["statistic"], c["chi_square"]["statistic"]) <= 1e-12, n
        assert rel(pd[0.0]["statistic"], c["g_test"]["statistic"]) <= 1e-12, n
        # scipy logsf agrees with mpmath log p where representable
        lp = st.chi2.logsf(c["chi_square"]["statistic"], len(c["counts"]) - 1)
        if math.isfinite(lp):  # scipy's logsf underflows to -inf far in the tail
            assert rel(lp, c["chi2_sf_mpmath"]["log_p_value"]) <= 1e-9 or abs(lp) < 1e-12, (n, lp)
        for b in ("bayes", "bayes_half"):
            assert abs(c[b]["log10_bayes_factor"] - c[b]["log10_bayes_factor_mpmath"]) <= 1e-7, n
        for lev in c["ci"].values():
            for meth, ivs in lev.items():
                for lo, hi in ivs:
                    # statsmodels' goodman can overshoot 1 by an ulp (kept as computed)
                    assert -1e-15 <= lo <= hi <= 1.0 + 1e-15, (n, meth, lo, hi)
        post = c["posterior"]
        assert abs(math.fsum(post["mean"]) - 1.0) < 1e-12
        assert all(lo <= m <= hi for lo, m, hi in zip(post["low"], post["mean"], post["high"]))
    for t in doc["contingency"] + doc["serial"]:
        red = np.asarray(t.get("reduced_table", t.get("pair_table")), dtype=float)
        e = np.outer(red.sum(1), red.sum(0)) / red.sum()
        x2 = float(((red - e) ** 2 / e).sum())
        assert rel(x2, t["statistic"]) <= 1e-12, t["name"]
        assert 0.0 <= t["p_value"] <= 1.0


def main():
    cases = make_cases()
    names = [c["name"] for c in cases]
    assert len(set(names)) == len(names)
    r_version, rout = run_r(cases)
    results = []
    for c in cases:
        print(f"case {c['name']}", file=sys.stderr)
        results.append(run_case(c, rout))
    doc = {
        "generator": "tests/golden/make_golden.py",
        "regenerate": "python3 tests/golden/make_golden.py",
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "statsmodels": statsmodels.__version__,
            "mpmath": mpmath.__version__,
            "R": r_version,
            "mpmath_dps": MP_DPS,
        },
        "conventions": {
            "ci_alpha": {k: a for k, a in LEVELS},
            "exact_tie_tolerance": f"G(x) >= G_obs * (1 - {TIE_REL}) - {TIE_ABS}",
            "exact_max_outcomes": EXACT_MAX_OUTCOMES,
            "p_value_below_smallest_normal_double_written_as": 0.0,
        },
        "cases": results,
        "chi2_sf": chi2_sf_table(),
        "contingency": contingency_tables(),
        "serial": serial_sequences(),
    }
    sanity(doc)
    text = json.dumps(doc, indent=1, allow_nan=False)
    OUT.write_text(text + "\n")
    print(f"wrote {OUT}", file=sys.stderr)
    if WARNINGS_SEEN:
        print("warnings / refusals seen:", file=sys.stderr)
        for w in WARNINGS_SEEN:
            print("  " + w, file=sys.stderr)


if __name__ == "__main__":
    main()
