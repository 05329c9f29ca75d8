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
    // Too many outcomes is a data condition: exit 1 (see
    // exact_refusing_a_size_is_a_data_error_that_names_the_way_round_once).
    let out = crate::util::run_fail(
        &["fit", "--counts", "--exact"],
        "face,count\n1,5000\n2,5000\n3,5000\n4,5000\n5,5000\n6,5000\n",
        1,
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

/// Runs `fit --format json` on `path` (or stdin when `path` is "-") with a
/// 20-second limit, so that a hang fails the test instead of stalling it.
fn fit_json_within_20s(path: &str, args: &[&str], stdin: &str) -> Value {
    let mut all = vec!["fit", path, "--format", "json"];
    all.extend_from_slice(args);
    let out = crate::util::diceml()
        .args(&all)
        .write_stdin(stdin)
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .success();
    serde_json::from_slice(&out.get_output().stdout).expect("valid JSON")
}

fn beta_huge() -> Value {
    serde_json::from_str(include_str!("../golden/beta_huge.json")).expect("beta_huge.json parses")
}

#[test]
fn a_huge_prior_gives_the_right_credible_intervals_at_once() {
    // --prior 1e200 on data/fair_d6.csv hung in the beta quantile. Each
    // marginal is Beta(n_k + 1e200, N − n_k + 5e200), whose standard deviation
    // is 1e-100 of its mean: mpmath (tests/golden/beta_huge.py) gives both
    // ends as the double nearest 1/6. Tolerance 4.5e-16 relative (2 ulps:
    // the parameters themselves are rounded to doubles before the quantile).
    let golden = beta_huge();
    let want = &golden["fair_d6_prior_1e200"]["posterior"];
    let data = format!("{}/data/fair_d6.csv", env!("CARGO_MANIFEST_DIR"));
    let r = fit_json_within_20s(&data, &["--prior", "1e200"], "");
    let faces = r["faces"].as_array().unwrap();
    assert_eq!(faces.len(), 6);
    for (face, want) in faces.iter().zip(want.as_array().unwrap()) {
        assert_eq!(face["count"], want["count"]);
        for (got, key) in [
            ("credible_low", "low"),
            ("credible_high", "high"),
            ("posterior_mean", "mean"),
        ] {
            close(f(&face[got]), f(&want[key]), 4.5e-16, got);
        }
    }
    assert!(f(&r["bayes"]["log10_bayes_factor"]).abs() < 1e-12);
}

#[test]
fn a_prior_beyond_the_double_range_of_its_sum_still_gives_the_prior_mean() {
    // --prior 1e308 and the largest double: (K − 1)α overflows, the posterior
    // is pinned at 1/K to 1e-150, and the interval is [1/6, 1/6]. Before,
    // the mean and both ends came out 0. Tolerance 2.3e-16 relative (1 ulp).
    let data = format!("{}/data/fair_d6.csv", env!("CARGO_MANIFEST_DIR"));
    for prior in ["1e308", "1.7976931348623157e308", "1e154"] {
        let r = fit_json_within_20s(&data, &["--prior", prior], "");
        for face in r["faces"].as_array().unwrap() {
            for key in ["credible_low", "credible_high", "posterior_mean"] {
                close(
                    f(&face[key]),
                    1.0 / 6.0,
                    2.3e-16,
                    &format!("--prior {prior} {key}"),
                );
            }
        }
    }
}

#[test]
fn a_tiny_prior_leaves_a_never_rolled_face_at_zero() {
    // --prior 1e-300 with N ≈ 2^64 and a face never rolled: its marginal is
    // Beta(1e-300, N + 5e-300), all but about 1e-300·ln(1/x) of whose mass
    // lies below any double x > 0: the interval is [0, 0] and the mean
    // 1e-300/N ≈ 5.4e-320. Before, it was [0.5, 0.5] (a NaN prefactor where
    // a/(a + b) is subnormal). The faces rolled keep Beta(n_k, N − n_k)'s
    // interval, which holds n_k/N: 1 − 3e-19 for face 1.
    let table = "face,count\n1,18446744073709551610\n2,1\n3,1\n4,1\n5,0\n6,1\n";
    let r = fit_json_within_20s("-", &["--counts", "--prior", "1e-300"], table);
    let faces = r["faces"].as_array().unwrap();
    let never = &faces[4];
    assert_eq!(f(&never["credible_low"]), 0.0);
    assert_eq!(f(&never["credible_high"]), 0.0);
    close(
        f(&never["posterior_mean"]),
        1e-300 / 18446744073709551615.0,
        1e-3,
        "mean",
    );
    for face in faces {
        let (lo, hi) = (f(&face["credible_low"]), f(&face["credible_high"]));
        assert!(
            lo <= f(&face["p"]) + 1e-16 && f(&face["p"]) <= hi + 1e-16,
            "{face}"
        );
    }
}

/// Every --ci method.
const CI_METHODS: [&str; 5] = [
    "goodman",
    "sison-glaz",
    "wilson",
    "clopper-pearson",
    "jeffreys",
];

#[test]
fn extreme_test_options_give_finite_numbers_or_a_warning_and_never_hang() {
    // Every option that reaches a statistic, at its extremes, on a die and
    // on counts near 2^64: each run ends within 20 s (assert_cmd's timeout),
    // every interval is ordered and inside [0, 1], and every number is
    // finite. A JSON null is allowed only where it stands for a defined
    // non-number: the −∞ logit of a face never rolled, the order verdict of
    // a count table (no order), `smooth` without --smooth, the learning rate
    // of a Newton fit; the power divergence is skipped with its reason at
    // λ ≤ −1 and a zero count.
    let data = format!("{}/data/fair_d6.csv", env!("CARGO_MANIFEST_DIR"));
    let skew = "face,count\n1,18446744073709551610\n2,1\n3,1\n4,1\n5,0\n6,1\n";
    let even = "face,count\n1,3074457345618258602\n2,3074457345618258602\n3,3074457345618258602\n\
                4,3074457345618258602\n5,3074457345618258602\n6,3074457345618258602\n";
    let coin = "face,count\n1,9223372036854775807\n2,9223372036854775808\n";
    let mut runs: Vec<(String, Vec<String>, &str)> = Vec::new();
    let on_die = |args: &[&str]| {
        (
            data.clone(),
            args.iter().map(|a| a.to_string()).collect(),
            "",
        )
    };
    for prior in ["1e-300", "1e200", "1e308"] {
        runs.push(on_die(&["--prior", prior]));
    }
    for level in ["1e-300", "0.999999999999", "0.9999999999999999"] {
        for ci in CI_METHODS {
            runs.push(on_die(&["--level", level, "--ci", ci]));
        }
    }
    for lambda in ["1e300", "-1e300", "-1", "0", "-0.5"] {
        runs.push(on_die(&[&format!("--lambda={lambda}")]));
    }
    for smooth in ["1e300", "1e-300"] {
        runs.push(on_die(&["--smooth", smooth]));
    }
    for table in [skew, even, coin] {
        let on_table = |args: &[&str]| {
            let mut all = vec!["--counts".to_string()];
            all.extend(args.iter().map(|a| a.to_string()));
            ("-".to_string(), all, table)
        };
        for ci in CI_METHODS {
            runs.push(on_table(&["--ci", ci]));
        }
        for extra in [
            ["--prior", "1e200"],
            ["--prior", "1e-300"],
            ["--smooth", "1e300"],
            ["--smooth", "1e-300"],
        ] {
            runs.push(on_table(&extra));
        }
        for lambda in ["--lambda=-1", "--lambda=1e300", "--lambda=-1e300"] {
            runs.push(on_table(&[lambda]));
        }
    }
    for (path, args, stdin) in &runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = fit_json_within_20s(path, &args, stdin);
        let what = format!("fit {path} {args:?}");
        check_numbers(&r, "", &what);
        for face in r["faces"].as_array().unwrap() {
            for (lo, hi) in [("ci_low", "ci_high"), ("credible_low", "credible_high")] {
                let (lo, hi) = (f(&face[lo]), f(&face[hi]));
                assert!(0.0 <= lo && lo <= hi && hi <= 1.0, "{what}: {face}");
            }
        }
        if let Some(pd) = r["tests"].get("power_divergence") {
            assert!(
                pd.get("p_value")
                    .is_some_and(|p| (0.0..=1.0).contains(&f(p)))
                    || pd["skipped"].as_str().is_some_and(|s| !s.is_empty()),
                "{what}: {pd}"
            );
        }
    }
}

