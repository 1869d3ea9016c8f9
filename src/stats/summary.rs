//! The typed summary of a run: everything `summary.json` holds, and everything the
//! charts and the report need, so that they can be rebuilt from the file alone.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::metrics::{self, FacilityMetric, Metric};
use super::replication::{GroupValues, ReplicationSummary};
use super::warmup::{self, WarmupCheck};
use super::{Estimate, estimate};
use crate::model::Model;

/// What `ci95` and `pi95` mean, in the words the files, the console and the report use.
pub const INTERVALS: &str = "95% CI: the simulation's uncertainty about the expected value \
     over the measured period. 95% PI: the range one such period falls in (year-to-year \
     spread). Both are Student t intervals, cut at a metric's range (0, and 1 for a share). \
     Neither includes uncertainty in the scenario's inputs.";

/// Estimates by metric name, in output order.
pub type Estimates = IndexMap<String, Estimate>;

/// Looking up estimates by the registry's handles.
pub trait ByMetric {
    /// The estimate of a whole-run metric.
    fn of(&self, m: &Metric) -> Option<&Estimate>;
    /// Its mean (NaN when absent or unmeasured).
    fn mean_of(&self, m: &Metric) -> f64 {
        self.of(m).map_or(f64::NAN, |e| e.mean)
    }
}

impl ByMetric for Estimates {
    fn of(&self, m: &Metric) -> Option<&Estimate> {
        self.get(m.name)
    }
}

/// How a run was made, for the reader who wants to judge or repeat it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// The scenario file as given on the command line.
    pub file: String,
    /// Its text.
    pub text: String,
    /// `[path, text]` of the files it extends, nearest base first.
    pub bases: Vec<(String, String)>,
    /// `--set` overrides and shorthand flags in effect.
    pub overrides: Vec<String>,
}

/// A responder kind as the report describes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KindFacts {
    /// Name.
    pub name: String,
    /// `police`, `clinical`, `civilian`, `medical` or `peer`.
    pub role: String,
    /// Mean units scheduled over a week.
    pub mean_units: f64,
    /// Most units scheduled at once.
    pub max_units: u32,
}

/// A call type as the report describes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallTypeFacts {
    /// Name.
    pub name: String,
    /// Queue priority, 1 first.
    pub priority: u32,
    /// Responder kinds in order of preference.
    pub responders: Vec<String>,
}

/// A facility as the report describes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FacilityFacts {
    /// Name.
    pub name: String,
    /// `emergency_department`, `crisis_center`, `jail` or `inpatient`.
    pub kind: String,
    /// Places, if limited.
    pub capacity: Option<u32>,
}

/// A zone as the report draws it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ZoneFacts {
    /// Name.
    pub name: String,
    /// Residents.
    pub population: f64,
    /// Centre, km east.
    pub x: f64,
    /// Centre, km north.
    pub y: f64,
}

/// What the report says about the model, taken from it when the run was made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelFacts {
    /// Responder kinds.
    pub kinds: Vec<KindFacts>,
    /// Call types.
    pub call_types: Vec<CallTypeFacts>,
    /// Zones.
    pub zones: Vec<ZoneFacts>,
    /// The distinct call-type priorities, most urgent first.
    pub priorities: Vec<u32>,
    /// Facilities.
    pub facilities: Vec<FacilityFacts>,
    /// 988 counselors scheduled at each hour of day (mean over the week), if the
    /// scenario has a hotline.
    pub counselors_by_hour: Option<Vec<f64>>,
    /// Population groups (`others` last where the named ones leave anyone out).
    #[serde(default)]
    pub groups: Vec<String>,
}

/// Mean units a schedule has on at each hour of day over the week.
fn by_hour(schedule: &crate::model::Schedule) -> Vec<f64> {
    use crate::time::{DAY, HOUR};
    (0..24)
        .map(|h| {
            let at = |d: u32, m: u32| f64::from(d) * DAY + f64::from(h) * HOUR + f64::from(m) + 0.5;
            let sum: u32 = (0..7)
                .flat_map(|d| (0..60).map(move |m| (d, m)))
                .map(|(d, m)| schedule.units_at(at(d, m)))
                .sum();
            f64::from(sum) / (7.0 * HOUR)
        })
        .collect()
}

