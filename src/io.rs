//! The edges: opening inputs and outputs, where `-` (or nothing) means the
//! standard streams. Nothing else in diceml touches files or stdio.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

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

/// How long [`Follow`] sleeps at the end of a file before looking again.
pub const FOLLOW_POLL: Duration = Duration::from_millis(100);

/// A growing file read like `tail -f`: at its end, [`Follow`] sleeps
/// `poll` and reads again, so a read returns only once there are new bytes
/// (it never reports the end). The sleep keeps a waiting reader off the
/// CPU.
pub struct Follow<R> {
    inner: R,
    poll: Duration,
}

impl<R> Follow<R> {
    /// Follows `inner`, looking for more every `poll` at its end.
    pub fn new(inner: R, poll: Duration) -> Self {
        Follow { inner, poll }
    }
}

impl<R: Read> Read for Follow<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            match self.inner.read(buf)? {
                0 => std::thread::sleep(self.poll),
                n => return Ok(n),
            }
        }
    }
}

/// `input` followed as it grows ([`Follow`], polling every
/// [`FOLLOW_POLL`]) when it is a regular file; a pipe or standard input is
/// returned as it is, and ends when its writer closes it.
pub fn follow(input: Input) -> Input {
    if input.file.is_none() {
        return input;
    }
    Input {
        reader: Box::new(Follow::new(input.reader, FOLLOW_POLL)),
        ..input
    }
}

/// The name that stands for standard output in messages.
pub const STDOUT_NAME: &str = "<stdout>";

/// An output opened by [`open_output`]: buffered, its write errors naming
/// it, and, for a file, written whole or not at all — into a temporary file
/// beside the target, renamed over it by [`Output::finish`]. An output
/// dropped unfinished (an error on the way) removes its temporary file, so
/// a failed run never leaves a truncated report, trace or chart that still
/// parses. Symbolic links (`-o /dev/stdout`), devices and pipes are written
/// through, in place.
pub struct Output {
    inner: BufWriter<Box<dyn Write>>,
    name: String,
    /// (temporary file, target) while the output is not yet finished.
    pending: Option<(PathBuf, PathBuf)>,
}

/// A buffered writer to `path`, or to standard output when `path` is `None`
/// or `-`. Callers must [`Output::finish`] it and propagate the error.
pub fn open_output(path: Option<&Path>) -> Result<Output> {
    const CAPACITY: usize = 1 << 16;
    let Some(path) = path.filter(|p| *p != Path::new("-")) else {
        return Ok(Output {
            inner: BufWriter::with_capacity(CAPACITY, Box::new(io::stdout().lock())),
            name: STDOUT_NAME.to_string(),
            pending: None,
        });
    };
    let name = path.display().to_string();
    let create = |p: &Path| File::create(p).with_context(|| format!("{name}: cannot create"));
    // Only a regular file (or none yet) is replaced: a symbolic link (such
    // as /dev/stdout, whose target may be the file a shell redirected
    // stdout to), a device or a pipe is written through, in place.
    let existing = std::fs::symlink_metadata(path).ok();
    if existing.as_ref().is_some_and(|m| !m.is_file()) {
        return Ok(Output {
            inner: BufWriter::with_capacity(CAPACITY, Box::new(create(path)?)),
            name,
            pending: None,
        });
    }
    let target = path.to_path_buf();
    let file_name = target.file_name().unwrap_or(target.as_os_str());
    let mut temporary = std::ffi::OsString::from(".");
    temporary.push(file_name);
    temporary.push(format!(".{}.tmp", std::process::id()));
    let temporary = target.with_file_name(temporary);
    let file = create(&temporary)?;
    if let Some(meta) = existing {
        // The replaced file keeps its permissions.
        let _ = file.set_permissions(meta.permissions());
    }
    Ok(Output {
        inner: BufWriter::with_capacity(CAPACITY, Box::new(file)),
        name,
        pending: Some((temporary, target)),
    })
}

impl Output {
    /// Flushes the output and, for a file, puts it in place of the target.
    pub fn finish(mut self) -> Result<()> {
        let name = self.name.clone();
        self.inner
            .flush()
            .with_context(|| format!("{name}: cannot write"))?;
        if let Some((temporary, target)) = &self.pending {
            // On failure `self` is dropped still pending: Drop removes the
            // temporary file.
            std::fs::rename(temporary, target).with_context(|| format!("{name}: cannot write"))?;
            self.pending = None;
        }
        Ok(())
    }

    /// Adds the output's name to an error, keeping its kind (a closed pipe
    /// stays a closed pipe).
    fn named(&self, e: io::Error) -> io::Error {
        io::Error::new(e.kind(), format!("{}: cannot write: {e}", self.name))
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf).map_err(|e| self.named(e))
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.inner.write_all(buf).map_err(|e| self.named(e))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush().map_err(|e| self.named(e))
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if let Some((temporary, _)) = self.pending.take() {
            let _ = std::fs::remove_file(temporary);
        }
    }
}

