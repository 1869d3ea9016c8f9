//! `plan`: on M/M/c with a step in demand and shifts aligned to the steps, the roster
//! is Erlang C's staffing for each step; it meets the target on other seeds; no single
//! unit can go; bad questions get clear errors.

use std::path::Path;

use super::common::{self, crisis_sim};
use super::queueing::erlang_c_wait;
use crisis_sim::experiment::RunOptions;
use crisis_sim::experiment::plan::{self, Planning, parse_shifts};
use crisis_sim::stats::metrics;
use crisis_sim::stats::plan::{Per, PlanResult, Question};
use crisis_sim::stats::size::{Op, Target, bounds};

const STEP: &str = "tests/data/plan-step.toml";
/// Mean wait allowed, minutes.
const WAIT: f64 = 1.5;
/// Minutes of scene time, and the offered loads of the night and day steps.
const SERVICE: f64 = 6.0;
const LOADS: [f64; 2] = [2.0, 4.0];

/// The fewest units whose Erlang C mean wait is within the target.
fn erlang_c_staffing(load: f64) -> u32 {
    (1..)
        .find(|c| SERVICE * erlang_c_wait(*c, load) <= WAIT)
        .unwrap()
}

fn plan_step(sets: &[&str]) -> PlanResult {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(STEP);
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let base = common::load(STEP, &sets.iter().map(String::as_str).collect::<Vec<_>>());
    let planning = Planning {
        file: &file,
        sets,
        base,
    };
    let question = Question {
        kind: "team".into(),
        shifts: parse_shifts("00:00/12h,12:00/12h").unwrap(),
        fixed: vec![None, None],
        target: Target {
            metric: metrics::DISPATCH_WAIT_MEAN_MIN.name.into(),
            op: Op::AtMost,
            value: WAIT,
        },
        per: Per::Hour,
        confidence: 0.95,
        budget_metric: metrics::COST_TOTAL.name.into(),
        budgets: Vec::new(),
    };
    let options = RunOptions {
        threads: Some(2),
        progress: false,
    };
    plan::plan(&planning, &question, &options).unwrap()
}

#[test]
fn each_step_gets_erlang_cs_staffing_and_no_unit_can_go() {
    let expected = LOADS.map(erlang_c_staffing);
    assert_eq!(
        expected,
        [4, 6],
        "the loads are chosen with room either side"
    );
    let r = plan_step(&[]);
    let plan = r.plan.as_ref().expect("a roster meets the target");
    assert_eq!(plan.units, expected, "{}", r.summary);
    assert!(plan.meets());
    // One unit fewer on either shift misses the target in hours of its own step (and
    // perhaps just after it, while the queue it left drains).
    assert_eq!(r.removals.len(), 2);
    for (removal, step) in r.removals.iter().zip([0..12, 12..24]) {
        let hours: Vec<String> = step.map(|h| format!("{h:02}:00")).collect();
        let own = removal.missed.iter().filter(|m| hours.contains(m)).count();
        assert!(own >= 6, "{removal:?}");
    }
    // Around the clock, the day step decides.
    let flat = r.flat.as_ref().expect("a flat staffing meets the target");
    assert_eq!(flat.units, [expected[1]]);
    assert!(flat.unit_hours_per_day > plan.unit_hours_per_day);
}

#[test]
fn the_plan_meets_the_target_on_other_seeds() {
    let r = plan_step(&[]);
    let units = &r.plan.as_ref().unwrap().units;
    let roster = format!(
        "responders.team.shifts=[{}, {}]",
        r.question.shifts[0].toml(units[0]),
        r.question.shifts[1].toml(units[1])
    );
    let model = common::load(STEP, &[&roster, "scenario.seed=99"]);
    let run = common::run(&model, 2);
    for h in 0..24 {
        let waits: Vec<f64> = (run.per_replication.iter())
            .map(|rep| rep.by_hour[h].dispatch_wait_mean)
            .collect();
        let (_, high) = bounds(&waits, 0.95);
        assert!(high <= WAIT, "hour {h}: bound {high:.3} above {WAIT}");
    }
}

