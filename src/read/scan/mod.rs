//! The fast path: scanners that count the rolls of clean integer logs many
//! lines at a time, and hand the first line they cannot take back to the
//! general reader, so that every answer is the general reader's (property
//! tests check it).
//!
//! Nothing here knows about options, domains or tallies: the reader gives a
//! [`Plan`] (which faces, which column) and gets back a [`Scan`]. The files,
//! each depending only on those above it in this list:
//!
//! - `plan.rs`: [`Limits`], [`Columns`], [`Plan`], what a scan may take;
//! - `counts.rs`: [`Scan`] and [`PairCounts`], what a scan counts into;
//! - `masks.rs`: byte classes of a word or a 64-byte block as bit masks
//!   (SSE2 on x86_64, a portable loop elsewhere);
//! - `lines.rs`: [`scan`], the one-column scanner's five tiers;
//! - `avx512.rs`: a sixth tier for blocks of short lines on CPUs with
//!   AVX-512 VBMI2;
//! - `columns.rs`: [`scan_columns`], the multi-column scanner;
//! - `ordered.rs`: [`ordered_faces`], the faces of a one-column log in
//!   order, for `audit` and `--sequential` (`columns.rs` has
//!   [`ordered_columns`] for the others);
//! - `dispatch.rs`: [`scan_plan`], which picks the scanner for the plan and
//!   the build for the CPU;
//! - `drive.rs`: [`scan_reader`] and [`scan_file`], the only code here
//!   that reads the input: as a stream, or a regular file on all cores.
//!
//! `unsafe` code lives in `masks.rs` and `avx512.rs` (SIMD intrinsics),
//! `dispatch.rs` (calling the Haswell and AVX-512 builds after checking the
//! CPU) and `drive.rs` (mapping a file into memory), and nowhere else in
//! diceml.

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod avx512;
mod columns;
mod counts;
#[allow(unsafe_code)]
mod dispatch;
mod drive;
mod lines;
#[allow(unsafe_code)]
mod masks;
mod ordered;
mod plan;

pub use columns::{ordered_columns, scan_columns};
pub use counts::{PairCounts, Scan, NO_PREVIOUS};
pub use dispatch::scan_plan;
pub use drive::{scan_blocks, scan_file, scan_reader, Stopped};
pub use lines::scan;
pub use ordered::ordered_faces;
pub use plan::{Columns, Limits, Plan};
