//! Micro-benchmarks of diceml's kernels, through the library's public API:
//!
//! - `count/*`: counting an in-memory roll log (1,000,000 rolls of a d6 and
//!   of a d20): the fast scanner [`scan::scan`] on the lines alone, and
//!   [`Reader::read`] on the whole log (header included) with the fast
//!   path on (one thread: no file is given) and off
//!   (`general_only: true`, the general CSV record reader); and the same for the
//!   face column of a 3-column log (`ts,player,face`, 1,000,000 rows) with
//!   [`scan::scan_columns`]. Throughput in bytes.
//! - `softmax_step/*`: `softmax_into` plus one gradient step
//!   a ← a − η (q − p) at K = 6, 1000, 100000. Throughput in faces.
//! - `fit_default/*`: a whole default fit ([`optim::fit`] with
//!   `FitOptions::default()`, i.e. `--method auto`) of the Zipf target
//!   p_k ∝ 1/k at K = 10^4, 10^5 and 10^6, where auto takes Newton's method
//!   (0.2.0's default, gradient descent, took 493,000 steps at K = 10^4).
//! - `sample/*`: about 4096 rolls of `UniformBatch::fill_batches` and of
//!   `AliasTable::fill_batches`, as `simulate` draws them, at K = 6 and
//!   K = 10^4. Throughput in rolls.
//!
//! - `exact_lattice/*`: `fit --exact` beyond enumeration
//!   ([`exact::exact_p`] on the lattice) for a d20 rolled 100 times and a
//!   d12 rolled 150 times, each ordering: the counts are ones where the
//!   fine lattice is too big and the coarse one runs after it (the slowest
//!   kind), and one where the fine lattice fits.
//!
//! Run: `cargo bench --bench kernels -- --warm-up-time 1 --measurement-time 3`
//! (two to three minutes). With `DICEML_BENCH_CPU=1` the clock is the
//! benchmark thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`) instead of wall
//! time: on a shared, busy machine it leaves out the time other processes
//! held the core (groups are then named `count@cpu`, ..., so that the two
//! clocks' saved baselines are never compared). End-to-end comparisons with
//! other tools are in `benches/compare.sh` and docs/performance.md.

use std::hint::black_box;
use std::io::Cursor;
use std::sync::Arc;

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{BenchmarkId, Criterion, Throughput};

use diceml::io::Input;
use diceml::optim;
use diceml::read::scan::{self, Columns, Limits, Scan};
use diceml::read::{ColumnSpec, Progress, ReadOptions, Reader};
use diceml::sample::{seeded_rng, AliasTable, UniformBatch, MAX_BATCH};
use diceml::softmax;
use diceml::stats::exact::{self, ExactStat};

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

/// The limits `diceml fit` uses without --faces.
const OPEN: Limits = Limits {
    min: 0,
    max: 1_000_000,
};

/// Counts `log` (header included) with [`Reader::read`], no file handle.
fn read_all(log: &Arc<[u8]>, fast: bool, column: Option<&str>) -> Reader {
    let options = ReadOptions {
        general_only: !fast,
        column: column.map(|c| ColumnSpec::Name(c.to_string())),
        ..ReadOptions::default()
    };
    let mut reader = Reader::new(&options);
    let input = Input::from_reader(Box::new(Cursor::new(Arc::clone(log))), "bench");
    reader
        .read(input, &Progress::default())
        .expect("a valid log");
    reader
}

fn counting<M: Measurement>(c: &mut Criterion<M>, tag: &str) {
    let mut group = c.benchmark_group(format!("count{tag}"));
    for k in [6u64, 20] {
        let lines = roll_lines(k, ROLLS);
        let mut log = b"face\n".to_vec();
        log.extend_from_slice(&lines);
        let log: Arc<[u8]> = log.into();
        group.throughput(Throughput::Bytes(lines.len() as u64));
        let mut acc = Scan::new();
        group.bench_function(BenchmarkId::new("fast_scan", format!("d{k}")), |b| {
            b.iter(|| {
                let taken = scan::scan(black_box(&lines), OPEN, &mut acc);
                assert_eq!(taken, lines.len());
            })
        });
        group.throughput(Throughput::Bytes(log.len() as u64));
        for (name, fast) in [("read_input_fast", true), ("read_input_general", false)] {
            // The general path takes a fraction of a second per log: 10
            // samples (criterion's least) keep the run short.
            group.sample_size(if fast { 100 } else { 10 });
            group.bench_function(BenchmarkId::new(name, format!("d{k}")), |b| {
                b.iter(|| black_box(read_all(&log, fast, None)))
            });
        }
        group.sample_size(100);
    }
    // ts,player,face: the d6 faces beside a timestamp and a player name.
    let players = ["alice", "bob", "carol", "dave"];
    let mut rows = Vec::new();
    for (i, face) in roll_lines(6, ROLLS).split(|&b| b == b'\n').enumerate() {
        if face.is_empty() {
            continue;
        }
        let row = format!("{},{},", 1_700_000_000 + i, players[i % 4]);
        rows.extend_from_slice(row.as_bytes());
        rows.extend_from_slice(face);
        rows.push(b'\n');
    }
    let mut log = b"ts,player,face\n".to_vec();
    log.extend_from_slice(&rows);
    let log: Arc<[u8]> = log.into();
    let columns = Columns {
        delimiter: b',',
        width: 3,
        face: 2,
    };
    group.throughput(Throughput::Bytes(rows.len() as u64));
    let mut acc = Scan::new();
    group.bench_function("fast_scan_columns/d6x3", |b| {
        b.iter(|| {
            let taken = scan::scan_columns(black_box(&rows), OPEN, columns, &mut acc);
            assert_eq!(taken, rows.len());
        })
    });
    group.throughput(Throughput::Bytes(log.len() as u64));
    for (name, fast) in [("read_input_fast", true), ("read_input_general", false)] {
        group.sample_size(if fast { 100 } else { 10 });
        group.bench_function(BenchmarkId::new(name, "d6x3"), |b| {
            b.iter(|| black_box(read_all(&log, fast, Some("face"))))
        });
    }
    group.finish();
}

