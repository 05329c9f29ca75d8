//! CSV for pipelines: the fit's rows (`--format csv`), the optimiser's
//! trace (`--trace`), the `face,count` tables of `count`, and the roll logs
//! and count tables of `simulate`. Floats go out in shortest round-trip
//! form.

use std::io::Write;

use crate::analysis::{DieReport, Report};
use crate::dataset::Dataset;

/// CSV: `face,count,p,q,abs_diff` (with `--by`, a leading `group`), floats
/// in shortest round-trip form.
pub fn write(out: &mut dyn Write, report: &Report) -> std::io::Result<()> {
    match report {
        Report::Single(single) => {
            writeln!(out, "face,count,p,q,abs_diff")?;
            write_csv_rows(out, None, &single.die)
        }
        Report::Grouped(grouped) => {
            writeln!(out, "group,face,count,p,q,abs_diff")?;
            grouped
                .groups
                .iter()
                .try_for_each(|g| write_csv_rows(out, Some(&g.group), &g.die))
        }
    }
}

fn write_csv_rows(
    out: &mut dyn Write,
    group: Option<&str>,
    die: &DieReport,
) -> std::io::Result<()> {
    for row in &die.faces {
        if let Some(g) = group {
            write!(out, "{},", csv_field(g))?;
        }
        writeln!(
            out,
            "{},{},{:?},{:?},{:?}",
            csv_field(&row.face),
            row.count,
            row.p,
            row.q,
            row.abs_diff
        )?;
    }
    Ok(())
}

/// Writes the optimiser's path as CSV:
/// `iteration,cross_entropy,kl,max_abs_diff,step` (with groups, a leading
/// `group`).
pub fn write_trace(out: &mut dyn Write, report: &Report) -> std::io::Result<()> {
    let rows = |out: &mut dyn Write, group: Option<&str>, die: &DieReport| -> std::io::Result<()> {
        for r in &die.trace {
            if let Some(g) = group {
                write!(out, "{},", csv_field(g))?;
            }
            writeln!(
                out,
                "{},{:?},{:?},{:?},{:?}",
                r.iteration, r.cross_entropy, r.kl, r.max_abs_diff, r.step
            )?;
        }
        Ok(())
    };
    match report {
        Report::Single(single) => {
            writeln!(out, "iteration,cross_entropy,kl,max_abs_diff,step")?;
            rows(out, None, &single.die)
        }
        Report::Grouped(grouped) => {
            writeln!(out, "group,iteration,cross_entropy,kl,max_abs_diff,step")?;
            grouped
                .groups
                .iter()
                .try_for_each(|g| rows(out, Some(&g.group), &g.die))
        }
    }
}

/// Writes the counts of `data` as `face,count` rows (with groups,
/// `group,face,count`), every face of the die included.
pub fn write_counts(out: &mut dyn Write, data: &Dataset, grouped: bool) -> std::io::Result<()> {
    out.write_all(if grouped {
        b"group,face,count\n"
    } else {
        b"face,count\n"
    })?;
    for g in &data.groups {
        // Every face, the never-rolled ones after the group's last as 0.
        let counts = g.counts.iter().chain(std::iter::repeat(&0));
        for (face, count) in data.faces.iter().zip(counts) {
            if grouped {
                write!(out, "{},", csv_field(g.name.as_deref().unwrap_or_default()))?;
            }
            writeln!(out, "{},{count}", csv_field(face))?;
        }
    }
    Ok(())
}

