//! Reading a design file (`fit --design FILE`): a CSV with a header whose
//! `face` column names each row's face and whose other columns are the
//! parameters, one number per face. Lines starting with `#` and blank lines
//! are skipped; fields are split on commas and trimmed (no quoting: names
//! and labels of a design need none). Every error names `file:line`.

use std::io::Read;

use anyhow::{bail, Context, Result};

use crate::dataset::Design;
use crate::io::Input;

/// Reads a design from `input`.
pub fn read_design(mut input: Input) -> Result<Design> {
    let file = input.name.clone();
    let mut text = String::new();
    input
        .reader
        .read_to_string(&mut text)
        .with_context(|| format!("{file}: cannot read the design (is it UTF-8 text?)"))?;
    parse_design(&text, &file)
}

/// Parses a design's text; `file` names it in errors.
pub fn parse_design(text: &str, file: &str) -> Result<Design> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'));
    let Some((_, header)) = lines.next() else {
        bail!("{file}: the design is empty: it needs a header `face,<parameter>,...` and one row per face");
    };
    let fields: Vec<String> = header.split(',').map(|f| f.trim().to_string()).collect();
    let Some(face_at) = fields.iter().position(|f| f == "face") else {
        bail!(
            "{file}: the design's header has no `face` column (it has {})",
            fields.join(", ")
        );
    };
    let names: Vec<String> = fields
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != face_at)
        .map(|(_, f)| f.clone())
        .collect();
    if names.is_empty() {
        bail!("{file}: the design has no parameter columns besides `face`");
    }
    if names.iter().any(String::is_empty) {
        bail!("{file}: a column of the design's header has no name");
    }
    for (i, name) in names.iter().enumerate() {
        if names[..i].contains(name) {
            bail!("{file}: the design names column {name} twice");
        }
    }
    let (mut faces, mut rows) = (Vec::new(), Vec::new());
    for (line, text) in lines {
        let cells: Vec<&str> = text.split(',').map(str::trim).collect();
        if cells.len() != fields.len() {
            bail!(
                "{file}:{line}: {} fields, but the header has {}",
                cells.len(),
                fields.len()
            );
        }
        let face = cells[face_at].to_string();
        if faces.contains(&face) {
            bail!("{file}:{line}: face {face} appears twice in the design");
        }
        let mut row = Vec::with_capacity(names.len());
        for (i, cell) in cells.iter().enumerate().filter(|&(i, _)| i != face_at) {
            match cell.parse::<f64>() {
                Ok(v) if v.is_finite() => row.push(v),
                _ => bail!(
                    "{file}:{line}: column {}: {cell:?} is not a finite number",
                    fields[i]
                ),
            }
        }
        faces.push(face);
        rows.push(row);
    }
    if faces.is_empty() {
        bail!("{file}: the design has a header but no rows");
    }
    Ok(Design {
        file: file.to_string(),
        names,
        faces,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_design_with_the_face_column_anywhere() {
        let d = parse_design("# d2\nx,face\n1,a\r\n-1,b\n", "d.csv").unwrap();
        assert_eq!(d.names, vec!["x"]);
        assert_eq!(d.faces, vec!["a", "b"]);
        assert_eq!(d.rows, vec![vec![1.0], vec![-1.0]]);
    }

    #[test]
    fn errors_name_the_file_and_line() {
        for (text, want) in [
            ("", "d.csv: the design is empty"),
            ("x,y\n1,2\n", "no `face` column"),
            ("face\n1\n", "no parameter columns"),
            ("face,x\n1,2,3\n", "d.csv:2: 3 fields, but the header has 2"),
            (
                "face,x\n1,abc\n",
                "d.csv:2: column x: \"abc\" is not a finite number",
            ),
            ("face,x\n1,inf\n", "is not a finite number"),
            ("face,x\n1,1\n1,2\n", "d.csv:3: face 1 appears twice"),
            ("face,x,x\n1,1,1\n", "names column x twice"),
            ("face,x\n", "header but no rows"),
        ] {
            let e = parse_design(text, "d.csv").unwrap_err().to_string();
            assert!(e.contains(want), "{text:?}: {e}");
        }
    }
}
