//! Hostile use of the output side: names that carry HTML, TOML and spreadsheet
//! formulas, output paths that are not crisis-sim's to replace, links, tampered result
//! folders, and dispatch exports that try to write keys into the calibrated scenario.
//! Each case asserts the exit code, the message, and what was (not) written.

use super::common;

use crate::common::crisis_sim;
use std::path::{Path, PathBuf};
use std::process::Output;

const TINY: &str = "tests/data/tiny.toml";

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn ok(o: &Output) {
    assert!(o.status.success(), "{}", stderr(o));
}

fn refused(o: &Output, message: &str) {
    assert_eq!(o.status.code(), Some(2), "{}", stderr(o));
    assert!(stderr(o).contains(message), "{}", stderr(o));
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A scenario whose names are HTML, a TOML injection and a spreadsheet formula.
fn odd_scenario(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(TINY))
        .unwrap()
        .replace(
            "name = \"tiny\"",
            "name = \"<script>alert(1)</script> ']; [costs] '\"",
        )
        .replace("name = \"A\"", "name = \"=HYPERLINK(\\\"http://x\\\")\"")
        .replace("home = \"A\"", "home = \"=HYPERLINK(\\\"http://x\\\")\"")
        .replace(
            "name = \"crisis\"",
            "name = \"@SUM(1)<img src=x onerror=alert(2)>\"",
        );
    let path = dir.join("odd.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn every_file(dir: &Path) -> Vec<(PathBuf, String)> {
    common::files(dir)
        .into_iter()
        .map(|(p, b)| (p, String::from_utf8_lossy(&b).to_string()))
        .collect()
}

#[test]
fn names_with_html_and_formulas_come_out_escaped_everywhere() {
    let temp = tempfile::tempdir().unwrap();
    let scenario = odd_scenario(temp.path());
    let out = temp.path().join("run");
    ok(&crisis_sim(&[
        "run",
        s(&scenario),
        "--trace",
        "--quiet",
        "--out",
        s(&out),
    ]));
    let cmp = temp.path().join("cmp");
    ok(&crisis_sim(&[
        "compare",
        s(&scenario),
        "--variant",
        "v: responders.police.units=4",
        "--quiet",
        "--out",
        s(&cmp),
    ]));
    for dir in [&out, &cmp] {
        for (path, text) in every_file(dir) {
            let name = path.display().to_string();
            if name.ends_with(".html") {
                assert!(!text.contains("<script>alert"), "{name}");
                assert!(!text.contains("<img src=x"), "{name}");
            }
            if name.ends_with(".csv") {
                for line in text.lines() {
                    for cell in line.split(',') {
                        let cell = cell.trim_matches('"');
                        assert!(
                            !cell.starts_with(['=', '@']),
                            "{name}: a formula cell {cell}"
                        );
                    }
                }
            }
        }
    }
    let trace = std::fs::read_to_string(out.join("incidents.csv")).unwrap();
    assert!(trace.contains("'=HYPERLINK"), "the zone is written as text");
}

#[test]
fn output_folders_that_are_not_crisis_sims_are_never_replaced() {
    let temp = tempfile::tempdir().unwrap();
    let theirs = temp.path().join("theirs");
    std::fs::create_dir_all(theirs.join("sub")).unwrap();
    std::fs::write(theirs.join("thesis.docx"), "mine").unwrap();
    std::fs::write(theirs.join("sub/notes.txt"), "mine too").unwrap();
    let before = common::files(&theirs);
    refused(
        &crisis_sim(&["run", TINY, "--quiet", "--out", s(&theirs)]),
        "crisis-sim did not write",
    );
    assert_eq!(common::files(&theirs), before);
    // A folder holding the scenario read is refused too.
    let holder = temp.path().join("holder");
    std::fs::create_dir(&holder).unwrap();
    let scenario = holder.join("tiny.toml");
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join(TINY), &scenario).unwrap();
    refused(
        &crisis_sim(&["run", s(&scenario), "--quiet", "--out", s(&holder)]),
        "which this command reads",
    );
    assert!(scenario.is_file());
    // A user's file in a crisis-sim folder survives `run` and `report` rewriting it.
    let run = temp.path().join("run");
    ok(&crisis_sim(&["run", TINY, "--quiet", "--out", s(&run)]));
    std::fs::write(run.join("my-notes.txt"), "keep").unwrap();
    ok(&crisis_sim(&["run", TINY, "--quiet", "--out", s(&run)]));
    ok(&crisis_sim(&["report", s(&run), "--quiet"]));
    assert_eq!(
        std::fs::read_to_string(run.join("my-notes.txt")).unwrap(),
        "keep"
    );
}

