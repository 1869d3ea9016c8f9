//! The requests in flight: at most one simulating and one waiting. A new request
//! replaces the waiting one and stops the running one, so the page always answers
//! the latest question and the server never runs two at once: one worker thread owns
//! the simulation pool. Finished answers are kept for the last few requests.
//!
//! While the server is idle, opening a scenario's page warms the unchanged run at the
//! scenario's own settings, so the first change simulates only the changed city; a
//! request that needs that very run waits for the warming instead of stopping it.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Instant;

use serde_json::{Value, json};

use super::answer::{Answer, answer};
use super::request::{Planned, Role, Run};
use crate::experiment::{self, ExperimentError, Watch};
use crate::stats::sweep::SweepPoint;
use crate::stats::uncertainty::UncertaintySummary;
use crate::stats::{Comparison, RunSummary};

/// Answers kept for their links (each holds its report files, a few megabytes).
const KEPT: usize = 8;

/// Unchanged runs kept, so that moving one lever simulates only the changed scenario.
const CACHED: usize = 8;

/// Where a request is.
pub enum Phase {
    /// Waiting for the one before it to stop.
    Queued,
    /// Simulating.
    Running,
    /// Drawing the charts and the report.
    Drawing,
    /// Done.
    Done(Arc<Answer>),
    /// Failed: the message.
    Failed(String),
    /// Stopped: why.
    Cancelled(String),
    /// A warming finished: its run is cached.
    Warmed,
}

impl Phase {
    /// Its name for the page.
    fn name(&self) -> &'static str {
        match self {
            Phase::Queued => "queued",
            Phase::Running => "running",
            Phase::Drawing => "drawing",
            Phase::Done(_) => "done",
            Phase::Failed(_) => "failed",
            Phase::Cancelled(_) => "cancelled",
            Phase::Warmed => "warmed",
        }
    }

    /// Whether nothing more will happen.
    fn ended(&self) -> bool {
        matches!(
            self,
            Phase::Done(_) | Phase::Failed(_) | Phase::Cancelled(_) | Phase::Warmed
        )
    }
}

/// One request.
pub struct Job {
    /// Its id.
    pub id: u64,
    /// Replications to run over all its runs (known once it starts).
    pub total: AtomicU64,
    /// Replications finished.
    pub done: AtomicU64,
    stop: AtomicBool,
    why_stopped: Mutex<String>,
    phase: Mutex<Phase>,
    planned: Mutex<Option<Planned>>,
    /// When it was submitted.
    pub submitted: Instant,
    /// For a warming, the cache key of the run it warms.
    warms: Option<String>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere ends the process (the panic hook), so a poisoned lock's data
    // is as good as any.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Job {
    fn set(&self, phase: Phase) {
        *lock(&self.phase) = phase;
    }

    fn stop(&self, why: &str) {
        if !self.stop.swap(true, Ordering::SeqCst) {
            *lock(&self.why_stopped) = why.to_string();
        }
        let mut phase = lock(&self.phase);
        if matches!(*phase, Phase::Queued) {
            *phase = Phase::Cancelled(why.to_string());
        }
    }

    /// Its state for the page: phase, progress, and the answer once done; `mark`
    /// changes whenever the phase or the progress does (for long polls).
    pub fn status(&self) -> Value {
        let phase = lock(&self.phase);
        let (answer, error) = match &*phase {
            Phase::Done(a) => (a.json.clone(), Value::Null),
            Phase::Failed(why) | Phase::Cancelled(why) => (Value::Null, json!(why)),
            _ => (Value::Null, Value::Null),
        };
        let done = self.done.load(Ordering::Relaxed);
        json!({
            "id": self.id,
            "phase": phase.name(),
            "mark": format!("{}.{done}", phase.name()),
            "done": done,
            "total": self.total.load(Ordering::Relaxed),
            "elapsed_s": self.submitted.elapsed().as_secs_f64(),
            "answer": answer,
            "error": error,
        })
    }

    /// Whether it has ended, and its current mark (as in [`Job::status`]).
    pub fn mark(&self) -> (bool, String) {
        let phase = lock(&self.phase);
        let done = self.done.load(Ordering::Relaxed);
        (phase.ended(), format!("{}.{done}", phase.name()))
    }

    /// Its answer, once done.
    pub fn answer(&self) -> Option<Arc<Answer>> {
        match &*lock(&self.phase) {
            Phase::Done(a) => Some(a.clone()),
            _ => None,
        }
    }
}

#[derive(Default)]
struct Inner {
    next: u64,
    waiting: Option<Arc<Job>>,
    running: Option<Arc<Job>>,
    recent: VecDeque<Arc<Job>>,
}

