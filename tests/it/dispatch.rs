//! Dispatch as dispatchers do it: kinds nobody staffs are passed over at once, the
//! call-taker routes a share of calls past the first kind, teams keep to the zones
//! they serve and to their reach, and units take calls from the field.

use super::common;
use crisis_sim::stats::metrics;
use crisis_sim::stats::{RunSummary, estimate};

/// Checks that `part / whole` across replications covers `exact`, with an interval
/// narrower than `half` on each side.
fn share_covers(run: &RunSummary, part: &str, whole: &str, exact: f64, half: f64) {
    let parts = common::column(run, part);
    let wholes = common::column(run, whole);
    let shares: Vec<f64> = parts.iter().zip(&wholes).map(|(p, w)| p / w).collect();
    let e = estimate(&shares);
    let [lo, hi] = e.ci95.unwrap();
    println!(
        "{part} / {whole}: exact {exact}, simulated {:.4} [{lo:.4}, {hi:.4}]",
        e.mean
    );
    assert!(lo <= exact && exact <= hi, "{exact} outside [{lo}, {hi}]");
    assert!(e.half_width() < half, "interval too wide to mean anything");
}

/// With the preferred kind never on duty, a call goes straight to the next: every
/// response is exactly what it is in a scenario without that kind.
#[test]
fn a_kind_nobody_staffs_is_passed_over_at_once() {
    let absent = common::load("tests/data/fallback.toml", &[]);
    let without = common::load(
        "tests/data/fallback.toml",
        &["call_types.crisis.responders=[\"police\"]"],
    );
    let (a, b) = (common::records(&absent), common::records(&without));
    for (x, y) in a.iter().zip(&b) {
        assert!(x.response.count() > 100);
        assert_eq!(x.dispatch_wait, y.dispatch_wait);
        assert_eq!(x.response, y.response);
        assert_eq!(x.dispatch_wait.mean(), 0.0, "40 police units: nobody waits");
    }
}

/// With ample units, the first kind reaches exactly the routed share of calls.
#[test]
fn the_call_taker_routes_its_share_to_the_first_kind() {
    let model = common::load(
        "tests/data/fallback.toml",
        &[
            "responders.team.units=40",
            "call_types.crisis.routed_share=0.3",
            "call_types.crisis.backup={}",
            "scenario.replications=20",
            "scenario.days=365",
        ],
    );
    let run = common::run(&model, 2);
    share_covers(&run, "calls_team", "incidents", 0.3, 0.01);
    let calls = common::column(&run, "calls_team");
    let incidents = common::column(&run, "incidents");
    let police = common::column(&run, "calls_police");
    for ((t, p), n) in calls.iter().zip(&police).zip(&incidents) {
        assert_eq!(t + p, *n, "each call reached by exactly one kind");
    }
}

/// A kind never reaches a zone it does not serve, nor one beyond its reach.
#[test]
fn teams_keep_to_the_zones_they_serve_and_their_reach() {
    let model = common::load("tests/data/reach.toml", &[]);
    let run = common::run(&model, 2);
    let zone = |z: &str| run.by_zone[z]["police_involved_share"].mean;
    assert_eq!(zone("B"), 1.0, "B is beyond the teams' 30-minute reach");
    assert_eq!(zone("C"), 1.0, "the teams do not serve C");
    assert_eq!(zone("A"), 0.0, "teams are free in A, so police never go");
    assert!(run.kind_mean(metrics::CALLS, "team") > 1000.0);
    // Without the limits, teams go everywhere first.
    let open = common::load(
        "tests/data/reach.toml",
        &[
            "responders.team.serves=[\"A\", \"B\", \"C\"]",
            "responders.team.max_travel=\"2h\"",
        ],
    );
    let open_run = common::run(&open, 2);
    assert_eq!(open_run.by_zone["B"]["police_involved_share"].mean, 0.0);
}

