#!/usr/bin/env python3
"""Golden values for `diceml fit --model pairs` and `diceml fit --design FILE`
(tests/cli/model.rs), from independent implementations:

- pairs: the tilt-free model (each opposite pair's rolls shared equally by its
  faces) is fitted by scipy.optimize.minimize (BFGS on the pair logits of the
  multinomial log-likelihood); G_axis = 2(l_tiltfree - l_fair) and G_tilt =
  2(l_free - l_tiltfree). The committed statistics come from the closed forms
  (scipy.stats.power_divergence with lambda_="log-likelihood" on the pair
  totals, and on each pair against 1/2), after checking that the optimiser
  agrees with them to 1e-7.
- design: beta maximises sum_k n_k log softmax(X beta)_k, by
  scipy.optimize.minimize(method="trust-exact") with the analytic gradient
  X^T(Nq - n) and Hessian N X^T(diag q - q q^T) X (both per roll), to a
  then scipy.optimize.root (hybr) on the score equations, to a gradient per
  roll below 1e-12 (trust-exact alone stops near 1e-9, where the loss's fall
  is below its rounding);
  the standard errors are sqrt(diag(I^-1)) of the Fisher information at the
  optimum; statsmodels' Poisson GLM (log link, the face counts on [1, X]: the
  intercept absorbs N) is the independent check of the estimates and standard
  errors (1e-7 absolute, 1e-6 relative), as the multinomial and Poisson
  likelihoods share their MLE and the covariance of the slopes.

p-values: scipy.stats.chi2.sf for the tests, 2 * scipy.stats.norm.sf(|z|) for
the parameters. The iterations each optimiser needed are recorded beside the
values.

Run from the repository root:  python3 tests/golden/model_golden.py
(writes tests/golden/model.json)
"""
import json
import math
import os
import sys

import numpy as np
import scipy
import scipy.optimize
import scipy.stats
import statsmodels
import statsmodels.api as sm

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def counts_of(path, k):
    with open(os.path.join(ROOT, path)) as f:
        lines = f.read().split()
    assert lines[0] == "face", path
    counts = [0] * k
    for line in lines[1:]:
        counts[int(line) - 1] += 1
    return counts


def design_of(path):
    with open(os.path.join(ROOT, path)) as f:
        rows = [line.strip().split(",") for line in f if line.strip() and not line.startswith("#")]
    header = rows[0]
    assert header[0] == "face"
    faces = [int(r[0]) for r in rows[1:]]
    x = np.array([[float(v) for v in r[1:]] for r in rows[1:]])
    order = np.argsort(faces)
    return header[1:], x[order]


def loglik(counts, q):
    return sum(c * math.log(p) for c, p in zip(counts, q) if c > 0)


