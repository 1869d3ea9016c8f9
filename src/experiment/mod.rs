//! Experiments: many independent replications of a model, in parallel, with results
//! that do not depend on the thread count (each replication owns its seed and the
//! results are collected in replication order). Each replication is summarised as
//! soon as it finishes, so memory grows with threads, not with replications × horizon.

pub mod compare;
pub mod fit;
pub mod partial;
pub mod plan;
pub mod saved;
pub mod size;
pub mod sweep;
pub mod uncertainty;
pub mod validate;

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::model::ModelError;
use crate::model::{self, Model};
use crate::rng::replication_seed;
use crate::scenario::{self, Loaded, ScenarioError};
use crate::sim;
use crate::stats::{Provenance, ReplicationSummary, RunSummary, replication};
use crate::store::StoreError;

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
    /// A scenario file or a `--set` could not be read.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// A scenario does not validate.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// The request itself is wrong (a flag, a limit): the message says what is allowed.
    #[error("{0}")]
    Input(String),
    /// An error of one scenario, variant or point among several, named.
    #[error("{what}: {source}")]
    In {
        /// Which one, e.g. "--vary point responders.vans.units=3".
        what: String,
        /// What went wrong with it.
        source: Box<ExperimentError>,
    },
    /// Ctrl-C or SIGTERM: the run stopped early and nothing was written.
    #[error("interrupted after {finished} of {total} replications; nothing was written")]
    Interrupted {
        /// Replications that had finished.
        finished: u64,
        /// Replications asked for.
        total: u64,
    },
    /// Ctrl-C or SIGTERM during a run that kept its finished replications.
    #[error(
        "interrupted after {finished} of {total} replications; those finished are saved in \
         {dir}: run the same command with --resume to run the rest (the folder's earlier \
         result is unchanged until then)"
    )]
    InterruptedKept {
        /// Replications finished, the earlier ones included.
        finished: u64,
        /// Replications asked for.
        total: u64,
        /// The file holding them.
        dir: String,
    },
    /// Ctrl-C or SIGTERM during an experiment that saves its runs as they finish.
    #[error(
        "interrupted; the runs finished so far are saved in {dir}: run the same command with \
         --resume to go on"
    )]
    InterruptedSaved {
        /// The folder holding them.
        dir: String,
    },
    /// A replication got stuck in a loop of zero-time events.
    #[error(
        "{scenario}: events kept happening at the same instant (day {day:.2}) without end: \
         a loop of zero-time steps, e.g. repeat crises with no delay and scenes of no length; \
         give the delays and durations some length"
    )]
    Storm {
        /// Scenario name.
        scenario: String,
        /// Simulated day it was stopped.
        day: f64,
    },
    /// The thread pool could not be built.
    #[error("cannot start {threads} worker threads: {source}")]
    Threads {
        /// Requested threads.
        threads: usize,
        /// The reason.
        source: rayon::ThreadPoolBuildError,
    },
    /// Saving a finished run, or reading saved ones, failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ExperimentError {
    /// Names the scenario, variant or point the error belongs to.
    pub fn within(self, what: impl Into<String>) -> ExperimentError {
        ExperimentError::In {
            what: what.into(),
            source: Box::new(self),
        }
    }

    /// Whether the user's input is at fault (exit 2): a scenario, a flag, a limit, a
    /// zero-time loop the scenario's durations make, saved runs that do not fit.
    pub fn is_input(&self) -> bool {
        match self {
            ExperimentError::Scenario(_)
            | ExperimentError::Model(_)
            | ExperimentError::Input(_)
            | ExperimentError::Storm { .. } => true,
            ExperimentError::In { source, .. } => source.is_input(),
            ExperimentError::Store(e) => e.is_input(),
            _ => false,
        }
    }

    /// Whether a stop was asked for.
    pub fn is_interruption(&self) -> bool {
        match self {
            ExperimentError::Interrupted { .. }
            | ExperimentError::InterruptedKept { .. }
            | ExperimentError::InterruptedSaved { .. } => true,
            ExperimentError::In { source, .. } => source.is_interruption(),
            _ => false,
        }
    }

    /// Whether the error comes from a `--set` override (which names no scenario file).
    pub fn from_override(&self) -> bool {
        match self {
            ExperimentError::Scenario(e) => e.from_override(),
            ExperimentError::Model(e) => e.from_override(),
            _ => false,
        }
    }
}

/// Most kernel events one command may ask for, by the estimate of [`work`]: about an
/// hour on two cores.
pub const MAX_EVENTS: f64 = 1e11;

