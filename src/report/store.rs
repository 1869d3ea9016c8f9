//! The folder of a long experiment made of independent runs (a sweep's points, an
//! uncertainty analysis's draws): `plan.json` and one `points/point-NNNNNN.json` per
//! finished run, saved as each finishes, so a killed experiment resumes and shards
//! merge. Results are made from these files alone.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::write_atomic;
use crate::stats::sweep::{SweepPlan, SweepPoint};
use crate::stats::uncertainty::UncertaintyPlan;

const PLAN: &str = "plan.json";
const POINTS: &str = "points";

/// Why an experiment folder cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The user's folders do not fit (exit 2).
    #[error("{0}")]
    Input(String),
    /// Reading or writing failed.
    #[error("{0}")]
    Io(String),
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

/// Maps an I/O error on `path` (for writers of results too).
pub fn io(path: &Path) -> impl Fn(std::io::Error) -> StoreError + '_ {
    move |e| StoreError::Io(format!("{}: {e}", path.display()))
}

fn point_name(index: usize) -> String {
    format!("point-{index:06}.json")
}

/// Pretty JSON with a final newline.
pub fn json<T: Serialize>(value: &T) -> Result<Vec<u8>, StoreError> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|e| StoreError::Io(e.to_string()))?;
    bytes.push(b'\n');
    Ok(bytes)
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
    serde_json::from_str(&text).map(Some).map_err(|e| {
        StoreError::Input(format!(
            "{}: not a crisis-sim {} plan: {e}",
            path.display(),
            P::WHAT
        ))
    })
}

/// Readies `dir` for `plan` and returns the points already finished there: with
/// `resume`, the saved points of the same plan (a different plan is refused);
/// without, none (earlier points are cleared).
pub fn open<P: Plan>(dir: &Path, plan: &P, resume: bool) -> Result<Vec<usize>, StoreError> {
    let points = dir.join(POINTS);
    let done = if resume && dir.join(PLAN).is_file() {
        let old: Option<P> = read_plan(dir).map_err(|_| {
            StoreError::Input(format!(
                "--resume: {} holds something other than this {}; choose another --out",
                dir.display(),
                P::WHAT
            ))
        })?;
        if let Some(what) = old.and_then(|old| old.difference(plan)) {
            return Err(StoreError::Input(format!(
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
    write_atomic(dir, PLAN, &json(plan)?).map_err(io(dir))?;
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

/// Saves a finished point.
pub fn save_point(dir: &Path, point: &SweepPoint) -> Result<(), StoreError> {
    let folder = dir.join(POINTS);
    write_atomic(&folder, &point_name(point.index), &json(point)?).map_err(io(&folder))?;
    Ok(())
}

/// The points of `plan` saved in `dir`, in plan order; a file that does not read back
/// as a point of this plan is left out (it is run again).
pub fn read_points<P: Plan>(dir: &Path, plan: &P) -> Result<Vec<SweepPoint>, StoreError> {
    let mut out = Vec::new();
    for index in 0..plan.points() {
        let path = dir.join(POINTS).join(point_name(index));
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let point: Option<SweepPoint> = serde_json::from_str(&text).ok();
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
            StoreError::Input(format!(
                "{}: has no {PLAN}; merge takes folders written with --shard",
                dir.display()
            ))
        })?;
        if let Some((first, first_dir)) = &plan {
            if let Some(what) = first.difference(&this) {
                return Err(StoreError::Input(format!(
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
        return Err(StoreError::Input("merge needs at least one folder".into()));
    };
    let missing: Vec<String> = (0..points.len())
        .filter(|&i| points[i].is_none())
        .map(|i| plan.label(i))
        .collect();
    if !missing.is_empty() {
        return Err(StoreError::Input(format!(
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
    open(out, plan, false)?;
    points.iter().try_for_each(|p| save_point(out, p))
}
