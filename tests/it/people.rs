//! People who differ in risk, and follow-up care that can fill up: a two-class repeat
//! process against its closed form, and referrals lost for want of a place against
//! Erlang B. Fixed seeds; each check asserts that the exact value lies in the simulated
//! 95 % interval and that the interval is narrow.

use super::common;
use super::prevention::{assert_covers, metric};
use super::queueing::erlang_b;

use crisis_sim::stats::{RunSummary, estimate};

const CLASSES: [&str; 3] = [
    "prevention.repeat.resolved_on_scene=0.25",
    "prevention.repeat.referred=0.25",
    "people.classes=[{ share = 0.8, odds_factor = 0.6 }, { share = 0.2, odds_factor = 6.0, delay_factor = 0.5 }]",
];

/// A person of class k has another crisis after each with chance q_k, whose odds are
/// the chance's odds (1/3 for 0.25) times the class's factor: q = 1/6 and 2/3. So a
/// first crisis brings q_k / (1 − q_k) repeats on average; over the classes,
/// 0.8 × 0.2 + 0.2 × 2 = 0.56 repeats per first crisis.
#[test]
fn two_risk_classes_give_their_closed_form_repeats_and_concentrate_crises() {
    let classes = common::load("tests/data/repeats.toml", &CLASSES);
    let alike = common::load("tests/data/repeats.toml", &CLASSES[..2]);
    let (a, b) = (common::run(&classes, 2), common::run(&alike, 2));
    let (n, r) = (metric(&a, "incidents"), metric(&a, "repeat_crises"));
    let per_first: Vec<f64> = r.iter().zip(&n).map(|(r, n)| r / (n - r)).collect();
    let exact = 0.8 * 0.2 + 0.2 * 2.0;
    assert_covers(
        "repeats per first crisis, two classes",
        &per_first,
        exact,
        0.03,
    );
    // Classes come from the people's own stream: the first crises stay the same.
    let first = |run: &RunSummary| -> Vec<f64> {
        let (n, r) = (metric(run, "incidents"), metric(run, "repeat_crises"));
        n.iter().zip(&r).map(|(n, r)| n - r).collect()
    };
    assert_eq!(first(&a), first(&b));
    // The high-risk fifth has most of the repeats: the top 5 % hold more of the crises.
    let top = |run: &RunSummary| estimate(&metric(run, "crises_top5pct_share")).mean;
    assert!(top(&a) > top(&b) + 0.05, "{} against {}", top(&a), top(&b));
}

/// With no wait allowed, a referral that finds every place taken is lost: the loss
/// is Erlang B with case_managers × caseload servers and the offered load (referrals
/// that take follow-up up × the mean enrolment); the places held follow Little's law.
#[test]
fn referrals_lost_for_want_of_a_place_follow_erlang_b() {
    let model = common::load("tests/data/follow-up.toml", &[]);
    let run = common::run(&model, 2);
    // 20 crises a day, all referred, 40 % take it up, 1 day enrolled: 8 erlangs on 10.
    let (c, a) = (10, 20.0 * 0.4 * 1.0);
    let b = erlang_b(c, a);
    assert_covers(
        "referrals lost",
        &metric(&run, "follow_up_lost_share"),
        b,
        0.01,
    );
    let held = metric(&run, "follow_up_enrolled_mean");
    assert_covers("places held", &held, a * (1.0 - b), 0.1);
    assert!(
        metric(&run, "follow_up_wait_mean_days")
            .iter()
            .all(|w| *w == 0.0)
    );
}

/// Allowed to wait, fewer referrals are lost, and those who wait wait a while.
#[test]
fn waiting_for_a_place_loses_fewer_referrals() {
    let at_once = common::load("tests/data/follow-up.toml", &[]);
    let waiting = common::load("tests/data/follow-up.toml", &["follow_up.max_wait=\"3d\""]);
    let (a, b) = (common::run(&at_once, 2), common::run(&waiting, 2));
    let lost = |run: &RunSummary| estimate(&metric(run, "follow_up_lost_share")).mean;
    assert!(
        lost(&b) < lost(&a) / 2.0,
        "{} against {}",
        lost(&b),
        lost(&a)
    );
    assert!(estimate(&metric(&b, "follow_up_wait_mean_days")).mean > 0.01);
}