impl ModelFacts {
    fn of(model: &Model) -> Self {
        ModelFacts {
            kinds: model
                .kinds
                .iter()
                .map(|k| KindFacts {
                    name: k.name.clone(),
                    role: k.role.name().into(),
                    mean_units: k.schedule.mean_units(),
                    max_units: k.schedule.max_units(),
                })
                .collect(),
            call_types: model
                .call_types
                .iter()
                .map(|c| CallTypeFacts {
                    name: c.name.clone(),
                    priority: c.priority,
                    responders: c
                        .responders
                        .iter()
                        .map(|k| model.kinds[*k].name.clone())
                        .collect(),
                })
                .collect(),
            zones: model
                .zones
                .iter()
                .map(|z| ZoneFacts {
                    name: z.name.clone(),
                    population: z.population,
                    x: z.centre.x,
                    y: z.centre.y,
                })
                .collect(),
            priorities: model.priorities.clone(),
            facilities: model
                .facilities
                .iter()
                .map(|f| FacilityFacts {
                    name: f.name.clone(),
                    kind: f.kind.name().into(),
                    capacity: f.capacity.as_ref().map(|c| c.places),
                })
                .collect(),
            counselors_by_hour: model.hotline.as_ref().map(|h| by_hour(&h.schedule)),
            groups: model.groups.names.clone(),
        }
    }
}

/// Kernel events and wall time of a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Perf {
    /// Kernel events over all replications.
    pub events: u64,
    /// Wall-clock seconds.
    pub wall_s: f64,
}

/// The dollar year of a summary written before summaries said it.
pub fn default_dollar_year() -> u32 {
    crate::model::dollars::DEFAULT_YEAR
}

/// A run, summarised: `summary.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    /// Scenario name.
    pub scenario: String,
    /// Master seed.
    pub seed: u64,
    /// Replications.
    pub replications: u32,
    /// Measured days.
    pub days: f64,
    /// Warm-up days.
    pub warmup_days: f64,
    /// The response-time target in minutes, if the scenario sets one.
    pub response_target_min: Option<f64>,
    /// The year whose dollars every cost is in (`costs.dollar_year`).
    #[serde(default = "default_dollar_year")]
    pub dollar_year: u32,
    /// Version of crisis-sim that made it.
    pub crate_version: String,
    /// What the intervals mean ([`INTERVALS`]).
    pub intervals: String,
    /// Metric → estimate across replications.
    pub metrics: Estimates,
    /// Call type → metric → estimate.
    pub by_call_type: IndexMap<String, Estimates>,
    /// Zone → metric → estimate.
    pub by_zone: IndexMap<String, Estimates>,
    /// Priority (`"1"` most urgent) → metric → estimate.
    pub by_priority: IndexMap<String, Estimates>,
    /// Population group → metric → estimate (empty without `[[groups]]`).
    #[serde(default)]
    pub by_group: IndexMap<String, Estimates>,
    /// Population group → metric → the group's rate over the whole city's
    /// ([`DISPARITY_METRICS`]; per crisis for counts).
    #[serde(default)]
    pub disparity: IndexMap<String, Estimates>,
    /// Kind of the first unit on scene → metric → estimate over the incidents it
    /// reached first (`unserved` and `police_involved_share` are null).
    pub by_first_responder: IndexMap<String, Estimates>,
    /// Hour of the day (`"00:00"` to `"23:00"`) → metric → estimate: the incidents
    /// that arrived in that hour, and each kind's `utilization_<kind>` in it (empty in
    /// files written before runs kept it).
    #[serde(default)]
    pub by_hour: IndexMap<String, Estimates>,
    /// Facility → [`FacilityMetric`] name → estimate (`occupancy` null without a
    /// capacity, `boarding_hours` null but at EDs).
    pub by_facility: IndexMap<String, Estimates>,
    /// Cost component → estimate (without the `cost_` prefix); `total` is their sum.
    pub costs: Estimates,
    /// Events and wall time.
    pub perf: Perf,
    /// Whether the warm-up looks long enough.
    pub warmup_check: WarmupCheck,
    /// What the report says about the model.
    pub model: ModelFacts,
    /// How the run was made.
    pub provenance: Provenance,
    /// Every replication's values (in the order of `metrics`) and chart series.
    pub per_replication: Vec<ReplicationSummary>,
}

fn estimates<'a>(
    names: impl Iterator<Item = &'a str>,
    column: impl Fn(usize) -> Vec<f64>,
) -> Estimates {
    names
        .enumerate()
        .map(|(i, n)| (n.to_string(), within_range(n, estimate(&column(i)))))
        .collect()
}

/// The estimate with its interval bounds cut at the metric's range: no metric's value
/// is below 0, and a share (or a facility's occupancy) is at most 1, where a t interval
/// around a count near 0 or a share near 1 would cross.
fn within_range(name: &str, mut e: Estimate) -> Estimate {
    let share = metrics::lookup(name).map_or(
        name.ends_with("_share") || name == FacilityMetric::Occupancy.name(),
        |m| m.measure == metrics::Measure::Share,
    );
    let high = if share { 1.0 } else { f64::INFINITY };
    let cut = |[lo, hi]: [f64; 2]| [lo.clamp(0.0, high), hi.clamp(0.0, high)];
    e.ci95 = e.ci95.map(cut);
    e.pi95 = e.pi95.map(cut);
    e
}

