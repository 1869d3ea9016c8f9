//! The folder of a long experiment made of independent runs (a sweep's points, an
//! uncertainty analysis's draws): `plan.json` and one `points/point-NNNNNN.json` per
//! finished run, saved as each finishes, so a killed experiment resumes and shards
//! merge. Results are made from these files alone.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{StoreError, io, json, write_atomic};
use crate::stats::sweep::{SweepPlan, SweepPoint};
use crate::stats::uncertainty::UncertaintyPlan;

/// The plan's file.
pub const PLAN: &str = "plan.json";
/// The folder of saved points.
pub const POINTS: &str = "points";

/// Most points a plan may have: far beyond any experiment the work limits allow, and
/// a bound on what a tampered plan can make the program allocate.
pub const MAX_POINTS: usize = 1_000_000;

/// A point as saved: the point, and the plan it belongs to (a hash of the plan file),
/// so a point of another experiment is never taken for one of this.
#[derive(Serialize, Deserialize)]
struct Saved {
    plan: String,
    point: SweepPoint,
}

/// A fingerprint of a plan: FNV-1a over its JSON (stable across builds and machines).
pub fn fingerprint<P: Serialize>(plan: &P) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in json(plan) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// What the folder needs to know of a plan.
pub trait Plan: Serialize + DeserializeOwned + Clone + PartialEq {
    /// What it is called in messages ("sweep").
    const WHAT: &'static str;
    /// Points in the plan.
    fn points(&self) -> usize;
    /// The values that identify point `index` (what its saved file must hold).
    fn values_at(&self, index: usize) -> Vec<String>;
    /// A point, for the list of missing ones.
    fn label(&self, index: usize) -> String;
    /// Replications each point runs.
    fn replications(&self) -> u32;
    /// Metric values each replication of point `index` holds.
    fn metric_count(&self, index: usize) -> usize;
    /// The first thing that makes two plans different, in words.
    fn difference(&self, other: &Self) -> Option<String>;
}

impl Plan for SweepPlan {
    const WHAT: &'static str = "sweep";
    fn points(&self) -> usize {
        SweepPlan::points(self)
    }
    fn values_at(&self, index: usize) -> Vec<String> {
        SweepPlan::values_at(self, index)
    }
    fn label(&self, index: usize) -> String {
        self.sets_at(index).join(", ")
    }
    fn replications(&self) -> u32 {
        self.replications
    }
    fn metric_count(&self, _: usize) -> usize {
        self.metrics.len()
    }
    fn difference(&self, b: &Self) -> Option<String> {
        let a = self;
        let checks = [
            (a.scenario != b.scenario, "the scenario"),
            (a.axes != b.axes, "the --vary keys or values"),
            (a.seed != b.seed, "the seed"),
            (a.replications != b.replications, "the replications"),
            (
                a.days != b.days || a.warmup_days != b.warmup_days,
                "the horizon",
            ),
            (
                a.provenance != b.provenance,
                "the scenario file or overrides",
            ),
            (a.crate_version != b.crate_version, "the crisis-sim version"),
            (a != b, "the plan"),
        ];
        checks
            .into_iter()
            .find(|(differs, _)| *differs)
            .map(|(_, what)| what.to_string())
    }
}

impl Plan for UncertaintyPlan {
    const WHAT: &'static str = "uncertainty analysis";
    fn points(&self) -> usize {
        self.points.len()
    }
    fn values_at(&self, index: usize) -> Vec<String> {
        self.points[index].sets.clone()
    }
    fn label(&self, index: usize) -> String {
        UncertaintyPlan::label(self, index)
    }
    fn replications(&self) -> u32 {
        self.replications
    }
    fn metric_count(&self, index: usize) -> usize {
        self.metrics[self.points[index].scenario].len()
    }
    fn difference(&self, other: &Self) -> Option<String> {
        UncertaintyPlan::difference(self, other)
    }
}

fn point_name(index: usize) -> String {
    format!("point-{index:06}.json")
}

/// Whether `dir` holds a plan of kind `P`.
pub fn holds<P: Plan>(dir: &Path) -> bool {
    matches!(read_plan::<P>(dir), Ok(Some(_)))
}

/// The plan saved in `dir`, if there is one.
pub fn read_plan<P: Plan>(dir: &Path) -> Result<Option<P>, StoreError> {
    let path = dir.join(PLAN);
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).map_err(io(&path))?;
    let plan: P = serde_json::from_str(&text).map_err(|e| {
        StoreError::Mismatch(format!(
            "{}: not a crisis-sim {} plan: {e}",
            path.display(),
            P::WHAT
        ))
    })?;
    if plan.points() > MAX_POINTS {
        return Err(StoreError::Mismatch(format!(
            "{}: a plan of {} points is not one crisis-sim writes (at most {MAX_POINTS})",
            path.display(),
            plan.points()
        )));
    }
    Ok(Some(plan))
}

/// How an experiment treats the points an earlier run saved in its folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// No saved points are expected: a folder that holds some is refused, so that none
    /// is thrown away unasked.
    New,
    /// `--resume`: keep the saved points of the same plan and run the rest.
    Resume,
    /// `--fresh`: clear the saved points and start over.
    Fresh,
}