/// A unit that clears takes the next call from where it is: with the depot 20 km
/// (20 minutes) from the city, calls reached while a unit drives home are reached
/// sooner than any call from the depot could be.
#[test]
fn units_take_calls_from_the_field() {
    let model = common::load(
        "tests/data/fallback.toml",
        &[
            "responders.police.units=3",
            "responders.police.home=\"Depot\"",
            "zones=[{name=\"A\", population=100000, x_km=0.0, y_km=0.0}, {name=\"Depot\", population=1, x_km=20.0, y_km=0.0}]",
            "travel.speed_kmh=60.0",
            "demand.crises_per_100k_per_day=40.0",
            "call_types.crisis.on_scene.police=\"fixed(10min)\"",
        ],
    );
    for r in common::records(&model) {
        let early = 1.0 - r.response.share_at_least(20.0);
        assert!(early > 0.05, "{early} of calls reached in under 20 minutes");
    }
}

/// A kind, the hotline or the programs with a `from_day` do not exist before it: after
/// the horizon it is as if they were absent; halfway through the measured period the
/// kind reaches half the calls.
#[test]
fn start_dates_keep_services_out_until_they_open() {
    let never = common::load(
        "tests/data/fallback.toml",
        &["responders.team.units=40", "responders.team.from_day=100"],
    );
    let without = common::load(
        "tests/data/fallback.toml",
        &["call_types.crisis.responders=[\"police\"]"],
    );
    for (x, y) in common::records(&never)
        .iter()
        .zip(&common::records(&without))
    {
        assert_eq!(x.response, y.response);
        assert_eq!(x.kinds[0].calls, 0);
    }
    let half = common::load(
        "tests/data/fallback.toml",
        &[
            "responders.team.units=40",
            "responders.team.from_day=32", // warm-up 2 days + 30 of the 60 measured
            "scenario.replications=20",
        ],
    );
    share_covers(&common::run(&half, 2), "calls_team", "incidents", 0.5, 0.02);

    let closed = common::load(
        "scenarios/validation/hotline-queue.toml",
        &[
            "hotline.from_day=1000",
            "scenario.replications=2",
            "scenario.days=30",
        ],
    );
    for r in common::records(&closed) {
        assert_eq!(r.hotline_calls, 0);
        assert_eq!(
            r.dispatched + r.unserved,
            r.incidents,
            "every crisis calls 911"
        );
    }
}

/// Cancellations end their share of calls while the unit drives there (the unit turns
/// back and the incident ends without a disposition), and none once a unit is on scene.
#[test]
fn cancelled_calls_end_their_share_and_units_turn_back() {
    let sets = |after: &'static str| {
        vec![
            "travel.turnout=\"5min\"",
            "scenario.replications=20",
            "scenario.days=365",
            after,
        ]
    };
    let early = common::load(
        "tests/data/fallback.toml",
        &sets("call_types.crisis.cancelled={share=0.3, after=\"fixed(2min)\"}"),
    );
    let run = common::run(&early, 2);
    let e = estimate(&common::column(&run, "cancelled_share"));
    let [lo, hi] = e.ci95.unwrap();
    println!(
        "cancelled 0.3 while driving: simulated {:.4} [{lo:.4}, {hi:.4}]",
        e.mean
    );
    assert!(lo <= 0.3 && 0.3 <= hi && e.half_width() < 0.01);
    let late = common::load(
        "tests/data/fallback.toml",
        &sets("call_types.crisis.cancelled={share=0.3, after=\"fixed(10min)\"}"),
    );
    assert!(
        common::column(&common::run(&late, 2), "cancelled_share")
            .iter()
            .all(|x| *x == 0.0)
    );
    for (rec, full) in common::records(&early).iter().zip(&common::records(&late)) {
        let ended: u64 = rec.dispositions.iter().sum();
        // A call still on its way or on scene at the horizon has ended in neither way.
        let open = rec.incidents - rec.unserved - ended - rec.cancelled;
        assert!(open < 5, "{open} calls neither ended nor cancelled");
        assert_eq!(
            rec.cancelled_waiting, 0,
            "police are free: every call was dispatched"
        );
        // Turned back after 2 of 5 minutes and never on scene: police work much less.
        assert!(rec.kinds[1].crisis_minutes < 0.8 * full.kinds[1].crisis_minutes);
    }
}
