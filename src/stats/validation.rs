//! A scenario's simulated calls beside a city's recorded ones: the quantiles of each
//! interval (received → dispatched, dispatched → arrived, received → arrived,
//! arrived → cleared) by priority, the waits for dispatch by block of the day, and the
//! calls a day, each with the records' 95 % band (a bootstrap over four-hour periods,
//! since calls close in time share a queue), the simulation's 95 % interval across
//! replications, and a verdict.

use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};

use super::{estimate, quantile};
use crate::rng::SimRng;

/// Hours in one block of the day: staffing is fitted and waits compared by block.
pub const BLOCK_HOURS: u32 = 4;
/// Blocks in a day.
pub const BLOCKS: usize = 6;

/// What validation compares of one call: its priority, when it came in, whether it is
/// a crisis, and its intervals (NaN where not known).
#[derive(Clone, Copy, Debug)]
pub struct Observation {
    /// Scenario priority (1 most urgent), if known.
    pub priority: Option<u32>,
    /// Block of the day it came in.
    pub block: u8,
    /// The day it came in, as a number (consecutive days, consecutive numbers).
    pub day: u32,
    /// A crisis call (not background work).
    pub crisis: bool,
    /// See [`INTERVALS`], minutes.
    pub intervals: [f32; 4],
}

/// The intervals compared, in the order of [`Observation::intervals`]: a name for files
/// and one for people.
pub const INTERVALS: [(&str, &str); 4] = [
    ("received_to_dispatched", "received → dispatched"),
    ("dispatched_to_arrived", "dispatched → arrived"),
    ("received_to_arrived", "received → arrived"),
    ("arrived_to_cleared", "arrived → cleared"),
];

/// The quantiles compared.
pub const QUANTILES: [f64; 5] = [0.1, 0.25, 0.5, 0.75, 0.9];

/// Resamples of the records' periods.
const BOOTSTRAP: usize = 400;

/// The bootstrap's seed: the same records always get the same bands.
const BOOTSTRAP_SEED: u64 = 20_250_101;

/// Least observations on each side for a figure to be judged.
pub const MIN_OBSERVATIONS: usize = 20;

/// How simulated and recorded compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every value within the records' band and the simulation's interval of each
    /// other, or within 10 % (half a minute for times, at least).
    Agrees,
    /// Every value within 25 % (a minute for times, at least), not all as near.
    Close,
    /// Some value further off.
    Differs,
    /// Fewer than [`MIN_OBSERVATIONS`] on a side.
    TooFew,
}

impl Verdict {
    /// In words.
    pub fn text(self) -> &'static str {
        match self {
            Verdict::Agrees => "agrees",
            Verdict::Close => "close",
            Verdict::Differs => "differs",
            Verdict::TooFew => "too few records",
        }
    }
}

/// One value, recorded and simulated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// The quantile's level (absent for a rate).
    pub p: Option<f64>,
    /// The records' value.
    pub records: f64,
    /// The records' 95 % band (bootstrap over four-hour periods).
    pub records_band: [f64; 2],
    /// The simulated value: the mean over replications.
    pub simulated: f64,
    /// The simulation's 95 % confidence interval.
    pub simulated_ci: [f64; 2],
}

/// One figure: an interval's quantiles for one priority (or all) and block (or all).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// The interval's name (see [`INTERVALS`]).
    pub interval: String,
    /// The priority, or every priority.
    pub priority: Option<u32>,
    /// The block of the day, or the whole day.
    pub block: Option<usize>,
    /// Which calls: crises only (`true`) or every call that waits for dispatch.
    pub crises_only: bool,
    /// Observations in the records and in the simulation.
    pub records_n: usize,
    /// See `records_n`.
    pub simulated_n: usize,
    /// The quantiles of [`QUANTILES`].
    pub quantiles: Vec<Check>,
    /// The records' and the simulation's 5 %, 10 %, …, 95 % points, for a Q–Q chart.
    pub qq: Vec<[f64; 2]>,
    /// The verdict.
    pub verdict: Verdict,
}