fn softmax_step<M: Measurement>(c: &mut Criterion<M>, tag: &str) {
    let mut group = c.benchmark_group(format!("softmax_step{tag}"));
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

fn default_fit<M: Measurement>(c: &mut Criterion<M>, tag: &str) {
    let mut group = c.benchmark_group(format!("fit_default{tag}"));
    group.sample_size(10);
    for k in [10_000usize, 100_000, 1_000_000] {
        let total: f64 = (1..=k).map(|i| 1.0 / i as f64).sum();
        let p: Vec<f64> = (1..=k).map(|i| 1.0 / i as f64 / total).collect();
        group.throughput(Throughput::Elements(k as u64));
        group.bench_function(BenchmarkId::from_parameter(k), |b| {
            b.iter(|| optim::fit(black_box(&p), optim::FitOptions::default()))
        });
    }
    group.finish();
}

fn sampling<M: Measurement>(c: &mut Criterion<M>, tag: &str) {
    let mut group = c.benchmark_group(format!("sample{tag}"));
    // As `simulate` draws them: whole batches, about 4096 rolls a call.
    let rolls = |batch: usize| vec![0u32; 4096 / batch * batch];
    for k in [6usize, 10_000] {
        let uniform = UniformBatch::new(k as u64);
        let mut rng = seeded_rng(7);
        let mut out = rolls(uniform.len());
        group.throughput(Throughput::Elements(out.len() as u64));
        group.bench_function(BenchmarkId::new("uniform_fill", k), |b| {
            b.iter(|| {
                uniform.fill_batches(&mut rng, &mut out);
                black_box(&out);
            })
        });
        // A loaded die: weights 1, 2, ..., K.
        let total = (k * (k + 1) / 2) as f64;
        let probs: Vec<f64> = (1..=k).map(|i| i as f64 / total).collect();
        let alias = AliasTable::new(&probs);
        let mut out = rolls(alias.batch_len());
        group.throughput(Throughput::Elements(out.len() as u64));
        group.bench_function(BenchmarkId::new("alias_fill", k), |b| {
            b.iter(|| {
                alias.fill_batches(&mut rng, &mut out);
                black_box(&out);
            })
        });
    }
    group.finish();
}

/// The calling thread's CPU time, in nanoseconds.
fn thread_cpu_ns() -> u64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec for clock_gettime to write.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    t.tv_sec as u64 * 1_000_000_000 + t.tv_nsec as u64
}

/// Criterion measurement: the benchmark thread's CPU time in nanoseconds,
/// shown like wall time.
struct ThreadCpuTime {
    wall: WallTime,
}

impl Measurement for ThreadCpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        thread_cpu_ns()
    }
    fn end(&self, start: u64) -> u64 {
        thread_cpu_ns() - start
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        self.wall.formatter()
    }
}

/// The exact test on the lattice at tabletop sizes.
fn exact_lattice<M: Measurement>(c: &mut Criterion<M>, tag: &str) {
    let mut group = c.benchmark_group(format!("exact_lattice{tag}"));
    group.sample_size(10);
    let cases: [(&str, &[u64]); 3] = [
        (
            "d20x100_coarse",
            &[10, 1, 2, 3, 8, 3, 2, 4, 9, 5, 10, 6, 1, 3, 6, 7, 7, 4, 4, 5],
        ),
        (
            "d20x100_fine",
            &[3, 4, 2, 5, 6, 3, 6, 4, 3, 5, 9, 4, 3, 5, 9, 4, 3, 7, 9, 6],
        ),
        (
            "d12x150_coarse",
            &[17, 6, 18, 8, 9, 18, 18, 10, 10, 15, 13, 8],
        ),
    ];
    for (name, counts) in cases {
        let null = vec![1.0 / counts.len() as f64; counts.len()];
        for (stat_name, stat) in [
            ("llr", ExactStat::Llr),
            ("chisq", ExactStat::Chisq),
            ("prob", ExactStat::Prob),
        ] {
            group.bench_function(BenchmarkId::new(name, stat_name), |b| {
                b.iter(|| exact::exact_p(black_box(counts), &null, stat).expect("fits"))
            });
        }
    }
    group.finish();
}

fn run<M: Measurement>(mut c: Criterion<M>, tag: &str) {
    exact_lattice(&mut c, tag);
    counting(&mut c, tag);
    softmax_step(&mut c, tag);
    default_fit(&mut c, tag);
    sampling(&mut c, tag);
    c.final_summary();
}

fn main() {
    if std::env::var_os("DICEML_BENCH_CPU").is_some_and(|v| !v.is_empty() && v != "0") {
        let clock = ThreadCpuTime { wall: WallTime };
        run(
            Criterion::default()
                .with_measurement(clock)
                .configure_from_args(),
            "@cpu",
        );
    } else {
        run(Criterion::default().configure_from_args(), "");
    }
}
