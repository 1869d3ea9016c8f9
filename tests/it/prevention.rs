//! The hotline against Erlang C and Erlang A, repeat crises, community programs,
//! absences, consults and the cost identity. Fixed seeds; statistical checks assert
//! that the exact value lies in the simulated 95 % interval and that the interval is
//! narrow, so they can neither flake nor pass vacuously.

use super::common;
use super::queueing::{erlang_a, erlang_a_abandonment};

use crisis_sim::stats::{RunSummary, estimate, metrics};
use crisis_sim::time::DAY;

pub(super) fn metric(run: &RunSummary, name: &str) -> Vec<f64> {
    common::column(run, name)
}

/// Asserts that `exact` lies in the 95 % interval of `values` and that the interval's
/// half-width is below `max_half_width` (so the check cannot pass vacuously).
pub(super) fn assert_covers(name: &str, values: &[f64], exact: f64, max_half_width: f64) {
    let e = estimate(values);
    let [lo, hi] = e.ci95.unwrap();
    println!(
        "{name}: exact {exact:.4}, simulated {:.4} [{lo:.4}, {hi:.4}]",
        e.mean
    );
    assert!(
        lo <= exact && exact <= hi,
        "{name}: {exact} outside [{lo}, {hi}]"
    );
    assert!(
        e.half_width() < max_half_width,
        "{name}: interval ±{} too wide",
        e.half_width()
    );
}

#[test]
fn hotline_without_abandonment_matches_erlang_c() {
    let model = common::load("scenarios/validation/hotline-queue.toml", &[]);
    let run = common::run(&model, 2);
    let (c, lambda, mu) = (5usize, 102.0 / DAY, 1.0 / 60.0);
    let p = erlang_a(c, lambda, mu, 0.0);
    // With θ = 0 the chain is M/M/c: P(wait) is the mass at c and above (Erlang C).
    let pw: f64 = p[c..].iter().sum();
    let mean_wait = pw / (c as f64 * mu - lambda);
    assert_covers(
        "hotline mean answer wait",
        &metric(&run, "hotline_answer_mean_min"),
        mean_wait,
        0.06 * mean_wait,
    );
    assert!(
        metric(&run, "hotline_abandoned_share")
            .iter()
            .all(|x| *x == 0.0)
    );
    // All but the calls still queued or under way at the horizon are resolved.
    assert!(
        metric(&run, "hotline_resolved_share")
            .iter()
            .all(|x| *x > 0.999)
    );
    assert!(
        metric(&run, "utilization_team").iter().all(|x| *x == 0.0),
        "nobody was dispatched"
    );
}

#[test]
fn hotline_abandonment_matches_erlang_a() {
    let model = common::load(
        "scenarios/validation/hotline-queue.toml",
        &[
            "hotline.patience=\"exp(20min)\"",
            "scenario.replications=300",
        ],
    );
    let run = common::run(&model, 2);
    let abandon = erlang_a_abandonment(5, 102.0 / DAY, 1.0 / 60.0, 1.0 / 20.0);
    assert_covers(
        "P(abandon)",
        &metric(&run, "hotline_abandoned_share"),
        abandon,
        0.05 * abandon,
    );
}

#[test]
fn no_repeat_chance_means_no_repeat_crisis() {
    let model = common::load("tests/data/repeats.toml", &["scenario.replications=4"]);
    let run = common::run(&model, 2);
    assert!(metric(&run, "repeat_crises").iter().all(|x| *x == 0.0));
}

#[test]
fn repeats_follow_their_probability() {
    let p = 0.3;
    let model = common::load(
        "tests/data/repeats.toml",
        &[
            "prevention.repeat.resolved_on_scene=0.3",
            "prevention.repeat.referred=0.3",
        ],
    );
    let run = common::run(&model, 2);
    let repeats = metric(&run, "repeat_crises");
    let incidents = metric(&run, "incidents");
    // Every crisis (first or repeat) is followed by another with chance p, so in a
    // steady state repeats = p × all crises, and repeats = p / (1 − p) × first crises.
    let share: Vec<f64> = repeats.iter().zip(&incidents).map(|(r, n)| r / n).collect();
    assert_covers("repeats / crises", &share, p, 0.02);
    let per_first: Vec<f64> = repeats
        .iter()
        .zip(&incidents)
        .map(|(r, n)| r / (n - r))
        .collect();
    assert_covers("repeats / first crises", &per_first, p / (1.0 - p), 0.03);
}

#[test]
fn community_programs_thin_first_crises() {
    let base = common::load("tests/data/repeats.toml", &[]);
    let half = common::load(
        "tests/data/repeats.toml",
        &["prevention.incidence_reduction=0.5"],
    );
    let (a, b) = (common::run(&base, 2), common::run(&half, 2));
    let (na, nb) = (metric(&a, "incidents"), metric(&b, "incidents"));
    // The same candidate arrivals are thinned: the reduced run never has more.
    assert!(na.iter().zip(&nb).all(|(x, y)| y <= x));
    let ratio: Vec<f64> = na.iter().zip(&nb).map(|(x, y)| y / x).collect();
    assert_covers(
        "incidents with a 50 % reduction / without",
        &ratio,
        0.5,
        0.01,
    );
}