/// Readies `dir` for `plan` and returns the points already finished there: with
/// [`Start::Resume`], the saved points of the same plan (a different plan is refused);
/// otherwise none (with [`Start::Fresh`] earlier points are cleared; with
/// [`Start::New`] a folder holding some is refused).
pub fn open<P: Plan>(dir: &Path, plan: &P, start: Start) -> Result<Vec<usize>, StoreError> {
    let points = dir.join(POINTS);
    if start == Start::New {
        let saved = std::fs::read_dir(&points).map_or(0, |entries| {
            (entries.flatten())
                .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                .count()
        });
        if saved > 0 {
            return Err(StoreError::Mismatch(format!(
                "{} holds {saved} saved point{} of an earlier {}; add --resume to keep them \
                 and run the rest (same command), or --fresh to clear them and start over",
                dir.display(),
                if saved == 1 { "" } else { "s" },
                P::WHAT
            )));
        }
    }
    let done = if start == Start::Resume && dir.join(PLAN).is_file() {
        let old: Option<P> = read_plan(dir).map_err(|_| {
            StoreError::Mismatch(format!(
                "--resume: {} holds something other than this {}; choose another --out",
                dir.display(),
                P::WHAT
            ))
        })?;
        if let Some(what) = old.and_then(|old| old.difference(plan)) {
            return Err(StoreError::Mismatch(format!(
                "--resume: {} holds a different {} ({what} is not the same); \
                 resume with the same command, or choose another --out",
                dir.display(),
                P::WHAT
            )));
        }
        finished(dir, plan)?
    } else {
        if points.is_dir() {
            std::fs::remove_dir_all(&points).map_err(io(&points))?;
        }
        Vec::new()
    };
    std::fs::create_dir_all(&points).map_err(io(&points))?;
    write_atomic(dir, PLAN, &json(plan)).map_err(io(dir))?;
    Ok(done)
}

/// Indices of the points saved in `dir` that belong to `plan`; temporary files of a
/// write that a kill cut short are removed.
fn finished<P: Plan>(dir: &Path, plan: &P) -> Result<Vec<usize>, StoreError> {
    let points = dir.join(POINTS);
    if let Ok(entries) = std::fs::read_dir(&points) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with('.') {
                std::fs::remove_file(entry.path()).map_err(io(&points))?;
            }
        }
    }
    Ok(read_points(dir, plan)?.iter().map(|p| p.index).collect())
}

/// Saves a finished point of the plan with fingerprint `plan`.
pub fn save_point(dir: &Path, plan: &str, point: &SweepPoint) -> Result<(), StoreError> {
    let folder = dir.join(POINTS);
    let saved = Saved {
        plan: plan.to_string(),
        point: point.clone(),
    };
    write_atomic(&folder, &point_name(point.index), &json(&saved)).map_err(io(&folder))?;
    Ok(())
}

/// The points of `plan` saved in `dir`, in plan order; a file that does not read back
/// as a point of this plan is left out (it is run again).
pub fn read_points<P: Plan>(dir: &Path, plan: &P) -> Result<Vec<SweepPoint>, StoreError> {
    let mut out = Vec::new();
    let mark = fingerprint(plan);
    for index in 0..plan.points() {
        let path = dir.join(POINTS).join(point_name(index));
        // Regular files only: a FIFO or a device named like a point is never opened.
        if !std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let saved: Option<Saved> = serde_json::from_str(&text).ok();
        let point = saved.filter(|s| s.plan == mark).map(|s| s.point);
        let fits = |p: &SweepPoint| {
            p.index == index
                && p.values == plan.values_at(index)
                && p.replications.len() == plan.replications() as usize
                && (p.replications.iter()).all(|r| r.len() == plan.metric_count(index))
        };
        if let Some(p) = point.filter(fits) {
            out.push(p);
        }
    }
    Ok(out)
}

/// Reads the shard folders `dirs` of one experiment: their plans must be the same,
/// and together they must hold every point. Returns the plan and the points in order.
pub fn gather<P: Plan>(dirs: &[PathBuf]) -> Result<(P, Vec<SweepPoint>), StoreError> {
    let mut plan: Option<(P, &PathBuf)> = None;
    let mut points: Vec<Option<SweepPoint>> = Vec::new();
    for dir in dirs {
        let this: P = read_plan(dir)?.ok_or_else(|| {
            StoreError::Mismatch(format!(
                "{}: has no {PLAN}; merge takes folders written with --shard",
                dir.display()
            ))
        })?;
        if let Some((first, first_dir)) = &plan {
            if let Some(what) = first.difference(&this) {
                return Err(StoreError::Mismatch(format!(
                    "{} and {} are shards of different {}s ({what} is not the same)",
                    first_dir.display(),
                    dir.display(),
                    P::WHAT
                )));
            }
        } else {
            points = vec![None; this.points()];
            plan = Some((this.clone(), dir));
        }
        for p in read_points(dir, &this)? {
            let index = p.index;
            points[index].get_or_insert(p);
        }
    }
    let Some((plan, _)) = plan else {
        return Err(StoreError::Mismatch(
            "merge needs at least one folder".into(),
        ));
    };
    let missing: Vec<String> = (0..points.len())
        .filter(|&i| points[i].is_none())
        .map(|i| plan.label(i))
        .collect();
    if !missing.is_empty() {
        return Err(StoreError::Mismatch(format!(
            "the folders hold {} of {} points; missing: {}{}. Run the missing shards \
             (with --resume to finish a stopped one) and merge again",
            points.len() - missing.len(),
            points.len(),
            (missing.iter().take(5).cloned())
                .collect::<Vec<_>>()
                .join("; "),
            if missing.len() > 5 { "; …" } else { "" }
        )));
    }
    Ok((plan, points.into_iter().flatten().collect()))
}

/// Writes `plan` and its `points` into `out`, as a run there would have left them.
pub fn write_points<P: Plan>(
    out: &Path,
    plan: &P,
    points: &[SweepPoint],
) -> Result<(), StoreError> {
    // `merge` writes into a folder of its own, fresh.
    open(out, plan, Start::Fresh)?;
    let mark = fingerprint(plan);
    points.iter().try_for_each(|p| save_point(out, &mark, p))
}
