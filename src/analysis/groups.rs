//! The dice of a `--by` run: each group over the log's shared faces, or over
//! its own (`--group-faces`); the homogeneity test across the groups that
//! share their faces; and the caution when groups clearly roll different
//! dice but were given one.
//!
//! With `--group-faces` a group's faces are, for integer faces, 1..N when
//! the group is named `dN` (`d4`, `D20`) and 1..(its largest face) otherwise
//! (from 0 when it rolled a 0); for labels, the labels it rolled.

use std::borrow::Cow;

use anyhow::{bail, Result};

use super::evidence::{MaybeTest, Test};
use super::types::Homogeneity;
use crate::dataset::{Dataset, Group, Kind};
use crate::stats::contingency;

/// Above this many groups × faces a `--by` report (a row per face per
/// group) is refused unless each group has its own faces: a face costs
/// about 570 bytes of peak memory (57 MB for a JSON fit of 10^5 faces,
/// `/usr/bin/time -v`), so 2·10^6 rows are already over a GB.
pub const MAX_GROUP_CELLS: u64 = 2_000_000;

/// A group's die: its faces and its counts over them.
pub struct GroupDie<'a> {
    /// The faces, in report order.
    pub faces: Cow<'a, [String]>,
    /// The counts (and pairs) over those faces.
    pub group: Cow<'a, Group>,
}

/// Every group over the log's shared faces.
pub fn shared(data: &Dataset) -> Vec<GroupDie<'_>> {
    data.groups
        .iter()
        .map(|g| GroupDie {
            faces: Cow::Borrowed(&data.faces[..]),
            group: g.over(data.faces.len()),
        })
        .collect()
}

/// Every group over its own faces (`--group-faces`).
pub fn own(data: &Dataset) -> Result<Vec<GroupDie<'static>>> {
    data.groups
        .iter()
        .map(|g| match data.kind {
            Kind::Integer => own_integer(data, g),
            Kind::Labels => {
                let keep: Vec<usize> = (0..g.counts.len()).filter(|&i| g.counts[i] > 0).collect();
                let faces = keep.iter().map(|&i| data.faces[i].clone()).collect();
                let mut index = vec![None; data.faces.len()];
                for (new, &old) in keep.iter().enumerate() {
                    index[old] = Some(new);
                }
                Ok(restrict(g, faces, &index))
            }
        })
        .collect()
}

/// The number N of a group named `dN` (any case; N ≥ 1).
pub fn named_faces(name: &str) -> Option<u64> {
    let digits = name.strip_prefix(['d', 'D'])?;
    if digits.is_empty() || digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// An integer group's own faces: lo..=hi, with hi from its name `dN` or
/// its largest face, lo 0 when it rolled a 0 and 1 otherwise.
fn own_integer(data: &Dataset, g: &Group) -> Result<GroupDie<'static>> {
    let name = g.name.as_deref().unwrap_or_default();
    let values = face_values(data)?;
    let rolled = || (0..g.counts.len()).filter(|&i| g.counts[i] > 0);
    let (Some(min), Some(max)) = (rolled().map(|i| values[i]).min(), rolled().max()) else {
        bail!("group {name:?} has no rolls (N = 0): nothing to fit");
    };
    let largest = values[max];
    let hi = match named_faces(name) {
        Some(n) if largest > n => bail!(
            "group {name:?}: face {largest} was rolled {} times, but a die named {name} has faces 1 to {n}; rename the group or leave out --group-faces",
            g.counts[max]
        ),
        Some(n) => n,
        None => largest,
    };
    let lo = u64::from(min > 0);
    let faces = (lo..=hi).map(|v| v.to_string()).collect();
    let index: Vec<Option<usize>> = values
        .iter()
        .map(|&v| (lo..=hi).contains(&v).then(|| (v - lo) as usize))
        .collect();
    Ok(restrict(g, faces, &index))
}

/// The value of each integer face of `data`.
fn face_values(data: &Dataset) -> Result<Vec<u64>> {
    data.faces
        .iter()
        .map(|f| match f.parse() {
            Ok(v) => Ok(v),
            Err(_) => bail!("face {f:?} of an integer die is not a whole number"),
        })
        .collect()
}