/// Quotes a CSV field when diceml's reader would not read it back as is:
/// it holds a comma, quote or line break, starts with `#` or a space, or is
/// empty.
pub fn csv_field(text: &str) -> String {
    let plain = !text.is_empty()
        && !text.contains([',', '"', '\n', '\r', ';', '\t'])
        && !text.starts_with(['#', ' '])
        && !text.ends_with(' ');
    if !plain {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// The text of every face followed by `\n`, ready to copy: 1..K, or the
/// `--labels` (CSV-quoted as needed).
pub struct FaceText {
    text: Vec<Vec<u8>>,
}

impl FaceText {
    /// The texts of faces 1..`k`, or of `labels` when given (one per face).
    pub fn new(k: u64, labels: Option<&[String]>) -> Self {
        let text = (0..k as usize)
            .map(|i| {
                let mut t = match labels {
                    Some(l) => csv_field(&l[i]).into_bytes(),
                    None => (i + 1).to_string().into_bytes(),
                };
                t.push(b'\n');
                t
            })
            .collect();
        FaceText { text }
    }
}

/// Writes simulated `counts` as `face,count` rows, one per face of `names`
/// in order (`simulate --counts`).
pub fn write_face_counts(
    out: &mut dyn Write,
    names: &FaceText,
    counts: &[u64],
) -> std::io::Result<()> {
    out.write_all(b"face,count\n")?;
    for (face, count) in names.text.iter().zip(counts) {
        out.write_all(&face[..face.len() - 1])?;
        writeln!(out, ",{count}")?;
    }
    Ok(())
}

/// Writes `n` rolls through a 64 KiB buffer, drawn by `draw` a chunk of
/// whole batches of `batch` faces at a time (the last batch is cut to what
/// is left); a chunk holds at least `min_chunk` faces (the samplers'
/// longest batch, [`crate::sample::MAX_BATCH`]).
///
/// When every face's text (with its `\n`) fits in 8 bytes, each roll is one
/// 8-byte copy from a table followed by advancing the end by the text's
/// length; otherwise faces are appended as slices.
pub fn write_rolls(
    out: &mut dyn Write,
    names: &FaceText,
    n: u64,
    batch: usize,
    min_chunk: usize,
    tick: &dyn Fn(u64),
    mut draw: impl FnMut(&mut [u32]),
) -> std::io::Result<()> {
    const CAPACITY: usize = 1 << 16;
    let longest = names.text.iter().map(Vec::len).max().unwrap_or(0);
    // (text padded to 8 bytes, its length) when every face fits in 8 bytes.
    let short: Option<Vec<([u8; 8], usize)>> = (longest <= 8).then(|| {
        names
            .text
            .iter()
            .map(|t| {
                let mut w = [0u8; 8];
                w[..t.len()].copy_from_slice(t);
                (w, t.len())
            })
            .collect()
    });
    // Faces are drawn into a buffer first and formatted in a separate pass:
    // kept apart, each loop keeps its state in registers (together, the
    // loaded die's write position was spilled to memory on every roll).
    let batches = (CAPACITY / longest.max(1)).clamp(min_chunk, 8192) / batch.max(1);
    let chunk = batches.max(1) * batch;
    let mut faces = vec![0u32; chunk];
    let mut buf = vec![0u8; chunk * longest.max(8) + 8];
    out.write_all(b"face\n")?;
    let mut left = n;
    while left > 0 {
        let k = (chunk as u64).min(left) as usize;
        draw(&mut faces[..k.div_ceil(batch) * batch]);
        let end = format_faces(&faces[..k], short.as_deref(), &names.text, &mut buf);
        out.write_all(&buf[..end])?;
        left -= k as u64;
        tick(k as u64);
    }
    Ok(())
}

/// Writes the faces' texts into `buf` and returns the length written:
/// when every text is two bytes (a die of up to 10 faces, `1\n`...),
/// two-byte copies to fixed places; otherwise 8-byte copies from `short`
/// when every face fits in 8 bytes, else slices. The fixed places leave the
/// copies independent of each other: advancing the end by each text's
/// length chains every copy to the one before it, which took 0.8 ns a
/// roll, more than drawing it.
#[inline(never)]
fn format_faces(
    faces: &[u32],
    short: Option<&[([u8; 8], usize)]>,
    text: &[Vec<u8>],
    buf: &mut [u8],
) -> usize {
    if let Some(pairs) = short.filter(|t| t.iter().all(|&(_, len)| len == 2)) {
        let out = &mut buf[..2 * faces.len()];
        for (place, &f) in out.chunks_exact_mut(2).zip(faces) {
            place.copy_from_slice(&pairs[f as usize].0[..2]);
        }
        return out.len();
    }
    let mut end = 0;
    match short {
        Some(table) => {
            for &f in faces {
                let (word, len) = &table[f as usize];
                buf[end..end + 8].copy_from_slice(word);
                end += len;
            }
        }
        None => {
            for &f in faces {
                let t = &text[f as usize];
                buf[end..end + t.len()].copy_from_slice(t);
                end += t.len();
            }
        }
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_way_of_writing_faces_writes_the_same_bytes() {
        // Two-byte texts (the fixed places), texts up to 8 bytes, longer.
        for names in [
            vec!["1", "2", "3"],
            vec!["1", "10", "x"],
            vec!["a", "longer than8"],
        ] {
            let text: Vec<Vec<u8>> = names
                .iter()
                .map(|n| format!("{n}\n").into_bytes())
                .collect();
            let faces: Vec<u32> = (0..1000u32)
                .map(|i| (i * 7 + i / 3) % names.len() as u32)
                .collect();
            let want: Vec<u8> = faces
                .iter()
                .flat_map(|&f| text[f as usize].clone())
                .collect();
            let short: Vec<([u8; 8], usize)> = text
                .iter()
                .filter(|t| t.len() <= 8)
                .map(|t| {
                    let mut w = [0u8; 8];
                    w[..t.len()].copy_from_slice(t);
                    (w, t.len())
                })
                .collect();
            let short = (short.len() == text.len()).then_some(&short[..]);
            let mut buf = vec![0u8; 16 * faces.len() + 8];
            for table in [short, None] {
                let end = format_faces(&faces, table, &text, &mut buf);
                assert_eq!(&buf[..end], &want[..], "{names:?}");
            }
        }
    }

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("1"), "1");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("#"), "\"#\"");
        assert_eq!(csv_field(""), "\"\"");
    }
}
