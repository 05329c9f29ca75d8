//! `diceml simulate`: roll a fair or loaded die N times and write the roll
//! log (`face` then one face per line) or its counts (`face,count`).

use std::io::Write;

use anyhow::Result;

use crate::cli::SimulateArgs;
use crate::error::UsageError;
use crate::io;
use crate::report;
use crate::sample::{self, AliasTable, DiceRng};

/// The die to roll, after checking `--faces` against `--probs`.
#[derive(Debug, Clone, PartialEq)]
pub enum Die {
    /// K equally likely faces.
    Fair(u64),
    /// Normalised face probabilities.
    Loaded(Vec<f64>),
}

impl Die {
    /// Reconciles `--faces`, `--probs` and `--labels`: K defaults to the
    /// number of weights or labels, or 6; a mismatch is a usage error.
    pub fn from_args(
        faces: Option<u64>,
        probs: Option<&[f64]>,
        labels: Option<usize>,
    ) -> Result<Die, UsageError> {
        let labels = labels.map(|n| n as u64);
        let weights = probs.map(|p| p.len() as u64);
        let mismatch = |a: &str, x: u64, b: &str, y: u64| {
            UsageError(format!(
                "{a} gives {x} faces but {b} gives {y}; they must agree"
            ))
        };
        if let (Some(k), Some(w)) = (faces, weights) {
            if k != w {
                return Err(mismatch("--faces", k, "--probs", w));
            }
        }
        if let (Some(l), Some(k)) = (labels, faces.or(weights)) {
            if l != k {
                let other = if faces.is_some() {
                    "--faces"
                } else {
                    "--probs"
                };
                return Err(mismatch("--labels", l, other, k));
            }
        }
        match probs {
            Some(p) => Ok(Die::Loaded(p.to_vec())),
            None => Ok(Die::Fair(faces.or(labels).unwrap_or(6))),
        }
    }

    /// Number of faces K.
    pub fn faces(&self) -> u64 {
        match self {
            Die::Fair(k) => *k,
            Die::Loaded(p) => p.len() as u64,
        }
    }

    /// Face probabilities.
    pub fn probabilities(&self) -> Vec<f64> {
        match self {
            Die::Fair(k) => vec![1.0 / *k as f64; *k as usize],
            Die::Loaded(p) => p.clone(),
        }
    }
}

/// Runs `diceml simulate`.
pub fn run(args: SimulateArgs) -> Result<()> {
    let labels = args.labels.as_ref().map(|l| l.0.as_slice());
    let die = Die::from_args(
        args.faces,
        args.probs.as_ref().map(|w| w.0.as_slice()),
        labels.map(<[String]>::len),
    )?;
    let mut rng = match args.seed {
        Some(seed) => sample::seeded_rng(seed),
        None => sample::os_seeded_rng().0,
    };
    let mut out = io::open_output(args.output.as_deref())?;
    let names = FaceNames(labels);
    if args.counts {
        write_counts(&mut out, &die, &names, args.n, &mut rng)?;
    } else {
        write_rolls(&mut out, &die, &names, args.n, &mut rng)?;
    }
    out.flush()?;
    Ok(())
}

/// How faces are written: 1..K, or the `--labels` (CSV-quoted as needed).
struct FaceNames<'a>(Option<&'a [String]>);

impl FaceNames<'_> {
    fn write(
        &self,
        out: &mut dyn Write,
        digits: &mut itoa::Buffer,
        index: u64,
    ) -> std::io::Result<()> {
        match self.0 {
            Some(labels) => out.write_all(report::csv_field(&labels[index as usize]).as_bytes()),
            None => out.write_all(digits.format(index + 1).as_bytes()),
        }
    }
}

fn write_counts(
    out: &mut dyn Write,
    die: &Die,
    names: &FaceNames,
    n: u64,
    rng: &mut DiceRng,
) -> Result<()> {
    let counts = sample::multinomial(rng, n, &die.probabilities());
    out.write_all(b"face,count\n")?;
    let mut digits = itoa::Buffer::new();
    for (face, count) in counts.iter().enumerate() {
        names.write(out, &mut digits, face as u64)?;
        writeln!(out, ",{count}")?;
    }
    Ok(())
}

fn write_rolls(
    out: &mut dyn Write,
    die: &Die,
    names: &FaceNames,
    n: u64,
    rng: &mut DiceRng,
) -> Result<()> {
    out.write_all(b"face\n")?;
    let mut digits = itoa::Buffer::new();
    let mut emit = |out: &mut dyn Write, index: u64| -> std::io::Result<()> {
        names.write(out, &mut digits, index)?;
        out.write_all(b"\n")
    };
    match die {
        Die::Fair(k) => {
            for _ in 0..n {
                emit(out, sample::uniform_below(rng, *k))?;
            }
        }
        Die::Loaded(p) => {
            let table = AliasTable::new(p);
            for _ in 0..n {
                emit(out, table.sample(rng) as u64)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faces_default_to_weights_or_six() {
        assert_eq!(Die::from_args(None, None, None).unwrap(), Die::Fair(6));
        assert_eq!(Die::from_args(Some(20), None, None).unwrap().faces(), 20);
        assert_eq!(
            Die::from_args(None, Some(&[0.5, 0.5]), None)
                .unwrap()
                .faces(),
            2
        );
        assert_eq!(Die::from_args(None, None, Some(3)).unwrap(), Die::Fair(3));
        assert!(Die::from_args(Some(3), Some(&[0.5, 0.5]), None).is_err());
        assert!(Die::from_args(None, Some(&[0.5, 0.5]), Some(3)).is_err());
        assert!(Die::from_args(Some(2), None, Some(3)).is_err());
    }
}
