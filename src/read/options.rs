//! How to read the inputs: [`ReadOptions`], built from the command line (or
//! by a test), and its [`Dialect`], the one place a new option of the CSV
//! dialect goes.

use crate::error::UsageError;

/// Which column holds something: by header name or 1-based index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnSpec {
    /// The column whose header is this name.
    Name(String),
    /// The column at this 1-based position.
    Index(usize),
}

impl std::str::FromStr for ColumnSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        if s.is_empty() {
            return Err("a column name or a 1-based index is required".into());
        }
        match s.parse::<usize>() {
            Ok(0) => Err("column indices start at 1".into()),
            Ok(i) => Ok(ColumnSpec::Index(i)),
            Err(_) => Ok(ColumnSpec::Name(s.to_string())),
        }
    }
}

/// How the bytes of an input are split into rows and fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialect {
    /// Field delimiter byte.
    pub delimiter: u8,
    /// No input has a header row.
    pub no_header: bool,
}

impl Default for Dialect {
    fn default() -> Self {
        Dialect {
            delimiter: b',',
            no_header: false,
        }
    }
}

/// Declared labels that stand for something else than `--labels`: a field
/// outside them is `file:line: "<field>" is not <description>`, counted
/// under `key` by `--skip-invalid`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelSet {
    /// The reason's key in `skipped.reasons` (e.g. "impossible total").
    pub key: &'static str,
    /// What the labels are, after "is not" (e.g. "a total 2 dice with
    /// faces 1..6 can make").
    pub description: String,
}

/// What an input holds: CSV (or another delimiter) or JSON lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// Delimited rows (the [`Dialect`]).
    Csv,
    /// One JSON object per line; `--column`/`--by` name its fields.
    Jsonl,
}

impl InputFormat {
    /// The format of the input named `name`: `given` when there is one
    /// (`--input-format`), else JSON lines for a `.jsonl` or `.ndjson`
    /// name (also under `.gz` or `.zst`), else CSV.
    pub fn of(name: &str, given: Option<InputFormat>) -> InputFormat {
        if let Some(format) = given {
            return format;
        }
        let lower = name.to_ascii_lowercase();
        let plain = [".gz", ".zst"]
            .iter()
            .find_map(|z| lower.strip_suffix(z))
            .unwrap_or(&lower);
        if plain.ends_with(".jsonl") || plain.ends_with(".ndjson") {
            InputFormat::Jsonl
        } else {
            InputFormat::Csv
        }
    }
}

/// How to read the inputs; built from the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// How rows and fields are split.
    pub dialect: Dialect,
    /// `--input-format`: what every input holds (default: by its name,
    /// [`InputFormat::of`]).
    pub format: Option<InputFormat>,
    /// Inputs are `face,count` tables rather than roll logs.
    pub counts: bool,
    /// The face column (`--column`).
    pub column: Option<ColumnSpec>,
    /// The group column (`--by`).
    pub by: Option<ColumnSpec>,
    /// `--faces K`: integer faces 1..K.
    pub faces: Option<u64>,
    /// `--labels A,B,..`: labelled faces, in this order.
    pub labels: Option<Vec<String>>,
    /// What the declared `labels` stand for, when they do not come from
    /// `--labels` (the totals of `fit --sum-of`): the error for a field
    /// outside them names this set, not the flag.
    pub label_set: Option<LabelSet>,
    /// Count and report invalid rows instead of stopping.
    pub skip_invalid: bool,
    /// Keep every group's rolls in order ([`crate::dataset::Group::rolls`]),
    /// for the sequential test. The rolls are read by the general path (the
    /// fast scanners keep counts only).
    pub keep_rolls: bool,
    /// A test hook: never take the fast path, so that tests can check that
    /// both paths give the same answers.
    #[doc(hidden)]
    pub general_only: bool,
}

impl ReadOptions {
    /// A usage error when `--column` and `--by` name the same column in the
    /// same way (a name in any case, or an index), before any input is
    /// read; a name and an index of the same column are caught once the
    /// header is known.
    pub fn check_columns(&self) -> Result<(), UsageError> {
        let same = match (&self.column, &self.by) {
            (Some(ColumnSpec::Name(a)), Some(ColumnSpec::Name(b))) => a.eq_ignore_ascii_case(b),
            (Some(a), Some(b)) => a == b,
            _ => false,
        };
        match same {
            true => Err(UsageError(
                "--by and --column name the same column: the groups must be another column than the faces".into(),
            )),
            false => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_are_known_by_their_names_or_the_flag() {
        let of = |name| InputFormat::of(name, None);
        for name in ["a.jsonl", "b.NDJSON", "c.jsonl.gz", "d.ndjson.zst"] {
            assert_eq!(of(name), InputFormat::Jsonl, "{name}");
        }
        for name in ["a.csv", "b.csv.gz", "<stdin>", "jsonl", "e.jsonl.txt"] {
            assert_eq!(of(name), InputFormat::Csv, "{name}");
        }
        let given = Some(InputFormat::Jsonl);
        assert_eq!(InputFormat::of("<stdin>", given), InputFormat::Jsonl);
        let given = Some(InputFormat::Csv);
        assert_eq!(InputFormat::of("a.jsonl", given), InputFormat::Csv);
    }
}