/// Runs `plan` on the step scenario, briefly, with `changed` flags in place of the
/// usual ones (or added), into `plan/` of the folder it returns.
fn plan_cli(changed: &[&str]) -> (std::process::Output, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan").to_string_lossy().to_string();
    let usual = [
        ("--kind", "team"),
        ("--shifts", "00:00/12h,12:00/12h"),
        ("--target", "dispatch_wait_mean_min <= 1.5"),
        ("--replications", "4"),
        ("--days", "30"),
        ("--out", out.as_str()),
    ];
    let mut args = vec!["plan", STEP, "--quiet"];
    for (flag, value) in usual {
        if !changed.contains(&flag) {
            args.extend([flag, value]);
        }
    }
    args.extend(changed);
    (crisis_sim(&args), dir)
}

#[test]
fn bad_questions_get_clear_errors() {
    for (args, says) in [
        (vec!["--kind", "vans"], "no such responder kind"),
        (vec!["--shifts", "07:30/10h"], "start on the hour"),
        (vec!["--shifts", "00:00/12h"], "uncovered"),
        (vec!["--target", "wait_min <= 3"], "no metric `wait_min`"),
        (vec!["--target", "cost_total <= 3"], "not kept per hour"),
        (vec!["--fix", "06:00/12h=2"], "not one of --shifts"),
        (vec!["--budget-metric", "dollars"], "no such metric"),
    ] {
        let (out, _dir) = plan_cli(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}

#[test]
fn days_of_the_week_are_blocks_too() {
    let (out, dir) = plan_cli(&["--per", "day"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let saved = std::fs::read(dir.path().join("plan/plan.json")).unwrap();
    let r: PlanResult = serde_json::from_slice(&saved).unwrap();
    let plan = r.plan.expect("a roster meets the target every day");
    let days: Vec<&str> = plan.blocks.iter().map(|b| b.label.as_str()).collect();
    assert_eq!(days[0], "Monday");
    assert_eq!(days.len(), 7);
    // A day's mean wait pools its hours, so a quiet hour may wait longer: the day as a
    // whole needs no more unit-hours than every hour on its own (Erlang C's 4 and 6).
    assert!(plan.unit_hours_per_day <= 12 * (4 + 6), "{:?}", plan.units);
}

#[test]
fn writes_the_roster_ready_to_paste_and_its_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    let status = crisis_sim(&[
        "plan",
        STEP,
        "--kind",
        "team",
        "--shifts",
        "00:00/12h,12:00/12h",
        "--target",
        "dispatch_wait_mean_min <= 1.5",
        "--fix",
        "00:00/12h=5",
        "--budgets",
        "0",
        "--quiet",
        "--replications",
        "4",
        "--days",
        "30",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let result: PlanResult =
        serde_json::from_slice(&std::fs::read(out.join("plan.json")).unwrap()).unwrap();
    let plan = result.plan.as_ref().unwrap();
    assert_eq!(plan.units[0], 5, "the fixed shift keeps its units");
    assert_eq!(result.frontier.len(), 1);
    let toml = std::fs::read_to_string(out.join("plan.toml")).unwrap();
    assert!(
        toml.contains("{ from = \"00:00\", to = \"12:00\", units = 5 }"),
        "{toml}"
    );
    let pasted = format!(
        "responders.team.shifts={}",
        toml.lines()
            .skip_while(|l| !l.starts_with("shifts"))
            .collect::<Vec<_>>()
            .join(" ")
            .trim_start_matches("shifts = ")
    );
    common::load(STEP, &[&pasted]);
    for file in [
        "report.html",
        "charts/plan_staffing.svg",
        "charts/plan_metric.png",
    ] {
        assert!(out.join(file).exists(), "{file}");
    }
}
