//! Comparisons that hold up: no hotline caller is lost, response runs from first
//! contact, induced calls leave the crises alone, every staffed service is priced in
//! one dollar year, and `prefer_within` sends the nearer kind.

use super::common;
use crisis_sim::model::dollars;
use crisis_sim::sim::{self, Source};
use crisis_sim::stats::metrics::{self, CostParts};
use crisis_sim::stats::paired_difference;

const LINE: &str = "scenarios/hotline-988-mobile.toml";

/// Cutting the line from three counselors to one leaves more callers hanging up; each
/// of them still ends in one outcome (911 or unresolved), so for the same crises ED
/// visits, repeats and the cost of the crises (all but the line's wages) can only
/// rise. The paired intervals say the rise is real, not noise.
#[test]
fn fewer_counselors_never_make_crises_cheaper() {
    let sets = |n: &'static str| vec!["scenario.replications=12", "scenario.days=365", n];
    let three = common::run(&common::load(LINE, &sets("hotline.counselors=3")), 2);
    let one = common::run(&common::load(LINE, &sets("hotline.counselors=1")), 2);
    let crisis_cost = |run: &crisis_sim::stats::RunSummary| -> Vec<f64> {
        let total = common::column(run, metrics::COST_TOTAL.name);
        let line = common::column(run, metrics::COST_HOTLINE.name);
        total.iter().zip(&line).map(|(t, l)| t - l).collect()
    };
    let abandoned = |run| common::column(run, metrics::HOTLINE_ABANDONED_SHARE.name);
    assert!(abandoned(&one)[0] > 5.0 * abandoned(&three)[0]);
    for (what, base, fewer) in [
        (
            "ED visits",
            common::column(&three, metrics::EMERGENCY_DEPARTMENT.name),
            common::column(&one, metrics::EMERGENCY_DEPARTMENT.name),
        ),
        (
            "repeat crises",
            common::column(&three, metrics::REPEAT_CRISES.name),
            common::column(&one, metrics::REPEAT_CRISES.name),
        ),
        ("cost of the crises", crisis_cost(&three), crisis_cost(&one)),
    ] {
        let d = paired_difference(&base, &fewer);
        let [lo, hi] = d.ci95.unwrap_or([f64::NAN; 2]);
        println!(
            "{what}: one counselor − three = {:.1} [{lo:.1}, {hi:.1}]",
            d.mean
        );
        assert!(lo > 0.0, "{what} fell with fewer counselors: [{lo}, {hi}]");
    }
}

/// Every crisis that reached the line ends once: resolved by phone, handed on and
/// dispatched, or (hung up without calling 911) unresolved; none simply vanishes.
#[test]
fn every_abandoned_caller_ends_in_one_outcome() {
    let model = common::load(
        LINE,
        &[
            "hotline.counselors=1",
            "scenario.days=120",
            "scenario.replications=1",
        ],
    );
    let rec = sim::run_traced(&model, 9);
    let rows = rec.trace.as_deref().unwrap_or_default();
    let unresolved = rows
        .iter()
        .filter(|r| r.ending == sim::trace::Ending::HungUp)
        .count() as u64;
    assert!(rec.hotline_abandoned > 100 && rec.hotline_lost > 10);
    assert_eq!(unresolved, rec.hotline_lost);
    assert!(
        rows.iter()
            .filter(|r| r.ending == sim::trace::Ending::HungUp)
            .all(|r| r.dispatched.is_none()),
        "an unresolved caller was also dispatched"
    );
    assert_eq!(rec.incidents, common::accounted(&rec));
}

