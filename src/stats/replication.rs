//! One replication's figures, made from its record as soon as it finishes, so the
//! record (and its histograms) can be dropped: what a run keeps grows with the number
//! of replications by a few kilobytes each, not with the horizon.

use serde::{Deserialize, Serialize};

use super::metrics;
use super::nullable;
use crate::model::{Disposition, Kind, Model};
use crate::sim::Record;
use crate::sim::record::{GroupCounts, KindRecord};
use crate::time::YEAR;

/// Points of the response-time quantile grid: q = 0, 0.005, …, 1.
pub const QUANTILE_POINTS: usize = 201;

/// What the charts need of one replication besides its metrics.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// Incidents reached (the number behind the quantile grid).
    pub responses: u64,
    /// Response-time quantiles at q = i / 200 (empty when no incident was reached).
    pub response_quantiles: Vec<f64>,
    /// Incidents by hour of day of arrival.
    pub incidents_by_hour: [u64; 24],
    /// Per responder kind: mean units staffed at each hour of day, as simulated
    /// (shifts less absences).
    pub on_duty_by_hour: Vec<[f64; 24]>,
    /// Incidents by whole 30-day month of the measured period.
    pub incidents_by_month: Vec<u64>,
    /// Incidents by week of the whole run, warm-up included.
    pub incidents_by_week: Vec<u64>,
    /// Repeat crises by week of the whole run, warm-up included.
    pub repeats_by_week: Vec<u64>,
    /// Dispositions in [`Disposition::ALL`] order.
    pub dispositions: [u64; 5],
    /// Per facility: mean share of its places in use at each hour of the week (empty
    /// for a facility without a capacity).
    pub occupancy_by_hour: Vec<Vec<f64>>,
}

/// One replication, summarised.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReplicationSummary {
    /// 0-based index.
    pub index: u32,
    /// Its seed, derived from the run seed and the index.
    pub seed: u64,
    /// Metric values in the order of [`metrics::names`] (NaN, written `null`, where
    /// there was nothing to measure).
    #[serde(with = "nullable")]
    pub values: Vec<f64>,
    /// Per call type: values of [`metrics::GROUP_METRICS`].
    #[serde(with = "nullable::nested")]
    pub by_call_type: Vec<Vec<f64>>,
    /// Per zone: values of [`metrics::GROUP_METRICS`].
    #[serde(with = "nullable::nested")]
    pub by_zone: Vec<Vec<f64>>,
    /// Per priority, most urgent first: values of [`metrics::GROUP_METRICS`].
    #[serde(with = "nullable::nested")]
    pub by_priority: Vec<Vec<f64>>,
    /// Per kind of the first unit on scene: values of [`metrics::GROUP_METRICS`] over
    /// the incidents it reached first (`unserved` and the police share are NaN).
    #[serde(with = "nullable::nested")]
    pub by_first_responder: Vec<Vec<f64>>,
    /// Per facility: values of [`metrics::FACILITY_METRICS`].
    #[serde(with = "nullable::nested")]
    pub by_facility: Vec<Vec<f64>>,
    /// Kernel events handled (warm-up included).
    pub events: u64,
    /// Series for charts.
    pub series: Series,
}

fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        f64::NAN
    } else {
        part as f64 / whole as f64
    }
}

fn group_values(g: &GroupCounts, target: Option<f64>) -> Vec<f64> {
    vec![
        g.incidents as f64,
        g.response.mean(),
        g.response.quantile(0.5),
        g.response.quantile(0.9),
        target.map_or(f64::NAN, |t| g.response.share_below(t)),
        g.unserved as f64,
        share(g.police_involved, g.incidents),
    ]
}

