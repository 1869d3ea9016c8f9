//! The what-if page: the levers of the chosen scenario as a form (made on the server
//! from the scenario, so every control names a real key), the run settings, and the
//! places the script fills with the answer; and the page of an opened run folder.
//! The script and style are the page's only assets, compiled in.

use maud::{DOCTYPE, Markup, html};

use super::catalog::{Catalog, Offered, Opened};
use super::levers::{Group, Input, levers};
use super::request::LIMITS;
use crate::report::{self, overview};
use crate::stats::RunSummary;

/// The page's script.
pub const SCRIPT: &str = include_str!("../../assets/serve/app.js");
/// The page's style.
pub const STYLE: &str = include_str!("../../assets/serve/app.css");

fn shell(title: &str, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                link rel="stylesheet" href="/assets/app.css";
            }
            body { (body) }
        }
    }
    .into_string()
}

fn chooser(catalog: &Catalog, chosen: Option<&str>) -> Markup {
    html! {
        nav {
            form method="get" action="/" {
                label {
                    "Scenario "
                    select name="scenario" #scenario-choice {
                        @for s in &catalog.scenarios {
                            option value=(s.id) selected[chosen == Some(s.id.as_str())] {
                                (s.name) " (" (s.file.display()) ")"
                            }
                        }
                    }
                }
                " "
                button type="submit" { "Open" }
            }
            @if !catalog.folders.is_empty() {
                p {
                    "Saved runs: "
                    @for (i, f) in catalog.folders.iter().enumerate() {
                        @if i > 0 { ", " }
                        a href=(format!("/?folder={}", f.id)) { (f.dir.display()) }
                    }
                }
            }
        }
    }
}

fn control(key: &str, value: &str, input: Input) -> Markup {
    let (kind, step, min, max) = match input {
        Input::Count => ("number", "1", Some("0"), None),
        Input::Share => ("number", "0.01", Some("0"), Some("1")),
        Input::Duration => ("text", "", None, None),
    };
    html! {
        input type=(kind) data-key=(key) data-base=(value) value=(value)
            step=[(!step.is_empty()).then_some(step)] min=[min] max=[max]
            size=[(input == Input::Duration).then_some("8")];
    }
}

fn lever_groups(groups: &[Group]) -> Markup {
    html! {
        @for g in groups {
            fieldset {
                legend { (g.title) }
                @for l in &g.levers {
                    div .lever {
                        label {
                            span .what { (l.label) }
                            (control(&l.key, &l.value, l.input))
                        }
                        code .key { (l.key) }
                        span .problem data-for=(l.key) {}
                    }
                }
            }
        }
    }
}

fn settings(s: &Offered, replications: u32, days: f64, seed: u64) -> Markup {
    html! {
        fieldset {
            legend { "Run" }
            div .lever { label { span .what { "replications (each a measured period)" }
                input type="number" data-setting="replications" data-base=(replications)
                    value=(replications) min="1" max=(LIMITS.replications) step="1"; } }
            div .lever { label { span .what { "measured days" }
                input type="number" data-setting="days" data-base=(days) value=(days)
                    min="1" max=(LIMITS.days) step="1"; } }
            div .lever { label { span .what { "seed" }
                input type="text" inputmode="numeric" size="8" data-setting="seed"
                    data-base=(seed) value=(seed); } }
            @if s.police_only.is_some() {
                div .lever { label { input type="checkbox" data-setting="police_only";
                    " also run police-only today (" (s.police_only.as_ref().map(|p| p.display().to_string()).unwrap_or_default()) ")" } }
            }
            @if s.uncertain {
                div .lever { label { span .what { "uncertainty draws (0: none; each reruns both scenarios with drawn inputs)" }
                    input type="number" data-setting="draws" data-base="0" value="0"
                        min="0" max=(LIMITS.draws) step="1"; } }
            }
            div .lever { label { input type="checkbox" #auto checked;
                " run again a moment after a change" } }
        }
    }
}

/// The what-if page of scenario `s`.
pub fn what_if(catalog: &Catalog, s: &Offered, loaded: &crate::scenario::Loaded) -> String {
    let meta = &loaded.scenario.scenario;
    let body = html! {
        header {
            h1 { "What if…" }
            p .lede { "Change a lever and press Run: crisis-sim simulates the changed scenario and the
                unchanged one on the same random numbers and shows the difference with its 95 % interval." }
            (chooser(catalog, Some(&s.id)))
        }
        div .layout {
            // The server checks every value and says what `--set` would; the browser's own
            // checks would stop the form with messages of their own.
            form #levers novalidate data-scenario=(s.id) data-file=(s.file.display()) {
                (lever_groups(&levers(&loaded.scenario)))
                (settings(s, meta.replications, meta.days, meta.seed))
                details #more {
                    summary { "Other changes: any scenario key, one " code { "KEY=VALUE" } " a line" }
                    textarea #extra rows="4" cols="40" placeholder="demand.scale=1.2" {}
                }
                div #problems .problem {}
                div .buttons {
                    button type="submit" #run { "Run" }
                    " "
                    button type="button" #cancel disabled { "Cancel" }
                }
                progress #progress max="1" value="0" hidden {}
                p #status .muted {}
            }
            section #answer hidden {
                div #paragraph {}
                table #headline {}
                p .muted #resolved-note { "Bold: a difference the simulation resolves (its paired 95 % interval excludes 0). "
                    "Intervals are the simulation's own uncertainty, not that of the inputs." }
                div #uncertainty {}
                h2 { "Overview" }
                div #overview {}
                h2 { "By zone" }
                div #zones {}
                h2 { "Charts" }
                div #charts {}
                h2 { "Reproduce it" }
                pre { code #command {} }
                p #links {}
                ul #warnings .muted {}
            }
        }
        script src="/assets/app.js" {}
    };
    shell(&format!("What if: {}", s.name), body)
}

fn summary_table(s: &RunSummary) -> Markup {
    html! {
        table #headline {
            tr { th { "a run's figure" } th { (s.scenario) } th { "95 % interval" } }
            @for (metric, label) in overview::COUNCIL {
                @if let Some(e) = s.metrics.get(metric.name) {
                    tr data-metric=(metric.name) {
                        td { (label) }
                        td .n data-mean=(e.mean) { (report::metric_value(metric.name, e.mean)) }
                        td .n .muted { (report::interval(e)) }
                    }
                }
            }
        }
    }
}

/// The page of an opened run folder: its headline figures and charts, drawn from its
/// summary, with its full report.
pub fn folder(catalog: &Catalog, f: &Opened) -> String {
    let s = &f.summary;
    let chart = |name: &str| format!("/folders/{}/charts/{name}.svg", f.id);
    let body = html! {
        header {
            h1 { (s.scenario) }
            p .lede { "A saved run in " code { (f.dir.display()) } ": "
                (s.replications) " replications of " (s.days) " days, seed " (s.seed)
                ". Nothing is simulated again." }
            (chooser(catalog, None))
        }
        (summary_table(s))
        p { a href=(format!("/folders/{}/report.html", f.id)) { "The full report" } }
        div #charts {
            @for name in ["response_time", "dispositions", "costs", "response_p90_by_zone"] {
                img src=(chart(name)) alt=(name) loading="lazy";
            }
        }
    };
    shell(&s.scenario, body)
}

/// A page that says what was not found.
pub fn missing(catalog: &Catalog, what: &str) -> String {
    shell(
        "Not here",
        html! {
            h1 { "Not here" }
            p { (what) }
            (chooser(catalog, None))
        },
    )
}
