//! The people who staff the teams: full-time equivalents from the schedule, a hiring
//! pipeline against its closed form, and units on duty that never outnumber the crews
//! the trained headcount can field.

use super::common;

use crisis_sim::model::workforce::{Pipeline, pipeline};
use crisis_sim::stats::RunSummary;
use crisis_sim::time::{DAY, YEAR};

const FLEET: &str = "tests/data/workforce.toml";

fn value(run: &RunSummary, name: &str) -> f64 {
    run.metrics[name].mean
}

/// Four vans around the clock, two people each, 4.5 full-time equivalents a seat:
/// 36 FTE, paid $90,000 a year each. Three more vans from noon to 23:00 add
/// 3 × 11/24 seats' worth.
#[test]
fn fte_is_seats_times_the_relief_factor() {
    let run = common::run(&common::load(FLEET, &[]), 2);
    assert!((value(&run, "fte_van") - 36.0).abs() < 1e-9);
    assert!((value(&run, "cost_staff_van") - 36.0 * 90_000.0).abs() < 1e-6);
    assert!((value(&run, "cost_staff") - 36.0 * 90_000.0).abs() < 1e-6);
    let shifts = "responders=[{ name = \"van\", role = \"civilian\", home = \"A\", staff_per_unit = 2, shifts = [{ from = \"00:00\", to = \"00:00\", units = 4 }, { from = \"12:00\", to = \"23:00\", units = 3 }] }]";
    let run = common::run(&common::load(FLEET, &[shifts]), 2);
    let seats = 2.0 * (4.0 + 3.0 * 11.0 / 24.0);
    assert!((value(&run, "fte_van") - seats * 4.5).abs() < 1e-9);
}

/// With constant hiring h a day, training T days and turnover μ a day, the trained
/// headcount is H₀e^{−μt} + (h/μ)(1 − e^{−μ(t−T)}) from day T on.
#[test]
fn the_pipeline_follows_its_closed_form() {
    let p = Pipeline {
        start: 10.0,
        target: f64::INFINITY,
        hires_per_day: 0.5,
        training_days: 84,
        turnover_per_day: 0.2 / 365.0,
    };
    let (trained, training) = pipeline(p, 1000);
    let mu = p.turnover_per_day;
    for (d, h) in trained.iter().enumerate() {
        let t = d as f64;
        let graduated = if d >= 84 {
            p.hires_per_day / mu * (1.0 - (-mu * (t - 84.0)).exp())
        } else {
            0.0
        };
        let exact = p.start * (-mu * t).exp() + graduated;
        assert!(
            (h - exact).abs() < 1e-9 * exact.max(1.0),
            "day {d}: {h} against {exact}"
        );
    }
    // In training: the hires of the last 84 days.
    assert!((training[500] - 84.0 * 0.5).abs() < 1e-9);
    // Hiring stops at the target.
    let capped = pipeline(Pipeline { target: 30.0, ..p }, 1000).0;
    assert!(capped.iter().all(|h| *h <= 30.0 + 1e-9));
}

/// Three trained people crew one van of two at most: whatever the schedule, no more
/// than one van is ever on duty.
#[test]
fn units_on_duty_never_outnumber_the_crews() {
    let model = common::load(
        FLEET,
        &["responders.van.workforce={ start = 3, target = 3, hires_per_month = 0 }"],
    );
    for rec in common::records(&model) {
        let on_duty = rec.kinds[0].on_duty;
        assert!(on_duty <= 365.0 * DAY + 1e-6, "{on_duty} unit-minutes");
        assert!(rec.kinds[0].unstaffed_shifts * 4 > rec.kinds[0].scheduled_shifts * 3 - 10);
    }
}

