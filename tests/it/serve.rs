//! `crisis-sim serve`: the what-if page's server, over real HTTP. Its answers equal
//! what `crisis-sim run --set ...` writes; bad levers get the errors `--set` gives,
//! tied to their key; over-limit requests are refused; nothing outside the page's own
//! assets and answers is served; a newer request replaces an older one; a cancelled
//! one stops; a saved run folder is browsed without simulating.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const CITY: &str = "scenarios/mid-size-city-mobile-crisis.toml";

/// A running server, stopped when dropped.
pub struct Server {
    child: Child,
    /// Its address, `127.0.0.1:PORT`.
    pub addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `crisis-sim serve ARGS --port 0` and reads the URL it prints.
    pub fn start(args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_crisis-sim"))
            .arg("serve")
            .args(args)
            .args(["--port", "0"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .to_string();
        Server { child, addr }
    }

    /// Sends a raw request line (the path exactly as given) and returns the status
    /// and body.
    pub fn send(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, String) {
        let text = body.map(|b| b.to_string()).unwrap_or_default();
        self.send_as(method, path, "application/json", &text)
    }

    /// Like [`Server::send`], with the body as text of the given content type.
    pub fn send_as(&self, method: &str, path: &str, kind: &str, text: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\
             Content-Type: {kind}\r\nContent-Length: {}\r\n\r\n{text}",
            self.addr,
            text.len()
        )
        .unwrap();
        let mut reply = Vec::new();
        stream.read_to_end(&mut reply).unwrap();
        let reply = String::from_utf8_lossy(&reply).to_string();
        let status = reply
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = reply.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        (status, dechunk(body))
    }

    /// POSTs a request to /api/run.
    pub fn ask(&self, request: &Value) -> (u16, Value) {
        let (status, body) = self.send("POST", "/api/run", Some(request));
        (status, serde_json::from_str(&body).unwrap_or(Value::Null))
    }

    /// Follows a request until it ends; returns its last status.
    pub fn wait(&self, id: u64) -> Value {
        let start = Instant::now();
        let mut mark = String::new();
        loop {
            let (_, body) = self.send("GET", &format!("/api/jobs/{id}?after={mark}"), None);
            let status: Value = serde_json::from_str(&body).unwrap();
            if ["done", "failed", "cancelled"].contains(&status["phase"].as_str().unwrap_or("")) {
                return status;
            }
            mark = status["mark"].as_str().unwrap_or("").to_string();
            assert!(
                start.elapsed() < Duration::from_secs(600),
                "request {id} never ended"
            );
        }
    }
}

/// A chunked HTTP body joined (axum sends bodies of unknown length in chunks).
fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            return body.to_string();
        };
        if n == 0 || after.len() < n {
            break;
        }
        out.push_str(&after[..n]);
        rest = after[n..].trim_start_matches("\r\n");
    }
    if out.is_empty() {
        body.to_string()
    } else {
        out
    }
}

/// The summary `crisis-sim run FILE ARGS` writes.
pub fn summary_of(file: &str, args: &[&str]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let mut all = vec!["run", file, "--quiet", "--outputs", "summary", "--out"];
    all.push(out.to_str().unwrap());
    all.extend(args);
    let done = super::common::crisis_sim(&all);
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap()
}

/// The summary `crisis-sim run` writes for the mobile-crisis city with these arguments.
pub fn run_summary(args: &[&str]) -> Value {
    summary_of(CITY, args)
}

const SHORT: [&str; 4] = ["--days", "20", "--replications", "3"];

fn short(sets: &[&str], police_only: bool) -> Value {
    json!({
        "scenario": "mid-size-city-mobile-crisis",
        "sets": sets,
        "days": 20,
        "replications": 3,
        "police_only": police_only,
    })
}

