//! Population groups: counts by group that add up to the city's, relative risks of
//! police contact that reproduce the ratio of rates, an interpreter's fixed wait that
//! adds exactly to the response, and groups that change no arrival.

use super::common;

use crisis_sim::sim::Record;
use crisis_sim::sim::record::GroupCounts;
use crisis_sim::stats::estimate;

const CITY: &str = "tests/data/groups.toml";
const ARREST: usize = 4;

/// Per replication, group `a`'s rate per crisis over the others' (`others` is last).
fn ratios(records: &[Record], rate: impl Fn(&GroupCounts) -> u64) -> Vec<f64> {
    let per_crisis = |g: &GroupCounts| rate(g) as f64 / g.incidents as f64;
    (records.iter())
        .map(|r| per_crisis(&r.by_group[0]) / per_crisis(&r.by_group[2]))
        .collect()
}

fn assert_within_ci(values: &[f64], expected: f64, what: &str) {
    let e = estimate(values);
    let [lo, hi] = e.ci95.expect("an interval");
    // Not vacuous: the interval is narrower than a fifth of the value.
    assert!(hi - lo < 0.2 * expected, "{what}: [{lo}, {hi}] too wide");
    assert!(
        lo <= expected && expected <= hi,
        "{what}: {expected} outside [{lo}, {hi}] (mean {})",
        e.mean
    );
}

/// Group `a` meets three times the use of force, twice the injuries and twice the
/// arrests per crisis of everyone else, as its factors say, and the city's average
/// chance stays the call type's: the factors say who bears the harm, not how much.
#[test]
fn relative_risks_reproduce_the_ratio_of_rates() {
    let model = common::load(CITY, &["scenario.replications=24"]);
    let records = common::records(&model);
    assert_within_ci(&ratios(&records, |g| g.use_of_force), 3.0, "use of force");
    assert_within_ci(&ratios(&records, |g| g.injuries), 2.0, "injuries");
    assert_within_ci(
        &ratios(&records, |g| g.dispositions[ARREST]),
        2.0,
        "arrests",
    );
    let city: Vec<f64> = (records.iter())
        .map(|r| r.use_of_force as f64 / r.incidents as f64)
        .collect();
    let e = estimate(&city);
    let [lo, hi] = e.ci95.unwrap();
    assert!(
        lo <= 0.05 && 0.05 <= hi,
        "city force per crisis {} [{lo}, {hi}]",
        e.mean
    );
}

/// With no queue and every drive the 5-minute turnout, a person who needs an
/// interpreter, reached by a unit without their language, is reached in exactly
/// 5 + 10 minutes; everyone else in exactly 5.
#[test]
fn an_interpreter_adds_its_fixed_wait_to_the_response() {
    let run = common::run(&common::load(CITY, &["scenario.replications=2"]), 2);
    let mean = |g: &str| run.by_group[g]["response_time_mean_min"].mean;
    let p90 = |g: &str| run.by_group[g]["response_time_p90_min"].mean;
    assert!((mean("lep") - 15.0).abs() < 1e-9, "{}", mean("lep"));
    assert!((mean("others") - 5.0).abs() < 1e-9, "{}", mean("others"));
    assert!((mean("a") - 5.0).abs() < 1e-9);
    assert!((p90("lep") - 15.0).abs() < 0.1);
    // Every police officer speaking Spanish: no wait at all.
    let sets = [
        "scenario.replications=2",
        "responders.police.languages={ es = 1.0 }",
    ];
    let run = common::run(&common::load(CITY, &sets), 2);
    assert!((run.by_group["lep"]["response_time_mean_min"].mean - 5.0).abs() < 1e-9);
}

/// Every count by group adds up to the city's, for each replication, and each group's
/// share of crises is its share of the population.
#[test]
fn groups_add_up_to_the_whole_city() {
    let model = common::load(CITY, &["scenario.replications=4"]);
    assert_eq!(model.groups.names, ["a", "lep", "others"]);
    for r in common::records(&model) {
        let sum = |f: fn(&GroupCounts) -> u64| r.by_group.iter().map(f).sum::<u64>();
        assert_eq!(sum(|g| g.incidents), r.incidents);
        assert_eq!(sum(|g| g.police_involved), r.police_involved);
        assert_eq!(sum(|g| g.use_of_force), r.use_of_force);
        assert_eq!(sum(|g| g.injuries), r.injuries);
        for d in 0..5 {
            let by_group: u64 = r.by_group.iter().map(|g| g.dispositions[d]).sum();
            assert_eq!(by_group, r.dispositions[d]);
        }
        let responses: u64 = r.by_group.iter().map(|g| g.response.count()).sum();
        assert_eq!(responses, r.response.count());
        // Binomial: 7,300 crises, share 0.3, sd ≈ 39; 5 sd.
        let a = r.by_group[0].incidents as f64;
        assert!((a - 0.3 * r.incidents as f64).abs() < 5.0 * 39.0, "{a}");
    }
}

/// A demand factor of 3 on a tenth of the people gives them 3 / (3 × 0.1 + 0.9) = 25 %
/// of the crises, and the city still has as many.
#[test]
fn a_demand_factor_says_who_has_the_crises_not_how_many() {
    let plain = common::load(CITY, &["scenario.replications=4"]);
    let heavy = common::load(
        CITY,
        &["scenario.replications=4", "groups.lep.demand_factor=3"],
    );
    for (p, h) in common::records(&plain).iter().zip(common::records(&heavy)) {
        assert_eq!(p.incidents, h.incidents);
        let share = h.by_group[1].incidents as f64 / h.incidents as f64;
        // sd of a share of 7,300 at 0.25: 0.005; 5 sd.
        assert!((share - 0.25).abs() < 0.025, "{share}");
    }
}

/// Groups draw from a stream of their own: adding them moves no arrival.
#[test]
fn groups_change_no_arrival() {
    let with = common::load(CITY, &["scenario.days=60"]);
    let without = common::load(CITY, &["scenario.days=60", "groups=[]"]);
    let (_, a) = crisis_sim::sim::run_logged(&with, 5);
    let (_, b) = crisis_sim::sim::run_logged(&without, 5);
    assert!(a.len() > 1000);
    assert_eq!(a, b);
}
