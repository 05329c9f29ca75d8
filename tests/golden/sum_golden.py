#!/usr/bin/env python3
"""Reference values for `diceml fit --sum-of` (a die seen through its totals).

Writes tests/golden/sum.json and the simulated inputs it refers to
(data/catan_2d6.csv, tests/golden/sum_3d6_counts.csv, tests/golden/sum_4df.csv);
Weldon's table (data/weldon.csv) is written from the published counts.

Independent of diceml's Rust code: the law of the total is numpy.convolve
applied M times; the MLE is scipy.optimize.minimize (BFGS on K-1 free logits,
a_K = 0, with the gradient in q obtained by convolving the law of M-1 dice;
then polished by Newton steps on a central-difference Hessian) from the fair
die and 20 seeded random starts, keeping the best. Standard errors: the inverse
of the observed information of the free probabilities q_1..q_{K-1}
(q_K = 1 - sum), a central-difference Hessian of the log-likelihood (step 1e-5)
of the analytic gradient; Var q_K = 1' Cov 1. Tests: the LRT against the fair
die, 2(l(q^) - l(fair)) on K-1 df, and Pearson's chi-square of the fitted law
over the possible totals on #totals - 1 - (K-1) df, both by scipy.stats.chi2.sf.
For Weldon's success die the MLE must equal the binomial mean / 12 (asserted),
and the LRT against q = (2/3, 1/3) is the binomial one in closed form.

Run from the repository root:  python3 tests/golden/sum_golden.py
"""

import json
import os

import numpy as np
import scipy
import scipy.optimize
import scipy.stats

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def law(q, values, m):
    """Law of the total of m dice over offsets 0..m*(max-min)."""
    lo = min(values)
    step = np.zeros(max(values) - lo + 1)
    for v, p in zip(values, q):
        step[v - lo] += p
    out = np.array([1.0])
    for _ in range(m):
        out = np.convolve(out, step)
    return out


def possible_totals(values, m):
    lo = min(values)
    fair = law(np.full(len(values), 1.0 / len(values)), values, m)
    return [m * lo + s for s in range(len(fair)) if fair[s] > 0]


def loglik(q, values, m, totals, counts):
    p = law(q, values, m)
    lo = m * min(values)
    return float(sum(n * np.log(p[t - lo]) for t, n in zip(totals, counts) if n > 0))


def grad_q(q, values, m, totals, counts):
    """d loglik / d q_k = sum_s n_s m P_{m-1}(s - v_k) / P(s)."""
    p = law(q, values, m)
    p1 = law(q, values, m - 1)
    lo = m * min(values)
    lo1 = (m - 1) * min(values)
    g = np.zeros(len(values))
    for t, n in zip(totals, counts):
        if n == 0:
            continue
        for k, v in enumerate(values):
            i = t - v - lo1
            if 0 <= i < len(p1):
                g[k] += n * m * p1[i] / p[t - lo]
    return g


def softmax(a):
    e = np.exp(a - a.max())
    return e / e.sum()


def fit(values, m, totals, counts, starts=20, seed=2024):
    k = len(values)
    n = sum(counts)

    def f(theta):
        a = np.append(theta, 0.0)
        return -loglik(softmax(a), values, m, totals, counts) / n

    def jac(theta):
        a = np.append(theta, 0.0)
        q = softmax(a)
        g = -grad_q(q, values, m, totals, counts) / n
        ga = q * (g - np.dot(q, g))
        return ga[:-1]

    rng = np.random.default_rng(seed)
    inits = [np.zeros(k - 1)] + [rng.uniform(-2, 2, k - 1) for _ in range(starts)]
    best = None
    for x0 in inits:
        r = scipy.optimize.minimize(f, x0, jac=jac, method="BFGS", options={"gtol": 1e-12, "maxiter": 10000})
        if best is None or r.fun < best.fun:
            best = r
    theta = best.x
    # Newton polish on a central-difference Hessian of the analytic gradient.
    for _ in range(5):
        h = 1e-5
        hess = np.zeros((k - 1, k - 1))
        for i in range(k - 1):
            e = np.zeros(k - 1)
            e[i] = h
            hess[:, i] = (jac(theta + e) - jac(theta - e)) / (2 * h)
        hess = (hess + hess.T) / 2
        theta = theta - np.linalg.solve(hess, jac(theta))
    q = softmax(np.append(theta, 0.0))
    return q, float(np.max(np.abs(jac(theta))))


def std_errors(q, values, m, totals, counts):
    k = len(values)

    def g_theta(theta):
        qq = np.append(theta, 1.0 - theta.sum())
        g = grad_q(qq, values, m, totals, counts)
        return g[:-1] - g[-1]

    theta = q[:-1].copy()
    h = 1e-5
    info = np.zeros((k - 1, k - 1))
    for i in range(k - 1):
        e = np.zeros(k - 1)
        e[i] = h
        info[:, i] = -(g_theta(theta + e) - g_theta(theta - e)) / (2 * h)
    info = (info + info.T) / 2
    cov = np.linalg.inv(info)
    se = [float(np.sqrt(cov[i, i])) for i in range(k - 1)]
    se.append(float(np.sqrt(cov.sum())))
    return se


