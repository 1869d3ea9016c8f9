//! A comparison: several runs on common random numbers, each later one paired with
//! the first by replication.

use serde::{Deserialize, Serialize};

use super::summary::RunSummary;
use super::{Difference, paired_difference};

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
