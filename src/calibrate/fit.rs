//! From the tallies of a dispatch export to fitted values, each with the number of
//! records it rests on, and the values the records cannot give, each marked as the
//! assumption it is.

pub use super::read::identifier;
use super::tally::{Durations, Spread, Tally};
use crate::model::Disposition;
use crate::time::DAY;

/// Outcome shares in the model's names, and the dispositions they rest on.
pub type Shares = (Vec<(&'static str, f64)>, u64);

/// A lognormal fitted by maximum likelihood, with the sample's own quantiles.
#[derive(Clone, Debug, PartialEq)]
pub struct LogNormalFit {
    /// Values it rests on.
    pub n: u64,
    /// Mean and sd of the fitted distribution, minutes.
    pub mean: f64,
    /// See `mean`.
    pub sd: f64,
    /// Median and 90th percentile of the records.
    pub empirical: [f64; 2],
    /// Median and 90th percentile of the fit.
    pub fitted: [f64; 2],
    /// Quantiles 5 %, 10 %, …, 95 % of the records and of the fit, for a quantile plot.
    pub quantiles: Vec<(f64, f64)>,
}

/// z of the standard normal at 5 %, 10 %, …, 95 %.
const Z: [f64; 19] = [
    -1.6449, -1.2816, -1.0364, -0.8416, -0.6745, -0.5244, -0.3853, -0.2533, -0.1257, 0.0, 0.1257,
    0.2533, 0.3853, 0.5244, 0.6745, 0.8416, 1.0364, 1.2816, 1.6449,
];

/// The maximum-likelihood lognormal of `d`, if it has at least 5 values.
pub fn lognormal(d: &Durations) -> Option<LogNormalFit> {
    if d.n < 5 {
        return None;
    }
    let n = d.n as f64;
    let mu = d.sum_ln / n;
    let s2 = (d.sum_ln_sq / n - mu * mu).max(1e-12);
    let s = s2.sqrt();
    let mean = (mu + s2 / 2.0).exp();
    let quantiles = Z
        .iter()
        .enumerate()
        .map(|(i, z)| {
            (
                d.histogram.quantile(0.05 * (i + 1) as f64),
                (mu + z * s).exp(),
            )
        })
        .collect();
    Some(LogNormalFit {
        n: d.n,
        mean,
        sd: mean * (s2.exp() - 1.0).sqrt(),
        empirical: [d.histogram.quantile(0.5), d.histogram.quantile(0.9)],
        fitted: [mu.exp(), (mu + 1.2816 * s).exp()],
        quantiles,
    })
}

/// Mean and sd of `d` (a gamma by moments), if it has at least 5 values.
pub fn moments(d: &Durations) -> Option<(f64, f64)> {
    if d.n < 5 {
        return None;
    }
    let n = d.n as f64;
    let mean = d.sum / n;
    Some((mean, (d.sum_sq / n - mean * mean).max(0.0).sqrt()))
}

/// Whether an agency name reads as police.
pub fn is_police(name: &str) -> bool {
    let n = name.to_lowercase();
    [
        "police", "sheriff", "officer", "deputy", "patrol", "pd", "law",
    ]
    .iter()
    .any(|w| {
        n.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|part| part == *w)
    })
}

/// Measured days the records cover (at least 1).
pub fn days(t: &Tally) -> f64 {
    t.span.map_or(1.0, |(a, b)| {
        ((b - a).num_milliseconds() as f64 / 60_000.0 / DAY).max(1.0)
    })
}

/// Hour-of-day and day-of-week weights (each averaging 1) from crisis counts.
pub fn profiles(t: &Tally) -> ([f64; 24], [f64; 7]) {
    let mut hourly = [0.0; 24];
    let mut weekly = [0.0; 7];
    for (i, c) in t.by_hour_of_week.iter().enumerate() {
        hourly[i % 24] += *c as f64;
        weekly[i / 24] += *c as f64;
    }
    let norm = |v: &mut [f64]| {
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        if mean > 0.0 {
            v.iter_mut().for_each(|x| *x /= mean);
        } else {
            v.iter_mut().for_each(|x| *x = 1.0);
        }
    };
    norm(&mut hourly);
    norm(&mut weekly);
    (hourly, weekly)
}

/// The share of a crisis call type's outcomes for one agency, in the model's names;
/// `None` when the records name none of them.
pub fn outcome_shares(
    counts: &indexmap::IndexMap<String, u64>,
) -> Option<(Vec<(&'static str, f64)>, u64)> {
    let known: Vec<(&'static str, u64)> = Disposition::names()
        .into_iter()
        .map(|d| (d, counts.get(d).copied().unwrap_or(0)))
        .filter(|(_, c)| *c > 0)
        .collect();
    let total: u64 = known.iter().map(|(_, c)| c).sum();
    (total > 0).then(|| {
        (
            known
                .into_iter()
                .map(|(d, c)| (d, c as f64 / total as f64))
                .collect(),
            total,
        )
    })
}

/// Groups grid cells of calls into at most `k` zones by weighted k-means (the first
/// centre the busiest cell, each next the cell farthest from those chosen; 100 rounds
/// at most), so that zones follow where calls are. Returns each zone's calls and
/// positions, busiest first.
pub fn cluster(cells: &std::collections::HashMap<(i64, i64), Spread>, k: usize) -> Vec<Spread> {
    let mut points: Vec<(&(i64, i64), &Spread)> = cells.iter().collect();
    points.sort_by_key(|(c, s)| (std::cmp::Reverse(s.calls), **c));
    let at: Vec<(f64, f64)> = points
        .iter()
        .map(|(_, s)| s.centre().unwrap_or_default())
        .collect();
    let d2 = |a: (f64, f64), b: (f64, f64)| (a.0 - b.0).powi(2) + (a.1 - b.1).powi(2);
    let mut centres: Vec<(f64, f64)> = at.first().copied().into_iter().collect();
    while centres.len() < k.min(at.len()) {
        let far = (0..at.len()).max_by(|&i, &j| {
            let near = |p: (f64, f64)| {
                centres
                    .iter()
                    .map(|c| d2(p, *c))
                    .fold(f64::INFINITY, f64::min)
            };
            near(at[i]).total_cmp(&near(at[j]))
        });
        match far {
            Some(i) if !centres.contains(&at[i]) => centres.push(at[i]),
            _ => break,
        }
    }
    let nearest = |p: (f64, f64), centres: &[(f64, f64)]| {
        (0..centres.len())
            .min_by(|&i, &j| d2(p, centres[i]).total_cmp(&d2(p, centres[j])))
            .unwrap_or(0)
    };
    let mut groups = vec![Spread::default(); centres.len()];
    for _ in 0..100 {
        groups = vec![Spread::default(); centres.len()];
        for (p, (_, s)) in at.iter().zip(&points) {
            groups[nearest(*p, &centres)].merge(s);
        }
        let moved: Vec<(f64, f64)> = groups
            .iter()
            .zip(&centres)
            .map(|(g, c)| g.centre().unwrap_or(*c))
            .collect();
        if moved == centres {
            break;
        }
        centres = moved;
    }
    groups.retain(|g| g.calls > 0);
    groups.sort_by_key(|g| std::cmp::Reverse(g.calls));
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_identifiers_and_police_is_recognised() {
        assert_eq!(identifier("Mental Health / Crisis"), "mental_health_crisis");
        assert_eq!(identifier("10-56 Suicidal"), "t_10_56_suicidal");
        assert!(is_police("Eugene PD") && is_police("sheriff") && !is_police("CAHOOTS"));
        assert!(!is_police("mobile_crisis"));
    }

    #[test]
    fn calls_in_two_neighbourhoods_make_two_zones() {
        let mut cells = std::collections::HashMap::new();
        for (x, y, calls) in [
            (0.5, 0.5, 40),
            (1.5, 0.5, 30),
            (20.5, 20.5, 20),
            (21.5, 20.5, 10),
        ] {
            let cell: &mut super::Spread = cells.entry((x as i64, y as i64)).or_default();
            for _ in 0..calls {
                cell.add(Some((x, y)));
            }
        }
        let zones = cluster(&cells, 2);
        assert_eq!(zones.iter().map(|z| z.calls).collect::<Vec<_>>(), [70, 30]);
        let (x, y) = zones[1].centre().unwrap();
        assert!((x - (20.5 * 20.0 + 21.5 * 10.0) / 30.0).abs() < 1e-9 && (y - 20.5).abs() < 1e-9);
        assert_eq!(cluster(&cells, 9).len(), 4, "no more zones than cells");
    }

    #[test]
    fn a_lognormal_fit_recovers_its_parameters() {
        let mut d = Durations::default();
        // Quantiles of lognormal(mu = ln 30, sigma = 0.5) at 1000 evenly spaced points.
        let normal = statrs::distribution::Normal::new(0.0, 1.0).unwrap();
        for i in 0..1000 {
            use statrs::distribution::ContinuousCDF;
            let z = normal.inverse_cdf((i as f64 + 0.5) / 1000.0);
            d.add((30f64.ln() + 0.5 * z).exp());
        }
        let fit = lognormal(&d).unwrap();
        assert!((fit.fitted[0] - 30.0).abs() < 0.1, "{fit:?}");
        assert!((fit.mean - 30.0 * (0.125f64).exp()).abs() < 0.2, "{fit:?}");
        assert!((fit.empirical[0] - 30.0).abs() < 0.3, "{fit:?}");
    }
}
