//! The people who staff a kind: the full-time equivalents its schedule needs (a seat
//! staffed around the clock needs `relief_factor` of them, for nights, weekends,
//! leave and training), their cost, and, with a `workforce`, a hiring pipeline whose
//! trained headcount limits the units fielded. The pipeline is a fluid model, day by
//! day: hires arrive at `hires_per_month` while trained staff and trainees are below
//! `target`, each is trained after `training`, and trained staff leave at
//! `turnover_per_year` (exponentially); trainees do not leave.

use super::check::{Checker, key_path};
use crate::scenario::schema;
use crate::time::{DAY, Minutes, YEAR};

/// Staffing of one kind.
#[derive(Clone, Debug)]
pub struct Staff {
    /// Full-time equivalents per seat staffed around the clock.
    pub relief_factor: f64,
    /// People in one unit (two in a van with a medic and a crisis worker).
    pub staff_per_unit: f64,
    /// Loaded cost of one full-time equivalent a year.
    pub cost_per_fte: f64,
    /// The hiring pipeline, if the kind has one.
    pub workforce: Option<Workforce>,
    /// How sustained strain raises turnover and absence, if it does.
    pub burnout: Option<Burnout>,
    /// Share of its staff who speak each language groups need, in the order of
    /// [`super::groups::Groups::languages`].
    pub languages: Vec<f64>,
}

/// Strain: while the kind's utilization over the last four weeks (overtime included)
/// is above `above_utilization`, turnover and absence are multiplied by their factors.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Burnout {
    /// Utilization above which staff strain.
    pub above_utilization: f64,
    /// Factor on turnover while strained.
    pub turnover_factor: f64,
    /// Factor on absence while strained.
    pub absence_factor: f64,
}

/// Trained headcount day by day from the kind's start, against what the schedule needs.
#[derive(Clone, Debug)]
pub struct Workforce {
    /// Full-time equivalents the schedule needs.
    pub needed: f64,
    /// When the pipeline starts: the kind's `from_day` (day 0 without one).
    pub from: Minutes,
    /// Trained staff at the start of each day, and at the horizon last.
    pub trained: Vec<f64>,
    /// Staff in training at the start of each day.
    pub training: Vec<f64>,
    /// The pipeline's inputs (a run under strain steps its own copy).
    pub inputs: Pipeline,
}

impl Staff {
    /// Full-time equivalents for `mean_units` units on duty on average.
    pub fn fte(&self, mean_units: f64) -> f64 {
        mean_units * self.staff_per_unit * self.relief_factor
    }

    /// Staff paid on average over `[start, end)`: the headcount, trained and in
    /// training, with a workforce; else the full-time equivalents `fte`.
    pub fn paid(&self, fte: f64, start: Minutes, end: Minutes) -> f64 {
        self.workforce.as_ref().map_or(fte, |w| {
            daily_mean(start, end, |t| w.trained_at(t) + w.training_at(t))
        })
    }

    /// Trained staff on average over `[start, end)` (NaN without a workforce).
    pub fn trained_mean(&self, start: Minutes, end: Minutes) -> f64 {
        (self.workforce.as_ref()).map_or(f64::NAN, |w| daily_mean(start, end, |t| w.trained_at(t)))
    }
}

/// The mean of `f` at the start of each day of `[start, end)` (at least one day).
fn daily_mean(start: Minutes, end: Minutes, f: impl Fn(Minutes) -> f64) -> f64 {
    let (first, last) = ((start / DAY).floor() as usize, (end / DAY).ceil() as usize);
    let days = first..last.max(first + 1);
    let n = days.len() as f64;
    days.map(|d| f(d as f64 * DAY)).sum::<f64>() / n
}

impl Workforce {
    /// Trained staff at time `t`, between the day's start and the next's.
    pub fn trained_at(&self, t: Minutes) -> f64 {
        self.daily(&self.trained, t)
    }

    /// Staff in training at time `t`.
    pub fn training_at(&self, t: Minutes) -> f64 {
        self.daily(&self.training, t)
    }

    fn daily(&self, series: &[f64], t: Minutes) -> f64 {
        let d = ((t - self.from) / DAY).max(0.0);
        let i = (d.floor() as usize).min(series.len().saturating_sub(1));
        let next = series.get(i + 1).copied().unwrap_or(series[i]);
        series[i] + (next - series[i]) * (d - d.floor()).min(1.0)
    }

    /// The share of scheduled unit-shifts left vacant with `trained` staff: what they
    /// cannot cover of the schedule's need.
    pub fn vacancy(&self, trained: f64) -> f64 {
        if self.needed <= 0.0 {
            return 0.0;
        }
        1.0 - (trained / self.needed).min(1.0)
    }

    /// Units `trained` staff can field at once (each needs `staff_per_unit` people on
    /// shift).
    pub fn units_at_most(&self, trained: f64, staff_per_unit: f64) -> usize {
        (trained / staff_per_unit.max(1e-9)).floor().max(0.0) as usize
    }
}

/// The pipeline's inputs.
#[derive(Clone, Copy, Debug)]
pub struct Pipeline {
    /// Trained staff on day 0.
    pub start: f64,
    /// Headcount (trained and in training) that hiring aims at.
    pub target: f64,
    /// Hires a day.
    pub hires_per_day: f64,
    /// Days of training before a hire is on the roster.
    pub training_days: usize,
    /// Leavers a day, per trained person.
    pub turnover_per_day: f64,
}

/// A pipeline's state at the start of a day: trained staff, trainees, and every
/// day's hires so far (trainees graduate `training_days` after their hire).
#[derive(Clone, Debug)]
pub struct PipelineState {
    /// The pipeline's inputs.
    pub inputs: Pipeline,
    /// Trained staff.
    pub trained: f64,
    /// Staff in training.
    pub in_training: f64,
    hires: Vec<f64>,
}

