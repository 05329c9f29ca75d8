//! Information measures of the observed face frequencies: entropy,
//! perplexity and the Kullback–Leibler divergence from the null.

use super::gof::{cells, phi};

/// Information summary of the observed frequencies p̂_k = n_k/N.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Information {
    /// Shannon entropy H(p̂) in nats.
    pub entropy_nats: f64,
    /// Shannon entropy H(p̂) in bits.
    pub entropy_bits: f64,
    /// Perplexity e^{H}: the number of equally likely faces with the same
    /// entropy.
    pub perplexity: f64,
    /// KL(p̂ ‖ p0) in nats (0 when p̂ = p0).
    pub kl_vs_null: f64,
}

/// Entropy, perplexity and KL divergence of the observed frequencies.
///
/// ```text
/// H = −Σ_{p̂_k>0} p̂_k ln p̂_k,   bits = H / ln 2,   perplexity = e^H
/// KL(p̂‖p0) = Σ_{p̂_k>0} p̂_k ln(p̂_k/p0_k) = Σ_k p0_k φ(p̂_k/p0_k),  φ(r) = r ln r − r + 1
/// ```
/// (Cover & Thomas, Elements of Information Theory, §2.1, §2.3.) The second
/// form of KL (equal to the first when Σ p0 = 1) has non-negative terms,
/// evaluated from the exact deviations n_k − N p0_k, so KL is ≥ 0 and keeps
/// its relative accuracy when p̂ ≈ p0; it equals G/(2N). N = 0 gives
/// H = 0, perplexity 1, KL = 0. A positive count on a face with p0 = 0
/// makes KL infinite, reported as `f64::MAX`.
pub fn information(counts: &[u64], null: &[f64]) -> Information {
    let total: u128 = counts.iter().map(|&c| u128::from(c)).sum();
    if total == 0 {
        return Information {
            entropy_nats: 0.0,
            entropy_bits: 0.0,
            perplexity: 1.0,
            kl_vs_null: 0.0,
        };
    }
    let nf = total as f64;
    let entropy_nats: f64 = counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / nf;
            // ln p from the complement when p is near 1, where p itself
            // has rounded to 1.
            let ln_p = if 2 * u128::from(c) > total {
                (-((total - u128::from(c)) as f64 / nf)).ln_1p()
            } else {
                p.ln()
            };
            -p * ln_p
        })
        .sum();
    let entropy_nats = if entropy_nats > 0.0 {
        entropy_nats
    } else {
        0.0
    };
    let cells = cells(counts, null);
    let kl_vs_null = if cells.iter().any(|c| c.expected <= 0.0 && c.observed > 0.0) {
        f64::MAX
    } else {
        cells
            .iter()
            .filter(|c| c.expected > 0.0)
            .map(|c| c.null * phi(c))
            .sum()
    };
    Information {
        entropy_nats,
        entropy_bits: entropy_nats / std::f64::consts::LN_2,
        perplexity: entropy_nats.exp(),
        kl_vs_null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::stats::testing::rel;

    #[test]
    fn closed_forms() {
        // p̂ = (½, ¼, ¼): H = 1.5 ln 2 nats = 1.5 bits; KL against uniform =
        // ln 3 − 1.5 ln 2 (SciPy entropy gives 1.0397207708399179 and
        // 0.05889151782819172). Tolerance 1e-15 relative.
        let info = information(&[2, 1, 1], &[1.0 / 3.0; 3]);
        assert!(rel(info.entropy_nats, 1.5 * std::f64::consts::LN_2) < 1e-15);
        assert!(rel(info.entropy_bits, 1.5) < 1e-15);
        assert!(rel(info.perplexity, 2f64.powf(1.5)) < 1e-15);
        assert!(rel(info.kl_vs_null, 3f64.ln() - 1.5 * std::f64::consts::LN_2) < 1e-14);
    }

    #[test]
    fn uniform_counts_and_one_face() {
        // Uniform counts: H = ln K, perplexity K, KL 0 (up to the rounding of 1/6).
        let info = information(&[10; 6], &[1.0 / 6.0; 6]);
        assert!(rel(info.perplexity, 6.0) < 1e-15);
        assert!(info.kl_vs_null.abs() < 1e-15);
        // All rolls on one face: H = 0 exactly (not −0), KL = ln 6.
        let info = information(&[0, 0, 7, 0, 0, 0], &[1.0 / 6.0; 6]);
        assert_eq!(info.entropy_nats.to_bits(), 0f64.to_bits());
        assert!(rel(info.kl_vs_null, 6f64.ln()) < 1e-15);
        // N = 0.
        assert_eq!(information(&[0, 0], &[0.5, 0.5]).perplexity, 1.0);
    }

    #[test]
    fn accurate_for_huge_counts() {
        // [3, 1e18 − 3]: H = −p ln p − (1−p) ln(1−p) with p = 3e-18, i.e.
        // 1.2404375815567414e-16 (mpmath at 40 digits);
        // tolerance 1e-14 relative.
        let info = information(&[3, 999_999_999_999_999_997], &[0.5, 0.5]);
        assert!(
            rel(info.entropy_nats, 1.2404375815567414e-16) < 1e-14,
            "{info:?}"
        );
        // Near-perfect fit at N = 2e15: KL = G/(2N) ≈ X²/(2N) = 2e-30; 1e-12.
        let info = information(&[1_000_000_000_000_002, 999_999_999_999_998], &[0.5, 0.5]);
        assert!(rel(info.kl_vs_null, 2e-30) < 1e-12, "{info:?}");
    }
}
