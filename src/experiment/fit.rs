//! Fitting what records cannot state by simulation: the units of one responder kind on
//! duty in each block of the day, so that the simulated wait for dispatch of each
//! priority in each block matches the records' (median and 90th percentile), and then
//! the driving speed, so that the simulated drives match the records'.
//!
//! The search is coordinate descent on common random numbers: every candidate runs
//! the same replication seeds, each round tries every other block's units a step up
//! and a step down at once (a block hands its queue on to the next only), then the
//! rest, and keeps, per block, the fewest units whose waits are as close as the
//! closest's; then the median and the spread of call
//! processing, which the records' waits mix with queueing. Each step halves when
//! nothing moves. The model's other kinds and its background
//! work stay as they are.

use super::{ExperimentError, RunOptions};
use crate::calibrate::queue::{Part, Processing, StaffingFit, WaitTarget};
use crate::model::{Intake, KindId, Model, Schedule};
use crate::stats::quantile;
use crate::stats::validation::QUANTILES;
use crate::stats::validation::{BLOCK_HOURS, BLOCKS, Observation};
use crate::time::{DAY, HOUR};

/// How much simulation the fit spends on each candidate.
#[derive(Clone, Copy, Debug)]
pub struct FitEffort {
    /// Replications per candidate.
    pub replications: u32,
    /// Measured days per replication.
    pub days: f64,
    /// Warm-up days.
    pub warmup_days: f64,
    /// Rounds of the search at most.
    pub rounds: u32,
}

impl FitEffort {
    /// Enough simulation that its noise is well below that of records covering
    /// `days`: four times their days (at least 112, at most 728), in replications of
    /// 28 to 91 days, 4 to 8 of them.
    pub fn for_records(days: f64) -> FitEffort {
        let total = (4.0 * days).clamp(112.0, 728.0);
        let each = (total / 8.0).clamp(28.0, 91.0);
        FitEffort {
            replications: (total / each).round().clamp(4.0, 8.0) as u32,
            days: each,
            ..FitEffort::default()
        }
    }
}

impl FitEffort {
    /// A first look: the records' days (at least 28, at most 182) in 4 replications,
    /// and at most 6 rounds of the processing search.
    pub fn quick(days: f64) -> FitEffort {
        FitEffort {
            replications: 4,
            days: (days / 4.0).clamp(7.0, 45.5),
            rounds: 6,
            ..FitEffort::default()
        }
    }
}

impl Default for FitEffort {
    fn default() -> Self {
        FitEffort {
            replications: 8,
            days: 28.0,
            warmup_days: 7.0,
            rounds: 24,
        }
    }
}

/// A schedule with `units[b]` on duty in block `b` of every day.
pub fn block_schedule(units: &[u32; BLOCKS]) -> Schedule {
    let mut steps: Vec<(f64, u32)> = Vec::new();
    for day in 0..7 {
        for (b, n) in units.iter().enumerate() {
            let at = f64::from(day) * DAY + (b as u32 * BLOCK_HOURS) as f64 * HOUR;
            if steps.last().is_none_or(|(_, last)| last != n) {
                steps.push((at, *n));
            }
        }
    }
    Schedule { steps }
}

/// The observations of `model`'s replications, pooled.
pub fn simulate(model: &Model, replications: u32, pool: &rayon::ThreadPool) -> Vec<Observation> {
    super::validate::observe(model, replications, pool)
        .into_iter()
        .flatten()
        .collect()
}

/// The waits for dispatch of `priority` in `block` at [`QUANTILES`].
fn wait_quantiles(obs: &[Observation], block: usize, priority: u32) -> [f64; 5] {
    let mut waits: Vec<f64> = obs
        .iter()
        .filter(|o| usize::from(o.block) == block && o.priority == Some(priority))
        .map(|o| f64::from(o.intervals[0]))
        .filter(|w| w.is_finite())
        .collect();
    waits.sort_by(f64::total_cmp);
    QUANTILES.map(|q| quantile(&waits, q))
}

