//! The CPU dispatch: the scanners run compiled for AVX-512 VBMI2 (Ice Lake
//! and later, with the wide short-line tier of `avx512.rs`), or for Haswell
//! and later, where the CPU has those features, and for the x86_64 baseline
//! (or the target's own baseline) elsewhere; a property test checks that
//! the builds agree.

use super::columns::scan_columns;
use super::counts::Scan;
use super::lines::scan;
use super::plan::Plan;
// The AVX-512 build's parts, on x86_64 only (one `use` a module, as the
// layering guard reads them).
#[cfg(target_arch = "x86_64")]
use super::avx512;
#[cfg(target_arch = "x86_64")]
use super::counts::SMALL;
#[cfg(target_arch = "x86_64")]
use super::lines::{scan_with, ShortLines};
#[cfg(target_arch = "x86_64")]
use super::plan::Limits;

/// Scans with `plan`: [`scan`] for one-column logs, [`scan_columns`]
/// otherwise.
///
/// On x86_64 CPUs from 2013 on (Haswell and later: AVX2, BMI1/2, LZCNT,
/// POPCNT) the same code runs compiled for them: three-operand vector
/// compares and one-instruction bit clearing and counting take a d20 line
/// from about 21 instructions to 18 (callgrind). The answers are the same.
pub fn scan_plan(bytes: &[u8], plan: Plan, acc: &mut Scan) -> usize {
    #[cfg(target_arch = "x86_64")]
    if let Some(wide) = Avx512::detect() {
        // SAFETY: `detect` found every feature the function is compiled for.
        return unsafe { scan_plan_avx512(bytes, plan, acc, wide) };
    }
    #[cfg(target_arch = "x86_64")]
    if haswell() {
        // SAFETY: the CPU has every feature the function is compiled for.
        return unsafe { scan_plan_haswell(bytes, plan, acc) };
    }
    scan_plan_baseline(bytes, plan, acc)
}

/// Whether the CPU has the features of [`scan_plan_haswell`].
#[cfg(target_arch = "x86_64")]
fn haswell() -> bool {
    std::is_x86_feature_detected!("avx2")
        && std::is_x86_feature_detected!("bmi1")
        && std::is_x86_feature_detected!("bmi2")
        && std::is_x86_feature_detected!("lzcnt")
        && std::is_x86_feature_detected!("popcnt")
}

/// [`scan_plan_baseline`] compiled for Haswell and later.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,bmi1,bmi2,lzcnt,popcnt")]
fn scan_plan_haswell(bytes: &[u8], plan: Plan, acc: &mut Scan) -> usize {
    scan_plan_baseline(bytes, plan, acc)
}

/// The wide short-line tier of `avx512.rs`. A value exists only once
/// [`Avx512::detect`] has found the CPU's features, which is what makes
/// calling the tier safe.
#[cfg(target_arch = "x86_64")]
#[derive(Debug, Clone, Copy)]
struct Avx512 {
    _checked: (),
}

#[cfg(target_arch = "x86_64")]
impl Avx512 {
    /// The tier, when the CPU has AVX-512 VBMI2 and Haswell's features.
    fn detect() -> Option<Self> {
        (haswell() && avx512::available()).then_some(Avx512 { _checked: () })
    }
}

#[cfg(target_arch = "x86_64")]
impl ShortLines for Avx512 {
    #[inline(always)]
    fn short_lines(
        self,
        bytes: &[u8],
        pos: usize,
        limits: Limits,
        prev: &mut u32,
        small: &mut [u64; SMALL * SMALL],
        triples: &mut Vec<u32>,
    ) -> Option<(usize, u64)> {
        if triples.is_empty() {
            *triples = vec![0; avx512::TRIPLES];
        }
        let triples = triples.as_mut_slice().try_into().ok()?;
        let limits = avx512::byte_limits(limits);
        // SAFETY: `self` exists only on a CPU with the tier's features.
        unsafe { avx512::short_lines(bytes, pos, limits, prev, small, triples) }
    }
}

/// [`scan_plan_baseline`] compiled for AVX-512 VBMI2, with the wide tier.
#[cfg(target_arch = "x86_64")]
#[target_feature(
    enable = "avx2,bmi1,bmi2,lzcnt,popcnt,avx512f,avx512bw,avx512vbmi,avx512vbmi2,avx512vl"
)]
fn scan_plan_avx512(bytes: &[u8], plan: Plan, acc: &mut Scan, wide: Avx512) -> usize {
    match plan.columns {
        None => {
            let consumed = scan_with(bytes, plan.limits, acc, wide);
            acc.after_triples(consumed);
            consumed
        }
        // The multi-column scanner gains nothing from AVX-512 (it ran
        // slower built for it): the Haswell build.
        Some(_) => scan_plan_haswell(bytes, plan, acc),
    }
}