/// `g` over `faces`, where shared face i becomes `index[i]` (rolls of a
/// face with no index never occur: callers keep every face rolled).
fn restrict(g: &Group, faces: Vec<String>, index: &[Option<usize>]) -> GroupDie<'static> {
    let mut counts = vec![0; faces.len()];
    for (i, &c) in g.counts.iter().enumerate() {
        if let Some(new) = index[i] {
            counts[new] += c;
        }
    }
    let pairs = g.pairs.as_ref().map(|pairs| {
        pairs
            .iter()
            .filter_map(|&((a, b), n)| Some(((index[a]?, index[b]?), n)))
            .collect()
    });
    let rolls = g.rolls.as_ref().map(|rolls| {
        rolls
            .iter()
            .filter_map(|&x| index[x as usize].map(|i| i as u32))
            .collect()
    });
    GroupDie {
        faces: Cow::Owned(faces),
        group: Cow::Owned(Group {
            name: g.name.clone(),
            counts,
            n: g.n,
            pairs,
            rolls,
        }),
    }
}

/// The homogeneity test: across all groups when they share their faces
/// (as without `--group-faces`), else `Skipped` and one test for each set
/// of two or more groups with the same faces.
pub fn homogeneity(dice: &[GroupDie]) -> (MaybeTest, Vec<Homogeneity>) {
    let test = |members: &[&GroupDie]| {
        let table: Vec<Vec<u64>> = members.iter().map(|d| d.group.counts.clone()).collect();
        match contingency::independence(&table) {
            Some(result) => MaybeTest::Done(Test::new(result)),
            None => MaybeTest::Skipped {
                skipped: "needs at least two groups and two faces with rolls".into(),
            },
        }
    };
    let mut sets: Vec<Vec<&GroupDie>> = Vec::new();
    for die in dice {
        match sets.iter_mut().find(|s| s[0].faces == die.faces) {
            Some(set) => set.push(die),
            None => sets.push(vec![die]),
        }
    }
    if sets.len() <= 1 {
        return (test(&dice.iter().collect::<Vec<_>>()), Vec::new());
    }
    let by_faces: Vec<Homogeneity> = sets
        .iter()
        .filter(|s| s.len() >= 2)
        .map(|s| Homogeneity {
            k: s[0].faces.len(),
            groups: s
                .iter()
                .map(|d| d.group.name.clone().unwrap_or_default())
                .collect(),
            test: test(s),
        })
        .collect();
    let skipped = MaybeTest::Skipped {
        skipped: if by_faces.is_empty() {
            "the groups have different faces, and no two share theirs".into()
        } else {
            "the groups have different faces; see the tests of the groups that share theirs".into()
        },
    };
    (skipped, by_faces)
}

