//! A planner's questions as one `--set` or `--variant` on any shipped scenario:
//! staffing overrides on shift-staffed kinds, shares that stay whole, demand growth,
//! named variants in `compare`, and comparisons that refuse unlike horizons.

use super::common;
use crate::common::crisis_sim;

const VANS: &str = "scenarios/mid-size-city-mobile-crisis.toml";

fn kind<'a>(m: &'a crisis_sim::model::Model, name: &str) -> &'a crisis_sim::model::Kind {
    m.kinds.iter().find(|k| k.name == name).unwrap()
}

#[test]
fn staffing_overrides_work_on_shift_staffed_kinds() {
    let base = common::load(VANS, &[]);
    let vans = kind(&base, "mobile_crisis");
    assert_eq!(
        vans.schedule.max_units(),
        7,
        "4 around the clock, 3 more 12:00-23:00"
    );
    let flat = common::load(VANS, &["responders.mobile_crisis.units=6"]);
    let s = &kind(&flat, "mobile_crisis").schedule;
    assert_eq!(
        (s.max_units(), s.mean_units()),
        (6, 6.0),
        "replaces the shifts"
    );
    let one = common::load(VANS, &["responders.mobile_crisis.shifts.1.units=5"]);
    assert_eq!(kind(&one, "mobile_crisis").schedule.max_units(), 9, "4 + 5");
    let scaled = common::load(VANS, &["responders.mobile_crisis.scale=1.5"]);
    let mut steps: Vec<u32> = kind(&scaled, "mobile_crisis")
        .schedule
        .steps
        .iter()
        .map(|s| s.1)
        .collect();
    steps.sort_unstable();
    steps.dedup();
    assert_eq!(
        steps,
        vec![6, 11],
        "4 × 1.5 = 6 and 7 × 1.5 = 10.5, rounded up"
    );
}

#[test]
fn setting_one_share_keeps_the_others_in_proportion() {
    let base = common::load(VANS, &[]);
    let set = common::load(VANS, &["call_types.psychosis.share=0.3"]);
    let shares = |m: &crisis_sim::model::Model| -> Vec<f64> {
        let cdf = &m.demand.call_type_cdf;
        (0..cdf.len())
            .map(|i| cdf[i] - if i == 0 { 0.0 } else { cdf[i - 1] })
            .collect()
    };
    let (a, b) = (shares(&base), shares(&set));
    let p = base
        .call_types
        .iter()
        .position(|c| c.name == "psychosis")
        .unwrap();
    assert!((b[p] - 0.3).abs() < 1e-12);
    assert!((b.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    let (i, j) = if p == 0 {
        (1, 2)
    } else {
        (0, if p == 1 { 2 } else { 1 })
    };
    assert!(
        (a[i] / a[j] - b[i] / b[j]).abs() < 1e-12,
        "the others keep their ratio"
    );
}

#[test]
fn demand_scale_multiplies_crises_and_background_work() {
    let base = common::load(VANS, &[]);
    let more = common::load(VANS, &["demand.scale=1.2"]);
    let ratio = more.mean_crises_per_day() / base.mean_crises_per_day();
    assert!((ratio - 1.2).abs() < 1e-12);
    let bg = |m: &crisis_sim::model::Model| kind(m, "police").background[0].rate;
    assert!((bg(&more) / bg(&base) - 1.2).abs() < 1e-12);
}

#[test]
fn compare_takes_named_variants_and_refuses_unlike_horizons() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("variants");
    let run = crisis_sim(&[
        "compare",
        VANS,
        "--variant",
        "vans x1.5: responders.mobile_crisis.scale=1.5",
        "--variant",
        "demand +20 %: demand.scale=1.2; responders.mobile_crisis.units=6",
        "--replications",
        "2",
        "--days",
        "20",
        "--set",
        "scenario.warmup_days=20",
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(stderr.contains("replaces the scheduled shifts"), "{stderr}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("comparison.json")).unwrap()).unwrap();
    let names: Vec<&str> = json["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names[1..], ["vans x1.5", "demand +20 %"]);

    let unlike = crisis_sim(&[
        "compare",
        "scenarios/mid-size-city.toml",
        "scenarios/mid-size-city-prevention.toml",
        "--out",
        temp.path().join("no").to_str().unwrap(),
    ]);
    assert_eq!(unlike.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unlike.stderr).contains("add e.g. --days 1095"));
    let only_some = crisis_sim(&[
        "compare",
        "scenarios/mid-size-city.toml",
        VANS,
        "--set",
        "responders.mobile_crisis.units=3",
        "--out",
        temp.path().join("no").to_str().unwrap(),
    ]);
    assert_eq!(only_some.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&only_some.stderr);
    assert!(stderr.contains("scenarios/mid-size-city.toml") && stderr.contains("no entry named"));
    assert!(!temp.path().join("no").exists());
    let lone = crisis_sim(&["compare", VANS, "--variant", "no pairs"]);
    assert_eq!(lone.status.code(), Some(2));
}

/// Overload is never silent: a saturated run warns on the console and in the report,
/// and `check` warns when background work alone exceeds what is staffed.
#[test]
fn overload_warns_on_the_console_in_the_report_and_in_check() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("over");
    let run = crisis_sim(&[
        "run",
        "scenarios/validation/mmc.toml",
        "--set",
        "responders.team.units=3",
        "--replications",
        "2",
        "--days",
        "60",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("is overloaded") && stderr.contains("never dispatched"),
        "{stderr}"
    );
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(page.contains("is overloaded"));
    let calm = crisis_sim(&[
        "run",
        "scenarios/validation/mmc.toml",
        "--replications",
        "2",
        "--days",
        "60",
        "--out",
        temp.path().join("calm").to_str().unwrap(),
    ]);
    assert!(!String::from_utf8_lossy(&calm.stderr).contains("overloaded"));
    let check = crisis_sim(&[
        "check",
        "scenarios/mid-size-city.toml",
        "--set",
        "responders.police.background.2.per_hour=200",
    ]);
    assert!(check.status.success());
    assert!(String::from_utf8_lossy(&check.stderr).contains("will grow without bound"));
}
