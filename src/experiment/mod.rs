//! Experiments: many independent replications of a model, in parallel, with results
//! that do not depend on the thread count (each replication owns its seed and the
//! results are collected in replication order).

use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::model::Model;
use crate::rng::replication_seed;
use crate::sim::{self, Record};
use crate::stats::{self, Metrics};

/// How to run.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Worker threads; all cores when `None`.
    pub threads: Option<usize>,
    /// Show a progress bar on a terminal.
    pub progress: bool,
}

/// One finished replication.
#[derive(Clone, Debug)]
pub struct Replication {
    /// 0-based index.
    pub index: u32,
    /// Its seed, derived from the run seed and the index.
    pub seed: u64,
    /// Its metrics.
    pub metrics: Metrics,
    /// Its metrics per call type.
    pub by_call_type: Vec<(String, Metrics)>,
    /// Its metrics per zone.
    pub by_zone: Vec<(String, Metrics)>,
    /// What it recorded.
    pub record: Record,
}

/// All replications of one model.
#[derive(Clone, Debug)]
pub struct RunResult {
    /// In index order.
    pub replications: Vec<Replication>,
    /// Wall-clock seconds for the whole run.
    pub wall_s: f64,
}

impl RunResult {
    /// Kernel events over all replications.
    pub fn events(&self) -> u64 {
        self.replications.iter().map(|r| r.record.events).sum()
    }
}

/// Why an experiment could not run.
#[derive(Debug, thiserror::Error)]
pub enum ExperimentError {
    /// The thread pool could not be built.
    #[error("cannot start {threads} worker threads: {source}")]
    Threads {
        /// Requested threads.
        threads: usize,
        /// The reason.
        source: rayon::ThreadPoolBuildError,
    },
}

/// Runs one replication.
pub fn replication(model: &Model, index: u32) -> Replication {
    let seed = replication_seed(model.seed, u64::from(index));
    let record = sim::run(model, seed);
    Replication {
        index,
        seed,
        metrics: stats::replication_metrics(model, &record),
        by_call_type: stats::by_call_type(model, &record),
        by_zone: stats::by_zone(model, &record),
        record,
    }
}

/// Runs `model.replications` replications in parallel.
pub fn replicate(model: &Model, options: &RunOptions) -> Result<RunResult, ExperimentError> {
    let start = Instant::now();
    let threads = options.threads.unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|source| ExperimentError::Threads { threads, source })?;
    let bar = progress_bar(u64::from(model.replications), options.progress);
    let replications = pool.install(|| {
        (0..model.replications)
            .into_par_iter()
            .map(|i| {
                let r = replication(model, i);
                bar.inc(1);
                r
            })
            .collect()
    });
    bar.finish_and_clear();
    Ok(RunResult {
        replications,
        wall_s: start.elapsed().as_secs_f64(),
    })
}

fn progress_bar(len: u64, show: bool) -> ProgressBar {
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