/// Most memory the replications' kept figures may take, by the estimate of [`work`].
pub const MAX_BYTES: f64 = 4.0 * 1024.0 * 1024.0 * 1024.0;

/// An upper estimate of one replication's kernel events and of the bytes its summary
/// keeps: an incident takes a few dozen events with its units' steps and repeats, a
/// background job a few, and the kept figures grow with the groups and the weeks.
pub fn work(model: &Model) -> Work {
    let days = model.days + model.warmup_days;
    let background = background_per_day(model);
    let events = days * (30.0 * model.mean_crises_per_day() + 3.0 * background) + 1000.0;
    let groups =
        model.zones.len() + model.call_types.len() + model.priorities.len() + model.kinds.len();
    let weeks = days / 7.0 + 1.0;
    let bytes = 8.0 * (300.0 + 7.0 * groups as f64 + 24.0 * model.kinds.len() as f64 + 2.5 * weeks)
        + 2048.0;
    Work { events, bytes }
}

/// An estimate of one replication's work.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Work {
    /// Kernel events.
    pub events: f64,
    /// Bytes its kept figures take.
    pub bytes: f64,
}

fn background_per_day(model: &Model) -> f64 {
    model
        .kinds
        .iter()
        .flat_map(|k| &k.background)
        .map(|b| b.rate * f64::from(b.units) * crate::time::DAY)
        .sum()
}

/// Refuses `replications` replications of `model` (over all the points of a sweep, say)
/// when the estimated work or memory is beyond [`MAX_EVENTS`] or [`MAX_BYTES`].
pub fn check_work(model: &Model, replications: f64) -> Result<(), ExperimentError> {
    let Work { events, bytes } = work(model);
    let (events, bytes) = (events * replications, bytes * replications);
    if events > MAX_EVENTS {
        return Err(ExperimentError::Input(format!(
            "{}: about {events:.1e} events to simulate ({replications} replications of {} days, \
             {} crises and {} background jobs a day), more than the {MAX_EVENTS:.0e} \
             allowed (about an hour on two cores); give fewer replications or days, or check \
             the rates and population",
            model.name,
            crate::text::human(model.days + model.warmup_days),
            crate::text::human(model.mean_crises_per_day().round()),
            crate::text::human(background_per_day(model).round()),
        )));
    }
    if bytes > MAX_BYTES {
        return Err(ExperimentError::Input(format!(
            "{}: about {:.1} GiB to keep {replications} replications' figures, more than the \
             {:.0} GiB allowed; give fewer replications, days or zones",
            model.name,
            bytes / MAX_BYTES * 4.0,
            MAX_BYTES / 1024.0 / 1024.0 / 1024.0
        )));
    }
    Ok(())
}

/// Loads and validates a scenario with `--set` overrides, and checks that its run is
/// within the work and memory limits.
pub fn load(path: &Path, sets: &[String]) -> Result<(Loaded, Model), ExperimentError> {
    let loaded = scenario::load(path, sets)?;
    let model = model::build(&loaded)?;
    check_work(&model, f64::from(model.replications))?;
    Ok((loaded, model))
}

/// The `--set` pairs that `--replications`, `--seed` and `--days` stand for, in the
/// order every command appends them to the user's own.
pub fn run_settings(
    replications: Option<u32>,
    seed: Option<u64>,
    days: Option<f64>,
) -> Vec<String> {
    let mut sets = Vec::new();
    if let Some(n) = replications {
        sets.push(format!("scenario.replications={n}"));
    }
    if let Some(s) = seed {
        // A string, since TOML integers stop short of the largest seeds.
        sets.push(format!("scenario.seed=\"{s}\""));
    }
    if let Some(d) = days {
        sets.push(format!("scenario.days={d:?}"));
    }
    sets
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
pub fn replication(model: &Model, index: u32) -> Result<ReplicationSummary, sim::Stopped> {
    replication_until(model, index, &crate::stop::STOP)
}

/// Runs and summarises replication `index`, stopping soon after `stop` is set.
fn replication_until(
    model: &Model,
    index: u32,
    stop: &AtomicBool,
) -> Result<ReplicationSummary, sim::Stopped> {
    let seed = replication_seed(model.seed, u64::from(index));
    let record = sim::run_until(model, seed, stop)?;
    Ok(replication::summarize(model, &record, index, seed))
}

/// A pool of `threads` workers (all cores when `None`).
pub fn pool(threads: Option<usize>) -> Result<rayon::ThreadPool, ExperimentError> {
    let threads = threads.unwrap_or(0);
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|source| ExperimentError::Threads { threads, source })
}