fn groups(
    names: &[String],
    reps: &[ReplicationSummary],
    pick: impl Fn(&ReplicationSummary) -> &Vec<GroupValues>,
) -> IndexMap<String, Estimates> {
    names
        .iter()
        .enumerate()
        .map(|(g, name)| {
            let column = |i: usize| reps.iter().map(|r| pick(r)[g].to_array()[i]).collect();
            let names = metrics::GROUP_METRICS.iter().map(|m| m.name);
            (name.clone(), estimates(names, column))
        })
        .collect()
}

/// The label of hour `h` of the day in `by_hour`.
pub fn hour_label(h: usize) -> String {
    format!("{h:02}:00")
}

/// The incidents of each hour of the day, and each kind's utilization in it (busy
/// over on-duty unit-minutes of that hour, a ratio per replication).
fn hours(kinds: &[String], reps: &[ReplicationSummary]) -> IndexMap<String, Estimates> {
    if reps.iter().any(|r| r.by_hour.len() != 24) {
        return IndexMap::new();
    }
    let labels: Vec<String> = (0..24).map(hour_label).collect();
    let mut hours = groups(&labels, reps, |r| &r.by_hour);
    for (h, estimates) in hours.values_mut().enumerate() {
        for (k, kind) in kinds.iter().enumerate() {
            let column: Vec<f64> = reps.iter().map(|r| r.utilization_at(k, h)).collect();
            let name = metrics::UTILIZATION.of(kind);
            let e = within_range(&name, estimate(&column));
            estimates.insert(name, e);
        }
    }
    hours
}

/// The metrics whose disparity a run reports: response times and police involvement
/// as ratios of the group's value to the city's, counts as ratios of rates per crisis.
pub const DISPARITY_METRICS: [&Metric; 7] = [
    metrics::RESPONSE_TIME_MEAN_MIN,
    metrics::RESPONSE_TIME_P90_MIN,
    metrics::POLICE_INVOLVED_SHARE,
    metrics::EMERGENCY_DEPARTMENT,
    metrics::ARRESTS,
    metrics::USE_OF_FORCE,
    metrics::INJURIES,
];

/// Each group's disparity ratios, estimated across replications (a ratio per
/// replication, so its interval carries the noise of both rates).
fn disparity(
    groups: &[String],
    names: &[String],
    reps: &[ReplicationSummary],
) -> IndexMap<String, Estimates> {
    let at = |m: &Metric| names.iter().position(|n| n == m.name);
    let (Some(incidents), true) = (at(metrics::INCIDENTS), !groups.is_empty()) else {
        return IndexMap::new();
    };
    let ratio = |r: &ReplicationSummary, g: usize, m: &Metric| {
        let (Some(i), Some(group)) = (at(m), r.by_group.get(g)) else {
            return f64::NAN;
        };
        let (city, mine) = (r.values[i], group.get(m));
        if m.measure == metrics::Measure::Count {
            (mine / group.incidents) / (city / r.values[incidents])
        } else {
            mine / city
        }
    };
    (groups.iter().enumerate())
        .map(|(g, name)| {
            // A ratio is no share: its interval is cut at 0 only.
            let ratios = DISPARITY_METRICS.iter().map(|m| {
                let values: Vec<f64> = reps.iter().map(|r| ratio(r, g, m)).collect();
                let mut e = estimate(&values);
                e.ci95 = e.ci95.map(|[lo, hi]| [lo.max(0.0), hi.max(0.0)]);
                e.pi95 = e.pi95.map(|[lo, hi]| [lo.max(0.0), hi.max(0.0)]);
                (m.name.to_string(), e)
            });
            (name.clone(), ratios.collect())
        })
        .collect()
}

fn facility_groups(facts: &ModelFacts, reps: &[ReplicationSummary]) -> IndexMap<String, Estimates> {
    use strum::VariantArray;
    facts
        .facilities
        .iter()
        .enumerate()
        .map(|(f, facility)| {
            let column = |i: usize| {
                let m = FacilityMetric::VARIANTS[i];
                reps.iter().map(|r| r.by_facility[f].get(m)).collect()
            };
            let names = FacilityMetric::VARIANTS.iter().map(|m| m.name());
            (facility.name.clone(), estimates(names, column))
        })
        .collect()
}

