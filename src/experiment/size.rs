//! `size`: the smallest value of a varied key (or, over a grid, the point with the
//! smallest value of a metric) whose results meet every target with a given
//! confidence. Points are the sweep's, on common random numbers; a point too close to
//! call gets more replications, doubling up to a cap.

use indexmap::IndexMap;

use super::sweep::Prepared;
use super::{ExperimentError, RunOptions, progress_bar, replicate_in};
use crate::stats::estimate;
use crate::stats::size::{Evidence, SizePoint, SizeResult, Target, Verdict};

/// A point may get at most this many times the scenario's replications.
pub const REPLICATION_CAP_FACTOR: u32 = 8;

/// What to look for.
#[derive(Clone, Debug)]
pub struct Question {
    /// Every target must be met.
    pub targets: Vec<Target>,
    /// One-sided confidence, in (0.5, 1).
    pub confidence: f64,
    /// Among the points that meet the targets, the one where this metric is lowest.
    pub minimize: Option<String>,
}

impl Question {
    /// Checks the question against the sweep it is asked of.
    pub fn check(&self, prepared: &Prepared) -> Result<(), ExperimentError> {
        let bad = |m: String| Err(ExperimentError::Input(m));
        if self.targets.is_empty() {
            return bad("give at least one --target \"METRIC <= X\"".into());
        }
        if !(self.confidence > 0.5 && self.confidence < 1.0) {
            return bad(format!(
                "--confidence {}: give a probability between 0.5 and 1, e.g. 0.95",
                self.confidence
            ));
        }
        if let Some(m) = &self.minimize {
            if !prepared.plan.metrics.contains(m) {
                return bad(format!(
                    "--minimize {m}: no such metric (docs/outputs.md lists them)"
                ));
            }
        } else if prepared.plan.axes.len() > 1 {
            return bad(
                "with several --vary keys, say which point is best with --minimize METRIC, \
                 e.g. --minimize cost_total"
                    .into(),
            );
        }
        if prepared.plan.replications < 2 {
            return bad("size needs at least 2 replications per point (--replications)".into());
        }
        for t in &self.targets {
            let missing = (prepared.models.iter()).find_map(|m| unmeasured(&t.metric, m));
            if let Some(why) = missing {
                return bad(format!("--target \"{t}\": {} {why}", t.metric));
            }
        }
        Ok(())
    }
}

/// Why a scenario cannot measure `metric` at all, if it cannot: a target on it could
/// never be met, whatever the range.
fn unmeasured(metric: &str, model: &crate::model::Model) -> Option<&'static str> {
    use crate::stats::metrics as m;
    if metric == m::RESPONSE_WITHIN_TARGET_SHARE.name && model.response_target.is_none() {
        Some("needs a response-time target: add e.g. --set scenario.response_target=20min")
    } else if metric.starts_with("hotline_") && model.hotline.is_none() {
        Some("needs a 988 line: the scenario has no [hotline]")
    } else if (metric == m::PSYCHIATRY_CONSULTS.name || metric == m::CONSULT_WAIT_MEAN_MIN.name)
        && model.psychiatry.is_none()
    {
        Some("needs consult lines: the scenario has no [psychiatry]")
    } else {
        None
    }
}

/// The search in progress: replications run so far at each point tried.
struct Search<'a> {
    prepared: &'a Prepared,
    question: &'a Question,
    pool: rayon::ThreadPool,
    bar: indicatif::ProgressBar,
    /// Per point: every replication's metric values so far.
    runs: Vec<Option<Vec<Vec<f64>>>>,
    cap: u32,
}