#[test]
fn answers_equal_what_run_writes_for_the_same_change() {
    let server = Server::start(&[CITY, "scenarios/mid-size-city.toml"]);
    let set = "responders.mobile_crisis.shifts.0.units=7";
    let (status, id) = server.ask(&short(&[set], true));
    assert_eq!(status, 202, "{id}");
    let done = server.wait(id["id"].as_u64().unwrap());
    assert_eq!(done["phase"], "done", "{done}");
    let answer = &done["answer"];
    let changed = run_summary(&[&SHORT[..], &["--set", set]].concat());
    let unchanged = run_summary(&SHORT);
    let police = summary_of("scenarios/mid-size-city.toml", &SHORT);
    let rows = answer["headline"].as_array().unwrap();
    assert!(rows.len() >= 10, "{rows:?}");
    for row in rows {
        let metric = row["metric"].as_str().unwrap();
        for (role, summary) in [
            ("changed", &changed),
            ("unchanged", &unchanged),
            ("police_only", &police),
        ] {
            let expected = &summary["metrics"][metric]["mean"];
            if row[role].is_null() {
                // Police-only today has no vans to be busy.
                assert!(
                    metric.starts_with("utilization_") && role == "police_only",
                    "{metric} {role}"
                );
                continue;
            }
            assert_eq!(&row[role]["mean"], expected, "{metric} {role}");
            let shown = crisis_sim::report::metric_value(metric, expected.as_f64().unwrap());
            assert_eq!(row[role]["text"], shown, "{metric} {role}");
        }
        let diff = row["difference"]["mean"].as_f64().unwrap();
        let between = changed["metrics"][metric]["mean"].as_f64().unwrap()
            - unchanged["metrics"][metric]["mean"].as_f64().unwrap();
        assert!(
            (diff - between).abs() <= 1e-9 * between.abs().max(1.0),
            "{metric}"
        );
    }
    assert_eq!(
        answer["command"],
        format!("crisis-sim run {CITY} --set '{set}' --replications 3 --days 20")
    );
    // The links: the comparison report, each run's report, the changed scenario.
    for link in [
        &answer["report"],
        &answer["toml"],
        &answer["runs"][2]["report"],
    ] {
        let (status, body) = server.send("GET", link.as_str().unwrap(), None);
        assert_eq!(status, 200, "{link}");
        assert!(!body.is_empty());
    }
    let (_, toml) = server.send("GET", answer["toml"].as_str().unwrap(), None);
    assert!(toml.contains(&format!("#   --set {set}")), "{toml}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("changed.toml");
    std::fs::write(&file, &toml).unwrap();
    let again = summary_of(file.to_str().unwrap(), &SHORT);
    assert_eq!(
        again["metrics"], changed["metrics"],
        "the downloaded scenario runs the same"
    );
}

#[test]
fn bad_levers_get_the_errors_set_gives_beside_their_key() {
    let server = Server::start(&[CITY]);
    for (set, key) in [
        (
            "responders.mobile_crisis.shifts.0.units=-3",
            "responders.mobile_crisis.shifts.0.units",
        ),
        (
            "call_types.psychosis.fallback_after=soon",
            "call_types.psychosis.fallback_after",
        ),
        ("responders.police.absence=1.5", "responders.police.absence"),
        ("responders.nobody.units=3", "responders.nobody.units"),
    ] {
        let (status, body) = server.ask(&short(&[set], false));
        assert_eq!(status, 400, "{set}: {body}");
        let cli =
            super::common::crisis_sim(&["run", CITY, "--set", set, "--out", "/nonexistent/x"]);
        assert_eq!(cli.status.code(), Some(2));
        let said = String::from_utf8_lossy(&cli.stderr);
        let said = said.trim().strip_prefix("error: ").unwrap_or(&said);
        assert_eq!(body["error"], said.trim(), "{set}");
        assert_eq!(body["problems"][0]["key"], key, "{set}: {body}");
    }
    let (status, body) = server.ask(&json!({ "scenario": "elsewhere", "sets": [] }));
    assert_eq!(status, 400);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("mid-size-city-mobile-crisis"),
        "{body}"
    );
    let (status, body) = server.send("POST", "/api/run", None);
    assert_eq!(status, 400, "{body}");
}

#[test]
fn a_scenario_that_does_not_load_stops_the_server_from_starting() {
    let out = super::common::crisis_sim(&["serve", "no-such-scenario.toml", "--port", "0"]);
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("no-such-scenario.toml: cannot read the scenario"),
        "{said}"
    );
    let out = super::common::crisis_sim(&["serve", "tests", "--port", "0"]);
    assert_eq!(out.status.code(), Some(2), "a folder with no summary.json");
}

