//! Hostile and careless use: absurd numbers, odd files and file names, interrupted
//! runs, full disks and closed pipes. Each case asserts the exit code, the message,
//! and that nothing was written or the earlier result is intact.

use super::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const CITY: &str = "scenarios/mid-size-city.toml";
const TINY: &str = "tests/data/tiny.toml";

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_crisis-sim"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn crisis_sim(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// A finished small run in `out`, to be kept intact by what follows.
fn earlier_result(out: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let o = out.to_str().unwrap();
    let done = crisis_sim(&["run", TINY, "--out", o, "--quiet"]);
    assert!(done.status.success(), "{}", stderr(&done));
    common::files(out)
}

#[test]
fn absurd_numbers_are_refused_before_simulating() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("out");
    let digits = format!(
        "responders.police.background.0.service=\"fixed({}min)\"",
        "9".repeat(400)
    );
    let cases: Vec<(String, &str)> = vec![
        (
            "zones.Downtown.population=1e15".into(),
            "a zone's population must be from 0 to 1e10",
        ),
        (
            "demand.crises_per_100k_per_day=1e300".into(),
            "1e300 is out of range",
        ),
        (
            "responders.police.background.0.per_hour=1e300".into(),
            "out of range",
        ),
        (
            "responders.police.background.9.per_hour=1".into(),
            "no entry `9`: entries are numbered 0 to 4",
        ),
        ("scenario.days=1e9".into(), "at most 36500 (100 years)"),
        ("scenario.warmup_days=1e307".into(), "out of range"),
        (
            "scenario.replications=4294967295".into(),
            "give from 1 to 10000 replications",
        ),
        ("travel.circuity=inf".into(), "inf is out of range"),
        ("zones.Downtown.x_km=1e300".into(), "out of range"),
        (
            "zones.Downtown.radius_km=20000".into(),
            "a zone's radius in km must be from 0 to 10000",
        ),
        ("travel.noise_cv=1e200".into(), "out of range"),
        ("travel.noise_cv=50".into(), "must be from 0 to 10"),
        ("demand.hourly=[1e308, 1, 1]".into(), "out of range"),
        (
            "responders.police.cost_per_hour=1e308".into(),
            "out of range",
        ),
        (
            "responders.police.cost_per_hour=1e12".into(),
            "must be from 0 to 1e9",
        ),
        (
            "responders.police.units=4294967295".into(),
            "at most 10000 are supported",
        ),
        (
            "responders.police.scale=1e9".into(),
            "a staffing scale factor must be from 0 to 100",
        ),
        (digits, "a duration is at most 100 years"),
        (
            "zones.Downtown.population=1e10".into(),
            "events to simulate",
        ),
        (
            "scenario.days=10\nscenario.seed=3".into(),
            "holds more than one value",
        ),
    ];
    for (set, message) in &cases {
        let o = crisis_sim(&["run", CITY, "--set", set, "--out", out.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{set}: {}", stderr(&o));
        assert!(stderr(&o).contains(message), "{set}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked") && !out.exists(), "{set}");
    }
    // More units than the simulation indexes, zones beyond u16, threads beyond reason.
    let o = crisis_sim(&["run", CITY, "--threads", "10000"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("1..=1024"));
}

#[test]
fn tiny_rates_end_and_zero_time_loops_are_stopped() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("out");
    let o = out.to_str().unwrap();
    let tiny = crisis_sim(&[
        "run",
        CITY,
        "--set",
        "demand.crises_per_100k_per_day=1e-9",
        "--set",
        "scenario.warmup_days=0",
        "--days",
        "10",
        "--replications",
        "2",
        "--quiet",
        "--out",
        o,
    ]);
    assert!(tiny.status.success(), "{}", stderr(&tiny));
    let storm = crisis_sim(&[
        "run",
        "tests/data/hostile/storm.toml",
        "--out",
        &format!("{o}-storm"),
    ]);
    assert_eq!(storm.status.code(), Some(2), "{}", stderr(&storm));
    assert!(stderr(&storm).contains("a loop of zero-time steps"));
    assert!(!Path::new(&format!("{o}-storm")).exists());
}

