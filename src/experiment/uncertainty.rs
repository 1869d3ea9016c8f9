//! `uncertainty`: probabilistic sensitivity analysis. The `[uncertainty]` inputs of the
//! scenarios are drawn by Latin hypercube; at each draw every scenario runs with the
//! drawn values on the same random numbers (the same seed at every draw and in every
//! scenario), so differences across draws come from the inputs alone. With a tornado,
//! each input is also run alone at its 5 % and 95 % points.

use std::path::PathBuf;

use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};

use super::saved::Runs;
use super::{ExperimentError, compare, load};
use crate::model::Model;
use crate::model::uncertain::{Form, Uncertain};
use crate::rng::{SimRng, mix};
use crate::scenario::Loaded;
use crate::scenario::tree::Value;
use crate::stats::metrics;
use crate::stats::uncertainty::{Input, PlanPoint, Purpose, UncertaintyPlan};

/// What the user asked for besides the scenarios.
#[derive(Clone, Debug)]
pub struct Options {
    /// Latin hypercube draws.
    pub draws: usize,
    /// Replications of each scenario at each draw.
    pub replications: u32,
    /// Run the tornado for this metric.
    pub tornado: Option<String>,
    /// The outcome for the cost-effectiveness plane.
    pub outcome: String,
}

/// An analysis ready to run: its plan and a validated model per point.
pub struct Prepared {
    /// The plan.
    pub plan: UncertaintyPlan,
    /// The model of each point, in plan order.
    pub models: Vec<Model>,
}

fn input_error(message: String) -> ExperimentError {
    ExperimentError::Input(message)
}

impl Prepared {
    /// The analysis's points as runs.
    pub fn runs(&self) -> Runs<'_> {
        Runs {
            models: &self.models,
            replications: self.plan.replications,
            values: self.plan.points.iter().map(|p| p.sets.clone()).collect(),
        }
    }
}

/// A scenario of the analysis: its file, it loaded, its model and its overrides (the
/// common ones, and a variant's own).
type Scenario<'a> = (&'a PathBuf, &'a Loaded, &'a Model, &'a [String]);

/// Loads every scenario (and named variants of the first), reads their uncertain inputs, makes the draws and loads the
/// scenarios at every draw: a key, a distribution or a drawn value the scenario
/// refuses stops the analysis before anything runs, with the draw named.
pub fn prepare(
    files: &[PathBuf],
    sets: &[String],
    variants: &[compare::Variant],
    o: &Options,
) -> Result<Prepared, ExperimentError> {
    if o.draws == 0 {
        return Err(input_error("--draws must be at least 1".into()));
    }
    let mut common = sets.to_vec();
    common.push(format!("scenario.replications={}", o.replications));
    let base = compare::prepare(files, &common, variants)?;
    let scenarios: Vec<Scenario<'_>> = (base.scenarios.iter())
        .map(|s| (&s.file, &s.loaded, &s.model, s.overrides.as_slice()))
        .collect();
    let inputs = inputs(&scenarios)?;
    let names: Vec<String> = scenarios.iter().map(|s| s.2.name.clone()).collect();
    let metric_names: Vec<Vec<String>> = (scenarios.iter())
        .map(|s| metrics::names(&s.2.kinds.iter().map(|k| k.name.clone()).collect::<Vec<_>>()))
        .collect();
    check_metric(o.tornado.as_deref(), &metric_names, "--tornado")?;
    check_metric(Some(&o.outcome), &metric_names, "--outcome")?;
    check_extremes(&scenarios, &inputs)?;
    let first = scenarios[0].2;
    let values = latin_hypercube(o.draws, &inputs, first.seed);
    let points = points(&scenarios, &inputs, &values, o.tornado.is_some());
    let plan = UncertaintyPlan {
        scenarios: names,
        provenance: (base.scenarios.iter())
            .map(|s| super::provenance(&s.file, &s.loaded, &s.overrides))
            .collect(),
        inputs: inputs
            .iter()
            .map(|(u, source)| describe(u, source))
            .collect(),
        draws: o.draws,
        replications: o.replications,
        seed: first.seed,
        days: first.days,
        warmup_days: first.warmup_days,
        dollar_year: first.costs.dollar_year,
        values,
        tornado: o.tornado.clone(),
        outcome: o.outcome.clone(),
        points,
        metrics: metric_names,
        crate_version: env!("CARGO_PKG_VERSION").to_string(),
    };
    let runs: f64 = plan.points.len() as f64 * f64::from(o.replications);
    super::check_work(first, runs)?;
    let models = (0..plan.points.len())
        .map(|i| point_model(&plan, &scenarios, i))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Prepared { plan, models })
}

