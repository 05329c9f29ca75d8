//! The drivers, and the only code of the scanners that touches the input:
//! [`scan_reader`] runs the scanners over any stream in blocks of up to
//! 1 MiB; [`scan_file`] splits a large regular file at line boundaries and
//! scans the pieces on all cores, stopping at the first line any piece
//! cannot take.
//!
//! The pieces are scanned in place from a read-only memory map of the file
//! (`memmap2`): the bytes come straight from the page cache, with no copy
//! into a buffer. That copy is what `wc -l` spends nearly all its time on,
//! and it was a third of the CPU time of counting a d20 log (10^8 rolls:
//! 130 ms of CPU with `pread` against 112 ms mapped; on one core a d6 log
//! took 87 ms against 57 ms). The map is taken only when it holds exactly
//! the file's length as measured; a file that is truncated by another
//! process *while* it is being scanned makes the process fail with SIGBUS,
//! which is the known price of mapping (ripgrep pays it too): a log being
//! appended to is read safely up to the length it had at the start.
//!
//! Where the map fails (a special file, a filesystem that cannot map), the
//! pieces are read with positioned reads (`pread`, through
//! `std::os::unix::fs::FileExt`), so the threads share one file handle
//! without a shared cursor. Where that is missing, each positioned read is
//! a seek and a read under one lock: the reads take turns, the scanning
//! still runs on all cores.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

use super::counts::Scan;
use super::dispatch::scan_plan;
use super::plan::Plan;
use crate::io::read_full;

/// Bytes read per block.
const BLOCK: usize = 1 << 20;

/// Bytes of a mapped file scanned at a time.
const MAPPED_BLOCK: usize = 256 << 10;

/// How far behind the scan a mapped file's pages are let go (see
/// `scan_mapped`); with [`MAPPED_BLOCK`], the resident memory a scanning
/// thread adds: about 512 KiB.
const RELEASE_LAG: usize = 256 << 10;

/// Files with fewer bytes than this left to read are streamed on one core.
const PARALLEL_FROM: u64 = 8 << 20;

/// The most threads a file is scanned on.
const MAX_THREADS: usize = 8;

/// Scans `file` from `start` to its end on all cores, when there is more
/// than one and more than 8 MiB are left: the scan, and a
/// handle on the same file positioned at the first byte the scan did not
/// take (the end when it took everything). `None` when the file is better
/// streamed with [`scan_reader`]. `progress` is told the bytes read, block
/// by block.
pub fn scan_file(
    file: &File,
    start: u64,
    plan: Plan,
    progress: &(dyn Fn(u64) + Sync),
) -> io::Result<Option<(Scan, File)>> {
    let size = file.metadata().map_or(0, |m| m.len());
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(MAX_THREADS);
    if threads <= 1 || size <= start + PARALLEL_FROM {
        return Ok(None);
    }
    let (scan, stopped) = scan_file_parallel(file, start, threads, plan, progress)?;
    let mut rest = file.try_clone()?;
    rest.seek(SeekFrom::Start(stopped.unwrap_or(size)))?;
    Ok(Some((scan, rest)))
}

/// Where a streamed scan stopped: the bytes it did not take (from the start
/// of the first line it could not take, or the final unterminated line),
/// to be read by the general path before the rest of the stream.
pub struct Stopped {
    /// Unconsumed bytes already read.
    pub pending: Vec<u8>,
    /// True when the stream ended (nothing follows `pending`).
    pub at_end: bool,
    /// Bytes the scan took (before `pending`).
    pub taken: u64,
}

/// Scans `reader` block by block after `pending` (bytes already read).
pub fn scan_reader(
    reader: &mut dyn Read,
    pending: Vec<u8>,
    plan: Plan,
    acc: &mut Scan,
) -> io::Result<Stopped> {
    scan_blocks(reader, pending, &mut |block| scan_plan(block, plan, acc))
}

