//! `plan`: the cheapest roster of shifts for one responder kind whose target holds in
//! every hour of the day (or every day of the week, or over the run), the other kinds
//! as the scenario has them.
//!
//! The method (docs/plan.md) combines the three tools call centres staff with:
//! 1. a pilot run with every shift amply staffed measures the work each hour of the
//!    day brings (mean units busy), and square-root staffing (Halfin & Whitt 1981)
//!    turns it into units needed in each hour;
//! 2. an integer program over the shifts (`good_lp` with the pure-Rust `microlp`)
//!    finds the cheapest roster covering every hour's need (Dantzig 1954);
//! 3. simulation, on the same random numbers for every roster, finds the blocks that
//!    still miss the target; their hours need a unit more, and the program is solved
//!    again (after Atlason, Epelman & Henderson 2004), until none misses;
//! 4. then one unit at a time is taken off the dearest shift that can lose it, while
//!    every block still meets the target, so that no single unit can go.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use good_lp::{Expression, ProblemVariables, Solution, SolverModel, microlp, variable};
use indicatif::{ProgressBar, ProgressFinish, ProgressStyle};

use super::size::REPLICATION_CAP_FACTOR;
use super::{ExperimentError, RunOptions, load, pool, replicate_in};
use crate::model::Model;
use crate::stats::ReplicationSummary;
use crate::stats::metrics::{self, GROUP_METRICS};
use crate::stats::plan::{
    Block, Evaluation, FrontierPoint, Per, PlanResult, Question, Removal, Shift, staffed_by_hour,
};
use crate::stats::size::Verdict;
use crate::stats::{estimate, summary::hour_label};

/// Rounds of adding coverage where the target is missed before giving up.
pub const MAX_ROUNDS: usize = 60;

/// Most units any hour may need before the target is called out of reach.
pub const MAX_UNITS_AN_HOUR: u32 = 500;

/// Reads `07:00/10h,11:00/10h`: shifts starting on the hour, 1 to 24 hours long.
pub fn parse_shifts(text: &str) -> Result<Vec<Shift>, String> {
    let usage = "write --shifts \"07:00/10h,15:00/10h,23:00/8h\" (start on the hour, length in whole hours)";
    let mut shifts = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let shift = parse_shift(part).ok_or_else(|| format!("--shifts: `{part}`: {usage}"))?;
        if shifts.contains(&shift) {
            return Err(format!("--shifts: `{part}` is listed twice"));
        }
        shifts.push(shift);
    }
    if shifts.is_empty() {
        return Err(format!("--shifts is empty: {usage}"));
    }
    Ok(shifts)
}

fn parse_shift(text: &str) -> Option<Shift> {
    let (start, length) = text.split_once('/')?;
    let (hour, minute) = start.trim().split_once(':')?;
    let start_hour: u32 = hour.parse().ok().filter(|h| *h < 24)?;
    minute.parse::<u32>().ok().filter(|m| *m == 0)?;
    let hours: u32 = length.trim().strip_suffix('h')?.parse().ok()?;
    (1..=24)
        .contains(&hours)
        .then_some(Shift { start_hour, hours })
}

/// Reads `--fix "23:00/10h=3"` against the shifts: the units that shift keeps.
pub fn parse_fixed(texts: &[String], shifts: &[Shift]) -> Result<Vec<Option<u32>>, String> {
    let mut fixed = vec![None; shifts.len()];
    for text in texts {
        let usage = "write --fix \"23:00/10h=3\" (one of the --shifts, and its units)";
        let (shift, units) = text
            .split_once('=')
            .ok_or_else(|| format!("--fix `{text}`: {usage}"))?;
        let shift = parse_shift(shift.trim()).ok_or_else(|| format!("--fix `{text}`: {usage}"))?;
        let at = (shifts.iter().position(|s| *s == shift))
            .ok_or_else(|| format!("--fix `{text}`: {} is not one of --shifts", shift.label()))?;
        let units = (units.trim().parse::<u32>())
            .map_err(|_| format!("--fix `{text}`: the units are not a whole number; {usage}"))?;
        fixed[at] = Some(units);
    }
    Ok(fixed)
}