impl Search<'_> {
    fn column(&self, index: usize, metric: &str) -> Vec<f64> {
        let at = self
            .prepared
            .plan
            .metrics
            .iter()
            .position(|m| m == metric)
            .unwrap_or(0);
        self.runs[index]
            .as_ref()
            .map_or(Vec::new(), |reps| reps.iter().map(|r| r[at]).collect())
    }

    fn verdict(&self, index: usize) -> Verdict {
        let q = self.question;
        Verdict::all(
            q.targets
                .iter()
                .map(|t| t.verdict(&self.column(index, &t.metric), q.confidence)),
        )
    }

    /// Runs point `index` with more replications until its verdict is clear or the
    /// cap is reached.
    fn judge(&mut self, index: usize) -> Result<Verdict, ExperimentError> {
        loop {
            let have = self.runs[index].as_ref().map_or(0, |r| r.len() as u32);
            let want = if have == 0 {
                self.prepared.plan.replications
            } else {
                (have * 2).min(self.cap)
            };
            if have > 0 && (want == have || self.verdict(index) != Verdict::Undecided) {
                return Ok(self.verdict(index));
            }
            self.bar.inc_length(u64::from(want - have));
            let model = &self.prepared.models[index];
            let new = replicate_in(&self.pool, model, have..want, &self.bar)?;
            self.runs[index]
                .get_or_insert_with(Vec::new)
                .extend(new.into_iter().map(|r| r.values));
        }
    }

    fn meets(&mut self, index: usize) -> Result<bool, ExperimentError> {
        Ok(self.judge(index)? == Verdict::Meets)
    }

    fn judge_all(&mut self) -> Result<(), ExperimentError> {
        for i in 0..self.runs.len() {
            self.judge(i)?;
        }
        Ok(())
    }
}

/// Answers `question` over the points of `prepared`.
pub fn size(
    prepared: &Prepared,
    question: &Question,
    options: &RunOptions,
) -> Result<SizeResult, ExperimentError> {
    question.check(prepared)?;
    let n = prepared.plan.points();
    let mut search = Search {
        prepared,
        question,
        pool: super::pool(options.threads)?,
        bar: progress_bar(0, options.progress),
        runs: vec![None; n],
        cap: prepared.plan.replications * REPLICATION_CAP_FACTOR,
    };
    let every_point = question.minimize.is_some();
    let mut method = if every_point {
        "every point"
    } else {
        "bisection"
    };
    let found = if every_point {
        search.judge_all().map(|()| cheapest(&search))
    } else {
        bisect(&mut search)
    };
    let mut chosen = found.inspect_err(|_| search.bar.finish_and_clear())?;
    let monotone = monotone(&search);
    if !every_point && monotone == Some(false) {
        // Bisection assumes more of the key never hurts; where that fails, try every value.
        method = "every point (the target metrics were not monotone in the range)";
        search
            .judge_all()
            .inspect_err(|_| search.bar.finish_and_clear())?;
        chosen = (0..n).find(|&i| search.verdict(i) == Verdict::Meets);
    }
    search.bar.finish_and_clear();
    Ok(result(&search, chosen, method, monotone))
}

