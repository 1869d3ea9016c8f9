//! Is the warm-up long enough? MSER-5 (White 1997; White, Cobb and Spratt 2000) on the
//! weekly series of incidents and of repeat crises, averaged over replications, warm-up
//! included: the truncation point that minimises the standard error of the mean of
//! what remains. Hoad, Robinson and Davies (2010) found MSER-5 the most reliable of
//! the automatic methods they compared.
//!
//!
//! On a series that is already flat MSER-5's truncation point wanders with the noise,
//! often far into the run. So a point beyond the chosen warm-up counts only when the
//! weeks between the two differ from the weeks after the point by more than noise and
//! by more than 1 % of their level (the 95 % interval across replications of the
//! difference of the two means lies beyond 1 %); otherwise the chosen warm-up stands.
//!
//! White, K. P. (1997). An effective truncation heuristic for bias reduction in
//! simulation output. Simulation 69(6), 323–334. Hoad, K., Robinson, S., Davies, R.
//! (2010). Automating warm-up length estimation. J. Oper. Res. Soc. 61(9), 1389–1403.

use serde::{Deserialize, Serialize};

use super::replication::ReplicationSummary;

/// Observations per batch.
const BATCH: usize = 5;

/// A start-up bias smaller than this share of the level is not worth a longer warm-up.
const MATERIAL: f64 = 0.01;

/// How a run's warm-up compares with the truncation point the data suggest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WarmupCheck {
    /// How the suggestion was made.
    pub method: String,
    /// Days from the start after which the weekly series look stationary.
    pub suggested_days: f64,
    /// The scenario's warm-up.
    pub chosen_days: f64,
    /// The chosen warm-up is at least the suggested one.
    pub enough: bool,
    /// The series still drift in the second half of the run, so the suggestion is a
    /// lower bound: run longer (a longer warm-up, or more days) to find it.
    pub drifting: bool,
    /// The day of the first planned change (a service that opens, programmes that
    /// start), where the series read end; absent when the scenario plans none.
    #[serde(default)]
    pub planned_day: Option<f64>,
}

/// Means of consecutive batches of `BATCH` observations (a last partial one dropped).
fn batches(series: &[f64]) -> Vec<f64> {
    series
        .chunks_exact(BATCH)
        .map(|b| b.iter().sum::<f64>() / BATCH as f64)
        .collect()
}

/// MSER-5: the number of leading observations to drop, a multiple of 5, at most half
/// the series (`None` when the series is too short to judge).
pub fn mser5(series: &[f64]) -> Option<usize> {
    let batches = batches(series);
    let k = batches.len();
    if k < 4 {
        return None;
    }
    let score = |d: usize| {
        let rest = &batches[d..];
        let mean = rest.iter().sum::<f64>() / rest.len() as f64;
        rest.iter().map(|z| (z - mean).powi(2)).sum::<f64>() / (rest.len() as f64).powi(2)
    };
    let best = (0..=k / 2).min_by(|a, b| score(*a).total_cmp(&score(*b)))?;
    Some(best * BATCH)
}

/// Whether, across replications, the weeks `from..cut` differ from the weeks after
/// `cut` by more than noise and by more than `MATERIAL` of their level: the 95 %
/// interval (Student t) of the replications' differences of the two means lies wholly
/// beyond that share. Replications are independent where weeks are not (one person's
/// crises span several), so their spread is the honest noise. With one replication
/// there is none to measure, and any cut counts.
pub fn differs(reps: &[Vec<f64>], from: usize, cut: usize) -> bool {
    let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len() as f64;
    let kept: Vec<&Vec<f64>> = reps
        .iter()
        .filter(|s| from < cut && cut < s.len())
        .collect();
    let diffs: Vec<f64> = kept
        .iter()
        .map(|s| mean(&s[from..cut]) - mean(&s[cut..]))
        .collect();
    let n = diffs.len();
    if n < 2 {
        return n == 1;
    }
    let level = kept.iter().map(|s| mean(&s[cut..])).sum::<f64>() / n as f64;
    let m = mean(&diffs);
    let var = diffs.iter().map(|d| (d - m).powi(2)).sum::<f64>() / (n as f64 - 1.0);
    let half = super::t_quantile_975(n - 1) * (var / n as f64).sqrt();
    m.abs() - half > MATERIAL * level.abs()
}

/// The mean over replications of a weekly series, without the last (partial) week.
fn pooled(reps: &[ReplicationSummary], pick: fn(&ReplicationSummary) -> &Vec<u64>) -> Vec<f64> {
    let weeks = reps.first().map_or(0, |r| pick(r).len().saturating_sub(1));
    (0..weeks)
        .map(|w| reps.iter().map(|r| pick(r)[w] as f64).sum::<f64>() / reps.len() as f64)
        .collect()
}

