//! Statistics: metrics of one replication (from its record), and their mean, standard
//! deviation and 95 % confidence interval (Student t) across replications.

use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::model::{Disposition, Model};
use crate::sim::Record;
use crate::sim::record::{GroupCounts, Response};

/// Named values in a fixed order (the same for every replication of a model).
pub type Metrics = Vec<(String, f64)>;

/// An estimate across replications.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Estimate {
    /// Mean over replications with a finite value.
    pub mean: f64,
    /// Sample standard deviation (absent with fewer than 2 values).
    pub sd: Option<f64>,
    /// 95 % confidence interval for the mean, Student t (absent with fewer than 2 values).
    pub ci95: Option<[f64; 2]>,
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
    if n == 0 {
        return Estimate {
            mean: f64::NAN,
            sd: None,
            ci95: None,
            n,
        };
    }
    let mean = v.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return Estimate {
            mean,
            sd: None,
            ci95: None,
            n,
        };
    }
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let sd = var.sqrt();
    let half = t_quantile_975(n - 1) * sd / (n as f64).sqrt();
    Estimate {
        mean,
        sd: Some(sd),
        ci95: Some([mean - half, mean + half]),
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

fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        f64::NAN
    } else {
        part as f64 / whole as f64
    }
}

fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        f64::NAN
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}

/// Response-time metrics of a set of samples.
fn response_metrics(samples: impl Iterator<Item = Response>, out: &mut Metrics) {
    let mut times: Vec<f64> = samples.map(|r| f64::from(r.minutes)).collect();
    times.sort_by(f64::total_cmp);
    out.push(("response_time_mean_min".into(), mean(&times)));
    out.push(("response_time_p50_min".into(), quantile(&times, 0.5)));
    out.push(("response_time_p90_min".into(), quantile(&times, 0.9)));
}

fn group_metrics(counts: &GroupCounts, samples: impl Iterator<Item = Response>) -> Metrics {
    let mut out = vec![("incidents".to_string(), counts.incidents as f64)];
    response_metrics(samples, &mut out);
    out.push(("unserved".into(), counts.unserved as f64));
    out.push((
        "police_involved_share".into(),
        share(counts.police_involved, counts.incidents),
    ));
    out
}

/// The metrics of one replication, with the stable names the README lists, then the cost breakdown.
pub fn replication_metrics(model: &Model, rec: &Record) -> Metrics {
    let mut m: Metrics = vec![("incidents".into(), rec.incidents as f64)];
    response_metrics(rec.responses.iter().copied(), &mut m);
    let waits: Vec<f64> = rec.responses.iter().map(|r| f64::from(r.wait)).collect();
    let d = |x: Disposition| rec.dispositions[x as usize];
    let n = rec.incidents;
    let counts = [
        ("dispatch_wait_mean_min", mean(&waits)),
        ("unserved", rec.unserved as f64),
        ("police_involved_share", share(rec.police_involved, n)),
        ("no_police_share", share(rec.closed_without_police, n)),
        ("backup_requests", rec.backup_requests as f64),
        (
            "resolved_on_scene_share",
            share(d(Disposition::ResolvedOnScene), n),
        ),
        ("referred_share", share(d(Disposition::Referred), n)),
        ("crisis_center", d(Disposition::CrisisCenter) as f64),
        (
            "emergency_department",
            d(Disposition::EmergencyDepartment) as f64,
        ),
        ("hospitalizations", rec.hospitalizations as f64),
        ("arrests", d(Disposition::Arrest) as f64),
        ("use_of_force", rec.use_of_force as f64),
        ("injuries", rec.injuries as f64),
        ("repeat_crises", rec.repeat_crises as f64),
        ("hotline_calls", rec.hotline_calls as f64),
        (
            "hotline_abandoned_share",
            share(rec.hotline_abandoned, rec.hotline_calls),
        ),
        (
            "hotline_resolved_share",
            share(rec.hotline_resolved, rec.hotline_calls),
        ),
    ];
    m.extend(counts.iter().map(|(k, v)| (k.to_string(), *v)));
    for (kind, k) in model.kinds.iter().zip(&rec.kinds) {
        m.push((
            format!("utilization_{}", kind.name),
            k.busy_on_duty / k.on_duty,
        ));
    }
    for (kind, k) in model.kinds.iter().zip(&rec.kinds) {
        m.push((format!("overtime_hours_{}", kind.name), k.overtime / 60.0));
    }
    for (kind, k) in model.kinds.iter().zip(&rec.kinds) {
        let unstaffed = if kind.absence == 0.0 {
            0.0
        } else {
            share(k.unstaffed_shifts, k.scheduled_shifts)
        };
        m.push((format!("unstaffed_shift_share_{}", kind.name), unstaffed));
    }
    let mut answer: Vec<f64> = rec.hotline_waits.iter().map(|w| f64::from(*w)).collect();
    answer.sort_by(f64::total_cmp);
    let consult_wait = if rec.consult_requests == 0 {
        f64::NAN
    } else {
        rec.consult_wait / rec.consult_requests as f64
    };
    let later = [
        ("hotline_answer_mean_min", mean(&answer)),
        ("hotline_answer_p90_min", quantile(&answer, 0.9)),
        ("psychiatry_consults", rec.consults as f64),
        ("consult_wait_mean_min", consult_wait),
    ];
    m.extend(later.iter().map(|(k, v)| (k.to_string(), *v)));
    let parts = cost_parts(model, rec);
    let total: f64 = parts.iter().map(|(_, v)| v).sum();
    let per_incident = if n == 0 { f64::NAN } else { total / n as f64 };
    m.push(("cost_total".into(), total));
    m.push(("cost_per_incident".into(), per_incident));
    m.extend(parts.into_iter().map(|(k, v)| (k.to_string(), v)));
    m
}