/// While enrolled, follow-up prevents its share of repeat crises: with everyone
/// enrolled for good, each crisis is followed by another with chance p × (1 − effect).
#[test]
fn enrolment_prevents_its_share_of_repeats() {
    let model = common::load(
        "tests/data/follow-up.toml",
        &[
            "prevention={ repeat = { referred = 0.4 }, repeat_delay = \"fixed(1d)\" }",
            "follow_up.engagement=1",
            "follow_up.caseload=100000",
            "follow_up.enrolment=\"fixed(10000d)\"",
        ],
    );
    let run = common::run(&model, 2);
    let (n, r) = (metric(&run, "incidents"), metric(&run, "repeat_crises"));
    let per_first: Vec<f64> = r.iter().zip(&n).map(|(r, n)| r / (n - r)).collect();
    let q = 0.4 * (1.0 - 0.5);
    assert_covers(
        "repeats per first crisis, enrolled",
        &per_first,
        q / (1.0 - q),
        0.02,
    );
}

/// No crisis starts while the person is in custody: with every crisis an arrest, 40
/// days in jail and a fixed day to the next crisis, every repeat comes 41 days after
/// the last, never within 30.
#[test]
fn no_repeat_falls_inside_a_jail_stay() {
    let model = common::load(
        "tests/data/repeats.toml",
        &[
            "facilities=[{ name = \"Jail\", kind = \"jail\", zone = \"A\", handoff = \"fixed(10min)\" }]",
            "call_types.crisis.outcomes.team={ arrest = 1.0 }",
            "prevention.repeat={ arrest = 0.3 }",
            "people.jail_stay=\"fixed(40d)\"",
        ],
    );
    let run = common::run(&model, 2);
    assert!(
        metric(&run, "repeat_within_30d_share")
            .iter()
            .all(|x| *x == 0.0)
    );
    let (n, r) = (metric(&run, "incidents"), metric(&run, "repeat_crises"));
    let within_year = metric(&run, "repeat_within_365d_share");
    for ((n, r), w) in n.iter().zip(&r).zip(&within_year) {
        assert!(*r > 0.0);
        assert!((w - r / n).abs() < 1e-12, "{w} against {}", r / n);
    }
}

/// Nor while in hospital: every crisis ends at the ED and is admitted for exactly 40
/// days, so with a fixed day's delay every repeat comes 41 days after the last.
#[test]
fn no_repeat_falls_inside_a_hospital_stay() {
    let model = common::load(
        "tests/data/repeats.toml",
        &[
            "facilities=[{ name = \"ED\", kind = \"emergency_department\", zone = \"A\", handoff = \"fixed(10min)\" }]",
            "call_types.crisis.outcomes.team={ emergency_department = 1.0 }",
            "prevention.repeat={ emergency_department = 0.3 }",
            "costs={ hospitalization_probability = 1.0, length_of_stay = \"fixed(40d)\" }",
            "people.jail_stay=\"fixed(1d)\"",
        ],
    );
    let run = common::run(&model, 2);
    let (n, r) = (metric(&run, "incidents"), metric(&run, "repeat_crises"));
    let within_30 = metric(&run, "repeat_within_30d_share");
    let within_year = metric(&run, "repeat_within_365d_share");
    for ((n, r), (w30, w365)) in n.iter().zip(&r).zip(within_30.iter().zip(&within_year)) {
        assert!(*r > 0.0 && *w30 == 0.0);
        assert!((w365 - r / n).abs() < 1e-12, "{w365} against {}", r / n);
    }
}

/// With every response exactly 30 minutes (a point city, turnout 30 min, no driving
/// noise, units to spare), a crisis escalates with chance 1 − exp(−rate × 0.5 h), and
/// each that does ends at the ED, where no other outcome leads.
#[test]
fn escalation_grows_with_the_wait_as_its_closed_form_says() {
    let model = common::load(
        "tests/data/repeats.toml",
        &[
            "travel.turnout=\"30min\"",
            "travel.noise_cv=0",
            "call_types.crisis.escalation_per_hour=0.5",
            "facilities=[{ name = \"ED\", kind = \"emergency_department\", zone = \"A\", handoff = \"fixed(10min)\" }]",
        ],
    );
    let run = common::run(&model, 2);
    assert!(
        metric(&run, "response_time_mean_min")
            .iter()
            .all(|m| (m - 30.0).abs() < 1e-9)
    );
    let (n, e) = (metric(&run, "incidents"), metric(&run, "escalations"));
    let share: Vec<f64> = e.iter().zip(&n).map(|(e, n)| e / n).collect();
    assert_covers("escalated share", &share, 1.0 - (-0.25f64).exp(), 0.01);
    // Those still on scene at the horizon have escalated but not yet ended.
    let ed = metric(&run, "emergency_department");
    assert!(
        e.iter().zip(&ed).all(|(e, ed)| ed <= e && e - ed <= 3.0),
        "{e:?} {ed:?}"
    );
}

