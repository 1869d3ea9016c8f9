//! The what-if page in a real headless Chromium, driven over the DevTools protocol as
//! a person would: load the page, change a lever and the run settings, press Run,
//! wait for the answer, and check that every number shown for the changed scenario
//! equals what `crisis-sim run --set ...` writes for the same change and seed.
//! Ignored unless asked for, like the report's browser test (`.ci/run` installs
//! Chromium and asks). With CRISIS_SIM_SCREENSHOT=FILE it saves the page as a PNG.

use std::io::{BufRead, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::{Message, WebSocket, stream::MaybeTlsStream};

use super::serve::{CITY, Server, run_summary};

/// A process killed when dropped, so that a failed test leaves no browser behind.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A headless Chromium with its DevTools socket.
struct Browser {
    socket: WebSocket<MaybeTlsStream<TcpStream>>,
    next: u64,
    _child: Killed,
}

/// A GET to the DevTools HTTP endpoint, which keeps the connection open: the body is
/// read by its length.
fn http_get(port: u16, path: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n").unwrap();
    let mut reader = std::io::BufReader::new(s);
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    String::from_utf8(body).unwrap()
}

impl Browser {
    fn open(path: &Path, profile: &Path, url: &str) -> Browser {
        let child = Killed(
            Command::new(path)
                .args(super::browser::HEADLESS)
                .args([
                    "--remote-debugging-port=0",
                    "--window-size=1400,2200",
                    "--hide-scrollbars",
                ])
                .arg(format!("--user-data-dir={}", profile.display()))
                .arg(url)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        );
        let port_file = profile.join("DevToolsActivePort");
        let start = Instant::now();
        let port: u16 = loop {
            if let Some(p) = std::fs::read_to_string(&port_file)
                .ok()
                .and_then(|t| t.lines().next().and_then(|l| l.trim().parse().ok()))
            {
                break p;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "Chromium gave no DevTools port"
            );
            std::thread::sleep(Duration::from_millis(100));
        };
        let targets: Value = serde_json::from_str(&http_get(port, "/json/list")).unwrap();
        let page = targets
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["type"] == "page")
            .expect("a page target");
        let ws = page["webSocketDebuggerUrl"].as_str().unwrap();
        let (socket, _) = tungstenite::connect(ws).unwrap();
        Browser {
            socket,
            next: 0,
            _child: child,
        }
    }

    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        let message = json!({ "id": id, "method": method, "params": params }).to_string();
        self.socket.send(Message::text(message)).unwrap();
        loop {
            let Message::Text(text) = self.socket.read().unwrap() else {
                continue;
            };
            let reply: Value = serde_json::from_str(text.as_str()).unwrap();
            if reply["id"] == id {
                assert!(reply["error"].is_null(), "{method}: {reply}");
                return reply["result"].clone();
            }
        }
    }

    /// Evaluates an expression in the page and returns its value.
    fn eval(&mut self, expression: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true }),
        );
        assert!(r["exceptionDetails"].is_null(), "{expression}: {r}");
        r["result"]["value"].clone()
    }

    /// Waits until an expression is true.
    fn until(&mut self, expression: &str, seconds: u64) {
        let start = Instant::now();
        while self.eval(expression) != json!(true) {
            assert!(
                start.elapsed() < Duration::from_secs(seconds),
                "waited {seconds} s for {expression}; status: {}",
                self.eval("(document.getElementById('status')||{}).textContent")
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// Standard base64, for the screenshot the protocol sends.
fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let digits: Vec<u8> = text
        .bytes()
        .filter(|c| *c != b'=' && !c.is_ascii_whitespace())
        .map(value)
        .collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, d)| n | u32::from(*d) << (18 - 6 * i));
        let bytes = n.to_be_bytes();
        out.extend(&bytes[1..chunk.len()]);
    }
    out
}

const LEVER: &str = "responders.mobile_crisis.shifts.0.units";

