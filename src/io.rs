//! The edges: opening inputs and outputs, where `-` (or nothing) means the
//! standard streams. Nothing else in diceml touches files or stdio.
//!
//! Inputs compressed with gzip or Zstandard are recognised by their magic
//! bytes and decompressed here, so every reader above sees plain bytes.
//! gzip goes through flate2 on its zlib-rs backend (Rust, streaming, 1.6
//! times faster than flate2's default miniz_oxide; libdeflate would need a
//! whole member in memory; docs/performance.md has the figures, and why the
//! PNG charts are now compressed at png's `High` level). zstd goes through
//! the `zstd` crate, bindings to the reference C library. A compressed
//! input has no [`Input::file`]: it is read as a stream, by the streaming
//! fast path, its decoder a few chunks ahead on a thread of its own when it
//! is a file ([`ReadAhead`]).

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};

/// The name that stands for standard input in messages.
pub const STDIN_NAME: &str = "<stdin>";

/// An opened input and the name to show in `name:line:` messages.
pub struct Input {
    /// Where the bytes come from, decompressed when the input is
    /// compressed ([`Compression`]).
    pub reader: Box<dyn Read>,
    /// The file's path as given, or [`STDIN_NAME`].
    pub name: String,
    /// The same file when it is a regular, uncompressed file, for
    /// positioned reads.
    pub file: Option<File>,
    /// The compression found by its magic bytes, if any.
    pub compression: Option<Compression>,
    /// For a compressed input, the compressed bytes read so far (a
    /// progress bar measures a file in its own bytes).
    pub raw_read: Option<Arc<AtomicU64>>,
}

impl Input {
    /// An input read from `reader` as it is (not a file, not compressed).
    pub fn from_reader(reader: Box<dyn Read>, name: impl Into<String>) -> Input {
        Input {
            reader,
            name: name.into(),
            file: None,
            compression: None,
            raw_read: None,
        }
    }
}

/// A compression an input is read through, recognised by its magic bytes
/// (never by its name): gzip (`1f 8b`, every member of a multi-member
/// file, as `cat a.gz b.gz` makes) or Zstandard (`28 b5 2f fd`, every
/// frame).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// gzip (RFC 1952), decoded by flate2 (zlib-rs).
    Gzip,
    /// Zstandard (RFC 8878), decoded by the reference library.
    Zstd,
}

impl Compression {
    const GZIP_MAGIC: &'static [u8] = &[0x1f, 0x8b];
    const ZSTD_MAGIC: &'static [u8] = &[0x28, 0xb5, 0x2f, 0xfd];

    /// The compression whose magic bytes start `head`, if any.
    pub fn sniff(head: &[u8]) -> Option<Compression> {
        if head.starts_with(Self::GZIP_MAGIC) {
            Some(Compression::Gzip)
        } else if head.starts_with(Self::ZSTD_MAGIC) {
            Some(Compression::Zstd)
        } else {
            None
        }
    }

    /// True while `head` is too short to tell: a proper start of a magic.
    fn undecided(head: &[u8]) -> bool {
        [Self::GZIP_MAGIC, Self::ZSTD_MAGIC]
            .iter()
            .any(|m| head.len() < m.len() && m.starts_with(head))
    }

    /// The name used in messages.
    pub fn name(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        }
    }

    /// `raw` decompressed; its errors say the stream is corrupt or
    /// truncated (the reader adds the input's name).
    fn decoder<R: Read>(self, raw: R) -> io::Result<Decoded<R>> {
        const BUFFER: usize = 1 << 17;
        let raw = BufReader::with_capacity(BUFFER, raw);
        let inner = match self {
            Compression::Gzip => Decoder::Gzip(Box::new(flate2::bufread::MultiGzDecoder::new(raw))),
            Compression::Zstd => Decoder::Zstd(zstd::stream::read::Decoder::with_buffer(raw)?),
        };
        Ok(Decoded {
            inner,
            compression: self,
        })
    }
}

/// The decoder of each compression (zlib-rs's state is large: boxed).
enum Decoder<R: Read> {
    Gzip(Box<flate2::bufread::MultiGzDecoder<BufReader<R>>>),
    Zstd(zstd::stream::read::Decoder<'static, BufReader<R>>),
}

/// A decoder whose errors say what was being decoded.
struct Decoded<R: Read> {
    inner: Decoder<R>,
    compression: Compression,
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let got = match &mut self.inner {
            Decoder::Gzip(d) => d.read(buf),
            Decoder::Zstd(d) => d.read(buf),
        };
        got.map_err(|e| {
            let kind = match e.kind() {
                io::ErrorKind::Interrupted => return e,
                io::ErrorKind::UnexpectedEof => "truncated",
                _ => "corrupt or truncated",
            };
            io::Error::new(
                e.kind(),
                format!("the {} stream is {kind} ({e})", self.compression.name()),
            )
        })
    }
}

