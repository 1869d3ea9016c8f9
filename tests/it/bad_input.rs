//! Every file in tests/data/bad/ breaks a valid scenario in one way. Each must give
//! exit code 2, a message naming the file, the line and the key, no panic, and no
//! output folder. The expected line, key and message are in the file's first line.

use std::path::{Path, PathBuf};
use std::process::Command;

struct Expect {
    line: usize,
    key: String,
    message: String,
    /// How many problems the file must give, when its first line says (`errors N`).
    errors: Option<usize>,
}

fn expectation(path: &Path) -> Expect {
    let text = std::fs::read_to_string(path).unwrap();
    let first = text.lines().next().unwrap();
    let field = |start: &str, end: char| -> String {
        let from = first.find(start).unwrap() + start.len();
        first[from..].split(end).next().unwrap().to_string()
    };
    Expect {
        line: field("line ", ';').parse().unwrap(),
        key: field("key `", '`'),
        message: field("contains \"", '"'),
        errors: first
            .find("errors ")
            .and_then(|at| first[at + 7..].trim().parse().ok()),
    }
}

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn corpus_is_large_enough_to_mean_something() {
    assert!(corpus().len() >= 20);
}

#[test]
fn every_broken_scenario_is_rejected_with_its_line_and_key() {
    let temp = tempfile::tempdir().unwrap();
    for path in corpus() {
        let expect = expectation(&path);
        let out = temp.path().join(path.file_stem().unwrap());
        let result = Command::new(env!("CARGO_BIN_EXE_crisis-sim"))
            .arg("run")
            .arg(&path)
            .arg("--out")
            .arg(&out)
            .arg("--quiet")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&result.stderr);
        let name = path.display().to_string();
        assert_eq!(result.status.code(), Some(2), "{name}: {stderr}");
        assert!(
            stderr.contains(&format!("{name}:{}:", expect.line)),
            "{name}: expected line {} in: {stderr}",
            expect.line
        );
        if !expect.key.is_empty() {
            assert!(
                stderr.contains(&format!("key `{}", expect.key)),
                "{name}: {stderr}"
            );
        }
        assert!(stderr.contains(&expect.message), "{name}: {stderr}");
        if let Some(n) = expect.errors {
            let problems = stderr.lines().filter(|l| l.contains(": key `")).count();
            assert_eq!(problems, n, "{name}: {stderr}");
        }
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(!out.exists(), "{name}: an output folder was written");
        let check = Command::new(env!("CARGO_BIN_EXE_crisis-sim"))
            .arg("check")
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(check.status.code(), Some(2), "{name}: check");
    }
}

#[test]
fn bad_set_and_missing_file_are_input_errors() {
    let temp = tempfile::tempdir().unwrap();
    let tiny = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny.toml");
    let cases: [(&[&str], &str); 5] = [
        (
            &["--set", "responders.nobody.units=3"],
            "no entry named `nobody`; known: police",
        ),
        (
            &["--set", "responders.police.units=-1"],
            "negative values are not allowed",
        ),
        (&["--set", "novalue"], "expected KEY=VALUE"),
        (&["--replications", "0"], "for '--replications <N>'"),
        (
            &["--days", "0"],
            "for '--days <D>': `0` is not a number of days above 0",
        ),
    ];
    for (args, message) in cases {
        let out = temp.path().join("out");
        let result = Command::new(env!("CARGO_BIN_EXE_crisis-sim"))
            .arg("run")
            .arg(&tiny)
            .args(args)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert_eq!(result.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(!out.exists());
    }
    let missing = Command::new(env!("CARGO_BIN_EXE_crisis-sim"))
        .args(["run", "no/such/scenario.toml"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("no/such/scenario.toml: cannot read")
    );
}

/// serde stops at the first schema problem; the user still sees every one, in file order.
#[test]
fn every_schema_problem_is_reported_at_once() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/many_problems.toml");
    let result = Command::new(env!("CARGO_BIN_EXE_crisis-sim"))
        .arg("check")
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(2), "{stderr}");
    let keys: Vec<&str> = stderr
        .lines()
        .filter_map(|l| l.split("key `").nth(1)?.split('`').next())
        .collect();
    assert_eq!(
        keys,
        [
            "scenario.days",
            "zones.A.colour",
            "travel.sped",
            "responders.police.units"
        ],
        "{stderr}"
    );
    assert!(stderr.contains("many_problems.toml:4:1:") && stderr.contains(":33:1:"));
    // A bad value of a required key is reported once, not again as missing.
    assert!(!stderr.contains("missing key"), "{stderr}");
}
