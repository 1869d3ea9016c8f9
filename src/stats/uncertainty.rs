//! Probabilistic sensitivity analysis: the plan (uncertain inputs, their Latin
//! hypercube draws and the run each point makes) and what the finished points say:
//! each metric's spread across draws, each difference from the first scenario with
//! the probability that it is below zero, and the tornado of one metric.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::sweep::SweepPoint;
use super::{Provenance, nullable, quantile};

/// One uncertain input as the plan records it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Input {
    /// The `--set` key.
    pub key: String,
    /// The distribution as written in `[uncertainty]`.
    pub distribution: String,
    /// Whether draws are factors on the scenario's value (else the value itself).
    pub scale: bool,
    /// The comment written beside it in the scenario (its source), if any.
    pub source: String,
    /// The 5 % and 95 % points (the tornado's ends).
    pub p05: f64,
    /// See `p05`.
    pub p95: f64,
    /// The mean of the distribution.
    pub mean: f64,
}

/// What a point of the plan is for.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// One Latin hypercube draw of every input.
    Draw(usize),
    /// Every input at the scenario's own value (the tornado's centre).
    Base,
    /// Input `i` at its 5 % point, the others at the scenario's values.
    Low(usize),
    /// Input `i` at its 95 % point.
    High(usize),
}

/// One run of one scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanPoint {
    /// Index of the scenario.
    pub scenario: usize,
    /// What the run is for.
    pub role: Purpose,
    /// The `--set` overrides it adds to the scenario.
    pub sets: Vec<String>,
}

/// Everything that makes an uncertainty analysis what it is: shards and resumed runs
/// must share it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UncertaintyPlan {
    /// Scenario names, the baseline first.
    pub scenarios: Vec<String>,
    /// The scenario files, overrides and flags.
    pub provenance: Vec<Provenance>,
    /// The uncertain inputs.
    pub inputs: Vec<Input>,
    /// Latin hypercube draws.
    pub draws: usize,
    /// Replications of each scenario at each draw.
    pub replications: u32,
    /// Master seed: the same at every point (common random numbers).
    pub seed: u64,
    /// Measured days.
    pub days: f64,
    /// Warm-up days.
    pub warmup_days: f64,
    /// The year whose dollars every cost is in.
    #[serde(default = "crate::stats::summary::default_dollar_year")]
    pub dollar_year: u32,
    /// Drawn value (or factor) of each input, per draw.
    pub values: Vec<Vec<f64>>,
    /// The metric the tornado ranks inputs by (a difference from the baseline when
    /// there are several scenarios); absent without `--tornado`.
    pub tornado: Option<String>,
    /// The outcome on the cost-effectiveness plane (fewer of it is better).
    pub outcome: String,
    /// Every run, draws first.
    pub points: Vec<PlanPoint>,
    /// Metric names of each scenario, in the order of its points' values.
    pub metrics: Vec<Vec<String>>,
    /// Version of crisis-sim that made it.
    pub crate_version: String,
}

impl UncertaintyPlan {
    /// The first thing that makes two plans different analyses, in words.
    pub fn difference(&self, other: &UncertaintyPlan) -> Option<String> {
        let checks = [
            (self.scenarios != other.scenarios, "the scenarios"),
            (self.inputs != other.inputs, "the uncertain inputs"),
            (self.draws != other.draws, "the number of draws"),
            (
                self.replications != other.replications,
                "the replications per draw",
            ),
            (self.seed != other.seed, "the seed"),
            (
                self.provenance != other.provenance,
                "the scenario files or overrides",
            ),
            (
                self.crate_version != other.crate_version,
                "the crisis-sim version",
            ),
            (self != other, "the plan"),
        ];
        checks.into_iter().find(|c| c.0).map(|c| c.1.to_string())
    }