/// Bytes a [`ReadAhead`] thread decodes at a time.
const AHEAD_CHUNK: usize = 1 << 18;

/// Chunks a [`ReadAhead`] thread may decode before they are read.
const AHEAD_CHUNKS: usize = 4;

/// A reader run on a thread of its own, up to [`AHEAD_CHUNKS`] chunks
/// ahead: decompressing a file and counting its rolls then share the
/// cores instead of taking turns (a zstd log of 10^8 rolls: decoding 224
/// ms, counting 40 ms; in one thread 266 ms). Errors arrive in their
/// place in the stream. When the reader is dropped the thread's next send
/// fails and it ends.
struct ReadAhead {
    chunks: std::sync::mpsc::Receiver<io::Result<Vec<u8>>>,
    current: Vec<u8>,
    at: usize,
}

impl ReadAhead {
    fn new(mut inner: impl Read + Send + 'static) -> Self {
        let (send, chunks) = std::sync::mpsc::sync_channel(AHEAD_CHUNKS);
        std::thread::spawn(move || loop {
            let mut chunk = vec![0; AHEAD_CHUNK];
            let (mut got, mut failed) = (0, None);
            while got < chunk.len() {
                match inner.read(&mut chunk[got..]) {
                    Ok(0) => break,
                    Ok(n) => got += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        failed = Some(e);
                        break;
                    }
                }
            }
            chunk.truncate(got);
            // The bytes before an error, then the error.
            if got > 0 && send.send(Ok(chunk)).is_err() {
                return;
            }
            if let Some(e) = failed {
                let _ = send.send(Err(e));
                return;
            }
            if got < AHEAD_CHUNK {
                return;
            }
        });
        ReadAhead {
            chunks,
            current: Vec::new(),
            at: 0,
        }
    }
}