/// The requests, and the one worker that runs them.
#[derive(Default)]
pub struct Jobs {
    inner: Mutex<Inner>,
    wake: Condvar,
    cache: Mutex<VecDeque<(String, RunSummary)>>,
}

impl Jobs {
    fn job(inner: &mut Inner, planned: Planned, warms: Option<String>) -> Arc<Job> {
        inner.next += 1;
        Arc::new(Job {
            id: inner.next,
            total: AtomicU64::new(0),
            done: AtomicU64::new(0),
            stop: AtomicBool::new(false),
            why_stopped: Mutex::new(String::new()),
            phase: Mutex::new(Phase::Queued),
            planned: Mutex::new(Some(planned)),
            submitted: Instant::now(),
            warms,
        })
    }

    /// Queues a planned request, replacing the waiting one and stopping the running one
    /// (but a warming of a run it needs).
    pub fn submit(&self, planned: Planned) -> Arc<Job> {
        let needed: Vec<String> = planned.runs.iter().map(cache_key).collect();
        let mut inner = lock(&self.inner);
        let job = Jobs::job(&mut inner, planned, None);
        let why = format!("replaced by request {}", job.id);
        for old in inner.waiting.iter().chain(&inner.running) {
            if !old.warms.as_ref().is_some_and(|k| needed.contains(k)) {
                old.stop(&why);
            }
        }
        inner.waiting = Some(job.clone());
        inner.recent.push_back(job.clone());
        while inner.recent.len() > KEPT {
            inner.recent.pop_front();
        }
        self.wake.notify_all();
        job
    }

    /// Warms the unchanged run of `planned` (a request with no change) if nothing else
    /// is running or waiting and it is not cached yet.
    pub fn warm(&self, planned: Planned) {
        let Some(unchanged) = planned.runs.iter().find(|r| r.role == Role::Unchanged) else {
            return;
        };
        let key = cache_key(unchanged);
        let mut inner = lock(&self.inner);
        let cached = lock(&self.cache).iter().any(|(k, _)| *k == key);
        if inner.running.is_some() || inner.waiting.is_some() || cached {
            return;
        }
        let job = Jobs::job(&mut inner, planned, Some(key));
        inner.waiting = Some(job);
        self.wake.notify_all();
    }

    /// What runs and what waits, for scripts asking whether the server is busy.
    pub fn state(&self) -> Value {
        let inner = lock(&self.inner);
        let describe = |job: &Option<Arc<Job>>| {
            job.as_ref().map(|j| {
                json!({
                    "id": j.id,
                    "warming": j.warms.is_some(),
                    "done": j.done.load(Ordering::Relaxed),
                    "total": j.total.load(Ordering::Relaxed),
                })
            })
        };
        json!({ "running": describe(&inner.running), "waiting": describe(&inner.waiting) })
    }

    /// The request with this id, if still kept.
    pub fn get(&self, id: u64) -> Option<Arc<Job>> {
        lock(&self.inner)
            .recent
            .iter()
            .find(|j| j.id == id)
            .cloned()
    }

    /// Stops a request; returns whether it was known.
    pub fn cancel(&self, id: u64) -> bool {
        let inner = lock(&self.inner);
        let Some(job) = inner.recent.iter().find(|j| j.id == id) else {
            return false;
        };
        job.stop("cancelled");
        true
    }

