//! `sweep`: one scenario at every point of a grid of `--vary` values, each point with
//! the same seeds (common random numbers), so that differences between points come
//! from the varied keys alone. Every point is validated before anything runs; points
//! can be split into shards and each is handed back as soon as it finishes.

use std::path::Path;

use super::saved::Runs;
use super::{ExperimentError, load, provenance};
use crate::model::Model;
use crate::stats::metrics;
use crate::stats::sweep::{Axis, SweepPlan};

/// Most values one `--vary` may take, so a slip in a range cannot start a week-long run.
pub const MAX_VALUES: usize = 1000;

/// Reads `KEY=A..B`, `KEY=A..B:STEP` (numbers, STEP 1 by default) or `KEY=a,b,c`.
pub fn parse_vary(text: &str) -> Result<Axis, String> {
    let usage = "write --vary KEY=A..B[:STEP] or --vary KEY=a,b,c, e.g. \
                 --vary responders.mobile_crisis.units=2..8";
    let (key, spec) = text
        .split_once('=')
        .ok_or_else(|| format!("--vary `{text}`: {usage}"))?;
    let key = key.trim();
    if key.is_empty() || key.split('.').any(str::is_empty) {
        return Err(format!("--vary `{text}`: `{key}` is not a key; {usage}"));
    }
    let values = match spec.split_once("..") {
        Some((from, rest)) => range(from, rest).map_err(|e| format!("--vary `{text}`: {e}"))?,
        None => spec
            .split(',')
            .map(|v| v.trim().to_string())
            .collect::<Vec<_>>(),
    };
    if values.iter().any(String::is_empty) {
        return Err(format!("--vary `{text}`: an empty value; {usage}"));
    }
    if values.len() > MAX_VALUES {
        return Err(format!(
            "--vary `{text}`: {} values, more than the {MAX_VALUES} allowed",
            values.len()
        ));
    }
    Ok(Axis {
        key: key.to_string(),
        values,
    })
}

/// The values `from`, `from + step`, … up to `to` (`rest` is `TO` or `TO:STEP`),
/// written with as many decimals as the bounds and step have.
fn range(from: &str, rest: &str) -> Result<Vec<String>, String> {
    let (to, step) = rest.split_once(':').unwrap_or((rest, "1"));
    let number = |s: &str| -> Result<f64, String> {
        s.trim()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| format!("`{}` is not a number", s.trim()))
    };
    let (a, b, d) = (number(from)?, number(to)?, number(step)?);
    if d <= 0.0 {
        return Err(format!("the step must be above 0, not {}", step.trim()));
    }
    if b < a {
        return Err(format!(
            "the range runs down ({} > {})",
            from.trim(),
            to.trim()
        ));
    }
    // As many decimals as the bounds and step are written with, or need (`5e-2`: 2).
    let written = |s: &str| {
        let s = s.trim();
        let plain = s.split_once(['e', 'E']).map_or(s, |(m, _)| m);
        plain.split_once('.').map_or(0, |(_, f)| f.len())
    };
    let needed = |x: f64| {
        (0..=12).find(|d| {
            let scale = 10f64.powi(*d);
            ((x * scale).round() / scale - x).abs() <= 1e-9 * x.abs().max(1.0)
        })
    };
    let decimals = [(from, a), (to, b), (step, d)]
        .iter()
        .map(|(s, x)| written(s).max(needed(*x).unwrap_or(12) as usize))
        .max()
        .unwrap_or(0);
    // A tolerance of a millionth of a step keeps `1..2:0.1` from losing its last value.
    let count = ((b - a) / d + 1e-6).floor() + 1.0;
    if count > MAX_VALUES as f64 {
        return Err(format!(
            "{count} values, more than the {MAX_VALUES} allowed"
        ));
    }
    Ok((0..count as usize)
        .map(|i| format!("{:.decimals$}", a + i as f64 * d))
        .collect())
}

/// A sweep ready to run: its plan and a validated model per point.
pub struct Prepared {
    /// The plan.
    pub plan: SweepPlan,
    /// The model of each point, in grid order.
    pub models: Vec<Model>,
    /// What the first point's `--vary` keys changed besides themselves (e.g. units
    /// that replace a kind's shifts), for the console.
    pub notes: Vec<String>,
}

