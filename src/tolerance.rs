//! Every tolerance and accuracy constant of the math, in one place (as
//! statrs keeps its `prec` module): stopping rules of iterations, guards
//! against division by zero, tie tolerances and iteration caps, each with
//! what it guards and why it has its value.
//!
//! The modules that use them: `optim` (the fit), `stats` (its `special`
//! functions, the quantile solver of `stats::dist`, `stats::exact`,
//! `stats::power`) and `analysis` (the Sison–Glaz guard, `plan`'s same-die
//! test). This module imports nothing, so that every layer may
//! use it (its docs name those modules in plain text, not as links, for
//! the same reason).
//!
//! Not here, on purpose: the switch points between methods (e.g. Temme's
//! expansion for a ≥ 1e5, the uniform beta expansion for min(a, b) ≥ 1000,
//! the large-b beta series for b ≥ 1e5, the Cornish–Fisher start for
//! min(a, b) ≥ 50, Sison–Glaz's linear search up to c = 10 000), which are
//! part of each algorithm's description and stay beside it; limits of work
//! (the exact test's ten million outcomes, the fit's default iteration
//! budget); and mathematical constants such as ½ ln 2π.
//!
//! Changing a value here changes printed numbers: the outputs are pinned by
//! the golden tests.

// ---------------------------------------------------------------- the fit

/// The fit's default stopping rule: it stops once max_k |q_k − p_k| ≤ this
/// (the gradient's max-norm, so the stopping rule and the reported
/// agreement are one number). 1e-10 is far below the sampling error of any
/// p̂ (its standard error is above 1e-5 for p = 1/6 even at a billion
/// rolls) and far above the rounding of q (about 1e-16), so every method
/// reaches it. `--tol` overrides it (the command line's default, "1e-10",
/// is this value).
pub const FIT_TOL: f64 = 1e-10;

/// Newton steps are line-searched while max_k |q_k − p_k| is above this;
/// below it the full step is taken (the loss then changes by less than its
/// own rounding, so a search could not tell a good step from a bad one,
/// and the full step converges quadratically there).
pub const NEWTON_FULL_STEP_BELOW: f64 = 1e-6;

/// Most halvings of a Newton step in the line search: 60 halvings reach
/// 2⁻⁶⁰ ≈ 1e-18, beyond which the direction is useless.
pub const NEWTON_MAX_HALVINGS: usize = 60;

// ------------------------------------------ series and continued fractions

/// Relative convergence tolerance of the series and continued fractions of
/// the incomplete gamma and beta functions: stop when a factor is within
/// 2ε of 1 or a term within 2ε of its sum (ε = 2.2e-16), i.e. when another
/// term cannot move the result by more than an ulp or so.
pub const SERIES_EPS: f64 = 2.0 * f64::EPSILON;

/// Relative size below which a term (of log1pmx's, expm1mx's, erfcx's and
/// the beta expansions' series, or of the noncentral χ² Poisson mixture)
/// or an estimated relative error (of a Newton step of the quantile solver)
/// is negligible: 1e-17 is below a tenth of an ulp (ε = 2.2e-16), so adding
/// the term, or taking another step, cannot change the double.
pub const NEGLIGIBLE: f64 = 1e-17;

/// A positive floor far below any value that matters: keeps the modified
/// Lentz algorithm's C and D away from 0 (Numerical Recipes §5.2) and the
/// Poisson mixture's total away from 0 in its relative stopping test. Small
/// enough never to perturb a real value, large enough that its reciprocal
/// (1e300) is finite.
pub const TINY: f64 = 1e-300;

/// Iteration cap for every series and continued fraction of the incomplete
/// gamma and beta functions; never reached by the arguments that diceml
/// produces (the worst, a continued fraction at the median of
/// Beta(1e17, 1e17), needs a few million).
pub const SERIES_MAX_ITER: usize = 50_000_000;

/// The odd denominators of log1pmx's series stop below this: the series in
/// r = x/(2+x) with |r| ≤ 1/3 falls by 1/9 a term and reaches
/// [`NEGLIGIBLE`] within 20 terms, so about 100 terms are a cap never met.
pub const LOG1PMX_MAX_ODD: f64 = 200.0;

/// expm1mx's series xⁿ/n! (|x| ≤ ½) stops below this n: it reaches
/// [`NEGLIGIBLE`] by n ≈ 16, so 40 is a cap never met.
pub const EXPM1MX_MAX_N: f64 = 40.0;

/// erfcx's series (y < 1.25) stops below this n: its terms (2y²)ⁿ/(2n+1)!!
/// reach [`NEGLIGIBLE`] within about 30 terms there, so 200 is a cap never
/// met.
pub const ERFCX_SERIES_MAX_N: f64 = 200.0;

/// Terms of the uniform beta expansion before it gives up and leaves the
/// point to the continued fractions; at |ω| ≤ 1 its terms fall at least
/// like 0.4ⁿ, so it converges within about 45 (its arrays have this many
/// entries).
pub const UNIFORM_MAX_TERMS: usize = 64;

