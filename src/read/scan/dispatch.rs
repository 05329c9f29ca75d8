//! The CPU dispatch: the scanners run compiled for Haswell and later where
//! the CPU has those features, and for the x86_64 baseline (or the target's
//! own baseline) elsewhere; a property test checks that both builds agree.

use super::columns::scan_columns;
use super::counts::Scan;
use super::lines::scan;
use super::plan::Plan;

/// Scans with `plan`: [`scan`] for one-column logs, [`scan_columns`]
/// otherwise.
///
/// On x86_64 CPUs from 2013 on (Haswell and later: AVX2, BMI1/2, LZCNT,
/// POPCNT) the same code runs compiled for them: three-operand vector
/// compares and one-instruction bit clearing and counting take a d20 line
/// from about 21 instructions to 18 (callgrind). The answers are the same.
pub fn scan_plan(bytes: &[u8], plan: Plan, acc: &mut Scan) -> usize {
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

    proptest! {
        #[test]
        fn haswell_and_baseline_builds_agree(
            bytes in lines(),
            columns in prop_oneof![
                Just(None),
                (0..3usize).prop_map(|face| Some(Columns { delimiter: b',', width: 3, face })),
            ],
            max in prop_oneof![Just(20u32), Just(1_000_000)],
        ) {
            prop_assume!(haswell());
            let plan = Plan { limits: Limits { min: 1, max }, columns };
            let (mut a, mut b) = (Scan::new(), Scan::new());
            let (ta, tb) = (
                scan_plan_baseline(&bytes, plan, &mut a),
                // SAFETY: prop_assume above: the CPU has the features.
                unsafe { scan_plan_haswell(&bytes, plan, &mut b) },
            );
            prop_assert_eq!(ta, tb);
            prop_assert_eq!((a.last, a.lines), (b.last, b.lines));
            prop_assert_eq!(a.pairs().entries(), b.pairs().entries());
        }
    }
}
