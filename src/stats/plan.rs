//! What `plan` found: a roster of shifts for one responder kind, its evidence block
//! by block, the flat around-the-clock staffing that meets the same target, and the
//! frontier of cost against the share of blocks met.

use serde::{Deserialize, Serialize};

use super::size::Target;

/// A shift a roster may staff: it starts on the hour and lasts whole hours.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shift {
    /// Hour of the day it starts (0 to 23).
    pub start_hour: u32,
    /// Its length in hours (1 to 24).
    pub hours: u32,
}

impl Shift {
    /// `07:00/10h`.
    pub fn label(&self) -> String {
        format!("{:02}:00/{}h", self.start_hour, self.hours)
    }

    /// Its units are on duty through hour `hour` of the day.
    pub fn covers(&self, hour: usize) -> bool {
        (hour as u32 + 24 - self.start_hour) % 24 < self.hours
    }

    /// The scenario's form: `{ from = "07:00", to = "17:00", units = 3 }`.
    pub fn toml(&self, units: u32) -> String {
        let to = (self.start_hour + self.hours) % 24;
        format!(
            "{{ from = \"{:02}:00\", to = \"{to:02}:00\", units = {units} }}",
            self.start_hour
        )
    }
}

/// The units a roster puts on duty in each hour of the day.
pub fn staffed_by_hour(shifts: &[Shift], units: &[u32]) -> Vec<u32> {
    (0..24)
        .map(|h| {
            (shifts.iter().zip(units))
                .filter(|(s, _)| s.covers(h))
                .map(|(_, u)| u)
                .sum()
        })
        .collect()
}

/// Where the target must hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Per {
    /// In each hour of the day (the crises that arrive in it).
    Hour,
    /// On each day of the week.
    Day,
    /// Over the whole run.
    Overall,
}

impl std::str::FromStr for Per {
    type Err = String;

    /// `hour`, `day` or `overall`.
    fn from_str(text: &str) -> Result<Per, String> {
        match text {
            "hour" => Ok(Per::Hour),
            "day" => Ok(Per::Day),
            "overall" => Ok(Per::Overall),
            _ => Err(format!("`{text}`: give hour, day or overall")),
        }
    }
}

impl Per {
    /// The blocks' labels: `00:00` to `23:00`, `Monday` to `Sunday`, or `overall`.
    pub fn labels(self) -> Vec<String> {
        match self {
            Per::Hour => (0..24).map(super::summary::hour_label).collect(),
            Per::Day => [
                "Monday",
                "Tuesday",
                "Wednesday",
                "Thursday",
                "Friday",
                "Saturday",
                "Sunday",
            ]
            .map(String::from)
            .to_vec(),
            Per::Overall => vec!["overall".into()],
        }
    }
}

/// One block's evidence: the target metric's mean over replications, the one-sided
/// bound that decides, and whether the target holds there.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Block {
    /// `07:00`, `Monday` or `overall`.
    pub label: String,
    /// Mean over replications (null where nothing was measured).
    pub mean: Option<f64>,
    /// The one-sided bound at the confidence asked for.
    pub bound: Option<f64>,
    /// The target holds here at that confidence.
    pub met: bool,
    /// Too close to call: the interval straddles the target even with the most
    /// replications allowed (counted as missed).
    #[serde(default)]
    pub undecided: bool,
}

/// A roster simulated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Units per shift, in the order of the plan's shifts (for the flat staffing, one
    /// around-the-clock shift).
    pub units: Vec<u32>,
    /// Replications it took: the scenario's, doubled (up to 8 times) while a block was
    /// too close to call and none missed.
    pub replications: u32,
    /// Units on duty in each hour of the day, as planned (before absences).
    pub staffed_by_hour: Vec<u32>,
    /// Mean units busy on duty in each hour of the day, as simulated.
    pub busy_by_hour: Vec<f64>,
    /// Unit-hours a day.
    pub unit_hours_per_day: u32,
    /// The evidence, block by block.
    pub blocks: Vec<Block>,
    /// Blocks where the target holds.
    pub blocks_met: usize,
    /// Blocks too close to call.
    pub undecided: usize,
    /// The budget metric per year of 365 days, mean over replications.
    pub budget_per_year: f64,
    /// Its 95 % interval.
    pub budget_ci95: Option<[f64; 2]>,
    /// The kind's staff cost per year (`cost_per_hour` × unit-hours on duty), mean.
    pub kind_cost_per_year: f64,
}