#[test]
fn merge_and_calibrate_never_write_over_their_inputs() {
    let temp = tempfile::tempdir().unwrap();
    let shards = temp.path().join("shards");
    let shard = shards.join("s0");
    ok(&crisis_sim(&[
        "sweep",
        TINY,
        "--vary",
        "responders.police.units=2..3",
        "--quiet",
        "--out",
        s(&shard),
    ]));
    let before = common::files(&shard);
    refused(
        &crisis_sim(&["merge", s(&shard), "--out", s(&shards), "--quiet"]),
        "which this command reads",
    );
    refused(
        &crisis_sim(&[
            "merge",
            s(&shard),
            "--out",
            s(&shard.join("points")),
            "--quiet",
        ]),
        "which this command reads",
    );
    assert_eq!(common::files(&shard), before);
    let records = temp.path().join("records.csv");
    std::fs::write(&records, "when,what\n2024-01-01 10:00:00,MH\n").unwrap();
    let columns = [
        "--column",
        "received=when",
        "--column",
        "call_type=what",
        "--crisis-type",
        "MH",
    ];
    for (out, message) in [
        (records.clone(), "exists and is not a folder"),
        (PathBuf::from("/dev/full"), "exists and is not a folder"),
        (temp.path().to_path_buf(), "which this command reads"),
    ] {
        let mut args = vec!["calibrate", s(&records), "--out", s(&out), "--quiet"];
        args.extend(columns);
        refused(&crisis_sim(&args), message);
    }
    assert_eq!(
        std::fs::read_to_string(&records).unwrap(),
        "when,what\n2024-01-01 10:00:00,MH\n"
    );
    assert!(Path::new("/dev/full").exists());
}

#[test]
fn a_link_to_a_busy_folder_is_busy_and_a_link_stays_a_link() {
    let temp = tempfile::tempdir().unwrap();
    let real = temp.path().join("real");
    ok(&crisis_sim(&["run", TINY, "--quiet", "--out", s(&real)]));
    let link = temp.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let held = crisis_sim::store::Output::whole(&real, crisis_sim::store::Via::Out, &[]).unwrap();
    let busy = crisis_sim(&["run", TINY, "--quiet", "--out", s(&link)]);
    assert_eq!(busy.status.code(), Some(1), "{}", stderr(&busy));
    assert!(stderr(&busy).contains("another crisis-sim is writing"));
    drop(held);
    ok(&crisis_sim(&["report", s(&link), "--quiet"]));
    assert!(link.is_symlink() && real.join("summary.json").is_file());
}

#[test]
fn tampered_result_folders_are_refused_with_exit_2() {
    let temp = tempfile::tempdir().unwrap();
    let sweep = temp.path().join("sweep");
    ok(&crisis_sim(&[
        "sweep",
        TINY,
        "--vary",
        "responders.police.units=2..3",
        "--quiet",
        "--out",
        s(&sweep),
    ]));
    let plan_path = sweep.join("plan.json");
    let mut plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&plan_path).unwrap()).unwrap();
    let many: Vec<String> = (0..1000).map(|i| i.to_string()).collect();
    plan["axes"] = serde_json::json!([
        { "key": "a", "values": many },
        { "key": "b", "values": many },
        { "key": "c", "values": many },
    ]);
    std::fs::write(&plan_path, plan.to_string()).unwrap();
    refused(
        &crisis_sim(&["report", s(&sweep), "--quiet"]),
        "not one crisis-sim writes",
    );
    let run = temp.path().join("run");
    ok(&crisis_sim(&["run", TINY, "--quiet", "--out", s(&run)]));
    let summary_path = run.join("summary.json");
    let mut summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&summary_path).unwrap()).unwrap();
    summary["per_replication"][0]["values"] = serde_json::json!([1.0]);
    std::fs::write(&summary_path, summary.to_string()).unwrap();
    refused(
        &crisis_sim(&["report", s(&run), "--quiet"]),
        "not a consistent crisis-sim summary",
    );
    let cmp = temp.path().join("cmp");
    ok(&crisis_sim(&[
        "compare",
        TINY,
        "--variant",
        "v: responders.police.units=4",
        "--quiet",
        "--out",
        s(&cmp),
    ]));
    let text = std::fs::read_to_string(cmp.join("comparison.json")).unwrap();
    std::fs::write(
        cmp.join("comparison.json"),
        text.replace("\"folder\": \"tiny\"", "\"folder\": \"../run\""),
    )
    .unwrap();
    refused(
        &crisis_sim(&["report", s(&cmp), "--quiet"]),
        "not one of its own",
    );
}

#[test]
fn a_fifo_named_like_a_trace_is_never_opened() {
    let temp = tempfile::tempdir().unwrap();
    let run = temp.path().join("run");
    ok(&crisis_sim(&["run", TINY, "--quiet", "--out", s(&run)]));
    let fifo = run.join("incidents.csv");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo on a path this test owns.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    ok(&crisis_sim(&["report", s(&run), "--quiet"]));
}

#[test]
fn variants_have_their_own_names_and_may_quote_a_semicolon() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("v");
    refused(
        &crisis_sim(&[
            "compare",
            TINY,
            "--variant",
            "a: demand.scale=2",
            "--variant",
            "a: demand.scale=3",
            "--out",
            s(&out),
        ]),
        "two variants have this name",
    );
    refused(
        &crisis_sim(&[
            "compare",
            TINY,
            "--variant",
            "tiny: demand.scale=2",
            "--out",
            s(&out),
        ]),
        "the baseline has this name",
    );
    assert!(!out.exists());
}

