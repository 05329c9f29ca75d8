//! Mixed dice in one log: `--by` with `--group-faces`, the homogeneity test
//! across groups that share their faces, and the cautions without it.

use serde_json::Value;

use crate::util::{diceml, fit_json, run_fail, run_ok};

/// A log `die,face` of fair dice: (group name, faces, rolls, seed) each.
fn mixed(dice: &[(&str, u64, u64, u64)]) -> String {
    let mut log = String::from("die,face\n");
    for &(name, k, n, seed) in dice {
        let rolls = run_ok(
            &[
                "simulate",
                "--faces",
                &k.to_string(),
                "--n",
                &n.to_string(),
                "--seed",
                &seed.to_string(),
            ],
            "",
        );
        for face in rolls.lines().skip(1) {
            log.push_str(&format!("{name},{face}\n"));
        }
    }
    log
}

/// `fit -` of a `die,face` log, each die with its own faces.
const FIT_OWN_FACES: [&str; 7] = [
    "fit",
    "-",
    "--by",
    "die",
    "--column",
    "face",
    "--group-faces",
];

fn group<'a>(json: &'a Value, name: &str) -> &'a Value {
    json["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group"] == name)
        .unwrap()
}

/// A d4, d6, d8 and d20 in one log, split with --by die, were all judged as
/// d20s: the fair d4 was "unlikely" at p = 1e-53.
#[test]
fn mixed_dice_split_by_die_are_judged_each_as_its_own_die_with_group_faces() {
    let log = mixed(&[
        ("d4", 4, 400, 1),
        ("d6", 6, 400, 2),
        ("d8", 8, 400, 3),
        ("d20", 20, 400, 4),
    ]);
    let args = ["--by", "die", "--column", "face"];
    let shared = fit_json(&args, &log);
    assert_eq!(group(&shared, "d4")["k"], 20);
    assert_eq!(group(&shared, "d4")["verdict"]["reject"], true);
    let own = fit_json(&[&args[..], &["--group-faces"]].concat(), &log);
    assert_eq!(own["group_faces"], true);
    for (name, k) in [("d4", 4), ("d6", 6), ("d8", 8), ("d20", 20)] {
        let g = group(&own, name);
        assert_eq!(g["k"], k, "{name}");
        assert_eq!(g["faces"].as_array().unwrap().len(), k as usize);
        assert_eq!(g["verdict"]["reject"], false, "{name}: {}", g["verdict"]);
        assert_eq!(g["null"][0].as_f64().unwrap(), 1.0 / k as f64);
    }
    // The d4's chi-square is the d4's own: SciPy chisquare of its counts.
    let d4 = group(&own, "d4");
    let counts: Vec<f64> = d4["faces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["count"].as_f64().unwrap())
        .collect();
    let x2: f64 = counts
        .iter()
        .map(|c| (c - 100.0) * (c - 100.0) / 100.0)
        .sum();
    assert!((d4["tests"]["chi_square"]["statistic"].as_f64().unwrap() - x2).abs() < 1e-12);
    assert_eq!(d4["tests"]["chi_square"]["df"], 3);
    // No two groups share their faces: no homogeneity test, and it says why.
    assert!(own["homogeneity"]["skipped"]
        .as_str()
        .unwrap()
        .contains("no two share"));
}

#[test]
fn homogeneity_runs_only_across_groups_that_share_their_faces() {
    let log = mixed(&[
        ("alice", 6, 300, 5),
        ("bob", 6, 300, 6),
        ("d20", 20, 300, 7),
    ]);
    let json = fit_json(&["--by", "die", "--column", "face", "--group-faces"], &log);
    let sets = json["homogeneity_by_faces"].as_array().unwrap();
    assert_eq!(sets.len(), 1);
    assert_eq!(sets[0]["k"], 6);
    assert_eq!(sets[0]["groups"], serde_json::json!(["alice", "bob"]));
    // The test is alice's and bob's 2 × 6 table alone: df 5.
    assert_eq!(sets[0]["test"]["df"], 5);
    let table = run_ok(&FIT_OWN_FACES, &log);
    assert!(
        table.contains("3 groups, each with its own faces (K = 6 to 20)"),
        "{table}"
    );
    assert!(
        table.contains("Do the groups with K = 6 (alice, bob) behave alike?"),
        "{table}"
    );
}

#[test]
fn without_group_faces_groups_that_differ_in_range_are_warned_about() {
    let log = mixed(&[("d4", 4, 200, 8), ("d20", 20, 200, 9)]);
    let json = fit_json(&["--by", "die", "--column", "face"], &log);
    let warning = json["warnings"][0].as_str().unwrap();
    assert!(
        warning.starts_with(
            "1 of the groups never rolled as high as the log's largest face 20: \"d4\" (up to 4)"
        ),
        "{warning}"
    );
    assert!(warning.ends_with("if the groups roll different dice, use --group-faces, and if that face is a stray, declare the die with --faces"), "{warning}");
    let table = run_ok(&["fit", "-", "--by", "die", "--column", "face"], &log);
    assert!(
        table.contains("Note: 1 of the groups never rolled as high as"),
        "{table}"
    );
    // Dice alike in range get no such warning.
    let log = mixed(&[("a", 20, 200, 10), ("b", 20, 200, 11)]);
    let json = fit_json(&["--by", "die", "--column", "face"], &log);
    assert_eq!(json["warnings"], serde_json::json!([]));
}

#[test]
fn a_group_named_dn_that_rolls_above_n_is_an_error_naming_it() {
    let log = "die,face\nd6,1\nd6,7\nd20,20\n";
    let err = run_fail(&FIT_OWN_FACES, log, 1);
    assert_eq!(
        err,
        "diceml: group \"d6\": face 7 was rolled 1 times, but a die named d6 has faces 1 to 6; rename the group or leave out --group-faces\n"
    );
}

#[test]
fn group_faces_needs_by_and_conflicts_with_a_declared_die() {
    for args in [
        &["fit", "-", "--group-faces"][..],
        &["fit", "-", "--by", "die", "--group-faces", "--faces", "6"],
        &[
            "fit",
            "-",
            "--by",
            "die",
            "--group-faces",
            "--labels",
            "a,b",
        ],
    ] {
        diceml()
            .args(args)
            .write_stdin("die,face\nd6,1\n")
            .assert()
            .code(2);
    }
}

/// 100 groups of two rolls, one of them a 10^6, made 100 dice of 10^6
/// faces and several GB: refused with the way out.
#[test]
fn too_many_groups_times_faces_is_refused_with_a_hint() {
    let mut log = String::from("g,face\n");
    for i in 0..100 {
        log.push_str(&format!("p{i},1\np{i},2\n"));
    }
    log.push_str("p0,1000000\n");
    // With K inferred, the lone 10^6 is a typo far above the rest, on line 202.
    let err = run_fail(&["fit", "-", "--by", "g", "--column", "face"], &log, 1);
    assert!(
        err.starts_with("diceml: <stdin>:202: face 1000000 is far above every other face"),
        "{err}"
    );
    // Declared, it makes 100 dice of 10^6 faces: refused with the way out.
    let args = [
        "fit", "-", "--by", "g", "--column", "face", "--faces", "1000000",
    ];
    let err = run_fail(&args, &log, 1);
    assert!(
        err.starts_with("diceml: 100 groups × 1000000 faces is 100000000 rows to report"),
        "{err}"
    );
    assert!(
        err.ends_with("give each group its own faces with --group-faces, or declare a die with fewer --faces\n"),
        "{err}"
    );
}

/// --expected under --group-faces is each group's null: it must have every
/// group's K (checked per group, not against the log's largest face).
#[test]
fn expected_with_group_faces_is_checked_against_each_group() {
    let log = "die,face\nd6,1\nd6,2\nd6,6\nalice,3\nalice,6\n";
    let args = [
        "--by",
        "die",
        "--column",
        "face",
        "--group-faces",
        "--expected",
        "1,1,1,1,1,2",
    ];
    let json = fit_json(&args, log);
    for g in json["groups"].as_array().unwrap() {
        assert_eq!(g["k"], 6);
        assert_eq!(g["null"][5].as_f64().unwrap(), 2.0 / 7.0);
    }
    let log = format!("{log}d4,1\nd4,4\n");
    let err = run_fail(&[&["fit", "-"][..], &args[..]].concat(), &log, 2);
    assert_eq!(
        err,
        "diceml: group \"d4\": --expected gives 6 probabilities but the die has 4 faces\n"
    );
}