/// Writes `bytes` to `path` whole or not at all (see [`Output`]). Errors
/// name the file and `what` it holds: "{path}: cannot write {what}".
pub fn write_file(path: &Path, bytes: &[u8], what: &str) -> Result<()> {
    let written = open_output(Some(path)).and_then(|mut out| {
        out.write_all(bytes)?;
        out.finish()
    });
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
    fn a_followed_file_waits_at_its_end_for_what_is_appended() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rolls.csv");
        std::fs::write(&path, b"face\n").unwrap();
        let mut followed = follow(open_input(&path).unwrap());
        let mut buf = [0u8; 64];
        assert_eq!(followed.reader.read(&mut buf).unwrap(), 5);
        let writer = {
            let path = path.clone();
            std::thread::spawn(move || {
                std::thread::sleep(FOLLOW_POLL * 3);
                let mut file = std::fs::OpenOptions::new().append(true).open(path).unwrap();
                file.write_all(b"6\n").unwrap();
            })
        };
        // At the end the read waits for the appended line instead of
        // returning 0 (the end).
        let n = followed.reader.read(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"6\n");
        writer.join().unwrap();
        // Standard input and pipes are not followed: they end.
        let pipe = Input {
            reader: Box::new(io::empty()),
            name: STDIN_NAME.into(),
            file: None,
        };
        assert_eq!(follow(pipe).reader.read(&mut buf).unwrap(), 0);
    }

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
    fn an_unfinished_output_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        std::fs::write(&path, b"old report").unwrap();
        let mut out = open_output(Some(&path)).unwrap();
        out.write_all(b"half of a new rep").unwrap();
        out.flush().unwrap();
        // Still the old file while the new one is being written.
        assert_eq!(std::fs::read(&path).unwrap(), b"old report");
        drop(out);
        assert_eq!(std::fs::read(&path).unwrap(), b"old report");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "the temporary file is removed");
        let mut out = open_output(Some(&path)).unwrap();
        out.write_all(b"new report").unwrap();
        out.finish().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new report");
    }

    #[test]
    fn special_files_and_links_are_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.csv");
        std::fs::write(&real, b"old").unwrap();
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let mut out = open_output(Some(&link)).unwrap();
        out.write_all(b"new").unwrap();
        out.finish().unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
        // A device: written in place, and its errors name it.
        let mut out = open_output(Some(Path::new("/dev/full"))).unwrap();
        out.write_all(b"buffered").unwrap();
        let err = out.finish().unwrap_err();
        assert!(
            format!("{err:#}").starts_with("/dev/full: cannot write"),
            "{err:#}"
        );
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

/// The SHA-256 of a file's bytes, lowercase hex (the checksum a
/// certification file quotes for each file tested).
pub fn sha256_file(path: &Path) -> Result<String> {
    let name = path.display().to_string();
    let mut file = File::open(path).with_context(|| format!("{name}: cannot open"))?;
    let digest = Digest::default();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file
            .read(&mut buf)
            .with_context(|| format!("{name}: cannot read"))?;
        if n == 0 {
            return Ok(digest.hex());
        }
        digest.update(&buf[..n]);
    }
}

/// A running SHA-256, shared between a [`hashed`] input and whoever asks
/// for the digest once it has been read.
#[derive(Clone, Default)]
pub struct Digest(std::rc::Rc<std::cell::RefCell<sha2::Sha256>>);

impl Digest {
    fn update(&self, bytes: &[u8]) {
        sha2::Digest::update(&mut *self.0.borrow_mut(), bytes);
    }

    /// The digest of the bytes so far, lowercase hex.
    pub fn hex(&self) -> String {
        let digest = sha2::Digest::finalize(self.0.borrow().clone());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// The input with every byte read from it hashed into the returned
/// [`Digest`] (standard input, which can be read only once, is hashed as
/// it is read). Positioned reads are turned off, so that every byte goes
/// through the hash.
pub fn hashed(input: Input) -> (Input, Digest) {
    let digest = Digest::default();
    let reader = Box::new(Hashing {
        inner: input.reader,
        digest: digest.clone(),
    });
    (
        Input {
            reader,
            name: input.name,
            file: None,
        },
        digest,
    )
}

struct Hashing {
    inner: Box<dyn Read>,
    digest: Digest,
}

impl Read for Hashing {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.digest.update(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod sha256_tests {
    use super::*;

    #[test]
    fn digests_match_the_fips_example() {
        // FIPS 180-2, appendix B.1: SHA-256("abc").
        let input = Input {
            reader: Box::new(&b"abc"[..]),
            name: "abc".into(),
            file: None,
        };
        let (mut input, digest) = hashed(input);
        let mut sink = Vec::new();
        input.reader.read_to_end(&mut sink).expect("in memory");
        assert_eq!(
            digest.hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