#[inline(always)]
fn scan_plan_baseline(bytes: &[u8], plan: Plan, acc: &mut Scan) -> usize {
    match plan.columns {
        None => scan(bytes, plan.limits, acc),
        Some(columns) => scan_columns(bytes, plan.limits, columns, acc),
    }
}

/// The Haswell build of the scanners against the baseline build, on the
/// lines each path takes and refuses (the integration tests go through
/// whichever one this machine's CPU selects).
#[cfg(all(test, target_arch = "x86_64"))]
mod builds {
    use super::super::plan::{Columns, Limits};
    use super::*;
    use proptest::prelude::*;

    fn lines() -> impl Strategy<Value = Vec<u8>> {
        let line = prop_oneof![
            12 => "[1-9]|1[0-9]|20",
            4 => "[0-9]{1,3},[a-z]{0,70},[1-6]",
            2 => "[0-9]{1,8}",
            1 => prop_oneof![Just(""), Just("4\r"), Just("\"5\""), Just("x"), Just("1,\"2\",3"), Just("\0")]
                .prop_map(String::from),
        ];
        proptest::collection::vec(line, 0..400).prop_map(|l| (l.join("\n") + "\n").into_bytes())
    }

    /// Long runs of one- and two-digit lines (whole 64-byte blocks of
    /// them, the wide tier's case), with now and then a line it must
    /// decline: blank, padded, three digits, a carriage return, a letter.
    fn short_runs() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![Just(6u32), Just(20), Just(31), Just(32), Just(99)].prop_flat_map(|top| {
            let line = prop_oneof![
                300 => (1..=top).prop_map(|face| face.to_string()),
                3 => Just(String::new()),
                1 => "0[0-9]",
                1 => "[1-9][0-9]{2}",
                1 => prop_oneof![Just("0"), Just("4\r"), Just("x"), Just("\0")].prop_map(String::from),
            ];
            proptest::collection::vec(line, 0..1500).prop_map(|l| (l.join("\n") + "\n").into_bytes())
        })
    }

    /// The three scans of `bytes` with `plan` agree: baseline, Haswell and,
    /// where the CPU has it, AVX-512.
    fn builds_agree(bytes: &[u8], plan: Plan) -> Result<(), TestCaseError> {
        let (mut a, mut b) = (Scan::new(), Scan::new());
        let (ta, tb) = (
            scan_plan_baseline(bytes, plan, &mut a),
            // SAFETY: the callers assume haswell(): the CPU has the features.
            unsafe { scan_plan_haswell(bytes, plan, &mut b) },
        );
        prop_assert_eq!(ta, tb);
        prop_assert_eq!((a.last, a.lines), (b.last, b.lines));
        prop_assert_eq!(a.pairs().entries(), b.pairs().entries());
        if let Some(wide) = Avx512::detect() {
            let mut c = Scan::new();
            // SAFETY: `detect` found the features.
            let tc = unsafe { scan_plan_avx512(bytes, plan, &mut c, wide) };
            prop_assert_eq!(ta, tc);
            prop_assert_eq!((a.last, a.lines), (c.last, c.lines));
            prop_assert_eq!(a.pairs().entries(), c.pairs().entries());
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn the_builds_agree(
            bytes in lines(),
            columns in prop_oneof![
                Just(None),
                (0..3usize).prop_map(|face| Some(Columns { delimiter: b',', width: 3, face })),
            ],
            max in prop_oneof![Just(20u32), Just(1_000_000)],
        ) {
            prop_assume!(haswell());
            builds_agree(&bytes, Plan { limits: Limits { min: 1, max }, columns })?;
        }

        #[test]
        fn the_builds_agree_on_runs_of_short_lines(
            bytes in short_runs(),
            (min, max) in prop_oneof![Just((1u32, 20u32)), Just((0, 31)), Just((1, 6)), Just((0, 1_000_000)), Just((10, 99))],
        ) {
            prop_assume!(haswell());
            builds_agree(&bytes, Plan { limits: Limits { min, max }, columns: None })?;
        }
    }
}
