//! The edges: opening inputs and outputs, where `-` (or nothing) means the
//! standard streams. Nothing else in diceml touches files or stdio.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::Path;

use anyhow::{Context, Result};

/// The name that stands for standard input in messages.
pub const STDIN_NAME: &str = "<stdin>";

/// An opened input and the name to show in `name:line:` messages.
pub struct Input {
    /// Where the bytes come from.
    pub reader: Box<dyn Read>,
    /// The file's path as given, or [`STDIN_NAME`].
    pub name: String,
    /// The same file when it is a regular file, for positioned reads.
    pub file: Option<File>,
}

/// Opens `path` for reading; `-` is standard input.
pub fn open_input(path: &Path) -> Result<Input> {
    if path == Path::new("-") {
        return Ok(Input {
            reader: Box::new(io::stdin().lock()),
            name: STDIN_NAME.to_string(),
            file: None,
        });
    }
    let name = path.display().to_string();
    let file = File::open(path).with_context(|| format!("{name}: cannot open"))?;
    let metadata = file
        .metadata()
        .with_context(|| format!("{name}: cannot open"))?;
    if metadata.is_dir() {
        anyhow::bail!("{name}: is a directory, not a file of rolls");
    }
    let regular = metadata.is_file();
    let positioned = if regular { file.try_clone().ok() } else { None };
    Ok(Input {
        reader: Box::new(file),
        name,
        file: positioned,
    })
}

/// A buffered writer to `path`, or to standard output when `path` is `None`
/// or `-`. Callers must `flush()` it and propagate the error.
pub fn open_output(path: Option<&Path>) -> Result<Box<dyn Write>> {
    const CAPACITY: usize = 1 << 16;
    match path {
        Some(p) if p != Path::new("-") => {
            let file =
                File::create(p).with_context(|| format!("{}: cannot create", p.display()))?;
            Ok(Box::new(BufWriter::with_capacity(CAPACITY, file)))
        }
        _ => Ok(Box::new(BufWriter::with_capacity(
            CAPACITY,
            io::stdout().lock(),
        ))),
    }
}

/// Writes `bytes` to `path` whole or not at all: into a temporary file
/// beside it, renamed over `path` once written, so a failed write never
/// leaves a truncated file (a chart, say). Errors name the file and `what`
/// it holds: "{path}: cannot write {what}".
pub fn write_file(path: &Path, bytes: &[u8], what: &str) -> Result<()> {
    let name = path.file_name().unwrap_or(path.as_os_str());
    let mut temporary = name.to_os_string();
    temporary.push(format!(".{}.tmp", std::process::id()));
    let temporary = path.with_file_name(temporary);
    let written =
        std::fs::write(&temporary, bytes).and_then(|()| std::fs::rename(&temporary, path));
    if written.is_err() {
        // Nothing to clean up when the temporary file was never created.
        let _ = std::fs::remove_file(&temporary);
    }
    written.with_context(|| format!("{}: cannot write {what}", path.display()))
}

/// True when `err` comes from writing to a closed pipe (`| head`), which
/// diceml treats as a normal end.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|e| e.downcast_ref::<io::Error>())
        .any(|e| e.kind() == io::ErrorKind::BrokenPipe)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_written_whole_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fit.svg");
        write_file(&path, b"first", "the chart").unwrap();
        write_file(&path, b"second", "the chart").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file is left behind");
    }

    #[test]
    fn write_errors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no-such-dir").join("fit.png");
        let err = write_file(&path, b"png", "the chart").unwrap_err();
        let message = format!("{err:#}");
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(message.contains("cannot write the chart"), "{message}");
        assert!(!path.exists());
    }
}
