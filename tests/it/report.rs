//! Charts and the HTML report of `run` and `compare`: files exist, are valid SVG and
//! PNG of sensible size, the page holds every chart and table and needs no network,
//! and `compare` pairs replications (common random numbers).

use super::common;

use std::path::Path;

const RUN_CHARTS: [&str; 11] = [
    "response_time",
    "demand_by_hour",
    "utilization",
    "dispositions",
    "response_p90_by_zone",
    "zone_map",
    "facility_occupancy",
    "facility_time",
    "costs",
    "incidents_by_month",
    "warmup",
];
const COMPARE_CHARTS: [&str; 9] = [
    "compare_response_times",
    "compare_shares",
    "compare_outcomes",
    "compare_utilization",
    "compare_dispositions",
    "compare_response_time",
    "compare_costs",
    "compare_cost_per_incident",
    "incidents_by_month",
];

fn check_png(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    assert!(
        bytes.len() > 5_000 && bytes.len() < 2_000_000,
        "{}: {} bytes",
        path.display(),
        bytes.len()
    );
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    assert_eq!((info.width, info.height), (960, 540));
    let mut colours: Vec<&[u8]> = pixels.chunks(3).collect();
    colours.sort();
    colours.dedup();
    assert!(
        colours.len() > 20,
        "{}: nearly blank ({} colours)",
        path.display(),
        colours.len()
    );
}

fn check_svg(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.len() > 2_000, "{}", path.display());
    assert!(
        text.contains("<svg") && text.trim_end().ends_with("</svg>"),
        "{}",
        path.display()
    );
    assert!(
        text.matches("<text").count() >= 5,
        "{}: titles and labels expected",
        path.display()
    );
}

fn check_page(path: &Path, charts: &[&str], sections: &[&str]) -> String {
    let page = std::fs::read_to_string(path).unwrap();
    for name in charts {
        let start = page
            .find(&format!("id=\"chart-{name}\""))
            .unwrap_or_else(|| panic!("chart {name} missing"));
        let figure = &page[start..start + page[start..].find("</figure>").unwrap()];
        assert!(
            figure.contains("<svg") && figure.contains("viewBox"),
            "{name} not inlined"
        );
    }
    for section in sections {
        assert!(page.contains(section), "section {section} missing");
    }
    for external in ["src=\"http", "href=\"http", "<link", "<img src=\"charts"] {
        assert!(
            !page.contains(external),
            "the page must be self-contained ({external})"
        );
    }
    page
}

/// `crisis-sim run scenarios/mid-size-city.toml --out OUT --quiet` with `extra` flags.
fn run_mid_size_city(out: &Path, extra: &[&str]) {
    let mut args = vec![
        "run",
        "scenarios/mid-size-city.toml",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ];
    args.extend(extra);
    common::run_cli(&args);
}

#[test]
fn run_writes_charts_and_a_self_contained_report() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("run");
    run_mid_size_city(&out, &["--replications", "4", "--days", "60"]);
    for name in RUN_CHARTS {
        check_svg(&out.join(format!("charts/{name}.svg")));
        check_png(&out.join(format!("charts/{name}.png")));
    }
    let page = check_page(
        &out.join("report.html"),
        &RUN_CHARTS,
        &[
            "crises arose. A unit reached them in",
            "Everything counted cost $",
            "<h2>Results</h2>",
            "<h2>All metrics</h2>",
            "<h2>By call type</h2>",
            "<h2>By zone</h2>",
            "<h2>By priority</h2>",
            "<h2>By the first responder on scene</h2>",
            "<h2>By facility</h2>",
            "How this run was made",
            "STRESS-DES",
            "4.1 Initialisation",
            "5.2 Random sampling",
        ],
    );
    // The scenario file is embedded, and how to repeat the run is stated.
    assert!(page.contains("crises_per_100k_per_day = 3.75"));
    assert!(page.contains("crisis-sim run scenarios/mid-size-city.toml --seed 1 --replications 4"));
    assert!(page.contains("welfare_check") && page.contains("Downtown"));
}

/// A run too short for some charts leaves them out and says why, instead of drawing
/// empty axes.
#[test]
fn short_runs_say_why_a_chart_is_missing() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("short");
    run_mid_size_city(
        &out,
        &[
            "--replications",
            "2",
            "--days",
            "5",
            "--set",
            "scenario.warmup_days=0",
        ],
    );
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    for (name, why) in [
        ("incidents_by_month", "shorter than one 30-day month"),
        ("warmup", "shorter than two weeks"),
    ] {
        assert!(!out.join(format!("charts/{name}.svg")).exists(), "{name}");
        assert!(
            page.contains(&format!("No chart <code>{name}</code>")) && page.contains(why),
            "{name}: the page must say why it is missing"
        );
    }
    assert!(out.join("charts/response_time.svg").exists());
}