#[test]
fn absences_leave_their_share_of_shifts_unstaffed() {
    let model = common::load(
        "scenarios/mid-size-city.toml",
        &["scenario.replications=10", "responders.police.absence=0.2"],
    );
    let run = common::run(&model, 2);
    assert_covers(
        "unstaffed police shifts",
        &metric(&run, "unstaffed_shift_share_police"),
        0.2,
        0.005,
    );
    // Staffed unit-hours fall by the same share: 20 % of 59 scheduled units on average.
    let scheduled = model.kinds[0].schedule.mean_units();
    let staffed: Vec<f64> = common::records(&model)
        .iter()
        .map(|r| r.kinds[0].on_duty / r.measured_minutes / scheduled)
        .collect();
    assert_covers("staffed share of scheduled unit-time", &staffed, 0.8, 0.005);
}

#[test]
fn consults_are_given_when_lines_are_free() {
    let sets = [
        "scenario.replications=4",
        "scenario.days=120",
        "psychiatry.on_call=50",
    ];
    let model = common::load("scenarios/mid-size-city-prevention.toml", &sets);
    let run = common::run(&model, 2);
    assert!(
        metric(&run, "psychiatry_consults")
            .iter()
            .all(|x| *x > 100.0)
    );
    assert!(
        metric(&run, "consult_wait_mean_min")
            .iter()
            .all(|x| *x == 0.0),
        "no wait with 50 lines"
    );
    let busy = common::load(
        "scenarios/mid-size-city-prevention.toml",
        &[
            "scenario.replications=4",
            "scenario.days=120",
            "psychiatry.on_call=0",
        ],
    );
    let none = common::run(&busy, 2);
    // With no line at all every team waits the full max_wait and goes on without.
    assert!(
        metric(&none, "psychiatry_consults")
            .iter()
            .all(|x| *x == 0.0)
    );
    assert!(
        metric(&none, "consult_wait_mean_min")
            .iter()
            .all(|x| (x - 15.0).abs() < 1e-9)
    );
}

#[test]
fn cost_total_is_exactly_the_sum_of_its_parts() {
    // The crisis centre's chairs and the vans' staff priced too, so that every part
    // is exercised.
    let model = common::load(
        "scenarios/mid-size-city-prevention.toml",
        &[
            "scenario.replications=3",
            "scenario.days=200",
            "facilities.2.cost_per_place_day=300",
            "responders.mobile_crisis.cost_per_fte=90000",
        ],
    );
    let run = common::run(&model, 2);
    for i in 0..run.per_replication.len() {
        let get = |m: &metrics::Metric| metric(&run, m.name)[i];
        let sum: f64 = metrics::cost_parts().map(get).sum();
        assert_eq!(get(metrics::COST_TOTAL), sum);
        assert_eq!(
            get(metrics::COST_PER_INCIDENT),
            sum / get(metrics::INCIDENTS)
        );
        assert!(
            metrics::cost_parts().all(|p| get(p) > 0.0),
            "every component is exercised"
        );
        let program = model.prevention.program_cost_per_year * 200.0 / 365.0;
        assert!((get(metrics::COST_PROGRAMS) - program).abs() < 1e-6);
    }
}

#[test]
fn every_incident_is_accounted_for_with_the_hotline() {
    let model = common::load(
        "scenarios/mid-size-city-prevention.toml",
        &[
            "scenario.replications=3",
            "scenario.days=200",
            "hotline.counselors=1",
        ],
    );
    for rec in &common::records(&model) {
        assert_eq!(rec.incidents, common::accounted(rec));
        assert!(rec.hotline_abandoned > 0 && rec.repeat_crises > 0);
    }
}

/// Half the load as crises and half as the line's ordinary contacts is the same
/// M/M/5+M queue as before: everything that reaches the line is abandoned at Erlang A's
/// rate, and the contacts leave the crises' own arrivals and draws untouched.
#[test]
fn ordinary_contacts_share_the_line_as_erlang_a_says() {
    // 51 contacts a day per 100,000 people is 51 × 365 / 12 a month.
    let contacts = 51.0 * 365.0 / 12.0;
    let sets = [
        "demand.crises_per_100k_per_day=51".to_string(),
        format!("hotline.contacts_per_100k_per_month={contacts}"),
        "hotline.patience=\"exp(20min)\"".into(),
        "scenario.replications=300".into(),
    ];
    let refs: Vec<&str> = sets.iter().map(String::as_str).collect();
    let model = common::load("scenarios/validation/hotline-queue.toml", &refs);
    let run = common::run(&model, 2);
    let abandon = erlang_a_abandonment(5, 102.0 / DAY, 1.0 / 60.0, 1.0 / 20.0);
    assert_covers(
        "P(abandon), everything on the line",
        &metric(&run, "hotline_all_abandoned_share"),
        abandon,
        0.05 * abandon,
    );
    let per_year = metric(&run, "hotline_contacts");
    let mean = per_year.iter().sum::<f64>() / per_year.len() as f64;
    assert!(
        (mean / (51.0 * 365.0) - 1.0).abs() < 0.01,
        "{mean} contacts a year"
    );
    // The crises arrive, with their draws, exactly as without the contacts.
    let without = common::load("scenarios/validation/hotline-queue.toml", &refs[..1]);
    let with = common::load("scenarios/validation/hotline-queue.toml", &refs[..2]);
    let seed = crisis_sim::rng::replication_seed(with.seed, 0);
    let (_, a) = crisis_sim::sim::run_logged(&without, seed);
    let (_, b) = crisis_sim::sim::run_logged(&with, seed);
    assert!(a.len() > 10_000 && a == b);
}
