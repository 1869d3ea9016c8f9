//! From the tallies of a dispatch export to fitted values, each with the number of
//! records it rests on, and the values the records cannot give, each marked as the
//! assumption it is.

pub use super::read::identifier;
use super::tally::{Durations, Spread, Tally};
use crate::model::Disposition;
use crate::time::DAY;
use chrono::{Datelike, NaiveDateTime, NaiveTime, TimeDelta, Timelike};

/// Outcome shares in the model's names, and the dispositions they rest on.
pub type Shares = (Vec<(&'static str, f64)>, u64);

/// How a duration's distribution was fitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// A lognormal by maximum likelihood (the mean and sd of the logs).
    LogNormalLikelihood,
    /// A lognormal with the records' mean and sd.
    LogNormalMoments,
    /// A gamma with the records' mean and sd.
    GammaMoments,
}

impl Method {
    /// The scenario's name of the family.
    pub fn family(self) -> &'static str {
        match self {
            Method::GammaMoments => "gamma",
            _ => "lognormal",
        }
    }

    /// How it was fitted, in words.
    pub fn how(self) -> &'static str {
        match self {
            Method::LogNormalLikelihood => "a lognormal by maximum likelihood",
            Method::LogNormalMoments => "a lognormal with the records' mean and sd",
            Method::GammaMoments => "a gamma with the records' mean and sd",
        }
    }
}

/// A duration's fitted distribution, with the sample's own quantiles.
#[derive(Clone, Debug, PartialEq)]
pub struct DurationFit {
    /// How: the candidate closest to the records.
    pub method: Method,
    /// Values it rests on.
    pub n: u64,
    /// Mean and sd of the fitted distribution, minutes.
    pub mean: f64,
    /// See `mean`.
    pub sd: f64,
    /// Mean of the records, minutes.
    pub records_mean: f64,
    /// Median and 90th percentile of the records.
    pub empirical: [f64; 2],
    /// Median and 90th percentile of the fit.
    pub fitted: [f64; 2],
    /// Quantiles 5 %, 10 %, …, 95 % of the records and of the fit, for a quantile plot.
    pub quantiles: Vec<(f64, f64)>,
}

impl DurationFit {
    /// As a scenario writes it, e.g. `lognormal(45.0min, 20.0min)`.
    pub fn text(&self) -> String {
        format!(
            "{}({}, {})",
            self.method.family(),
            minutes_text(self.mean),
            minutes_text(self.sd)
        )
    }

    /// What it rests on, for the comment beside it: `what` names the times.
    pub fn note(&self, what: &str) -> String {
        format!(
            "{} from {} {what}: mean {:.1} min (records {:.1}), median {:.1} (records \
             {:.1}), 90th percentile {:.1} (records {:.1})",
            self.method.how(),
            self.n,
            self.mean,
            self.records_mean,
            self.fitted[0],
            self.empirical[0],
            self.fitted[1],
            self.empirical[1]
        )
    }
}

/// Minutes with one decimal, as a scenario writes a duration.
pub fn minutes_text(m: f64) -> String {
    format!("{:.1}min", m.max(0.1))
}

/// The quantile function of each candidate, from its mean and sd.
fn quantile_fn(method: Method, mean: f64, sd: f64) -> Option<Box<dyn Fn(f64) -> f64>> {
    use statrs::distribution::{ContinuousCDF, Gamma, LogNormal};
    if !(mean > 0.0 && sd > 0.0 && mean.is_finite() && sd.is_finite()) {
        return None;
    }
    match method {
        Method::GammaMoments => {
            let shape = (mean / sd).powi(2);
            let g = Gamma::new(shape, shape / mean).ok()?;
            Some(Box::new(move |p| g.inverse_cdf(p)))
        }
        _ => {
            let s2 = (1.0 + (sd / mean).powi(2)).ln();
            let l = LogNormal::new(mean.ln() - s2 / 2.0, s2.sqrt()).ok()?;
            Some(Box::new(move |p| l.inverse_cdf(p)))
        }
    }
}

