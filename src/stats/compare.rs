//! A comparison: several runs on common random numbers, each later one paired with
//! the first by replication.

use serde::{Deserialize, Serialize};

use super::ReplicationSummary;
use super::metrics::Metric;
use super::replication::GroupValues;
use super::summary::RunSummary;
use super::{Difference, Estimate, estimate, paired_difference};

/// What "resolved" means, in the words the console and the report use.
pub const RESOLVED: &str = "resolved: the paired 95% interval excludes 0, so the simulation's \
     own noise does not explain the difference. The intervals cover the simulation's \
     uncertainty only, not uncertainty in the scenario's inputs.";

/// The runs of a comparison and their paired differences from the first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Each scenario's summary; the first is the baseline.
    pub summaries: Vec<RunSummary>,
    /// Each scenario's differences from the first by metric (empty for the first).
    pub differences: Vec<Vec<(String, Difference)>>,
}

/// Paired differences `other − base` of every metric both runs have.
pub fn differences(base: &RunSummary, other: &RunSummary) -> Vec<(String, Difference)> {
    other
        .metrics
        .keys()
        .filter_map(|name| {
            let d = paired_difference(&base.column(name)?, &other.column(name)?);
            Some((name.clone(), d))
        })
        .collect()
}

/// Runs that cannot be paired replication by replication.
#[derive(Debug, thiserror::Error)]
#[error(
    "`{scenario}` has {replications} replications from seed {seed}, the baseline \
     {base_replications} from seed {base_seed}: paired differences need the same seed and \
     replications"
)]
pub struct Unpaired {
    /// The scenario that differs.
    pub scenario: String,
    /// Its replications.
    pub replications: u32,
    /// Its seed.
    pub seed: u64,
    /// The baseline's replications.
    pub base_replications: u32,
    /// The baseline's seed.
    pub base_seed: u64,
}

impl Comparison {
    /// Pairs every summary after the first with the first; all must share the seed and
    /// the replications.
    pub fn new(summaries: Vec<RunSummary>) -> Result<Self, Unpaired> {
        if let Some(base) = summaries.first()
            && let Some(odd) = summaries
                .iter()
                .find(|s| s.seed != base.seed || s.replications != base.replications)
        {
            return Err(Unpaired {
                scenario: odd.scenario.clone(),
                replications: odd.replications,
                seed: odd.seed,
                base_replications: base.replications,
                base_seed: base.seed,
            });
        }
        let differences = summaries
            .iter()
            .enumerate()
            .map(|(i, s)| {
                if i == 0 {
                    Vec::new()
                } else {
                    differences(&summaries[0], s)
                }
            })
            .collect();
        Ok(Comparison {
            summaries,
            differences,
        })
    }
}

/// Which groups of incidents a paired difference is taken over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupsBy {
    /// Zones.
    Zone,
    /// Population groups (`[[groups]]`).
    Population,
}

impl GroupsBy {
    fn estimates(self, s: &RunSummary) -> &indexmap::IndexMap<String, super::summary::Estimates> {
        match self {
            GroupsBy::Zone => &s.by_zone,
            GroupsBy::Population => &s.by_group,
        }
    }

    fn values(self, r: &ReplicationSummary) -> &[GroupValues] {
        match self {
            GroupsBy::Zone => &r.by_zone,
            GroupsBy::Population => &r.by_group,
        }
    }
}

/// The per-replication values of a group metric in one group of a run (`None` for a
/// group the run does not have).
fn group_column(s: &RunSummary, by: GroupsBy, group: &str, m: &Metric) -> Option<Vec<f64>> {
    let g = by.estimates(s).get_index_of(group)?;
    (s.per_replication.iter())
        .map(|r| by.values(r).get(g).map(|v| v.get(m)))
        .collect()
}

/// Paired differences `other − base` of a group metric group by group, for the groups
/// both runs have, in the baseline's order.
pub fn group_differences(
    base: &RunSummary,
    other: &RunSummary,
    by: GroupsBy,
    m: &Metric,
) -> Vec<(String, Difference)> {
    by.estimates(base)
        .keys()
        .filter_map(|group| {
            let d = paired_difference(
                &group_column(base, by, group, m)?,
                &group_column(other, by, group, m)?,
            );
            Some((group.clone(), d))
        })
        .collect()
}

/// Paired differences zone by zone (see [`group_differences`]).
pub fn zone_differences(
    base: &RunSummary,
    other: &RunSummary,
    m: &Metric,
) -> Vec<(String, Difference)> {
    group_differences(base, other, GroupsBy::Zone, m)
}

/// How unequal a run is across its zones on one metric where more is worse (a
/// response time): the worst and the best zone by their means, and the gap and ratio
/// between them, replication by replication.
#[derive(Clone, Debug, PartialEq)]
pub struct Equity {
    /// The zone with the highest mean.
    pub worst: String,
    /// Its mean.
    pub worst_mean: f64,
    /// The zone with the lowest mean.
    pub best: String,
    /// Its mean.
    pub best_mean: f64,
    /// Worst minus best, estimated across replications.
    pub gap: Estimate,
    /// Worst over best, estimated across replications.
    pub ratio: Estimate,
    /// The gap in each replication (for pairing with another run's).
    gaps: Vec<f64>,
}

/// The equity summary of `s` on `m`; `None` with fewer than two zones measured.
pub fn equity(s: &RunSummary, m: &Metric) -> Option<Equity> {
    let mut measured: Vec<(&String, f64)> = (s.by_zone.iter())
        .filter_map(|(zone, e)| Some((zone, e.get(m.name)?.mean)))
        .filter(|(_, mean)| mean.is_finite())
        .collect();
    if measured.len() < 2 {
        return None;
    }
    measured.sort_by(|a, b| a.1.total_cmp(&b.1));
    let ((best, best_mean), (worst, worst_mean)) = (measured[0], measured[measured.len() - 1]);
    let worst_values = group_column(s, GroupsBy::Zone, worst, m)?;
    let best_values = group_column(s, GroupsBy::Zone, best, m)?;
    let pairs = worst_values.iter().zip(&best_values);
    let gaps: Vec<f64> = pairs.clone().map(|(w, b)| w - b).collect();
    let ratios: Vec<f64> = pairs
        .map(|(w, b)| if *b > 0.0 { w / b } else { f64::NAN })
        .collect();
    Some(Equity {
        worst: worst.clone(),
        worst_mean,
        best: best.clone(),
        best_mean,
        gap: estimate(&gaps),
        ratio: estimate(&ratios),
        gaps,
    })
}

/// The paired difference of two runs' gaps between their worst and best zones (each
/// run's own worst and best).
pub fn gap_difference(base: &Equity, other: &Equity) -> Difference {
    paired_difference(&base.gaps, &other.gaps)
}