/// Loads the scenario at every point of the grid, so a bad key or value stops the
/// sweep before anything runs, with the point named.
pub fn prepare(file: &Path, sets: &[String], axes: Vec<Axis>) -> Result<Prepared, ExperimentError> {
    if axes.is_empty() {
        return Err(ExperimentError::Input(
            "give at least one --vary KEY=A..B".into(),
        ));
    }
    for (i, a) in axes.iter().enumerate() {
        if axes[..i].iter().any(|b| b.key == a.key) {
            return Err(ExperimentError::Input(format!(
                "--vary {}: the key is varied twice",
                a.key
            )));
        }
    }
    let (loaded, base) = load(file, sets)?;
    let points: usize = axes.iter().map(|a| a.values.len()).product();
    super::check_work(&base, f64::from(base.replications) * points as f64)?;
    let kinds: Vec<String> = base.kinds.iter().map(|k| k.name.clone()).collect();
    let plan = SweepPlan {
        scenario: base.name.clone(),
        provenance: provenance(file, &loaded, sets),
        axes,
        seed: base.seed,
        replications: base.replications,
        days: base.days,
        warmup_days: base.warmup_days,
        response_target_min: base.response_target,
        metrics: metrics::names(&kinds),
        crate_version: env!("CARGO_PKG_VERSION").to_string(),
    };
    let mut notes = Vec::new();
    let mut models = Vec::with_capacity(plan.points());
    for i in 0..plan.points() {
        let (loaded, model) = point_model(file, sets, &plan, &base, i)?;
        if i == 0 {
            notes = loaded.notes;
        }
        models.push(model);
    }
    Ok(Prepared {
        plan,
        models,
        notes,
    })
}

/// The model of point `index`, which must keep the base's seed, replications,
/// horizon and responder kinds.
fn point_model(
    file: &Path,
    sets: &[String],
    plan: &SweepPlan,
    base: &Model,
    index: usize,
) -> Result<(crate::scenario::Loaded, Model), ExperimentError> {
    let point = plan.sets_at(index);
    let all: Vec<String> = sets.iter().chain(&point).cloned().collect();
    let what = format!("--vary point {}", point.join(", "));
    let named = |message: String| ExperimentError::Input(message).within(what.clone());
    let (loaded, model) = load(file, &all).map_err(|e| e.within(what.clone()))?;
    let same_run = model.seed == base.seed
        && model.replications == base.replications
        && model.days == base.days
        && model.warmup_days == base.warmup_days;
    if !same_run {
        return Err(named(
            "a sweep keeps the seed, replications and horizon of the scenario at every point \
             (common random numbers); give those with --seed, --replications, --days or --set"
                .into(),
        ));
    }
    let same_kinds = model.kinds.len() == base.kinds.len()
        && model
            .kinds
            .iter()
            .zip(&base.kinds)
            .all(|(a, b)| a.name == b.name);
    if !same_kinds {
        return Err(named(
            "the responder kinds must be the same at every point".into(),
        ));
    }
    Ok((loaded, model))
}

impl Prepared {
    /// The sweep's points as runs.
    pub fn runs(&self) -> Runs<'_> {
        Runs {
            models: &self.models,
            replications: self.plan.replications,
            values: (0..self.plan.points())
                .map(|i| self.plan.values_at(i))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_lists() {
        let values = |t: &str| parse_vary(t).map(|a| a.values);
        assert_eq!(values("k.u=2..5").unwrap(), ["2", "3", "4", "5"]);
        assert_eq!(
            values("k.u=1..2:0.25").unwrap(),
            ["1.00", "1.25", "1.50", "1.75", "2.00"]
        );
        assert_eq!(
            values("d.scale=1.0..1.3:0.1").unwrap(),
            ["1.0", "1.1", "1.2", "1.3"]
        );
        assert_eq!(values("k.u=4,6, 9").unwrap(), ["4", "6", "9"]);
        assert_eq!(
            values("d.scale=0..0.3:5e-2").unwrap(),
            ["0.00", "0.05", "0.10", "0.15", "0.20", "0.25", "0.30"]
        );
        assert_eq!(values("k.u=3").unwrap(), ["3"]);
        for bad in [
            "k.u",
            "=2..3",
            "k.u=5..2",
            "k.u=1..3:0",
            "k.u=a..3",
            "k..u=1..2",
            "k.u=1,,2",
            "k.u=1..5000",
        ] {
            assert!(parse_vary(bad).is_err(), "{bad}");
        }
    }
}
