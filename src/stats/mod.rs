//! Statistics: the metric registry, each replication's figures (from its record),
//! and their mean, standard deviation and 95 % confidence interval (Student t) across
//! replications; paired differences between runs.

pub mod compare;
pub mod metrics;
pub mod nullable;
pub mod plan;
pub mod replication;
pub mod series;
pub mod size;
pub mod summary;
pub mod sweep;
pub mod trace;
pub mod uncertainty;
pub mod validation;
pub mod warmup;

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};

pub use compare::Comparison;
pub use replication::ReplicationSummary;
pub use summary::{Provenance, RunSummary};

/// An estimate across replications.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Mean over replications with a finite value (NaN, written `null`, when none).
    #[serde(with = "nullable::one")]
    pub mean: f64,
    /// Sample standard deviation (absent with fewer than 2 values).
    pub sd: Option<f64>,
    /// 95 % confidence interval for the mean, Student t (absent with fewer than 2
    /// values): the simulation's uncertainty about the expected value.
    pub ci95: Option<[f64; 2]>,
    /// 95 % prediction interval for one more replication, Student t: the spread of a
    /// single measured period (absent with fewer than 2 values).
    pub pi95: Option<[f64; 2]>,
    /// Replications with a finite value.
    pub n: usize,
}

impl Estimate {
    /// Half the width of the 95 % interval (0 when there is none).
    pub fn half_width(&self) -> f64 {
        self.ci95.map_or(0.0, |[lo, hi]| (hi - lo) / 2.0)
    }
}

/// Mean, sd and 95 % CI of the finite values; NaN (no observation) values are left out.
pub fn estimate(values: &[f64]) -> Estimate {
    let v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    let n = v.len();
    let mean = if n == 0 {
        f64::NAN
    } else {
        v.iter().sum::<f64>() / n as f64
    };
    if n < 2 {
        return Estimate {
            mean,
            sd: None,
            ci95: None,
            pi95: None,
            n,
        };
    }
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let sd = var.sqrt();
    let t = t_quantile_975(n - 1);
    let half = t * sd / (n as f64).sqrt();
    // One more replication differs from the mean of n by sd · √(1 + 1/n).
    let spread = t * sd * (1.0 + 1.0 / n as f64).sqrt();
    Estimate {
        mean,
        sd: Some(sd),
        ci95: Some([mean - half, mean + half]),
        pi95: Some([mean - spread, mean + spread]),
        n,
    }
}

/// The 97.5 % quantile of Student's t with `df` degrees of freedom.
pub fn t_quantile_975(df: usize) -> f64 {
    StudentsT::new(0.0, 1.0, df as f64).map_or(1.959_964, |t| t.inverse_cdf(0.975))
}

/// Quantile `q` of a sample by linear interpolation between order statistics
/// (Hyndman–Fan type 7, as R and NumPy use by default). NaN for an empty sample.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

/// A difference between a scenario and the baseline across paired replications.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    /// Mean of (scenario − baseline) over replications.
    #[serde(with = "nullable::one")]
    pub mean: f64,
    /// 95 % interval of the paired differences (Student t).
    pub ci95: Option<[f64; 2]>,
    /// 95 % interval had the runs not been paired (Welch), for comparison.
    pub unpaired_ci95: Option<[f64; 2]>,
    /// The paired interval excludes zero: the simulation's own noise does not
    /// explain the difference (uncertainty in the inputs is not included).
    pub resolved: bool,
    /// Replications where both values exist.
    pub n: usize,
}

/// Paired difference `other − base` by replication index, with the unpaired (Welch)
/// interval beside it. Pairs where either value is missing are left out.
pub fn paired_difference(base: &[f64], other: &[f64]) -> Difference {
    let pairs: Vec<(f64, f64)> = base
        .iter()
        .zip(other)
        .filter(|(a, b)| a.is_finite() && b.is_finite())
        .map(|(a, b)| (*a, *b))
        .collect();
    let diffs: Vec<f64> = pairs.iter().map(|(a, b)| b - a).collect();
    let paired = estimate(&diffs);
    let a = estimate(&pairs.iter().map(|p| p.0).collect::<Vec<_>>());
    let b = estimate(&pairs.iter().map(|p| p.1).collect::<Vec<_>>());
    let resolved = paired.ci95.is_some_and(|[lo, hi]| lo > 0.0 || hi < 0.0);
    Difference {
        mean: paired.mean,
        ci95: paired.ci95,
        unpaired_ci95: welch(&a, &b),
        resolved,
        n: paired.n,
    }
}

/// Welch's interval for the difference of two means.
fn welch(a: &Estimate, b: &Estimate) -> Option<[f64; 2]> {
    let (sa, sb) = (a.sd?, b.sd?);
    let (na, nb) = (a.n as f64, b.n as f64);
    let (va, vb) = (sa * sa / na, sb * sb / nb);
    let diff = b.mean - a.mean;
    if va + vb == 0.0 {
        return Some([diff, diff]);
    }
    let df = (va + vb).powi(2) / (va * va / (na - 1.0) + vb * vb / (nb - 1.0));
    let t = StudentsT::new(0.0, 1.0, df).map_or(1.959_964, |t| t.inverse_cdf(0.975));
    let half = t * (va + vb).sqrt();
    Some([diff - half, diff + half])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimate_matches_hand_computation() {
        let e = estimate(&[1.0, 2.0, 3.0, 4.0, f64::NAN]);
        assert_eq!(e.n, 4);
        assert_eq!(e.mean, 2.5);
        let sd = (5.0f64 / 3.0).sqrt();
        assert!((e.sd.unwrap() - sd).abs() < 1e-12);
        // t(0.975, 3) = 3.182446
        let half = 3.182_446 * sd / 2.0;
        assert!((e.half_width() - half).abs() < 1e-5);
        assert_eq!(estimate(&[7.0]).ci95, None);
        // The prediction interval is √(n + 1) times as wide as the confidence interval.
        let [lo, hi] = e.pi95.unwrap();
        assert!(((hi - lo) / 2.0 - half * 5f64.sqrt()).abs() < 1e-4);
        assert!(estimate(&[]).mean.is_nan());
    }

    #[test]
    fn paired_differences_cancel_shared_noise() {
        // Large shared noise, constant effect 1: the paired interval is exact,
        // the unpaired one is wide.
        let base = [10.0, 30.0, 20.0, 50.0, 40.0];
        let other: Vec<f64> = base.iter().map(|x| x + 1.0).collect();
        let d = paired_difference(&base, &other);
        assert_eq!(d.mean, 1.0);
        assert_eq!(d.ci95, Some([1.0, 1.0]));
        assert!(d.resolved);
        let [lo, hi] = d.unpaired_ci95.unwrap();
        assert!(lo < 0.0 && hi > 2.0);
        let same = paired_difference(&base, &base);
        assert_eq!(
            (same.mean, same.ci95, same.resolved),
            (0.0, Some([0.0, 0.0]), false)
        );
    }

    #[test]
    fn quantiles_interpolate() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert_eq!(quantile(&v, 0.9), 4.6);
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert!(quantile(&[], 0.5).is_nan());
    }
}
