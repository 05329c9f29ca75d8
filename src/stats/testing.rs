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
