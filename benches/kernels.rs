//! Micro-benchmarks of diceml's kernels, through the library's public API:
//!
//! - `count/*`: counting an in-memory roll log (1,000,000 rolls of a d6 and
//!   of a d20): the fast scanner [`fast::scan`] on the lines alone, and
//!   [`read::read_input`] on the whole log (header included) with the fast
//!   path on (`fast: true`, one thread: no file is given) and off
//!   (`fast: false`, the general CSV record reader). Throughput in bytes.
//! - `softmax_step/*`: `softmax_into` plus one gradient step
//!   a ← a − η (q − p) at K = 6, 1000, 100000. Throughput in faces.
//! - `sample/*`: one batch of `UniformBatch::fill` and of `AliasTable::fill`
//!   at K = 6 and K = 10^4. Throughput in rolls.
//!
//! Run: `cargo bench --bench kernels -- --warm-up-time 1 --measurement-time 3`
//! (about a minute). End-to-end comparisons with other tools are in
//! `benches/compare.sh` and docs/performance.md.

use std::hint::black_box;
use std::io::{Cursor, Read};
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use diceml::read::domain::Domain;
use diceml::read::fast::{self, Limits, Scan};
use diceml::read::{self, ReadOptions, Tally};
use diceml::sample::{seeded_rng, AliasTable, BytePool, UniformBatch, MAX_BATCH};
use diceml::softmax;

/// Rolls in each in-memory log.
const ROLLS: usize = 1_000_000;

/// A roll log of `n` fair rolls of a `k`-faced die, one face per line, as
/// `diceml simulate --seed 1` draws them (without the header line).
fn roll_lines(k: u64, n: usize) -> Vec<u8> {
    let mut rng = seeded_rng(1);
    let batch = UniformBatch::new(k);
    let mut out = [0u32; MAX_BATCH];
    let mut bytes = Vec::with_capacity(n * 3);
    let mut buf = itoa::Buffer::new();
    let mut left = n;
    while left > 0 {
        batch.fill(&mut rng, &mut out);
        for &face in out[..batch.len().min(left)].iter() {
            bytes.extend_from_slice(buf.format(face + 1).as_bytes());
            bytes.push(b'\n');
        }
        left -= batch.len().min(left);
    }
    bytes
}

/// Counts `log` (header included) with `read_input`, no file handle.
fn read_all(log: &Arc<[u8]>, fast: bool) -> Tally {
    let options = ReadOptions {
        fast,
        ..ReadOptions::default()
    };
    let mut tally = Tally::new(Domain::new(None, None), false);
    let input: Box<dyn Read> = Box::new(Cursor::new(Arc::clone(log)));
    read::read_input(input, None, "bench", &options, &mut tally).expect("a valid log");
    tally
}

fn counting(c: &mut Criterion) {
    let mut group = c.benchmark_group("count");
    for k in [6u64, 20] {
        let lines = roll_lines(k, ROLLS);
        let mut log = b"face\n".to_vec();
        log.extend_from_slice(&lines);
        let log: Arc<[u8]> = log.into();
        // The limits `diceml fit` uses without --faces.
        let limits = Limits {
            min: 0,
            max: 1_000_000,
        };
        group.throughput(Throughput::Bytes(lines.len() as u64));
        let mut acc = Scan::new();
        group.bench_function(BenchmarkId::new("fast_scan", format!("d{k}")), |b| {
            b.iter(|| {
                let taken = fast::scan(black_box(&lines), limits, &mut acc);
                assert_eq!(taken, lines.len());
            })
        });
        group.throughput(Throughput::Bytes(log.len() as u64));
        for (name, fast) in [("read_input_fast", true), ("read_input_general", false)] {
            group.bench_function(BenchmarkId::new(name, format!("d{k}")), |b| {
                b.iter(|| black_box(read_all(&log, fast)))
            });
        }
    }
    group.finish();
}

fn softmax_step(c: &mut Criterion) {
    let mut group = c.benchmark_group("softmax_step");
    for k in [6usize, 1000, 100_000] {
        // A Zipf-like target and logits part-way to it.
        let total: f64 = (1..=k).map(|i| 1.0 / i as f64).sum();
        let p: Vec<f64> = (1..=k).map(|i| 1.0 / i as f64 / total).collect();
        let mut a: Vec<f64> = p.iter().map(|&pk| 0.5 * pk.ln()).collect();
        let (mut q, mut grad) = (vec![0.0; k], vec![0.0; k]);
        let eta = diceml::optim::DEFAULT_LEARNING_RATE;
        group.throughput(Throughput::Elements(k as u64));
        group.bench_function(BenchmarkId::from_parameter(k), |b| {
            b.iter(|| {
                softmax::softmax_into(black_box(&a), &mut q);
                softmax::gradient_into(&p, &q, &mut grad);
                for (ak, &g) in a.iter_mut().zip(&grad) {
                    *ak -= eta * g;
                }
            })
        });
        black_box(&a);
    }
    group.finish();
}

fn sampling(c: &mut Criterion) {
    let mut group = c.benchmark_group("sample");
    for k in [6usize, 10_000] {
        let uniform = UniformBatch::new(k as u64);
        let mut rng = seeded_rng(7);
        let mut out = [0u32; MAX_BATCH];
        group.throughput(Throughput::Elements(uniform.len() as u64));
        group.bench_function(BenchmarkId::new("uniform_fill", k), |b| {
            b.iter(|| {
                uniform.fill(&mut rng, &mut out);
                black_box(&out);
            })
        });
        // A loaded die: weights 1, 2, ..., K.
        let total = (k * (k + 1) / 2) as f64;
        let probs: Vec<f64> = (1..=k).map(|i| i as f64 / total).collect();
        let alias = AliasTable::new(&probs);
        let mut pool = BytePool::new();
        group.throughput(Throughput::Elements(alias.batch_len() as u64));
        group.bench_function(BenchmarkId::new("alias_fill", k), |b| {
            b.iter(|| {
                alias.fill(&mut rng, &mut pool, &mut out);
                black_box(&out);
            })
        });
    }
    group.finish();
}

criterion_group!(benches, counting, softmax_step, sampling);
criterion_main!(benches);
