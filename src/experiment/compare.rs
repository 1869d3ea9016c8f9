//! `compare`: several scenarios run with the baseline's seed and replications, so that
//! they share their random numbers, then paired replication by replication.

use std::path::PathBuf;

use super::{ExperimentError, RunOptions, load, provenance, run};
use crate::model::Model;
use crate::scenario::Loaded;
use crate::stats::Comparison;

/// The scenarios of a comparison, loaded and validated, the baseline first.
pub struct Prepared {
    /// `(file, loaded, model)` per scenario.
    pub scenarios: Vec<(PathBuf, Loaded, Model)>,
    /// The `--set` overrides applied to all.
    pub overrides: Vec<String>,
}

/// Loads every scenario (all are checked before anything runs) and gives each the
/// baseline's seed and replications.
pub fn prepare(files: &[PathBuf], sets: &[String]) -> Result<Prepared, ExperimentError> {
    let mut scenarios: Vec<(PathBuf, Loaded, Model)> = Vec::new();
    for file in files {
        let (loaded, mut model) = load(file, sets)?;
        if let Some((_, _, first)) = scenarios.first() {
            model.seed = first.seed;
            model.replications = first.replications;
        }
        scenarios.push((file.clone(), loaded, model));
    }
    Ok(Prepared {
        scenarios,
        overrides: sets.to_vec(),
    })
}

/// Runs every prepared scenario and pairs each later one with the first.
pub fn compare(prepared: &Prepared, options: &RunOptions) -> Result<Comparison, ExperimentError> {
    let mut summaries = Vec::new();
    for (file, loaded, model) in &prepared.scenarios {
        let p = provenance(file, loaded, &prepared.overrides);
        summaries.push(run(model, p, options)?);
    }
    Ok(Comparison::new(summaries))
}
