//! Probabilistic sensitivity analysis: a linear case with an exact answer, the tornado's
//! bars, sharded runs that merge to the same bytes, and bad input.

use std::path::PathBuf;

use crisis_sim::experiment::RunOptions;
use crisis_sim::experiment::saved::run_each;
use crisis_sim::experiment::uncertainty::{self, Options};
use crisis_sim::stats::sweep::SweepPoint;
use crisis_sim::stats::uncertainty::UncertaintySummary;

use super::common;
use crate::common::crisis_sim;

const LINEAR: &str = "tests/data/psa-linear.toml";

fn analyse(file: &str, draws: usize, tornado: Option<&str>) -> UncertaintySummary {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let options = Options {
        draws,
        replications: 2,
        tornado: tornado.map(String::from),
        outcome: "emergency_department".into(),
    };
    let prepared = uncertainty::prepare(&[root.join(file)], &[], &[], &options).unwrap();
    let mut points: Vec<SweepPoint> = Vec::new();
    let all: Vec<usize> = (0..prepared.plan.points.len()).collect();
    let run = RunOptions {
        threads: Some(2),
        progress: false,
    };
    run_each(&prepared.runs(), &all, &run, |p| {
        points.push(p);
        Ok(())
    })
    .unwrap();
    UncertaintySummary::new(prepared.plan, &points)
}

fn metric(s: &UncertaintySummary, name: &str) -> Vec<f64> {
    let m = s.plan.metrics[0].iter().position(|x| x == name).unwrap();
    s.draws.iter().map(|d| d[0][m]).collect()
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

fn sd(v: &[f64]) -> f64 {
    let m = mean(v);
    (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / v.len() as f64).sqrt()
}

/// With the same random numbers at every draw, every draw has the same ED visits, so
/// total cost is exactly ED visits × the drawn cost plus a constant: its spread across
/// draws is ED visits × the input's spread, and its mean is the cost at the input's
/// mean up to the Latin hypercube's error, at most half a stratum: ED × (b − a) / 2n.
#[test]
fn total_cost_is_linear_in_an_uncertain_ed_cost() {
    let n = 50;
    let s = analyse(LINEAR, n, None);
    let ed = metric(&s, "emergency_department");
    assert!(
        ed.iter().all(|x| *x == ed[0]),
        "ED visits differ across draws"
    );
    let visits = ed[0];
    assert!(visits > 1_000.0);
    let drawn: Vec<f64> = s.plan.values.iter().map(|v| v[0]).collect();
    let cost = metric(&s, "cost_total");
    let spread = sd(&cost);
    assert!(
        (spread - visits * sd(&drawn)).abs() <= 1e-6 * spread,
        "{spread}"
    );
    // The drawn values' spread is the uniform's, within the stratification's bound:
    // half a stratum of RMS offset plus the midpoints' own shortfall.
    let (a, b) = (500.0, 1500.0);
    let sigma = (b - a) / 12f64.sqrt();
    let w = (b - a) / n as f64;
    let bound = w / 2.0 + sigma * (1.0 - (1.0 - 1.0 / (n * n) as f64).sqrt());
    assert!(
        (sd(&drawn) - sigma).abs() <= bound,
        "{} vs {sigma} ± {bound}",
        sd(&drawn)
    );

    let at_mean = common::run(
        &common::load(
            LINEAR,
            &["costs.ed_visit=1000.0", "scenario.replications=2"],
        ),
        2,
    )
    .mean(crisis_sim::stats::metrics::COST_TOTAL);
    let constant = cost[0] - visits * drawn[0];
    assert!((at_mean - (constant + visits * 1000.0)).abs() <= 1e-6 * at_mean);
    let limit = visits * w / 2.0;
    assert!(
        (mean(&cost) - at_mean).abs() <= limit,
        "mean over draws {} vs cost at the mean {at_mean} (± {limit})",
        mean(&cost)
    );
    let spread = &s.metrics[&s.plan.scenarios[0]]["cost_total"];
    assert!(spread.p2_5 < at_mean && at_mean < spread.p97_5);
}

#[test]
fn tornado_bars_follow_their_widths_and_an_idle_input_has_none() {
    let s = analyse("tests/data/psa-tornado.toml", 4, Some("cost_total"));
    let t = s.tornado.expect("a tornado");
    let keys: Vec<&str> = t.bars.iter().map(|b| b.key.as_str()).collect();
    assert_eq!(
        keys[..2],
        ["costs.ed_visit", "responders.team.cost_per_hour"]
    );
    assert!(t.bars.windows(2).all(|w| w[0].width >= w[1].width));
    for idle in &t.bars[2..] {
        assert_eq!(idle.width, 0.0, "{}", idle.key);
        assert_eq!(idle.low[1], t.base);
    }
    assert!(t.bars[1].width > 0.0);
    // Each end is the input at its 5 % or 95 % point.
    assert!((t.bars[0].low[0] - 550.0).abs() < 1e-9 && (t.bars[0].high[0] - 1450.0).abs() < 1e-9);
}

fn psa_args<'a>(out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "uncertainty",
        "tests/data/psa-linear.toml",
        "tests/data/psa-tornado.toml",
        "--draws",
        "6",
        "--replications-per-draw",
        "2",
        "--tornado",
        "--quiet",
        "--out",
        out,
    ];
    args.extend_from_slice(extra);
    args
}