/// Awareness of the line grows linearly from half the hotline share when it opens
/// (day 0) to the whole share over 750 days: over the measured days 10 to 375 the
/// factor averages 0.5 + 0.5 × (192.5 / 750), and so does the share of crises that
/// reach the line first. The crises themselves are the same: only their channel moves.
#[test]
fn awareness_of_the_line_ramps_its_share_up() {
    let ramp = common::load(
        "scenarios/validation/hotline-queue.toml",
        &["demand.hotline_share={ from = 0.5, to = 1.0, over = \"750d\" }"],
    );
    let run = common::run(&ramp, 2);
    let (n, h) = (metric(&run, "incidents"), metric(&run, "hotline_calls"));
    let share: Vec<f64> = h.iter().zip(&n).map(|(h, n)| h / n).collect();
    assert_covers(
        "share via the line",
        &share,
        0.5 + 0.5 * 192.5 / 750.0,
        0.01,
    );
    let plain = common::load("scenarios/validation/hotline-queue.toml", &[]);
    assert_eq!(n, metric(&common::run(&plain, 2), "incidents"));
}

fn centre(places: u32) -> String {
    format!(
        "facilities=[{{ name = \"Centre\", kind = \"crisis_center\", zone = \"A\", capacity = {places}, \
         length_of_stay = \"exp(10h)\", walk_ins = {{ per_day = 24 }} }}]"
    )
}

/// Walk-ins alone at a crisis centre (no crisis ends there): with places to spare, the
/// places in use follow Little's law (1 an hour × 10 hours = 10); with 12 places, the
/// walk-ins turned away follow Erlang B with 10 erlangs on 12; and walk-ins change no
/// crisis.
#[test]
fn walk_ins_fill_places_by_littles_law_and_erlang_b() {
    let roomy = common::run(
        &common::load("tests/data/repeats.toml", &[&centre(1000)]),
        2,
    );
    let occupancy = &roomy.by_facility["Centre"]["occupancy"];
    let [lo, hi] = occupancy.ci95.unwrap();
    println!(
        "places in use: exact 10, simulated {} [{}, {}]",
        1000.0 * occupancy.mean,
        1000.0 * lo,
        1000.0 * hi
    );
    assert!(lo * 1000.0 <= 10.0 && 10.0 <= hi * 1000.0 && (hi - lo) * 1000.0 < 0.4);
    assert!(
        metric(&roomy, "walk_ins_turned_away_share")
            .iter()
            .all(|x| *x == 0.0)
    );
    let tight = common::run(&common::load("tests/data/repeats.toml", &[&centre(12)]), 2);
    let away = metric(&tight, "walk_ins_turned_away_share");
    assert_covers("walk-ins turned away", &away, erlang_b(12, 10.0), 0.01);
    let none = common::run(&common::load("tests/data/repeats.toml", &[]), 2);
    assert_eq!(metric(&none, "incidents"), metric(&tight, "incidents"));
}

/// Walk-ins by hour of the day: with all of them in the first twelve hours the day's
/// count is still `per_day` on average (thinning keeps each candidate with its hour's
/// share of the peak rate), and the places held still follow Little's law.
#[test]
fn walk_ins_by_hour_keep_their_daily_count() {
    let hourly = format!(
        "[{}]",
        ["1"; 12]
            .iter()
            .chain(["0"; 12].iter())
            .copied()
            .collect::<Vec<_>>()
            .join(", ")
    );
    let set = centre(1000).replace(
        "walk_ins = { per_day = 24 }",
        &format!("walk_ins = {{ per_day = 24, hourly = {hourly} }}"),
    );
    let run = common::run(&common::load("tests/data/repeats.toml", &[&set]), 2);
    let per_day: Vec<f64> = metric(&run, "walk_ins").iter().map(|n| n / 365.0).collect();
    assert_covers("walk-ins a day", &per_day, 24.0, 0.2);
    let occupancy = &run.by_facility["Centre"]["occupancy"];
    let [lo, hi] = occupancy.ci95.unwrap();
    assert!(
        lo * 1000.0 <= 10.0 && 10.0 <= hi * 1000.0,
        "[{lo}, {hi}] × 1000"
    );
}