/// A scenario with one kind's shifts to plan: the file, its overrides, and the model
/// as written (for names, seeds and checks).
pub struct Planning<'a> {
    /// The scenario file.
    pub file: &'a Path,
    /// `--set` overrides (and the options that become them).
    pub sets: Vec<String>,
    /// The model as the scenario has it.
    pub base: Model,
}

impl Planning<'_> {
    /// Checks the question against the scenario, naming what is wrong.
    pub fn check(&self, q: &Question) -> Result<usize, ExperimentError> {
        let bad = |m: String| Err(ExperimentError::Input(m));
        let Some(k) = self.base.kinds.iter().position(|x| x.name == q.kind) else {
            let names: Vec<&str> = self.base.kinds.iter().map(|x| x.name.as_str()).collect();
            return bad(format!(
                "--kind {}: no such responder kind; the scenario has {}",
                q.kind,
                names.join(", ")
            ));
        };
        if !(q.confidence > 0.5 && q.confidence < 1.0) {
            return bad(format!(
                "--confidence {}: give a probability between 0.5 and 1, e.g. 0.95",
                q.confidence
            ));
        }
        if self.base.replications < 2 {
            return bad("plan needs at least 2 replications per roster (--replications)".into());
        }
        let names = metrics::names(&self.kind_names());
        if !names.contains(&q.budget_metric) {
            return bad(format!(
                "--budget-metric {}: no such metric (docs/outputs.md lists them)",
                q.budget_metric
            ));
        }
        let by_block = is_group_metric(&q.target.metric)
            || (q.per == Per::Hour && q.target.metric == metrics::UTILIZATION.of(&q.kind));
        if q.per != Per::Overall && !by_block {
            return bad(format!(
                "--target \"{}\": {} is not kept per {}; per hour or day the target may be one \
                 of {} (or, per hour, utilization_{}); use --per overall for a whole-run metric",
                q.target,
                q.target.metric,
                if q.per == Per::Hour { "hour" } else { "day" },
                GROUP_METRICS.map(|m| m.name).join(", "),
                q.kind
            ));
        }
        Ok(k)
    }

    fn kind_names(&self) -> Vec<String> {
        self.base.kinds.iter().map(|k| k.name.clone()).collect()
    }

    /// The model with the kind's shifts set to `shifts` × `units`, keeping figures by
    /// day of the week when the blocks are days.
    fn model(
        &self,
        q: &Question,
        shifts: &[Shift],
        units: &[u32],
    ) -> Result<Model, ExperimentError> {
        let (kind, per) = (&q.kind, q.per);
        let staffed: Vec<String> = (shifts.iter().zip(units))
            .filter(|(_, u)| **u > 0)
            .map(|(s, u)| s.toml(*u))
            .collect();
        let set = if staffed.is_empty() {
            format!("responders.{kind}.units=0")
        } else {
            format!("responders.{kind}.shifts=[{}]", staffed.join(", "))
        };
        let sets: Vec<String> = self.sets.iter().cloned().chain([set]).collect();
        let (_, mut model) = load(self.file, &sets)?;
        model.by_weekday = per == Per::Day;
        Ok(model)
    }
}

fn is_group_metric(name: &str) -> bool {
    GROUP_METRICS.iter().any(|m| m.name == name)
}

/// Everything one plan needs while it searches.
struct Search<'p, 'a> {
    planning: &'p Planning<'a>,
    question: &'p Question,
    kind: usize,
    pool: rayon::ThreadPool,
    spinner: ProgressBar,
    tried: HashMap<Vec<u32>, Evaluation>,
}

