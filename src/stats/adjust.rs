//! Multiple-testing corrections of a family of p-values.

/// How a family of p-values is adjusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Adjust {
    /// Holm's step-down method (controls the family-wise error rate, and is
    /// uniformly more powerful than Bonferroni).
    #[default]
    Holm,
    /// Bonferroni: min(1, m·p).
    Bonferroni,
    /// No correction.
    None,
}

/// Serialised (JSON) as its name, as the command line spells it.
impl serde::Serialize for Adjust {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl std::fmt::Display for Adjust {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Adjust {
    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Adjust::Holm => "holm",
            Adjust::Bonferroni => "bonferroni",
            Adjust::None => "none",
        }
    }
}

/// Adjusted p-values, in the input order (as R's `p.adjust`).
///
/// ```text
/// bonferroni: p̃_i = min(1, m p_i)
/// holm:       sort p ascending as p_(1) ≤ … ≤ p_(m);
///             p̃_(j) = min(1, max_{i ≤ j} (m − i + 1) p_(i))
/// ```
///
/// Holm, S. (1979). A simple sequentially rejective multiple test
/// procedure. Scandinavian Journal of Statistics 6(2), 65–70.
pub fn adjust(p: &[f64], method: Adjust) -> Vec<f64> {
    let m = p.len() as f64;
    match method {
        Adjust::None => p.to_vec(),
        Adjust::Bonferroni => p.iter().map(|&x| (m * x).min(1.0)).collect(),
        Adjust::Holm => {
            let mut order: Vec<usize> = (0..p.len()).collect();
            order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
            let mut out = vec![0.0; p.len()];
            let mut running = 0.0f64;
            for (rank, &i) in order.iter().enumerate() {
                running = running.max((m - rank as f64) * p[i]).min(1.0);
                out[i] = running;
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference: R 4.2.2, `p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm")`
    /// = 0.030 0.060 0.060 0.020 and `"bonferroni"` = 0.04 0.16 0.12 0.02.
    #[test]
    fn matches_r_p_adjust() {
        let p = [0.01, 0.04, 0.03, 0.005];
        let holm = adjust(&p, Adjust::Holm);
        for (got, want) in holm.iter().zip([0.03, 0.06, 0.06, 0.02]) {
            assert!((got - want).abs() < 1e-15, "{holm:?}");
        }
        let bonf = adjust(&p, Adjust::Bonferroni);
        for (got, want) in bonf.iter().zip([0.04, 0.16, 0.12, 0.02]) {
            assert!((got - want).abs() < 1e-15, "{bonf:?}");
        }
        assert_eq!(adjust(&[0.5, 0.9], Adjust::Bonferroni), vec![1.0, 1.0]);
        assert_eq!(adjust(&p, Adjust::None), p.to_vec());
    }
}
