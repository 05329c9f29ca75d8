//! `diceml simulate`: roll a fair or loaded die N times and write the roll
//! log (`face` then one face per line) or its counts (`face,count`). The
//! sampling is [`crate::sample`]'s and the writing [`crate::report::csv`]'s;
//! this module wires them.

use anyhow::Result;

use crate::cli::SimulateArgs;
use crate::io;
use crate::model::Die;
use crate::report::csv;
use crate::sample::{self, AliasTable, UniformBatch, MAX_BATCH};
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
    let names = csv::FaceText::new(die.faces(), labels);
    if args.counts {
        let counts = sample::multinomial(&mut rng, args.n, &die.probabilities());
        csv::write_face_counts(&mut out, &names, &counts)?;
    } else {
        let bar = ui.progress(args.n, PROGRESS_FROM_ROLLS, "rolls");
        let tick = |rolls: u64| bar.inc(rolls);
        let written = match &die {
            Die::Fair(k) => {
                let batch = UniformBatch::new(*k);
                csv::write_rolls(
                    &mut out,
                    &names,
                    args.n,
                    batch.len(),
                    MAX_BATCH,
                    &tick,
                    |faces| batch.fill_batches(&mut rng, faces),
                )
            }
            Die::Loaded(p) => {
                let table = AliasTable::new(p);
                csv::write_rolls(
                    &mut out,
                    &names,
                    args.n,
                    table.batch_len(),
                    MAX_BATCH,
                    &tick,
                    |faces| table.fill_batches(&mut rng, faces),
                )
            }
        };
        bar.finish_and_clear();
        written?;
    }
    out.finish()?;
    Ok(())
}
