//! A sweep: its plan (the scenario, the grid of varied values, seeds and horizon) and
//! its points, each with every replication's metric values. Points are saved one by
//! one as they finish and joined later, so everything here is plain data that reads
//! back exactly as written.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::summary::{Estimates, Provenance};
use super::{estimate, nullable};

/// One varied key and the values it takes, as given to `--vary`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Axis {
    /// The key, e.g. `responders.mobile_crisis.units`.
    pub key: String,
    /// Its values, as written into `--set KEY=VALUE`.
    pub values: Vec<String>,
}

/// Everything that makes a sweep what it is: shards and resumed runs must share it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepPlan {
    /// Scenario name.
    pub scenario: String,
    /// The scenario files, `--set` overrides and flags.
    pub provenance: Provenance,
    /// The varied keys; the first changes slowest from point to point.
    pub axes: Vec<Axis>,
    /// Master seed, the same at every point (common random numbers).
    pub seed: u64,
    /// Replications per point.
    pub replications: u32,
    /// Measured days.
    pub days: f64,
    /// Warm-up days.
    pub warmup_days: f64,
    /// The response-time target in minutes, if the scenario sets one.
    pub response_target_min: Option<f64>,
    /// Metric names, in the order of each replication's values.
    pub metrics: Vec<String>,
    /// Version of crisis-sim that made it.
    pub crate_version: String,
}

impl SweepPlan {
    /// Points in the grid.
    pub fn points(&self) -> usize {
        self.axes.iter().map(|a| a.values.len()).product()
    }

    /// The value of each axis at point `index` (the first axis changes slowest).
    pub fn values_at(&self, index: usize) -> Vec<String> {
        let mut rest = index;
        let mut out = vec![String::new(); self.axes.len()];
        for (i, axis) in self.axes.iter().enumerate().rev() {
            let n = axis.values.len().max(1);
            out[i] = axis.values[rest % n].clone();
            rest /= n;
        }
        out
    }

    /// The `KEY=VALUE` overrides of point `index`.
    pub fn sets_at(&self, index: usize) -> Vec<String> {
        self.axes
            .iter()
            .zip(self.values_at(index))
            .map(|(a, v)| format!("{}={v}", a.key))
            .collect()
    }
}

/// One finished point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepPoint {
    /// Its index in the grid.
    pub index: usize,
    /// The value of each axis.
    pub values: Vec<String>,
    /// Per replication, in index order: metric values in the plan's order (NaN,
    /// written `null`, where there was nothing to measure).
    #[serde(with = "nullable::nested")]
    pub replications: Vec<Vec<f64>>,
}

impl SweepPoint {
    /// The estimate of every metric of the plan.
    pub fn estimates(&self, metrics: &[String]) -> Estimates {
        metrics
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let column: Vec<f64> = self.replications.iter().map(|r| r[i]).collect();
                (name.clone(), estimate(&column))
            })
            .collect()
    }
}

/// A finished sweep: the plan and every point's estimates, as `sweep.json` holds them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepSummary {
    /// The plan.
    pub plan: SweepPlan,
    /// What `ci95` means.
    pub intervals: String,
    /// Points in grid order.
    pub points: Vec<PointSummary>,
}

/// One point of a finished sweep.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PointSummary {
    /// Axis key → value.
    pub values: IndexMap<String, String>,
    /// Metric → estimate.
    pub metrics: Estimates,
}

impl SweepSummary {
    /// Summarises the points of `plan` (all of them, in grid order).
    pub fn new(plan: SweepPlan, points: &[SweepPoint]) -> Self {
        let points = points
            .iter()
            .map(|p| PointSummary {
                values: plan
                    .axes
                    .iter()
                    .map(|a| a.key.clone())
                    .zip(p.values.iter().cloned())
                    .collect(),
                metrics: p.estimates(&plan.metrics),
            })
            .collect();
        SweepSummary {
            plan,
            intervals: super::summary::INTERVALS.to_string(),
            points,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(axes: Vec<Axis>) -> SweepPlan {
        SweepPlan {
            scenario: "s".into(),
            provenance: Provenance::default(),
            axes,
            seed: 1,
            replications: 2,
            days: 1.0,
            warmup_days: 0.0,
            response_target_min: None,
            metrics: vec!["incidents".into()],
            crate_version: String::new(),
        }
    }

    #[test]
    fn the_first_axis_changes_slowest() {
        let axis = |key: &str, values: &[&str]| Axis {
            key: key.into(),
            values: values.iter().map(|v| v.to_string()).collect(),
        };
        let p = plan(vec![axis("a", &["1", "2"]), axis("b", &["x", "y", "z"])]);
        assert_eq!(p.points(), 6);
        assert_eq!(p.values_at(0), ["1", "x"]);
        assert_eq!(p.values_at(2), ["1", "z"]);
        assert_eq!(p.values_at(3), ["2", "x"]);
        assert_eq!(p.sets_at(5), ["a=2", "b=z"]);
    }
}