impl RunSummary {
    /// Aggregates the replications of `model`.
    pub fn new(
        model: &Model,
        provenance: Provenance,
        per_replication: Vec<ReplicationSummary>,
        wall_s: f64,
    ) -> Self {
        let facts = ModelFacts::of(model);
        let kinds: Vec<String> = facts.kinds.iter().map(|k| k.name.clone()).collect();
        let names = metrics::names(&kinds);
        let reps = &per_replication;
        let metric_estimates = estimates(names.iter().map(String::as_str), |i| {
            reps.iter().map(|r| r.values[i]).collect()
        });
        let costs = metrics::cost_parts()
            .chain([metrics::COST_TOTAL])
            .filter_map(|m| {
                let e = metric_estimates.of(m)?.clone();
                Some((m.name.trim_start_matches("cost_").to_string(), e))
            })
            .collect();
        RunSummary {
            scenario: model.name.clone(),
            seed: model.seed,
            replications: model.replications,
            days: model.days,
            warmup_days: model.warmup_days,
            response_target_min: model.response_target,
            dollar_year: model.costs.dollar_year,
            crate_version: env!("CARGO_PKG_VERSION").to_string(),
            intervals: INTERVALS.to_string(),
            by_call_type: groups(
                &facts
                    .call_types
                    .iter()
                    .map(|c| c.name.clone())
                    .collect::<Vec<_>>(),
                reps,
                |r| &r.by_call_type,
            ),
            by_zone: groups(
                &facts
                    .zones
                    .iter()
                    .map(|z| z.name.clone())
                    .collect::<Vec<_>>(),
                reps,
                |r| &r.by_zone,
            ),
            by_priority: groups(
                &facts
                    .priorities
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>(),
                reps,
                |r| &r.by_priority,
            ),
            by_first_responder: groups(&kinds, reps, |r| &r.by_first_responder),
            by_hour: hours(&kinds, reps),
            by_group: groups(&facts.groups, reps, |r| &r.by_group),
            disparity: disparity(&facts.groups, &names, reps),
            by_facility: facility_groups(&facts, reps),
            metrics: metric_estimates,
            costs,
            perf: Perf {
                events: reps.iter().map(|r| r.events).sum(),
                wall_s,
            },
            warmup_check: warmup::check(reps, model.warmup_days, model.first_planned_change()),
            model: facts,
            provenance,
            per_replication,
        }
    }

    /// Checks that the summary is whole, as a run writes it: one entry per replication,
    /// a value for every metric and group in each (a hand-edited file may not be).
    pub fn consistency(&self) -> Result<(), String> {
        if self.per_replication.len() != self.replications as usize {
            return Err(format!(
                "{} replications, but {} replications' values",
                self.replications,
                self.per_replication.len()
            ));
        }
        for r in &self.per_replication {
            if r.values.len() != self.metrics.len() {
                return Err(format!(
                    "replication {} has {} values for {} metrics",
                    r.index,
                    r.values.len(),
                    self.metrics.len()
                ));
            }
            let counts = [
                ("call type", r.by_call_type.len(), self.by_call_type.len()),
                ("zone", r.by_zone.len(), self.by_zone.len()),
                ("priority", r.by_priority.len(), self.by_priority.len()),
                ("population", r.by_group.len(), self.by_group.len()),
                ("hour", r.by_hour.len(), self.by_hour.len()),
                (
                    "first responder",
                    r.by_first_responder.len(),
                    self.by_first_responder.len(),
                ),
                ("facility", r.by_facility.len(), self.by_facility.len()),
            ];
            if let Some((what, has, want)) = counts.iter().find(|(_, a, b)| a != b) {
                return Err(format!(
                    "replication {} has {has} {what} groups, the summary {want}",
                    r.index
                ));
            }
        }
        Ok(())
    }

    /// The per-replication values of a metric by its name (as the files and the user
    /// write it), in replication order; `None` for a name the run does not have.
    pub fn column(&self, name: &str) -> Option<Vec<f64>> {
        let i = self.metrics.get_index_of(name)?;
        Some(self.per_replication.iter().map(|r| r.values[i]).collect())
    }

    /// The estimate of a metric by its name, as the files and the user write it
    /// (`utilization_police`); `None` for a name the run does not have.
    pub fn named(&self, name: &str) -> Option<&Estimate> {
        self.metrics.get(name)
    }

    /// The estimate of a whole-run metric.
    pub fn estimate(&self, m: &Metric) -> Option<&Estimate> {
        self.metrics.of(m)
    }

    /// The mean of a whole-run metric (NaN when unmeasured).
    pub fn mean(&self, m: &Metric) -> f64 {
        self.metrics.mean_of(m)
    }

    /// The estimate of a per-kind metric for `kind`.
    pub fn kind_estimate(&self, m: &Metric, kind: &str) -> Option<&Estimate> {
        self.metrics.get(&m.of(kind))
    }

    /// The mean of a per-kind metric for `kind` (NaN when unmeasured).
    pub fn kind_mean(&self, m: &Metric, kind: &str) -> f64 {
        self.kind_estimate(m, kind).map_or(f64::NAN, |e| e.mean)
    }
}