    /// A point's description, for messages.
    pub fn label(&self, index: usize) -> String {
        let p = &self.points[index];
        let what = match p.role {
            Purpose::Draw(d) => format!("draw {}", d + 1),
            Purpose::Base => "the base values".into(),
            Purpose::Low(i) => format!("{} at its 5 % point", self.inputs[i].key),
            Purpose::High(i) => format!("{} at its 95 % point", self.inputs[i].key),
        };
        format!("{what} of {}", self.scenarios[p.scenario])
    }
}

/// A scenario's name without the city before its colon ("Mid-size city: police only"
/// → "police only"), for labels.
pub fn short(name: &str) -> String {
    name.rsplit(':').next().unwrap_or(name).trim().to_string()
}

/// A metric's or a difference's spread across draws.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    /// Mean over draws.
    #[serde(with = "nullable::one")]
    pub mean: f64,
    /// 2.5 % point across draws.
    #[serde(with = "nullable::one")]
    pub p2_5: f64,
    /// 97.5 % point across draws.
    #[serde(with = "nullable::one")]
    pub p97_5: f64,
    /// For a difference: the share of draws in which it is below zero.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_below_zero: Option<f64>,
}

/// One input's bar: the metric with the input at its 5 % and 95 % points.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TornadoBar {
    /// The input's key.
    pub key: String,
    /// The input at its 5 % point, and the metric there.
    pub low: [f64; 2],
    /// The input at its 95 % point, and the metric there.
    pub high: [f64; 2],
    /// |metric at high − metric at low|.
    pub width: f64,
}

/// The tornado: bars widest first, around the metric at the base values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tornado {
    /// The metric, e.g. `cost_total`, or a difference `Δ cost_total (B − A)`.
    pub metric: String,
    /// The metric with every input at the scenario's value.
    pub base: f64,
    /// Bars, widest first.
    pub bars: Vec<TornadoBar>,
}

/// A finished analysis, as `uncertainty.json` holds it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UncertaintySummary {
    /// The plan.
    pub plan: UncertaintyPlan,
    /// What the ranges mean.
    pub meaning: String,
    /// Scenario → metric → spread across draws.
    pub metrics: IndexMap<String, IndexMap<String, Spread>>,
    /// Later scenario → metric → spread of its difference from the baseline.
    pub differences: IndexMap<String, IndexMap<String, Spread>>,
    /// The tornado, with `--tornado`.
    pub tornado: Option<Tornado>,
    /// Per draw, per scenario: each metric's mean over the draw's replications.
    #[serde(with = "nullable::nested3")]
    pub draws: Vec<Vec<Vec<f64>>>,
}

/// What the report and the JSON say the numbers mean.
pub const MEANING: &str = "Each draw sets every uncertain input from its distribution \
    (Latin hypercube) and runs every scenario on the same random numbers. A metric's mean \
    and 2.5-97.5 % range are across draws: the spread comes from the inputs, not from \
    chance (the simulation's own noise is held fixed by common random numbers). \
    p_below_zero is the share of draws in which the difference from the baseline is \
    below zero: the probability, given the stated input ranges, that the scenario has \
    less of that metric than the baseline.";

fn mean_of(points: &[SweepPoint], index: usize, metrics: usize) -> Vec<f64> {
    let p = &points[index];
    (0..metrics)
        .map(|m| {
            let v: Vec<f64> = p
                .replications
                .iter()
                .map(|r| r[m])
                .filter(|x| x.is_finite())
                .collect();
            if v.is_empty() {
                f64::NAN
            } else {
                v.iter().sum::<f64>() / v.len() as f64
            }
        })
        .collect()
}

fn spread(values: &[f64], with_sign: bool) -> Spread {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    let mean = if v.is_empty() {
        f64::NAN
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    };
    Spread {
        mean,
        p2_5: quantile(&v, 0.025),
        p97_5: quantile(&v, 0.975),
        p_below_zero: (with_sign && !v.is_empty())
            .then(|| v.iter().filter(|x| **x < 0.0).count() as f64 / v.len() as f64),
    }
}

