//! One replication's figures, made from its record as soon as it finishes, so the
//! record (and its histograms) can be dropped: what a run keeps grows with the number
//! of replications by a few kilobytes each, not with the horizon.

use serde::{Deserialize, Serialize};

use super::metrics::{self, CostParts, FacilityMetric, Measured, Metric, share};
use super::nullable;
use crate::model::{Disposition, Model};
use crate::sim::Record;
use crate::sim::record::GroupCounts;
use crate::time::{DAY, HOUR, WEEK};

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
    /// Per responder kind: mean units busy while on duty at each hour of day.
    #[serde(default)]
    pub busy_by_hour: Vec<[f64; 24]>,
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
    /// Per responder kind with a workforce, per whole 30-day month of the measured
    /// period: mean units scheduled, mean units on duty, and mean units its trained
    /// staff could keep on the road (empty for a kind without a workforce).
    #[serde(default)]
    pub staffing_by_month: Vec<Vec<[f64; 3]>>,
}

/// The values of one group of incidents, the metrics of [`metrics::GROUP_METRICS`]
/// (NaN where there was nothing to measure). Written to files as a list in that order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(into = "Vec<Option<f64>>", try_from = "Vec<Option<f64>>")]
pub struct GroupValues {
    /// Incidents.
    pub incidents: f64,
    /// Mean response, minutes.
    pub response_mean: f64,
    /// Median response, minutes.
    pub response_p50: f64,
    /// 90th-percentile response, minutes.
    pub response_p90: f64,
    /// Share reached within the response target.
    pub within_target: f64,
    /// Incidents never dispatched.
    pub unserved: f64,
    /// Share with police on scene.
    pub police_share: f64,
    /// Mean minutes from the call to the first unit assigned.
    pub dispatch_wait_mean: f64,
    /// 90th percentile of those minutes.
    pub dispatch_wait_p90: f64,
    /// Incidents ending at an emergency department.
    pub emergency_department: f64,
    /// Incidents ending in arrest.
    pub arrests: f64,
    /// Use-of-force events.
    pub use_of_force: f64,
    /// Injury events.
    pub injuries: f64,
}

impl GroupValues {
    /// The values in the order of [`metrics::GROUP_METRICS`].
    pub fn to_array(&self) -> [f64; 13] {
        [
            self.incidents,
            self.response_mean,
            self.response_p50,
            self.response_p90,
            self.within_target,
            self.unserved,
            self.police_share,
            self.dispatch_wait_mean,
            self.dispatch_wait_p90,
            self.emergency_department,
            self.arrests,
            self.use_of_force,
            self.injuries,
        ]
    }

    /// The value of `m`, one of [`metrics::GROUP_METRICS`] (NaN for another).
    pub fn get(&self, m: &Metric) -> f64 {
        let at = metrics::GROUP_METRICS.iter().position(|g| *g == m);
        at.map_or(f64::NAN, |i| self.to_array()[i])
    }
}

impl From<GroupValues> for Vec<Option<f64>> {
    fn from(g: GroupValues) -> Self {
        g.to_array()
            .iter()
            .map(|x| x.is_finite().then_some(*x))
            .collect()
    }
}

impl TryFrom<Vec<Option<f64>>> for GroupValues {
    type Error = String;
    fn try_from(v: Vec<Option<f64>>) -> Result<Self, String> {
        let mut x: Vec<f64> = v.iter().map(|x| x.unwrap_or(f64::NAN)).collect();
        // Files written before groups had dispatch waits have 7 values, before they
        // had outcomes 9.
        if x.len() == 7 {
            x.extend([f64::NAN, f64::NAN]);
        }
        if x.len() == 9 {
            x.extend([f64::NAN; 4]);
        }
        let [
            incidents,
            response_mean,
            response_p50,
            response_p90,
            within_target,
            unserved,
            police_share,
            dispatch_wait_mean,
            dispatch_wait_p90,
            emergency_department,
            arrests,
            use_of_force,
            injuries,
        ] = x[..]
        else {
            return Err(format!("a group has {} values, not 13", x.len()));
        };
        Ok(GroupValues {
            incidents,
            response_mean,
            response_p50,
            response_p90,
            within_target,
            unserved,
            police_share,
            dispatch_wait_mean,
            dispatch_wait_p90,
            emergency_department,
            arrests,
            use_of_force,
            injuries,
        })
    }
}