/// Calls a day of one priority (or crises, or every call).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rate {
    /// What is counted, e.g. "priority 2" or "crisis calls".
    pub what: String,
    /// The check.
    pub check: Check,
    /// The verdict.
    pub verdict: Verdict,
}

/// The whole comparison.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Validation {
    /// Calls in the records compared (self-initiated work left out).
    pub records_calls: usize,
    /// Days they cover.
    pub records_days: usize,
    /// Replications simulated.
    pub replications: usize,
    /// Measured days of each.
    pub simulated_days: f64,
    /// Calls a day.
    pub rates: Vec<Rate>,
    /// By priority and for every priority, each interval over the whole day.
    pub figures: Vec<Figure>,
    /// The wait for dispatch by priority and block of the day.
    pub blocks: Vec<Figure>,
}

impl Validation {
    /// Verdicts counted: agrees, close, differs (figures and rates; too few left out).
    pub fn tally(&self) -> [usize; 3] {
        let all =
            (self.figures.iter().map(|f| f.verdict)).chain(self.rates.iter().map(|r| r.verdict));
        let mut n = [0; 3];
        for v in all {
            match v {
                Verdict::Agrees => n[0] += 1,
                Verdict::Close => n[1] += 1,
                Verdict::Differs => n[2] += 1,
                Verdict::TooFew => {}
            }
        }
        n
    }
}

/// The records' waits for dispatch of one priority in one block of the day.
#[derive(Clone, Debug, PartialEq)]
pub struct WaitBand {
    /// The priority.
    pub priority: u32,
    /// The block of the day.
    pub block: usize,
    /// Calls.
    pub calls: usize,
    /// The waits at [`QUANTILES`], each with its 95 % band.
    pub quantiles: Vec<(f64, [f64; 2])>,
}

/// The records' waits for dispatch of each priority in each block of the day with at
/// least `least` calls.
pub fn wait_bands(records: &[Observation], least: usize) -> Vec<WaitBand> {
    let days = Days::of(records);
    let mut priorities: Vec<u32> = records.iter().filter_map(|o| o.priority).collect();
    priorities.sort_unstable();
    priorities.dedup();
    let mut out = Vec::new();
    for p in priorities {
        for b in 0..BLOCKS {
            let select = Select {
                interval: 0,
                priority: Some(p),
                block: Some(b),
                crises_only: false,
            };
            let mut recorded: Vec<(f64, usize)> = (records.iter())
                .filter_map(|o| select.value(o).map(|v| (v, days.period(o))))
                .collect();
            if recorded.len() < least {
                continue;
            }
            recorded.sort_by(|a, b| a.0.total_cmp(&b.0));
            let values: Vec<f64> = recorded.iter().map(|(v, _)| *v).collect();
            let bands = bootstrap_quantiles(&recorded, &days);
            let quantiles = (QUANTILES.iter().zip(bands))
                .map(|(q, band)| (quantile(&values, *q), band))
                .collect();
            out.push(WaitBand {
                priority: p,
                block: b,
                calls: values.len(),
                quantiles,
            });
        }
    }
    out
}