fn column(csv: &Path, name: &str) -> Vec<String> {
    let text = std::fs::read_to_string(csv).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = header.iter().position(|h| *h == name).unwrap();
    lines
        .map(|l| l.split(',').nth(at).unwrap().to_string())
        .collect()
}

#[test]
fn compare_of_identical_scenarios_gives_zero_differences() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("same");
    let s = "scenarios/mid-size-city.toml";
    common::run_cli(&[
        "compare",
        s,
        s,
        "--out",
        out.to_str().unwrap(),
        "--replications",
        "3",
        "--days",
        "30",
        "--quiet",
    ]);
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("comparison.json")).unwrap()).unwrap();
    let metrics = json["differences"][0]["metrics"].as_object().unwrap();
    assert!(metrics.len() > 15);
    for (name, d) in metrics {
        if d["n"] == 0 {
            continue; // a metric that does not apply (no hotline here)
        }
        assert_eq!(d["mean"], 0.0, "{name}");
        assert_eq!(d["resolved"], false, "{name}");
        if let Some(ci) = d["ci95"].as_array() {
            assert_eq!(
                (ci[0].as_f64(), ci[1].as_f64()),
                (Some(0.0), Some(0.0)),
                "{name}"
            );
        }
    }
    assert!(
        out.join("mid-size-city/summary.json").exists()
            && out.join("mid-size-city-2/report.html").exists()
    );
}

#[test]
fn compare_pairs_replications_and_narrows_intervals() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("staffing");
    let (a, b) = (
        "scenarios/mid-size-city-mobile-crisis.toml",
        "scenarios/mid-size-city-mobile-crisis-daytime.toml",
    );
    common::run_cli(&["compare", a, b, "--out", out.to_str().unwrap(), "--quiet"]);
    // Scenarios that differ only in staffing see the very same first crises (repeat
    // crises depend on how earlier ones ended, so they may differ).
    let first_crises = |dir: &str| -> Vec<f64> {
        let path = out.join(dir).join("replications.csv");
        let all = column(&path, "incidents");
        let repeats = column(&path, "repeat_crises");
        let number = |x: &String| x.parse::<f64>().unwrap();
        all.iter()
            .zip(&repeats)
            .map(|(a, r)| number(a) - number(r))
            .collect()
    };
    assert_eq!(
        first_crises("mid-size-city-mobile-crisis"),
        first_crises("mid-size-city-mobile-crisis-daytime")
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("comparison.json")).unwrap()).unwrap();
    let d = &json["differences"][0]["metrics"];
    let width = |ci: &serde_json::Value| ci[1].as_f64().unwrap() - ci[0].as_f64().unwrap();
    // Outcomes, not response times: overnight the two scenarios send different kinds,
    // so their response times share little noise.
    for metric in [
        "emergency_department",
        "arrests",
        "use_of_force",
        "crisis_center",
    ] {
        let (paired, unpaired) = (
            width(&d[metric]["ci95"]),
            width(&d[metric]["unpaired_ci95"]),
        );
        assert!(
            paired < 0.8 * unpaired,
            "{metric}: paired {paired} vs unpaired {unpaired}"
        );
    }
    let csv = std::fs::read_to_string(out.join("comparison.csv")).unwrap();
    assert!(csv.starts_with("scenario,metric,mean,ci95_lo,ci95_hi,diff_mean,diff_ci95_lo,diff_ci95_hi,unpaired_ci95_lo,unpaired_ci95_hi,resolved\n"));
    for name in COMPARE_CHARTS {
        check_svg(&out.join(format!("charts/{name}.svg")));
        check_png(&out.join(format!("charts/{name}.png")));
    }
    let page = check_page(
        &out.join("report.html"),
        &COMPARE_CHARTS,
        &["paired 95 % CI", "unpaired 95 % CI", "STRESS-DES"],
    );
    // Files that a scenario extends are embedded too, so the page holds every input.
    assert!(page.contains("<p>extends <code>") && page.contains("crises_per_100k_per_day = 3.75"));
}

/// The metric table in docs/outputs.md is the registry's, word for word: names and
/// meanings live in one place.
#[test]
fn the_docs_list_every_metric_as_the_registry_does() {
    let page =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/outputs.md"))
            .unwrap();
    let table = crisis_sim::stats::metrics::markdown_table();
    assert!(
        page.contains(&table),
        "docs/outputs.md must hold the metric table exactly as the registry gives it:\n{table}"
    );
}