/// Checks the warm-up of a run from its replications' weekly series. A planned change
/// (`planned`: its day and what it is, such as programmes that start) is policy, not
/// start-up: the series are read only up to the week it falls in.
pub fn check(
    reps: &[ReplicationSummary],
    warmup_days: f64,
    planned: Option<(f64, String)>,
) -> WarmupCheck {
    let before = |mut s: Vec<f64>| {
        if let Some((day, _)) = &planned {
            s.truncate((day / 7.0).floor().max(0.0) as usize);
        }
        s
    };
    let picks: [fn(&ReplicationSummary) -> &Vec<u64>; 2] = [
        |r| &r.series.incidents_by_week,
        |r| &r.series.repeats_by_week,
    ];
    let series = picks.map(|pick| before(pooled(reps, pick)));
    let each = picks.map(|pick| {
        let weekly = |r: &ReplicationSummary| pick(r).iter().map(|n| *n as f64).collect();
        reps.iter()
            .map(|r| before(weekly(r)))
            .collect::<Vec<Vec<f64>>>()
    });
    let cuts: Vec<Option<usize>> = series.iter().map(|s| mser5(s)).collect();
    let weeks = cuts.iter().flatten().copied().max().unwrap_or(0);
    // A cut past the chosen warm-up (or late in the run) matters only where the
    // weeks before it differ from those after it.
    let chosen = (warmup_days / 7.0).ceil() as usize;
    let checks = || series.iter().zip(&each).zip(&cuts);
    // Still drifting: a cut in the second half, with the weeks of the second half
    // before it (and after the warm-up) unlike those after it.
    let drifting = checks().any(|((s, reps), c)| {
        let half = (s.len() / BATCH / 2) * BATCH;
        c.is_some_and(|c| c + BATCH > half && differs(reps, chosen.max(half).min(c), c))
    });
    let too_short =
        checks().any(|((_, reps), c)| c.is_some_and(|c| c > chosen && differs(reps, chosen, c)));
    let suggested_days = weeks as f64 * 7.0;
    let mut method = "MSER-5 (White 1997) on weekly incidents and repeat crises, averaged \
                      over replications, warm-up included"
        .to_string();
    if let Some((day, what)) = &planned {
        method.push_str(&format!(
            ", up to day {day:.0}, when {what} (a planned change, not start-up)"
        ));
    }
    WarmupCheck {
        method,
        suggested_days,
        chosen_days: warmup_days,
        enough: !too_short && !drifting,
        drifting,
        planned_day: planned.as_ref().map(|(day, _)| *day),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mser5_cuts_a_transient_and_keeps_a_stationary_series() {
        // A ramp over the first 40 observations, then a level with small noise.
        let series: Vec<f64> = (0..200)
            .map(|i| {
                let level = if i < 40 { f64::from(i) / 40.0 } else { 1.0 };
                level + 0.01 * f64::from((i * 7919) % 13) / 13.0
            })
            .collect();
        let cut = mser5(&series).unwrap();
        assert!((30..=45).contains(&cut), "{cut}");
        let flat: Vec<f64> = (0..200).map(|i| f64::from((i * 7919) % 13)).collect();
        assert!(mser5(&flat).unwrap() <= 20);
        assert_eq!(mser5(&[1.0; 10]), None);
    }

    #[test]
    fn a_late_cut_counts_only_where_the_weeks_before_it_differ() {
        // Eight replications of noise around a level: wherever MSER cuts, the weeks
        // before and after agree.
        use rand::RngExt;
        let noisy = |r: u64, level: &dyn Fn(f64) -> f64| -> Vec<f64> {
            let mut rng = crate::rng::stream(7, crate::rng::Stream::Arrivals, r);
            (0..200)
                .map(|i| level(f64::from(i)) + 13.0 * rng.random::<f64>())
                .collect()
        };
        let flat: Vec<Vec<f64>> = (0..8).map(|r| noisy(r, &|_| 100.0)).collect();
        for cut in [20, 60, 95] {
            assert!(!differs(&flat, 0, cut), "{cut}");
        }
        // A ramp over the first 60 weeks: the weeks from 10 to 60 are lower than after.
        let ramp: Vec<Vec<f64>> = (0..8)
            .map(|r| noisy(r, &|i| 100.0 * (i / 60.0).min(1.0)))
            .collect();
        assert!(differs(&ramp, 10, 60));
        assert!(!differs(&ramp, 60, 100));
        // One replication has no spread to judge by: the cut stands.
        assert!(differs(&flat[..1], 0, 60));
    }
}