/// Reads `reader` block by block after `pending` (bytes already read),
/// handing each block's whole lines to `step`, which returns how many bytes
/// it took: less than it was given stops the scan there.
pub fn scan_blocks(
    reader: &mut dyn Read,
    pending: Vec<u8>,
    step: &mut dyn FnMut(&[u8]) -> usize,
) -> io::Result<Stopped> {
    let mut buf = pending;
    let mut at_end = false;
    let mut total = 0u64;
    loop {
        let filled = buf.len();
        if !at_end && filled < BLOCK {
            // Grow towards a block as the input keeps coming: small inputs
            // stay cheap.
            let size = (2 * filled).clamp(64 << 10, BLOCK);
            buf.resize(size, 0);
            let got = read_full(reader, &mut buf[filled..])?;
            buf.truncate(filled + got);
            at_end = filled + got < size;
        }
        // After the fill the buffer is full or the stream has ended, so no
        // complete line in it means a line longer than a block: the general
        // path reports that one.
        let whole = buf.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let taken = step(&buf[..whole]);
        buf.drain(..taken);
        total += taken as u64;
        if taken < whole || whole == 0 || at_end {
            return Ok(Stopped {
                pending: buf,
                at_end,
                taken: total,
            });
        }
    }
}

/// The outcome of scanning one piece of a file.
struct Piece {
    scan: Scan,
    /// Absolute offset where the scan stopped early, if it did.
    stopped: Option<u64>,
}

/// Scans `file` from `start` to its end on `threads` threads. Returns the
/// scans in file order, merged, and the offset where the general path must
/// take over (None when the whole file was taken).
fn scan_file_parallel(
    file: &File,
    start: u64,
    threads: usize,
    plan: Plan,
    progress: &(dyn Fn(u64) + Sync),
) -> io::Result<(Scan, Option<u64>)> {
    let len = file.metadata()?.len();
    let mut bounds = vec![start];
    for i in 1..threads as u64 {
        let guess = start + (len - start) * i / threads as u64;
        let cut = next_line_start(file, guess.max(*bounds.last().unwrap_or(&start)), len)?;
        bounds.push(cut);
    }
    bounds.push(len);
    let map = map_file(file, len);
    let map = map.as_ref();
    let pieces: Vec<io::Result<Piece>> = std::thread::scope(|s| {
        let handles: Vec<_> = bounds
            .windows(2)
            .map(|w| {
                let (from, to) = (w[0], w[1]);
                s.spawn(move || match map {
                    Some(bytes) => Ok(scan_mapped(bytes, from, to, plan, progress)),
                    None => scan_range(file, from, to, plan, progress),
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(io::Error::other("a counting thread panicked")))
            })
            .collect()
    });
    let mut total = Scan::new();
    for piece in pieces {
        let piece = piece?;
        total.append(&piece.scan);
        if piece.stopped.is_some() {
            return Ok((total, piece.stopped));
        }
    }
    Ok((total, None))
}

/// The first line start at or after `at` (the byte after a `\n`), or `len`.
fn next_line_start(file: &File, at: u64, len: u64) -> io::Result<u64> {
    if at == 0 {
        return Ok(0);
    }
    let mut buf = vec![0u8; 64 * 1024];
    let mut pos = at - 1;
    while pos < len {
        let got = read_at(file, &mut buf, pos)?;
        if got == 0 {
            break;
        }
        if let Some(i) = buf[..got].iter().position(|&b| b == b'\n') {
            return Ok(pos + i as u64 + 1);
        }
        pos += got as u64;
    }
    Ok(len)
}

/// Scans `from..to` (whole lines) of `file`.
fn scan_range(
    file: &File,
    from: u64,
    to: u64,
    plan: Plan,
    progress: &(dyn Fn(u64) + Sync),
) -> io::Result<Piece> {
    let mut acc = Scan::new();
    let mut buf = vec![0u8; BLOCK];
    let mut pos = from;
    let mut carry = 0usize;
    while pos < to {
        let want = ((to - pos) as usize).min(BLOCK - carry);
        let got = read_at(file, &mut buf[carry..carry + want], pos)?;
        if got == 0 {
            break;
        }
        progress(got as u64);
        pos += got as u64;
        let filled = carry + got;
        let whole = if pos >= to {
            filled
        } else {
            buf[..filled]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1)
        };
        let taken = scan_plan(&buf[..whole], plan, &mut acc);
        if taken < whole {
            let stopped = pos - (filled - taken) as u64;
            return Ok(Piece {
                scan: acc,
                stopped: Some(stopped),
            });
        }
        buf.copy_within(whole..filled, 0);
        carry = filled - whole;
        if carry == BLOCK {
            // A single line longer than a block: the general path reports it.
            return Ok(Piece {
                scan: acc,
                stopped: Some(pos - carry as u64),
            });
        }
    }
    let stopped = (carry > 0).then(|| pos - carry as u64);
    Ok(Piece { scan: acc, stopped })
}