impl Search<'_, '_> {
    /// Simulates the roster `units` on the plan's shifts (or, with `shifts`, others).
    fn evaluate(&mut self, shifts: &[Shift], units: &[u32]) -> Result<Evaluation, ExperimentError> {
        let key: Vec<u32> = (shifts.iter())
            .flat_map(|s| [s.start_hour, s.hours])
            .chain(units.iter().copied())
            .collect();
        if let Some(e) = self.tried.get(&key) {
            return Ok(e.clone());
        }
        let label: Vec<String> = (shifts.iter().zip(units))
            .map(|(s, u)| format!("{}×{u}", s.label()))
            .collect();
        self.spinner.set_message(format!(
            "roster {}: {}",
            self.tried.len() + 1,
            label.join(" ")
        ));
        let q = self.question;
        let model = self.planning.model(q, shifts, units)?;
        let hidden = ProgressBar::hidden();
        let first = model.replications;
        let mut reps = replicate_in(&self.pool, &model, 0..first, &hidden)?;
        let mut evaluation = self.judge(&model, shifts, units, &reps);
        // Too close to call somewhere and missed nowhere: more replications (the next
        // seeds, so every roster still shares them), doubling up to the cap.
        while evaluation.undecided > 0
            && evaluation.blocks_met + evaluation.undecided == evaluation.blocks.len()
            && reps.len() < (first * REPLICATION_CAP_FACTOR) as usize
        {
            let have = reps.len() as u32;
            reps.extend(replicate_in(&self.pool, &model, have..2 * have, &hidden)?);
            evaluation = self.judge(&model, shifts, units, &reps);
        }
        self.spinner.tick();
        self.tried.insert(key, evaluation.clone());
        Ok(evaluation)
    }

    /// The evidence of replications `reps` of a roster.
    fn judge(
        &self,
        model: &Model,
        shifts: &[Shift],
        units: &[u32],
        reps: &[ReplicationSummary],
    ) -> Evaluation {
        let q = self.question;
        let names = metrics::names(&self.planning.kind_names());
        let column = |name: &str| -> Vec<f64> {
            let at = names.iter().position(|n| n == name);
            (reps.iter())
                .map(|r| at.map_or(f64::NAN, |i| r.values[i]))
                .collect()
        };
        let blocks: Vec<Block> = (q.per.labels().into_iter().enumerate())
            .map(|(b, label)| {
                let values = self.block_values(reps, b, &column);
                let bound = q.target.deciding_bound(&values, q.confidence);
                let e = estimate(&values);
                // A block no crisis arrived in misses nothing; one whose crises were
                // never reached is missed (its values are then all absent).
                let empty = self.arrivals(reps, b) == 0.0;
                let verdict = q.target.verdict(&values, q.confidence);
                Block {
                    label,
                    mean: e.mean.is_finite().then_some(e.mean),
                    bound: bound.is_finite().then_some(bound),
                    met: empty || verdict == Verdict::Meets,
                    undecided: !empty && verdict == Verdict::Undecided,
                }
            })
            .collect();
        let per_year = 365.0 / model.days;
        let budget = estimate(&column(&q.budget_metric));
        let kind_cost = estimate(&column(&metrics::COST_RESPONDERS_BY_KIND.of(&q.kind)));
        let staffed = staffed_by_hour(shifts, units);
        let busy_by_hour = (0..24)
            .map(|h| {
                let busy = reps
                    .iter()
                    .filter_map(|r| r.series.busy_by_hour.get(self.kind));
                busy.map(|b| b[h]).sum::<f64>() / reps.len().max(1) as f64
            })
            .collect();
        Evaluation {
            units: units.to_vec(),
            replications: reps.len() as u32,
            undecided: blocks.iter().filter(|b| b.undecided).count(),
            busy_by_hour,
            unit_hours_per_day: staffed.iter().sum(),
            staffed_by_hour: staffed,
            blocks_met: blocks.iter().filter(|b| b.met).count(),
            blocks,
            budget_per_year: budget.mean * per_year,
            budget_ci95: budget.ci95.map(|[lo, hi]| [lo * per_year, hi * per_year]),
            kind_cost_per_year: kind_cost.mean * per_year,
        }
    }

    /// The target metric of block `b` in each replication.
    fn block_values(
        &self,
        reps: &[ReplicationSummary],
        b: usize,
        column: &dyn Fn(&str) -> Vec<f64>,
    ) -> Vec<f64> {
        let q = self.question;
        let metric = q.target.metric.as_str();
        let group = GROUP_METRICS.iter().find(|m| m.name == metric);
        match (q.per, group) {
            (Per::Overall, _) => column(metric),
            (Per::Hour, Some(m)) => reps
                .iter()
                .map(|r| r.by_hour.get(b).map_or(f64::NAN, |g| g.get(m)))
                .collect(),
            (Per::Day, Some(m)) => reps
                .iter()
                .map(|r| r.by_weekday.get(b).map_or(f64::NAN, |g| g.get(m)))
                .collect(),
            // Utilization in hour b (checked: the only other metric kept by hour).
            (_, None) => reps
                .iter()
                .map(|r| r.utilization_at(self.kind, b))
                .collect(),
        }
    }