/// A hiring ramp from 10 trained people to the 36 the schedule needs: the first
/// months leave most shifts vacant and the last nearly none; hiring changes no crisis,
/// and staff are paid for the headcount, trainees included.
#[test]
fn a_hiring_ramp_fields_units_as_they_are_trained() {
    let ramp = "responders.van.workforce={ start = 10, target = 40, hires_per_month = 4, training = \"12w\", turnover_per_year = 0.2 }";
    let early = common::run(&common::load(FLEET, &[ramp, "scenario.days=90"]), 2);
    let late = common::run(
        &common::load(
            FLEET,
            &[ramp, "scenario.warmup_days=730", "scenario.days=90"],
        ),
        2,
    );
    let vacant = |r: &RunSummary| value(r, "unstaffed_shift_share_van");
    assert!(vacant(&early) > 0.5, "{}", vacant(&early));
    assert!(vacant(&late) < 0.1, "{}", vacant(&late));
    let full = common::run(&common::load(FLEET, &["scenario.days=90"]), 2);
    assert_eq!(
        common::column(&early, "incidents"),
        common::column(&full, "incidents")
    );
    assert!(value(&early, "response_time_mean_min") > value(&full, "response_time_mean_min"));
    let paid = value(&early, "cost_staff_van") / 90_000.0 / (90.0 * DAY / YEAR);
    assert!(paid > value(&early, "headcount_van"), "{paid}");
}

/// A workforce that covers the schedule from the start and never shrinks changes no
/// unit and no crisis: vacancies only ever take units away.
#[test]
fn a_full_workforce_changes_nothing() {
    let full = "responders.van.workforce={ start = 36, target = 36, hires_per_month = 0 }";
    let with = common::run(&common::load(FLEET, &[full]), 2);
    let without = common::run(&common::load(FLEET, &[]), 2);
    for m in ["incidents", "response_time_mean_min", "utilization_van"] {
        assert_eq!(common::column(&with, m), common::column(&without, m), "{m}");
    }
}

const RAMP: &str = "responders.van.workforce={ start = 10, target = 40, hires_per_month = 4, training = \"12w\", turnover_per_year = 0.3 }";

/// Burnout whose factors are 1 changes nothing, whatever the strain: the pipeline the
/// run steps day by day is the planned one, to the last bit.
#[test]
fn burnout_with_no_effect_changes_nothing() {
    let neutral = "responders.van.burnout={ above_utilization = 0.0 }";
    let plain = common::run(&common::load(FLEET, &[RAMP]), 2);
    let steps = common::run(&common::load(FLEET, &[RAMP, neutral]), 2);
    for m in [
        "headcount_van",
        "cost_staff_van",
        "unstaffed_shift_share_van",
        "response_time_mean_min",
    ] {
        assert_eq!(common::column(&plain, m), common::column(&steps, m), "{m}");
    }
    assert!(value(&steps, "strained_share_van") > 0.99);
    assert!(value(&plain, "strained_share_van").is_nan());
}

/// Strained from the start, staff leave at three times the written turnover: the
/// headcount is the planned pipeline's at 0.9 a year, not 0.3 (the first hours before
/// the strain builds aside).
#[test]
fn strain_raises_turnover() {
    let strained = "responders.van.burnout={ above_utilization = 0.0, turnover_factor = 3.0 }";
    let run = common::run(&common::load(FLEET, &[RAMP, strained]), 2);
    let p = |turnover: f64| Pipeline {
        start: 10.0,
        target: 40.0,
        hires_per_day: 4.0 * 12.0 / 365.0,
        training_days: 84,
        turnover_per_day: turnover / 365.0,
    };
    let mean = |turnover| {
        let trained = pipeline(p(turnover), 365).0;
        trained[..365].iter().sum::<f64>() / 365.0
    };
    let headcount = value(&run, "headcount_van");
    assert!(
        (headcount - mean(0.9)).abs() < 0.01 * mean(0.9),
        "{headcount} against {}",
        mean(0.9)
    );
    assert!(headcount < mean(0.3) - 1.0);
}

/// Strain without a workforce raises absence: 10 % of unit-shifts unstaffed becomes
/// 30 % (binomial over about 4,400 unit-shifts a replication).
#[test]
fn strain_raises_absence() {
    let sets = [
        "responders.van.absence=0.1",
        "responders.van.burnout={ above_utilization = 0.0, absence_factor = 3.0 }",
    ];
    let run = common::run(&common::load(FLEET, &sets), 2);
    let e = &run.metrics["unstaffed_shift_share_van"];
    let [lo, hi] = e.ci95.unwrap();
    assert!(hi - lo < 0.03, "[{lo}, {hi}]");
    assert!(lo <= 0.3 && 0.3 <= hi, "{} [{lo}, {hi}]", e.mean);
}