/// The uncertain inputs of all the scenarios, by key; a key given two different
/// distributions is refused.
fn inputs(scenarios: &[Scenario<'_>]) -> Result<Vec<(Uncertain, String)>, ExperimentError> {
    let mut out: Vec<(Uncertain, String)> = Vec::new();
    for (file, loaded, model, _) in scenarios {
        for u in &model.uncertainty {
            match out.iter().find(|(x, _)| x.key == u.key) {
                Some((x, _)) if x.text != u.text => {
                    return Err(input_error(format!(
                        "{}: [uncertainty] `{}` is \"{}\" here and \"{}\" in another scenario; \
                         give one distribution per key",
                        file.display(),
                        u.key,
                        u.text,
                        x.text
                    )));
                }
                Some(_) => {}
                None => out.push((u.clone(), source(loaded, &u.key))),
            }
        }
    }
    if out.is_empty() {
        let list: Vec<String> = scenarios
            .iter()
            .map(|s| s.0.display().to_string())
            .collect();
        return Err(input_error(format!(
            "{}: no [uncertainty] table; add one mapping keys to distributions, e.g. \
             [uncertainty] \"costs.ed_visit\" = \"triangular(630, 1200, 2200)\"",
            list.join(", ")
        )));
    }
    Ok(out)
}

/// A distribution whose draws can leave what the scenario accepts (a probability
/// above 1, a negative cost) is refused before any draw is made: the scenario is
/// loaded with each input at its most extreme values.
fn check_extremes(
    scenarios: &[Scenario<'_>],
    inputs: &[(Uncertain, String)],
) -> Result<(), ExperimentError> {
    for (u, _) in inputs {
        for (file, loaded, _, overrides) in scenarios {
            for x in u.law.extremes() {
                let Some(set) = set_for(loaded, u, x) else {
                    continue;
                };
                let all: Vec<String> = overrides.iter().cloned().chain([set.clone()]).collect();
                if let Err(e) = load(file, &all) {
                    return Err(input_error(format!(
                        "{}: [uncertainty] `{}` = \"{}\" can draw {} ({set}), which the \
                         scenario refuses: {e}",
                        file.display(),
                        u.key,
                        u.text,
                        crate::text::human(x)
                    )));
                }
            }
        }
    }
    Ok(())
}

fn source(loaded: &Loaded, key: &str) -> String {
    (loaded.tree.get("uncertainty").and_then(|t| t.get(key)))
        .map_or(String::new(), |n| loaded.comment_at(&n.origin))
}

fn describe(u: &Uncertain, source: &str) -> Input {
    Input {
        key: u.key.clone(),
        distribution: u.text.clone(),
        scale: u.form == Form::Scale,
        source: source.to_string(),
        p05: u.law.quantile(0.05),
        p95: u.law.quantile(0.95),
        mean: u.law.mean(),
    }
}

fn check_metric(
    metric: Option<&str>,
    names: &[Vec<String>],
    flag: &str,
) -> Result<(), ExperimentError> {
    match metric {
        Some(m) if !names.iter().any(|n| n.iter().any(|x| x == m)) => Err(input_error(format!(
            "{flag} {m}: no such metric; e.g. cost_total, emergency_department, arrests \
             (docs/outputs.md lists them all)"
        ))),
        _ => Ok(()),
    }
}

/// `draws` values of each input: each input's range is cut into `draws` strata of
/// equal probability, each stratum is used exactly once (a random point in it), and
/// the strata are paired across inputs at random.
pub fn latin_hypercube(draws: usize, inputs: &[(Uncertain, String)], seed: u64) -> Vec<Vec<f64>> {
    let mut rng = SimRng::seed_from_u64(mix(seed ^ 0x5053_415f_4c48_5321));
    let mut values = vec![vec![0.0; inputs.len()]; draws];
    for (i, (u, _)) in inputs.iter().enumerate() {
        let mut strata: Vec<usize> = (0..draws).collect();
        strata.shuffle(&mut rng);
        for (d, stratum) in strata.into_iter().enumerate() {
            let p = (stratum as f64 + rng.random::<f64>()) / draws as f64;
            values[d][i] = u.law.quantile(p);
        }
    }
    values
}

/// Every run: each draw of each scenario, then with a tornado the base values and
/// each input at its 5 % and 95 % points.
fn points(
    scenarios: &[Scenario<'_>],
    inputs: &[(Uncertain, String)],
    values: &[Vec<f64>],
    tornado: bool,
) -> Vec<PlanPoint> {
    let mut out = Vec::new();
    let mut add = |role: Purpose, at: &dyn Fn(usize) -> Option<f64>| {
        for (k, (_, loaded, _, _)) in scenarios.iter().enumerate() {
            let sets = (inputs.iter().enumerate())
                .filter_map(|(i, (u, _))| at(i).and_then(|x| set_for(loaded, u, x)))
                .collect();
            out.push(PlanPoint {
                scenario: k,
                role,
                sets,
            });
        }
    };
    for (d, row) in values.iter().enumerate() {
        add(Purpose::Draw(d), &|i| Some(row[i]));
    }
    if tornado {
        add(Purpose::Base, &|_| None);
        for (j, (u, _)) in inputs.iter().enumerate() {
            add(Purpose::Low(j), &|i| (i == j).then(|| u.law.quantile(0.05)));
            add(Purpose::High(j), &|i| {
                (i == j).then(|| u.law.quantile(0.95))
            });
        }
    }
    out
}

/// The `--set` that gives `u` the drawn `x` in this scenario (none where the scenario
/// lacks the key).
fn set_for(loaded: &Loaded, u: &Uncertain, x: f64) -> Option<String> {
    let node = loaded.tree.lookup(&u.key)?;
    let value = match (u.form, &node.value) {
        (Form::Value, Value::Int(_)) => format!("{}", x.round() as i64),
        (Form::Value, _) => format!("{x:?}"),
        (Form::Scale, Value::Int(i)) => format!("{}", (*i as f64 * x).round() as i64),
        (Form::Scale, Value::Float(f)) => format!("{:?}", f * x),
        (Form::Scale, Value::Str(s)) => format!("\"{}\"", scale_durations(s, x)),
        _ => return None,
    };
    Some(format!("{}={value}", u.key))
}

/// Multiplies every number in a duration (`"15min"`) or a distribution of durations
/// (`"lognormal(40min, 20min)"`) by `x`, keeping the units.
pub fn scale_durations(text: &str, x: f64) -> String {
    let one = |arg: &str| -> String {
        let arg = arg.trim();
        let split = arg
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
            .unwrap_or(arg.len());
        let (number, unit) = arg.split_at(split);
        match number.replace('_', "").parse::<f64>() {
            Ok(v) => format!("{}{unit}", plain(v * x)),
            Err(_) => arg.to_string(),
        }
    };
    match text.split_once('(') {
        Some((name, rest)) => {
            let args: Vec<String> = rest.trim_end_matches(')').split(',').map(one).collect();
            format!("{name}({})", args.join(", "))
        }
        None => one(text),
    }
}

/// A number as a duration accepts it: digits and a point, no exponent.
fn plain(v: f64) -> String {
    let s = format!("{v:.6}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn point_model(
    plan: &UncertaintyPlan,
    scenarios: &[Scenario<'_>],
    index: usize,
) -> Result<Model, ExperimentError> {
    let p = &plan.points[index];
    let (file, _, base, overrides) = scenarios[p.scenario];
    let all: Vec<String> = overrides.iter().chain(&p.sets).cloned().collect();
    let (_, mut model) = load(file, &all).map_err(|e| {
        e.within(format!(
            "[uncertainty] at {} ({}): the drawn values are refused",
            plan.label(index),
            p.sets.join(", ")
        ))
    })?;
    model.name = base.name.clone();
    model.seed = plan.seed;
    Ok(model)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(text: &str) -> (Uncertain, String) {
        let (form, law) = crate::model::uncertain::parse(text).unwrap();
        let key = "k".to_string();
        (
            Uncertain {
                key,
                text: text.into(),
                form,
                law,
            },
            String::new(),
        )
    }

    /// Each input's draws fall one in each of the `n` equally likely strata.
    #[test]
    fn every_stratum_of_every_input_is_drawn_once() {
        let n = 37;
        let inputs = [input("uniform(2, 5)"), input("triangular(0, 1, 3)")];
        let values = latin_hypercube(n, &inputs, 11);
        let triangular_cdf = |x: f64| {
            if x <= 1.0 {
                x * x / 3.0
            } else {
                1.0 - (3.0 - x).powi(2) / 6.0
            }
        };
        let cdfs: [&dyn Fn(f64) -> f64; 2] = [&|x| (x - 2.0) / 3.0, &triangular_cdf];
        for (i, cdf) in cdfs.iter().enumerate() {
            let mut strata: Vec<usize> = values
                .iter()
                .map(|row| (cdf(row[i]) * n as f64).floor() as usize)
                .collect();
            strata.sort_unstable();
            assert_eq!(strata, (0..n).collect::<Vec<_>>(), "input {i}");
        }
        // Inputs are paired at random, not stratum by stratum.
        let same = (values.iter())
            .filter(|r| {
                ((r[0] - 2.0) / 3.0 * n as f64).floor() == (triangular_cdf(r[1]) * n as f64).floor()
            })
            .count();
        assert!(same < n / 2);
    }

    #[test]
    fn durations_scale_with_their_units() {
        assert_eq!(
            scale_durations("lognormal(40min, 20min)", 1.5),
            "lognormal(60min, 30min)"
        );
        assert_eq!(scale_durations("15min", 0.5), "7.5min");
        assert_eq!(scale_durations("exp(10min)", 1.1), "exp(11min)");
        assert_eq!(scale_durations("gamma(8.4d, 5d)", 2.0), "gamma(16.8d, 10d)");
    }
}