#[test]
fn the_full_seed_range_works() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("out");
    let o = crisis_sim(&[
        "run",
        TINY,
        "--seed",
        "18446744073709551615",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let json = std::fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(json.contains("\"seed\": 18446744073709551615"));
}

#[test]
fn odd_files_get_located_messages() {
    let temp = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = temp.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_str().unwrap().to_string()
    };
    let tiny = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(TINY)).unwrap();
    let mut latin1 = b"[scenario]\nname = \"caf".to_vec();
    latin1.extend([0xE9, b'"', b'\n']);
    let a = write("a.toml", b"extends = \"b.toml\"\n");
    write("b.toml", b"extends = \"a.toml\"\n");
    let mut deep = write("deep0.toml", tiny.as_bytes());
    for i in 1..40 {
        deep = write(
            &format!("deep{i}.toml"),
            format!("extends = \"deep{}.toml\"\n", i - 1).as_bytes(),
        );
    }
    let fifo = temp.path().join("fifo.toml");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let cases: Vec<(String, &str)> = vec![
        (
            write("utf16.toml", &[0xFF, 0xFE, b'[', 0]),
            "utf16.toml:1:1: the file is UTF-16",
        ),
        (
            write("latin1.toml", &latin1),
            "latin1.toml:2:12: a byte that is not UTF-8",
        ),
        (
            write("dup.toml", b"[scenario]\nname = \"a\"\nname = \"b\"\n"),
            "dup.toml:3:1: TOML syntax error: duplicate key `name`",
        ),
        (a, "makes a cycle: a.toml → b.toml → a.toml"),
        (deep, "at most 32 levels deep"),
        (
            "/dev/zero".into(),
            "/dev/zero: cannot read the scenario: not a regular file",
        ),
        (fifo.to_str().unwrap().into(), "not a regular file"),
    ];
    for (file, message) in &cases {
        let o = crisis_sim(&["check", file]);
        assert_eq!(o.status.code(), Some(2), "{file}: {}", stderr(&o));
        assert!(stderr(&o).contains(message), "{file}: {}", stderr(&o));
    }
    // 200,000 values on one line load at once (the position lookup is linear).
    let long = format!(
        "{tiny}\n[costs]\nx = [{}]\n",
        vec!["1.0"; 200_000].join(",")
    );
    let o = crisis_sim(&["check", &write("long.toml", long.as_bytes())]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown key `x`"), "{}", stderr(&o));
}

/// Folder names come from scenario file names: `...toml` and `..toml` must not climb
/// out of `out/`, and a scenario called `report.html` must not take the comparison's
/// own file name.
#[test]
fn odd_scenario_names_stay_inside_their_folder() {
    let temp = tempfile::tempdir().unwrap();
    let tiny = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(TINY)).unwrap();
    for name in ["...toml", "..toml", "report.html.toml"] {
        std::fs::write(temp.path().join(name), &tiny).unwrap();
    }
    std::fs::write(temp.path().join("keep.txt"), "mine").unwrap();
    let run = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_crisis-sim"))
            .args(args)
            .current_dir(temp.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    };
    run(&["run", "...toml", "--quiet"]);
    run(&[
        "compare",
        "..toml",
        "report.html.toml",
        "...toml",
        "--quiet",
        "--out",
        "out/cmp",
    ]);
    let mut top: Vec<String> = std::fs::read_dir(temp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    top.sort();
    assert_eq!(
        top,
        ["...toml", "..toml", "keep.txt", "out", "report.html.toml"]
    );
    assert!(temp.path().join("out/scenario/report.html").is_file());
    let cmp = temp.path().join("out/cmp");
    assert!(cmp.join("report.html").is_file() && cmp.join("comparison.json").is_file());
    for sub in ["scenario", "report.html-scenario", "scenario-2"] {
        assert!(cmp.join(sub).join("summary.json").is_file(), "{sub}");
    }
}

