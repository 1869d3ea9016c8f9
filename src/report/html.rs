//! `report.html`: one self-contained page (charts inlined as SVG, no network needed)
//! with the results, how the run was made, and the STRESS-DES items the tool can fill.

use std::fmt::Write;

use super::charts::Rendered;
use super::human;
use crate::model::{Model, Role};
use crate::stats::{self, Difference, Estimate};

/// How a run was made, for the reader who wants to judge or repeat it.
#[derive(Clone)]
pub struct Provenance<'a> {
    /// The scenario file as given on the command line.
    pub file: String,
    /// Its text.
    pub text: &'a str,
    /// `(path, text)` of the files it extends, nearest base first.
    pub bases: &'a [(String, String)],
    /// `--set` overrides and shorthand flags in effect.
    pub overrides: &'a [String],
    /// The validated model.
    pub model: &'a Model,
    /// Wall-clock seconds.
    pub wall_s: f64,
    /// Kernel events over all replications.
    pub events: u64,
}

/// Escapes text for HTML.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1040px;margin:2em auto;\
padding:0 1em;color:#222;line-height:1.45}h1{margin-bottom:.2em}.lede{color:#555;margin-top:0}\
table{border-collapse:collapse;margin:1em 0;font-size:.92em}th,td{border-bottom:1px solid #ddd;padding:.3em .7em;\
text-align:left;vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\
figure.chart{margin:1.5em 0}figure.chart svg{width:100%;height:auto;border:1px solid #eee}\
figcaption{color:#555;font-size:.9em}pre{background:#f6f6f6;padding:1em;overflow:auto;font-size:.85em}\
.sig{font-weight:600}.muted{color:#777}";

/// Checks in the browser that every chart is laid out and visible; the result is
/// written into the page, so a headless browser's DOM dump shows it.
const RENDER_CHECK: &str = "<script>window.addEventListener('load',function(){\
var f=Array.prototype.slice.call(document.querySelectorAll('figure.chart'));\
var v=f.filter(function(x){var s=x.querySelector('svg');if(!s)return false;var r=s.getBoundingClientRect();\
var c=getComputedStyle(s);return r.width>100&&r.height>50&&c.display!=='none'&&c.visibility!=='hidden'\
&&s.querySelectorAll('text').length>0;});\
document.getElementById('render-check').textContent='charts='+f.length+' visible='+v.length;});</script>";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\
         <p id=\"render-check\" class=\"muted\" hidden></p>\n{RENDER_CHECK}\n</body>\n</html>\n",
        escape(title)
    )
}

fn figures(charts: &[(String, String, Rendered)]) -> String {
    let mut out = String::new();
    for (name, caption, rendered) in charts {
        let _ = write!(
            out,
            "<figure class=\"chart\" id=\"chart-{name}\">\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
            responsive_svg(&rendered.svg),
            escape(caption)
        );
    }
    out
}

/// Gives the SVG a viewBox so that CSS can scale it to the page width.
fn responsive_svg(svg: &str) -> String {
    let body = svg.trim_start_matches(|c| c != '<');
    let body = body.strip_prefix("<?xml").map_or(body, |rest| {
        rest.split_once("?>")
            .map_or(rest, |(_, after)| after.trim_start())
    });
    if body.contains("viewBox") {
        return body.to_string();
    }
    let attr = |name: &str| -> Option<String> {
        let start = body.find(&format!("{name}=\""))? + name.len() + 2;
        Some(body[start..].split('"').next()?.to_string())
    };
    match (attr("width"), attr("height")) {
        (Some(w), Some(h)) => body.replacen("<svg ", &format!("<svg viewBox=\"0 0 {w} {h}\" "), 1),
        _ => body.to_string(),
    }
}

fn metrics_table(estimates: &[(String, Estimate)]) -> String {
    let mut rows = String::new();
    for (name, e) in estimates.iter().filter(|(_, e)| e.n > 0) {
        let _ = writeln!(
            rows,
            "<tr><td><code>{}</code></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            escape(name),
            human(e.mean),
            super::interval(e),
            e.n,
            escape(stats::describe(name))
        );
    }
    format!(
        "<table>\n<tr><th>metric</th><th>mean</th><th>95 % CI</th><th>n</th><th>meaning</th></tr>\n{rows}</table>\n"
    )
}

/// A table of grouped estimates (by call type or zone): rows are groups.
fn group_table(label: &str, groups: &serde_json::Map<String, serde_json::Value>) -> String {
    let columns = [
        ("incidents", "incidents"),
        ("response_time_mean_min", "mean response (min)"),
        ("response_time_p90_min", "p90 response (min)"),
        ("police_involved_share", "police on scene"),
        ("unserved", "unserved"),
    ];
    let mut out = format!("<table>\n<tr><th>{}</th>", escape(label));
    for (_, title) in columns {
        let _ = write!(out, "<th>{title}</th>");
    }
    out.push_str("</tr>\n");
    for (group, metrics) in groups {
        let _ = write!(out, "<tr><td>{}</td>", escape(group));
        for (key, _) in columns {
            let e = &metrics[key];
            let mean = e["mean"].as_f64().unwrap_or(f64::NAN);
            let ci = match (e["ci95"][0].as_f64(), e["ci95"][1].as_f64()) {
                (Some(lo), Some(hi)) => format!(
                    " <span class=\"muted\">[{}, {}]</span>",
                    human(lo),
                    human(hi)
                ),
                _ => String::new(),
            };
            let _ = write!(out, "<td class=\"n\">{}{ci}</td>", human(mean));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
    out
}

fn provenance_table(p: &Provenance<'_>) -> String {
    let m = p.model;
    let overrides = if p.overrides.is_empty() {
        "none".to_string()
    } else {
        p.overrides
            .iter()
            .map(|s| format!("<code>--set {}</code>", escape(s)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let rows = [
        (
            "scenario file",
            format!("<code>{}</code> (embedded below)", escape(&p.file)),
        ),
        ("overrides", overrides),
        ("seed", m.seed.to_string()),
        ("replications", m.replications.to_string()),
        (
            "warm-up",
            format!("{} days, simulated and discarded", m.warmup_days),
        ),
        (
            "measured horizon",
            format!("{} days (day 0 is a Monday)", m.days),
        ),
        ("crisis-sim version", env!("CARGO_PKG_VERSION").to_string()),
        (
            "wall time",
            format!("{:.2} s for {} events", p.wall_s, human(p.events as f64)),
        ),
        (
            "repeat with",
            format!("<code>{}</code>", escape(&repeat_command(p))),
        ),
    ];
    let mut out = String::from("<table>\n");
    for (k, v) in rows {
        let _ = writeln!(out, "<tr><th>{k}</th><td>{v}</td></tr>");
    }
    out.push_str("</table>\n");
    out
}

fn repeat_command(p: &Provenance<'_>) -> String {
    let mut cmd = format!(
        "crisis-sim run {} --seed {} --replications {}",
        p.file, p.model.seed, p.model.replications
    );
    for s in p.overrides {
        let _ = write!(cmd, " --set '{s}'");
    }
    cmd
}

/// The scenario file and the files it extends: `(path, text)`, the given file first.
fn scenario_texts<'a>(p: &'a Provenance<'_>) -> impl Iterator<Item = (&'a str, &'a str)> {
    std::iter::once((p.file.as_str(), p.text)).chain(
        p.bases
            .iter()
            .map(|(path, text)| (path.as_str(), text.as_str())),
    )
}

/// Every scenario file the run read, embedded as written.
fn scenario_files(p: &Provenance<'_>) -> String {
    let mut out = String::new();
    for (i, (path, text)) in scenario_texts(p).enumerate() {
        let label = if i == 0 { "" } else { "extends " };
        let _ = write!(
            out,
            "<p>{label}<code>{}</code></p>\n<pre>{}</pre>\n",
            escape(path),
            escape(text)
        );
    }
    out
}

/// The STRESS-DES items (Monks et al. 2019) that crisis-sim can fill in itself.
fn stress_des(p: &Provenance<'_>, outputs: &[String]) -> String {
    let m = p.model;
    let kinds: Vec<String> = m
        .kinds
        .iter()
        .map(|k| {
            let role = match k.role {
                Role::Police => "police",
                Role::Clinical => "clinical",
                Role::Civilian => "civilian",
                Role::Medical => "medical",
            };
            format!(
                "{} ({role}; {:.1} units on duty on average, at most {})",
                k.name,
                k.schedule.mean_units(),
                k.schedule.max_units()
            )
        })
        .collect();
    let call_types: Vec<String> = m
        .call_types
        .iter()
        .map(|c| {
            let prefs: Vec<&str> = c
                .responders
                .iter()
                .map(|k| m.kinds[*k].name.as_str())
                .collect();
            format!(
                "{} (priority {}, served by {})",
                c.name,
                c.priority,
                prefs.join(" → ")
            )
        })
        .collect();
    let assumptions = scenario_texts(p)
        .flat_map(|(_, text)| text.lines())
        .filter(|l| l.to_ascii_lowercase().contains("assumption"))
        .count();
    let items: Vec<(&str, String)> = vec![
        ("1.2 Model outputs", format!(
            "{}. Each is computed per replication over the measured period; the mean, sample standard deviation and a \
             95 % confidence interval (Student t with n−1 degrees of freedom) are reported across replications.",
            outputs.join(", "))),
        ("2.2 Base model logic", "Crises arrive as a non-homogeneous Poisson process (rate constant within each hour of \
             the week), are dispatched to the nearest free unit of the preferred responder kind (falling back to the next \
             kind after a wait), travel, work on scene, may ask for police backup, and end in a disposition; transports \
             drive to the nearest facility and wait its hand-off time; units then drive home.".into()),
        ("2.5.1 Entities", format!("Incidents of {} call types: {}.", m.call_types.len(), call_types.join("; "))),
        ("2.5.2 Activities", "Travel (turnout plus road distance over speed, lognormal noise), scene time by call type \
             and responder kind, transport, facility hand-off, return home, background (non-crisis) jobs.".into()),
        ("2.5.3 Resources", kinds.join("; ")),
        ("2.5.4 Queues", "One queue of waiting requests per responder kind, served by call-type priority then arrival \
             time; background jobs queue behind crisis calls unless given a priority.".into()),
        ("2.5.5 Entry/exit points", format!(
            "Incidents enter through 911 in {} zones, in proportion to population; they leave when their \
             disposition is reached and the last unit clears.", m.zones.len())),
        ("3.3 Input parameters", "Every parameter is in the scenario files embedded at the end of this report.".into()),
        ("3.4 Assumptions", format!(
            "{assumptions} line(s) of the scenario file are marked as assumptions; see the embedded file.")),
        ("4.1 Initialisation", format!(
            "The model starts empty and idle on a Monday at 00:00; a warm-up of {} days is simulated and discarded.",
            m.warmup_days)),
        ("4.2 Run length", format!("{} measured days per replication.", m.days)),
        ("4.3 Estimation approach", format!(
            "{} independent replications; 95 % confidence intervals by Student t across replications.", m.replications)),
        ("5.1 Software", format!("crisis-sim {} (Rust).", env!("CARGO_PKG_VERSION"))),
        ("5.2 Random sampling", format!(
            "Master seed {}; one seed per replication derived with SplitMix64; PCG-64 (MCG) streams per random \
             process (arrivals, background work) and per incident, so scenarios share their arrivals \
             (common random numbers).", m.seed)),
        ("5.3 Model execution", "Event scheduling with a single event queue; events at equal times run in the order \
             they were scheduled, so runs are deterministic for any number of threads.".into()),
        ("5.4 System specification", format!(
            "{} {}, {} hardware threads; {:.2} s wall time.",
            std::env::consts::OS,
            std::env::consts::ARCH,
            std::thread::available_parallelism().map_or(1, |n| n.get()),
            p.wall_s)),
        ("6.1 Computer model sharing", "The scenario file is embedded below; the command above repeats the run with \
             the same crisis-sim version.".into()),
    ];
    let mut out = String::from("<table>\n<tr><th>item</th><th>filled in by crisis-sim</th></tr>\n");
    for (item, text) in items {
        let _ = writeln!(out, "<tr><td>{item}</td><td>{}</td></tr>", escape(&text));
    }
    out.push_str("</table>\n<p class=\"muted\">Items 1.1, 1.3, 2.1, 2.3, 2.4, 3.1 and 3.2 (purpose, experimentation \
                  aims, diagrams, scenario logic, algorithms, data sources and pre-processing) are for the modeller to write.</p>\n");
    out
}

/// The report of one run.
pub fn run_report(
    p: &Provenance<'_>,
    estimates: &[(String, Estimate)],
    summary: &super::Summary,
    charts: &[(String, String, Rendered)],
) -> String {
    let m = p.model;
    let outputs: Vec<String> = estimates.iter().map(|(n, _)| n.clone()).collect();
    let mut body = format!(
        "<h1>{}</h1>\n<p class=\"lede\">{} replications × {} days after a {}-day warm-up, seed {}. \
         Means with 95 % confidence intervals across replications.</p>\n",
        escape(&m.name),
        m.replications,
        m.days,
        m.warmup_days,
        m.seed
    );
    body.push_str("<h2>Results</h2>\n");
    body.push_str(&metrics_table(estimates));
    body.push_str("<h2>Charts</h2>\n");
    body.push_str(&figures(charts));
    body.push_str("<h2>By call type</h2>\n");
    body.push_str(&group_table("call type", &summary.by_call_type));
    body.push_str("<h2>By zone</h2>\n");
    body.push_str(&group_table("zone", &summary.by_zone));
    body.push_str("<h2>How this run was made</h2>\n");
    body.push_str(&provenance_table(p));
    body.push_str("<h2>STRESS-DES reporting checklist</h2>\n");
    body.push_str(&stress_des(p, &outputs));
    body.push_str("<h2>Scenario file</h2>\n");
    body.push_str(&scenario_files(p));
    page(&m.name, &body)
}

/// One scenario in a comparison.
pub struct Compared<'a> {
    /// How the scenario was made.
    pub provenance: Provenance<'a>,
    /// Its estimates.
    pub estimates: &'a [(String, Estimate)],
    /// Differences from the baseline (empty for the baseline).
    pub differences: &'a [(String, Difference)],
}

fn difference_table(baseline: &Compared<'_>, other: &Compared<'_>) -> String {
    let mut out = format!(
        "<table>\n<tr><th>metric</th><th>{}</th><th>{}</th><th>difference</th><th>paired 95 % CI</th>\
         <th>unpaired 95 % CI</th><th>significant</th></tr>\n",
        escape(&baseline.provenance.model.name),
        escape(&other.provenance.model.name)
    );
    for (name, d) in other.differences {
        let value = |c: &Compared<'_>| {
            c.estimates
                .iter()
                .find(|(n, _)| n == name)
                .map_or(f64::NAN, |(_, e)| e.mean)
        };
        let ci = |c: Option<[f64; 2]>| {
            c.map_or(String::new(), |[lo, hi]| {
                format!("[{}, {}]", human(lo), human(hi))
            })
        };
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n{}\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            escape(name),
            human(value(baseline)),
            human(value(other)),
            if d.significant { " sig" } else { "" },
            human(d.mean),
            ci(d.ci95),
            ci(d.unpaired_ci95),
            if d.significant { "yes" } else { "no" }
        );
    }
    out.push_str("</table>\n");
    out
}

/// The report of a comparison; the first scenario is the baseline.
pub fn compare_report(scenarios: &[Compared<'_>], charts: &[(String, String, Rendered)]) -> String {
    let Some(baseline) = scenarios.first() else {
        return page("Comparison", "<p>No scenarios.</p>");
    };
    let names: Vec<String> = scenarios
        .iter()
        .map(|s| escape(&s.provenance.model.name))
        .collect();
    let m = baseline.provenance.model;
    let mut body = format!(
        "<h1>Comparison: {}</h1>\n<p class=\"lede\">{} replications × {} days each, seed {}, with common random \
         numbers: every scenario sees the same crises, so differences come from the response. Differences are \
         paired by replication; the unpaired interval shows what the same comparison would give without pairing.</p>\n",
        names.join(" vs "),
        m.replications,
        m.days,
        m.seed
    );
    for other in &scenarios[1..] {
        let _ = write!(
            body,
            "<h2>{} against {}</h2>\n{}",
            escape(&other.provenance.model.name),
            escape(&m.name),
            difference_table(baseline, other)
        );
    }
    body.push_str("<h2>Charts</h2>\n");
    body.push_str(&figures(charts));
    for s in scenarios {
        let p = &s.provenance;
        let _ = write!(
            body,
            "<h2>How “{}” was made</h2>\n{}<details><summary>Scenario file <code>{}</code></summary>\n{}</details>\n",
            escape(&p.model.name),
            provenance_table(p),
            escape(&p.file),
            scenario_files(p)
        );
    }
    let outputs: Vec<String> = baseline.estimates.iter().map(|(n, _)| n.clone()).collect();
    body.push_str("<h2>STRESS-DES reporting checklist (baseline)</h2>\n");
    body.push_str(&stress_des(&baseline.provenance, &outputs));
    page("Comparison", &body)
}
