//! What the statistics modules' unit tests share.

/// |got − want| / |want|.
pub fn rel(got: f64, want: f64) -> f64 {
    ((got - want) / want).abs()
}

/// One section (`"quantiles"` or `"tails"`) of tests/golden/beta_large.json,
/// made by `python3 tests/golden/beta_large.py` (mpmath at 40 digits).
pub fn beta_large(section: &str) -> Vec<serde_json::Value> {
    let doc: serde_json::Value =
        serde_json::from_str(include_str!("../../tests/golden/beta_large.json"))
            .expect("tests/golden/beta_large.json is valid JSON");
    doc[section]
        .as_array()
        .unwrap_or_else(|| panic!("beta_large.json has no section {section}"))
        .clone()
}

/// One section (`"quantiles"` or `"fair_d6_prior_1e200"`) of
/// tests/golden/beta_huge.json, made by `python3 tests/golden/beta_huge.py`
/// (mpmath at up to 358 digits, or the normal limit where it is exact).
pub fn beta_huge(section: &str) -> serde_json::Value {
    let doc: serde_json::Value =
        serde_json::from_str(include_str!("../../tests/golden/beta_huge.json"))
            .expect("tests/golden/beta_huge.json is valid JSON");
    doc[section].clone()
}