#[test]
fn a_request_from_another_site_as_plain_text_is_refused() {
    let server = Server::start(&[CITY]);
    let body = short(&[], false).to_string();
    let (status, reply) = server.send_as("POST", "/api/run", "text/plain", &body);
    assert_eq!(status, 415, "{reply}");
}

#[test]
fn over_limit_requests_are_refused() {
    let server = Server::start(&[CITY]);
    let refused = |request: Value, says: &str| {
        let (status, body) = server.ask(&request);
        assert_eq!(status, 413, "{request}: {body}");
        let error = body["error"].as_str().unwrap_or("");
        assert!(error.contains(says), "{error}");
    };
    refused(
        json!({ "scenario": "mid-size-city-mobile-crisis", "replications": 201 }),
        "from 1 to 200",
    );
    refused(
        json!({ "scenario": "mid-size-city-mobile-crisis", "days": 3651 }),
        "at most 3650",
    );
    refused(
        json!({ "scenario": "mid-size-city-mobile-crisis", "days": 3650, "replications": 200 }),
        "allowed",
    );
    let many: Vec<String> = (0..101).map(|i| format!("demand.scale=1.{i}")).collect();
    refused(
        json!({ "scenario": "mid-size-city-mobile-crisis", "sets": many }),
        "at most 100",
    );
    let huge = "x".repeat(100_000);
    let (status, _) = server.ask(&json!({ "scenario": huge }));
    assert_eq!(status, 413, "a body over 64 KiB");
}

#[test]
fn nothing_outside_the_pages_assets_is_served() {
    let server = Server::start(&[CITY]);
    let (status, page) = server.send("GET", "/", None);
    assert_eq!(status, 200);
    assert!(page.contains("data-key=\"responders.mobile_crisis.shifts.0.units\""));
    for asset in ["/assets/app.js", "/assets/app.css"] {
        assert_eq!(server.send("GET", asset, None).0, 200, "{asset}");
    }
    for path in [
        "/assets/../Cargo.toml",
        "/assets/..%2FCargo.toml",
        "/assets/%2e%2e%2f%2e%2e%2fCargo.toml",
        "/Cargo.toml",
        "/scenarios/mid-size-city.toml",
        "/etc/passwd",
        "/jobs/1/../../Cargo.toml",
        "/jobs/1/report.html",
        "/folders/x/report.html",
        "/folders/..%2F..%2Fsrc/report.html",
    ] {
        let (status, body) = server.send("GET", path, None);
        assert_eq!(status, 404, "{path}: {body}");
        assert!(
            !body.contains("[package]") && !body.contains("[scenario]"),
            "{path}"
        );
    }
}

#[test]
fn a_newer_request_replaces_the_running_one_and_cancel_stops() {
    let server = Server::start(&[CITY, "--threads", "1"]);
    let long = json!({ "scenario": "mid-size-city-mobile-crisis", "sets": ["demand.scale=1.1"], "replications": 40 });
    let (_, first) = server.ask(&long);
    let (_, second) = server.ask(&short(&["demand.scale=1.2"], false));
    let first = server.wait(first["id"].as_u64().unwrap());
    assert_eq!(first["phase"], "cancelled", "{first}");
    assert_eq!(
        first["error"],
        format!("replaced by request {}", second["id"])
    );
    let second = server.wait(second["id"].as_u64().unwrap());
    assert_eq!(second["phase"], "done", "{}", second["error"]);

    let (_, third) = server.ask(&long);
    let id = third["id"].as_u64().unwrap();
    let (status, _) = server.send("POST", &format!("/api/jobs/{id}/cancel"), None);
    assert_eq!(status, 200);
    let third = server.wait(id);
    assert_eq!(third["phase"], "cancelled", "{third}");
    assert!(
        third["done"].as_u64().unwrap() < 80,
        "stopped early: {third}"
    );
}

