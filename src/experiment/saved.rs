//! The runner of experiments made of independent runs saved as they finish (a sweep's
//! points, an uncertainty analysis's draws): which runs a shard owns, which are saved
//! already, running the rest with each saved as soon as it finishes, and gathering
//! them once all are there. The folder itself is the store's ([`crate::store::points`]).

use std::path::Path;

use super::{ExperimentError, RunOptions, progress_bar, replicate_in};
use crate::model::Model;
use crate::stats::sweep::SweepPoint;
use crate::store::StoreError;
use crate::store::points::{self, Plan};

/// Which points this process runs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shard {
    /// 0-based shard number.
    pub index: usize,
    /// Shards in all.
    pub count: usize,
}

impl Shard {
    /// Reads `I/N` (0 ≤ I < N), or `auto` from a Slurm job array's environment.
    pub fn parse(text: &str) -> Result<Shard, String> {
        if text == "auto" {
            return Self::from_slurm(|name| std::env::var(name).ok());
        }
        let bad = || format!("--shard `{text}`: write I/N with 0 ≤ I < N, e.g. 0/4, or auto");
        let (i, n) = text.split_once('/').ok_or_else(bad)?;
        let (index, count) = (
            i.trim().parse::<usize>().map_err(|_| bad())?,
            n.trim().parse::<usize>().map_err(|_| bad())?,
        );
        if index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// The shard of a Slurm array task: its id less the array's first id, of the
    /// array's task count.
    pub fn from_slurm(var: impl Fn(&str) -> Option<String>) -> Result<Shard, String> {
        let number = |name: &str| var(name).and_then(|v| v.trim().parse::<usize>().ok());
        let (Some(id), Some(count)) = (
            number("SLURM_ARRAY_TASK_ID"),
            number("SLURM_ARRAY_TASK_COUNT"),
        ) else {
            return Err(
                "--shard auto reads SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT, \
                        which are not set: run it as a Slurm job array (sbatch --array=0-N), \
                        or give --shard I/N"
                    .into(),
            );
        };
        let first = number("SLURM_ARRAY_TASK_MIN").unwrap_or(0);
        let index = id
            .checked_sub(first)
            .filter(|i| *i < count)
            .ok_or_else(|| {
                format!("Slurm array task {id} is not within {count} tasks from {first}")
            })?;
        Ok(Shard { index, count })
    }

    /// Whether point `index` belongs to this shard.
    pub fn has(&self, index: usize) -> bool {
        index % self.count == self.index
    }
}

/// Independent runs of an experiment: a model per point and what identifies each.
pub struct Runs<'a> {
    /// The model of each point.
    pub models: &'a [Model],
    /// Replications of every point.
    pub replications: u32,
    /// The values each point's saved file carries.
    pub values: Vec<Vec<String>>,
}

/// Runs the points `indices` of `runs` in turn (replications in parallel) and hands
/// each to `done` as soon as it finishes, so it can be saved at once. One progress bar
/// counts every replication of every point.
pub fn run_each(
    runs: &Runs<'_>,
    indices: &[usize],
    options: &RunOptions,
    mut done: impl FnMut(SweepPoint) -> Result<(), StoreError>,
) -> Result<(), ExperimentError> {
    let pool = super::pool(options.threads)?;
    let reps = runs.replications;
    let bar = progress_bar(indices.len() as u64 * u64::from(reps), options.progress);
    let result = indices.iter().try_for_each(|&index| {
        let summaries = replicate_in(&pool, &runs.models[index], 0..reps, &bar)?;
        done(SweepPoint {
            index,
            values: runs.values[index].clone(),
            replications: summaries.into_iter().map(|r| r.values).collect(),
        })
        .map_err(ExperimentError::from)
    });
    bar.finish_and_clear();
    result
}

/// The runs of a plan a shard still has to make.
#[derive(Clone, Debug)]
pub struct Pending {
    /// Runs in the plan.
    pub total: usize,
    /// Runs this shard owns.
    pub mine: usize,
    /// Those not saved yet, in plan order.
    pub to_run: Vec<usize>,
}

/// Readies `dir` for `plan` (see [`points::open`] for what `start` does with points
/// saved there) and says which of the shard's runs are left.
pub fn open<P: Plan>(
    dir: &Path,
    plan: &P,
    shard: Option<Shard>,
    start: points::Start,
) -> Result<Pending, ExperimentError> {
    let done = points::open(dir, plan, start)?;
    let mine: Vec<usize> = (0..plan.points())
        .filter(|i| shard.is_none_or(|s| s.has(*i)))
        .collect();
    let to_run = mine.iter().copied().filter(|i| !done.contains(i)).collect();
    Ok(Pending {
        total: plan.points(),
        mine: mine.len(),
        to_run,
    })
}

/// Runs what is left and saves each point in `dir` as it finishes. An interruption
/// says that the finished points are saved and how to go on.
pub fn run<P: Plan>(
    dir: &Path,
    plan: &P,
    runs: &Runs<'_>,
    pending: &Pending,
    options: &RunOptions,
) -> Result<(), ExperimentError> {
    let mark = points::fingerprint(plan);
    run_each(runs, &pending.to_run, options, |p| {
        points::save_point(dir, &mark, &p)
    })
    .map_err(|e| match e {
        ExperimentError::Interrupted { .. } => ExperimentError::InterruptedSaved {
            dir: dir.display().to_string(),
        },
        other => other,
    })
}

/// Every point of `plan` saved in `dir`, once all are there (`None` while shards are
/// still missing).
pub fn gathered<P: Plan>(dir: &Path, plan: &P) -> Result<Option<Vec<SweepPoint>>, ExperimentError> {
    let saved = points::read_points(dir, plan)?;
    Ok((saved.len() == plan.points()).then_some(saved))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_from_flags_and_from_slurm() {
        assert_eq!(Shard::parse("1/4"), Ok(Shard { index: 1, count: 4 }));
        for bad in ["4/4", "1", "a/2", "-1/3"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let slurm = Shard::from_slurm(env(&[
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
        ]));
        assert_eq!(slurm, Ok(Shard { index: 2, count: 4 }));
        assert!(Shard::from_slurm(env(&[])).is_err());
        let s = Shard { index: 1, count: 3 };
        assert!(s.has(4) && !s.has(3));
    }
}