impl PipelineState {
    /// Day 0.
    pub fn new(p: Pipeline) -> Self {
        PipelineState {
            inputs: p,
            trained: p.start,
            in_training: 0.0,
            hires: Vec::new(),
        }
    }

    /// Moves to the next day's start, with turnover multiplied by `turnover_factor`.
    /// Within a day hires and graduations arrive at a steady rate, and turnover is
    /// exponential, so the trained count follows dH/dt = g − μH exactly.
    pub fn step(&mut self, turnover_factor: f64) {
        let p = &self.inputs;
        let mu = p.turnover_per_day * turnover_factor;
        let room = (p.target - self.trained - self.in_training).max(0.0);
        let hired = p.hires_per_day.min(room);
        let d = self.hires.len();
        self.hires.push(hired);
        let graduating = d
            .checked_sub(p.training_days)
            .map_or(0.0, |h| self.hires[h]);
        self.in_training = (self.in_training + hired - graduating).max(0.0);
        self.trained = if mu > 0.0 {
            let decay = (-mu).exp();
            self.trained * decay + graduating / mu * (1.0 - decay)
        } else {
            self.trained + graduating
        };
    }
}

/// Trained and training headcounts at the start of each of `days + 1` days.
pub fn pipeline(p: Pipeline, days: usize) -> (Vec<f64>, Vec<f64>) {
    let mut state = PipelineState::new(p);
    let (mut trained_by_day, mut training_by_day) = (vec![state.trained], vec![0.0]);
    for _ in 0..days {
        state.step(1.0);
        trained_by_day.push(state.trained);
        training_by_day.push(state.in_training);
    }
    (trained_by_day, training_by_day)
}

/// Kind `i`'s staffing from its scenario entry `r`; `mean_units` is its schedule's
/// average, `days` the run's length and `needed` the languages groups need.
pub(super) fn build_staff(
    c: &mut Checker<'_>,
    (r, i): (&schema::Responder, usize),
    mean_units: f64,
    (days, needed): (usize, &[String]),
) -> Staff {
    let at = |key: &str| key_path!["responders", i, key];
    let relief_factor = r.relief_factor.unwrap_or(DEFAULT_RELIEF_FACTOR);
    c.within(
        relief_factor,
        1.0,
        20.0,
        at("relief_factor"),
        "full-time equivalents per seat staffed around the clock",
    );
    let staff_per_unit = f64::from(r.staff_per_unit.unwrap_or(1));
    c.check(
        staff_per_unit >= 1.0,
        at("staff_per_unit"),
        "must be at least 1 (people in one unit)",
    );
    let cost_per_fte = c.money(&r.cost_per_fte, at("cost_per_fte"));
    let mut staff = Staff {
        relief_factor: relief_factor.clamp(1.0, 20.0),
        staff_per_unit: staff_per_unit.max(1.0),
        cost_per_fte,
        workforce: None,
        burnout: r.burnout.as_ref().map(|b| build_burnout(c, b, i)),
        languages: languages(c, (r, i), needed),
    };
    if let Some(w) = &r.workforce {
        let wat = |key: &str| key_path!["responders", i, "workforce", key];
        c.non_negative(w.start, wat("start"));
        c.non_negative(w.target, wat("target"));
        c.non_negative(w.hires_per_month, wat("hires_per_month"));
        c.non_negative(w.turnover_per_year, wat("turnover_per_year"));
        let training = w
            .training
            .as_ref()
            .map_or(0.0, |t| c.duration(t, wat("training")));
        let p = Pipeline {
            start: w.start.max(0.0),
            target: w.target.max(0.0),
            hires_per_day: w.hires_per_month.max(0.0) * 12.0 / 365.0,
            training_days: (training / DAY).round() as usize,
            turnover_per_day: w.turnover_per_year.max(0.0) * DAY / YEAR,
        };
        let from = r.from_day.unwrap_or(0.0).max(0.0) * DAY;
        let (trained, training) = pipeline(p, days);
        staff.workforce = Some(Workforce {
            needed: staff.fte(mean_units),
            from,
            trained,
            training,
            inputs: p,
        });
    }
    staff
}

fn build_burnout(c: &mut Checker<'_>, b: &schema::Burnout, i: usize) -> Burnout {
    let at = |key: &str| key_path!["responders", i, "burnout", key];
    let level = c.probability(b.above_utilization, at("above_utilization"));
    let what = "a factor while staff are strained";
    c.within(b.turnover_factor, 0.0, 100.0, at("turnover_factor"), what);
    c.within(b.absence_factor, 0.0, 100.0, at("absence_factor"), what);
    Burnout {
        above_utilization: level,
        turnover_factor: b.turnover_factor.clamp(0.0, 100.0),
        absence_factor: b.absence_factor.clamp(0.0, 100.0),
    }
}

/// The share of kind `i`'s staff speaking each of the `needed` languages (0 where its
/// `languages` does not name one; a language no group needs is checked, then unused).
fn languages(
    c: &mut Checker<'_>,
    (r, i): (&schema::Responder, usize),
    needed: &[String],
) -> Vec<f64> {
    for (name, share) in &r.languages {
        c.probability(*share, key_path!["responders", i, "languages", name]);
    }
    (needed.iter())
        .map(|l| r.languages.get(l).map_or(0.0, |x| x.clamp(0.0, 1.0)))
        .collect()
}

/// Full-time equivalents per seat staffed around the clock: 4.5 (published 4–5).
pub const DEFAULT_RELIEF_FACTOR: f64 = 4.5;