/// How far the simulated waits of block `b` are from the records': the sum of each
/// quantile's miss squared over its standard error squared, so that each counts by
/// how precisely the records know it (a median of many calls more than the 90th
/// percentile of a few).
fn loss(obs: &[Observation], targets: &[WaitTarget], b: usize) -> f64 {
    let mut total = 0.0;
    for t in targets.iter().filter(|t| t.block == b) {
        let sim = wait_quantiles(obs, b, t.priority);
        for ((s, r), e) in sim.iter().zip(&t.quantiles).zip(&t.errors) {
            total += if s.is_finite() {
                ((s - r) / e).powi(2)
            } else {
                1e12
            };
        }
    }
    total
}

/// Rounds of one search on the units at most.
const UNIT_ROUNDS: usize = 16;

/// Relative loss a candidate with more units must gain over one with fewer to be
/// kept: within it, the waits no longer tell them apart.
const NOISE: f64 = 0.02;

/// The search's state: what it varies on, and how much it simulates.
struct Search<'a> {
    model: Model,
    kind: KindId,
    targets: &'a [WaitTarget],
    replications: u32,
    pool: rayon::ThreadPool,
    /// Losses of the candidates run so far: the search comes back to many.
    seen: std::collections::HashMap<Vec<u64>, Vec<f64>>,
}

/// One candidate: units by block, and call processing if the model has it.
#[derive(Clone, Debug)]
struct Point {
    units: [u32; BLOCKS],
    processing: Option<Processing>,
}

impl Point {
    /// What tells candidates apart, exactly.
    fn key(&self) -> Vec<u64> {
        let mut key: Vec<u64> = self.units.iter().map(|u| u64::from(*u)).collect();
        if let Some(p) = &self.processing {
            for part in &p.parts {
                key.extend([part.median.to_bits(), part.sigma.to_bits()]);
            }
        }
        key
    }
}

impl Search<'_> {
    /// Losses by block of a candidate.
    fn losses(&mut self, at: &Point) -> Result<Vec<f64>, ExperimentError> {
        if crate::stop::requested() {
            return Err(ExperimentError::Interrupted {
                finished: 0,
                total: 1,
            });
        }
        let key = at.key();
        if let Some(l) = self.seen.get(&key) {
            return Ok(l.clone());
        }
        let obs = self.observe(at);
        let l: Vec<f64> = (0..BLOCKS).map(|b| loss(&obs, self.targets, b)).collect();
        self.seen.insert(key, l.clone());
        Ok(l)
    }

    fn observe(&mut self, at: &Point) -> Vec<Observation> {
        self.model.kinds[self.kind].schedule = block_schedule(&at.units);
        if let Some(p) = &at.processing {
            set_processing(&mut self.model, p);
        }
        simulate(&self.model, self.replications, &self.pool)
    }

    /// One round on the units, in two halves: the even blocks a step down and up at
    /// once, then the odd ones. A block's units change its own waits and, through the
    /// queue it hands on, the next block's (which stays as it is in that half), so each
    /// block keeps the fewest units whose two blocks' waits are as close as the best's
    /// (within `NOISE`). Returns whether any moved, and the total loss of the units
    /// the second half started from.
    fn units_round(&mut self, at: &mut Point, step: u32) -> Result<(bool, f64), ExperimentError> {
        let mut moved = false;
        let mut total = f64::NAN;
        for parity in 0..2 {
            let stepped = |up: bool| {
                let mut units = at.units;
                for b in (parity..BLOCKS).step_by(2) {
                    units[b] = if up {
                        units[b] + step
                    } else {
                        units[b].saturating_sub(step).max(1)
                    };
                }
                units
            };
            let candidates = [stepped(false), at.units, stepped(true)];
            let mut losses = Vec::new();
            for units in candidates {
                let candidate = Point {
                    units,
                    processing: at.processing.clone(),
                };
                losses.push(self.losses(&candidate)?);
            }
            total = losses[1].iter().sum();
            for b in (parity..BLOCKS).step_by(2) {
                let cost = |i: usize| losses[i][b] + losses[i][(b + 1) % BLOCKS];
                let best = (0..3).map(cost).fold(f64::INFINITY, f64::min);
                let chosen = (0..3)
                    .filter(|&i| cost(i) <= best * (1.0 + NOISE) + 1e-9)
                    .min_by_key(|&i| candidates[i][b])
                    .unwrap_or(1);
                if candidates[chosen][b] != at.units[b] {
                    at.units[b] = candidates[chosen][b];
                    moved = true;
                }
            }
        }
        Ok((moved, total))
    }

    /// The units that fit best with `processing`, from `units` by steps from `step`
    /// down to 1, and their total loss. Blocks move together, so they may swing back
    /// and forth: the rounds are bounded.
    fn fit_units(&mut self, mut at: Point, mut step: u32) -> Result<(Point, f64), ExperimentError> {
        for _ in 0..UNIT_ROUNDS {
            let (moved, total) = self.units_round(&mut at, step)?;
            if !moved {
                if step == 1 {
                    return Ok((at, total));
                }
                step /= 2;
            }
        }
        let total = self.losses(&at)?.iter().sum();
        Ok((at, total))
    }
}

