//! What the records say about the dispatch queue: call processing, the other work in
//! streams by priority (self-initiated work apart), units sent to a call, the load by
//! block of the day, and the waits for dispatch that the staffing must reproduce. The
//! staffing itself cannot be read from records; it is fitted by simulation
//! (`experiment::fit`) to these waits.

use super::fit::{DurationFit, fit_duration, minutes_text};
use super::tally::{BLOCK_HOURS, BLOCKS, Tally, TypeTally};
use crate::stats::validation::wait_bands;
use crate::time::HOUR;

/// Least calls of a priority in a block for its waits to count in the fit.
pub const MIN_CALLS: u64 = 20;

/// One stream of other (non-crisis) work as fitted.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamFit {
    /// Its scenario priority (`None`: the records give none; it queues behind crises).
    pub priority: Option<u32>,
    /// Calls.
    pub calls: u64,
    /// Calls per hour, each taking `units` (so that the unit jobs an hour are the
    /// records').
    pub per_hour: f64,
    /// Units a call takes: the records' unit jobs over their calls, rounded.
    pub units: u32,
    /// Each job's busy time, from `n` jobs.
    pub service: Option<DurationFit>,
    /// Jobs with a busy time.
    pub n: u64,
    /// Relative weights by hour of day (averaging 1), when there are calls enough.
    pub hourly: Option<[f64; 24]>,
    /// Self-initiated work, which a priority-1 call may interrupt.
    pub self_initiated: bool,
}

/// The other work in streams: one per priority, then the self-initiated work.
pub fn streams(t: &Tally, days: f64) -> Vec<StreamFit> {
    let hours = days * 24.0;
    let fit = |priority: Option<u32>, s: &super::tally::StreamTally, own: bool| {
        let units = (s.jobs as f64 / s.calls.max(1) as f64)
            .round()
            .clamp(1.0, 64.0) as u32;
        StreamFit {
            priority,
            calls: s.calls,
            units,
            per_hour: s.jobs as f64 / f64::from(units) / hours,
            service: fit_duration(&s.busy),
            n: s.busy.n,
            hourly: hourly(&s.by_hour),
            self_initiated: own,
        }
    };
    let mut out: Vec<StreamFit> = (t.streams.iter())
        .filter(|(_, s)| s.jobs > 0)
        .map(|(p, s)| fit(*p, s, false))
        .collect();
    if t.self_stream.jobs > 0 {
        out.push(fit(None, &t.self_stream, true));
    }
    out
}

/// Least calls of a stream for its own hourly weights (ten an hour of the day).
pub const MIN_HOURLY_CALLS: u64 = 240;

/// Hour-of-day weights averaging 1, from counts, when they are enough.
fn hourly(counts: &[u64; 24]) -> Option<[f64; 24]> {
    let total: u64 = counts.iter().sum();
    (total >= MIN_HOURLY_CALLS).then(|| counts.map(|c| c as f64 * 24.0 / total as f64))
}

/// Call processing of one priority: a lognormal by its median and the standard
/// deviation of its logarithm.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Part {
    /// The priority.
    pub priority: u32,
    /// Median, minutes.
    pub median: f64,
    /// Standard deviation of its logarithm.
    pub sigma: f64,
}

impl Part {
    /// Its mean and standard deviation, minutes.
    pub fn moments(&self) -> (f64, f64) {
        let s2 = self.sigma * self.sigma;
        let mean = self.median * (s2 / 2.0).exp();
        (mean, mean * (s2.exp() - 1.0).sqrt())
    }

    /// Its 90th percentile, minutes.
    pub fn p90(&self) -> f64 {
        self.median * (1.2816 * self.sigma).exp()
    }

    /// As a scenario writes it.
    pub fn text(&self) -> String {
        let (mean, sd) = self.moments();
        format!("lognormal({}, {})", minutes_text(mean), minutes_text(sd))
    }

    /// The distribution, unrounded.
    pub fn dist(&self) -> Option<crate::dist::Dist> {
        let (mean, sd) = self.moments();
        crate::dist::Dist::parse(&format!("lognormal({mean:.6}min, {sd:.6}min)")).ok()
    }
}

/// Call processing, by priority: each priority whose calls wait for dispatch has its
/// own; the first stands for the rest.
#[derive(Clone, Debug, PartialEq)]
pub struct Processing {
    /// The priority whose waits for dispatch it was first read from.
    pub priority: u32,
    /// Those waits.
    pub n: u64,
    /// Each priority's processing, most urgent first.
    pub parts: Vec<Part>,
    /// The records' 10th, 50th and 90th percentile of those waits.
    pub records: [f64; 3],
    /// Fitted by simulation together with the staffing (else the first guess).
    pub simulated: bool,
}

impl Processing {
    /// The processing of priorities not listed.
    pub fn first(&self) -> Part {
        self.parts.first().copied().unwrap_or(Part {
            priority: self.priority,
            median: 1.0,
            sigma: 0.5,
        })
    }

    /// The parts that differ from the first by more than 5 % in their median or 90th
    /// percentile.
    pub fn differing(&self) -> impl Iterator<Item = Part> + '_ {
        let first = self.first();
        let near = |a: f64, b: f64| (a / b - 1.0).abs() <= 0.05;
        (self.parts.iter().skip(1))
            .filter(move |p| !(near(p.median, first.median) && near(p.p90(), first.p90())))
            .copied()
    }
}