/// The values of one facility, the metrics of [`FacilityMetric`] (NaN where there was
/// nothing to measure). Written to files as a list in that order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(into = "Vec<Option<f64>>", try_from = "Vec<Option<f64>>")]
pub struct FacilityValues {
    /// Transports arriving.
    pub arrivals: f64,
    /// Share of them turned away.
    pub diverted_share: f64,
    /// Mean minutes from arrival to a place.
    pub wait_mean_min: f64,
    /// Share of places in use (NaN without a capacity).
    pub occupancy: f64,
    /// Hours of boarding (NaN but at EDs).
    pub boarding_hours: f64,
}

impl FacilityValues {
    /// The values in the order of [`FacilityMetric::VARIANTS`].
    pub fn to_array(&self) -> [f64; 5] {
        [
            self.arrivals,
            self.diverted_share,
            self.wait_mean_min,
            self.occupancy,
            self.boarding_hours,
        ]
    }

    /// The value of `m`.
    pub fn get(&self, m: FacilityMetric) -> f64 {
        match m {
            FacilityMetric::Arrivals => self.arrivals,
            FacilityMetric::DivertedShare => self.diverted_share,
            FacilityMetric::WaitMeanMin => self.wait_mean_min,
            FacilityMetric::Occupancy => self.occupancy,
            FacilityMetric::BoardingHours => self.boarding_hours,
        }
    }
}

impl From<FacilityValues> for Vec<Option<f64>> {
    fn from(f: FacilityValues) -> Self {
        f.to_array()
            .iter()
            .map(|x| x.is_finite().then_some(*x))
            .collect()
    }
}

impl TryFrom<Vec<Option<f64>>> for FacilityValues {
    type Error = String;
    fn try_from(v: Vec<Option<f64>>) -> Result<Self, String> {
        let x: Vec<f64> = v.iter().map(|x| x.unwrap_or(f64::NAN)).collect();
        let [
            arrivals,
            diverted_share,
            wait_mean_min,
            occupancy,
            boarding_hours,
        ] = x[..]
        else {
            return Err(format!("a facility has {} values, not 5", x.len()));
        };
        Ok(FacilityValues {
            arrivals,
            diverted_share,
            wait_mean_min,
            occupancy,
            boarding_hours,
        })
    }
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
    /// Per call type.
    pub by_call_type: Vec<GroupValues>,
    /// Per zone.
    pub by_zone: Vec<GroupValues>,
    /// Per priority, most urgent first.
    pub by_priority: Vec<GroupValues>,
    /// Per population group (none without `[[groups]]`).
    #[serde(default)]
    pub by_group: Vec<GroupValues>,
    /// Per hour of the day the incidents arrived (24, midnight first; none in files
    /// written before runs kept them).
    #[serde(default)]
    pub by_hour: Vec<GroupValues>,
    /// Per day of the week the incidents arrived (7, Monday first), when the model
    /// keeps them (`plan --per day`); none otherwise.
    #[serde(default)]
    pub by_weekday: Vec<GroupValues>,
    /// Per kind of the first unit on scene, over the incidents it reached first
    /// (`unserved` and the police share are NaN).
    pub by_first_responder: Vec<GroupValues>,
    /// Per facility.
    pub by_facility: Vec<FacilityValues>,
    /// Kernel events handled (warm-up included).
    pub events: u64,
    /// Series for charts.
    pub series: Series,
}

impl ReplicationSummary {
    /// Kind `k`'s utilization in hour `h` of the day: its busy over its on-duty
    /// unit-minutes in that hour (NaN with no unit on duty, or in files written before
    /// runs kept busy time by hour).
    pub fn utilization_at(&self, k: usize, h: usize) -> f64 {
        let busy = self.series.busy_by_hour.get(k).map_or(f64::NAN, |b| b[h]);
        let duty = self
            .series
            .on_duty_by_hour
            .get(k)
            .map_or(f64::NAN, |d| d[h]);
        if duty > 0.0 { busy / duty } else { f64::NAN }
    }
}