/// Summarises replication `index` (seed `seed`) of `model` from its record.
pub fn summarize(model: &Model, rec: &Record, index: u32, seed: u64) -> ReplicationSummary {
    let grid = if rec.response.count() == 0 {
        Vec::new()
    } else {
        (0..QUANTILE_POINTS)
            .map(|i| {
                rec.response
                    .quantile(i as f64 / (QUANTILE_POINTS - 1) as f64)
            })
            .collect()
    };
    let days = rec.measured_minutes / crate::time::DAY;
    let on_duty_by_hour = rec
        .kinds
        .iter()
        .map(|k| k.on_duty_by_hour.map(|minutes| minutes / 60.0 / days))
        .collect();
    ReplicationSummary {
        index,
        seed,
        values: values(model, rec),
        by_call_type: rec
            .by_call_type
            .iter()
            .map(|g| group_values(g, model.response_target))
            .collect(),
        by_zone: rec
            .by_zone
            .iter()
            .map(|g| group_values(g, model.response_target))
            .collect(),
        by_priority: rec
            .by_priority
            .iter()
            .map(|g| group_values(g, model.response_target))
            .collect(),
        by_first_responder: rec
            .by_first_responder
            .iter()
            .map(|g| {
                let mut v = group_values(g, model.response_target);
                v[5] = f64::NAN;
                v[6] = f64::NAN;
                v
            })
            .collect(),
        by_facility: facility_values(model, rec),
        events: rec.events,
        series: Series {
            responses: rec.response.count(),
            response_quantiles: grid,
            incidents_by_hour: rec.incidents_by_hour,
            on_duty_by_hour,
            incidents_by_month: rec.incidents_by_month.clone(),
            incidents_by_week: rec.incidents_by_week.clone(),
            repeats_by_week: rec.repeats_by_week.clone(),
            dispositions: rec.dispositions,
            occupancy_by_hour: occupancy_by_hour(model, rec),
        },
    }
}

/// Each facility's values of [`metrics::FACILITY_METRICS`].
fn facility_values(model: &Model, rec: &Record) -> Vec<Vec<f64>> {
    model
        .facilities
        .iter()
        .zip(&rec.by_facility)
        .map(|(f, r)| {
            let places = f
                .capacity
                .as_ref()
                .map_or(f64::NAN, |c| f64::from(c.places));
            let boards = f.kind == crate::model::FacilityKind::EmergencyDepartment;
            vec![
                r.arrivals as f64,
                share(r.diverted, r.arrivals),
                if r.admitted == 0 {
                    f64::NAN
                } else {
                    r.wait_minutes / r.admitted as f64
                },
                r.place_minutes / rec.measured_minutes / places,
                if boards {
                    r.boarding_minutes / 60.0
                } else {
                    f64::NAN
                },
            ]
        })
        .collect()
}

/// Mean share of each capacity facility's places in use by hour of the week.
fn occupancy_by_hour(model: &Model, rec: &Record) -> Vec<Vec<f64>> {
    let weeks = rec.measured_minutes / crate::time::WEEK;
    model
        .facilities
        .iter()
        .zip(&rec.by_facility)
        .map(|(f, r)| match &f.capacity {
            Some(c) => r
                .occupancy_by_hour
                .iter()
                .map(|m| m / 60.0 / weeks / f64::from(c.places))
                .collect(),
            None => Vec::new(),
        })
        .collect()
}

/// The value of every metric, in registry order.
fn values(model: &Model, rec: &Record) -> Vec<f64> {
    let kinds: Vec<String> = model.kinds.iter().map(|k| k.name.clone()).collect();
    let costs = costs(model, rec);
    metrics::names(&kinds)
        .iter()
        .map(|name| value(model, rec, &costs, name))
        .collect()
}

/// On-duty hours of a kind at its hourly rate; overtime at time and a half.
fn responder_cost(spec: &Kind, r: &KindRecord) -> f64 {
    spec.cost_per_hour * (r.on_duty + 1.5 * r.overtime) / 60.0
}

fn per_kind(model: &Model, rec: &Record, prefix: &str, name: &str) -> Option<f64> {
    let kind = name.strip_prefix(prefix)?;
    let k = model.kinds.iter().position(|x| x.name == kind)?;
    let (spec, r) = (&model.kinds[k], &rec.kinds[k]);
    let cost = responder_cost(spec, r);
    Some(match prefix {
        "utilization_" => r.busy_on_duty / r.on_duty,
        "overtime_hours_" => r.overtime / 60.0,
        "calls_" => r.calls as f64,
        "calls_per_12h_" if r.on_duty == 0.0 => f64::NAN,
        "calls_per_12h_" => r.calls as f64 / (r.on_duty / 720.0),
        "busy_hours_crisis_" => r.crisis_minutes / 60.0,
        "cost_responders_" => cost,
        "cost_per_call_" if r.calls == 0 => f64::NAN,
        "cost_per_call_" => cost / r.calls as f64,
        "facility_hours_" => r.facility_minutes / 60.0,
        "facility_wait_hours_" => r.facility_wait_minutes / 60.0,
        _ if spec.absence == 0.0 => 0.0,
        _ => share(r.unstaffed_shifts, r.scheduled_shifts),
    })
}