/// Call processing a step away in each parameter: every median by a factor and every
/// log-sd by a difference, then (where there are several priorities) each priority's
/// alone.
fn neighbours(p: &Processing, ratio: f64, spread: f64) -> Vec<Processing> {
    let moves: [(f64, f64); 4] = [
        (1.0 / (1.0 + ratio), 0.0),
        (1.0 + ratio, 0.0),
        (1.0, -spread),
        (1.0, spread),
    ];
    let moved = |part: &Part, (f, d): (f64, f64)| Part {
        median: part.median * f,
        sigma: (part.sigma + d).max(0.05),
        ..*part
    };
    let mut out = Vec::new();
    for m in moves {
        let mut q = p.clone();
        q.parts.iter_mut().for_each(|part| *part = moved(part, m));
        out.push(q);
    }
    for i in (0..p.parts.len()).filter(|_| p.parts.len() > 1) {
        for m in moves {
            let mut q = p.clone();
            q.parts[i] = moved(&q.parts[i], m);
            out.push(q);
        }
    }
    out
}

/// Replaces the model's call processing.
fn set_processing(model: &mut Model, p: &Processing) {
    let of = |priority: u32| {
        let part = p.parts.iter().find(|q| q.priority == priority).copied();
        part.unwrap_or(p.first()).dist()
    };
    model.intake = Some(Intake {
        processing: model.priorities.iter().map(|q| of(*q)).collect(),
        other: (p.parts.iter())
            .filter(|q| !model.priorities.contains(&q.priority))
            .filter_map(|q| Some((q.priority, q.dist()?)))
            .collect(),
        otherwise: p.first().dist(),
    });
}