#[test]
fn unusable_output_folders_are_found_before_simulating() {
    let temp = tempfile::tempdir().unwrap();
    let file = temp.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let dangling = temp.path().join("dangling");
    std::os::unix::fs::symlink(temp.path().join("nowhere"), &dangling).unwrap();
    for (out, message) in [
        (file.clone(), "exists and is not a folder"),
        (file.join("below"), "cannot make its parent folder"),
        (dangling.clone(), "is a link to nothing"),
    ] {
        let o = crisis_sim(&["run", TINY, "--out", out.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains(message), "{}", stderr(&o));
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
}

#[test]
fn one_writer_per_folder_and_no_stale_subfolders() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("out");
    let o = out.to_str().unwrap();
    let before = earlier_result(&out);
    let lock = crisis_sim::store::Output::whole(&out, crisis_sim::store::Via::Out, &[]).unwrap();
    let busy = crisis_sim(&["run", TINY, "--out", o]);
    assert_eq!(busy.status.code(), Some(1));
    assert!(stderr(&busy).contains("another crisis-sim is writing to this folder"));
    assert_eq!(common::files(&out), before);
    drop(lock);
    let cmp = temp.path().join("cmp");
    let c = cmp.to_str().unwrap();
    let (four, five) = (
        "4: responders.police.units=4",
        "5: responders.police.units=5",
    );
    let three = crisis_sim(&[
        "compare",
        TINY,
        "--variant",
        four,
        "--variant",
        five,
        "--quiet",
        "--out",
        c,
    ]);
    assert!(three.status.success(), "{}", stderr(&three));
    assert!(cmp.join("tiny-3").is_dir());
    let two = crisis_sim(&["compare", TINY, "--variant", four, "--quiet", "--out", c]);
    assert!(two.status.success(), "{}", stderr(&two));
    assert!(
        cmp.join("tiny-2").is_dir() && !cmp.join("tiny-3").exists(),
        "a stale subfolder was left"
    );
}

/// The files of a folder but its manifest and an interrupted run's saved replications.
fn result_files(out: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = common::files(out);
    files.retain(|(p, _)| p != Path::new(".crisis-sim") && p != Path::new("partial.json"));
    files
}

/// Starts `run` with `args`, lets it simulate for `wait`, sends it `signal`, and returns
/// what it said.
fn interrupted(args: &[&str], out: &Path, wait: std::time::Duration, signal: i32) -> Output {
    let child = bin()
        .args(["run"])
        .args(args)
        .arg("--out")
        .arg(out)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(wait);
    // SAFETY: sends a signal to the child this test started.
    unsafe {
        libc::kill(child.id() as i32, signal);
    }
    child.wait_with_output().unwrap()
}

/// Ctrl-C and SIGTERM stop a real run, which says how far it got, keeps the
/// replications it finished for `--resume` (`partial.json`), and leaves the earlier
/// result as it was.
#[test]
fn interrupting_a_run_keeps_the_earlier_result() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("out");
    let before = earlier_result(&out);
    let long = [CITY, "--replications", "2000", "--threads", "1"];
    let half_a_second = std::time::Duration::from_millis(500);
    for (signal, flag) in [(libc::SIGINT, "--fresh"), (libc::SIGTERM, "--resume")] {
        let o = interrupted(&[&long[..], &[flag]].concat(), &out, half_a_second, signal);
        assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
        assert!(stderr(&o).contains("interrupted after"), "{}", stderr(&o));
        assert!(stderr(&o).contains("of 2000 replications; those finished are saved in"));
        assert!(out.join("partial.json").is_file());
        assert_eq!(result_files(&out), result_files_of(&before));
    }
    // Without --resume or --fresh the saved replications are neither run on nor lost.
    let o = crisis_sim(&[
        "run",
        CITY,
        "--replications",
        "2000",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--resume to finish it, or --fresh"),
        "{}",
        stderr(&o)
    );
    // A second Ctrl-C ends the program at once, and takes its staging folder along.
    let child = bin()
        .args([&["run"][..], &long, &["--quiet", "--resume", "--out"]].concat())
        .arg(&out)
        .spawn()
        .unwrap();
    std::thread::sleep(half_a_second);
    for _ in 0..2 {
        // SAFETY: sends a signal to the child this test started.
        unsafe {
            libc::kill(child.id() as i32, libc::SIGINT);
        }
    }
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130));
    let left: Vec<String> = std::fs::read_dir(temp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains(".new-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // The first Ctrl-C may have saved what finished before the second ended it.
    assert_eq!(result_files(&out), result_files_of(&before));
}

fn result_files_of(files: &[(PathBuf, Vec<u8>)]) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = files.to_vec();
    files.retain(|(p, _)| p != Path::new(".crisis-sim"));
    files
}