/// The smallest index that meets the targets, assuming that once a value meets them
/// every larger one does.
fn bisect(search: &mut Search) -> Result<Option<usize>, ExperimentError> {
    let n = search.prepared.plan.points();
    let (mut lo, mut hi) = (0, n - 1);
    if !search.meets(hi)? {
        return Ok(None);
    }
    if search.meets(lo)? {
        return Ok(Some(lo));
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if search.meets(mid)? {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(Some(hi))
}

/// The point that meets the targets with the lowest mean of the minimised metric.
fn cheapest(search: &Search) -> Option<usize> {
    let metric = search.question.minimize.as_deref()?;
    (0..search.prepared.plan.points())
        .filter(|&i| search.verdict(i) == Verdict::Meets)
        .map(|i| (i, estimate(&search.column(i, metric)).mean))
        .filter(|(_, m)| m.is_finite())
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

/// Whether every target metric's mean moves one way over the points tried, in grid
/// order, beyond the simulation's noise: a step against the trend counts only when it
/// is larger than the two points' 95 % half-widths together (None with fewer than three
/// points tried or several axes).
fn monotone(search: &Search) -> Option<bool> {
    let tried: Vec<usize> = (0..search.runs.len())
        .filter(|&i| search.runs[i].is_some())
        .collect();
    if tried.len() < 3 || search.prepared.plan.axes.len() > 1 {
        return None;
    }
    Some(search.question.targets.iter().all(|t| {
        let estimates: Vec<_> = tried
            .iter()
            .map(|&i| estimate(&search.column(i, &t.metric)))
            .collect();
        let steps: Vec<(f64, f64)> = estimates
            .windows(2)
            .map(|w| (w[1].mean - w[0].mean, w[0].half_width() + w[1].half_width()))
            .collect();
        let down = steps.iter().all(|(d, noise)| *d <= *noise);
        let up = steps.iter().all(|(d, noise)| *d >= -*noise);
        down || up
    }))
}

fn result(
    search: &Search,
    chosen: Option<usize>,
    method: &str,
    monotone: Option<bool>,
) -> SizeResult {
    let plan = &search.prepared.plan;
    let q = search.question;
    let points = (0..plan.points())
        .filter(|&i| search.runs[i].is_some())
        .map(|i| point(search, i))
        .collect();
    let answer = chosen.map(|i| {
        let values = plan.values_at(i);
        if plan.axes.len() == 1 {
            json_value(&values[0])
        } else {
            serde_json::Value::Object(
                plan.axes
                    .iter()
                    .zip(&values)
                    .map(|(a, v)| (a.key.clone(), json_value(v)))
                    .collect(),
            )
        }
    });
    SizeResult {
        scenario: plan.scenario.clone(),
        summary: summary(search, chosen),
        answer,
        targets: q.targets.clone(),
        confidence: q.confidence,
        minimize: q.minimize.clone(),
        method: method.to_string(),
        monotone,
        replications: [plan.replications, search.cap],
        axes: plan.axes.clone(),
        points,
    }
}

/// A number where the value is one, else the text.
fn json_value(v: &str) -> serde_json::Value {
    serde_json::from_str::<serde_json::Number>(v).map_or_else(
        |_| serde_json::Value::String(v.to_string()),
        serde_json::Value::Number,
    )
}

fn point(search: &Search, i: usize) -> SizePoint {
    let plan = &search.prepared.plan;
    let q = search.question;
    let mut metrics: IndexMap<String, Evidence> = q
        .targets
        .iter()
        .map(|t| {
            let column = search.column(i, &t.metric);
            let evidence = Evidence {
                estimate: estimate(&column),
                bound: t.deciding_bound(&column, q.confidence),
            };
            (t.metric.clone(), evidence)
        })
        .collect();
    // The metric minimised and every metric the console shows (cost among them), so a
    // planner sees what each point costs.
    let shown = |n: &&String| crate::stats::metrics::lookup(n).is_some_and(|m| m.console);
    let more = q.minimize.iter().chain(plan.metrics.iter().filter(shown));
    for m in more {
        if search.runs[i].is_some() {
            metrics.entry(m.clone()).or_insert_with(|| Evidence {
                estimate: estimate(&search.column(i, m)),
                bound: f64::NAN,
            });
        }
    }
    SizePoint {
        values: plan
            .axes
            .iter()
            .map(|a| a.key.clone())
            .zip(plan.values_at(i))
            .collect(),
        replications: search.runs[i].as_ref().map_or(0, |r| r.len() as u32),
        verdict: search.verdict(i),
        metrics,
    }
}

fn summary(search: &Search, chosen: Option<usize>) -> String {
    let plan = &search.prepared.plan;
    let q = search.question;
    let targets: Vec<String> = q.targets.iter().map(ToString::to_string).collect();
    let with = format!(
        "{} with {:.0} % confidence",
        targets.join(" and "),
        100.0 * q.confidence
    );
    match chosen {
        Some(i) => {
            let sets = plan.sets_at(i).join(", ");
            match &q.minimize {
                Some(m) => format!(
                    "{sets} meets {with} at the lowest {m} ({}).",
                    crate::text::human(estimate(&search.column(i, m)).mean)
                ),
                None => format!("{sets} is the smallest value that meets {with}."),
            }
        }
        None => {
            let undecided = (0..plan.points())
                .any(|i| search.runs[i].is_some() && search.verdict(i) == Verdict::Undecided);
            let why = if undecided {
                format!(
                    " Some points stayed too close to call after {} replications; \
                     more replications or a wider range may settle them.",
                    search.cap
                )
            } else {
                " Widen the range.".to_string()
            };
            let keys: Vec<&str> = plan.axes.iter().map(|a| a.key.as_str()).collect();
            format!(
                "No value of {} in the range meets {with}.{why}",
                keys.join(", ")
            )
        }
    }
}