/// The file's bytes mapped into memory, when the map succeeds and still
/// holds `len` bytes. Only on Unix, where the pages can be released
/// behind the scan ([`release`]); elsewhere the pieces are read.
#[cfg(unix)]
#[allow(unsafe_code)]
fn map_file(file: &File, len: u64) -> Option<memmap2::Mmap> {
    // SAFETY: the map is only read, and only while the file is scanned;
    // its one hazard, a file truncated by another process meanwhile, is
    // described in the module documentation.
    let map = unsafe { memmap2::Mmap::map(file) }.ok()?;
    // Only a hint for the kernel's read-ahead on a file not yet cached:
    // the scan is the same without it.
    let _ = map.advise(memmap2::Advice::Sequential);
    (map.len() as u64 == len).then_some(map)
}

/// Not on this platform: see the Unix version.
#[cfg(not(unix))]
fn map_file(_: &File, _: u64) -> Option<memmap2::Mmap> {
    None
}

/// Lets the kernel drop the pages of `map` under `len` bytes from `at`
/// from this process: they stay in the page cache, but no longer count in
/// its resident memory, which would otherwise grow to the file's size.
#[cfg(unix)]
#[allow(unsafe_code)]
fn release(map: &memmap2::Mmap, at: usize, len: usize) {
    // SAFETY: MADV_DONTNEED on a read-only map of a file only drops page
    // table entries: a later read of those bytes faults the same file
    // pages back in. A failure leaves the pages mapped, which is harmless.
    let _ = unsafe { map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, at, len) };
}

/// Not on this platform (nothing is mapped there).
#[cfg(not(unix))]
fn release(_: &memmap2::Mmap, _: usize, _: usize) {}

/// Scans `from..to` (whole lines) of the mapped file `map`, letting the
/// pages go once scanned: up to [`RELEASE_LAG`] behind the scan, since a
/// page fault maps the cached pages around it too (Linux's fault-around,
/// 64 KiB by default), and pages mapped again just behind a release would
/// stay.
fn scan_mapped(
    map: &memmap2::Mmap,
    from: u64,
    to: u64,
    plan: Plan,
    progress: &(dyn Fn(u64) + Sync),
) -> Piece {
    let bytes: &[u8] = map;
    let mut acc = Scan::new();
    let (mut pos, to) = (from as usize, to as usize);
    let mut released = pos;
    let mut release_behind = |at: usize| {
        let upto = at.saturating_sub(RELEASE_LAG) / RELEASE_LAG * RELEASE_LAG;
        if upto > released {
            release(map, released, upto - released);
            released = upto;
        }
    };
    while pos < to {
        let end = (pos + MAPPED_BLOCK).min(to);
        let whole = if end == to {
            end
        } else {
            match bytes[pos..end].iter().rposition(|&b| b == b'\n') {
                Some(i) => pos + i + 1,
                None => {
                    return Piece {
                        scan: acc,
                        stopped: Some(pos as u64),
                    };
                }
            }
        };
        progress((whole - pos) as u64);
        let taken = scan_plan(&bytes[pos..whole], plan, &mut acc);
        release_behind(pos + taken);
        if taken < whole - pos {
            return Piece {
                scan: acc,
                stopped: Some((pos + taken) as u64),
            };
        }
        pos = whole;
    }
    Piece {
        scan: acc,
        stopped: None,
    }
}

