//! `diceml simulate`: roll a fair or loaded die N times and write the roll
//! log (`face` then one face per line) or its counts (`face,count`). The
//! sampling is [`crate::sample`]'s and the writing [`crate::report::csv`]'s;
//! this module wires them.

use std::io::Write as _;

use anyhow::Result;

use crate::cli::SimulateArgs;
use crate::error::UsageError;
use crate::io;
use crate::report::csv;
use crate::sample::{self, AliasTable, UniformBatch, MAX_BATCH};
use crate::ui::{Ui, PROGRESS_FROM_ROLLS};

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
pub fn run(args: SimulateArgs, ui: &Ui) -> Result<()> {
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
    let names = csv::FaceText::new(die.faces(), labels);
    if args.counts {
        let counts = sample::multinomial(&mut rng, args.n, &die.probabilities());
        csv::write_face_counts(&mut out, &names, &counts)?;
    } else {
        let bar = ui.progress(args.n, PROGRESS_FROM_ROLLS, "rolls");
        let tick = |rolls: u64| bar.inc(rolls);
        let written = match &die {
            Die::Fair(k) => {
                let batch = UniformBatch::new(*k);
                csv::write_rolls(
                    &mut out,
                    &names,
                    args.n,
                    batch.len(),
                    MAX_BATCH,
                    &tick,
                    |faces| batch.fill_batches(&mut rng, faces),
                )
            }
            Die::Loaded(p) => {
                let table = AliasTable::new(p);
                csv::write_rolls(
                    &mut out,
                    &names,
                    args.n,
                    table.batch_len(),
                    MAX_BATCH,
                    &tick,
                    |faces| table.fill_batches(&mut rng, faces),
                )
            }
        };
        bar.finish_and_clear();
        written?;
    }
    out.flush()?;
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
