//! The die as a probability model: K faces and their probabilities,
//! validated once and used by every subcommand that names a die — the die
//! `simulate` rolls (`--faces`, `--probs`, `--labels`), the null
//! hypothesis `fit` tests against (`--expected`, or a fair die), and the
//! null and alternative that `plan` plans for (`--face`, `--face-prob`).
//!
//! A [`Die`] that exists is valid: 1 ≤ K ≤ [`MAX_FACE`], and its
//! probabilities are finite, non-negative and sum to 1 (up to rounding).
//! Constructors return a message that names the flag at fault.
//!
//! ```text
//! fair:    p_k = 1/K
//! loaded:  p_k = w_k / Σ_j w_j,   w_k ≥ 0 finite, Σ_j w_j > 0
//! ```

use crate::error::UsageError;

/// The largest integer face, and the most faces or distinct labels, a die
/// may have: one stray huge number must not make K (and the memory for the
/// counts) explode. Reading refuses faces above it.
pub const MAX_FACE: u64 = 1_000_000;

/// A die: K faces and their probabilities.
#[derive(Debug, Clone, PartialEq)]
pub enum Die {
    /// K equally likely faces.
    Fair(u64),
    /// Normalised face probabilities (K = their number), from weights.
    Loaded(Vec<f64>),
}

impl Die {
    /// A die from comma-separated weights `w1,...,wK` (as `--probs` and
    /// `--expected` take them): finite, non-negative, not all zero, at most
    /// [`MAX_FACE`] of them; normalised to probabilities.
    pub fn parse_weights(text: &str) -> Result<Die, String> {
        let raw: Vec<f64> = text
            .split(',')
            .enumerate()
            .map(|(i, w)| {
                let w = w.trim();
                match w.parse::<f64>() {
                    Ok(x) if x.is_finite() && x >= 0.0 => Ok(x),
                    _ => Err(format!(
                        "weight {} ({w:?}) is not a finite non-negative number",
                        i + 1
                    )),
                }
            })
            .collect::<Result<_, _>>()?;
        if raw.len() as u64 > MAX_FACE {
            return Err(format!("at most {MAX_FACE} weights are allowed"));
        }
        let total: f64 = raw.iter().sum();
        if total <= 0.0 {
            return Err("the weights are all zero".into());
        }
        if !total.is_finite() {
            return Err("the weights' sum overflows; scale them down".into());
        }
        Ok(Die::Loaded(raw.iter().map(|w| w / total).collect()))
    }

    /// The die `simulate` rolls, reconciling `--faces`, `--probs` (already
    /// a [`Die`]) and the number of `--labels`: K defaults to the number of
    /// weights or labels, or 6; any two that disagree are a usage error.
    pub fn from_flags(
        faces: Option<u64>,
        probs: Option<&Die>,
        labels: Option<usize>,
    ) -> Result<Die, UsageError> {
        let labels = labels.map(|n| n as u64);
        let weights = probs.map(Die::faces);
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
            Some(die) => Ok(die.clone()),
            None => Ok(Die::Fair(faces.or(labels).unwrap_or(6))),
        }
    }

    /// The null hypothesis of `fit` for a die of `k` faces: `expected`
    /// (`--expected`) when given, which must have `k` faces, else fair.
    pub fn null(expected: Option<&Die>, k: usize) -> Result<Die, UsageError> {
        match expected {
            None => Ok(Die::Fair(k as u64)),
            Some(die) if die.faces() == k as u64 => Ok(die.clone()),
            Some(die) => Err(UsageError(format!(
                "--expected gives {} probabilities but the die has {k} faces",
                die.faces()
            ))),
        }
    }

    /// A dK whose face `face` (1-based) comes up with probability `prob`
    /// and whose other faces share 1 − `prob` equally (`plan --faces K
    /// --face F --face-prob P`):
    ///
    /// ```text
    /// p_F = P,   p_k = (1 − P)/(K − 1) for k ≠ F
    /// ```
    ///
    /// Errors name the flag: K = 1 (one face cannot be biased), F outside
    /// 1..K, P outside (0, 1).
    pub fn with_face(faces: u64, face: u64, prob: f64) -> Result<Die, UsageError> {
        if faces < 2 {
            return Err(UsageError(format!(
                "--face needs a die of at least 2 faces, but --faces is {faces}"
            )));
        }
        if !(1..=faces).contains(&face) {
            return Err(UsageError(format!(
                "--face {face} is not a face of a d{faces} (1..{faces})"
            )));
        }
        if !(prob > 0.0 && prob < 1.0) {
            return Err(UsageError(format!(
                "--face-prob {prob} is not strictly between 0 and 1"
            )));
        }
        let others = (1.0 - prob) / (faces - 1) as f64;
        let mut p = vec![others; faces as usize];
        p[face as usize - 1] = prob;
        Ok(Die::Loaded(p))
    }

    /// Number of faces K.
    pub fn faces(&self) -> u64 {
        match self {
            Die::Fair(k) => *k,
            Die::Loaded(p) => p.len() as u64,
        }
    }

    /// Face probabilities p_1..p_K.
    pub fn probabilities(&self) -> Vec<f64> {
        match self {
            Die::Fair(k) => vec![1.0 / *k as f64; *k as usize],
            Die::Loaded(p) => p.clone(),
        }
    }
}

