//! Estimators over the replications' series, for the charts: the middle 95 % of a
//! value across replications, response-time distributions pooled from each
//! replication's quantile grid, and means by hour of day.

use super::replication::ReplicationSummary;
use super::summary::RunSummary;
use super::{estimate, quantile};

/// A value across replications: its mean and the middle 95 % (2.5 % and 97.5 %
/// quantiles) of the replications' values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Band {
    /// Mean over the replications with a finite value.
    pub mean: f64,
    /// 2.5 % quantile.
    pub lo: f64,
    /// 97.5 % quantile.
    pub hi: f64,
}

impl Band {
    /// The band of `values` (NaN where there are none).
    pub fn of(mut values: Vec<f64>) -> Band {
        values.retain(|x| x.is_finite());
        values.sort_by(f64::total_cmp);
        Band {
            mean: estimate(&values).mean,
            lo: quantile(&values, 0.025),
            hi: quantile(&values, 0.975),
        }
    }
}

/// The band of each step of a series every replication has (`series` picks it; a
/// replication with a shorter series is left out of the later steps).
pub fn bands(
    reps: &[ReplicationSummary],
    series: impl Fn(&ReplicationSummary) -> &[f64],
) -> Vec<Band> {
    let steps = reps.iter().map(|r| series(r).len()).max().unwrap_or(0);
    (0..steps)
        .map(|i| {
            Band::of(
                reps.iter()
                    .filter_map(|r| series(r).get(i).copied())
                    .collect(),
            )
        })
        .collect()
}

/// [`bands`] for a series of counts.
pub fn count_bands(
    reps: &[ReplicationSummary],
    series: impl Fn(&ReplicationSummary) -> &[u64],
) -> Vec<Band> {
    let steps = reps.iter().map(|r| series(r).len()).max().unwrap_or(0);
    (0..steps)
        .map(|i| {
            Band::of(
                reps.iter()
                    .filter_map(|r| series(r).get(i).map(|c| *c as f64))
                    .collect(),
            )
        })
        .collect()
}

/// The distribution function at `x` of a sample given by its quantile grid (quantiles
/// at evenly spaced probabilities from 0 to 1), interpolating linearly between grid
/// points. NaN for an empty grid.
pub fn cdf_from_quantiles(grid: &[f64], x: f64) -> f64 {
    let Some(last) = grid.len().checked_sub(1) else {
        return f64::NAN;
    };
    let j = grid.partition_point(|q| *q <= x);
    if j == 0 {
        return 0.0;
    }
    if j > last {
        return 1.0;
    }
    let (lo, hi) = (grid[j - 1], grid[j]);
    let within = if hi > lo { (x - lo) / (hi - lo) } else { 0.0 };
    ((j - 1) as f64 + within) / last as f64
}

/// The pooled distribution function of a run's response times at `x`: replications
/// weighted by the incidents they reached. NaN when none reached any.
pub fn pooled_cdf(r: &RunSummary, x: f64) -> f64 {
    let (mut sum, mut n) = (0.0, 0.0);
    for rep in &r.per_replication {
        let s = &rep.series;
        if s.responses > 0 {
            sum += s.responses as f64 * cdf_from_quantiles(&s.response_quantiles, x);
            n += s.responses as f64;
        }
    }
    if n > 0.0 { sum / n } else { f64::NAN }
}