    /// Crises that arrived in block `b`, over all replications.
    fn arrivals(&self, reps: &[ReplicationSummary], b: usize) -> f64 {
        let in_block = |groups: &[crate::stats::replication::GroupValues]| {
            groups.get(b).map_or(0.0, |g| g.incidents)
        };
        match self.question.per {
            Per::Hour => reps.iter().map(|r| in_block(&r.by_hour)).sum(),
            Per::Day => reps.iter().map(|r| in_block(&r.by_weekday)).sum(),
            Per::Overall => f64::INFINITY,
        }
    }

    /// The hours of the day a missed block asks more units of.
    fn hours_to_raise(&self, e: &Evaluation) -> Vec<usize> {
        let missed = e.blocks.iter().enumerate().filter(|(_, b)| !b.met);
        match self.question.per {
            Per::Hour => missed.map(|(h, _)| h).collect(),
            // A day or the run as a whole: the hours busiest for each unit on duty.
            Per::Day | Per::Overall => {
                if missed.count() == 0 {
                    return Vec::new();
                }
                let mut hours: Vec<usize> = (0..24).filter(|h| e.busy_by_hour[*h] > 0.0).collect();
                let strain = |h: usize| e.busy_by_hour[h] / f64::from(e.staffed_by_hour[h].max(1));
                hours.sort_by(|a, b| strain(*b).total_cmp(&strain(*a)));
                hours.truncate(4);
                hours
            }
        }
    }
}

/// The cheapest roster (cost per unit-hour alike on every shift, so the fewest
/// unit-hours) that gives each hour its `need` and each fixed shift its units.
fn cheapest_cover(shifts: &[Shift], fixed: &[Option<u32>], need: &[u32]) -> Option<Vec<u32>> {
    let mut vars = ProblemVariables::new();
    let x: Vec<_> = (shifts.iter().zip(fixed))
        .map(|(_, f)| match f {
            Some(u) => vars.add(variable().integer().min(*u).max(*u)),
            None => vars.add(variable().integer().min(0)),
        })
        .collect();
    let cost: Expression = (shifts.iter().zip(&x))
        .map(|(s, v)| f64::from(s.hours) * *v)
        .sum();
    let mut problem = vars.minimise(cost).using(microlp);
    for (h, n) in need.iter().enumerate() {
        let covering: Expression = (shifts.iter().zip(&x))
            .filter(|(s, _)| s.covers(h))
            .map(|(_, v)| *v)
            .sum();
        problem = problem.with(covering.geq(f64::from(*n)));
    }
    let solution = problem.solve().ok()?;
    Some(
        x.iter()
            .map(|v| solution.value(*v).round().max(0.0) as u32)
            .collect(),
    )
}

/// Units each hour needs for `load` units busy: square-root staffing with β = 1.
fn square_root_staffing(load: &[f64]) -> Vec<u32> {
    load.iter()
        .map(|a| {
            if *a > 0.0 {
                (a + a.sqrt()).ceil() as u32
            } else {
                0
            }
        })
        .collect()
}

/// Plans the question's roster.
pub fn plan(
    planning: &Planning,
    question: &Question,
    options: &RunOptions,
) -> Result<PlanResult, ExperimentError> {
    let start = Instant::now();
    let kind = planning.check(question)?;
    let mut search = Search {
        planning,
        question,
        kind,
        pool: pool(options.threads)?,
        spinner: spinner(options.progress),
        tried: HashMap::new(),
    };
    let (load, pilot) = pilot(&mut search)?;
    check_coverage(search.question, &pilot)?;
    let mut need = square_root_staffing(&load);
    let (plan, out_of_reach) = match raise_until_met(&mut search, &mut need)? {
        Ok(roster) => (Some(trim(&mut search, roster)?), None),
        Err(why) => (None, Some(why)),
    };
    let removals = match &plan {
        Some(p) => removals(&mut search, p)?,
        None => Vec::new(),
    };
    let flat = flat(&mut search, plan.as_ref(), &load)?;
    let frontier = match &plan {
        Some(p) => frontier(&mut search, p)?,
        None => Vec::new(),
    };
    search.spinner.finish_and_clear();
    let base = &planning.base;
    let mut result = PlanResult {
        scenario: base.name.clone(),
        question: question.clone(),
        replications: base.replications,
        seed: base.seed,
        days: base.days,
        load_by_hour: load,
        needed_by_hour: need,
        plan,
        removals,
        flat,
        frontier,
        evaluations: search.tried.len(),
        wall_s: start.elapsed().as_secs_f64(),
        summary: String::new(),
    };
    result.summary = summary(&result, out_of_reach.as_deref());
    Ok(result)
}

