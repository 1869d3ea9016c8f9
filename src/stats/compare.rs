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

impl Comparison {
    /// Pairs every summary after the first with the first.
    pub fn new(summaries: Vec<RunSummary>) -> Self {
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
        Comparison {
            summaries,
            differences,
        }
    }
}
