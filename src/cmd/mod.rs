//! One module per subcommand: each turns validated arguments into work by
//! calling the library's modules, and holds no math of its own.

pub mod audit;
pub mod completions;
pub mod count;
pub mod fit;
pub mod man;
pub mod plan;
pub mod simulate;
pub mod watch;

use anyhow::Result;

use crate::cli::InputArgs;
use crate::dataset::Dataset;
use crate::read;
use crate::ui::{Ui, PROGRESS_FROM_BYTES};

/// Reads the inputs of `fit` or `count`, with a progress bar for large
/// files (see [`Ui::progress`]); no rolls is an error unless `allow_empty`.
fn read_inputs(input: &InputArgs, ui: &Ui, allow_empty: bool) -> Result<Dataset> {
    read_inputs_with(input, input.read_options(), ui, allow_empty)
}

/// Reads the inputs with `options` (the command line's, changed by the
/// subcommand).
fn read_inputs_with(
    input: &InputArgs,
    options: read::ReadOptions,
    ui: &Ui,
    allow_empty: bool,
) -> Result<Dataset> {
    let bar = ui.progress(
        read::input_bytes(&input.files),
        PROGRESS_FROM_BYTES,
        "bytes",
    );
    let ticker = bar.clone();
    let progress = read::Progress::new(move |n| ticker.inc(n));
    let data = read::read_inputs(&input.files, &options, &progress, allow_empty);
    bar.finish_and_clear();
    data
}