impl Read for ReadAhead {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.current.len() {
            match self.chunks.recv() {
                Ok(chunk) => (self.current, self.at) = (chunk?, 0),
                // The thread ended: the stream did.
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len() - self.at);
        buf[..n].copy_from_slice(&self.current[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Reads until `buf` is full or the stream ends; returns the bytes read.
pub fn read_full<R: Read + ?Sized>(reader: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match reader.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// A reader that adds the bytes it reads to a shared count.
struct RawCounted<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for RawCounted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Reads the first bytes of `raw`, as few as tell whether it is
/// compressed: one read, and more only while they start like a magic
/// (a pipe that sends one roll at a time is never waited on).
fn read_head(raw: &mut dyn Read) -> io::Result<Vec<u8>> {
    let mut head = Vec::new();
    let mut buf = [0u8; 4];
    loop {
        match raw.read(&mut buf[head.len()..]) {
            Ok(0) => return Ok(head),
            Ok(n) => head.extend_from_slice(&buf[head.len()..head.len() + n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
        if !Compression::undecided(&head) {
            return Ok(head);
        }
    }
}

/// Opens `path` for reading; `-` is standard input. A gzip or zstd input
/// (by its magic bytes) is decompressed as it is read.
pub fn open_input(path: &Path) -> Result<Input> {
    if path == Path::new("-") {
        let name = STDIN_NAME.to_string();
        return streamed(Box::new(io::stdin().lock()), name);
    }
    let name = path.display().to_string();
    let file = File::open(path).with_context(|| format!("{name}: cannot open"))?;
    let metadata = file
        .metadata()
        .with_context(|| format!("{name}: cannot open"))?;
    if metadata.is_dir() {
        anyhow::bail!("{name}: is a directory, not a file of rolls");
    }
    if !metadata.is_file() {
        return streamed(Box::new(file), name);
    }
    let mut head = [0u8; 4];
    let mut got = 0;
    let mut reading = &file;
    while got < head.len() {
        match reading.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e).with_context(|| format!("{name}: cannot read")),
        }
    }
    (&file)
        .seek(SeekFrom::Start(0))
        .with_context(|| format!("{name}: cannot read"))?;
    match Compression::sniff(&head[..got]) {
        None => {
            let positioned = file.try_clone().ok();
            Ok(Input {
                reader: Box::new(file),
                name,
                file: positioned,
                compression: None,
                raw_read: None,
            })
        }
        // A file's decoder runs on a thread of its own (it can move there).
        Some(compression) => compressed(file, name, compression, |decoder| {
            Box::new(ReadAhead::new(decoder))
        }),
    }
}

/// A stream (standard input, a pipe, a device), decompressed when its
/// first bytes are a magic.
fn streamed(mut raw: Box<dyn Read>, name: String) -> Result<Input> {
    let head = read_head(&mut raw).with_context(|| format!("{name}: cannot read"))?;
    let compression = Compression::sniff(&head);
    let raw: Box<dyn Read> = Box::new(io::Cursor::new(head).chain(raw));
    match compression {
        None => Ok(Input::from_reader(raw, name)),
        Some(compression) => compressed(raw, name, compression, |decoder| Box::new(decoder)),
    }
}

/// `raw` read through the decoder of `compression`, counting its bytes;
/// `run` boxes the decoder (a file's runs on a thread of its own,
/// [`ReadAhead`]; standard input's stays, as its hashing cannot move).
fn compressed<R: Read + 'static>(
    raw: R,
    name: String,
    compression: Compression,
    run: impl FnOnce(Decoded<RawCounted<R>>) -> Box<dyn Read>,
) -> Result<Input> {
    let read = Arc::new(AtomicU64::new(0));
    let raw = RawCounted {
        inner: raw,
        read: Arc::clone(&read),
    };
    let decoder = compression
        .decoder(raw)
        .with_context(|| format!("{name}: cannot start the {} decoder", compression.name()))?;
    let reader = run(decoder);
    Ok(Input {
        reader,
        name,
        file: None,
        compression: Some(compression),
        raw_read: Some(read),
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
        let pipe = Input::from_reader(Box::new(io::empty()), STDIN_NAME);
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

/// `raw` with every byte read from it hashed into the returned [`Digest`].
pub fn hashed(raw: Box<dyn Read>) -> (Box<dyn Read>, Digest) {
    let digest = Digest::default();
    let reader = Box::new(Hashing {
        inner: raw,
        digest: digest.clone(),
    });
    (reader, digest)
}

/// Standard input, opened like [`open_input`]`("-")` (decompressed by its
/// magic bytes), with its bytes as they arrive — compressed or not — hashed
/// into the returned [`Digest`]: standard input can be read only once, so
/// it is hashed while it is read.
pub fn open_stdin_hashed() -> Result<(Input, Digest)> {
    let (raw, digest) = hashed(Box::new(io::stdin().lock()));
    Ok((streamed(raw, STDIN_NAME.to_string())?, digest))
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
mod read_ahead_tests {
    use super::*;

    /// Hands out `bytes` a few at a time, then fails.
    struct Failing {
        bytes: Vec<u8>,
        at: usize,
    }

    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.at == self.bytes.len() {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "bad block"));
            }
            let n = buf.len().min(7).min(self.bytes.len() - self.at);
            buf[..n].copy_from_slice(&self.bytes[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    #[test]
    fn read_ahead_passes_every_byte_then_the_error_in_its_place() {
        let bytes: Vec<u8> = (0..3 * AHEAD_CHUNK + 5).map(|i| (i % 251) as u8).collect();
        let mut ahead = ReadAhead::new(io::Cursor::new(bytes.clone()));
        let mut got = Vec::new();
        ahead.read_to_end(&mut got).expect("in memory");
        assert_eq!(got, bytes);
        let mut ahead = ReadAhead::new(Failing {
            bytes: bytes.clone(),
            at: 0,
        });
        let mut got = vec![0; bytes.len()];
        // The bytes before the error are all there; then the error.
        ahead.read_exact(&mut got).expect("the bytes come first");
        assert_eq!(got, bytes);
        let err = ahead.read(&mut [0; 16]).expect_err("then the error");
        assert_eq!(err.to_string(), "bad block");
    }
}

#[cfg(test)]
mod sha256_tests {
    use super::*;

    #[test]
    fn digests_match_the_fips_example() {
        // FIPS 180-2, appendix B.1: SHA-256("abc").
        let (mut reader, digest) = hashed(Box::new(&b"abc"[..]));
        let mut sink = Vec::new();
        reader.read_to_end(&mut sink).expect("in memory");
        assert_eq!(
            digest.hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
