//! `report.html`: one self-contained page (charts inlined as SVG, no network needed)
//! with the results, how the run was made, and the STRESS-DES items the tool can fill.

use std::fmt::Write;

use super::figures::Drawn;
use super::{dollars, human, human_with};
use crate::stats::summary::{Estimates, Provenance};
use crate::stats::{Comparison, Difference, RunSummary, metrics};

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

pub(super) fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\
         <p id=\"render-check\" class=\"muted\" hidden></p>\n{RENDER_CHECK}\n</body>\n</html>\n",
        escape(title)
    )
}

pub(super) fn figures(charts: &[Drawn]) -> String {
    let mut out = String::new();
    for chart in charts {
        let name = &chart.name;
        match &chart.rendered {
            Ok(rendered) => {
                let _ = write!(
                    out,
                    "<figure class=\"chart\" id=\"chart-{name}\">\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
                    responsive_svg(&rendered.svg),
                    escape(&chart.caption)
                );
            }
            Err(why) => {
                let _ = writeln!(
                    out,
                    "<p class=\"muted\" id=\"chart-{name}\">No chart <code>{name}</code>: {}</p>",
                    escape(why)
                );
            }
        }
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

/// The metrics measured in at least one replication. The key table holds the console's
/// metrics on one line each, their meaning in a tooltip; the full one holds every
/// metric with its meaning and the number of replications.
fn metrics_table(estimates: &Estimates, key_only: bool) -> String {
    let shown = |name: &str| !key_only || metrics::lookup(name).is_some_and(|m| m.console);
    let mut rows = String::new();
    for (name, e) in estimates.iter().filter(|(n, e)| e.n > 0 && shown(n)) {
        let meaning = escape(metrics::describe(name).unwrap_or_default());
        let _ = write!(
            rows,
            "<tr><td><code title=\"{meaning}\">{}</code></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>",
            escape(name),
            human(e.mean),
            super::interval(e),
            super::bounds(e.mean, e.pi95),
        );
        if !key_only {
            let _ = write!(rows, "<td class=\"n\">{}</td><td>{meaning}</td>", e.n);
        }
        rows.push_str("</tr>\n");
    }
    let extra = if key_only {
        ""
    } else {
        "<th>n</th><th>meaning</th>"
    };
    format!(
        "<p class=\"muted\">{}</p>\n<table>\n<tr><th>metric</th><th>mean</th><th>95 % CI</th><th>95 % PI</th>{extra}</tr>\n{rows}</table>\n",
        escape(super::INTERVALS)
    )
}

/// A table of grouped estimates (by call type or zone): rows are groups.
fn facility_table(groups: &indexmap::IndexMap<String, Estimates>) -> String {
    let columns = [
        ("arrivals", "transports arriving"),
        ("diverted_share", "diverted (share)"),
        ("wait_mean_min", "mean wait for a place (min)"),
        ("occupancy", "occupancy"),
        ("boarding_hours", "ED boarding (hours)"),
    ];
    estimates_table("facility", groups, &columns)
}

fn group_table(label: &str, groups: &indexmap::IndexMap<String, Estimates>) -> String {
    let columns = [
        ("incidents", "incidents"),
        ("response_time_mean_min", "mean response (min)"),
        ("response_time_p90_min", "p90 response (min)"),
        ("response_within_target_share", "within target"),
        ("police_involved_share", "police on scene"),
        ("unserved", "unserved"),
    ];
    estimates_table(label, groups, &columns)
}

/// A table of groups (rows) by metrics (columns): means with 95 % intervals.
fn estimates_table(
    label: &str,
    groups: &indexmap::IndexMap<String, Estimates>,
    columns: &[(&str, &str)],
) -> String {
    let mut out = format!("<table>\n<tr><th>{}</th>", escape(label));
    for (_, title) in columns {
        let _ = write!(out, "<th>{title}</th>");
    }
    out.push_str("</tr>\n");
    for (group, metrics) in groups {
        let _ = write!(out, "<tr><td>{}</td>", escape(group));
        for (key, _) in columns {
            let mean = metrics.get(*key).map_or(f64::NAN, |e| e.mean);
            let ci = match metrics.get(*key).and_then(|e| e.ci95) {
                Some([lo, hi]) => format!(
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

fn provenance_table(s: &RunSummary) -> String {
    let p = &s.provenance;
    let overrides = if p.overrides.is_empty() {
        "none".to_string()
    } else {
        p.overrides
            .iter()
            .map(|o| format!("<code>--set {}</code>", escape(o)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let rows = [
        (
            "scenario file",
            format!("<code>{}</code> (embedded below)", escape(&p.file)),
        ),
        ("overrides", overrides),
        ("seed", s.seed.to_string()),
        ("replications", s.replications.to_string()),
        (
            "warm-up",
            format!(
                "{}, simulated and discarded",
                crate::text::plural(s.warmup_days, "day")
            ),
        ),
        (
            "measured horizon",
            format!("{} (day 0 is a Monday)", crate::text::plural(s.days, "day")),
        ),
        ("crisis-sim version", escape(&s.crate_version)),
        (
            "wall time",
            format!(
                "{:.2} s for {} events",
                s.perf.wall_s,
                human(s.perf.events as f64)
            ),
        ),
        (
            "repeat with",
            format!("<code>{}</code>", escape(&repeat_command(s))),
        ),
    ];
    let mut out = String::from("<table>\n");
    for (k, v) in rows {
        let _ = writeln!(out, "<tr><th>{k}</th><td>{v}</td></tr>");
    }
    out.push_str("</table>\n");
    out
}

fn repeat_command(s: &RunSummary) -> String {
    let mut cmd = format!(
        "crisis-sim run {} --seed {} --replications {}",
        s.provenance.file, s.seed, s.replications
    );
    for o in &s.provenance.overrides {
        let _ = write!(cmd, " --set '{o}'");
    }
    cmd
}

/// The scenario file and the files it extends: `(path, text)`, the given file first.
fn scenario_texts(p: &Provenance) -> impl Iterator<Item = (&str, &str)> {
    std::iter::once((p.file.as_str(), p.text.as_str())).chain(
        p.bases
            .iter()
            .map(|(path, text)| (path.as_str(), text.as_str())),
    )
}

/// Every scenario file the run read, embedded as written.
pub(super) fn scenario_files(p: &Provenance) -> String {
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
fn stress_des(s: &RunSummary) -> String {
    let m = &s.model;
    let outputs: Vec<&str> = s.metrics.keys().map(String::as_str).collect();
    let kinds: Vec<String> = m
        .kinds
        .iter()
        .map(|k| {
            format!(
                "{} ({}; {:.1} units on duty on average, at most {})",
                k.name, k.role, k.mean_units, k.max_units
            )
        })
        .collect();
    let call_types: Vec<String> = m
        .call_types
        .iter()
        .map(|c| {
            format!(
                "{} (priority {}, served by {})",
                c.name,
                c.priority,
                c.responders.join(" → ")
            )
        })
        .collect();
    let assumptions = scenario_texts(&s.provenance)
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
            "Incidents arise in {} zones, in proportion to population, and enter through 911 or, for the \
             hotline share, the 988 line; they leave when they are resolved by phone, cancelled, or their \
             disposition is reached and the last unit clears.", m.zones.len())),
        ("3.3 Input parameters", "Every parameter is in the scenario files embedded at the end of this report.".into()),
        ("3.4 Assumptions", format!(
            "{} of the scenario file {} marked as assumptions; see the embedded file.",
            crate::text::plural(assumptions as u32, "line"),
            if assumptions == 1 { "is" } else { "are" })),
        ("4.1 Initialisation", format!(
            "The model starts empty and idle on a Monday at 00:00; a warm-up of {} is simulated and discarded.",
            crate::text::plural(s.warmup_days, "day"))),
        ("4.2 Run length", format!("{} measured days per replication.", s.days)),
        ("4.3 Estimation approach", format!(
            "{} independent replications; 95 % confidence intervals by Student t across replications.", s.replications)),
        ("5.1 Software", format!("crisis-sim {} (Rust).", s.crate_version)),
        ("5.2 Random sampling", format!(
            "Master seed {}; one seed per replication derived with SplitMix64; PCG-64 (MCG) streams per random \
             process (arrivals, background arrivals and service times, staffing) and per incident, so scenarios share \
             their arrivals (common random numbers); see docs/mechanisms.md.", s.seed)),
        ("5.3 Model execution", "Event scheduling with a single event queue; events at equal times run in the order \
             they were scheduled, so runs are deterministic for any number of threads.".into()),
        ("5.4 System specification", format!(
            "{} {}, {} hardware threads; {:.2} s wall time.",
            std::env::consts::OS,
            std::env::consts::ARCH,
            std::thread::available_parallelism().map_or(1, |n| n.get()),
            s.perf.wall_s)),
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

/// The headline results in words, as a briefing opens.
pub fn briefing(s: &RunSummary) -> String {
    let m = |metric: &metrics::Metric| s.mean(metric);
    // Counts and days as whole numbers; a fractional target keeps its decimal.
    let whole = |x: f64| human_with(x, if x.fract() == 0.0 || x >= 100.0 { 0 } else { 1 });
    let mut text = format!(
        "Over {} measured days, about {} crises arose. A unit reached them in {:.1} minutes on \
         average, and 90 % within {:.1} minutes",
        whole(s.days),
        whole(m(metrics::INCIDENTS).round()),
        m(metrics::RESPONSE_TIME_MEAN_MIN),
        m(metrics::RESPONSE_TIME_P90_MIN)
    );
    if let Some(target) = s.response_target_min {
        let _ = write!(
            text,
            "; {:.0} % were reached within the {}-minute target",
            100.0 * m(metrics::RESPONSE_WITHIN_TARGET_SHARE),
            whole(target)
        );
    }
    let _ = write!(
        text,
        ". Police were on scene at {:.0} % of them. They led to {} emergency-department visits \
         and {} arrests. Everything counted cost {} ({} per crisis).",
        100.0 * m(metrics::POLICE_INVOLVED_SHARE),
        whole(m(metrics::EMERGENCY_DEPARTMENT).round()),
        whole(m(metrics::ARRESTS).round()),
        dollars(m(metrics::COST_TOTAL)),
        dollars(m(metrics::COST_PER_INCIDENT))
    );
    text
}

/// The report of one run.
pub fn run_report(s: &RunSummary, charts: &[Drawn]) -> String {
    let mut body = format!(
        "<h1>{}</h1>\n<p class=\"lede\">{} replications × {} days after a {}-day warm-up, seed {}. \
         Means with 95 % confidence intervals across replications.</p>\n",
        escape(&s.scenario),
        s.replications,
        s.days,
        s.warmup_days,
        s.seed
    );
    for w in [super::warmup_warning(s), super::overload_warning(s)]
        .into_iter()
        .flatten()
    {
        let _ = writeln!(body, "<p class=\"sig\">Warning: {}</p>", escape(&w));
    }
    let _ = writeln!(
        body,
        "<p class=\"lede\"><strong>{}</strong></p>",
        escape(&briefing(s))
    );
    body.push_str("<h2>Results</h2>\n");
    body.push_str(&metrics_table(&s.metrics, true));
    body.push_str("<h2>Charts</h2>\n");
    body.push_str(&figures(charts));
    body.push_str("<h2>All metrics</h2>\n");
    body.push_str(&metrics_table(&s.metrics, false));
    body.push_str("<h2>By call type</h2>\n");
    body.push_str(&group_table("call type", &s.by_call_type));
    body.push_str("<h2>By zone</h2>\n");
    body.push_str(&group_table("zone", &s.by_zone));
    body.push_str("<h2>By priority</h2>\n");
    body.push_str(&group_table("priority", &s.by_priority));
    body.push_str(
        "<h2>By the first responder on scene</h2>\n<p class=\"muted\">Incidents counted \
         under the kind of the first unit that reached them.</p>\n",
    );
    body.push_str(&group_table("first on scene", &s.by_first_responder));
    if !s.by_facility.is_empty() {
        body.push_str("<h2>By facility</h2>\n");
        body.push_str(&facility_table(&s.by_facility));
    }
    body.push_str("<h2>How this run was made</h2>\n");
    body.push_str(&provenance_table(s));
    body.push_str("<h2>STRESS-DES reporting checklist</h2>\n");
    body.push_str(&stress_des(s));
    body.push_str("<h2>Scenario file</h2>\n");
    body.push_str(&scenario_files(&s.provenance));
    page(&s.scenario, &body)
}

fn difference_table(
    baseline: &RunSummary,
    other: &RunSummary,
    diffs: &[(String, Difference)],
) -> String {
    let mut out = format!(
        "<table>\n<tr><th>metric</th><th>{}</th><th>{}</th><th>difference</th><th>paired 95 % CI</th>\
         <th>unpaired 95 % CI</th><th>resolved by the simulation</th></tr>\n",
        escape(&baseline.scenario),
        escape(&other.scenario)
    );
    for (name, d) in diffs {
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
            human(baseline.metrics.get(name).map_or(f64::NAN, |e| e.mean)),
            human(other.metrics.get(name).map_or(f64::NAN, |e| e.mean)),
            if d.resolved { " sig" } else { "" },
            human(d.mean),
            ci(d.ci95),
            ci(d.unpaired_ci95),
            if d.resolved { "yes" } else { "no" }
        );
    }
    out.push_str("</table>\n");
    out
}

/// The report of a comparison; the first scenario is the baseline.
pub fn compare_report(c: &Comparison, charts: &[Drawn]) -> String {
    let Some(baseline) = c.summaries.first() else {
        return page("Comparison", "<p>No scenarios.</p>");
    };
    let names: Vec<String> = c.summaries.iter().map(|s| escape(&s.scenario)).collect();
    let mut body = format!(
        "<h1>Comparison: {}</h1>\n<p class=\"lede\">{} replications × {} days each, seed {}, with common random \
         numbers: every scenario sees the same crises, so differences come from the response. Differences are \
         paired by replication; the unpaired interval shows what the same comparison would give without pairing.</p>\n",
        names.join(" vs "),
        baseline.replications,
        baseline.days,
        baseline.seed
    );
    let _ = writeln!(
        body,
        "<p class=\"muted\">{}</p>",
        escape(crate::stats::compare::RESOLVED)
    );
    for (other, diffs) in c.summaries.iter().zip(&c.differences).skip(1) {
        let _ = write!(
            body,
            "<h2>{} against {}</h2>\n{}",
            escape(&other.scenario),
            escape(&baseline.scenario),
            difference_table(baseline, other, diffs)
        );
    }
    body.push_str("<h2>Charts</h2>\n");
    body.push_str(&figures(charts));
    for s in &c.summaries {
        let _ = write!(
            body,
            "<h2>How “{}” was made</h2>\n{}<details><summary>Scenario file <code>{}</code></summary>\n{}</details>\n",
            escape(&s.scenario),
            provenance_table(s),
            escape(&s.provenance.file),
            scenario_files(&s.provenance)
        );
    }
    body.push_str("<h2>STRESS-DES reporting checklist (baseline)</h2>\n");
    body.push_str(&stress_des(baseline));
    page("Comparison", &body)
}
