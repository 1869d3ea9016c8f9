//! Validation runs: a scenario's replications traced and read as calls, the way
//! `calibrate` reads a city's records, so that the two can be set side by side.

use rayon::prelude::*;

use super::{ExperimentError, RunOptions};
use crate::model::Model;
use crate::rng::replication_seed;
use crate::sim;
use crate::stats::trace::observations;
use crate::stats::validation::Observation;

/// Each replication's calls (common random numbers: replication `i` always runs with
/// the same seed), on `pool`.
pub fn observe(
    model: &Model,
    replications: u32,
    pool: &rayon::ThreadPool,
) -> Vec<Vec<Observation>> {
    pool.install(|| {
        (0..replications)
            .into_par_iter()
            .map(|i| {
                let record = sim::run_traced(model, replication_seed(model.seed, u64::from(i)));
                let (trace, background) = (
                    record.trace.unwrap_or_default(),
                    record.background_trace.unwrap_or_default(),
                );
                observations(model, &trace, &background)
            })
            .collect()
    })
}

/// [`observe`] on a pool of `options.threads`, unless a stop was asked for.
pub fn run(
    model: &Model,
    replications: u32,
    options: &RunOptions,
) -> Result<Vec<Vec<Observation>>, ExperimentError> {
    let pool = super::pool(options.threads)?;
    let calls = observe(model, replications, &pool);
    if crate::stop::requested() {
        return Err(ExperimentError::Interrupted {
            finished: 0,
            total: u64::from(replications),
        });
    }
    Ok(calls)
}
