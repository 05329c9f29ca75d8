//! `diceml watch`: read a roll log row by row as it arrives (a pipe, or a
//! growing file with `--follow`), push every roll into the sequential test
//! of [`crate::stats::sequential`], and write an update every `--every N`
//! rolls, at the decision and at the end; `--stop` ends at the decision.

use std::io::Write;
use std::ops::ControlFlow;
use std::path::PathBuf;

use anyhow::Result;

use crate::cli::WatchArgs;
use crate::error::{Rejected, UsageError};
use crate::io::{self, Output};
use crate::model::Die;
use crate::read::{Progress, Reader};
use crate::report::watch::{self, WatchEvent, WatchFormat, WatchView};
use crate::stats::sequential::{Decision, Sequential};
use crate::ui::Ui;

/// Runs `diceml watch`.
pub fn run(args: WatchArgs, ui: &Ui) -> Result<()> {
    let (path, null, names) = check(&args)?;
    let view = WatchView {
        alpha: args.alpha,
        within: args.within,
        null: null.clone(),
        names,
        live: match args.format {
            WatchFormat::Table => ui.status_width(),
            WatchFormat::Jsonl => None,
        },
    };
    let mut input = io::open_input(&path)?;
    if args.follow {
        input = io::follow(input);
    }
    let mut test = Sequential::new(&null, args.alpha, args.within);
    let mut out = io::open_output(None)?;
    let mut written = None;
    let mut failed = None;
    let mut reader = Reader::new(&args.input.read_options());
    let stopped = reader.read_watched(input, &Progress::default(), &mut |_, face| {
        // A face the null forbids makes the e-value infinite: like `fit`,
        // the null is impossible, and that is an error, not a decision.
        if null[face] <= 0.0 {
            failed = Some(anyhow::anyhow!(
                "roll {}: face {} was rolled but --expected gives it probability 0: the null is impossible",
                test.rolls() + 1,
                view.names[face]
            ));
            return ControlFlow::Break(());
        }
        let decision = test.push(face);
        let at_stop = args.stop && decision.is_some();
        if test.rolls().is_multiple_of(args.every) || decision.is_some() {
            if let Err(e) = update(&mut out, &test, &view, args.format) {
                failed = Some(e);
                return ControlFlow::Break(());
            }
            written = Some(test.rolls());
        }
        if at_stop {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    // A bad row (or an impossible roll, or a failed write) stops the run;
    // what was shown stays a whole line.
    let stopped = match failed.map_or(stopped, Err) {
        Ok(stopped) => stopped,
        Err(e) => {
            let _ = watch::finish(&mut out, &view, args.format).and_then(|()| out.flush());
            return Err(e);
        }
    };
    // The last update describes the whole stream.
    if written != Some(test.rolls()) {
        update(&mut out, &test, &view, args.format)?;
    }
    watch::finish(&mut out, &view, args.format)?;
    out.finish()?;
    let skipped = reader.finish(true)?.skipped;
    if let Some(first) = skipped.examples.first() {
        let rows = if skipped.rows == 1 { "row" } else { "rows" };
        eprintln!(
            "diceml: warning: {} invalid {rows} skipped (the first: {first})",
            skipped.rows
        );
    }
    match test.decided() {
        Some((at, Decision::Reject)) if stopped => Err(anyhow::Error::new(Rejected).context(
            format!("--stop: the sequential test rejected the null at roll {at}"),
        )),
        _ => Ok(()),
    }
}

/// Writes the test's current state and flushes it, so that a reader at
/// the other end of a pipe sees it now.
fn update(
    out: &mut Output,
    test: &Sequential,
    view: &WatchView,
    format: WatchFormat,
) -> Result<()> {
    watch::write_event(out, &WatchEvent::new(test), view, format)?;
    out.flush()?;
    Ok(())
}

/// The input, the null's probabilities and the faces' names, or the usage
/// error that says what `watch` cannot do.
fn check(args: &WatchArgs) -> Result<(PathBuf, Vec<f64>, Vec<String>)> {
    let input = &args.input;
    let usage = |message: &str| Err(UsageError(message.to_string()).into());
    if input.by.is_some() {
        return usage(
            "watch follows one die's rolls; for one test per group use `fit --by COLUMN --sequential`",
        );
    }
    if input.counts {
        return usage(
            "watch needs the rolls in order, and a count table has none: give the roll log (or `fit --counts` for the counts)",
        );
    }
    let names: Vec<String> = match (&input.labels, input.faces) {
        (Some(labels), _) => labels.0.clone(),
        (None, Some(k)) => (1..=k).map(|f| f.to_string()).collect(),
        (None, None) => {
            return usage(
                "watch needs the die declared before the rolls arrive: give --faces K or --labels A,B,...",
            )
        }
    };
    let null = Die::null(args.expected.as_ref(), names.len())?.probabilities();
    if let (Some(_), Some(face)) = (args.within, null.iter().position(|&p| p <= 0.0)) {
        return usage(&format!(
            "--within: face {} has null probability 0, so no interval can lie around it; drop it from the die",
            names[face]
        ));
    }
    let path = input
        .files
        .first()
        .cloned()
        .unwrap_or_else(|| PathBuf::from("-"));
    Ok((path, null, names))
}