fn spinner(show: bool) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    // Cleared when dropped too, so an error ends no line with a stale spinner.
    let bar = ProgressBar::new_spinner().with_finish(ProgressFinish::AndClear);
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}  [{elapsed}]") {
        bar.set_style(style);
    }
    bar
}

/// Every free shift amply staffed (the fixed ones as fixed): the units busy by hour,
/// and the evidence.
fn pilot(search: &mut Search) -> Result<(Vec<f64>, Evaluation), ExperimentError> {
    let base = &search.planning.base;
    let peak = base.kinds[search.kind].schedule.max_units();
    let ample = 2 * peak.max(2) + 2;
    let units: Vec<u32> = (search.question.fixed.iter())
        .map(|f| f.unwrap_or(ample))
        .collect();
    let shifts = search.question.shifts.clone();
    let evaluation = search.evaluate(&shifts, &units)?;
    Ok((evaluation.busy_by_hour.clone(), evaluation))
}

/// Hours no shift covers are refused when the target needs this kind there: the
/// pilot, amply staffed elsewhere, misses it in such an hour.
fn check_coverage(q: &Question, pilot: &Evaluation) -> Result<(), ExperimentError> {
    if q.per != Per::Hour {
        return Ok(());
    }
    let uncovered: Vec<usize> = (0..24)
        .filter(|h| !q.shifts.iter().any(|s| s.covers(*h)))
        .collect();
    let missed: Vec<String> = (uncovered.iter())
        .filter(|h| !pilot.blocks[**h].met)
        .map(|h| hour_label(*h))
        .collect();
    if missed.is_empty() {
        return Ok(());
    }
    Err(ExperimentError::Input(format!(
        "--shifts leave {} uncovered, and the target \"{}\" is missed there without {} units: \
         add a shift that covers {}",
        missed.join(", "),
        q.target,
        q.kind,
        if missed.len() == 1 { "it" } else { "them" }
    )))
}

/// Solves for the cheapest cover of `need`, simulates it, and raises the need where
/// the target is missed, until a roster meets it everywhere; or says why none can.
fn raise_until_met(
    search: &mut Search,
    need: &mut [u32],
) -> Result<Result<Vec<u32>, String>, ExperimentError> {
    let q = search.question;
    let shifts = q.shifts.clone();
    let free_cover =
        |h: usize| (shifts.iter().zip(&q.fixed)).any(|(s, f)| f.is_none() && s.covers(h));
    for _ in 0..MAX_ROUNDS {
        let Some(roster) = cheapest_cover(&shifts, &q.fixed, need) else {
            return Ok(Err(
                "the integer program found no roster covering every hour's need".into(),
            ));
        };
        let e = search.evaluate(&shifts, &roster)?;
        if e.meets() {
            return Ok(Ok(roster));
        }
        let missed = search.hours_to_raise(&e);
        let stuck: Vec<String> = missed
            .iter()
            .filter(|h| !free_cover(**h))
            .map(|h| hour_label(*h))
            .collect();
        if !stuck.is_empty() {
            return Ok(Err(format!(
                "the target is missed at {}, which no shift free to change covers (free a \
                 fixed shift, or add one that covers {})",
                stuck.join(", "),
                if stuck.len() == 1 { "it" } else { "them" }
            )));
        }
        // Raise above what the roster gives (overlapping shifts may already give more).
        for &h in &missed {
            need[h] = need[h].max(e.staffed_by_hour[h]) + 1;
        }
        if let Some(h) = need.iter().position(|n| *n > MAX_UNITS_AN_HOUR) {
            return Ok(Err(format!(
                "{} would need more than {MAX_UNITS_AN_HOUR} units",
                hour_label(h)
            )));
        }
    }
    Ok(Err(format!(
        "the target was still missed after {MAX_ROUNDS} rounds of adding units"
    )))
}