/// With fixed times, a crisis that 988 hands on is reached exactly its time on the line
/// (wait plus a 10-minute call) plus 911's own 2-minute response after first contact.
#[test]
fn response_runs_from_first_contact() {
    let line = "hotline={counselors = 1, handle_time = \"fixed(10min)\", resolved_by_phone = 0.0, dispatch_mobile = 0.0}";
    let model = common::load(
        "tests/data/tiny.toml",
        &[
            "responders.police.units=50",
            "demand.hotline_share=1.0",
            "demand.crises_per_100k_per_day=150",
            "scenario.days=60",
            line,
        ],
    );
    let rec = sim::run_traced(&model, 3);
    let rows = rec.trace.as_deref().unwrap_or_default();
    let reached: Vec<_> = rows.iter().filter(|r| r.arrived.is_some()).collect();
    assert!(reached.len() > 1000);
    let mut waited = 0;
    for r in &reached {
        let on_line = r.received - r.first_contact;
        let response = r.arrived.unwrap_or(f64::NAN) - r.first_contact;
        assert!(on_line >= 10.0 - 1e-9, "{on_line}");
        assert!(
            (response - (on_line + 2.0)).abs() < 1e-9,
            "{response} vs {on_line}"
        );
        waited += usize::from(on_line > 10.0 + 1e-9);
    }
    assert!(waited > 100, "the single counselor made some callers wait");
    let run = common::run(&model, 2);
    let line_time = common::column(&run, metrics::HOTLINE_TIME_MEAN_MIN.name);
    let response = common::column(&run, metrics::RESPONSE_TIME_MEAN_MIN.name);
    for (l, r) in line_time.iter().zip(&response) {
        assert!(
            (r - (l + 2.0)).abs() < 0.05,
            "response {r}, time on the line {l}"
        );
    }
}

/// Induced calls come from a stream of their own: the crises arrive, are answered and
/// end exactly as without them, while the team's work grows by the induced share.
#[test]
fn induced_calls_add_work_and_leave_the_crises_alone() {
    let sets = |induced: &'static str| {
        vec![
            "responders.team.units=30",
            "scenario.replications=6",
            "scenario.days=365",
            induced,
        ]
    };
    let plain = common::load(
        "tests/data/fallback.toml",
        &sets("call_types.crisis.induced_share=0"),
    );
    let induced = common::load(
        "tests/data/fallback.toml",
        &sets("call_types.crisis.induced_share=0.5"),
    );
    let crises = |m| -> Vec<_> {
        let (_, log) = sim::run_logged(m, 7);
        log.into_iter()
            .filter(|a| matches!(a.source, Source::Crisis { .. }))
            .collect()
    };
    assert_eq!(crises(&plain), crises(&induced));
    let (a, b) = (common::run(&plain, 2), common::run(&induced, 2));
    assert_eq!(
        common::column(&a, metrics::INCIDENTS.name),
        common::column(&b, metrics::INCIDENTS.name)
    );
    let calls = common::column(&b, metrics::INDUCED_CALLS.name);
    let incidents = common::column(&b, metrics::INCIDENTS.name);
    let ratio: f64 = calls.iter().sum::<f64>() / incidents.iter().sum::<f64>();
    assert!((ratio - 0.5).abs() < 0.03, "{ratio}");
    assert!(
        common::column(&a, metrics::INDUCED_CALLS.name)
            .iter()
            .all(|x| *x == 0.0)
    );
    let work = |run| common::column(run, &metrics::UTILIZATION.of("team"))[0];
    assert!(work(&b) > 1.3 * work(&a));
    // The induced calls reach the team, which counts them among its calls.
    let team_calls = |run| common::column(run, &metrics::CALLS.of("team"))[0];
    assert!(team_calls(&b) > team_calls(&a) + 0.8 * calls[0]);
}

