//! The pieces every `report.html` shares, written with maud, which escapes whatever it
//! is given: the page around the body, the charts, estimates with their intervals,
//! how a run was made, the scenario files it read, and the STRESS-DES checklist.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::figures::Drawn;
use super::{bounds, human, interval};
use crate::stats::summary::Provenance;
use crate::stats::{Estimate, RunSummary};
use crate::text::plural;

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1040px;margin:2em auto;\
padding:0 1em;color:#222;line-height:1.45}h1{margin-bottom:.2em}.lede{color:#555;margin-top:0}\
table{border-collapse:collapse;margin:1em 0;font-size:.92em}th,td{border-bottom:1px solid #ddd;padding:.3em .7em;\
text-align:left;vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\
figure.chart{margin:1.5em 0}figure.chart svg{width:100%;height:auto;border:1px solid #eee}\
figcaption{color:#555;font-size:.9em}pre{background:#f6f6f6;padding:1em;overflow:auto;font-size:.85em}\
.sig{font-weight:600}.muted{color:#777}\
.overview table{font-size:.8em}.overview th{max-width:9em}.overview td,.overview th{padding:.3em .45em}\
.overview .ci{display:block}.briefing p{margin:.6em 0}details{margin:.4em 0}summary{cursor:pointer}\
@page{margin:1.5cm}\
@media print{body{max-width:none;margin:0;padding:0;font-size:10pt}a{color:inherit}\
figure.chart,table,tr,.briefing p,p.sig{break-inside:avoid}h1,h2,h3{break-after:avoid}\
h2.page{break-before:page}figure.chart svg{max-height:48vh;border:none}summary{list-style:none}}";

/// Checks in the browser that every chart is laid out and visible, and counts what
/// overflows: chart text outside its chart, a table wider than the page. The result is
/// written into the page, so a headless browser's DOM dump shows it.
const RENDER_CHECK: &str = "window.addEventListener('load',function(){\
var f=Array.prototype.slice.call(document.querySelectorAll('figure.chart'));\
var v=f.filter(function(x){var s=x.querySelector('svg');if(!s)return false;var r=s.getBoundingClientRect();\
var c=getComputedStyle(s);return r.width>100&&r.height>50&&c.display!=='none'&&c.visibility!=='hidden'\
&&s.querySelectorAll('text').length>0;});\
var over=[];f.forEach(function(x){var s=x.querySelector('svg');if(!s)return;var r=s.getBoundingClientRect();\
s.querySelectorAll('text').forEach(function(t){var b=t.getBoundingClientRect();\
if(b.width>0&&(b.left<r.left-1||b.top<r.top-1||b.right>r.right+1||b.bottom>r.bottom+1))\
over.push(x.id+': '+t.textContent.trim());});});\
document.querySelectorAll('table').forEach(function(t,i){\
if(t.getBoundingClientRect().right>t.parentElement.getBoundingClientRect().right+1)over.push('table '+i);});\
document.getElementById('render-check').textContent='charts='+f.length+' visible='+v.length+' overflow='+over.length+\
(over.length?' ('+over.join('; ')+')':'');});";

/// A whole page: the title, the shared style, the body, and the render check.
pub fn page(title: &str, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                (body)
                p #render-check .muted hidden {}
                script { (PreEscaped(RENDER_CHECK)) }
            }
        }
    }
    .into_string()
}

/// The charts, each with its caption, or a line saying why it was left out.
pub fn figures(charts: &[Drawn]) -> Markup {
    html! {
        @for chart in charts {
            @match &chart.rendered {
                Ok(rendered) => figure .chart id=(format!("chart-{}", chart.name)) {
                    // The SVG is made by plotters, which escapes its text.
                    (PreEscaped(responsive_svg(&rendered.svg)))
                    figcaption { (chart.caption) }
                },
                Err(why) => p .muted id=(format!("chart-{}", chart.name)) {
                    "No chart " code { (chart.name) } ": " (why)
                },
            }
        }
    }
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

/// A mean with its 95 % interval after it, muted.
pub fn estimate_cell(e: Option<&Estimate>) -> Markup {
    match e {
        Some(e) => html! { (human(e.mean)) " " span .muted { (interval(e)) } },
        None => html! { "–" },
    }
}

/// A mean with its 95 % prediction interval.
pub fn prediction(e: &Estimate) -> String {
    bounds(e.mean, e.pi95)
}

/// A command that repeats the run, every argument quoted for a POSIX shell.
pub fn repeat_command(s: &RunSummary) -> String {
    let mut words = vec![
        "crisis-sim".to_string(),
        "run".into(),
        s.provenance.file.clone(),
        "--seed".into(),
        s.seed.to_string(),
        "--replications".into(),
        s.replications.to_string(),
    ];
    for o in &s.provenance.overrides {
        words.push("--set".into());
        words.push(o.clone());
    }
    shell_words(&words)
}

/// Words joined into one command line, each quoted where a shell would read it
/// otherwise (a word with a NUL byte, which no shell can pass, is left out).
pub fn shell_words(words: &[String]) -> String {
    words
        .iter()
        .filter_map(|w| shlex::try_quote(w).ok())
        .collect::<Vec<_>>()
        .join(" ")
}

/// How a run was made: file, overrides, seed, replications, horizon, version, time.
pub fn provenance_table(s: &RunSummary) -> Markup {
    let p = &s.provenance;
    html! {
        table {
            tr { th { "scenario file" } td { code { (p.file) } " (embedded below)" } }
            tr { th { "overrides" } td {
                @if p.overrides.is_empty() { "none" }
                @for o in &p.overrides { code { "--set " (o) } " " }
            } }
            tr { th { "seed" } td { (s.seed) } }
            tr { th { "replications" } td { (s.replications) } }
            tr { th { "warm-up" } td { (plural(s.warmup_days, "day")) ", simulated and discarded" } }
            tr { th { "measured horizon" } td { (plural(s.days, "day")) " (day 0 is a Monday)" } }
            tr { th { "crisis-sim version" } td { (s.crate_version) } }
            tr { th { "wall time" } td {
                (format!("{:.2} s for {} events", s.perf.wall_s, human(s.perf.events as f64)))
            } }
            tr { th { "repeat with" } td { code { (repeat_command(s)) } } }
        }
    }
}

/// The scenario file and the files it extends: `(path, text)`, the given file first.
pub fn scenario_texts(p: &Provenance) -> impl Iterator<Item = (&str, &str)> {
    std::iter::once((p.file.as_str(), p.text.as_str())).chain(
        p.bases
            .iter()
            .map(|(path, text)| (path.as_str(), text.as_str())),
    )
}

/// Every scenario file the run read, embedded as written.
pub fn scenario_files(p: &Provenance) -> Markup {
    html! {
        @for (i, (path, text)) in scenario_texts(p).enumerate() {
            p { @if i > 0 { "extends " } code { (path) } }
            pre { (text) }
        }
    }
}

/// The STRESS-DES items (Monks et al. 2019) that crisis-sim can fill in itself.
pub fn stress_des(s: &RunSummary) -> Markup {
    let m = &s.model;
    let outputs: Vec<&str> = s.metrics.keys().map(String::as_str).collect();
    let kinds: Vec<String> = (m.kinds.iter())
        .map(|k| {
            format!(
                "{} ({}; {:.1} units on duty on average, at most {})",
                k.name, k.role, k.mean_units, k.max_units
            )
        })
        .collect();
    let call_types: Vec<String> = (m.call_types.iter())
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
            plural(assumptions as u32, "line"),
            if assumptions == 1 { "is" } else { "are" })),
        ("4.1 Initialisation", format!(
            "The model starts empty and idle on a Monday at 00:00; a warm-up of {} is simulated and discarded.",
            plural(s.warmup_days, "day"))),
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
    html! {
        table {
            tr { th { "item" } th { "filled in by crisis-sim" } }
            @for (item, text) in &items { tr { td { (item) } td { (text) } } }
        }
        p .muted {
            "Items 1.1, 1.3, 2.1, 2.3, 2.4, 3.1 and 3.2 (purpose, experimentation aims, diagrams, \
             scenario logic, algorithms, data sources and pre-processing) are for the modeller to write."
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_quoted_for_a_shell() {
        let words = [
            "run".to_string(),
            "it's here.toml".into(),
            "a=b; rm -rf /".into(),
        ];
        let line = shell_words(&words);
        assert_eq!(line, r#"run "it's here.toml" 'a=b; rm -rf /'"#);
        assert_eq!(shlex::split(&line).unwrap(), words);
    }

    #[test]
    fn text_is_escaped_in_every_piece() {
        let page = page("<t>", html! { p { ("x\"><img src=x onerror=alert(1)>") } });
        assert!(!page.contains("<img"));
        assert!(page.contains("&lt;t&gt;"));
    }
}