/// Terms of the large-b beta series (in incomplete gamma functions); they
/// fall like (a³/24b²)^{j/2}/(j/2)! with a³ ≤ 24b², below [`NEGLIGIBLE`]
/// within about 40, so 120 is a cap never met.
pub const LARGE_B_MAX_TERMS: usize = 120;

/// Terms of the noncentral χ² Poisson mixture summed above the Poisson mode
/// at most (λ up to a few thousand needs a few hundred).
pub const POISSON_MIXTURE_MAX_TERMS: f64 = 10_000.0;

// ------------------------------------------------- the quantile solver

/// Iterations of the safeguarded Newton solver of a quantile
/// (`stats::dist`) at most: each takes a Newton step or bisects the
/// bracket (geometrically while it spans more than a factor 4), so 400 is
/// a cap far beyond what a bracket of doubles needs.
pub const QUANTILE_MAX_ITER: usize = 400;

/// After this many iterations the quantile solver only bisects: a Newton
/// iteration that has not converged by then is not converging.
pub const QUANTILE_NEWTON_MAX_ITER: usize = 60;

/// The quantile solver's relative resolution of x: it stops when a step or
/// the bracket is at most this times x (about 4 ulps), below which a step
/// only rounds back and forth.
pub const QUANTILE_RESOLUTION: f64 = 4.0 * f64::EPSILON;

/// A Newton step below [`QUANTILE_RESOLUTION`] is accepted as the answer
/// only where the log-tail already matches its target to this: far from the
/// answer the slope is a difference of huge logarithms and not to be
/// trusted.
pub const QUANTILE_MATCHED_G: f64 = 1e-6;

/// The quantile solver predicts its Newton error from the curvature only
/// near the root, where |ln F − ln p| is below this and the quadratic error
/// model holds.
pub const QUANTILE_NEAR_ROOT_G: f64 = 1e-3;

/// The beta quantile decides on which side of ½ it lies from the normal
/// approximation alone when both parameters are at least this …
pub const BETA_SIDE_MIN_PARAM: f64 = 100.0;

/// … and the approximation puts ½ and the quantile more than this many
/// standard deviations apart: its error in z is far below 3 there, so it
/// cannot pick the wrong side, and the slow evaluation of I at ½ (in the
/// bulk of a huge beta) is skipped.
pub const BETA_SIDE_Z_MARGIN: f64 = 3.0;

/// From min(a, b) at least this, the beta quantile is the Cornish–Fisher
/// expansion itself (μ + w·σ with the skewness and kurtosis terms), with no
/// evaluation of the incomplete beta. The terms it leaves out are of order
/// z⁴·min(a, b)^{−3/2} standard deviations (Johnson, Kotz & Balakrishnan
/// §25.2: the γ₁³, γ₁γ₂ and fifth-cumulant terms, each below z⁴/min^{3/2}),
/// and σ/x ≤ min(a, b)^{−1/2}, so the relative error is below
/// z⁴/min(a, b)² ≤ 2.2e6/1e30 ≈ 2e-24 for every p ≥ 5e-324 (|z| ≤ 38.6):
/// far below an ulp. Here the tails at a double are all but meaningless (a
/// standard deviation spans 3e-8 relative at min = 1e15 and under an ulp
/// beyond 1e32), which is what the iteration would have to work with.
pub const BETA_QUANTILE_CLOSED_FORM_MIN: f64 = 1e15;

/// The relative accuracy of the noncentrality λ that gives a test its power
/// (the rolls a test needs): the bisection stops when the bracket is within
/// 1e-10 of λ, far finer than the rolls it is rounded up to.
pub const POWER_BISECTION_REL: f64 = 1e-10;

/// The noncentral χ² survival function is 1 without summing where
/// Birgé's bound puts the lower tail below e^{−this}: e^{−40} ≈ 4.2e-18 is
/// under half an ulp of 1 (5.6e-17), so the sum could only round to 1.
pub const NONCENTRAL_CERTAIN_NATS: f64 = 40.0;

/// `plan`'s smallest whole N is sought in a bracket of this relative width
/// around the real solution first: ten times the bisection's
/// [`POWER_BISECTION_REL`], so the bracket holds the answer at once (it is
/// widened by doubling if it does not).
pub const ROLLS_BRACKET_REL: f64 = 1e-9;

/// `plan` takes an alternative as the null itself when no face differs by
/// more than this relative to the larger of its two probabilities. Weights
/// normalised by a sum of up to 10^6 terms carry at most K·ε ≈ 2.2e-10 of
/// rounding in each probability, so dice given alike (`--probs 0.1,0.2,0.7
/// --expected 1,2,7`) compare equal; a die this close to the null would
/// need more than 10^18 rolls to find anyway (w² < 10^-18).
pub const PLAN_SAME_DIE_REL: f64 = 1e-9;

// ------------------------------------------------------- the exact test

