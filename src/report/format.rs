//! Numbers for people, one formatter for the table and the charts: p-values,
//! small quantities, probabilities, percentages, expected counts, statistics
//! and axis labels, and the one rule that calls a null "a fair die". CSV and
//! JSON do not come here: they keep full precision.

use crate::stats::TestResult;

/// A small non-negative quantity for people: 2 significant digits, 0 as "0".
pub fn small(x: f64) -> String {
    if x == 0.0 {
        "0".to_string()
    } else {
        format!("{x:.1e}")
    }
}

/// A probability for people: 6 decimals, or 3 significant digits in
/// scientific notation below 1e-4.
pub fn prob(x: f64) -> String {
    if x == 0.0 || x >= 1e-4 {
        format!("{x:.6}")
    } else {
        format!("{x:.2e}")
    }
}

/// An expected count for people: whole numbers stay whole.
pub fn expected(x: f64) -> String {
    if x >= 1e7 {
        format!("{x:.4e}")
    } else if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

/// A p-value for people: 4 decimals, or 3 significant digits below 1e-3;
/// once it underflows, from its log.
pub fn p_value(test: &TestResult) -> String {
    if test.p_value > 0.0 {
        plain_p(test.p_value)
    } else {
        format!("1e{:.1}", test.log10_p_value)
    }
}

pub fn plain_p(p: f64) -> String {
    if p >= 1e-3 {
        format!("{p:.4}")
    } else {
        format!("{p:.2e}")
    }
}

pub fn short_p(p: f64) -> String {
    if p >= 1e-3 {
        format!("{p:.3}")
    } else {
        format!("{p:.1e}")
    }
}

/// A fraction as a percentage without float noise: 0.95 → "95".
pub fn percent(x: f64) -> String {
    let text = format!("{:.3}", x * 100.0);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// True when the null gives every face the same probability, exactly: the
/// table and the charts then call it "a fair die". `--expected` weights that
/// are all equal normalise to exactly equal probabilities.
pub fn is_fair(null: &[f64]) -> bool {
    null.windows(2).all(|w| w[0] == w[1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_drop_float_noise() {
        assert_eq!(percent(0.95), "95");
        assert_eq!(percent(1.0 - 0.95), "5");
        assert_eq!(percent(0.999), "99.9");
    }

    #[test]
    fn probabilities_for_people() {
        assert_eq!(prob(0.5), "0.500000");
        assert_eq!(prob(0.0), "0.000000");
        assert_eq!(prob(1.5e-15), "1.50e-15");
    }
}