impl Evaluation {
    /// The target holds in every block.
    pub fn meets(&self) -> bool {
        self.blocks_met == self.blocks.len()
    }
}

/// What taking one unit off a shift of the plan does: the blocks then missed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Removal {
    /// The shift, `07:00/10h`.
    pub shift: String,
    /// The blocks that miss the target with one unit fewer there.
    pub missed: Vec<String>,
}

/// One point of the frontier: the best roster found within a budget.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FrontierPoint {
    /// The budget (the budget metric per year).
    pub budget: f64,
    /// The roster, or none when even no unit on the shifts that may change costs more.
    pub roster: Option<Evaluation>,
}

/// What to plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Question {
    /// The kind whose shifts are planned.
    pub kind: String,
    /// The shifts it may staff.
    pub shifts: Vec<Shift>,
    /// Units fixed by the planner, per shift (null: free).
    pub fixed: Vec<Option<u32>>,
    /// What must hold in each block.
    pub target: Target,
    /// The blocks.
    pub per: Per,
    /// The one-sided confidence of each block's verdict.
    pub confidence: f64,
    /// The metric costed (per year) and held to `budgets`.
    pub budget_metric: String,
    /// Budgets for the frontier (the budget metric per year).
    pub budgets: Vec<f64>,
}

/// `plan.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanResult {
    /// Scenario name.
    pub scenario: String,
    /// The question, its fields at the top level.
    #[serde(flatten)]
    pub question: Question,
    /// Replications of every roster tried, all on the same seeds.
    pub replications: u32,
    /// The scenario's seed.
    pub seed: u64,
    /// Measured days of each replication.
    pub days: f64,
    /// Mean units of the kind busy in each hour of the day with every shift amply
    /// staffed: the work the hours bring.
    pub load_by_hour: Vec<f64>,
    /// The units each hour needed in the last integer program solved.
    pub needed_by_hour: Vec<u32>,
    /// The plan, or none when no roster within the limits met the target.
    pub plan: Option<Evaluation>,
    /// One unit fewer on each staffed shift that may change, and what it breaks.
    pub removals: Vec<Removal>,
    /// The fewest units around the clock that meet the same target.
    pub flat: Option<Evaluation>,
    /// With `--budgets`: the best roster found within each.
    pub frontier: Vec<FrontierPoint>,
    /// Rosters simulated.
    pub evaluations: usize,
    /// Wall time, seconds.
    pub wall_s: f64,
    /// The answer in a sentence.
    pub summary: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shifts_cover_their_hours_across_midnight() {
        let night = Shift {
            start_hour: 23,
            hours: 10,
        };
        let covered: Vec<usize> = (0..24).filter(|&h| night.covers(h)).collect();
        assert_eq!(covered, [0, 1, 2, 3, 4, 5, 6, 7, 8, 23]);
        assert_eq!(
            night.toml(2),
            "{ from = \"23:00\", to = \"09:00\", units = 2 }"
        );
        let day = Shift {
            start_hour: 0,
            hours: 24,
        };
        assert!((0..24).all(|h| day.covers(h)));
        assert_eq!(day.label(), "00:00/24h");
        assert_eq!(staffed_by_hour(&[night, day], &[2, 1])[3], 3);
        assert_eq!(staffed_by_hour(&[night, day], &[2, 1])[12], 1);
    }
}
