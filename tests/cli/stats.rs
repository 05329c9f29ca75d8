//! `diceml fit` statistics against independent references: SciPy,
//! statsmodels, R and mpmath values in tests/golden/stats.json (made by
//! tests/golden/make_golden.py; see tests/golden/README.md).
//!
//! Tolerances: statistics and p-values 1e-9 relative (the bound;
//! the implementation aims at 1e-12); log10 p-values 1e-9 relative;
//! per-face intervals and Goodman 1e-6 absolute; Sison–Glaz 1e-6 absolute
//! as well (the same algorithm as statsmodels, so no slack is needed);
//! Bayes factors against mpmath 1e-9 relative.

use serde_json::Value;

use crate::util::{fit_json, run_ok};

fn golden() -> Value {
    serde_json::from_str(include_str!("../golden/stats.json")).expect("stats.json parses")
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().expect("array").iter().map(f).collect()
}

/// |got − want| ≤ rel·|want| (+ a tiny absolute floor for zeros).
fn close(got: f64, want: f64, rel: f64, what: &str) {
    assert!(
        (got - want).abs() <= rel * want.abs() + 1e-300,
        "{what}: got {got:e}, want {want:e} (relative error {:e})",
        ((got - want) / want).abs()
    );
}

fn counts_csv(counts: &[f64]) -> String {
    let mut text = String::from("face,count\n");
    for (i, c) in counts.iter().enumerate() {
        text.push_str(&format!("{},{}\n", i + 1, *c as u64));
    }
    text
}

