//! A run that keeps what it finished: stopped by Ctrl-C, it hands back its finished
//! replications to be saved (`partial.json` in the output folder), and a later run of
//! the same command with `--resume` runs only the others. Every replication owns its
//! seed, so the resumed run equals the uninterrupted one.

use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::{ExperimentError, RunOptions, pool, progress_bar, replicate_some, stopped_error};
use crate::model::Model;
use crate::sim;
use crate::stats::{Provenance, ReplicationSummary, RunSummary};

/// The file an interrupted run leaves in its output folder.
pub const FILE: &str = "partial.json";

/// The finished replications of an interrupted run.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Partial {
    /// What run they belong to ([`fingerprint`]).
    pub run: String,
    /// The scenario's name, for messages.
    pub scenario: String,
    /// Replications the run asked for.
    pub asked: u32,
    /// Wall-clock seconds spent on them.
    pub wall_s: f64,
    /// The finished replications, in index order.
    pub replications: Vec<ReplicationSummary>,
}

/// What identifies a run: the scenario as read (with the files it extends and the
/// overrides), the seed, replications, horizon, warm-up and crisis-sim's version.
pub fn fingerprint(model: &Model, provenance: &Provenance) -> String {
    let identity = serde_json::json!({
        "text": provenance.text,
        "bases": provenance.bases,
        "overrides": provenance.overrides,
        "seed": model.seed,
        "replications": model.replications,
        "days": model.days,
        "warmup_days": model.warmup_days,
        "version": env!("CARGO_PKG_VERSION"),
    });
    crate::store::points::fingerprint(&identity)
}

/// How a resumable run ended.
pub enum Outcome {
    /// Every replication finished.
    Done(Box<RunSummary>),
    /// Ctrl-C: the replications finished so far (the earlier ones included), to save.
    Interrupted(Partial),
}

impl Partial {
    /// Whether these replications belong to the run of `model` as `provenance` made it.
    pub fn belongs_to(&self, model: &Model, provenance: &Provenance) -> bool {
        self.run == fingerprint(model, provenance)
            && self.asked == model.replications
            && self
                .replications
                .iter()
                .all(|r| r.index < model.replications)
    }
}

/// Runs `model`'s replications but those `earlier` holds, and summarises them all; on
/// Ctrl-C, hands back what finished.
pub fn run(
    model: &Model,
    provenance: Provenance,
    options: &RunOptions,
    earlier: Option<Partial>,
) -> Result<Outcome, ExperimentError> {
    let start = Instant::now();
    let (mut done, earlier_wall) =
        earlier.map_or((Vec::new(), 0.0), |p| (p.replications, p.wall_s));
    let todo: Vec<u32> = (0..model.replications)
        .filter(|i| !done.iter().any(|r| r.index == *i))
        .collect();
    let pool = pool(options.threads)?;
    let bar = progress_bar(u64::from(model.replications), options.progress);
    bar.inc(done.len() as u64);
    let (finished, stopped) = replicate_some(&pool, model, &todo, &bar);
    bar.finish_and_clear();
    done.extend(finished);
    done.sort_by_key(|r| r.index);
    let wall_s = earlier_wall + start.elapsed().as_secs_f64();
    match stopped {
        None => Ok(Outcome::Done(Box::new(RunSummary::new(
            model, provenance, done, wall_s,
        )))),
        Some(sim::Stopped::Interrupted) => Ok(Outcome::Interrupted(Partial {
            run: fingerprint(model, &provenance),
            scenario: model.name.clone(),
            asked: model.replications,
            wall_s,
            replications: done,
        })),
        Some(why) => Err(stopped_error(
            model,
            why,
            done.len() as u64,
            u64::from(model.replications),
        )),
    }
}
