//! Every shipped scenario runs and its figures stay within the ranges documented in
//! `tests/data/scenario-ranges.toml`, the one place they are written; `scenarios/README.md`
//! shows them as this test renders them (`CRISIS_SIM_WRITE_RANGES=1 cargo test` writes
//! the table there). A new scenario without ranges fails the test.

use std::path::Path;

use super::common;

const RANGES: &str = "tests/data/scenario-ranges.toml";
const README: &str = "scenarios/README.md";
const BEGIN: &str =
    "<!-- ranges: rendered from tests/data/scenario-ranges.toml by tests/it/scenarios.rs -->";
const END: &str = "<!-- ranges: end -->";

/// A metric's documented range: `(metric, low, high)`.
type Range = (String, f64, f64);

/// `(scenario path under scenarios/, its ranges)`, in file order.
fn documented_ranges() -> Vec<(String, Vec<Range>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(RANGES)).unwrap();
    // toml_edit keeps the file's order.
    let doc: toml_edit::DocumentMut = text.parse().unwrap();
    doc.iter()
        .map(|(file, ranges)| {
            let ranges = ranges
                .as_table()
                .unwrap()
                .iter()
                .map(|(metric, v)| {
                    let v = v.as_array().unwrap();
                    let n = |i: usize| v.get(i).and_then(|x| x.as_float()).unwrap();
                    (metric.to_string(), n(0), n(1))
                })
                .collect();
            (file.to_string(), ranges)
        })
        .collect()
}

/// A number as the table shows it: thousands grouped, no trailing zeros.
fn shown(x: f64) -> String {
    if x.fract() == 0.0 {
        return crisis_sim::text::human_with(x, 0);
    }
    let text = crisis_sim::text::human_with(x, 3);
    text.trim_end_matches('0').to_string()
}

fn rendered() -> String {
    let mut out =
        format!("{BEGIN}\n| file | documented ranges (mean of 6 replications) |\n|---|---|\n");
    for (file, ranges) in documented_ranges() {
        let cells: Vec<String> = ranges
            .iter()
            .map(|(m, lo, hi)| format!("`{m}` {}–{}", shown(*lo), shown(*hi)))
            .collect();
        out.push_str(&format!("| `{file}` | {} |\n", cells.join("; ")));
    }
    out.push_str(END);
    out
}

#[test]
fn the_readme_shows_the_documented_ranges() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(README);
    let text = std::fs::read_to_string(&path).unwrap();
    let (Some(a), Some(b)) = (text.find(BEGIN), text.find(END)) else {
        panic!("{README} has no rendered ranges table");
    };
    let now = &text[a..b + END.len()];
    let want = rendered();
    if now != want && std::env::var_os("CRISIS_SIM_WRITE_RANGES").is_some() {
        std::fs::write(&path, text.replacen(now, &want, 1)).unwrap();
        return;
    }
    assert_eq!(
        now, want,
        "rerun with CRISIS_SIM_WRITE_RANGES=1 to write the table"
    );
}

#[test]
fn shipped_scenarios_stay_in_their_documented_ranges() {
    let documented = documented_ranges();
    let mut checked = 0;
    let scenarios = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    for path in common::shipped_scenarios() {
        if path.parent().is_some_and(|d| d.ends_with("programs")) {
            continue; // checked against published figures in programs.rs
        }
        let file = path
            .strip_prefix(&scenarios)
            .unwrap()
            .to_string_lossy()
            .to_string();
        let ranges = documented
            .iter()
            .find(|(f, _)| *f == file)
            .map(|(_, r)| r.clone())
            .unwrap_or_else(|| panic!("{file} has no documented ranges in {RANGES}"));
        let model = common::load(path.to_str().unwrap(), &["scenario.replications=6"]);
        let run = common::run(&model, 2);
        for (name, lo, hi) in ranges {
            let e = run
                .named(&name)
                .unwrap_or_else(|| panic!("{file}: no metric {name}"));
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