/// The pooled quantile `q` of a run's response times, by bisection on [`pooled_cdf`]
/// (60 halvings: far below a second). NaN when no incident was reached.
pub fn pooled_quantile(r: &RunSummary, q: f64) -> f64 {
    let top = r
        .per_replication
        .iter()
        .filter_map(|rep| rep.series.response_quantiles.last().copied())
        .fold(f64::NAN, f64::max);
    if !top.is_finite() {
        return f64::NAN;
    }
    let (mut lo, mut hi) = (0.0, top);
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        if pooled_cdf(r, mid) < q {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi
}

/// Mean crises arriving in each hour of day, per measured day.
pub fn demand_by_hour(r: &RunSummary) -> Vec<f64> {
    let reps = r.per_replication.len().max(1) as f64;
    (0..24)
        .map(|h| {
            let total: u64 = r
                .per_replication
                .iter()
                .map(|rep| rep.series.incidents_by_hour[h])
                .sum();
            total as f64 / reps / r.days
        })
        .collect()
}

/// Mean units of kind `k` staffed at each hour of day, over replications.
pub fn on_duty_by_hour(r: &RunSummary, k: usize) -> Vec<f64> {
    let reps = r.per_replication.len().max(1) as f64;
    (0..24)
        .map(|h| {
            let sum: f64 = r
                .per_replication
                .iter()
                .filter_map(|rep| rep.series.on_duty_by_hour.get(k).map(|b| b[h]))
                .sum();
            sum / reps
        })
        .collect()
}

/// Mean incidents per replication that ended in each disposition.
pub fn dispositions(r: &RunSummary) -> Vec<f64> {
    let reps = r.per_replication.len().max(1) as f64;
    (0..crate::model::Disposition::ALL.len())
        .map(|d| {
            let total: u64 = (r.per_replication.iter())
                .map(|rep| rep.series.dispositions[d])
                .sum();
            total as f64 / reps
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_grids_give_back_their_distribution() {
        let grid: Vec<f64> = (0..=200).map(|i| f64::from(i) * 0.5).collect();
        assert_eq!(cdf_from_quantiles(&grid, -1.0), 0.0);
        assert_eq!(cdf_from_quantiles(&grid, 50.0), 0.5);
        assert_eq!(cdf_from_quantiles(&grid, 25.25), 0.2525);
        assert_eq!(cdf_from_quantiles(&grid, 1000.0), 1.0);
        assert!(cdf_from_quantiles(&[], 1.0).is_nan());
    }

    #[test]
    fn bands_span_the_middle_of_the_replications() {
        let b = Band::of((1..=41).map(f64::from).collect());
        assert_eq!(b.mean, 21.0);
        // Type-7 quantiles of 1..41: 1 + 40 q.
        assert_eq!((b.lo, b.hi), (2.0, 40.0));
        let empty = Band::of(vec![f64::NAN]);
        assert!(empty.mean.is_nan() && empty.lo.is_nan());
    }

    fn run_with(grids: Vec<(u64, Vec<f64>)>) -> RunSummary {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/golden/summary.json"
        ))
        .unwrap();
        let mut r: RunSummary = serde_json::from_str(&text).unwrap();
        let template = r.per_replication[0].clone();
        r.per_replication = grids
            .into_iter()
            .map(|(n, grid)| {
                let mut rep = template.clone();
                rep.series.responses = n;
                rep.series.response_quantiles = grid;
                rep
            })
            .collect();
        r
    }

    #[test]
    fn pooling_weights_replications_by_the_incidents_they_reached() {
        // One replication uniform on [0, 10], three times as many incidents uniform on
        // [10, 20]: the pooled median is where a quarter plus half of three quarters lie.
        let uniform = |a: f64, b: f64| {
            (0..=200)
                .map(|i| a + (b - a) * f64::from(i) / 200.0)
                .collect()
        };
        let r = run_with(vec![(100, uniform(0.0, 10.0)), (300, uniform(10.0, 20.0))]);
        assert!((pooled_cdf(&r, 10.0) - 0.25).abs() < 1e-12);
        assert!((pooled_cdf(&r, 15.0) - 0.625).abs() < 1e-12);
        assert!((pooled_quantile(&r, 0.625) - 15.0).abs() < 1e-9);
        let none = run_with(vec![(0, Vec::new())]);
        assert!(pooled_cdf(&none, 1.0).is_nan() && pooled_quantile(&none, 0.5).is_nan());
    }
}