/// A first guess at call processing from the waits for dispatch of the most urgent
/// priority (at least 20): their lower half is mostly processing, since the calls that
/// queued for a unit are mostly in the upper. Every priority with waits starts alike;
/// the fit by simulation then moves each.
pub fn processing(t: &Tally) -> Option<Processing> {
    let (p, d) = t.processing.iter().next()?;
    if d.n < MIN_CALLS {
        return None;
    }
    let q = |x: f64| d.histogram.quantile(x);
    let records = [q(0.1), q(0.5), q(0.9)];
    let sigma = (records[1] / records[0]).ln() / 1.2816;
    (records[0] > 0.0 && records[1] > records[0]).then(|| Processing {
        priority: *p,
        n: d.n,
        parts: (t.processing.iter())
            .filter(|(_, d)| d.n >= MIN_CALLS)
            .map(|(p, _)| Part {
                priority: *p,
                median: records[1],
                sigma,
            })
            .collect(),
        records,
        simulated: false,
    })
}

/// Units an agency sends to a crisis call of a type. In the model they work one scene
/// together, so with a row per unit the count is the units' work over the calls'
/// length, rounded (units that leave early count for less); else the count most of its
/// calls have (1 when the records do not say).
pub fn units_sent(t: &TypeTally, agency: &str) -> u32 {
    if let Some((units, calls)) = t.unit_work.get(agency).filter(|w| w.1 > 0.0) {
        return (units / calls).round().max(1.0) as u32;
    }
    (t.units
        .get(agency)
        .and_then(|by| by.iter().max_by_key(|(_, c)| **c)))
    .map_or(1, |(u, _)| *u)
}

/// Units busy on average in each block of the day, all work counted.
pub fn busy_by_block(t: &Tally, days: f64) -> [f64; BLOCKS] {
    t.busy_by_block
        .map(|minutes| minutes / (days * f64::from(BLOCK_HOURS) * HOUR))
}

/// A first guess of the units on duty in each block: enough for 75 % of the load.
pub fn start_units(t: &Tally, days: f64) -> [u32; BLOCKS] {
    busy_by_block(t, days).map(|busy| (busy / 0.75).ceil().max(1.0) as u32)
}

/// What the staffing must reproduce: the records' waits for dispatch of one priority in
/// one block of the day, at [`QUANTILES`], each with its standard error.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WaitTarget {
    /// Block of the day.
    pub block: usize,
    /// Scenario priority.
    pub priority: u32,
    /// Calls it rests on.
    pub n: u64,
    /// The waits at [`QUANTILES`], minutes.
    pub quantiles: [f64; 5],
    /// Their standard errors, minutes: a quarter of the 95 % band's width (a bootstrap
    /// over four-hour periods), and at least 10 % of the value and 3 seconds: a model
    /// is not asked to be nearer than that.
    pub errors: [f64; 5],
}

/// The records' mean dispatched → arrived of crisis calls: of all (`None`) and of each
/// priority with enough calls.
pub fn drive_targets(t: &Tally) -> Vec<(Option<u32>, f64)> {
    let mean = |d: &super::tally::Durations| (d.n >= MIN_CALLS).then(|| d.sum / d.n as f64);
    let all = mean(&t.travel).map(|m| (None, m));
    let by = (t.travel_by_priority.iter()).filter_map(|(p, d)| mean(d).map(|m| (Some(*p), m)));
    all.into_iter().chain(by).collect()
}

/// The records' first and second moments of crisis calls' driving part (dispatched →
/// arrived less `turnout`), when there are enough.
pub fn drive_moments(t: &Tally, turnout: f64) -> Option<(f64, f64)> {
    let d = &t.travel;
    (d.n >= MIN_CALLS).then(|| {
        let n = d.n as f64;
        let (m1, m2) = (d.sum / n, d.sum_sq / n);
        (m1 - turnout, m2 - 2.0 * turnout * m1 + turnout * turnout)
    })
}

/// Every (block, priority) with enough calls.
pub fn wait_targets(t: &Tally) -> Vec<WaitTarget> {
    (wait_bands(&t.observations, MIN_CALLS as usize).into_iter())
        .map(|w| {
            let mut target = WaitTarget {
                block: w.block,
                priority: w.priority,
                n: w.calls as u64,
                quantiles: [0.0; 5],
                errors: [0.0; 5],
            };
            for (i, (value, [lo, hi])) in w.quantiles.into_iter().enumerate().take(5) {
                target.quantiles[i] = value;
                target.errors[i] = ((hi - lo) / 4.0).max(0.1 * value).max(0.05);
            }
            target
        })
        .collect()
}

/// The fitted staffing of the kind that carries the background work.
#[derive(Clone, Debug, PartialEq)]
pub struct StaffingFit {
    /// Units on duty in each block of the day.
    pub units: [u32; BLOCKS],
    /// Call processing, fitted with the units.
    pub processing: Option<Processing>,
    /// Per target: the fitted model's waits at [`QUANTILES`].
    pub evidence: Vec<(WaitTarget, [f64; 5])>,
    /// Simulated mean dispatched → arrived of crisis calls, minutes, before the speed was
    /// corrected to the records'.
    pub simulated_travel: Option<f64>,
    /// The factor the speed was multiplied by, so that the drives match the records'.
    pub speed_factor: f64,
    /// The same for drives to calls of a priority, where the records have enough.
    pub priority_speed_factors: Vec<(u32, f64)>,
    /// The driving noise's coefficient of variation that gives the simulated drives
    /// the records' spread, with the records' coefficient of variation of the driving
    /// part (turnout left out).
    pub noise_cv: Option<(f64, f64)>,
}
