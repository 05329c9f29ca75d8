//! Information measures: the one Shannon entropy and the one
//! Kullback–Leibler divergence of the crate, and the information summary of
//! the observed face frequencies (entropy, perplexity, KL from the null).
//!
//! [`entropy_of`] and [`kl_of`] are the sums; each caller hands them the
//! per-face terms it can compute most exactly from its own data, and the
//! sums are taken in one fixed order, so every caller keeps its numerics to
//! the last bit:
//! - [`information`] works from counts: ln p̂ from the complement where p̂ is
//!   near 1, and φ from the exact deviations n_k − N p0_k (gof's `phi`);
//! - [`entropy`] and [`kl_divergence`] work from probability vectors (the
//!   fit summary and the `--trace` rows).

use super::gof::{cells, phi};

/// Shannon entropy in nats from each face's (p_k, ln p_k), over the faces
/// with p_k > 0.
///
/// ```text
/// H = −Σ_k p_k ln p_k
/// ```
/// (Cover & Thomas, Elements of Information Theory, §2.1.) The terms are
/// folded in order from +0 by subtraction, so a certain outcome (p = 1,
/// ln p = 0) gives +0, not −0.
pub fn entropy_of(faces: impl IntoIterator<Item = (f64, f64)>) -> f64 {
    faces.into_iter().fold(0.0, |h, (p, ln_p)| h - p * ln_p)
}

/// Kullback–Leibler divergence in nats from each face's (q_k, φ(p_k/q_k)),
/// over the faces with q_k > 0.
///
/// ```text
/// KL(p‖q) = Σ_k p_k ln(p_k/q_k) = Σ_k q_k φ(p_k/q_k),   φ(r) = r ln r − r + 1 ≥ 0
/// ```
/// (Cover & Thomas, §2.3.) The second form equals the first when p and q
/// both sum to 1 and adds non-negative terms, so KL keeps its relative
/// accuracy when p ≈ q; φ(0) = 1, so a face with p_k = 0 adds q_k. A face
/// with q_k = 0 and p_k > 0 makes KL infinite: the caller checks for it and
/// leaves the faces with q_k = 0 out.
pub fn kl_of(faces: impl IntoIterator<Item = (f64, f64)>) -> f64 {
    faces.into_iter().map(|(q, phi)| q * phi).sum()
}

/// Shannon entropy H(p) = −Σ_{p_k > 0} p_k ln p_k of a probability vector,
/// in nats (see [`entropy_of`]).
pub fn entropy(p: &[f64]) -> f64 {
    entropy_of(p.iter().filter(|&&pk| pk > 0.0).map(|&pk| (pk, pk.ln())))
}

/// KL(p‖q) in nats between probability vectors, accurate when q ≈ p (see
/// [`kl_of`]).
///
/// Each term's φ is (1+ε)·ln(1+ε) − ε (cut at 0) with ε = (p_k − q_k)/q_k,
/// so a fit that agrees to 1e-11 reports a KL near 1e-22 instead of
/// rounding noise. Faces with p_k = 0 contribute q_k. If some q_k = 0 where
/// p_k > 0 the divergence is infinite; callers never pass that.
pub fn kl_divergence(p: &[f64], q: &[f64]) -> f64 {
    if p.iter().zip(q).any(|(&pk, &qk)| pk != 0.0 && qk == 0.0) {
        return f64::INFINITY;
    }
    kl_of(p.iter().zip(q).map(|(&pk, &qk)| {
        if pk == 0.0 {
            (qk, 1.0)
        } else {
            let eps = (pk - qk) / qk;
            (qk, ((1.0 + eps) * eps.ln_1p() - eps).max(0.0))
        }
    }))
}

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
    let entropy_nats = entropy_of(counts.iter().filter(|&&c| c > 0).map(|&c| {
        let p = c as f64 / nf;
        // ln p from the complement when p is near 1, where p itself
        // has rounded to 1.
        let ln_p = if 2 * u128::from(c) > total {
            (-((total - u128::from(c)) as f64 / nf)).ln_1p()
        } else {
            p.ln()
        };
        (p, ln_p)
    }));
    let cells = cells(counts, null);
    let kl_vs_null = if cells.iter().any(|c| c.expected <= 0.0 && c.observed > 0.0) {
        f64::MAX
    } else {
        kl_of(
            cells
                .iter()
                .filter(|c| c.expected > 0.0)
                .map(|c| (c.null, phi(c))),
        )
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
    fn entropy_and_kl_closed_forms() {
        // H(uniform over 4) = ln 4; tolerance 1e-15.
        assert!((entropy(&[0.25; 4]) - 4f64.ln()).abs() < 1e-15);
        // KL([1/2,1/2] ‖ [1/4,3/4]) = ½ ln 2 + ½ ln(2/3).
        let want = 0.5 * 2f64.ln() + 0.5 * (2.0f64 / 3.0).ln();
        assert!((kl_divergence(&[0.5, 0.5], &[0.25, 0.75]) - want).abs() < 1e-15);
        // Nearly equal distributions: KL ≈ Σ (p−q)²/(2q) = 2·(1e-10)²/(2·0.5) = 2e-20.
        let kl = kl_divergence(&[0.5 + 1e-10, 0.5 - 1e-10], &[0.5, 0.5]);
        assert!((kl - 2e-20).abs() < 1e-24, "{kl}");
    }

    #[test]
    fn both_callers_reach_the_one_entropy_and_kl() {
        // The counts' summary and the probability-vector forms (fit summary,
        // trace) on the same frequencies p̂ = n/N against a fair d6.
        let counts = [5, 3, 0, 2, 6, 4];
        let null = [1.0 / 6.0; 6];
        let p_hat: Vec<f64> = counts.iter().map(|&c| c as f64 / 20.0).collect();
        let info = information(&counts, &null);
        // Entropy: no p̂ is above ½, so both hand entropy_of the same
        // (p, ln p) pairs and agree to the bit.
        assert_eq!(info.entropy_nats.to_bits(), entropy(&p_hat).to_bits());
        // KL: the counts' terms (φ from the exact deviations) through kl_of
        // are the summary's value to the bit; the vector form's terms (φ
        // from ε = (p − q)/q) give the same KL to rounding: 1e-14 relative.
        let cells = cells(&counts, &null);
        let from_counts = kl_of(cells.iter().map(|c| (c.null, phi(c))));
        assert_eq!(from_counts.to_bits(), info.kl_vs_null.to_bits());
        let from_vector = kl_divergence(&p_hat, &null);
        assert!(
            rel(from_vector, from_counts) < 1e-14,
            "{from_vector} vs {from_counts}"
        );
        // A face with q = 0 and p > 0: infinite KL.
        assert_eq!(kl_divergence(&[0.5, 0.5], &[1.0, 0.0]), f64::INFINITY);
    }

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