fn value(model: &Model, rec: &Record, costs: &[f64; 6], name: &str) -> f64 {
    let d = |x: Disposition| rec.dispositions[x as usize];
    let n = rec.incidents;
    let total_cost: f64 = costs.iter().sum();
    for prefix in metrics::METRICS
        .iter()
        .filter(|m| m.per_kind)
        .map(|m| m.name)
    {
        if let Some(v) = per_kind(model, rec, prefix, name) {
            return v;
        }
    }
    if let Some(i) = metrics::cost_parts().position(|p| p == name) {
        return costs[i];
    }
    match name {
        "incidents" => n as f64,
        "response_time_mean_min" => rec.response.mean(),
        "response_time_p50_min" => rec.response.quantile(0.5),
        "response_time_p90_min" => rec.response.quantile(0.9),
        "response_within_target_share" => model
            .response_target
            .map_or(f64::NAN, |t| rec.response.share_below(t)),
        "dispatch_wait_mean_min" => rec.dispatch_wait.mean(),
        "unserved" => rec.unserved as f64,
        "police_involved_share" => share(rec.police_involved, n),
        "no_police_share" => share(n - rec.police_involved, n),
        "backup_requests" => rec.backup_requests as f64,
        "backlog_background" => rec.backlog_background as f64,
        "cancelled_share" => share(rec.cancelled, n),
        "resolved_on_scene_share" => share(d(Disposition::ResolvedOnScene), n),
        "referred_share" => share(d(Disposition::Referred), n),
        "crisis_center" => d(Disposition::CrisisCenter) as f64,
        "emergency_department" => d(Disposition::EmergencyDepartment) as f64,
        "hospitalizations" => rec.hospitalizations as f64,
        "arrests" => d(Disposition::Arrest) as f64,
        "use_of_force" => rec.use_of_force as f64,
        "injuries" => rec.injuries as f64,
        "repeat_crises" => rec.repeat_crises as f64,
        "hotline_calls" => rec.hotline_calls as f64,
        "hotline_abandoned_share" => share(rec.hotline_abandoned, rec.hotline_calls),
        "hotline_resolved_share" => share(rec.hotline_resolved, rec.hotline_calls),
        "hotline_answer_mean_min" => rec.hotline_answer.mean(),
        "hotline_answer_p90_min" => rec.hotline_answer.quantile(0.9),
        "hotline_contacts" => rec.hotline_contacts as f64,
        "hotline_all_answer_mean_min" => rec.hotline_all_answer.mean(),
        "hotline_all_abandoned_share" => share(rec.hotline_all_abandoned, rec.hotline_all),
        "psychiatry_consults" => rec.consults as f64,
        "consult_wait_mean_min" => {
            if rec.consult_waits == 0 {
                f64::NAN
            } else {
                rec.consult_wait / rec.consult_waits as f64
            }
        }
        "facility_wait_mean_min" => {
            if rec.facility_waits == 0 {
                f64::NAN
            } else {
                rec.facility_wait_minutes / rec.facility_waits as f64
            }
        }
        "diversions" => rec.diversions as f64,
        "unit_hours_at_facilities" => {
            rec.kinds.iter().map(|k| k.facility_minutes).sum::<f64>() / 60.0
        }
        "cost_total" => total_cost,
        "cost_per_incident" => {
            if n == 0 {
                f64::NAN
            } else {
                total_cost / n as f64
            }
        }
        _ => unreachable!("metric {name} is in the registry but has no value"),
    }
}

/// The cost components of one replication, in [`metrics::cost_parts`] order.
fn costs(model: &Model, rec: &Record) -> [f64; 6] {
    let c = &model.costs;
    let responders: f64 = model
        .kinds
        .iter()
        .zip(&rec.kinds)
        .map(|(spec, r)| responder_cost(spec, r))
        .sum();
    let d = |x: Disposition| rec.dispositions[x as usize] as f64;
    [
        responders,
        d(Disposition::EmergencyDepartment) * c.ed_visit,
        rec.inpatient_days * c.inpatient_day,
        d(Disposition::CrisisCenter) * c.crisis_center_stay,
        d(Disposition::Arrest) * c.jail_booking,
        model.prevention.program_cost_per_year
            * model
                .prevention
                .running(model.warmup_end(), model.horizon())
            / YEAR,
    ]
}
