//! Opens `report.html` in a real headless Chromium and checks that every chart is
//! laid out and visible and that nothing overflows: no chart text outside its chart, no
//! table wider than the page, at the council's seven scenarios. Ignored unless asked for (`cargo test -- --include-ignored`,
//! which `.ci/run` runs after installing Debian's `chromium`), so a machine without a
//! browser reports it as ignored, never as passed; asked for with no browser, it fails.

use super::common;

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn browser() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CRISIS_SIM_BROWSER") {
        return Some(PathBuf::from(path));
    }
    let names = [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ];
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// Chromium headless, alone: no sandbox (CI runs as root), no GPU, no network of its
/// own, a fresh profile.
pub const HEADLESS: [&str; 7] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
];

fn headless(browser: &Path, profile: &Path, args: &[&str]) -> std::process::Output {
    Command::new(browser)
        .args(HEADLESS)
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .unwrap()
}

fn check_in_browser(browser: &Path, page: &Path, charts: usize, temp: &Path) {
    let url = format!("file://{}", page.display());
    let dom = headless(
        browser,
        &temp.join("profile"),
        &[
            "--window-size=1200,3000",
            "--virtual-time-budget=5000",
            "--dump-dom",
            &url,
        ],
    );
    let text = String::from_utf8_lossy(&dom.stdout);
    let expected = format!("charts={charts} visible={charts} overflow=0");
    assert!(
        text.contains(&expected),
        "{}: browser reports {:?}",
        page.display(),
        text.split("render-check")
            .nth(1)
            .map(|s| &s[..s.len().min(80)])
    );

    let shot = temp.join("shot.png");
    let out = headless(
        browser,
        &temp.join("profile"),
        &[
            "--window-size=1200,3000",
            &format!("--screenshot={}", shot.display()),
            &url,
        ],
    );
    assert!(
        shot.exists(),
        "no screenshot: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    let step = info.color_type.samples();
    let coloured = pixels
        .chunks(step)
        .filter(|p| p[..3].iter().any(|c| *c < 200))
        .count();
    let share = coloured as f64 / (pixels.len() / step) as f64;
    assert!(
        share > 0.05,
        "{}: the screenshot is nearly blank ({share:.3} inked)",
        page.display()
    );
}

#[test]
#[ignore = "opens Chromium: run with `cargo test -- --include-ignored` (.ci/run does)"]
fn reports_render_in_a_real_browser() {
    let browser =
        browser().expect("no Chromium found (install Debian's `chromium`, as .ci/run does)");
    let temp = tempfile::tempdir().unwrap();
    let run = temp.path().join("run");
    let cmp = temp.path().join("cmp");
    for args in [
        vec![
            "run",
            "scenarios/mid-size-city-mobile-crisis.toml",
            "--out",
            run.to_str().unwrap(),
        ],
        [
            &["compare"][..],
            &COUNCIL[..],
            &["--out", cmp.to_str().unwrap()],
        ]
        .concat(),
    ] {
        let all: Vec<&str> = args
            .into_iter()
            .chain(["--replications", "3", "--days", "30", "--quiet"])
            .collect();
        common::run_cli(&all);
    }
    for dir in [run, cmp.clone()] {
        let charts = svg_count(&dir.join("charts"));
        assert!(charts >= 7, "{}: {charts} charts", dir.display());
        check_in_browser(&browser, &dir.join("report.html"), charts, temp.path());
    }
    every_scenario_has_a_legend_entry(&cmp);
}

/// The council's comparison: every response model against the police-only city.
const COUNCIL: [&str; 7] = [
    "scenarios/mid-size-city.toml",
    "scenarios/cit-police.toml",
    "scenarios/co-responder.toml",
    "scenarios/mid-size-city-mobile-crisis.toml",
    "scenarios/hotline-988-mobile.toml",
    "scenarios/integrated-psychiatry.toml",
    "scenarios/mid-size-city-prevention.toml",
];

/// Each chart that shows every scenario names each in its legend (the browser check
/// above makes sure no legend text lies outside its chart).
fn every_scenario_has_a_legend_entry(cmp: &Path) {
    let names: Vec<String> = std::fs::read_to_string(cmp.join("overview.csv"))
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("incidents,"))
        .map(|l| l.split(',').nth(3).unwrap().to_string())
        .collect();
    assert_eq!(names.len(), 7);
    for chart in ["compare_outcomes", "compare_response_time", "compare_costs"] {
        let svg = std::fs::read_to_string(cmp.join(format!("charts/{chart}.svg"))).unwrap();
        for name in &names {
            let short = name.trim_start_matches("Mid-size city: ");
            assert!(
                svg.contains(&format!(">{short}<")) || svg.contains(&format!(">\n{short}\n<")),
                "{chart}: no legend entry for {short}"
            );
        }
    }
}

/// The charts written, each of which the page must show.
fn svg_count(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "svg")
        })
        .count()
}