/// True when every face of `probabilities` has exactly the same
/// probability: the null is a fair die (however it was given; `--expected`
/// weights that are all equal normalise to exactly equal probabilities).
/// The table and the charts then call it "a fair die".
pub fn is_fair(probabilities: &[f64]) -> bool {
    probabilities.windows(2).all(|w| w[0] == w[1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faces_default_to_weights_or_six() {
        let two = Die::Loaded(vec![0.5, 0.5]);
        assert_eq!(Die::from_flags(None, None, None).unwrap(), Die::Fair(6));
        assert_eq!(Die::from_flags(Some(20), None, None).unwrap().faces(), 20);
        assert_eq!(Die::from_flags(None, Some(&two), None).unwrap().faces(), 2);
        assert_eq!(Die::from_flags(None, None, Some(3)).unwrap(), Die::Fair(3));
        assert!(Die::from_flags(Some(3), Some(&two), None).is_err());
        assert!(Die::from_flags(None, Some(&two), Some(3)).is_err());
        assert!(Die::from_flags(Some(2), None, Some(3)).is_err());
    }

    #[test]
    fn weights_are_normalised_and_checked() {
        assert_eq!(
            Die::parse_weights("1, 3").unwrap(),
            Die::Loaded(vec![0.25, 0.75])
        );
        for bad in [
            "",
            "1,,2",
            "1,x",
            "1,-1",
            "0,0",
            "inf,1",
            "nan",
            "1e308,1e308",
        ] {
            assert!(Die::parse_weights(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_null_has_the_die_s_faces() {
        assert_eq!(Die::null(None, 4).unwrap().probabilities(), vec![0.25; 4]);
        let loaded = Die::Loaded(vec![0.5, 0.25, 0.25]);
        assert_eq!(Die::null(Some(&loaded), 3).unwrap(), loaded);
        assert!(Die::null(Some(&loaded), 4).is_err());
    }

    #[test]
    fn one_face_off_shares_the_rest_equally() {
        let die = Die::with_face(6, 6, 0.25).unwrap().probabilities();
        assert_eq!(die, vec![0.15, 0.15, 0.15, 0.15, 0.15, 0.25]);
        let coin = Die::with_face(2, 1, 0.6).unwrap().probabilities();
        assert_eq!(coin, vec![0.6, 0.4]);
        assert!(Die::with_face(1, 1, 0.5).is_err());
        assert!(Die::with_face(6, 0, 0.5).is_err());
        assert!(Die::with_face(6, 7, 0.5).is_err());
        for bad in [0.0, 1.0, -0.1, 1.5, f64::NAN] {
            assert!(Die::with_face(6, 1, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn fair_means_exactly_equal() {
        assert!(is_fair(&[0.25; 4]));
        assert!(is_fair(&[1.0]));
        assert!(!is_fair(&[0.5, 0.5 + f64::EPSILON]));
        assert!(!is_fair(&[0.5, 0.25, 0.25]));
        assert!(!is_fair(&[0.25, 0.25 + 1e-15, 0.25, 0.25 - 1e-15]));
    }
}