/// Runs replications `indices` of `model` in parallel on `pool`, counting each on `bar`
/// as it finishes. Returns those that finished, in index order, and why the others did
/// not (Ctrl-C, or a storm of zero-time events), if any did not.
pub fn replicate_some(
    pool: &rayon::ThreadPool,
    model: &Model,
    indices: &[u32],
    bar: &ProgressBar,
) -> (Vec<ReplicationSummary>, Option<sim::Stopped>) {
    // Every replication ends soon after a stop, so collecting them all loses no time and
    // keeps the finished ones.
    replicate_each(pool, model, indices, &crate::stop::STOP, || bar.inc(1))
}

/// [`replicate_some`] with its own stop flag, calling `done` as each replication
/// finishes.
fn replicate_each(
    pool: &rayon::ThreadPool,
    model: &Model,
    indices: &[u32],
    stop: &AtomicBool,
    done: impl Fn() + Sync,
) -> (Vec<ReplicationSummary>, Option<sim::Stopped>) {
    let results: Vec<Result<ReplicationSummary, sim::Stopped>> = pool.install(|| {
        indices
            .par_iter()
            .map(|&i| {
                let r = replication_until(model, i, stop)?;
                done();
                Ok(r)
            })
            .collect()
    });
    let mut finished = Vec::with_capacity(results.len());
    let mut stopped = None;
    for result in results {
        match result {
            Ok(r) => finished.push(r),
            Err(why @ sim::Stopped::Storm { .. }) => stopped = Some(why),
            Err(why) => stopped = stopped.or(Some(why)),
        }
    }
    (finished, stopped)
}

/// What a caller watching a run from elsewhere (the what-if page) gives it: its own
/// request to stop, and a count of finished replications it reads as progress.
pub struct Watch<'a> {
    /// Set to stop the run (Ctrl-C's flag is not consulted).
    pub stop: &'a AtomicBool,
    /// Counted up as each replication finishes.
    pub done: &'a AtomicU64,
}

/// Runs every replication of `model` on `pool` under `watch`; a stop gives
/// [`ExperimentError::Interrupted`].
pub fn replicate_watched(
    pool: &rayon::ThreadPool,
    model: &Model,
    watch: &Watch<'_>,
) -> Result<Vec<ReplicationSummary>, ExperimentError> {
    let indices: Vec<u32> = (0..model.replications).collect();
    let count = || {
        watch.done.fetch_add(1, Ordering::Relaxed);
    };
    let (finished, stopped) = replicate_each(pool, model, &indices, watch.stop, count);
    match stopped {
        None => Ok(finished),
        Some(why) => {
            let total = u64::from(model.replications);
            Err(stopped_error(model, why, finished.len() as u64, total))
        }
    }
}

/// Runs replications `range` of `model` in parallel on `pool`, in index order,
/// counting each on `bar` as it finishes.
pub fn replicate_in(
    pool: &rayon::ThreadPool,
    model: &Model,
    range: std::ops::Range<u32>,
    bar: &ProgressBar,
) -> Result<Vec<ReplicationSummary>, ExperimentError> {
    let total = u64::from(range.end - range.start);
    let indices: Vec<u32> = range.collect();
    let (finished, stopped) = replicate_some(pool, model, &indices, bar);
    match stopped {
        None => Ok(finished),
        Some(why) => Err(stopped_error(model, why, finished.len() as u64, total)),
    }
}

/// The error for replications stopped after `finished` of `total`.
pub fn stopped_error(
    model: &Model,
    why: sim::Stopped,
    finished: u64,
    total: u64,
) -> ExperimentError {
    match why {
        sim::Stopped::Interrupted => ExperimentError::Interrupted { finished, total },
        sim::Stopped::Storm { at } => ExperimentError::Storm {
            scenario: model.name.clone(),
            day: at / crate::time::DAY,
        },
    }
}

/// Runs `model.replications` replications in parallel.
pub fn replicate(model: &Model, options: &RunOptions) -> Result<RunResult, ExperimentError> {
    let start = Instant::now();
    let pool = pool(options.threads)?;
    let bar = progress_bar(u64::from(model.replications), options.progress);
    let replications = replicate_in(&pool, model, 0..model.replications, &bar);
    bar.finish_and_clear();
    let replications = replications?;
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

/// Replication `index` of `model` run again with its trace kept: the same seed gives
/// the same incidents as the run.
pub fn traced(model: &Model, index: u32) -> sim::Record {
    sim::run_traced(model, replication_seed(model.seed, u64::from(index)))
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