/// Compares `records` (over their days) with `simulated` (each replication's calls,
/// over `simulated_days` each).
pub fn validate(
    records: &[Observation],
    simulated: &[Vec<Observation>],
    simulated_days: f64,
) -> Validation {
    let days = Days::of(records);
    let mut priorities: Vec<u32> = records.iter().filter_map(|o| o.priority).collect();
    priorities.sort_unstable();
    priorities.dedup();
    let mut figures = Vec::new();
    for (i, _) in INTERVALS.iter().enumerate() {
        // Background work waits for dispatch like a crisis, but the model gives it no
        // drive or scene: after dispatch only crises compare.
        let crises_only = i > 0;
        for p in priorities.iter().map(|p| Some(*p)).chain([None]) {
            let select = Select {
                interval: i,
                priority: p,
                block: None,
                crises_only,
            };
            figures.push(figure(&select, records, simulated, &days));
        }
    }
    let mut blocks = Vec::new();
    for p in &priorities {
        for b in 0..BLOCKS {
            let select = Select {
                interval: 0,
                priority: Some(*p),
                block: Some(b),
                crises_only: false,
            };
            blocks.push(figure(&select, records, simulated, &days));
        }
    }
    figures.retain(|f| f.records_n > 0);
    blocks.retain(|f| f.records_n > 0);
    Validation {
        records_calls: records.len(),
        records_days: days.count(),
        replications: simulated.len(),
        simulated_days,
        rates: rates(&priorities, records, simulated, simulated_days, &days),
        figures,
        blocks,
    }
}

/// Which observations a figure takes, and which of their values.
struct Select {
    interval: usize,
    priority: Option<u32>,
    block: Option<usize>,
    crises_only: bool,
}

impl Select {
    fn value(&self, o: &Observation) -> Option<f64> {
        let chosen = (self.priority.is_none() || o.priority == self.priority)
            && self.block.is_none_or(|b| usize::from(o.block) == b)
            && (o.crisis || !self.crises_only);
        let v = f64::from(o.intervals[self.interval]);
        (chosen && v.is_finite()).then_some(v)
    }
}

/// The records' days and their four-hour periods, numbered from 0: the bootstrap
/// resamples periods (calls in one share its queue, and periods of a day differ).
struct Days {
    first: u32,
    count: usize,
}

impl Days {
    fn of(records: &[Observation]) -> Days {
        let first = records.iter().map(|o| o.day).min().unwrap_or(0);
        let last = records.iter().map(|o| o.day).max().unwrap_or(first);
        Days {
            first,
            count: (last - first) as usize + 1,
        }
    }

    fn count(&self) -> usize {
        self.count
    }

    fn periods(&self) -> usize {
        self.count * BLOCKS
    }

    /// The period of an observation.
    fn period(&self, o: &Observation) -> usize {
        (o.day - self.first) as usize * BLOCKS + usize::from(o.block).min(BLOCKS - 1)
    }

    /// `BOOTSTRAP` resamples: how many times each period is drawn in each. Each block
    /// of the day is drawn from its own kind (a night period for a night period), so
    /// that a resample keeps the day's shape.
    fn resamples(&self) -> Vec<Vec<u32>> {
        let mut rng = SimRng::seed_from_u64(BOOTSTRAP_SEED);
        (0..BOOTSTRAP)
            .map(|_| {
                let mut times = vec![0u32; self.periods()];
                for b in 0..BLOCKS {
                    for _ in 0..self.count {
                        times[rng.random_range(0..self.count) * BLOCKS + b] += 1;
                    }
                }
                times
            })
            .collect()
    }
}