/// The free shifts, dearest (longest) first.
fn free_shifts(q: &Question) -> Vec<usize> {
    let mut free: Vec<usize> = (0..q.shifts.len())
        .filter(|j| q.fixed[*j].is_none())
        .collect();
    free.sort_by_key(|j| std::cmp::Reverse(q.shifts[*j].hours));
    free
}

/// Takes one unit at a time off the dearest shift that can lose it while every block
/// still meets the target.
fn trim(search: &mut Search, mut roster: Vec<u32>) -> Result<Evaluation, ExperimentError> {
    let shifts = search.question.shifts.clone();
    let free = free_shifts(search.question);
    let mut best = search.evaluate(&shifts, &roster)?;
    'trim: loop {
        for &j in &free {
            if roster[j] == 0 {
                continue;
            }
            let mut fewer = roster.clone();
            fewer[j] -= 1;
            let e = search.evaluate(&shifts, &fewer)?;
            if e.meets() {
                (roster, best) = (fewer, e);
                continue 'trim;
            }
        }
        return Ok(best);
    }
}

/// What one unit fewer on each staffed free shift of the plan misses.
fn removals(search: &mut Search, plan: &Evaluation) -> Result<Vec<Removal>, ExperimentError> {
    let shifts = search.question.shifts.clone();
    let mut out = Vec::new();
    for j in free_shifts(search.question) {
        if plan.units[j] == 0 {
            continue;
        }
        let mut fewer = plan.units.clone();
        fewer[j] -= 1;
        let e = search.evaluate(&shifts, &fewer)?;
        out.push(Removal {
            shift: shifts[j].label(),
            missed: (e.blocks.iter())
                .filter(|b| !b.met)
                .map(|b| b.label.clone())
                .collect(),
        });
    }
    Ok(out)
}

/// The fewest units around the clock that meet the target: from the plan's busiest
/// hour, doubling until a staffing meets it, then halving the gap to the largest that
/// does not (more units never make a block worse, up to the simulation's noise).
fn flat(
    search: &mut Search,
    plan: Option<&Evaluation>,
    load: &[f64],
) -> Result<Option<Evaluation>, ExperimentError> {
    let around = [Shift {
        start_hour: 0,
        hours: 24,
    }];
    let guess = plan.map_or_else(
        || load.iter().fold(0.0f64, |a, b| a.max(*b)).ceil() as u32,
        |p| p.staffed_by_hour.iter().copied().max().unwrap_or(0),
    );
    let meets = |search: &mut Search, n: u32| -> Result<Option<Evaluation>, ExperimentError> {
        let e = search.evaluate(&around, &[n])?;
        Ok(e.meets().then_some(e))
    };
    // `low` misses the target (0 units: nothing reached), `high` meets it.
    let (mut low, mut high) = (0, guess.max(1));
    let mut best = meets(search, high)?;
    while best.is_none() {
        if high >= MAX_UNITS_AN_HOUR {
            return Ok(None);
        }
        low = high;
        high = (2 * high).min(MAX_UNITS_AN_HOUR);
        best = meets(search, high)?;
    }
    while high - low > 1 {
        let mid = low + (high - low) / 2;
        match meets(search, mid)? {
            Some(e) => (high, best) = (mid, Some(e)),
            None => low = mid,
        }
    }
    Ok(best)
}