#[test]
fn a_huge_lambda_is_named_in_its_skip_reason_in_short() {
    // λ = −1e300 on a table with an empty face is skipped with its reason;
    // the reason wrote λ as a 301-digit number.
    let table = "face,count\n1,5\n2,0\n3,4\n";
    let r = fit_json(&["--counts", "--lambda=-1e300"], table);
    let why = r["tests"]["power_divergence"]["skipped"].as_str().unwrap();
    assert!(why.contains("λ = -1e300 (λ ≤ −1)"), "{why}");
    let r = fit_json(&["--counts", "--lambda=-1"], table);
    let why = r["tests"]["power_divergence"]["skipped"].as_str().unwrap();
    assert!(why.contains("λ = -1 (λ ≤ −1)"), "{why}");
}

/// Every number in `v` is finite (serde_json writes NaN and ±∞ as null);
/// the nulls that stand for a defined non-number are named here.
fn check_numbers(v: &Value, path: &str, what: &str) {
    match v {
        Value::Null => assert!(
            path.ends_with(".logit")
                || [
                    ".verdict.order_related",
                    ".fit.smooth",
                    ".fit.learning_rate"
                ]
                .contains(&path),
            "{what}: null at {path}"
        ),
        Value::Number(n) => assert!(n.as_f64().is_some_and(f64::is_finite), "{what}: {path}"),
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                check_numbers(x, &format!("{path}[{i}]"), what);
            }
        }
        Value::Object(map) => {
            for (k, x) in map {
                check_numbers(x, &format!("{path}.{k}"), what);
            }
        }
        _ => {}
    }
}