def pairs_case(log, k):
    n = counts_of(log, k)
    total = sum(n)
    pairs = [(j, k - 1 - j) for j in range(k // 2)]
    t = [n[a] + n[b] for a, b in pairs]

    def neg(theta):
        # pair logits (the last fixed at 0); each face gets half its pair's share
        logits = np.append(theta, 0.0)
        share = np.exp(logits - logits.max())
        share /= share.sum()
        return -sum(tj * math.log(sj / 2) for tj, sj in zip(t, share) if tj > 0)

    res = scipy.optimize.minimize(neg, np.zeros(k // 2 - 1), method="BFGS", options={"gtol": 1e-10})
    l_tiltfree = -res.fun
    l_fair = total * math.log(1 / k)
    l_free = sum(c * math.log(c / total) for c in n if c > 0)
    axis = scipy.stats.power_divergence(t, [total * 2 / k] * (k // 2), lambda_="log-likelihood").statistic
    tilt = sum(
        scipy.stats.power_divergence([n[a], n[b]], [t_ / 2, t_ / 2], lambda_="log-likelihood").statistic
        for (a, b), t_ in zip(pairs, t)
        if t_ > 0
    )
    assert abs(axis - 2 * (l_tiltfree - l_fair)) < 1e-7, (axis, 2 * (l_tiltfree - l_fair))
    assert abs(tilt - 2 * (l_free - l_tiltfree)) < 1e-7, (tilt, 2 * (l_free - l_tiltfree))
    return {
        "log": log,
        "k": k,
        "args": ["--model", "pairs", "--faces", str(k)],
        "axis": {"statistic": float(axis), "df": k // 2 - 1, "p_value": float(scipy.stats.chi2.sf(axis, k // 2 - 1))},
        "tilt": {"statistic": float(tilt), "df": k // 2, "p_value": float(scipy.stats.chi2.sf(tilt, k // 2))},
        "shares": [tj / total for tj in t],
        "scipy_bfgs_iterations": int(res.nit),
    }


def design_case(log, design, k):
    n = np.array(counts_of(log, k), dtype=float)
    total = n.sum()
    names, x = design_of(design)
    p = x.shape[1]

    def q_of(beta):
        a = x @ beta
        e = np.exp(a - a.max())
        return e / e.sum()

    def neg(beta):
        a = x @ beta
        m = a.max()
        return -(n @ a - total * (m + math.log(np.exp(a - m).sum())))

    def grad(beta):
        return x.T @ (total * q_of(beta) - n)

    def hess(beta):
        q = q_of(beta)
        return total * x.T @ (np.diag(q) - np.outer(q, q)) @ x

    # Per roll, so that the gradient's scale does not grow with N. trust-exact
    # stops once rounding hides the loss's fall (a gradient near 1e-9 per
    # roll: the loss then falls by 1e-18, below its ulp); scipy.optimize.root
    # on the score equations X^T(Nq - n) = 0, which compares no losses, then
    # polishes the root.
    res = scipy.optimize.minimize(
        lambda b: neg(b) / total,
        np.zeros(p),
        jac=lambda b: grad(b) / total,
        hess=lambda b: hess(b) / total,
        method="trust-exact",
        options={"gtol": 1e-12},
    )
    nit = res.nit
    root = scipy.optimize.root(lambda b: grad(b) / total, res.x, jac=lambda b: hess(b) / total, method="hybr", options={"xtol": 1e-15})
    beta = root.x
    assert np.max(np.abs(grad(beta) / total)) < 1e-12, (res, root)
    info = hess(beta)
    se = np.sqrt(np.diag(np.linalg.inv(info)))
    glm = sm.GLM(n, np.column_stack([np.ones(k), x]), family=sm.families.Poisson()).fit(tol=1e-14)
    assert np.max(np.abs(glm.params[1:] - beta)) < 1e-7, (glm.params, beta)
    assert np.max(np.abs(glm.bse[1:] / se - 1)) < 1e-6, (glm.bse, se)
    q = q_of(beta)
    l_hat = loglik(n, q)
    l_fair = total * math.log(1 / k)
    l_free = loglik(n, n / total)
    fair = 2 * (l_hat - l_fair)
    free = 2 * (l_free - l_hat)
    z = beta / se
    return {
        "log": log,
        "design": design,
        "k": k,
        "args": ["--design", design, "--faces", str(k)],
        "parameters": [
            {
                "name": name,
                "estimate": float(b),
                "std_error": float(s),
                "z": float(zz),
                "p_value": float(2 * scipy.stats.norm.sf(abs(zz))),
            }
            for name, b, s, zz in zip(names, beta, se, z)
        ],
        "loglik": float(l_hat),
        "lrt_vs_fair": {"statistic": float(fair), "df": p, "p_value": float(scipy.stats.chi2.sf(fair, p))},
        "lrt_vs_free": {
            "statistic": float(free),
            "df": k - 1 - p,
            "p_value": float(scipy.stats.chi2.sf(free, k - 1 - p)),
        },
        "q": [float(v) for v in q],
        "scipy_trust_exact_iterations": int(nit),
        "scipy_root_evaluations": int(root.nfev),
        "statsmodels_irls_iterations": int(glm.fit_history["iteration"]),
    }


def main():
    out = {
        "versions": {
            "python": sys.version.split()[0],
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "statsmodels": statsmodels.__version__,
        },
        "pairs": [
            pairs_case("data/tilted_d6.csv", 6),
            pairs_case("data/loaded_d6.csv", 6),
            pairs_case("data/d20.csv", 20),
            pairs_case("data/d20_face13_missing.csv", 20),
        ],
        "design": [
            design_case("data/tilted_d6.csv", "data/d6_normals.csv", 6),
            design_case("data/loaded_d6.csv", "data/d6_normals.csv", 6),
            design_case("data/d20.csv", "data/d20_normals.csv", 20),
            design_case("data/d20_face13_missing.csv", "data/d20_normals.csv", 20),
        ],
    }
    path = os.path.join(ROOT, "tests", "golden", "model.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