/// The distribution of `d` closest to the records, if it has at least 5 values: of a
/// lognormal by likelihood and a lognormal and a gamma with the records' mean and sd,
/// the one whose 5 %, …, 95 % points and mean are nearest the records' (mean absolute
/// log ratio; the mean counts as much as all the points, since it carries the load).
pub fn fit_duration(d: &Durations) -> Option<DurationFit> {
    if d.n < 5 {
        return None;
    }
    let n = d.n as f64;
    let mu = d.sum_ln / n;
    let s2 = (d.sum_ln_sq / n - mu * mu).max(1e-12);
    let likelihood_mean = (mu + s2 / 2.0).exp();
    let (mean, sd) = moments(d)?;
    let records: Vec<f64> = (1..=19)
        .map(|i| d.histogram.quantile(0.05 * i as f64))
        .collect();
    let candidates = [
        (
            Method::LogNormalLikelihood,
            likelihood_mean,
            likelihood_mean * (s2.exp() - 1.0).sqrt(),
        ),
        (Method::LogNormalMoments, mean, sd),
        (Method::GammaMoments, mean, sd),
    ];
    let gap = |a: f64, b: f64| (a.max(1e-3) / b.max(1e-3)).ln().abs();
    let (method, m, s, q) = candidates
        .into_iter()
        .filter_map(|(method, m, s)| quantile_fn(method, m, s).map(|q| (method, m, s, q)))
        .map(|(method, m, s, q)| {
            let points: f64 = (1..=19)
                .map(|i| gap(q(0.05 * i as f64), records[i - 1]))
                .sum();
            (points / 19.0 + gap(m, mean), (method, m, s, q))
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))?
        .1;
    Some(DurationFit {
        method,
        n: d.n,
        mean: m,
        sd: s,
        records_mean: mean,
        empirical: [d.histogram.quantile(0.5), d.histogram.quantile(0.9)],
        fitted: [q(0.5), q(0.9)],
        quantiles: (1..=19)
            .map(|i| (records[i - 1], q(0.05 * i as f64)))
            .collect(),
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

/// Hour-of-day and day-of-week weights (each averaging 1) from crisis counts over the
/// hours of the week the records cover: a week and a day count a Monday twice. A
/// weekday covered for less than a whole day is given the average rate.
pub fn profiles(t: &Tally) -> ([f64; 24], [f64; 7]) {
    let exposure = t.span.map_or([1.0; 168], |(a, b)| hours_of_week(a, b));
    let counts = &t.by_hour_of_week;
    let rate = |slots: &mut dyn Iterator<Item = usize>| {
        let (n, hours) = slots.fold((0.0, 0.0), |(n, h), i| {
            (n + counts[i] as f64, h + exposure[i])
        });
        (hours > 0.0).then(|| n / hours).map(|r| (r, hours))
    };
    let mut hourly = [0.0; 24];
    for (h, w) in hourly.iter_mut().enumerate() {
        *w = rate(&mut (0..7).map(|d| d * 24 + h)).map_or(0.0, |(r, _)| r);
    }
    let mut weekly = [f64::NAN; 7];
    for (d, w) in weekly.iter_mut().enumerate() {
        if let Some((r, hours)) = rate(&mut (d * 24..d * 24 + 24)) {
            *w = if hours >= 24.0 { r } else { f64::NAN };
        }
    }
    let known: Vec<f64> = weekly.iter().copied().filter(|w| w.is_finite()).collect();
    let average = known.iter().sum::<f64>() / known.len().max(1) as f64;
    weekly
        .iter_mut()
        .filter(|w| !w.is_finite())
        .for_each(|w| *w = average);
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

/// Hours of each hour of the week (Monday 00:00 first) from `a` to `b`.
fn hours_of_week(a: NaiveDateTime, b: NaiveDateTime) -> [f64; 168] {
    let mut hours = [0.0; 168];
    let mut t = a;
    while t < b {
        let slot = t.weekday().num_days_from_monday() as usize * 24 + t.hour() as usize;
        let hour_start = t.date().and_time(NaiveTime::MIN) + TimeDelta::hours(i64::from(t.hour()));
        let next = (hour_start + TimeDelta::hours(1)).min(b);
        hours[slot] += (next - t).num_milliseconds() as f64 / 3_600_000.0;
        t = next;
    }
    hours
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
        let fit = fit_duration(&d).unwrap();
        assert!((fit.fitted[0] - 30.0).abs() < 0.1, "{fit:?}");
        assert!((fit.mean - 30.0 * (0.125f64).exp()).abs() < 0.2, "{fit:?}");
        assert!((fit.empirical[0] - 30.0).abs() < 0.3, "{fit:?}");
    }
}