#[test]
fn intervals_at_counts_near_two_to_the_64_match_the_normal_limit() {
    // N = 2^64 − 4 split evenly over six faces: every per-face interval is
    // p̂ ± z·√(p̂(1 − p̂)/N) to O(1/N) relative in its half-width (the
    // binomial's skewness moves the ends by about z²/(3N), 1e-19 here), with
    // z = 1.959963984540054 (95%, per face) or z = 2.63825727347675 (Goodman,
    // α/(2K) = 0.025/6; both mpmath). Half-widths to 1e-6 relative.
    let table = "face,count\n1,3074457345618258602\n2,3074457345618258602\n3,3074457345618258602\n\
                 4,3074457345618258602\n5,3074457345618258602\n6,3074457345618258602\n";
    let n = 18446744073709551612.0f64;
    let p = 1.0 / 6.0;
    let se = (p * (1.0 - p) / n).sqrt();
    for (ci, z) in [
        ("wilson", 1.959963984540054),
        ("clopper-pearson", 1.959963984540054),
        ("jeffreys", 1.959963984540054),
        ("goodman", 2.63825727347675),
    ] {
        let r = fit_json_within_20s("-", &["--counts", "--ci", ci], table);
        for face in r["faces"].as_array().unwrap() {
            let (lo, hi) = (f(&face["ci_low"]), f(&face["ci_high"]));
            close(0.5 * (hi - lo), z * se, 1e-6, &format!("{ci} half-width"));
            close(0.5 * (hi + lo), p, 1e-15, &format!("{ci} centre"));
        }
    }
}

#[test]
fn monte_carlo_asks_for_at_most_ten_to_the_eight_replicates() {
    // 10^18 replicates would take twenty thousand years: a usage error
    // (exit 2) naming the range, before any data is read.
    for b in ["1000000000000000000", "100000001", "0", "-5"] {
        let out = crate::util::diceml()
            .args(["fit", "-", &format!("--monte-carlo={b}")])
            .write_stdin("face\n1\n2\n")
            .timeout(std::time::Duration::from_secs(20))
            .assert()
            .code(2);
        let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(err.contains("from 1 to 100000000"), "{b}: {err}");
    }
    // (That 10^8 itself is accepted is cli.rs's unit test: running it takes
    // seconds even for a one-faced die.)
}

#[test]
fn exact_refusing_a_size_is_a_data_error_that_names_the_way_round_once() {
    // C(10005, 5) ≈ 8.3e17 outcomes for 10,000 rolls of a d6, and 2.5e8
    // (face, count) pairs for the lattice: a property of the data, so exit 1
    // (it was 2), and the message says "instead" once.
    let out = crate::util::run_fail(
        &["fit", "--counts", "--exact"],
        "face,count\n1,1700\n2,1600\n3,1700\n4,1600\n5,1700\n6,1700\n",
        1,
    );
    assert_eq!(out.lines().count(), 1, "{out}");
    assert_eq!(out.matches("instead").count(), 1, "{out}");
    assert!(out.contains("250075005 (face, count) pairs"), "{out}");
    assert!(out.contains("--monte-carlo B"), "{out}");
}