fn calibrate(records: &str, extra: &[&str], out: &Path) -> Output {
    let temp = out.parent().unwrap();
    let path = temp.join("records.csv");
    std::fs::write(&path, records).unwrap();
    let mut args = vec!["calibrate", s(&path), "--out", s(out)];
    args.extend(extra);
    crisis_sim(&args)
}

const COLUMNS: [&str; 8] = [
    "--column",
    "received=when",
    "--column",
    "call_type=what",
    "--column",
    "agency=unit",
    "--column",
    "priority=pri",
];

#[test]
fn records_cannot_write_keys_into_the_scenario() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("city");
    let records = "when,what,unit,pri\n\
        2024-01-01 10:00:00,\"MH\nuse_of_force = { police = 0.75 }\",Police,0\n\
        2024-01-02 11:00:00,\"MH\nuse_of_force = { police = 0.75 }\",POLICE,0\n\
        2024-01-03 12:00:00,\"MH\nuse_of_force = { police = 0.75 }\",police,0\n";
    let mut extra = COLUMNS.to_vec();
    extra.extend([
        "--crisis-type-regex",
        "^MH",
        "--name",
        "x\"\n[costs]\ned_visit = 1e9",
    ]);
    let o = calibrate(records, &extra, &out);
    // The call type's newline is in a mapped field: a quote was left open, or the
    // export is broken; either way it is refused.
    refused(&o, "runs over several lines");
    let records = "when,what,unit,pri\n\
        2024-01-01 10:00:00,MH <b>crisis</b>,Police,0\n\
        2024-01-02 11:00:00,MH <b>crisis</b>,POLICE,0\n\
        1900-01-01 12:00:00,MH <b>crisis</b>,police,0\n";
    let o = calibrate(records, &extra, &out);
    ok(&o);
    assert!(
        stderr(&o).contains("dated outside the records' main period"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("written as 1"), "{}", stderr(&o));
    let text = std::fs::read_to_string(out.join("scenario.toml")).unwrap();
    let parsed: toml::Table = toml::from_str(&text).unwrap();
    assert!(!parsed.contains_key("costs"), "{text}");
    assert_eq!(parsed["responders"].as_array().unwrap().len(), 1, "{text}");
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!page.contains("<b>crisis"));
}

#[test]
fn broken_exports_are_refused_or_read_as_they_mean() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("city");
    let mut extra = COLUMNS.to_vec();
    extra.extend(["--crisis-type", "MH"]);
    let open_quote = "when,what,unit,pri\n2024-01-01 10:00:00,MH,\"police,1\n".to_string()
        + &"2024-01-01 11:00:00,MH,police,1\n".repeat(40);
    refused(&calibrate(&open_quote, &extra, &out), "quote left open");
    // Day-first dates: the 13th settles the order for every row.
    let day_first =
        "when,what,unit,pri\n05/01/2024 10:00,MH,police,1\n13/01/2024 10:00,MH,police,1\n";
    ok(&calibrate(day_first, &extra, &out));
    let report = std::fs::read_to_string(out.join("scenario.toml")).unwrap();
    assert!(report.contains("over 8.0 days"), "{report}");
    let mixed = "when,what,unit,pri\n02/14/2024 10:00,MH,police,1\n13/01/2024 10:00,MH,police,1\n";
    refused(&calibrate(mixed, &extra, &out), "mix month-first");
    let mut missing = extra.clone();
    missing.extend(["--self-initiated", "nosuch=Y"]);
    refused(
        &calibrate(day_first, &missing, &out),
        "the file has no column `nosuch`",
    );
    let mut twice = extra.clone();
    twice.extend(["--column", "received=unit"]);
    refused(&calibrate(day_first, &twice, &out), "mapped twice");
}

#[test]
fn a_kind_named_like_html_stays_text_in_the_size_report() {
    let temp = tempfile::tempdir().unwrap();
    let kind = "p\"><script>alert(1)</script>";
    let quoted = kind.replace('"', "\\\"");
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(TINY))
        .unwrap()
        .replace("name = \"police\"", &format!("name = \"{quoted}\""))
        .replace(
            "responders = [\"police\"]",
            &format!("responders = [\"{quoted}\"]"),
        )
        .replace("{ police = ", &format!("{{ \"{quoted}\" = "))
        .replace("outcomes.police", &format!("outcomes.\"{quoted}\""));
    let scenario = temp.path().join("k.toml");
    std::fs::write(&scenario, text).unwrap();
    let out = temp.path().join("size");
    ok(&crisis_sim(&[
        "size",
        s(&scenario),
        "--vary",
        &format!("responders.{kind}.units=1..3"),
        "--target",
        &format!("utilization_{kind} <= 0.5"),
        "--quiet",
        "--out",
        s(&out),
    ]));
    for (path, text) in every_file(&out) {
        let page = path.extension().is_some_and(|e| e == "html" || e == "svg");
        assert!(
            !page || !text.contains("<script>alert"),
            "{}",
            path.display()
        );
        assert!(path.components().count() <= 2, "{}", path.display());
    }
}