fn figure(
    select: &Select,
    records: &[Observation],
    simulated: &[Vec<Observation>],
    days: &Days,
) -> Figure {
    let mut recorded: Vec<(f64, usize)> = records
        .iter()
        .filter_map(|o| select.value(o).map(|v| (v, days.period(o))))
        .collect();
    recorded.sort_by(|a, b| a.0.total_cmp(&b.0));
    let values: Vec<f64> = recorded.iter().map(|(v, _)| *v).collect();
    let per_replication: Vec<Vec<f64>> = simulated
        .iter()
        .map(|rep| {
            let mut v: Vec<f64> = rep.iter().filter_map(|o| select.value(o)).collect();
            v.sort_by(f64::total_cmp);
            v
        })
        .collect();
    let mut pooled: Vec<f64> = per_replication.iter().flatten().copied().collect();
    pooled.sort_by(f64::total_cmp);
    let bands = bootstrap_quantiles(&recorded, days);
    let quantiles: Vec<Check> = (QUANTILES.iter().zip(bands))
        .map(|(p, band)| {
            let each: Vec<f64> = per_replication.iter().map(|v| quantile(v, *p)).collect();
            let e = estimate(&each);
            Check {
                p: Some(*p),
                records: quantile(&values, *p),
                records_band: band,
                simulated: e.mean,
                simulated_ci: e.ci95.unwrap_or([e.mean, e.mean]),
            }
        })
        .collect();
    let too_few = values.len() < MIN_OBSERVATIONS || pooled.len() < MIN_OBSERVATIONS;
    Figure {
        interval: INTERVALS[select.interval].0.to_string(),
        priority: select.priority,
        block: select.block,
        crises_only: select.crises_only,
        records_n: values.len(),
        simulated_n: pooled.len(),
        qq: (1..20)
            .map(|i| {
                let p = i as f64 * 0.05;
                [quantile(&values, p), quantile(&pooled, p)]
            })
            .collect(),
        verdict: if too_few {
            Verdict::TooFew
        } else {
            verdict(&quantiles, 0.5, 1.0)
        },
        quantiles,
    }
}

/// The 95 % band of each of [`QUANTILES`] of `sorted` (value, period), by resampling
/// periods.
fn bootstrap_quantiles(sorted: &[(f64, usize)], days: &Days) -> Vec<[f64; 2]> {
    if sorted.is_empty() {
        return vec![[f64::NAN; 2]; QUANTILES.len()];
    }
    let mut draws: Vec<Vec<f64>> = vec![Vec::with_capacity(BOOTSTRAP); QUANTILES.len()];
    for times in days.resamples() {
        let total: f64 = sorted.iter().map(|(_, d)| f64::from(times[*d])).sum();
        if total == 0.0 {
            continue;
        }
        // One walk up the sorted values finds every quantile of the weighted sample.
        let mut next = 0;
        let mut seen = 0.0;
        for (v, d) in sorted {
            seen += f64::from(times[*d]);
            while next < QUANTILES.len() && seen >= QUANTILES[next] * total {
                draws[next].push(*v);
                next += 1;
            }
        }
    }
    draws
        .into_iter()
        .map(|mut d| {
            d.sort_by(f64::total_cmp);
            [quantile(&d, 0.025), quantile(&d, 0.975)]
        })
        .collect()
}

/// The verdict on checks whose absolute slack is `near` (agrees) and `far` (close).
fn verdict(checks: &[Check], near: f64, far: f64) -> Verdict {
    let within = |c: &Check, share: f64, slack: f64| {
        let [lo, hi] = c.records_band;
        let [slo, shi] = c.simulated_ci;
        let overlap = slo <= hi && shi >= lo;
        overlap || (c.simulated - c.records).abs() <= (share * c.records.abs()).max(slack)
    };
    if checks
        .iter()
        .any(|c| !c.records.is_finite() || !c.simulated.is_finite())
    {
        Verdict::TooFew
    } else if checks.iter().all(|c| within(c, 0.10, near)) {
        Verdict::Agrees
    } else if checks.iter().all(|c| within(c, 0.25, far)) {
        Verdict::Close
    } else {
        Verdict::Differs
    }
}

