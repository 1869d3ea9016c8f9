//! Golden values: the summary of a small scenario that uses every mechanism is checked
//! in and compared exactly, so a change to the random numbers (a dependency update in
//! the `rand` family, a new or moved draw) cannot pass unnoticed. After a deliberate
//! change, write the file again with `CRISIS_SIM_UPDATE_GOLDEN=1 cargo test golden`
//! and say why in the commit.

use crisis_sim::stats::metrics;
use std::path::Path;

use super::common;

const GOLDEN: &str = "tests/data/golden/summary.json";

#[test]
fn the_golden_scenario_gives_exactly_the_checked_in_summary() {
    let model = common::load("tests/data/golden.toml", &[]);
    let mut summary = common::run(&model, 2);
    summary.perf.wall_s = 0.0;
    let got = serde_json::to_string_pretty(&summary).unwrap() + "\n";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(GOLDEN);
    if std::env::var_os("CRISIS_SIM_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &got).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    if got != want {
        let line = got
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "{GOLDEN} differs from this build's summary from line {}: {:?} vs {:?}",
            line + 1,
            got.lines().nth(line),
            want.lines().nth(line)
        );
    }
    assert!(
        summary.mean(metrics::HOTLINE_CALLS) > 0.0
            && summary.mean(metrics::PSYCHIATRY_CONSULTS) > 0.0
    );
    assert!(summary.mean(metrics::REPEAT_CRISES) > 0.0 && summary.mean(metrics::ARRESTS) > 0.0);
}