def case(name, values, m, totals, counts, args, path, counts_table):
    k = len(values)
    n = sum(counts)
    q, gnorm = fit(values, m, totals, counts)
    ll = loglik(q, values, m, totals, counts)
    fair = np.full(k, 1.0 / k)
    ll_fair = loglik(fair, values, m, totals, counts)
    lrt = 2 * (ll - ll_fair)
    p = law(q, values, m)
    lo = m * min(values)
    expected = [float(n * p[t - lo]) for t in totals]
    chisq = float(sum((c - e) ** 2 / e for c, e in zip(counts, expected)))
    gof_df = len(totals) - 1 - (k - 1)
    return {
        "name": name,
        "file": path,
        "counts_table": counts_table,
        "args": args,
        "values": values,
        "dice": m,
        "n": n,
        "totals": totals,
        "counts": counts,
        "q": [float(x) for x in q],
        "scipy_gradient_norm": gnorm,
        "std_error": std_errors(q, values, m, totals, counts),
        "loglik": ll,
        "loglik_fair": ll_fair,
        "lrt_vs_fair": {"statistic": lrt, "df": k - 1, "p_value": float(scipy.stats.chi2.sf(lrt, k - 1))},
        "gof": {"statistic": chisq, "df": gof_df, "p_value": float(scipy.stats.chi2.sf(chisq, gof_df))},
        "expected": expected,
    }


def simulate(rng, q, values, m, n):
    rolls = rng.choice(values, size=(n, m), p=q)
    return rolls.sum(axis=1)


def main():
    cases = []
    rng = np.random.default_rng(14)

    # Catan-style log: 2d6 totals of a d6 whose 6 is heavier, one per line.
    d6 = [1, 2, 3, 4, 5, 6]
    truth = [0.15, 0.15, 0.15, 0.15, 0.15, 0.25]
    totals_2d6 = simulate(rng, truth, d6, 2, 3000)
    path = "data/catan_2d6.csv"
    with open(os.path.join(ROOT, path), "w") as f:
        f.write("total\n")
        f.writelines(f"{t}\n" for t in totals_2d6)
    totals = possible_totals(d6, 2)
    counts = [int((totals_2d6 == t).sum()) for t in totals]
    cases.append(case("catan_2d6", d6, 2, totals, counts, ["--sum-of", "2", "--faces", "6"], path, False))

    # 3d6 stat rolls of a die leaning to high faces, as a count table.
    truth = [0.1, 0.12, 0.15, 0.18, 0.2, 0.25]
    totals_3d6 = simulate(rng, truth, d6, 3, 5000)
    totals = possible_totals(d6, 3)
    counts = [int((totals_3d6 == t).sum()) for t in totals]
    path = "tests/golden/sum_3d6_counts.csv"
    with open(os.path.join(ROOT, path), "w") as f:
        f.write("total,count\n")
        f.writelines(f"{t},{c}\n" for t, c in zip(totals, counts))
    cases.append(case("stats_3d6", d6, 3, totals, counts, ["--sum-of", "3", "--faces", "6"], path, True))

    # 4dF (Fate): faces -1, 0, +1, the + face heavier; totals are negative too.
    fate = [-1, 0, 1]
    truth = [0.3, 0.3, 0.4]
    totals_4df = simulate(rng, truth, fate, 4, 2000)
    path = "tests/golden/sum_4df.csv"
    with open(os.path.join(ROOT, path), "w") as f:
        f.write("total\n")
        f.writelines(f"{t}\n" for t in totals_4df)
    totals = possible_totals(fate, 4)
    counts = [int((totals_4df == t).sum()) for t in totals]
    cases.append(case("fate_4df", fate, 4, totals, counts, ["--sum-of", "4", "--face-values=-1,0,1"], path, False))

    # Weldon's dice (Pearson 1900): 26,306 throws of 12 dice, how many showed 5 or 6.
    weldon = [185, 1149, 3265, 5475, 6114, 5194, 3067, 1331, 403, 105, 14, 4, 0]
    assert sum(weldon) == 26306
    path = "data/weldon.csv"
    with open(os.path.join(ROOT, path), "w") as f:
        f.write("fives_or_sixes,count\n")
        f.writelines(f"{s},{c}\n" for s, c in enumerate(weldon))
    w = case("weldon", [0, 1], 12, list(range(13)), weldon, ["--sum-of", "12", "--face-values", "0,1"], path, True)
    p = sum(s * c for s, c in enumerate(weldon)) / (12 * 26306)
    assert abs(w["q"][1] - p) < 1e-12, (w["q"], p)
    w["binomial_mean_over_12"] = p
    # Against the d6's 5-or-6 chance, 1/3 (--expected 2,1): the binomial LRT
    # in closed form, 2[S ln(p/p0) + F ln((1-p)/(1-p0))], S successes of 12N.
    succ = sum(s * c for s, c in enumerate(weldon))
    fail = 12 * 26306 - succ
    stat = 2 * (succ * np.log(p / (1 / 3)) + fail * np.log((1 - p) / (2 / 3)))
    w["lrt_vs_one_third"] = {"statistic": float(stat), "df": 1, "p_value": float(scipy.stats.chi2.sf(stat, 1))}
    cases.append(w)

    out = {
        "versions": {"numpy": np.__version__, "scipy": scipy.__version__},
        "cases": cases,
    }
    with open(os.path.join(ROOT, "tests/golden/sum.json"), "w") as f:
        json.dump(out, f, indent=1, allow_nan=False)
        f.write("\n")


if __name__ == "__main__":
    main()
