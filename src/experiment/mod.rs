//! Experiments: many independent replications of a model, in parallel, with results
//! that do not depend on the thread count (each replication owns its seed and the
//! results are collected in replication order). Each replication is summarised as
//! soon as it finishes, so memory grows with threads, not with replications × horizon.

pub mod compare;
pub mod size;
pub mod sweep;

use std::path::Path;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::model::{self, Model};
use crate::rng::replication_seed;
use crate::scenario::{self, Loaded};
use crate::sim;
use crate::stats::{Provenance, ReplicationSummary, RunSummary, replication};

/// How to run.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Worker threads; all cores when `None`.
    pub threads: Option<usize>,
    /// Show a progress bar on a terminal.
    pub progress: bool,
}

/// All replications of one model, summarised.
#[derive(Clone, Debug)]
pub struct RunResult {
    /// In index order.
    pub replications: Vec<ReplicationSummary>,
    /// Wall-clock seconds for the whole run.
    pub wall_s: f64,
}

/// Why an experiment could not run.
#[derive(Debug, thiserror::Error)]
pub enum ExperimentError {
    /// A scenario is wrong (exit code 2): the message names file, line and key.
    #[error("{0}")]
    Input(String),
    /// The thread pool could not be built.
    #[error("cannot start {threads} worker threads: {source}")]
    Threads {
        /// Requested threads.
        threads: usize,
        /// The reason.
        source: rayon::ThreadPoolBuildError,
    },
}

/// Loads and validates a scenario with `--set` overrides.
pub fn load(path: &Path, sets: &[String]) -> Result<(Loaded, Model), ExperimentError> {
    let loaded = scenario::load(path, sets).map_err(|e| ExperimentError::Input(e.to_string()))?;
    let model = model::build(&loaded).map_err(|e| ExperimentError::Input(e.to_string()))?;
    Ok((loaded, model))
}

/// How a loaded scenario was made, for its summary.
pub fn provenance(file: &Path, loaded: &Loaded, overrides: &[String]) -> Provenance {
    Provenance {
        file: file.display().to_string(),
        text: loaded.text.clone(),
        bases: loaded.bases.clone(),
        overrides: overrides.to_vec(),
    }
}

/// Runs and summarises replication `index`.
pub fn replication(model: &Model, index: u32) -> ReplicationSummary {
    let seed = replication_seed(model.seed, u64::from(index));
    let record = sim::run(model, seed);
    replication::summarize(model, &record, index, seed)
}

/// A pool of `threads` workers (all cores when `None`).
pub fn pool(threads: Option<usize>) -> Result<rayon::ThreadPool, ExperimentError> {
    let threads = threads.unwrap_or(0);
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|source| ExperimentError::Threads { threads, source })
}

/// Runs replications `range` of `model` in parallel on `pool`, in index order,
/// counting each on `bar` as it finishes.
pub fn replicate_in(
    pool: &rayon::ThreadPool,
    model: &Model,
    range: std::ops::Range<u32>,
    bar: &ProgressBar,
) -> Vec<ReplicationSummary> {
    pool.install(|| {
        range
            .into_par_iter()
            .map(|i| {
                let r = replication(model, i);
                bar.inc(1);
                r
            })
            .collect()
    })
}

/// Runs `model.replications` replications in parallel.
pub fn replicate(model: &Model, options: &RunOptions) -> Result<RunResult, ExperimentError> {
    let start = Instant::now();
    let pool = pool(options.threads)?;
    let bar = progress_bar(u64::from(model.replications), options.progress);
    let replications = replicate_in(&pool, model, 0..model.replications, &bar);
    bar.finish_and_clear();
    Ok(RunResult {
        replications,
        wall_s: start.elapsed().as_secs_f64(),
    })
}

/// Runs a model and summarises the run.
pub fn run(
    model: &Model,
    provenance: Provenance,
    options: &RunOptions,
) -> Result<RunSummary, ExperimentError> {
    let result = replicate(model, options)?;
    Ok(RunSummary::new(
        model,
        provenance,
        result.replications,
        result.wall_s,
    ))
}

/// A bar over `len` replications, drawn on a terminal only when `show`.
pub fn progress_bar(len: u64, show: bool) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    // Draws to stderr, and draws nothing when stderr is not a terminal.
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} [{bar:30}] {pos}/{len} replications  {per_sec}  eta {eta}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}
