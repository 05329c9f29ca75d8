//! `diceml simulate`: roll a fair or loaded die N times and write the roll
//! log (`face` then one face per line) or its counts (`face,count`).

use std::io::Write;

use anyhow::Result;

use crate::cli::SimulateArgs;
use crate::error::UsageError;
use crate::io;
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
    /// Reconciles `--faces` and `--probs`: K defaults to the number of
    /// weights, or 6; a mismatch is a usage error.
    pub fn from_args(faces: Option<u64>, probs: Option<&[f64]>) -> Result<Die, UsageError> {
        match (faces, probs) {
            (Some(k), Some(p)) if p.len() as u64 != k => Err(UsageError(format!(
                "--faces {k} does not match the {} weights given to --probs",
                p.len()
            ))),
            (_, Some(p)) => Ok(Die::Loaded(p.to_vec())),
            (k, None) => Ok(Die::Fair(k.unwrap_or(6))),
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
    let die = Die::from_args(args.faces, args.probs.as_ref().map(|w| w.0.as_slice()))?;
    let mut rng = match args.seed {
        Some(seed) => sample::seeded_rng(seed),
        None => sample::os_seeded_rng().0,
    };
    let mut out = io::open_output(args.output.as_deref())?;
    if args.counts {
        write_counts(&mut out, &die, args.n, &mut rng)?;
    } else {
        write_rolls(&mut out, &die, args.n, &mut rng)?;
    }
    out.flush()?;
    Ok(())
}

fn write_counts(out: &mut dyn Write, die: &Die, n: u64, rng: &mut DiceRng) -> Result<()> {
    let counts = sample::multinomial(rng, n, &die.probabilities());
    out.write_all(b"face,count\n")?;
    for (face, count) in counts.iter().enumerate() {
        writeln!(out, "{},{}", face + 1, count)?;
    }
    Ok(())
}

fn write_rolls(out: &mut dyn Write, die: &Die, n: u64, rng: &mut DiceRng) -> Result<()> {
    out.write_all(b"face\n")?;
    let mut digits = itoa::Buffer::new();
    let mut emit = |out: &mut dyn Write, index: u64| -> std::io::Result<()> {
        out.write_all(digits.format(index + 1).as_bytes())?;
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
        assert_eq!(Die::from_args(None, None).unwrap(), Die::Fair(6));
        assert_eq!(Die::from_args(Some(20), None).unwrap().faces(), 20);
        assert_eq!(Die::from_args(None, Some(&[0.5, 0.5])).unwrap().faces(), 2);
        assert!(Die::from_args(Some(3), Some(&[0.5, 0.5])).is_err());
    }
}
