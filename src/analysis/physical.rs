//! Physical models of a die (`fit --model pairs`, `fit --design FILE`):
//! what they ask for ([`ModelSpec`]), their fits and tests, and the JSON
//! they add under a die's `model` ([`ModelReport`]).

use anyhow::{bail, Result};
use serde::Serialize;

use crate::dataset::Design;
use crate::error::UsageError;
use crate::loglinear;
use crate::optim::{FitOptions, Method, Stop};
use crate::stats::{gof, pairs, TestResult};

/// The model asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelSpec {
    /// `--model pairs`: the axis/tilt split.
    Pairs,
    /// `--design FILE`: logits a = Xβ.
    Design(Design),
}

/// A model's report, under the die's `model` (its `kind` says which).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ModelReport {
    /// `--model pairs`.
    Pairs(PairsModel),
    /// `--design FILE`.
    Design(DesignModel),
}

impl ModelReport {
    /// The fitted q per face with its counts.
    pub fn fitted(&self) -> &[FittedFace] {
        match self {
            ModelReport::Pairs(m) => &m.fitted,
            ModelReport::Design(m) => &m.fitted,
        }
    }
}

/// One face under the model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FittedFace {
    /// The face's label.
    pub face: String,
    /// n_k.
    pub count: u64,
    /// The model's fitted probability.
    pub q: f64,
    /// N·q, the count the model expects.
    pub expected: f64,
}

/// The axis/tilt split.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairsModel {
    /// The opposite pairs (faces summing to K + 1).
    pub pairs: Vec<PairRow>,
    /// The two likelihood-ratio tests.
    pub tests: PairsTests,
    /// The tilt-free fit: each pair's rolls shared equally by its faces.
    pub fitted: Vec<FittedFace>,
}

/// One opposite pair.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairRow {
    /// Its two faces (j and K + 1 − j).
    pub faces: [String; 2],
    /// Their counts.
    pub counts: [u64; 2],
    /// The pair's share of the rolls, T_j / N (2/K on a fair die).
    pub share: f64,
    /// The first face's share of the pair's rolls, n_j / T_j (½ without
    /// tilt); absent for a pair never rolled.
    pub first_share: Option<f64>,
}

/// The axis and tilt tests (G = axis + tilt, against the fair die).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairsTests {
    /// Tilt-free against fair: do some pairs come up more? df K/2 − 1.
    pub axis: TestResult,
    /// Free against tilt-free: do the faces of a pair differ? df K/2.
    pub tilt: TestResult,
}

/// A fitted design.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DesignModel {
    /// The design file.
    pub file: String,
    /// One per column.
    pub parameters: Vec<Parameter>,
    /// ℓ(β̂) = Σ n_k ln q_k (without the multinomial coefficient).
    pub loglik: f64,
    /// 2(ℓ(β̂) − ℓ(fair)), df = the number of parameters.
    pub lrt_vs_fair: TestResult,
    /// 2(ℓ(free) − ℓ(β̂)), df = K − 1 − the number of parameters.
    pub lrt_vs_free: TestResult,
    /// The optimiser that ran ("newton" under auto).
    pub method: Method,
    /// Iterations taken.
    pub iterations: u64,
    /// True when max_j |Xᵀ(q − p)|_j ≤ tol.
    pub converged: bool,
    /// Why the iteration stopped.
    pub stop: Stop,
    /// max_j |Xᵀ(q − p)|_j at the estimate.
    pub gradient_max: f64,
    /// The fitted q per face.
    pub fitted: Vec<FittedFace>,
}

/// One parameter of a design.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Parameter {
    /// The column's name.
    pub name: String,
    /// β̂.
    pub estimate: f64,
    /// √(I⁻¹)_jj, null where the information is singular.
    pub std_error: Option<f64>,
    /// β̂ / SE.
    pub z: Option<f64>,
    /// Two-sided normal p-value P(|Z| ≥ |z|) = P(χ²₁ ≥ z²).
    pub p_value: Option<f64>,
}

/// Fits `spec` to one die's counts (N > 0). `null_is_fair`: the models
/// test against the fair die only.
pub fn analyse(
    spec: &ModelSpec,
    faces: &[String],
    counts: &[u64],
    null_is_fair: bool,
    fit: FitOptions,
) -> Result<ModelReport> {
    let flag = match spec {
        ModelSpec::Pairs => "--model pairs",
        ModelSpec::Design(_) => "--design",
    };
    if !null_is_fair {
        return Err(UsageError(format!("{flag} tests against a fair die; drop --expected")).into());
    }
    match spec {
        ModelSpec::Pairs => pairs_model(faces, counts),
        ModelSpec::Design(design) => design_model(design, faces, counts, fit),
    }
}