/// Names of the cost components; `cost_total` is their sum.
pub const COST_PARTS: [&str; 6] = [
    "cost_responders",
    "cost_ed_visits",
    "cost_inpatient",
    "cost_crisis_center",
    "cost_jail",
    "cost_programs",
];

/// The cost components of one replication, in [`COST_PARTS`] order.
fn cost_parts(model: &Model, rec: &Record) -> [(&'static str, f64); 6] {
    let c = &model.costs;
    // On-duty hours at the hourly rate; overtime at time and a half.
    let responders: f64 = model
        .kinds
        .iter()
        .zip(&rec.kinds)
        .map(|(kind, k)| kind.cost_per_hour * (k.on_duty + 1.5 * k.overtime) / 60.0)
        .sum();
    let d = |x: Disposition| rec.dispositions[x as usize] as f64;
    let years = rec.measured_minutes / (365.0 * crate::dist::DAY);
    let values = [
        responders,
        d(Disposition::EmergencyDepartment) * c.ed_visit,
        rec.inpatient_days * c.inpatient_day,
        d(Disposition::CrisisCenter) * c.crisis_center_stay,
        d(Disposition::Arrest) * c.jail_booking,
        model.prevention.program_cost_per_year * years,
    ];
    let mut out = [("", 0.0); 6];
    for (i, v) in values.into_iter().enumerate() {
        out[i] = (COST_PARTS[i], v);
    }
    out
}

/// Metrics per call type of one replication.
pub fn by_call_type(model: &Model, rec: &Record) -> Vec<(String, Metrics)> {
    model
        .call_types
        .iter()
        .enumerate()
        .map(|(i, ct)| {
            let samples = rec
                .responses
                .iter()
                .copied()
                .filter(|r| usize::from(r.call_type) == i);
            (
                ct.name.clone(),
                group_metrics(&rec.by_call_type[i], samples),
            )
        })
        .collect()
}

/// Metrics per zone of one replication.
pub fn by_zone(model: &Model, rec: &Record) -> Vec<(String, Metrics)> {
    model
        .zones
        .iter()
        .enumerate()
        .map(|(i, z)| {
            let samples = rec
                .responses
                .iter()
                .copied()
                .filter(|r| usize::from(r.zone) == i);
            (z.name.clone(), group_metrics(&rec.by_zone[i], samples))
        })
        .collect()
}

/// Estimates for each metric position across replications.
pub fn summarize(per_replication: &[Metrics]) -> Vec<(String, Estimate)> {
    let Some(first) = per_replication.first() else {
        return Vec::new();
    };
    first
        .iter()
        .enumerate()
        .map(|(i, (name, _))| {
            let values: Vec<f64> = per_replication.iter().map(|m| m[i].1).collect();
            (name.clone(), estimate(&values))
        })
        .collect()
}

/// A difference between a scenario and the baseline across paired replications.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Difference {
    /// Mean of (scenario − baseline) over replications.
    pub mean: f64,
    /// 95 % interval of the paired differences (Student t).
    pub ci95: Option<[f64; 2]>,
    /// 95 % interval had the runs not been paired (Welch), for comparison.
    pub unpaired_ci95: Option<[f64; 2]>,
    /// The paired interval excludes zero.
    pub significant: bool,
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
    let significant = paired.ci95.is_some_and(|[lo, hi]| lo > 0.0 || hi < 0.0);
    Difference {
        mean: paired.mean,
        ci95: paired.ci95,
        unpaired_ci95: welch(&a, &b),
        significant,
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

/// What a metric means, in one line, for reports.
pub fn describe(metric: &str) -> &'static str {
    if metric.starts_with("utilization_") {
        return "busy share of on-duty unit time of this kind (background work and travel included)";
    }
    if metric.starts_with("unstaffed_shift_share_") {
        return "share of this kind's scheduled unit-shifts left unstaffed (absence)";
    }
    if metric.starts_with("overtime_hours_") {
        return "unit-hours worked past the end of a shift by this kind";
    }
    match metric {
        "incidents" => "crises arriving in the measured period",
        "response_time_mean_min" => "mean minutes from call received to first unit on scene",
        "response_time_p50_min" => "median minutes from call received to first unit on scene",
        "response_time_p90_min" => {
            "90th-percentile minutes from call received to first unit on scene"
        }
        "dispatch_wait_mean_min" => "mean minutes from call received to first unit assigned",
        "unserved" => {
            "incidents neither dispatched nor closed by the hotline by the end of the horizon"
        }
        "police_involved_share" => "share of incidents where a police unit arrived on scene",
        "no_police_share" => "share of incidents closed without any police unit on scene",
        "backup_requests" => "requests for police backup",
        "resolved_on_scene_share" => "share of incidents resolved on scene",
        "referred_share" => "share of incidents referred to follow-up care",
        "crisis_center" => "incidents ending at a crisis center",
        "emergency_department" => "incidents ending at an emergency department",
        "arrests" => "incidents ending in arrest",
        "use_of_force" => "use-of-force events",
        "injuries" => "injury events",
        "hospitalizations" => "ED visits that led to an inpatient stay",
        "repeat_crises" => "crises of people who had one before (included in incidents)",
        "hotline_calls" => "crises that reached the 988 hotline first",
        "hotline_abandoned_share" => "share of hotline calls that hung up before an answer",
        "hotline_resolved_share" => "share of hotline calls resolved by phone",
        "hotline_answer_mean_min" => "mean minutes a hotline caller waited for an answer",
        "hotline_answer_p90_min" => "90th-percentile minutes a hotline caller waited for an answer",
        "psychiatry_consults" => "psychiatry consults given to teams on scene",
        "consult_wait_mean_min" => {
            "mean minutes a team waited for a consult line (or until it gave up)"
        }
        "cost_total" => "all costs below, summed",
        "cost_per_incident" => "cost_total divided by incidents",
        "cost_responders" => "on-duty unit-hours × hourly cost, overtime at 1.5 ×",
        "cost_ed_visits" => "ED visits × cost per visit",
        "cost_inpatient" => "inpatient days after ED visits × cost per day",
        "cost_crisis_center" => "crisis-center stays × cost per stay",
        "cost_jail" => "jail bookings × cost per booking",
        "cost_programs" => "community prevention programs, per year × years measured",
        _ => "",
    }
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
        assert!(d.significant);
        let [lo, hi] = d.unpaired_ci95.unwrap();
        assert!(lo < 0.0 && hi > 2.0);
        let same = paired_difference(&base, &base);
        assert_eq!(
            (same.mean, same.ci95, same.significant),
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