/// Calls a day: of each priority, crisis calls, and every call.
fn rates(
    priorities: &[u32],
    records: &[Observation],
    simulated: &[Vec<Observation>],
    simulated_days: f64,
    days: &Days,
) -> Vec<Rate> {
    type Pick = Box<dyn Fn(&Observation) -> bool>;
    let mut picks: Vec<(String, Pick)> = priorities
        .iter()
        .map(|p| {
            let p = *p;
            (
                format!("priority {p}"),
                Box::new(move |o: &Observation| o.priority == Some(p)) as Pick,
            )
        })
        .collect();
    picks.push(("crisis calls".into(), Box::new(|o: &Observation| o.crisis)));
    picks.push(("every call".into(), Box::new(|_: &Observation| true)));
    let resamples = days.resamples();
    picks
        .into_iter()
        .map(|(what, pick)| {
            let mut by_period = vec![0u32; days.periods()];
            (records.iter().filter(|o| pick(o))).for_each(|o| by_period[days.period(o)] += 1);
            let n = days.count as f64;
            let recorded = by_period.iter().sum::<u32>() as f64 / n;
            let mut draws: Vec<f64> = (resamples.iter())
                .map(|times| {
                    let calls: f64 = (by_period.iter().zip(times))
                        .map(|(c, t)| f64::from(c * t))
                        .sum();
                    calls / n
                })
                .collect();
            draws.sort_by(f64::total_cmp);
            let each: Vec<f64> = (simulated.iter())
                .map(|rep| rep.iter().filter(|o| pick(o)).count() as f64 / simulated_days)
                .collect();
            let e = estimate(&each);
            let check = Check {
                p: None,
                records: recorded,
                records_band: [quantile(&draws, 0.025), quantile(&draws, 0.975)],
                simulated: e.mean,
                simulated_ci: e.ci95.unwrap_or([e.mean, e.mean]),
            };
            let verdict = verdict(std::slice::from_ref(&check), 0.0, 0.0);
            Rate {
                what,
                check,
                verdict,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(day: u32, wait: f32) -> Observation {
        Observation {
            priority: Some(1),
            block: 0,
            day,
            crisis: true,
            intervals: [wait, 5.0, wait + 5.0, 30.0],
        }
    }

    /// The same calls simulated as recorded agree; every time doubled differs.
    #[test]
    fn the_same_calls_agree_and_doubled_times_differ() {
        let records: Vec<Observation> = (0..3000).map(|i| obs(i / 100, (i % 17) as f32)).collect();
        let same = vec![records.clone(), records.clone()];
        let v = validate(&records, &same, 30.0);
        assert!(
            v.figures.iter().all(|f| f.verdict == Verdict::Agrees),
            "{v:?}"
        );
        assert!(v.rates.iter().all(|r| r.verdict == Verdict::Agrees));
        assert_eq!(v.records_days, 30);
        let doubled: Vec<Vec<Observation>> = same
            .iter()
            .map(|rep| {
                rep.iter()
                    .map(|o| Observation {
                        intervals: o.intervals.map(|x| 2.0 * x + 2.0),
                        ..*o
                    })
                    .collect()
            })
            .collect();
        let v = validate(&records, &doubled, 30.0);
        assert!(
            v.figures.iter().all(|f| f.verdict == Verdict::Differs),
            "{v:?}"
        );
    }

    /// The band of a median holds it; it is about as wide as a sample's of
    /// independent calls (±1.96 / (2 f √n) ≈ ±1.4 here) when days are alike, and
    /// wider when each day's calls are alike.
    #[test]
    fn a_bootstrap_band_holds_the_value_and_widens_with_alike_days() {
        let width = |records: Vec<Observation>| {
            let v = validate(&records, &[records.clone(), records.clone()], 100.0);
            let median = v.figures[0].quantiles[2].clone();
            let [lo, hi] = median.records_band;
            assert!(lo <= median.records && median.records <= hi, "{median:?}");
            hi - lo
        };
        // 5000 draws uniform on 0..100, 50 a day for 100 days; then each day's 50
        // values close together.
        let mut rng = SimRng::seed_from_u64(7);
        let mixed = width(
            (0..5000)
                .map(|i| obs(i / 50, rng.random_range(0.0..100.0)))
                .collect(),
        );
        let alike = width(
            (0..5000)
                .map(|i| obs(i / 50, (i % 1009) as f32 / 10.0))
                .collect(),
        );
        assert!((1.5..6.0).contains(&mixed), "{mixed}");
        assert!(alike > 2.0 * mixed, "{alike} vs {mixed}");
    }
}
