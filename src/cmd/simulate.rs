//! `diceml simulate`: roll a fair or loaded die N times and write the roll
//! log (`face` then one face per line) or its counts (`face,count`).

use std::io::Write;

use anyhow::Result;

use crate::cli::SimulateArgs;
use crate::io;
use crate::model::Die;
use crate::report;
use crate::sample::{self, AliasTable, DiceRng, UniformBatch, MAX_BATCH};
use crate::ui::{Ui, PROGRESS_FROM_ROLLS};

/// Runs `diceml simulate`.
pub fn run(args: SimulateArgs, ui: &Ui) -> Result<()> {
    let labels = args.labels.as_ref().map(|l| l.0.as_slice());
    let die = Die::from_flags(args.faces, args.probs.as_ref(), labels.map(<[String]>::len))?;
    let mut rng = match args.seed {
        Some(seed) => sample::seeded_rng(seed),
        None => sample::os_seeded_rng().0,
    };
    let mut out = io::open_output(args.output.as_deref())?;
    let names = FaceText::new(die.faces(), labels);
    if args.counts {
        write_counts(&mut out, &die, &names, args.n, &mut rng)?;
    } else {
        let bar = ui.progress(args.n, PROGRESS_FROM_ROLLS, "rolls");
        let tick = |rolls: u64| bar.inc(rolls);
        let written = match &die {
            Die::Fair(k) => {
                let batch = UniformBatch::new(*k);
                write_rolls(&mut out, &names, args.n, batch.len(), &tick, |faces| {
                    batch.fill_batches(&mut rng, faces)
                })
            }
            Die::Loaded(p) => {
                let table = AliasTable::new(p);
                write_rolls(
                    &mut out,
                    &names,
                    args.n,
                    table.batch_len(),
                    &tick,
                    |faces| table.fill_batches(&mut rng, faces),
                )
            }
        };
        bar.finish_and_clear();
        written?;
    }
    out.flush()?;
    Ok(())
}

/// The text of every face followed by `\n`, ready to copy: 1..K, or the
/// `--labels` (CSV-quoted as needed).
struct FaceText {
    text: Vec<Vec<u8>>,
}

impl FaceText {
    fn new(k: u64, labels: Option<&[String]>) -> Self {
        let text = (0..k as usize)
            .map(|i| {
                let mut t = match labels {
                    Some(l) => report::csv_field(&l[i]).into_bytes(),
                    None => (i + 1).to_string().into_bytes(),
                };
                t.push(b'\n');
                t
            })
            .collect();
        FaceText { text }
    }
}

fn write_counts(
    out: &mut dyn Write,
    die: &Die,
    names: &FaceText,
    n: u64,
    rng: &mut DiceRng,
) -> Result<()> {
    let counts = sample::multinomial(rng, n, &die.probabilities());
    out.write_all(b"face,count\n")?;
    for (face, count) in names.text.iter().zip(counts) {
        out.write_all(&face[..face.len() - 1])?;
        writeln!(out, ",{count}")?;
    }
    Ok(())
}

/// Writes `n` rolls through a 64 KiB buffer, drawn by `draw` a chunk of
/// whole batches of `batch` faces at a time (the last batch is cut to what
/// is left).
///
/// When every face's text (with its `\n`) fits in 8 bytes, each roll is one
/// 8-byte copy from a table followed by advancing the end by the text's
/// length; otherwise faces are appended as slices.
fn write_rolls(
    out: &mut dyn Write,
    names: &FaceText,
    n: u64,
    batch: usize,
    tick: &dyn Fn(u64),
    mut draw: impl FnMut(&mut [u32]),
) -> Result<()> {
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
    let batches = (CAPACITY / longest.max(1)).clamp(MAX_BATCH, 8192) / batch.max(1);
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
/// 8-byte copies from `short` when every face fits in 8 bytes, else slices.
#[inline(never)]
fn format_faces(
    faces: &[u32],
    short: Option<&[([u8; 8], usize)]>,
    text: &[Vec<u8>],
    buf: &mut [u8],
) -> usize {
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