/// Relative tie tolerance of the exact test's ordering by G: an outcome
/// counts as extreme when G(x) ≥ G_obs·(1 − 1e-9) − 1e-12, so that
/// permutations of the observed counts, whose G is mathematically equal but
/// whose floating sums differ in the last bits, are all included (as R's
/// XNomial does). 1e-9 is far above the rounding of a sum of a few dozen
/// terms.
pub const EXACT_TIE_RELATIVE: f64 = 1e-9;

/// Absolute tie tolerance of the exact test's ordering by G (see
/// [`EXACT_TIE_RELATIVE`]), for G_obs near 0, where a relative tolerance
/// vanishes.
pub const EXACT_TIE_ABSOLUTE: f64 = 1e-12;

/// The lattice method's allowance for the rounding of the statistic's
/// per-face terms themselves, relative to Σ_k max_x |t_k(x)|: the bound on
/// how far an outcome's Σ t lies from its lattice point is the measured
/// rounding to the step plus this fraction. A term is one logarithm, a
/// product and a quotient (a few ulp, 1e-15 relative) and a sum of K of
/// them adds K ulp; 1e-13 covers K up to a few hundred with room.
pub const LATTICE_BOUND_SLACK: f64 = 1e-13;

/// The widest interval [p − bound, p] the exact test reports from a coarse
/// lattice; wider, it refuses (and names Monte Carlo). A p-value known only
/// to within 0.2 can still be far from a 5% level, and the probability
/// ordering at d20 × 100 needs up to 0.17; beyond, the lattice's steps are
/// as wide as the statistic's spread (a d6 rolled 2,800 times gave 0.98),
/// and the number says nothing.
pub const LATTICE_MAX_BOUND: f64 = 0.2;

// ------------------------------------------------------------ intervals

/// Sison–Glaz's search loses its precision at very large counts (a coin at
/// N ≈ 4·10^10 collapsed to a width near 1e-15). An interval of a face with
/// 0 < n < N narrower than this fraction of Goodman's at the same level is
/// taken as that collapse (never the case when the method works), and
/// every face falls back to Goodman.
pub const SISON_GLAZ_COLLAPSE_RATIO: f64 = 0.01;

// --------------------------------------------- a die seen through totals

/// Two starts of a `--sum-of` fit reach equally good optima when their
/// log-likelihoods ℓ differ by at most this (nats, absolute). A converged
/// start (max|∇f| ≤ 1e-10 for the mean f = −ℓ/N) is within about
/// N·|∇f|²/curvature of its optimum's ℓ, far below 1e-9 for the logs
/// diceml reads; two genuinely different local optima differ by far more
/// unless the likelihood cannot tell them apart.
pub const SUM_EQUAL_OPTIMA_LOGLIK: f64 = 1e-9;

/// Two equally good optima of a `--sum-of` fit are distinct dice when
/// some face's q differs by more than this. The same optimum reached from
/// two starts agrees to about tol/curvature (1e-10/1e-4 = 1e-6 in the
/// worst case diceml meets), so 1e-5 separates rounding from a second die.
pub const SUM_DISTINCT_Q: f64 = 1e-5;

/// A face of a `--sum-of` fit whose q is below this sits on the boundary
/// of the simplex (its MLE is 0, approached as a_k → −∞): the Fisher
/// information is not invertible there, so no standard error is given for
/// it, and the others' come from the information of the faces above it.
/// At 1e-6 a face's expected share of even 10^5 totals of 12 dice is about
/// one roll, far below anything the data could tell from 0.
pub const SUM_BOUNDARY_Q: f64 = 1e-6;

// ------------------------------------------------------ log-linear models

/// A design column whose remainder, after removing the constant and the
/// columns before it (Gram–Schmidt), is at most this fraction of its
/// length is refused as dependent. Face normals and other designs written
/// with 15 or more significant digits leave remainders near 1e-15 when
/// they are truly dependent and above 1e-3 when not; 1e-10 sits between
/// with room on both sides.
pub const DESIGN_RANK_TOL: f64 = 1e-10;

/// The fewest counts a category of the audit battery's χ² tests may expect
/// (Cochran's rule, as Knuth §3.3.2 asks: "each expected count at least
/// 5"); smaller categories are pooled, and a test whose log cannot fill two
/// categories is skipped. Below it the χ² reference misstates the tail.
pub const MIN_EXPECTED: f64 = 5.0;

/// The fewest rolls the runs up and down test takes: its count R is
/// referred to the normal law, whose error in the tails shrinks like
/// 1/√n (R − 1 is a sum of n − 2 two-dependent turning-point indicators);
/// NIST SP 800-22 asks n ≥ 100 of its runs test, and the battery's other
/// tests need more rolls than that anyway.
pub const RUNS_MIN_ROLLS: u64 = 100;

/// The fewest rolls the Ljung–Box test of serial correlation takes (Box &
/// Jenkins's rule of at least 50 observations for autocorrelations):
/// below it the χ²(L) law of Q is too rough.
pub const LJUNG_BOX_MIN_ROLLS: u64 = 50;
