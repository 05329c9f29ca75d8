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

/// A fraction as a percentage rounded to 6 decimals, in shortest form:
/// 0.95 → "95", 0.9999999 → "99.99999". The charts' legends use it; the
/// table's [`percent`] keeps 3 decimals.
pub fn percent_rounded(x: f64) -> String {
    let level = (x * 100.0 * 1e6).round() / 1e6;
    format!("{level}")
}

/// A statistic or a level: shortest of 2 decimals, an integer.
pub fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else if x.abs() >= 1e6 {
        format!("{x:.3e}")
    } else {
        format!("{x:.2}")
    }
}

/// A whole number with thousands separators: 1234567 → "1,234,567".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A power (a probability) as a percentage with one decimal, or as many
/// more as it takes not to round to 0 or 100: 0.8012 → "80.1",
/// 0.9999996 → "99.99996", 1 → "100".
pub fn power_percent(x: f64) -> String {
    if x >= 1.0 {
        return "100".into();
    }
    if x <= 0.0 {
        return "0".into();
    }
    let pct = x * 100.0;
    for decimals in 1..=12 {
        let text = format!("{pct:.decimals$}");
        let rounded: f64 = text.parse().unwrap_or(pct);
        if rounded > 0.0 && rounded < 100.0 {
            return text;
        }
    }
    format!("{pct:.1e}")
}

/// 10^e as an axis label: "0.01" to "100", else "1e-10".
pub fn exp10(e: i32) -> String {
    match e {
        -2 => "0.01".into(),
        -1 => "0.1".into(),
        0 => "1".into(),
        1 => "10".into(),
        2 => "100".into(),
        _ => format!("1e{e}"),
    }
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

    /// A test result with this p-value and log.
    fn test(p_value: f64, log10_p_value: f64) -> TestResult {
        TestResult {
            statistic: 1.0,
            df: 5,
            p_value,
            log10_p_value,
        }
    }

    #[test]
    fn p_values_read_alike_in_the_table_and_the_charts() {
        assert_eq!(p_value(&test(0.41234, -0.38)), "0.4123");
        assert_eq!(p_value(&test(1.5634e-144, -143.806)), "1.56e-144");
        assert_eq!(p_value(&test(0.0, -1234.5)), "1e-1234.5");
        assert_eq!(p_value(&test(1e-310, -310.0)), "1.00e-310");
        assert_eq!(plain_p(0.0), "0.00e0");
        assert_eq!(short_p(0.0123), "0.012");
        assert_eq!(exp10(-1), "0.1");
        assert_eq!(exp10(-20), "1e-20");
        assert_eq!(number(3.0), "3");
        assert_eq!(number(679.18), "679.18");
        assert_eq!(percent_rounded(0.95), "95");
        assert_eq!(percent_rounded(0.9999999), "99.99999");
    }

    #[test]
    fn counts_and_powers_for_people() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1234), "1,234");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(u64::MAX), "18,446,744,073,709,551,615");
        assert_eq!(power_percent(0.8012), "80.1");
        assert_eq!(power_percent(0.9999996), "99.99996");
        assert_eq!(power_percent(1.0), "100");
        assert_eq!(power_percent(0.0004), "0.04");
    }
}