fn weights(null: &[f64]) -> String {
    null.iter()
        .map(|p| format!("{p:?}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn fit_case(case: &Value, extra: &[&str]) -> Value {
    let counts = floats(&case["counts"]);
    let null = weights(&floats(&case["null"]));
    let mut args = vec!["--counts", "--expected", &null];
    args.extend_from_slice(extra);
    fit_json(&args, &counts_csv(&counts))
}

#[test]
fn tests_residuals_bayes_and_information_match_the_references() {
    for case in golden()["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let r = fit_case(case, &[]);
        let tests = &r["tests"];
        for (key, golden_key) in [("chi_square", "chi_square"), ("g_test", "g_test")] {
            let (got, want) = (&tests[key], &case[golden_key]);
            close(
                f(&got["statistic"]),
                f(&want["statistic"]),
                1e-9,
                &format!("{name} {key} statistic"),
            );
            assert_eq!(got["df"], want["df"], "{name} {key} df");
            if f(&want["p_value"]) > 0.0 {
                close(
                    f(&got["p_value"]),
                    f(&want["p_value"]),
                    1e-9,
                    &format!("{name} {key} p"),
                );
            }
        }
        // Far tails: log10 p from mpmath's 60-digit upper incomplete gamma.
        let log10_p = f(&case["chi2_sf_mpmath"]["log_p_value"]) / std::f64::consts::LN_10;
        close(
            f(&tests["chi_square"]["log10_p_value"]),
            log10_p,
            1e-9,
            &format!("{name} log10 p"),
        );
        // R's chisq.test agrees on the statistic.
        close(
            f(&tests["chi_square"]["statistic"]),
            f(&case["r_chi_square"]["statistic"]),
            1e-9,
            name,
        );
        let faces = r["faces"].as_array().unwrap();
        for (field, key) in [
            ("expected", "expected"),
            ("residual", "residual"),
            ("std_residual", "std_residual"),
        ] {
            for (face, want) in faces.iter().zip(floats(&case[key])) {
                let got = f(&face[field]);
                assert!(
                    (got - want).abs() <= 1e-9 * want.abs().max(1.0),
                    "{name} {field}: {got} vs {want}"
                );
            }
        }
        let want = f(&case["bayes"]["log10_bayes_factor_mpmath"]);
        let got = f(&r["bayes"]["log10_bayes_factor"]);
        assert!(
            (got - want).abs() <= 1e-9 * want.abs().max(1.0),
            "{name} bayes: {got} vs {want}"
        );
        let post = &case["posterior"];
        for (i, face) in faces.iter().enumerate() {
            close(
                f(&face["posterior_mean"]),
                floats(&post["mean"])[i],
                1e-12,
                &format!("{name} mean"),
            );
            assert!(
                (f(&face["credible_low"]) - floats(&post["low"])[i]).abs() < 1e-9,
                "{name} credible low"
            );
            assert!(
                (f(&face["credible_high"]) - floats(&post["high"])[i]).abs() < 1e-9,
                "{name} credible high"
            );
        }
        for key in ["entropy_nats", "entropy_bits", "perplexity", "kl_vs_null"] {
            let want = f(&case["information"][key]);
            let got = f(&r["information"][key]);
            assert!(
                (got - want).abs() <= 1e-9 * want.abs().max(1e-12),
                "{name} {key}: {got} vs {want}"
            );
        }
    }
}

#[test]
fn power_divergence_matches_scipy_for_every_lambda() {
    for case in golden()["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        for entry in case["power_divergence"].as_array().unwrap() {
            let lambda = f(&entry["lambda"]);
            let r = fit_case(case, &["--lambda", &format!("{lambda:?}")]);
            let got = &r["tests"]["power_divergence"];
            assert_eq!(f(&got["lambda"]), lambda);
            close(
                f(&got["statistic"]),
                f(&entry["statistic"]),
                1e-9,
                &format!("{name} λ={lambda}"),
            );
            if f(&entry["p_value"]) > 0.0 {
                close(
                    f(&got["p_value"]),
                    f(&entry["p_value"]),
                    1e-9,
                    &format!("{name} λ={lambda} p"),
                );
            }
        }
    }
}

#[test]
fn intervals_match_statsmodels() {
    let methods = [
        "wilson",
        "clopper-pearson",
        "jeffreys",
        "goodman",
        "sison-glaz",
    ];
    for case in golden()["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        for (level, by_method) in case["ci"].as_object().unwrap() {
            for method in methods {
                let Some(want) = by_method.get(method) else {
                    continue;
                };
                let r = fit_case(case, &["--ci", method, "--level", level]);
                assert_eq!(r["ci"]["method"], method);
                for (face, bounds) in r["faces"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .zip(want.as_array().unwrap())
                {
                    let (lo, hi) = (f(&bounds[0]).clamp(0.0, 1.0), f(&bounds[1]).clamp(0.0, 1.0));
                    let (got_lo, got_hi) = (f(&face["ci_low"]), f(&face["ci_high"]));
                    assert!(
                        (got_lo - lo).abs() < 1e-6 && (got_hi - hi).abs() < 1e-6,
                        "{name} {method} {level}: [{got_lo}, {got_hi}] vs [{lo}, {hi}]"
                    );
                    assert!((0.0..=got_hi).contains(&got_lo) && got_hi <= 1.0);
                }
            }
        }
    }
}

#[test]
fn exact_p_values_match_an_independent_enumeration() {
    let mut checked = 0;
    for case in golden()["cases"].as_array().unwrap() {
        let Some(want) = case.get("exact") else {
            continue;
        };
        let r = fit_case(case, &["--exact"]);
        close(
            f(&r["tests"]["exact"]["p_value"]),
            f(&want["p_value"]),
            1e-9,
            case["name"].as_str().unwrap(),
        );
        checked += 1;
    }
    assert!(checked >= 4);
}

#[test]
fn serial_tests_match_scipy_chi2_contingency() {
    for case in golden()["serial"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let rolls: String = case["sequence"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| format!("{x}\n"))
            .collect();
        let k = case["k"].as_u64().unwrap().to_string();
        let r = fit_json(&["--faces", &k], &rolls);
        let got = &r["tests"]["serial"];
        close(f(&got["statistic"]), f(&case["statistic"]), 1e-9, name);
        assert_eq!(got["df"], case["df"], "{name}");
        close(f(&got["p_value"]), f(&case["p_value"]), 1e-9, name);
    }
}

#[test]
fn homogeneity_matches_scipy_chi2_contingency() {
    for case in golden()["contingency"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let table: Vec<Vec<u64>> = case["table"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| floats(row).iter().map(|&x| x as u64).collect())
            .collect();
        let got = diceml::stats::contingency::independence(&table).expect("a testable table");
        close(got.statistic, f(&case["statistic"]), 1e-9, name);
        assert_eq!(got.df, case["df"].as_u64().unwrap(), "{name}");
        close(got.p_value, f(&case["p_value"]), 1e-9, name);
        // Through the CLI when no group is empty: --by over a count table.
        if table.iter().all(|row| row.iter().any(|&c| c > 0)) {
            let mut text = String::from("group,face,count\n");
            for (g, row) in table.iter().enumerate() {
                for (face, c) in row.iter().enumerate() {
                    text.push_str(&format!("g{g},{},{c}\n", face + 1));
                }
            }
            let r = fit_json(&["--counts", "--by", "group"], &text);
            close(
                f(&r["homogeneity"]["statistic"]),
                f(&case["statistic"]),
                1e-9,
                name,
            );
        }
    }
}

#[test]
fn the_chi2_survival_function_is_accurate_down_to_1e_300() {
    for row in golden()["chi2_sf"].as_array().unwrap() {
        let (x, df) = (f(&row["x"]), f(&row["df"]));
        let want = f(&row["p_value"]);
        if want >= 1e-300 {
            close(
                diceml::stats::dist::chi2_sf(x, df),
                want,
                1e-9,
                &format!("sf({x}, {df})"),
            );
        }
        // ln sf near 0 (p ≈ 1) is compared in absolute terms: 1e-15.
        let (got, ln) = (
            diceml::stats::dist::chi2_ln_sf(x, df),
            f(&row["log_p_value"]),
        );
        assert!(
            (got - ln).abs() <= 1e-9 * ln.abs() + 1e-15,
            "ln sf({x}, {df}): {got} vs {ln}"
        );
    }
}

/// Monte Carlo and exact p-values agree within Monte Carlo error, and the
/// χ² approximation agrees with both once N is large.
#[test]
fn exact_monte_carlo_and_asymptotic_p_values_agree() {
    let counts = "face,count\n1,9\n2,3\n3,5\n4,2\n";
    let r = fit_json(
        &[
            "--counts",
            "--exact",
            "--monte-carlo",
            "20000",
            "--seed",
            "5",
        ],
        counts,
    );
    let exact = f(&r["tests"]["exact"]["p_value"]);
    let mc = f(&r["tests"]["monte_carlo"]["p_value"]);
    let se = (exact * (1.0 - exact) / 20000.0).sqrt();
    assert!(
        (mc - exact).abs() < 5.0 * se,
        "mc {mc} vs exact {exact} (se {se})"
    );
    assert_eq!(r["tests"]["monte_carlo"]["seed"], 5);
    assert_eq!(f(&r["tests"]["monte_carlo"]["floor"]), 1.0 / 20001.0);
    // N = 300: C(303, 3) ≈ 4.6e6 outcomes, and χ² is close to exact.
    let big = "face,count\n1,82\n2,70\n3,68\n4,80\n";
    let r = fit_json(&["--counts", "--exact"], big);
    let (exact, g) = (
        f(&r["tests"]["exact"]["p_value"]),
        f(&r["tests"]["g_test"]["p_value"]),
    );
    assert!((exact - g).abs() < 0.02, "exact {exact} vs G-test {g}");
}

#[test]
fn small_samples_say_so_and_exact_has_a_clear_limit() {
    let r = fit_json(&["--counts"], "face,count\n1,2\n2,1\n3,0\n4,3\n5,1\n6,1\n");
    let warnings = r["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().unwrap().contains("below 5")),
        "{warnings:?}"
    );
    let out = crate::util::run_fail(
        &["fit", "--counts", "--exact"],
        "face,count\n1,5000\n2,5000\n3,5000\n4,5000\n5,5000\n6,5000\n",
        2,
    );
    assert!(out.contains("--monte-carlo"), "{out}");
}

#[test]
fn grouped_p_values_are_adjusted_by_holm() {
    let log = run_ok(
        &["simulate", "--faces", "6", "--n", "600", "--seed", "1"],
        "",
    );
    let mut text = String::from("die,face\n");
    for (i, line) in log.lines().skip(1).enumerate() {
        text.push_str(&format!("d{},{line}\n", i % 3));
    }
    let r = fit_json(&["--by", "die"], &text);
    assert_eq!(r["adjust"], "holm");
    let groups = r["groups"].as_array().unwrap();
    let mut p: Vec<(f64, f64)> = groups
        .iter()
        .map(|g| {
            (
                f(&g["tests"]["chi_square"]["p_value"]),
                f(&g["tests"]["chi_square"]["p_adjusted"]),
            )
        })
        .collect();
    p.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Holm with m = 3: the smallest is tripled, then max-accumulated.
    assert_eq!(p[0].1, (3.0 * p[0].0).min(1.0));
    assert!(p[1].1 >= p[0].1 && p[2].1 >= p[1].1);
    assert!(r["homogeneity"]["p_value"].is_f64());
}

/// Coverage by simulation (seeded, so the test is deterministic): 2000
/// experiments of N = 300 rolls of a loaded d6. The 95% simultaneous
/// intervals must cover all six probabilities at least 93% of the time
/// (Goodman is conservative; the Monte Carlo standard error of a 95%
/// coverage is 0.5%, so 93% is 4 SE below nominal), and the per-face
/// intervals each face between 92% and 98%.
#[test]
fn intervals_cover_the_true_probabilities() {
    use diceml::sample::{multinomial, seeded_rng};
    use diceml::stats::ci::{intervals, CiMethod};
    let truth = [0.1, 0.15, 0.15, 0.2, 0.2, 0.2];
    let mut rng = seeded_rng(2026);
    let reps = 2000;
    let mut all = [0u32; 2];
    let mut each = [[0u32; 6]; 2];
    for _ in 0..reps {
        let counts = multinomial(&mut rng, 300, &truth);
        for (m, method) in [CiMethod::Goodman, CiMethod::Wilson]
            .into_iter()
            .enumerate()
        {
            let ci = intervals(&counts, 0.95, method);
            let covered: Vec<bool> = ci
                .iter()
                .zip(truth)
                .map(|(&(lo, hi), p)| lo <= p && p <= hi)
                .collect();
            all[m] += u32::from(covered.iter().all(|&c| c));
            for (k, &c) in covered.iter().enumerate() {
                each[m][k] += u32::from(c);
            }
        }
    }
    let rate = |x: u32| f64::from(x) / f64::from(reps);
    assert!(
        rate(all[0]) >= 0.93,
        "goodman simultaneous coverage {}",
        rate(all[0])
    );
    for (k, &covered) in each[1].iter().enumerate() {
        let r = rate(covered);
        assert!(
            (0.92..=0.98).contains(&r),
            "wilson coverage of face {k}: {r}"
        );
    }
}

/// Under the null the p-values are uniform: a Kolmogorov–Smirnov distance
/// over 2000 seeded experiments (N = 600, fair d6) below 0.05 (the 1%
/// critical value is 1.63/√2000 ≈ 0.036; the χ² p-values of a discrete
/// statistic are only nearly uniform, hence the slack).
#[test]
fn p_values_are_uniform_under_the_null() {
    use diceml::sample::{multinomial, seeded_rng};
    use diceml::stats::gof::pearson;
    let null = [1.0 / 6.0; 6];
    let mut rng = seeded_rng(7);
    let mut p: Vec<f64> = (0..2000)
        .map(|_| pearson(&multinomial(&mut rng, 600, &null), &null).p_value)
        .collect();
    p.sort_by(f64::total_cmp);
    let n = p.len() as f64;
    let d = p
        .iter()
        .enumerate()
        .map(|(i, &x)| (x - i as f64 / n).abs().max(((i + 1) as f64 / n - x).abs()))
        .fold(0.0, f64::max);
    assert!(d < 0.05, "KS distance {d}");
}

/// Sison–Glaz loses precision at huge counts; diceml must then show
/// Goodman's intervals and say so, never a collapsed interval.
#[test]
fn sison_glaz_falls_back_to_goodman_where_it_breaks_down() {
    let coin = "face,count\nH,20000000000\nT,20000000000\n";
    let r = fit_json(&["--counts", "--ci", "sison-glaz"], coin);
    let g = fit_json(&["--counts", "--ci", "goodman"], coin);
    assert_eq!(r["ci"]["method"], "goodman");
    assert_eq!(r["faces"], g["faces"]);
    assert!(r["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w.as_str().unwrap().contains("failed numerically")));
    // Where it works it is kept (and is close to Goodman, a little narrower).
    let fine = fit_json(
        &["--counts", "--ci", "sison-glaz"],
        "face,count\nH,5000\nT,5000\n",
    );
    assert_eq!(fine["ci"]["method"], "sison-glaz");
}