/// A caution for integer groups that clearly roll a smaller die than the
/// log's: a group of n rolls whose largest face m is below the largest K
/// would show nothing above m with probability ((m − lo + 1)/K)^n if its die
/// had the K faces (lo the first face); below 1e-6 the group is named.
pub fn range_warnings(data: &Dataset) -> Vec<String> {
    const UNLIKELY: f64 = 1e-6;
    const NAMED: usize = 5;
    let (Kind::Integer, Ok(values)) = (data.kind, face_values(data)) else {
        return Vec::new();
    };
    let k = data.faces.len() as f64;
    let small: Vec<(String, u64)> = data
        .groups
        .iter()
        .filter_map(|g| {
            let max = (0..g.counts.len()).rev().find(|&i| g.counts[i] > 0)?;
            let chance = ((max + 1) as f64 / k).powf(g.n as f64);
            (max + 1 < data.faces.len() && chance < UNLIKELY)
                .then(|| (g.name.clone().unwrap_or_default(), values[max]))
        })
        .collect();
    if small.is_empty() {
        return Vec::new();
    }
    let mut named: Vec<String> = small
        .iter()
        .take(NAMED)
        .map(|(name, m)| format!("{name:?} (up to {m})"))
        .collect();
    if small.len() > NAMED {
        named.push(format!("{} more", small.len() - NAMED));
    }
    vec![format!(
        "{} of the groups never rolled as high as the log's largest face {}: {} — each less likely than {UNLIKELY:.0e} for a die with all {} faces; if the groups roll different dice, use --group-faces, and if that face is a stray, declare the die with --faces",
        small.len(),
        data.faces.last().map_or("", String::as_str),
        named.join(", "),
        data.faces.len()
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::Skipped;

    fn group(name: &str, counts: &[u64]) -> Group {
        Group {
            name: Some(name.into()),
            counts: counts.to_vec(),
            n: counts.iter().sum(),
            pairs: Some(vec![((0, 1), 1), ((1, 2), 2)]),
            rolls: None,
        }
    }

    fn dataset(kind: Kind, faces: &[&str], groups: Vec<Group>) -> Dataset {
        Dataset {
            faces: faces.iter().map(|f| f.to_string()).collect(),
            kind,
            k_inferred: true,
            header: None,
            groups,
            skipped: Skipped::default(),
        }
    }

    #[test]
    fn names_like_dn_give_the_faces() {
        assert_eq!(named_faces("d6"), Some(6));
        assert_eq!(named_faces("D20"), Some(20));
        for no in ["d", "d0", "d06", "6", "dx", "d6a", "alice"] {
            assert_eq!(named_faces(no), None, "{no}");
        }
    }

    #[test]
    fn each_group_gets_its_own_integer_faces() {
        let faces: Vec<String> = (1..=8).map(|v| v.to_string()).collect();
        let faces: Vec<&str> = faces.iter().map(String::as_str).collect();
        let data = dataset(
            Kind::Integer,
            &faces,
            vec![
                group("d4", &[5, 5, 5, 5, 0, 0, 0, 0]),
                group("d6", &[1, 1, 1, 1, 1, 0, 0, 0]),
                group("eve", &[1, 2, 3, 0, 0, 0, 0, 9]),
            ],
        );
        let dice = own(&data).unwrap();
        assert_eq!(dice[0].faces.len(), 4);
        assert_eq!(dice[0].group.counts, [5, 5, 5, 5]);
        // d6 never rolled a 6, and still has 6 faces.
        assert_eq!(dice[1].group.counts, [1, 1, 1, 1, 1, 0]);
        assert_eq!(dice[2].faces.len(), 8);
        // Pairs keep their faces: (1, 2) and (2, 3).
        assert_eq!(dice[0].group.pairs, Some(vec![((0, 1), 1), ((1, 2), 2)]));
        // A labelled die keeps the labels rolled, with their pairs re-indexed.
        let labels = dataset(
            Kind::Labels,
            &["x", "a", "b", "c"],
            vec![group("g", &[0, 4, 0, 2])],
        );
        let dice = own(&labels).unwrap();
        assert_eq!(&dice[0].faces[..], ["a", "c"]);
        assert_eq!(dice[0].group.counts, [4, 2]);
        assert_eq!(dice[0].group.pairs, Some(vec![]));
        // A d4 that rolled a 5 is an error naming the group and the face.
        let bad = dataset(
            Kind::Integer,
            &faces[..5],
            vec![group("d4", &[1, 1, 1, 1, 1])],
        );
        let err = own(&bad).err().unwrap().to_string();
        assert!(err.contains("\"d4\": face 5 was rolled 1 times"), "{err}");
    }

    #[test]
    fn homogeneity_runs_within_each_set_of_groups_with_the_same_faces() {
        let faces: Vec<String> = (1..=6).map(|v| v.to_string()).collect();
        let faces: Vec<&str> = faces.iter().map(String::as_str).collect();
        let data = dataset(
            Kind::Integer,
            &faces,
            vec![
                group("d4", &[5, 5, 5, 5, 0, 0]),
                group("d6", &[3, 3, 3, 3, 3, 3]),
                group("d4", &[4, 6, 5, 5, 0, 0]),
            ],
        );
        let dice = own(&data).unwrap();
        let (all, by_faces) = homogeneity(&dice);
        assert!(matches!(all, MaybeTest::Skipped { .. }));
        assert_eq!(by_faces.len(), 1);
        assert_eq!((by_faces[0].k, by_faces[0].groups.len()), (4, 2));
        // X² of [[5,5,5,5],[4,6,5,5]] (SciPy chi2_contingency, no correction):
        // 0.20202020202020202, df 3, p 0.9772625110435604.
        let MaybeTest::Done(t) = &by_faces[0].test else {
            panic!("computed")
        };
        assert_eq!(t.result.df, 3);
        assert!((t.result.statistic - 0.20202020202020202).abs() < 1e-12);
    }

    #[test]
    fn groups_that_never_roll_high_are_named() {
        let mut d4 = vec![0u64; 20];
        d4[..4].copy_from_slice(&[30, 30, 30, 30]);
        let d20 = vec![6u64; 20];
        let faces: Vec<String> = (1..=20).map(|v| v.to_string()).collect();
        let faces: Vec<&str> = faces.iter().map(String::as_str).collect();
        let data = dataset(
            Kind::Integer,
            &faces,
            vec![group("a", &d4), group("b", &d20)],
        );
        let w = range_warnings(&data);
        assert_eq!(w.len(), 1);
        assert!(
            w[0].starts_with(
                "1 of the groups never rolled as high as the log's largest face 20: \"a\" (up to 4)"
            ),
            "{}",
            w[0]
        );
        // Few rolls are no evidence: (4/20)^5 = 3.2e-4.
        let mut few = vec![0u64; 20];
        few[..4].copy_from_slice(&[2, 1, 1, 1]);
        let data = dataset(
            Kind::Integer,
            &faces,
            vec![group("a", &few), group("b", &d20)],
        );
        assert!(range_warnings(&data).is_empty());
    }
}