fn group_values(g: &GroupCounts, target: Option<f64>) -> GroupValues {
    GroupValues {
        incidents: g.incidents as f64,
        response_mean: g.response.mean(),
        response_p50: g.response.quantile(0.5),
        response_p90: g.response.quantile(0.9),
        within_target: target.map_or(f64::NAN, |t| g.response.share_below(t)),
        unserved: g.unserved as f64,
        police_share: share(g.police_involved, g.incidents),
        dispatch_wait_mean: g.dispatch_wait.mean(),
        dispatch_wait_p90: g.dispatch_wait.quantile(0.9),
        emergency_department: g.dispositions[Disposition::EmergencyDepartment as usize] as f64,
        arrests: g.dispositions[Disposition::Arrest as usize] as f64,
        use_of_force: g.use_of_force as f64,
        injuries: g.injuries as f64,
    }
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
    let days = rec.measured_minutes / DAY;
    let values = |groups: &[GroupCounts]| -> Vec<GroupValues> {
        (groups.iter())
            .map(|g| group_values(g, model.response_target))
            .collect()
    };
    let by_hour_of_day = |minutes: &[f64; 24]| minutes.map(|m| m / HOUR / days);
    let on_duty_by_hour = (rec.kinds.iter())
        .map(|k| by_hour_of_day(&k.on_duty_by_hour))
        .collect();
    let busy_by_hour = (rec.kinds.iter())
        .map(|k| by_hour_of_day(&k.busy_by_hour))
        .collect();
    ReplicationSummary {
        index,
        seed,
        values: metrics::values(&Measured {
            model,
            rec,
            costs: CostParts::of(model, rec),
        }),
        by_call_type: values(&rec.by_call_type),
        by_zone: values(&rec.by_zone),
        by_priority: values(&rec.by_priority),
        by_group: values(&rec.by_group),
        by_hour: values(&rec.by_hour),
        by_weekday: values(&rec.by_weekday),
        by_first_responder: rec
            .by_first_responder
            .iter()
            .map(|g| GroupValues {
                unserved: f64::NAN,
                police_share: f64::NAN,
                ..group_values(g, model.response_target)
            })
            .collect(),
        by_facility: facility_values(model, rec),
        events: rec.events,
        series: Series {
            responses: rec.response.count(),
            response_quantiles: grid,
            incidents_by_hour: rec.incidents_by_hour,
            on_duty_by_hour,
            busy_by_hour,
            incidents_by_month: rec.incidents_by_month.clone(),
            incidents_by_week: rec.incidents_by_week.clone(),
            repeats_by_week: rec.repeats_by_week.clone(),
            dispositions: rec.dispositions,
            occupancy_by_hour: occupancy_by_hour(model, rec),
            staffing_by_month: (rec.kinds.iter())
                .map(|k| {
                    (k.by_month.iter())
                        .map(|m| m.map(|x| x / (30.0 * DAY)))
                        .collect()
                })
                .collect(),
        },
    }
}

/// Each facility's values.
fn facility_values(model: &Model, rec: &Record) -> Vec<FacilityValues> {
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
            FacilityValues {
                arrivals: r.arrivals as f64,
                diverted_share: share(r.diverted, r.arrivals),
                wait_mean_min: if r.admitted == 0 {
                    f64::NAN
                } else {
                    r.wait_minutes / r.admitted as f64
                },
                occupancy: r.place_minutes / rec.measured_minutes / places,
                boarding_hours: if boards {
                    r.boarding_minutes / HOUR
                } else {
                    f64::NAN
                },
            }
        })
        .collect()
}

/// Mean share of each capacity facility's places in use by hour of the week.
fn occupancy_by_hour(model: &Model, rec: &Record) -> Vec<Vec<f64>> {
    let weeks = rec.measured_minutes / WEEK;
    model
        .facilities
        .iter()
        .zip(&rec.by_facility)
        .map(|(f, r)| match &f.capacity {
            Some(c) => r
                .occupancy_by_hour
                .iter()
                .map(|m| m / HOUR / weeks / f64::from(c.places))
                .collect(),
            None => Vec::new(),
        })
        .collect()
}