#[test]
#[ignore = "opens Chromium: run with `cargo test -- --include-ignored` (.ci/run does)"]
fn the_page_shows_what_run_writes_for_the_same_change() {
    let chromium = super::browser::browser()
        .expect("no Chromium found (install Debian's `chromium`, as .ci/run does)");
    let server = Server::start(&[CITY, "scenarios/mid-size-city.toml"]);
    let profile = tempfile::tempdir().unwrap();
    let url = format!("http://{}/", server.addr);
    let mut b = Browser::open(&chromium, profile.path(), &url);
    b.until(
        "!!document.querySelector('#levers') && document.readyState === 'complete'",
        60,
    );
    // A screenshot shows the scenario's own horizon and replications; the test alone
    // runs a short one.
    let screenshot = std::env::var_os("CRISIS_SIM_SCREENSHOT");
    let (days, reps) = if screenshot.is_some() {
        ("365", "20")
    } else {
        ("60", "4")
    };
    let act = format!(
        "(() => {{
          const set = (sel, v) => {{ const e = document.querySelector(sel); e.value = v;
            e.dispatchEvent(new Event('input', {{ bubbles: true }})); }};
          document.getElementById('auto').checked = false;
          set('[data-key=\"{LEVER}\"]', '6');
          set('[data-setting=\"days\"]', '{days}');
          set('[data-setting=\"replications\"]', '{reps}');
          document.querySelector('[data-setting=\"police_only\"]').checked = true;
          document.getElementById('run').click();
          return true; }})()"
    );
    b.eval(&act);
    b.until(
        "document.getElementById('status').textContent.startsWith('Answered')",
        300,
    );
    let shown = b.eval(
        "JSON.stringify(Array.from(document.querySelectorAll('#headline tr[data-metric]')).map(tr => {
           const c = tr.querySelector('td[data-run=changed]');
           return { metric: tr.dataset.metric, mean: c.dataset.mean, text: c.querySelector('.v').textContent };
         }))",
    );
    let shown: Vec<Value> = serde_json::from_str(shown.as_str().unwrap()).unwrap();
    let set = format!("{LEVER}=6");
    let expected = run_summary(&["--set", &set, "--days", days, "--replications", reps]);
    assert!(shown.len() >= 10, "{shown:?}");
    for row in &shown {
        let metric = row["metric"].as_str().unwrap();
        let mean: f64 = row["mean"].as_str().unwrap().parse().unwrap();
        let written = expected["metrics"][metric]["mean"].as_f64().unwrap();
        assert_eq!(
            mean, written,
            "{metric}: the page shows {mean}, run wrote {written}"
        );
        assert_eq!(
            row["text"],
            crisis_sim::report::metric_value(metric, written),
            "{metric}"
        );
    }
    // The state is in the URL, and the page says how to reproduce it.
    let search = b.eval("decodeURIComponent(location.search)");
    let search = search.as_str().unwrap();
    assert!(search.contains(&format!("set={set}")), "{search}");
    assert!(search.contains("police_only=1"), "{search}");
    let flags = if screenshot.is_some() {
        String::new()
    } else {
        assert!(
            search.contains("days=60") && search.contains("replications=4"),
            "{search}"
        );
        " --replications 4 --days 60".to_string()
    };
    let command = b.eval("document.getElementById('command').textContent");
    assert_eq!(
        command,
        json!(format!("crisis-sim run {CITY} --set '{set}'{flags}"))
    );
    assert_eq!(
        b.eval("document.querySelectorAll('#overview table th').length"),
        json!(4)
    );
    b.until("Array.from(document.querySelectorAll('#charts img')).every(i => i.complete && i.naturalWidth > 0)", 60);
    a_bad_value_gets_its_error_beside_its_control(&mut b);
    if let Some(path) = screenshot {
        b.eval("window.scrollTo(0, 0)");
        let shot = b.call("Page.captureScreenshot", json!({ "format": "png" }));
        std::fs::write(path, base64(shot["data"].as_str().unwrap())).unwrap();
    }
}

/// A value `--set` refuses: the page shows the command line's error beside the
/// control, and marks it.
fn a_bad_value_gets_its_error_beside_its_control(b: &mut Browser) {
    let set = format!("{LEVER}=-3");
    let cli = super::common::crisis_sim(&["run", CITY, "--set", &set, "--out", "/nonexistent/x"]);
    let said = String::from_utf8_lossy(&cli.stderr);
    let said = said.trim().trim_start_matches("error: ").to_string();
    b.eval(&format!(
        "(() => {{ const e = document.querySelector('[data-key=\"{LEVER}\"]'); e.value = '-3';
          document.getElementById('run').click(); return true; }})()"
    ));
    let slot = format!("document.querySelector('.problem[data-for=\"{LEVER}\"]').textContent");
    b.until(&format!("{slot}.length > 0"), 60);
    assert_eq!(b.eval(&slot), json!(said));
    let marked =
        format!("document.querySelector('[data-key=\"{LEVER}\"]').classList.contains('bad')");
    assert_eq!(b.eval(&marked), json!(true));
    // Put right, the mark goes.
    b.eval(&format!(
        "(() => {{ document.querySelector('[data-key=\"{LEVER}\"]').value = '6';
          document.getElementById('run').click(); return true; }})()"
    ));
    b.until(&format!("{slot} === ''"), 60);
    b.until(
        "document.getElementById('status').textContent.startsWith('Answered')",
        300,
    );
}