/// Reads into `buf` from `offset` of `file` without moving its cursor.
#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

/// Reads into `buf` from `offset` of `file`, where `FileExt::read_at` is
/// missing: a seek and a read under one process-wide lock, so that threads
/// reading the same handle never interleave. The cursor moves; the caller
/// positions its own handle afterwards ([`scan_file`] does).
#[cfg(not(unix))]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    static CURSOR: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = CURSOR
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut file = file;
    file.seek(SeekFrom::Start(offset))?;
    file.read(buf)
}

#[cfg(test)]
mod tests {
    use super::super::plan::Limits;
    use super::*;

    const ONE: Plan = Plan {
        limits: ANY,
        columns: None,
    };
    const ANY: Limits = Limits {
        min: 0,
        max: 1_000_000,
    };

    #[test]
    fn streamed_scans_hand_back_the_rest() {
        let mut acc = Scan::new();
        let mut rest = &b"3\n4\nface\n5\n"[..];
        let stopped = scan_reader(&mut rest, b"1\n2\n".to_vec(), ONE, &mut acc).unwrap();
        assert_eq!(stopped.pending, b"face\n5\n");
        assert!(stopped.at_end);
        assert_eq!(acc.lines, 4);
        let mut acc = Scan::new();
        let stopped = scan_reader(&mut &b"1\n2"[..], Vec::new(), ONE, &mut acc).unwrap();
        assert_eq!(stopped.pending, b"2");
    }

    /// The mapped and the read pieces of a file stop at the same byte with
    /// the same counts, whether a piece takes its range whole, stops at a
    /// bad line, or meets a line longer than a block.
    #[test]
    fn mapped_and_read_pieces_agree() {
        let mut text = Vec::new();
        for i in 0..(3 * BLOCK / 3) {
            text.extend_from_slice(format!("{}\n", 1 + i % 20).as_bytes());
        }
        let clean = text.clone();
        let mut bad = text.clone();
        bad.extend_from_slice(b"x\n7\n");
        let mut long = clean.clone();
        long.extend(std::iter::repeat_n(b'1', BLOCK + 10));
        long.push(b'\n');
        for (name, bytes) in [("clean", &clean), ("bad", &bad), ("long", &long)] {
            let path =
                std::env::temp_dir().join(format!("diceml-drive-{}-{name}", std::process::id()));
            std::fs::write(&path, bytes).unwrap();
            let file = File::open(&path).unwrap();
            let len = bytes.len() as u64;
            let map = map_file(&file, len).expect("a regular file maps");
            for (from, to) in [(0, len), (2, len), (0, len / 2 + 1)] {
                let from = if from == 0 {
                    0
                } else {
                    next_line_start(&file, from, len).unwrap()
                };
                let to = if to == len {
                    len
                } else {
                    next_line_start(&file, to, len).unwrap()
                };
                let read = scan_range(&file, from, to, ONE, &|_| {}).unwrap();
                let mapped = scan_mapped(&map, from, to, ONE, &|_| {});
                assert_eq!(read.stopped, mapped.stopped, "{name} {from}..{to}");
                assert_eq!(
                    (read.scan.lines, read.scan.last),
                    (mapped.scan.lines, mapped.scan.last)
                );
                assert_eq!(read.scan.pairs().entries(), mapped.scan.pairs().entries());
            }
            std::fs::remove_file(&path).unwrap();
        }
    }
}