/// Shards of an analysis merge into the same bytes as the whole run; the outputs hold
/// one CSV row per draw and the probability statements.
#[test]
fn shards_merge_into_the_whole_analysis_byte_for_byte() {
    let temp = tempfile::tempdir().unwrap();
    let dir = |name: &str| temp.path().join(name).to_str().unwrap().to_string();
    let (whole, s0, s1, merged) = (dir("whole"), dir("s0"), dir("s1"), dir("merged"));
    assert!(crisis_sim(&psa_args(&whole, &[])).status.success());
    for (out, shard) in [(&s0, "0/2"), (&s1, "1/2")] {
        assert!(
            crisis_sim(&psa_args(out, &["--shard", shard]))
                .status
                .success()
        );
    }
    let m = crisis_sim(&["merge", &s1, &s0, "--out", &merged]);
    assert!(m.status.success(), "{}", String::from_utf8_lossy(&m.stderr));
    let (a, b) = (
        common::files(std::path::Path::new(&whole)),
        common::files(std::path::Path::new(&merged)),
    );
    assert!(a.iter().any(|f| f.0.ends_with("charts/tornado.svg")));
    assert!(a.iter().any(|f| f.0.ends_with("charts/ce_plane.png")));
    assert!(a == b, "merged files differ from the whole analysis");
    // `report DIR` makes the analysis again from its saved points, byte for byte.
    assert!(crisis_sim(&["report", &merged]).status.success());
    assert!(common::files(std::path::Path::new(&merged)) == a);
    let csv =
        std::fs::read_to_string(std::path::Path::new(&whole).join("uncertainty.csv")).unwrap();
    assert_eq!(csv.lines().count(), 7);
    assert!(csv.starts_with("draw,costs.ed_visit,"));
    let json: serde_json::Value = serde_json::from_slice(
        &std::fs::read(std::path::Path::new(&whole).join("uncertainty.json")).unwrap(),
    )
    .unwrap();
    let p = &json["differences"]["facility queue"]["cost_total"]["p_below_zero"];
    assert!(p.is_number(), "{p}");
    let page = std::fs::read_to_string(std::path::Path::new(&whole).join("report.html")).unwrap();
    assert!(page.contains("What was varied") && page.contains("a test range"));
}

#[test]
fn bad_uncertainty_input_is_refused_with_exit_2_and_nothing_written() {
    let temp = tempfile::tempdir().unwrap();
    let write = |name: &str, table: &str| {
        let path = temp.path().join(name);
        let base =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/psa-linear.toml");
        let text = format!(
            "extends = {:?}\n\n[uncertainty]\n{table}\n",
            base.to_str().unwrap()
        );
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    };
    let cases = [
        (
            write("missing.toml", "\"costs.ed_vist\" = \"uniform(1, 2)\""),
            "names no value",
            "5",
        ),
        (
            write(
                "above1.toml",
                "\"costs.hospitalization_probability\" = \"uniform(0.5, 1.5)\"",
            ),
            "a probability must be in [0, 1]",
            "5",
        ),
        (
            write("neg.toml", "\"costs.ed_visit\" = \"normal(600, 400)\""),
            "can draw",
            "5",
        ),
        (
            write("form.toml", "\"costs.ed_visit\" = \"gamma(1, 2)\""),
            "not a distribution",
            "5",
        ),
        (
            write("zero.toml", "\"costs.ed_visit\" = \"uniform(1, 2)\""),
            "--draws",
            "0",
        ),
    ];
    for (file, expected, draws) in &cases {
        let out = temp.path().join("out");
        let result = crisis_sim(&[
            "uncertainty",
            file,
            "--draws",
            draws,
            "--out",
            out.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert_eq!(result.status.code(), Some(2), "{file}: {stderr}");
        assert!(stderr.contains(expected), "{file}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(!out.exists(), "{file}: wrote {}", out.display());
    }
    let none = crisis_sim(&[
        "uncertainty",
        "scenarios/validation/mmc.toml",
        "--draws",
        "2",
    ]);
    assert_eq!(none.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&none.stderr).contains("no [uncertainty] table"));
}

/// Every shipped `[uncertainty]` table can be drawn: its ranges stay within what each
/// key accepts (checked at their extremes) and every draw loads.
#[test]
fn every_shipped_uncertainty_table_can_be_drawn() {
    let mut checked = 0;
    for path in common::shipped_scenarios() {
        let model = common::load(path.to_str().unwrap(), &[]);
        if model.uncertainty.is_empty() {
            continue;
        }
        let options = Options {
            draws: 8,
            replications: 1,
            tornado: Some("cost_total".into()),
            outcome: "emergency_department".into(),
        };
        let prepared = uncertainty::prepare(std::slice::from_ref(&path), &[], &[], &options)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(prepared.models.len(), 8 + 1 + 2 * model.uncertainty.len());
        checked += 1;
    }
    assert!(checked >= 3, "{checked} scenarios have [uncertainty]");
}