impl UncertaintySummary {
    /// Summarises every point of `plan` (given in plan order).
    pub fn new(plan: UncertaintyPlan, points: &[SweepPoint]) -> Self {
        let s = plan.scenarios.len();
        let draws: Vec<Vec<Vec<f64>>> = (0..plan.draws)
            .map(|d| {
                (0..s)
                    .map(|k| mean_of(points, d * s + k, plan.metrics[k].len()))
                    .collect()
            })
            .collect();
        let column = |k: usize, m: usize| -> Vec<f64> { draws.iter().map(|d| d[k][m]).collect() };
        let mut metrics = IndexMap::new();
        for (k, name) in plan.scenarios.iter().enumerate() {
            let by: IndexMap<String, Spread> = (plan.metrics[k].iter().enumerate())
                .map(|(m, metric)| (metric.clone(), spread(&column(k, m), false)))
                .collect();
            metrics.insert(name.clone(), by);
        }
        let mut differences = IndexMap::new();
        for (k, name) in plan.scenarios.iter().enumerate().skip(1) {
            let mut by = IndexMap::new();
            for (m, metric) in plan.metrics[k].iter().enumerate() {
                let Some(b) = plan.metrics[0].iter().position(|x| x == metric) else {
                    continue;
                };
                let diff: Vec<f64> = draws.iter().map(|d| d[k][m] - d[0][b]).collect();
                by.insert(metric.clone(), spread(&diff, true));
            }
            differences.insert(name.clone(), by);
        }
        let tornado = plan
            .tornado
            .as_ref()
            .map(|metric| tornado(&plan, points, metric));
        UncertaintySummary {
            plan,
            meaning: MEANING.to_string(),
            metrics,
            differences,
            tornado,
            draws,
        }
    }

    /// The difference of `metric` between scenario `k` and the baseline, per draw.
    pub fn difference_by_draw(&self, k: usize, metric: &str) -> Option<Vec<f64>> {
        let m = self.plan.metrics[k].iter().position(|x| x == metric)?;
        let b = self.plan.metrics[0].iter().position(|x| x == metric)?;
        Some(self.draws.iter().map(|d| d[k][m] - d[0][b]).collect())
    }
}

/// The tornado metric's value at point `index`: the metric itself with one scenario,
/// else the second scenario's difference from the first at the same inputs.
fn tornado_value(
    plan: &UncertaintyPlan,
    points: &[SweepPoint],
    role: Purpose,
    metric: &str,
) -> f64 {
    let at = |k: usize| -> f64 {
        let Some(i) = plan
            .points
            .iter()
            .position(|p| p.role == role && p.scenario == k)
        else {
            return f64::NAN;
        };
        let Some(m) = plan.metrics[k].iter().position(|x| x == metric) else {
            return f64::NAN;
        };
        mean_of(points, i, plan.metrics[k].len())[m]
    };
    if plan.scenarios.len() > 1 {
        at(1) - at(0)
    } else {
        at(0)
    }
}

fn tornado(plan: &UncertaintyPlan, points: &[SweepPoint], metric: &str) -> Tornado {
    let mut bars: Vec<TornadoBar> = (plan.inputs.iter().enumerate())
        .map(|(i, input)| {
            let low = tornado_value(plan, points, Purpose::Low(i), metric);
            let high = tornado_value(plan, points, Purpose::High(i), metric);
            TornadoBar {
                key: input.key.clone(),
                low: [input.p05, low],
                high: [input.p95, high],
                width: (high - low).abs(),
            }
        })
        .collect();
    bars.sort_by(|a, b| b.width.total_cmp(&a.width));
    let label = if plan.scenarios.len() > 1 {
        format!(
            "Δ {metric} ({} − {})",
            short(&plan.scenarios[1]),
            short(&plan.scenarios[0])
        )
    } else {
        metric.to_string()
    };
    Tornado {
        metric: label,
        base: tornado_value(plan, points, Purpose::Base, metric),
        bars,
    }
}