/// A priced service adds exactly its hours (or consults, places, episodes) × price.
#[test]
fn priced_services_add_exactly_hours_times_price() {
    let queue = common::load(
        "scenarios/validation/hotline-queue.toml",
        &[
            "hotline.cost_per_hour=40",
            "scenario.replications=2",
            "scenario.days=30",
        ],
    );
    for rec in common::records(&queue) {
        let parts = CostParts::of(&queue, &rec);
        assert!((parts.hotline - 40.0 * 5.0 * 30.0 * 24.0).abs() < 1e-6);
    }
    let city = common::load(
        "scenarios/mid-size-city-prevention.toml",
        &[
            "scenario.replications=2",
            "scenario.days=60",
            "psychiatry.cost_per_hour=150",
            "facilities.2.cost_per_place_day=300",
        ],
    );
    let c = &city.costs;
    for rec in common::records(&city) {
        let parts = CostParts::of(&city, &rec);
        let d = |x: crisis_sim::model::Disposition| rec.dispositions[x as usize] as f64;
        let line_hours = 60.0 * 24.0;
        assert!(rec.consults > 0);
        let psychiatry = 150.0 * line_hours + 200.0 * rec.consults as f64;
        assert!((parts.psychiatry - psychiatry).abs() < 1e-6);
        assert!((parts.facility_places - 300.0 * 4.0 * 60.0).abs() < 1e-6);
        use crisis_sim::model::Disposition::{EmergencyDepartment, Referred};
        assert_eq!(parts.transport, d(EmergencyDepartment) * c.transport);
        // referral episodes, and the case managers' days
        let case_managers = city
            .follow_up
            .as_ref()
            .map_or(0.0, |f| f64::from(f.case_managers) * f.cost_per_day * 60.0);
        assert!((parts.follow_up - d(Referred) * c.referral - case_managers).abs() < 1e-6);
        assert_eq!(parts.unresolved, rec.hotline_lost as f64 * c.unresolved);
        assert!(parts.transport > 0.0 && parts.follow_up > 0.0 && parts.unresolved > 0.0);
    }
}

/// Costs cited in their source year's dollars are converted with the CPI-U table.
#[test]
fn cited_costs_are_converted_to_the_dollar_year() {
    let cost = |year: &str| {
        let sets = [
            "costs.ed_visit={dollars = 630, year = 2017}".to_string(),
            format!("costs.dollar_year={year}"),
        ];
        let sets: Vec<&str> = sets.iter().map(String::as_str).collect();
        common::load("scenarios/mid-size-city.toml", &sets)
            .costs
            .ed_visit
    };
    let cpi = |y| dollars::cpi(y).unwrap_or(f64::NAN);
    assert_eq!(cost("2017"), 630.0);
    assert!((cost("2024") - 630.0 * cpi(2024) / cpi(2017)).abs() < 1e-9);
    assert!((cost("2024") - 806.23).abs() < 0.01);
    // Plain numbers are already in the scenario's dollar year.
    let plain = common::load("scenarios/mid-size-city.toml", &["costs.dollar_year=2019"]);
    assert_eq!(plain.costs.jail_booking, 1_500.0);
    let gao = plain.costs.transport;
    assert!((gao - 429.0 * cpi(2019) / cpi(2010)).abs() < 1e-9);
}

/// Two units: the trained one 32 minutes away, patrol 2 minutes away.
#[test]
fn prefer_within_sends_the_nearer_kind_when_the_preferred_is_far() {
    let first_trained = |sets: &[&str]| {
        let model = common::load("tests/data/prefer.toml", sets);
        let recs = common::records(&model);
        let trained: u64 = recs.iter().map(|r| r.by_first_responder[0].incidents).sum();
        let all: u64 = recs.iter().map(|r| r.incidents).sum();
        assert!(all > 500);
        trained as f64 / all as f64
    };
    // Without the option the free trained officer goes, however far (patrol only when
    // the trained officer is still busy after `fallback_after`).
    assert!(first_trained(&[]) > 0.9);
    // Within 10 minutes or not at all: patrol goes.
    assert!(first_trained(&["call_types.crisis.prefer_within=\"10min\""]) < 0.05);
    // A trained officer close enough still goes first.
    let near = [
        "call_types.crisis.prefer_within=\"10min\"",
        "responders.trained.home=\"A\"",
    ];
    assert!(first_trained(&near) > 0.9);
    // Within 40 minutes the far trained officer (32 minutes away) is close enough.
    assert!(first_trained(&["call_types.crisis.prefer_within=\"40min\""]) > 0.9);
}