/// A file's text with its wall-clock times blanked, the one figure two runs may differ in.
fn without_wall_time(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes);
    let wall = regex::Regex::new(r#""wall_s": [0-9.e+-]+|[0-9.]+ s (for|wall time)"#).unwrap();
    wall.replace_all(&text, "WALL").into_owned().into_bytes()
}

/// A run interrupted part-way and finished with --resume writes the very files of the
/// run never interrupted (wall-clock times aside).
#[test]
fn an_interrupted_run_resumes_to_the_same_files() {
    let temp = tempfile::tempdir().unwrap();
    let (whole, resumed) = (temp.path().join("whole"), temp.path().join("resumed"));
    let args = [
        CITY,
        "--replications",
        "24",
        "--days",
        "30",
        "--threads",
        "1",
        "--quiet",
    ];
    let mut wait = std::time::Duration::from_millis(800);
    // Interrupt when some replications, not all, have finished: wait longer on a slow
    // machine until that happens.
    loop {
        let _ = std::fs::remove_dir_all(&resumed);
        let o = interrupted(&args, &resumed, wait, libc::SIGINT);
        let said = stderr(&o);
        let part_way = o.status.code() == Some(130)
            && !said.contains("interrupted after 0 of")
            && out_has_partial(&resumed);
        if part_way {
            break;
        }
        assert!(wait.as_secs() < 60, "never interrupted part-way: {said}");
        wait *= 2;
    }
    let o = crisis_sim(
        &[
            &["run"][..],
            &args,
            &["--resume", "--out", resumed.to_str().unwrap()],
        ]
        .concat(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = crisis_sim(&[&["run"][..], &args, &["--out", whole.to_str().unwrap()]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let (a, b) = (common::files(&whole), common::files(&resumed));
    assert_eq!(
        a.iter().map(|f| &f.0).collect::<Vec<_>>(),
        b.iter().map(|f| &f.0).collect::<Vec<_>>(),
        "the resumed run leaves other files"
    );
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(
            without_wall_time(x) == without_wall_time(y),
            "{} differs after --resume",
            name.display()
        );
    }
}

fn out_has_partial(out: &Path) -> bool {
    out.join("partial.json").is_file()
}

#[test]
fn a_full_disk_or_file_limit_is_an_error_that_keeps_the_earlier_result() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("out");
    let before = earlier_result(&out);
    let script = format!(
        "ulimit -f 20; exec '{}' run {TINY} --quiet --out '{}'",
        env!("CARGO_BIN_EXE_crisis-sim"),
        out.display()
    );
    let o = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot write results: File too large"),
        "{}",
        stderr(&o)
    );
    assert_eq!(common::files(&out), before);
    let leftovers: Vec<_> = std::fs::read_dir(temp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains(".new-") || n.contains(".old-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let full = bin()
        .args(["check", CITY])
        .stdout(std::fs::File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    assert_eq!(full.status.code(), Some(1));
    assert!(stderr(&full).contains("cannot write to standard output"));
}

mod mutations {
    use std::path::Path;
    use std::sync::atomic::AtomicBool;

    use proptest::prelude::*;

    use crisis_sim::{experiment, model, scenario, sim};

    /// Values a careless edit or a hostile one puts where a number was.
    const EXTREMES: [&str; 14] = [
        "1e308",
        "-1",
        "0",
        "nan",
        "inf",
        "-inf",
        "4294967295",
        "1e-300",
        "\"x\"",
        "[]",
        "{}",
        "true",
        "18446744073709551616",
        "0.5",
    ];

    #[derive(Clone, Debug)]
    enum Mutation {
        /// Overwrite the byte at this share of the text.
        Byte(f64, u8),
        /// Delete this many bytes from there.
        Delete(f64, usize),
        /// Repeat this many bytes from there.
        Repeat(f64, usize),
        /// Replace the n-th number with an extreme value.
        Number(usize, usize),
    }

    fn mutation() -> impl Strategy<Value = Mutation> {
        prop_oneof![
            (0.0..1.0f64, any::<u8>()).prop_map(|(at, b)| Mutation::Byte(at, b)),
            (0.0..1.0f64, 1..200usize).prop_map(|(at, n)| Mutation::Delete(at, n)),
            (0.0..1.0f64, 1..200usize).prop_map(|(at, n)| Mutation::Repeat(at, n)),
            (0..400usize, 0..EXTREMES.len()).prop_map(|(k, v)| Mutation::Number(k, v)),
        ]
    }

    fn apply(text: &[u8], m: &Mutation) -> Vec<u8> {
        let at =
            |share: f64| ((text.len() as f64 * share) as usize).min(text.len().saturating_sub(1));
        let mut out = text.to_vec();
        match *m {
            Mutation::Byte(share, b) => out[at(share)] = b,
            Mutation::Delete(share, n) => {
                let from = at(share);
                out.drain(from..(from + n).min(out.len()));
            }
            Mutation::Repeat(share, n) => {
                let from = at(share);
                let piece = out[from..(from + n).min(out.len())].to_vec();
                out.splice(from..from, piece);
            }
            Mutation::Number(k, v) => {
                let s = String::from_utf8_lossy(text).to_string();
                // A number after `= ` or in a list: digits with an optional point.
                let spans: Vec<(usize, usize)> = s
                    .match_indices(|c: char| c.is_ascii_digit())
                    .map(|(i, _)| i)
                    .filter(|&i| i == 0 || !s.as_bytes()[i - 1].is_ascii_alphanumeric())
                    .map(|i| {
                        let end = s[i..]
                            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
                            .map_or(s.len(), |e| i + e);
                        (i, end)
                    })
                    .filter(|(_, end)| {
                        !s[*end..].starts_with(|c: char| c.is_alphabetic() || c == ':')
                    })
                    .filter(|(i, _)| !s[..*i].ends_with(['"', '(', ' ']) || s[..*i].ends_with("= "))
                    .collect();
                if let Some(&(from, to)) = spans.get(k % spans.len().max(1)) {
                    out.splice(from..to, EXTREMES[v].bytes());
                }
            }
        }
        out
    }

    /// How far a mutated scenario got: 0 not loaded, 1 loaded, 2 valid, 3 simulated.
    fn exercise(path: &Path) -> usize {
        let Ok(loaded) = scenario::load(path, &[]) else {
            return 0;
        };
        let Ok(mut model) = model::build(&loaded) else {
            return 1;
        };
        if experiment::check_work(&model, f64::from(model.replications)).is_err() {
            return 2;
        }
        model.days = 2.0;
        model.warmup_days = 0.0;
        if experiment::work(&model).events >= 2e6 {
            return 2;
        }
        let _ = sim::run_until(&model, 1, &AtomicBool::new(false));
        3
    }

    /// Shipped scenarios, mutated in their bytes and numbers, load or fail with a
    /// message: never a panic or a hang. Enough of them must get through to the
    /// simulation for the test to mean something.
    #[test]
    fn mutated_scenarios_never_panic() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let names = [
            "mid-size-city.toml",
            "mid-size-city-mobile-crisis.toml",
            "mid-size-city-prevention.toml",
            "mid-size-city-mobile-crisis-daytime.toml",
        ];
        let temp = tempfile::tempdir().unwrap();
        // The others are there too, so that `extends` finds its base.
        for n in names {
            std::fs::copy(root.join(n), temp.path().join(n)).unwrap();
        }
        let reached = std::cell::RefCell::new([0usize; 4]);
        let config = ProptestConfig {
            cases: 300,
            rng_seed: proptest::test_runner::RngSeed::Fixed(11),
            failure_persistence: None,
            ..ProptestConfig::default()
        };
        let mut runner = proptest::test_runner::TestRunner::new(config);
        let cases = (0..4usize, prop::collection::vec(mutation(), 1..4));
        let result = runner.run(&cases, |(file, edits)| {
            let mut text = std::fs::read(root.join(names[file])).unwrap();
            for e in &edits {
                text = apply(&text, e);
            }
            let path = temp.path().join(format!("mutated-{}", names[file]));
            std::fs::write(&path, &text).unwrap();
            reached.borrow_mut()[exercise(&path)] += 1;
            Ok(())
        });
        if let Err(e) = result {
            panic!("{e}");
        }
        let reached = reached.into_inner();
        println!("not loaded, loaded, valid, simulated: {reached:?}");
        // Fixed seed: 48 of 300 load and 37 run (most edits break the TOML or its types).
        assert!(
            reached[1] + reached[2] + reached[3] >= 40 && reached[3] >= 25,
            "{reached:?}"
        );
    }
}