/// The caution a design's fit that did not converge needs (pairs have
/// closed forms).
pub fn warning(model: &ModelReport) -> Option<String> {
    match model {
        ModelReport::Design(m) if !m.converged => Some(format!(
            "the design's fit did not converge ({} iterations, max gradient {:.1e} > tol): its estimates, standard errors and tests are not the maximum-likelihood ones",
            m.iterations, m.gradient_max
        )),
        _ => None,
    }
}

fn fitted(faces: &[String], counts: &[u64], q: &[f64]) -> Vec<FittedFace> {
    let n: u64 = counts.iter().sum();
    faces
        .iter()
        .zip(counts.iter().zip(q))
        .map(|(face, (&count, &q))| FittedFace {
            face: face.clone(),
            count,
            q,
            expected: n as f64 * q,
        })
        .collect()
}

fn pairs_model(faces: &[String], counts: &[u64]) -> Result<ModelReport> {
    let split = pairs::split(counts).map_err(UsageError)?;
    let n: u64 = counts.iter().sum();
    let rows = split
        .pairs
        .iter()
        .zip(&split.totals)
        .map(|(&(a, b), &t)| PairRow {
            faces: [faces[a].clone(), faces[b].clone()],
            counts: [counts[a], counts[b]],
            share: t as f64 / n as f64,
            first_share: (t > 0).then(|| counts[a] as f64 / t as f64),
        })
        .collect();
    Ok(ModelReport::Pairs(PairsModel {
        pairs: rows,
        tests: PairsTests {
            axis: split.axis,
            tilt: split.tilt,
        },
        fitted: fitted(faces, counts, &split.fitted),
    }))
}

/// The design's rows in the die's face order, or which face is missing or
/// extra.
fn rows_for(design: &Design, faces: &[String]) -> Result<Vec<Vec<f64>>> {
    let file = &design.file;
    if let Some(extra) = design.faces.iter().find(|f| !faces.contains(f)) {
        bail!(
            "{file}: the design's face {extra} is not a face of the die ({} faces: {}..{})",
            faces.len(),
            faces.first().map_or("", String::as_str),
            faces.last().map_or("", String::as_str)
        );
    }
    faces
        .iter()
        .map(|face| match design.faces.iter().position(|f| f == face) {
            Some(i) => Ok(design.rows[i].clone()),
            None => bail!("{file}: the design has no row for face {face}"),
        })
        .collect()
}

fn design_model(
    design: &Design,
    faces: &[String],
    counts: &[u64],
    options: FitOptions,
) -> Result<ModelReport> {
    let x = rows_for(design, faces)?;
    let k = faces.len();
    let parameters = design.names.len();
    if parameters + 1 > k {
        bail!(
            "{}: {parameters} parameters for a die of {k} faces: at most K − 1 = {} can be estimated",
            design.file,
            k - 1
        );
    }
    loglinear::check(&design.names, &x).map_err(|e| anyhow::anyhow!("{}: {e}", design.file))?;
    let fit = loglinear::fit(&x, counts, options);
    let fair = vec![1.0 / k as f64; k];
    let g_fair = gof::g_test(counts, &fair).statistic;
    let g_free = gof::g_test(counts, &fit.q).statistic;
    let parameters_out = design
        .names
        .iter()
        .zip(fit.estimate.iter().zip(&fit.std_error))
        .map(|(name, (&estimate, &se))| {
            let z = se.map(|s| estimate / s);
            Parameter {
                name: name.clone(),
                estimate,
                std_error: se,
                z,
                p_value: z.map(|z| TestResult::chi2(z * z, 1).p_value),
            }
        })
        .collect();
    Ok(ModelReport::Design(DesignModel {
        file: design.file.clone(),
        parameters: parameters_out,
        loglik: fit.loglik,
        lrt_vs_fair: TestResult::chi2(g_fair - g_free, parameters as u64),
        // A saturated design (K − 1 parameters) fits the counts exactly: its
        // G is rounding, and χ²(0) would call any rounding impossible.
        lrt_vs_free: TestResult::chi2(
            if parameters + 1 == k { 0.0 } else { g_free },
            (k - 1 - parameters) as u64,
        ),
        method: fit.method,
        iterations: fit.iterations,
        converged: fit.converged,
        stop: fit.stop,
        gradient_max: fit.gradient_max,
        fitted: fitted(faces, counts, &fit.q),
    }))
}