#[test]
fn a_saved_run_folder_is_browsed_without_simulating() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("saved-run");
    let ran = super::common::crisis_sim(&[
        "run",
        CITY,
        "--days",
        "10",
        "--replications",
        "2",
        "--quiet",
        "--outputs",
        "summary",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(ran.status.success());
    let server = Server::start(&[out.to_str().unwrap()]);
    let (status, page) = server.send("GET", "/", None);
    assert_eq!(status, 200);
    let summary: Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let mean = summary["metrics"]["response_time_mean_min"]["mean"]
        .as_f64()
        .unwrap();
    assert!(page.contains(&format!("data-mean=\"{mean}\"")), "{page}");
    let (status, report) = server.send("GET", "/folders/saved-run/report.html", None);
    assert_eq!(status, 200);
    assert!(
        report.contains("<svg"),
        "the report is drawn from the summary"
    );
    let (status, _) = server.send("GET", "/folders/saved-run/charts/response_time.svg", None);
    assert_eq!(status, 200);
}

#[test]
fn uncertainty_draws_give_the_chance_of_a_saving() {
    let server = Server::start(&[CITY]);
    let mut request = short(&["responders.mobile_crisis.shifts.0.units=8"], false);
    request["draws"] = json!(3);
    let (status, id) = server.ask(&request);
    assert_eq!(status, 202, "{id}");
    let done = server.wait(id["id"].as_u64().unwrap());
    assert_eq!(done["phase"], "done", "{done}");
    let u = &done["answer"]["uncertainty"];
    assert_eq!(u["draws"], 3);
    let cost = u["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["metric"] == "cost_total")
        .unwrap();
    let p = cost["p_lower"].as_f64().unwrap();
    // More vans cost more at every draw.
    assert_eq!(p, 0.0, "{cost}");
}

#[test]
fn with_no_scenario_named_every_shipped_one_is_offered_and_its_page_opens() {
    let server = Server::start(&[]);
    let (status, page) = server.send("GET", "/", None);
    assert_eq!(status, 200);
    let shipped = super::common::shipped_scenarios();
    let top: Vec<_> = shipped
        .iter()
        .filter(|p| p.parent().is_some_and(|d| d.ends_with("scenarios")))
        .collect();
    assert!(top.len() >= 10);
    for file in top {
        let id = file.file_stem().unwrap().to_string_lossy();
        assert!(page.contains(&format!("<option value=\"{id}\"")), "{id}");
        let (status, page) = server.send("GET", &format!("/?scenario={id}"), None);
        assert_eq!(status, 200, "{id}");
        assert!(page.contains("data-key=\"responders."), "{id}: no levers");
    }
    let (status, _) = server.send("GET", "/?scenario=elsewhere", None);
    assert_eq!(status, 404);
}

#[test]
fn opening_a_page_warms_the_unchanged_run_for_the_first_change() {
    let server = Server::start(&["scenarios/rural-county.toml"]);
    let (status, _) = server.send("GET", "/", None);
    assert_eq!(status, 200);
    // The server was idle, so the page starts the unchanged run at the scenario's own
    // settings; a request for a change at those settings waits for it, never stops it.
    let start = Instant::now();
    loop {
        let (_, state) = server.send("GET", "/api/state", None);
        let state: Value = serde_json::from_str(&state).unwrap();
        if state["running"]["warming"] == true || state["waiting"]["warming"] == true {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no warming: {state}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let request = json!({ "scenario": "rural-county", "sets": ["demand.scale=1.1"] });
    let (status, id) = server.ask(&request);
    assert_eq!(status, 202);
    let done = server.wait(id["id"].as_u64().unwrap());
    assert_eq!(done["phase"], "done", "{done}");
    assert_eq!(
        done["total"], 20,
        "only the changed county was simulated: {done}"
    );
    let (_, state) = server.send("GET", "/api/state", None);
    assert_eq!(
        serde_json::from_str::<Value>(&state).unwrap()["running"],
        Value::Null
    );
}

#[test]
fn the_largest_seed_goes_as_text_and_a_bad_one_is_refused() {
    let server = Server::start(&[CITY]);
    let mut request = short(&[], false);
    request["seed"] = json!("18446744073709551615");
    let (status, id) = server.ask(&request);
    assert_eq!(status, 202, "{id}");
    let done = server.wait(id["id"].as_u64().unwrap());
    assert_eq!(done["answer"]["seed"], "18446744073709551615", "{done}");
    request["seed"] = json!("soon");
    let (status, body) = server.ask(&request);
    assert_eq!(status, 400);
    let error = body["error"].as_str().unwrap_or("");
    assert!(error.contains("`soon` is not a seed"), "{error}");
}