/// For each budget, the roster found by taking units off the plan, one at a time, the
/// one whose loss keeps the most blocks met, until the budget metric is within it.
fn frontier(search: &mut Search, plan: &Evaluation) -> Result<Vec<FrontierPoint>, ExperimentError> {
    let mut budgets = search.question.budgets.clone();
    budgets.sort_by(|a, b| b.total_cmp(a));
    let shifts = search.question.shifts.clone();
    let free = free_shifts(search.question);
    let mut points = Vec::new();
    let mut current = plan.clone();
    for budget in budgets {
        while current.budget_per_year > budget {
            let mut best: Option<Evaluation> = None;
            for &j in &free {
                if current.units[j] == 0 {
                    continue;
                }
                let mut fewer = current.units.clone();
                fewer[j] -= 1;
                let e = search.evaluate(&shifts, &fewer)?;
                let better = best.as_ref().is_none_or(|b| {
                    (e.blocks_met, -e.budget_per_year) > (b.blocks_met, -b.budget_per_year)
                });
                if better {
                    best = Some(e);
                }
            }
            match best {
                Some(e) => current = e,
                None => break,
            }
        }
        let within = current.budget_per_year <= budget;
        points.push(FrontierPoint {
            budget,
            roster: within.then(|| current.clone()),
        });
    }
    points.reverse();
    Ok(points)
}

/// The answer in a sentence (`out_of_reach`: why no roster meets the target).
fn summary(r: &PlanResult, out_of_reach: Option<&str>) -> String {
    let where_ = match r.question.per {
        Per::Hour => "every hour of the day",
        Per::Day => "every day of the week",
        Per::Overall => "over the run",
    };
    let Some(plan) = &r.plan else {
        return format!(
            "No roster of {} on these shifts meets {} in {where_}: {}.",
            r.question.kind,
            r.question.target,
            out_of_reach.unwrap_or("none was found")
        );
    };
    let roster: Vec<String> = (r.question.shifts.iter().zip(&plan.units))
        .map(|(s, u)| format!("{u} from {:02}:00 ({}h)", s.start_hour, s.hours))
        .collect();
    let flat = r
        .flat
        .as_ref()
        .map_or(String::from("no flat staffing found"), |f| {
            format!(
                "{} around the clock ({} unit-hours a day, {} {} a year)",
                f.units[0],
                f.unit_hours_per_day,
                r.question.budget_metric,
                crate::text::human(f.budget_per_year.round())
            )
        });
    format!(
        "{}: {} meets {} in {where_} ({:.0} % confidence) with {} unit-hours a day, {} {} a \
         year; the flat staffing that meets it: {flat}.",
        r.question.kind,
        roster.join(", "),
        r.question.target,
        100.0 * r.question.confidence,
        plan.unit_hours_per_day,
        r.question.budget_metric,
        crate::text::human(plan.budget_per_year.round())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_shift_lists() {
        let s = parse_shifts("07:00/10h, 23:00/8h").unwrap();
        assert_eq!(
            s[1],
            Shift {
                start_hour: 23,
                hours: 8
            }
        );
        for bad in [
            "",
            "7/10h",
            "07:30/10h",
            "07:00/0h",
            "07:00/25h",
            "07:00/10",
            "24:00/1h",
            "07:00/1h,07:00/1h",
        ] {
            assert!(parse_shifts(bad).is_err(), "{bad}");
        }
        let fixed = parse_fixed(&["23:00/8h = 3".into()], &s).unwrap();
        assert_eq!(fixed, [None, Some(3)]);
        assert!(parse_fixed(&["11:00/8h=3".into()], &s).is_err());
        assert!(parse_fixed(&["23:00/8h=x".into()], &s).is_err());
    }

    #[test]
    fn the_program_covers_each_hour_at_least_cost() {
        let shifts = parse_shifts("08:00/12h,20:00/12h").unwrap();
        let need: Vec<u32> = (0..24)
            .map(|h| if (8..20).contains(&h) { 3 } else { 1 })
            .collect();
        assert_eq!(cheapest_cover(&shifts, &[None; 2], &need).unwrap(), [3, 1]);
        assert_eq!(
            cheapest_cover(&shifts, &[None, Some(2)], &need).unwrap(),
            [3, 2]
        );
        // Around the clock and an afternoon peak: two all day, two more at the peak.
        let shifts = parse_shifts("00:00/24h,12:00/6h,06:00/18h").unwrap();
        let need: Vec<u32> = (0..24)
            .map(|h| if (12..18).contains(&h) { 4 } else { 2 })
            .collect();
        assert_eq!(
            cheapest_cover(&shifts, &[None; 3], &need).unwrap(),
            [2, 2, 0]
        );
        assert_eq!(square_root_staffing(&[0.0, 4.0, 2.5]), [0, 6, 5]);
    }
}