/// Fits the units on duty of kind `kind` by block, starting from `start`, and call
/// processing, starting from `processing` (a guess from the records, whose waits mix
/// processing and queueing), to the `targets`; then the speeds, so that the simulated
/// mean dispatched → arrived of crisis calls, of all and of each priority, matches
/// `drives` (the records' means, minutes); and the driving noise, so that the
/// simulated drives spread as the records' (`drive_spread`: their driving part's first two
/// moments) do.
#[allow(clippy::too_many_arguments)]
pub fn staffing(
    base: &Model,
    kind: KindId,
    start: [u32; BLOCKS],
    processing: Option<Processing>,
    targets: &[WaitTarget],
    drives: &[(Option<u32>, f64)],
    drive_spread: Option<(f64, f64)>,
    effort: &FitEffort,
    options: &RunOptions,
) -> Result<StaffingFit, ExperimentError> {
    let mut model = base.clone();
    model.days = effort.days;
    model.warmup_days = effort.warmup_days;
    let mut search = Search {
        model,
        kind,
        targets,
        replications: effort.replications,
        pool: super::pool(options.threads)?,
        seen: std::collections::HashMap::new(),
    };
    // The units for each processing candidate are fitted anew (from the last best):
    // fewer units and a narrower processing can give the same waits as more units and
    // a wider one, so the two are searched together.
    let (mut at, mut best) = search.fit_units(
        Point {
            units: start,
            processing,
        },
        4,
    )?;
    let (mut ratio, mut spread) = (0.25, 0.2);
    let mut rounds = 0;
    while let Some(p) = at.processing.clone()
        && (ratio >= 0.03 || spread >= 0.03)
        && rounds < effort.rounds
    {
        rounds += 1;
        // The first neighbour that does better is taken (every median together first).
        let mut better: Option<(Point, f64)> = None;
        for candidate in neighbours(&p, ratio, spread) {
            let start = Point {
                units: at.units,
                processing: Some(candidate),
            };
            let tried = search.fit_units(start, 1)?;
            if tried.1 < best * (1.0 - NOISE / 2.0) {
                better = Some(tried);
                break;
            }
        }
        match better {
            Some((point, total)) => (at, best) = (point, total),
            None => (ratio, spread) = (ratio / 2.0, spread / 2.0),
        }
    }
    let obs = search.observe(&at);
    let evidence = targets
        .iter()
        .map(|t| (*t, wait_quantiles(&obs, t.block, t.priority)))
        .collect();
    let turnout = base.travel.turnout;
    // Drive times are turnout plus distance over speed: the factor that brings the
    // simulated mean drive to the records' is the ratio of the driving parts.
    let factor = |p: Option<u32>| {
        let rec = drives.iter().find(|(q, _)| *q == p)?.1;
        let sim = mean_drive(&obs, p)?;
        (rec > turnout + 0.5 && sim > turnout)
            .then(|| ((sim - turnout) / (rec - turnout)).clamp(0.2, 5.0))
    };
    Ok(StaffingFit {
        units: at.units,
        processing: at.processing.map(|p| Processing {
            simulated: true,
            ..p
        }),
        evidence,
        simulated_travel: mean_drive(&obs, None),
        speed_factor: factor(None).unwrap_or(1.0),
        priority_speed_factors: (drives.iter())
            .filter_map(|(p, _)| Some(((*p)?, factor(*p)?)))
            .collect(),
        noise_cv: drive_spread.and_then(|m| noise_cv(&obs, m, turnout, base.travel.noise_cv)),
    })
}

/// The driving noise that gives simulated drives the spread of the records' (their
/// driving part's first two moments `records`), from drives simulated with noise
/// `cv0`, and the records' coefficient of variation. A drive is distance times minutes
/// per km times noise, so its second moment over its first squared is the distances'
/// times 1 + cv².
fn noise_cv(
    obs: &[Observation],
    records: (f64, f64),
    turnout: f64,
    cv0: f64,
) -> Option<(f64, f64)> {
    let parts: Vec<f64> = (obs.iter())
        .filter(|o| o.crisis)
        .map(|o| f64::from(o.intervals[1]) - turnout)
        .filter(|x| x.is_finite() && *x >= 0.0)
        .collect();
    if parts.len() < 20 || records.0 <= 0.0 {
        return None;
    }
    let n = parts.len() as f64;
    let m1 = parts.iter().sum::<f64>() / n;
    let m2 = parts.iter().map(|x| x * x).sum::<f64>() / n;
    let distances = m2 / (m1 * m1) / (1.0 + cv0 * cv0);
    let wanted = records.1 / (records.0 * records.0);
    let cv = (wanted / distances - 1.0).max(0.0).sqrt().min(2.0);
    Some((cv, (wanted - 1.0).max(0.0).sqrt()))
}

/// The mean dispatched → arrived of the crisis calls observed (of `priority`, if given).
fn mean_drive(obs: &[Observation], priority: Option<u32>) -> Option<f64> {
    let drives: Vec<f64> = obs
        .iter()
        .filter(|o| o.crisis && (priority.is_none() || o.priority == priority))
        .map(|o| f64::from(o.intervals[1]))
        .filter(|x| x.is_finite())
        .collect();
    (!drives.is_empty()).then(|| drives.iter().sum::<f64>() / drives.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_become_a_weekly_schedule() {
        let s = block_schedule(&[2, 2, 5, 5, 4, 3]);
        assert_eq!(s.units_at(60.0), 2);
        assert_eq!(s.units_at(9.0 * HOUR), 5);
        assert_eq!(s.units_at(DAY + 22.0 * HOUR), 3);
        assert_eq!(s.max_units(), 5);
        assert!((s.mean_units() - 21.0 / 6.0).abs() < 1e-9);
    }
}
