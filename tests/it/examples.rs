//! Every command the README, the pages in `docs/` and `--help` show runs on the shipped scenarios: each
//! `crisis-sim …` (or `cargo run --release --locked -- …`) line, with its output
//! redirected to a temporary folder and a short horizon so that the suite stays quick.

use std::path::Path;
use std::process::Command;

fn crisis_sim(args: &[String]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_crisis-sim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

/// Splits a command line as a shell would: quoted words ('single' or "double") kept
/// together, a `*.toml` pattern expanded.
fn words(line: &str) -> Vec<String> {
    if let Some(split) = shlex::split(line) {
        return split.into_iter().flat_map(expand).collect();
    }
    let mut out = Vec::new();
    for (i, part) in line.split('"').enumerate() {
        if i % 2 == 1 {
            out.push(part.to_string());
        } else {
            out.extend(part.split_whitespace().map(String::from));
        }
    }
    out.into_iter().flat_map(expand).collect()
}

fn expand(word: String) -> Vec<String> {
    let Some(dir) = word.strip_suffix("/*.toml") else {
        return vec![word];
    };
    let mut files: Vec<String> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| format!("{dir}/{}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    files.sort();
    files
}

/// The command's words without its horizon, replications and output folder, with a
/// short run into `out` instead.
fn quick(mut args: Vec<String>, out: &Path) -> Vec<String> {
    for flag in [
        "--out",
        "--days",
        "--replications",
        "--draws",
        "--replications-per-draw",
    ] {
        while let Some(i) = args.iter().position(|a| a == flag) {
            args.drain(i..(i + 2).min(args.len()));
        }
    }
    if matches!(
        args[0].as_str(),
        "run" | "compare" | "sweep" | "size" | "plan"
    ) {
        let more = ["--replications", "2", "--days", "10", "--quiet", "--out"];
        args.extend(more.iter().map(|s| s.to_string()));
        args.push(out.display().to_string());
        args.extend(["--set".into(), "scenario.warmup_days=10".into()]);
    }
    if args[0] == "calibrate" {
        let more = ["--fit", "none", "--quiet", "--out"];
        args.extend(more.iter().map(|s| s.to_string()));
        args.push(out.display().to_string());
    }
    if args[0] == "validate" {
        let more = ["--replications", "2", "--days", "10", "--quiet", "--out"];
        args.extend(more.iter().map(|s| s.to_string()));
        args.push(out.display().to_string());
    }
    if args[0] == "uncertainty" {
        let more = [
            "--draws",
            "3",
            "--replications-per-draw",
            "1",
            "--days",
            "10",
        ];
        args.extend(more.iter().map(|s| s.to_string()));
        args.extend(["--quiet".into(), "--out".into(), out.display().to_string()]);
        args.extend(["--set".into(), "scenario.warmup_days=10".into()]);
    }
    args
}

fn commands(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter_map(|l| {
            l.strip_prefix("cargo run --release --locked -- ")
                .or_else(|| l.strip_prefix("crisis-sim "))
        })
        .map(|l| l.split(" # ").next().unwrap_or(l).trim().to_string())
        // Synopsis lines name their arguments in capitals; they are not examples.
        .filter(|l| !l.contains("SCENARIO") && !l.contains(" DIR"))
        .filter(|l| !l.is_empty() && !l.starts_with("is "))
        .collect()
}

/// The README and every page in `docs/`, one after the other.
fn documents() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut pages: Vec<_> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    pages.sort();
    std::iter::once(root.join("README.md"))
        .chain(pages)
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_example_in_the_readme_docs_and_help_runs() {
    let mut lines = commands(&documents());
    for sub in [
        "",
        "run",
        "compare",
        "sweep",
        "size",
        "uncertainty",
        "calibrate",
        "validate",
        "merge",
        "check",
        "report",
        "serve",
    ] {
        let args: Vec<String> = [sub, "--help"]
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.to_string())
            .collect();
        let help = String::from_utf8(crisis_sim(&args).stdout).unwrap();
        lines.extend(commands(&help));
    }
    assert!(lines.len() >= 10, "{lines:?}");
    let temp = tempfile::tempdir().unwrap();
    let made = temp.path().join("made");
    for (i, line) in lines.iter().enumerate() {
        let mut args = quick(words(line), &temp.path().join(i.to_string()));
        if args[0] == "report" {
            let made_args = quick(words("run scenarios/mid-size-city.toml"), &made);
            assert!(crisis_sim(&made_args).status.success());
            args = vec!["report".into(), made.display().to_string()];
        }
        if args[0] == "merge" {
            args = shards(temp.path());
        }
        if args[0] == "serve" {
            starts_serving(args);
            continue;
        }
        let out = crisis_sim(&args);
        assert!(
            out.status.success(),
            "`{line}` failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A `serve` example runs until stopped: it must start (every file it names loads) and
/// print its URL; then it is stopped.
fn starts_serving(mut args: Vec<String>) {
    use std::io::BufRead;
    if let Some(i) = args.iter().position(|a| a == "--port") {
        args.drain(i..(i + 2).min(args.len()));
    }
    args.extend(["--port".into(), "0".into()]);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_crisis-sim"))
        .args(&args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    assert!(
        line.contains("http://127.0.0.1:"),
        "`{}` did not start: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `merge` of two shards of a small sweep made for it (made afresh for each `merge`
/// example).
fn shards(temp: &Path) -> Vec<String> {
    let mut merge: Vec<String> = vec!["merge".into()];
    for shard in ["0/2", "1/2"] {
        let dir = temp.join(format!("shard{}", &shard[..1]));
        let sweep = format!(
            "sweep scenarios/mid-size-city-mobile-crisis.toml --vary responders.mobile_crisis.units=3..4 --shard {shard} --fresh"
        );
        assert!(crisis_sim(&quick(words(&sweep), &dir)).status.success());
        merge.push(dir.display().to_string());
    }
    merge.extend(["--out".into(), temp.join("merged").display().to_string()]);
    merge
}

/// Every relative link in the README and the pages in `docs/` (and `scenarios/`'s
/// README) points at a file or folder that exists.
#[test]
fn every_link_in_the_docs_resolves() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut pages = vec![root.join("README.md"), root.join("scenarios/README.md")];
    pages.extend(
        std::fs::read_dir(root.join("docs"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "md")),
    );
    let link = regex::Regex::new(r"\]\(([^)\s]+)\)").unwrap();
    let mut broken = Vec::new();
    for page in &pages {
        let text = std::fs::read_to_string(page).unwrap();
        for target in link.captures_iter(&text).map(|c| c[1].to_string()) {
            let path = target.split('#').next().unwrap_or("");
            if path.is_empty() || path.contains("://") || path.starts_with("mailto:") {
                continue;
            }
            if !page.parent().unwrap().join(path).exists() {
                broken.push(format!("{}: {target}", page.display()));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}
