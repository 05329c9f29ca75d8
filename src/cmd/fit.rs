//! `diceml fit`: count the inputs, fit softmax logits to the empirical

//! distribution, and report q beside the closed-form p.

use std::path::{Path, PathBuf};

use std::io::Write as _;

use anyhow::Result;

use crate::cli::FitArgs;
use crate::counts::{self, Counts, Tally};
use crate::io;
use crate::optim::{self, FitOptions};
use crate::report::{self, FitReport};

/// Runs `diceml fit`.
pub fn run(args: FitArgs) -> Result<()> {
    let counts = read_inputs(&args)?;
    let p = empirical(&counts);
    let options = FitOptions {
        learning_rate: args.lr,
        max_iter: args.max_iter,
        tol: args.tol,
    };
    let fit = optim::gradient_descent(&p, options);
    let report = FitReport::new(&counts, &p, &fit);
    let mut out = io::open_output(args.output.as_deref())?;
    report::write(&mut out, &report, args.format)?;
    out.flush()?;
    Ok(())
}

/// Reads and sums every input (standard input when none is named).
fn read_inputs(args: &FitArgs) -> Result<Counts> {
    let stdin = [PathBuf::from("-")];
    let paths: &[PathBuf] = if args.files.is_empty() {
        &stdin
    } else {
        &args.files
    };
    let mut tally = Tally::new(args.faces);
    for path in paths {
        read_one(path, args, &mut tally)?;
    }
    tally.finish().map_err(|e| {
        let names: Vec<String> = paths.iter().map(|p| display(p)).collect();
        e.context(names.join(", "))
    })
}

fn read_one(path: &Path, args: &FitArgs, tally: &mut Tally) -> Result<()> {
    let input = io::open_input(path)?;
    if args.counts {
        counts::read_counts(input.reader, &input.name, tally)
    } else {
        counts::read_rolls(input.reader, &input.name, args.column.as_ref(), tally)
    }
}

fn display(path: &Path) -> String {
    if path == Path::new("-") {
        io::STDIN_NAME.to_string()
    } else {
        path.display().to_string()
    }
}

/// The closed-form MLE p_k = n_k / N (N > 0).
pub fn empirical(counts: &Counts) -> Vec<f64> {
    let n = counts.n as f64;
    counts.counts.iter().map(|&c| c as f64 / n).collect()
}
