//! Every shipped scenario runs and its figures stay within the ranges documented in
//! scenarios/README.md. A new scenario without ranges here fails the test.

use super::common;

type Range = (&'static str, f64, f64);

fn documented_ranges(file: &str) -> Option<Vec<Range>> {
    let ranges: Vec<Range> = match file {
        "mid-size-city.toml" => vec![
            ("incidents", 15_500.0, 18_500.0),
            ("repeat_crises", 3_000.0, 5_000.0),
            ("response_time_mean_min", 6.0, 12.0),
            ("response_time_p90_min", 9.0, 20.0),
            ("unserved", 0.0, 1.0),
            ("police_involved_share", 0.999, 1.0),
            ("utilization_police", 0.5, 0.75),
            ("unstaffed_shift_share_police", 0.04, 0.06),
            ("emergency_department", 5_000.0, 8_000.0),
            ("cost_per_incident", 3_000.0, 4_500.0),
        ],
        "mid-size-city-mobile-crisis.toml" => vec![
            ("incidents", 15_000.0, 18_000.0),
            ("response_time_p90_min", 20.0, 45.0),
            ("police_involved_share", 0.15, 0.35),
            ("no_police_share", 0.65, 0.85),
            ("backup_requests", 40.0, 250.0),
            ("utilization_mobile_crisis", 0.25, 0.6),
            ("unstaffed_shift_share_mobile_crisis", 0.08, 0.12),
            ("emergency_department", 3_000.0, 5_000.0),
            ("cost_per_incident", 3_000.0, 4_500.0),
        ],
        "mid-size-city-mobile-crisis-daytime.toml" => vec![
            ("incidents", 15_000.0, 18_000.0),
            ("response_time_p90_min", 18.0, 40.0),
            ("police_involved_share", 0.35, 0.55),
            ("no_police_share", 0.45, 0.65),
            ("utilization_mobile_crisis", 0.25, 0.55),
            ("emergency_department", 3_500.0, 5_500.0),
        ],
        "mid-size-city-prevention.toml" => vec![
            ("incidents", 42_000.0, 49_000.0),
            ("repeat_crises", 6_500.0, 9_500.0),
            ("hotline_calls", 12_000.0, 15_500.0),
            ("hotline_resolved_share", 0.65, 0.8),
            ("hotline_all_answer_mean_min", 0.3, 0.9),
            ("hotline_all_abandoned_share", 0.06, 0.14),
            ("psychiatry_consults", 3_000.0, 6_000.0),
            ("police_involved_share", 0.08, 0.2),
            ("response_time_p90_min", 20.0, 45.0),
            ("unserved", 0.0, 5.0),
            ("cost_per_incident", 3_000.0, 4_800.0),
        ],
        "co-responder.toml" => vec![
            ("incidents", 16_500.0, 18_500.0),
            ("response_time_mean_min", 14.0, 24.0),
            ("response_time_p90_min", 25.0, 45.0),
            ("police_involved_share", 0.999, 1.0),
            ("utilization_co_responder", 0.45, 0.75),
            ("arrests", 900.0, 1_600.0),
            ("emergency_department", 4_500.0, 6_500.0),
            ("cost_per_incident", 3_300.0, 4_600.0),
        ],
        "cit-police.toml" => vec![
            ("incidents", 16_800.0, 18_500.0),
            ("response_time_mean_min", 11.0, 20.0),
            ("response_time_p90_min", 22.0, 40.0),
            ("police_involved_share", 0.999, 1.0),
            ("utilization_cit_officer", 0.65, 0.92),
            ("arrests", 1_100.0, 1_800.0),
            ("emergency_department", 6_000.0, 7_800.0),
            ("cost_per_incident", 3_200.0, 4_200.0),
        ],
        "integrated-psychiatry.toml" => vec![
            ("incidents", 15_000.0, 18_000.0),
            ("psychiatry_consults", 1_500.0, 2_700.0),
            ("consult_wait_mean_min", 0.0, 3.0),
            ("police_involved_share", 0.12, 0.3),
            ("emergency_department", 2_800.0, 4_200.0),
            ("cost_per_incident", 3_000.0, 4_300.0),
        ],
        "hotline-988-mobile.toml" => vec![
            ("incidents", 15_000.0, 18_000.0),
            ("hotline_calls", 7_500.0, 9_500.0),
            ("hotline_resolved_share", 0.38, 0.5),
            ("hotline_all_abandoned_share", 0.0, 0.05),
            ("police_involved_share", 0.06, 0.18),
            ("response_time_p90_min", 20.0, 45.0),
            ("emergency_department", 2_300.0, 3_500.0),
            ("unserved", 0.0, 5.0),
        ],
        "big-city.toml" => vec![
            ("incidents", 200_000.0, 230_000.0),
            ("response_time_p90_min", 15.0, 30.0),
            ("police_involved_share", 0.07, 0.2),
            ("utilization_mobile_crisis", 0.35, 0.65),
            ("unserved", 0.0, 10.0),
            ("cost_per_incident", 3_000.0, 4_500.0),
        ],
        "rural-county.toml" => vec![
            ("incidents", 1_200.0, 1_800.0),
            ("response_time_mean_min", 25.0, 42.0),
            ("response_time_p90_min", 50.0, 90.0),
            ("response_within_target_share", 0.75, 0.92),
            ("police_involved_share", 0.2, 0.4),
            ("utilization_deputy", 0.35, 0.6),
            ("unserved", 0.0, 1.0),
            ("cost_per_incident", 3_500.0, 6_500.0),
        ],
        // Erlang C gives a mean wait of 52.4 min and utilization 0.85.
        "mmc.toml" => vec![
            ("dispatch_wait_mean_min", 47.0, 58.0),
            ("utilization_team", 0.83, 0.87),
            ("unserved", 0.0, 50.0),
        ],
        // 4 erlangs on 5 places that divert: Erlang B 0.1991 of 35,040 transports.
        "facility-loss.toml" => vec![
            ("incidents", 34_400.0, 35_700.0),
            ("diversions", 6_750.0, 7_200.0),
        ],
        // M/M/5 at rho = 0.85 on the line: Erlang C gives a mean wait of 52.4 min.
        "hotline-queue.toml" => vec![
            ("hotline_answer_mean_min", 47.0, 58.0),
            ("hotline_resolved_share", 0.999, 1.0),
        ],
        _ => return None,
    };
    Some(ranges)
}

#[test]
fn shipped_scenarios_stay_in_their_documented_ranges() {
    let mut checked = 0;
    for path in common::shipped_scenarios() {
        if path.parent().is_some_and(|d| d.ends_with("programs")) {
            continue; // checked against published figures in programs.rs
        }
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        let ranges =
            documented_ranges(&file).unwrap_or_else(|| panic!("{file} has no documented ranges"));
        let model = common::load(path.to_str().unwrap(), &["scenario.replications=6"]);
        let run = common::run(&model, 2);
        for (name, lo, hi) in ranges {
            let e = run.named(name).unwrap();
            assert!(
                lo <= e.mean && e.mean <= hi,
                "{file}: {name} = {} outside [{lo}, {hi}]",
                e.mean
            );
            checked += 1;
        }
    }
    assert!(checked >= 15);
}