    /// The next request to run, waiting for one.
    fn next(&self) -> Arc<Job> {
        let mut inner = lock(&self.inner);
        loop {
            if let Some(job) = inner.waiting.take() {
                inner.running = Some(job.clone());
                return job;
            }
            inner = self.wake.wait(inner).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn finished(&self) {
        lock(&self.inner).running = None;
    }

    /// Runs requests one after another, forever, on `pool`.
    pub fn work(&self, pool: &rayon::ThreadPool) {
        loop {
            let job = self.next();
            let planned = lock(&job.planned).take();
            if let Some(planned) = planned
                && !job.stop.load(Ordering::SeqCst)
            {
                let outcome = match job.warms {
                    Some(_) => self.summaries(&job, &planned, pool).map(|_| None),
                    None => execute(self, &job, &planned, pool).map(Some),
                };
                let phase = match outcome {
                    Ok(None) => Phase::Warmed,
                    Ok(Some(a)) => Phase::Done(Arc::new(a)),
                    Err(e) if e.is_interruption() => {
                        Phase::Cancelled(lock(&job.why_stopped).clone())
                    }
                    Err(e) => Phase::Failed(e.to_string()),
                };
                // Idle first, so that whoever sees the phase sees an idle server.
                self.finished();
                job.set(phase);
                continue;
            }
            self.finished();
        }
    }
}

/// What makes a run's result: its file and the files it extends as read now (an
/// edited file is simulated again), overrides, seed and replications.
fn cache_key(run: &Run) -> String {
    let bases: Vec<&str> = run.loaded.bases.iter().map(|(_, t)| t.as_str()).collect();
    format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        run.file.display(),
        run.loaded.text,
        bases.join("\n"),
        run.overrides.join("\n"),
        run.model.seed,
        run.model.replications
    )
}

impl Jobs {
    fn cached(&self, run: &Run) -> Option<RunSummary> {
        let key = cache_key(run);
        let cache = lock(&self.cache);
        cache
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, s)| s.clone())
    }

    fn keep(&self, run: &Run, summary: &RunSummary) {
        let mut cache = lock(&self.cache);
        cache.push_back((cache_key(run), summary.clone()));
        while cache.len() > CACHED {
            cache.pop_front();
        }
    }

    /// Each run's summary: the unchanged ones from the cache when there, the changed
    /// one from the unchanged when nothing changed, the rest simulated.
    fn summaries(
        &self,
        job: &Job,
        planned: &Planned,
        pool: &rayon::ThreadPool,
    ) -> Result<Vec<RunSummary>, ExperimentError> {
        let nothing_changed = planned.request.sets.is_empty();
        let known: Vec<Option<RunSummary>> = (planned.runs.iter())
            .map(|r| match r.role {
                Role::Changed if nothing_changed => None,
                _ => self.cached(r),
            })
            .collect();
        let to_run = (planned.runs.iter().zip(&known))
            .filter(|(r, k)| k.is_none() && !(nothing_changed && r.role == Role::Changed))
            .map(|(r, _)| u64::from(r.model.replications))
            .sum();
        job.total.store(to_run, Ordering::Relaxed);
        let watch = Watch {
            stop: &job.stop,
            done: &job.done,
        };
        let mut summaries: Vec<RunSummary> = Vec::new();
        for (run, known) in planned.runs.iter().zip(known) {
            let summary = match known {
                Some(s) => s,
                None if nothing_changed && run.role == Role::Changed => match summaries.last() {
                    Some(before) => before.clone(),
                    None => simulate(run, pool, &watch)?,
                },
                None => {
                    let s = simulate(run, pool, &watch)?;
                    if run.role != Role::Changed {
                        self.keep(run, &s);
                    }
                    s
                }
            };
            summaries.push(summary);
        }
        Ok(summaries)
    }
}

fn simulate(
    run: &Run,
    pool: &rayon::ThreadPool,
    watch: &Watch<'_>,
) -> Result<RunSummary, ExperimentError> {
    let began = Instant::now();
    let reps = experiment::replicate_watched(pool, &run.model, watch)?;
    let provenance = experiment::provenance(&run.file, &run.loaded, &run.overrides);
    let wall = began.elapsed().as_secs_f64();
    Ok(RunSummary::new(&run.model, provenance, reps, wall))
}

/// Runs every point of the uncertainty analysis, if one was asked for.
fn analysis(
    job: &Job,
    planned: &Planned,
    pool: &rayon::ThreadPool,
) -> Result<Option<UncertaintySummary>, ExperimentError> {
    let Some(prepared) = &planned.uncertainty else {
        return Ok(None);
    };
    let reps: u64 = prepared
        .models
        .iter()
        .map(|m| u64::from(m.replications))
        .sum();
    job.total.fetch_add(reps, Ordering::Relaxed);
    let watch = Watch {
        stop: &job.stop,
        done: &job.done,
    };
    let runs = prepared.runs();
    let mut points = Vec::with_capacity(prepared.models.len());
    for (index, model) in prepared.models.iter().enumerate() {
        let summaries = experiment::replicate_watched(pool, model, &watch)?;
        points.push(SweepPoint {
            index,
            values: runs.values[index].clone(),
            replications: summaries.into_iter().map(|r| r.values).collect(),
        });
    }
    Ok(Some(UncertaintySummary::new(
        prepared.plan.clone(),
        &points,
    )))
}

fn execute(
    jobs: &Jobs,
    job: &Job,
    planned: &Planned,
    pool: &rayon::ThreadPool,
) -> Result<Answer, ExperimentError> {
    let start = Instant::now();
    job.set(Phase::Running);
    let summaries = jobs.summaries(job, planned, pool)?;
    let uncertain = analysis(job, planned, pool)?;
    let comparison =
        Comparison::new(summaries).map_err(|e| ExperimentError::Input(e.to_string()))?;
    job.set(Phase::Drawing);
    let files = pool
        .install(|| crate::report::compare::compare_files(&comparison))
        .map_err(|e| ExperimentError::Input(e.to_string()))?;
    let wall_s = start.elapsed().as_secs_f64();
    Ok(answer(
        job.id,
        planned,
        &comparison,
        uncertain.as_ref(),
        files,
        wall_s,
    ))
}