/// Involuntary holds: 40 % of the team's crisis-centre transports (half its crises)
/// are holds. Police, who answer no call of their own, come only for them, in exactly
/// their turnout, and take them to the one centre that accepts holds. Drawing holds
/// changes no crisis and no disposition.
#[test]
fn holds_wait_for_police_and_go_where_they_are_accepted() {
    let run = common::run(&common::load("tests/data/holds.toml", &[]), 2);
    let (n, holds) = (metric(&run, "incidents"), metric(&run, "holds"));
    let share: Vec<f64> = holds.iter().zip(&n).map(|(h, n)| h / n).collect();
    assert_covers("holds per crisis", &share, 0.5 * 0.4, 0.01);
    assert!(
        metric(&run, "hold_wait_mean_min")
            .iter()
            .all(|w| (w - 12.0).abs() < 1e-9)
    );
    let police = metric(&run, "police_involved_share");
    for ((p, h), n) in police.iter().zip(&holds).zip(&n) {
        // a hold drawn in the last minutes may still wait for its officer
        assert!((p * n - h).abs() <= 2.0, "{p} × {n} against {h}");
    }
    let far = run.by_facility["Far"]["arrivals"].mean;
    let held = holds.iter().sum::<f64>() / holds.len() as f64;
    assert!(
        (far - held).abs() <= 2.0,
        "{far} at Far against {held} holds"
    );
    let plain = common::run(
        &common::load(
            "tests/data/holds.toml",
            &["call_types.crisis.holds.share=0"],
        ),
        2,
    );
    assert_eq!(n, metric(&plain, "incidents"));
    assert_eq!(
        metric(&run, "crisis_center"),
        metric(&plain, "crisis_center")
    );
}

/// A crisis history before day 0 starts the run in the stationary state: with two
/// risk classes and a 60-day mean delay between crises (30 for the riskier class),
/// repeats take years to build up from an empty city, yet with a 15-year history the
/// first month, measured from day 0, already has the stationary share of repeat
/// crises, 0.56 / 1.56. Without it, that month has almost none. The first crises are
/// the same either way.
#[test]
fn a_crisis_history_starts_the_run_stationary() {
    let mut settings = CLASSES.to_vec();
    settings.extend([
        "prevention.repeat_delay=\"exp(60d)\"",
        "scenario.days=30",
        "scenario.warmup_days=0",
        "scenario.replications=40",
    ]);
    let cold = common::run(&common::load("tests/data/repeats.toml", &settings), 2);
    settings.push("people.history=\"5475d\"");
    let warm = common::run(&common::load("tests/data/repeats.toml", &settings), 2);
    let share = |run: &RunSummary| -> Vec<f64> {
        let (n, r) = (metric(run, "incidents"), metric(run, "repeat_crises"));
        r.iter().zip(&n).map(|(r, n)| r / n).collect()
    };
    let per_first = 0.8 * 0.2 + 0.2 * 2.0;
    let stationary = per_first / (1.0 + per_first);
    assert_covers("repeat share from day 0", &share(&warm), stationary, 0.03);
    let cold_mean = estimate(&share(&cold)).mean;
    println!("repeat share from day 0 without a history: {cold_mean:.4}");
    assert!(cold_mean < stationary / 2.0, "{cold_mean}");
    let firsts = |run: &RunSummary| -> Vec<f64> {
        let (n, r) = (metric(run, "incidents"), metric(run, "repeat_crises"));
        n.iter().zip(&r).map(|(n, r)| n - r).collect()
    };
    assert_eq!(firsts(&cold), firsts(&warm));
}

/// A repeat keeps its person's last call type with chance `usual_call_type`: when only
/// welfare checks lead to repeats and every repeat keeps its type, the other call
/// types have exactly the crises they have with no repeats at all; drawn afresh, they
/// get their share of the repeats.
#[test]
fn a_usual_call_type_keeps_repeats_in_their_type() {
    let types = [
        "call_types=[{ name = \"a\", share = 0.5, responders = [\"team\"], on_scene = { team = \"exp(30min)\" }, outcomes.team = { referred = 1.0 } }, { name = \"b\", share = 0.5, responders = [\"team\"], on_scene = { team = \"exp(30min)\" }, outcomes.team = { resolved_on_scene = 1.0 } }]",
        "prevention.repeat={ referred = 0.5, resolved_on_scene = 0.0 }",
    ];
    let run = |extra: &[&str]| {
        let mut sets = types.to_vec();
        sets.extend_from_slice(extra);
        common::run(&common::load("tests/data/repeats.toml", &sets), 2)
    };
    // "b" is the second call type
    let b = |r: &RunSummary| -> Vec<f64> {
        r.per_replication
            .iter()
            .map(|x| x.by_call_type[1].incidents)
            .collect()
    };
    let none = run(&["prevention.repeat.referred=0"]);
    let usual = run(&["people.usual_call_type=1.0"]);
    let fresh = run(&["people.usual_call_type=0.0"]);
    assert_eq!(b(&usual), b(&none));
    let (mean_fresh, mean_none) = (estimate(&b(&fresh)).mean, estimate(&b(&none)).mean);
    assert!(
        mean_fresh > mean_none * 1.3,
        "{mean_fresh} against {mean_none}"
    );
}
