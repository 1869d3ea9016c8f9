//! `calibrate`: a scenario from a city's dispatch (CAD) export. The export is read in
//! one pass into tallies (`read`), the tallies give fitted values (`fit`), and the
//! scenario is written with a comment beside every value saying how many records it
//! rests on and how it was fitted, or that it is an assumption.

pub mod fit;
pub mod read;

use std::fmt::Write as _;
use std::path::PathBuf;

use fit::{LogNormalFit, identifier, is_police, lognormal, moments, outcome_shares};
pub use read::{Spec, Tally, tally};

/// Why dispatch records cannot be calibrated from (all bad input: exit 2).
#[derive(Debug, thiserror::Error)]
pub enum CalibrateError {
    /// The records cannot be read or hold nothing to fit.
    #[error("{}: {why}", path.display())]
    Records {
        /// The records file.
        path: PathBuf,
        /// What is wrong.
        why: String,
    },
}

impl CalibrateError {
    /// Always the user's input: the records or the flags that describe them.
    pub fn is_input(&self) -> bool {
        true
    }
}

/// What the planner adds to the records.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Residents of the area the records cover.
    pub population: Option<f64>,
    /// The scenario's name.
    pub name: String,
    /// What the records were, for the scenario's opening comment.
    pub source: String,
}

/// A crisis call type as fitted.
#[derive(Clone, Debug)]
pub struct TypeFit {
    /// Its name as written in the records.
    pub label: String,
    /// Its name in the scenario.
    pub name: String,
    /// Calls.
    pub calls: u64,
    /// Most common priority (1 when the records have none or it is not a number).
    pub priority: u32,
    /// Agencies first on scene, most frequent first (scenario names).
    pub responders: Vec<String>,
    /// Per responder: the fitted on-scene time, if there were enough records.
    pub on_scene: Vec<(String, Option<LogNormalFit>)>,
    /// Per responder: outcome shares and the records they rest on.
    pub outcomes: Vec<(String, Option<fit::Shares>)>,
}

/// A zone as fitted.
#[derive(Clone, Debug)]
pub struct ZoneFit {
    /// Name.
    pub name: String,
    /// Crisis calls in it.
    pub calls: u64,
    /// Centre and radius, km, when the records have positions.
    pub place: Option<(f64, f64, f64)>,
}

/// Everything `calibrate` found.
#[derive(Clone, Debug)]
pub struct Calibration {
    /// The tallies.
    pub tally: Tally,
    /// Days covered.
    pub days: f64,
    /// Crisis calls.
    pub crises: u64,
    /// Hour-of-day and day-of-week weights.
    pub hourly: [f64; 24],
    /// See `hourly`.
    pub weekly: [f64; 7],
    /// Call types, most frequent first.
    pub types: Vec<TypeFit>,
    /// Zones, most calls first.
    pub zones: Vec<ZoneFit>,
    /// Responder kinds (scenario names), most calls first.
    pub kinds: Vec<String>,
    /// Dispatched → arrived of crisis calls.
    pub travel: Option<LogNormalFit>,
    /// Background calls' busy time (mean, sd).
    pub background_service: Option<(f64, f64)>,
    /// Repeat share and mean gap in days, when persons are given.
    pub repeat: Option<(f64, f64)>,
}

impl Calibration {
    /// Fits everything the tallies allow, with calls clustered into at most `zones`
    /// zones when the records have positions but no zone; a file with no crisis call
    /// is refused.
    pub fn new(tally: Tally, zones: usize) -> Result<Calibration, String> {
        let crises: u64 = tally.types.values().map(|t| t.calls).sum();
        if crises == 0 {
            return Err(no_crises(&tally));
        }
        let days = fit::days(&tally);
        let (hourly, weekly) = fit::profiles(&tally);
        let mut types: Vec<TypeFit> = tally
            .types
            .iter()
            .map(|(label, t)| type_fit(label, t))
            .collect();
        types.sort_by_key(|t| std::cmp::Reverse(t.calls));
        // Two call types written differently may make the same name ("MH-1", "MH 1").
        for i in 1..types.len() {
            let mut n = 2;
            while types[..i].iter().any(|t| t.name == types[i].name) {
                types[i].name = format!("{}_{n}", identifier(&types[i].label));
                n += 1;
            }
        }
        let mut kinds: Vec<(String, u64)> = Vec::new();
        for t in tally.types.values() {
            for (a, c) in &t.agencies {
                match kinds.iter_mut().find(|k| k.0 == identifier(a)) {
                    Some(k) => k.1 += c,
                    None => kinds.push((identifier(a), *c)),
                }
            }
        }
        kinds.sort_by_key(|k| std::cmp::Reverse(k.1));
        let spreads: Vec<(String, read::Spread)> = if tally.cells.is_empty() {
            tally
                .zones
                .iter()
                .map(|(n, s)| (n.clone(), s.clone()))
                .collect()
        } else {
            let unplaced = tally.zones.values().map(|s| s.calls - s.n).sum::<u64>();
            let placed = crises - unplaced;
            (fit::cluster(&tally.cells, zones).into_iter().enumerate())
                .map(|(i, mut g)| {
                    // Calls without a position are shared out in proportion.
                    g.calls += unplaced * g.calls / placed.max(1);
                    (format!("Zone {}", i + 1), g)
                })
                .collect()
        };
        let mut zones: Vec<ZoneFit> = (spreads.iter())
            .map(|(name, s)| {
                let n = s.n as f64;
                let place = (s.n >= 3).then(|| {
                    let (x, y) = (s.sums[0] / n, s.sums[1] / n);
                    let var = (s.sums[2] / n - x * x) + (s.sums[3] / n - y * y);
                    (x, y, (2.0 * var.max(0.0)).sqrt().max(0.3))
                });
                ZoneFit {
                    name: name.clone(),
                    calls: s.calls.max(1),
                    place,
                }
            })
            .collect();
        zones.sort_by_key(|z| std::cmp::Reverse(z.calls));
        let repeat = (tally.repeats > 0).then(|| {
            let g = &tally.repeat_gaps;
            let gaps = if g.n > 0 {
                g.sum / g.n as f64 / 1440.0
            } else {
                60.0
            };
            (tally.repeats as f64 / crises as f64, gaps.max(0.01))
        });
        Ok(Calibration {
            days,
            crises,
            hourly,
            weekly,
            types,
            zones,
            kinds: kinds.into_iter().map(|k| k.0).collect(),
            travel: lognormal(&tally.travel),
            background_service: moments(&tally.background_service),
            repeat,
            tally,
        })
    }
}

fn no_crises(t: &Tally) -> String {
    let mut common: Vec<(&String, &u64)> = t.other_types.iter().collect();
    common.sort_by(|a, b| b.1.cmp(a.1));
    let names: Vec<String> = common
        .iter()
        .take(8)
        .map(|(n, c)| format!("{n} ({c})"))
        .collect();
    format!(
        "no crisis call found among {} readable records: no call type matches --crisis-type{}; \
         the most common call types are: {}",
        t.rows - t.dropped.no_received - t.dropped.bad_received,
        if t.first_bad_time.is_some() && t.span.is_none() {
            " (and no received time could be read)"
        } else {
            ""
        },
        if names.is_empty() {
            "none".into()
        } else {
            names.join(", ")
        }
    )
}

fn type_fit(label: &str, t: &read::TypeTally) -> TypeFit {
    let mut agencies: Vec<(&String, &u64)> = t.agencies.iter().collect();
    agencies.sort_by(|a, b| b.1.cmp(a.1));
    let responders: Vec<String> = agencies.iter().map(|(a, _)| identifier(a)).collect();
    let priority = (t.priorities.iter())
        .max_by_key(|(_, c)| **c)
        .and_then(|(p, _)| p.trim().parse::<u32>().ok())
        .unwrap_or(1);
    let by = |a: &str| {
        agencies
            .iter()
            .find(|(x, _)| identifier(x) == a)
            .map(|(x, _)| x.as_str())
    };
    TypeFit {
        label: label.to_string(),
        name: identifier(label),
        calls: t.calls,
        priority,
        on_scene: (responders.iter())
            .map(|r| {
                (
                    r.clone(),
                    by(r).and_then(|a| t.on_scene.get(a)).and_then(lognormal),
                )
            })
            .collect(),
        outcomes: (responders.iter())
            .map(|r| {
                (
                    r.clone(),
                    by(r)
                        .and_then(|a| t.outcomes.get(a))
                        .and_then(outcome_shares),
                )
            })
            .collect(),
        responders,
    }
}

/// A TOML string literal.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

fn minutes(x: f64) -> String {
    format!("{:.1}min", x.max(0.1))
}

fn round(x: f64, digits: usize) -> String {
    let s = format!("{x:.digits$}");
    if s.contains('.') { s } else { format!("{s}.0") }
}

/// Shares written to six decimals that sum to exactly 1: the largest takes the
/// rounding.
fn whole(shares: &[f64]) -> Vec<String> {
    let mut micro: Vec<i64> = shares.iter().map(|s| (s * 1e6).round() as i64).collect();
    let rest = 1_000_000 - micro.iter().sum::<i64>();
    if let Some(i) = (0..micro.len()).max_by_key(|&i| micro[i]) {
        micro[i] += rest;
    }
    micro
        .iter()
        .map(|m| format!("{}.{:06}", m / 1_000_000, m % 1_000_000))
        .collect()
}

fn list(values: &[f64]) -> String {
    values
        .iter()
        .map(|v| format!("{v:.3}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Calibration {
    /// Total residents: given, or an assumption of 100,000.
    fn population(&self, s: &Settings) -> f64 {
        s.population.unwrap_or(100_000.0)
    }

    /// The scenario, as TOML text with a comment beside every value.
    pub fn scenario(&self, s: &Settings) -> String {
        let mut out = String::new();
        self.head(&mut out, s);
        self.zones_text(&mut out, s);
        self.travel_text(&mut out);
        self.demand_text(&mut out, s);
        for t in &self.types {
            self.type_text(&mut out, t);
        }
        self.facilities_text(&mut out);
        self.responders_text(&mut out);
        self.prevention_text(&mut out);
        out
    }

    fn head(&self, out: &mut String, s: &Settings) {
        let t = &self.tally;
        let d = &t.dropped;
        let _ = write!(
            out,
            "# {}\n# Calibrated by `crisis-sim calibrate` from {}: {} rows, {} crisis calls and {} \
             other calls over {:.1} days.\n# Left out: {} without a received time, {} with an \
             unreadable one, {} duplicates, {} self-initiated, {} unreadable rows.\n# Every value \
             says what it rests on; \"assumption\" marks what dispatch records cannot give (staffing, \
             facilities, costs): replace those with local figures.\n\n",
            s.name,
            s.source,
            t.rows,
            self.crises,
            t.background,
            self.days,
            d.no_received,
            d.bad_received,
            d.duplicate,
            d.self_initiated,
            d.malformed
        );
        let _ = writeln!(out, "[scenario]\nname = {}", quoted(&s.name));
        let _ = writeln!(
            out,
            "days = 365\nwarmup_days = {}   # assumption: long enough for queues (and repeat crises) to settle",
            if self.repeat.is_some() { 365 } else { 30 }
        );
        let _ = writeln!(out, "replications = 20\nseed = 1\n");
    }

    fn zones_text(&self, out: &mut String, s: &Settings) {
        let population = self.population(s);
        let total: u64 = self.zones.iter().map(|z| z.calls).sum();
        for (i, z) in self.zones.iter().enumerate() {
            let share = z.calls as f64 / total.max(1) as f64;
            let _ = writeln!(out, "[[zones]]\nname = {}", quoted(&z.name));
            let _ = writeln!(
                out,
                "population = {:.0}   # {} × its share of crisis calls ({} of {total}){}",
                (population * share).max(1.0),
                if s.population.is_some() {
                    "--population"
                } else {
                    "assumption: 100,000 residents"
                },
                z.calls,
                if s.population.is_some() {
                    ""
                } else {
                    "; give --population for rates per resident"
                }
            );
            match z.place {
                Some((x, y, r)) => {
                    let _ = writeln!(
                        out,
                        "x_km = {}   # mean position of its calls\ny_km = {}\nradius_km = {}   # calls spread as over a disc of this radius (from their variance)\n",
                        round(x, 3),
                        round(y, 3),
                        round(r, 2)
                    );
                }
                None => {
                    let _ = writeln!(
                        out,
                        "x_km = {}   # assumption: the records give no positions\ny_km = 0.0\nradius_km = 3.0   # assumption\n",
                        round(6.0 * i as f64, 1)
                    );
                }
            }
        }
    }

    fn travel_text(&self, out: &mut String) {
        let turnout = 2.0;
        let circuity = 1.3;
        let radius = self
            .zones
            .iter()
            .map(|z| z.place.map_or(3.0, |p| p.2))
            .sum::<f64>()
            / self.zones.len().max(1) as f64;
        out.push_str("[travel]\n");
        match &self.travel {
            Some(t) if t.mean > turnout + 0.5 => {
                // Units patrol their zone: the mean distance to a call in a disc of
                // radius R from a random point in it is about 0.9 R.
                let speed =
                    (circuity * 0.905 * radius / ((t.mean - turnout) / 60.0)).clamp(5.0, 120.0);
                let _ = writeln!(
                    out,
                    "speed_kmh = {}   # from {} dispatched→arrived times (mean {:.1} min, median {:.1}), less the turnout, over the zones' mean distance to a call\n\
                     circuity = {circuity}   # assumption\nturnout = \"{turnout}min\"   # assumption\nnoise_cv = 0.3   # assumption\n",
                    round(speed, 1),
                    t.n,
                    t.mean,
                    t.empirical[0]
                );
            }
            _ => {
                let _ = writeln!(
                    out,
                    "speed_kmh = 40.0   # assumption: the records give too few dispatched→arrived times\n\
                     circuity = {circuity}   # assumption\nturnout = \"{turnout}min\"   # assumption\nnoise_cv = 0.3   # assumption\n"
                );
            }
        }
    }

    fn demand_text(&self, out: &mut String, s: &Settings) {
        let per_day = self.crises as f64 / self.days;
        let first = per_day * (1.0 - self.repeat.map_or(0.0, |r| r.0));
        let rate = first / self.population(s) * 100_000.0;
        let _ = writeln!(
            out,
            "[demand]\ncrises_per_100k_per_day = {}   # {} crisis calls over {:.1} days = {:.2} a day{}{}",
            round(rate, 4),
            self.crises,
            self.days,
            per_day,
            self.repeat.map_or(String::new(), |(p, _)| format!(
                ", of which {:.1} % repeats (modelled below), so first crises are {:.2} a day",
                100.0 * p,
                first
            )),
            if s.population.is_some() {
                ""
            } else {
                " (per 100,000 assumed residents)"
            }
        );
        let _ = writeln!(
            out,
            "hourly = [{}]   # crisis calls by hour of day, as weights averaging 1 ({} calls)",
            list(&self.hourly),
            self.crises
        );
        let _ = writeln!(
            out,
            "weekly = [{}]   # by day, Monday first\n",
            list(&self.weekly)
        );
    }

    fn type_text(&self, out: &mut String, t: &TypeFit) {
        let shares: Vec<f64> = self
            .types
            .iter()
            .map(|x| x.calls as f64 / self.crises as f64)
            .collect();
        let i = self
            .types
            .iter()
            .position(|x| x.name == t.name)
            .unwrap_or(0);
        let _ = writeln!(
            out,
            "[[call_types]]\nname = {}   # records: {}",
            quoted(&t.name),
            quoted(&t.label)
        );
        let _ = writeln!(
            out,
            "share = {}   # {} of {} crisis calls",
            whole(&shares)[i],
            t.calls,
            self.crises
        );
        let _ = writeln!(
            out,
            "priority = {}   # the most common priority in its records",
            t.priority
        );
        let names: Vec<String> = t.responders.iter().map(|r| quoted(r)).collect();
        let _ = writeln!(
            out,
            "responders = [{}]   # agencies first on scene, most frequent first",
            names.join(", ")
        );
        if t.responders.len() > 1 {
            out.push_str("fallback_after = \"15min\"   # assumption: dispatch rules are not in the records\n");
        }
        for (k, fit) in &t.on_scene {
            match fit {
                Some(f) => {
                    let _ = writeln!(
                        out,
                        "on_scene.{k} = \"lognormal({}, {})\"   # maximum likelihood from {} arrived→cleared times without a transport: median {:.1} min (records {:.1}), 90th percentile {:.1} (records {:.1})",
                        minutes(f.mean),
                        minutes(f.sd),
                        f.n,
                        f.fitted[0],
                        f.empirical[0],
                        f.fitted[1],
                        f.empirical[1]
                    );
                }
                None => {
                    let _ = writeln!(
                        out,
                        "on_scene.{k} = \"lognormal(45min, 25min)\"   # assumption: fewer than 5 usable arrived→cleared times"
                    );
                }
            }
        }
        for (k, shares) in &t.outcomes {
            match shares {
                Some((parts, n)) => {
                    let values: Vec<f64> = parts.iter().map(|(_, p)| *p).collect();
                    let body: Vec<String> = parts
                        .iter()
                        .zip(whole(&values))
                        .map(|((d, _), p)| format!("{d} = {p}"))
                        .collect();
                    let _ = writeln!(
                        out,
                        "outcomes.{k} = {{ {} }}   # from {n} dispositions",
                        body.join(", ")
                    );
                }
                None => {
                    let _ = writeln!(
                        out,
                        "outcomes.{k} = {{ resolved_on_scene = 1.0 }}   # assumption: the records name no disposition the model knows"
                    );
                }
            }
        }
        out.push('\n');
    }

    fn uses(&self, disposition: &str) -> bool {
        self.types.iter().any(|t| {
            t.outcomes.iter().any(|(_, o)| {
                o.as_ref()
                    .is_some_and(|(p, _)| p.iter().any(|(d, _)| *d == disposition))
            })
        })
    }

    fn facilities_text(&self, out: &mut String) {
        let zone = quoted(&self.zones[0].name);
        for (disposition, kind, name, handoff) in [
            (
                "emergency_department",
                "emergency_department",
                "Emergency department",
                "45min, 20min",
            ),
            (
                "crisis_center",
                "crisis_center",
                "Crisis centre",
                "15min, 8min",
            ),
            ("arrest", "jail", "Jail", "45min, 20min"),
        ] {
            if self.uses(disposition) {
                let _ = writeln!(
                    out,
                    "[[facilities]]\nname = {}\nkind = \"{kind}\"\nzone = {zone}   # assumption: where it is\nhandoff = \"lognormal({handoff})\"   # assumption\n",
                    quoted(name)
                );
            }
        }
    }

    fn responders_text(&self, out: &mut String) {
        let t = &self.tally;
        let hours = self.days * 24.0;
        let background = (t.background as f64 / hours, self.background_service);
        let police = self.kinds.iter().position(|k| is_police(k)).unwrap_or(0);
        for (i, k) in self.kinds.iter().enumerate() {
            let role = if is_police(k) || (i == police && !self.kinds.iter().any(|k| is_police(k)))
            {
                "police"
            } else {
                "civilian"
            };
            let zones: Vec<String> = self.zones.iter().map(|z| quoted(&z.name)).collect();
            let load = self.crisis_load(k)
                + if i == police {
                    background.0 * background.1.map_or(40.0, |b| b.0) / 60.0
                } else {
                    0.0
                };
            let units = (load / 0.6).ceil().max(1.0);
            let _ = writeln!(
                out,
                "[[responders]]\nname = {}\nrole = \"{role}\"   # {}\nhome = [{}]\ncost_per_hour = 95.0   # assumption\nunits = {units}   # assumption: enough for 60 % of its busy time in the records ({load:.1} units busy on average); replace with its rosters",
                quoted(k),
                if role == "police" {
                    "the agency that answers what the others do not"
                } else {
                    "a civilian team"
                },
                zones.join(", ")
            );
            if i == police && t.background > 0 {
                let (mean, sd) = background.1.unwrap_or((40.0, 25.0));
                let _ = writeln!(
                    out,
                    "background = {{ per_hour = {}, service = \"gamma({}, {})\", priority = 2 }}   # {} other calls over {:.1} days; service: {}; priority: assumption",
                    round(background.0, 3),
                    minutes(mean),
                    minutes(sd.max(1.0)),
                    t.background,
                    self.days,
                    background.1.map_or(
                        "assumption (too few dispatched→cleared times)".to_string(),
                        |_| format!(
                            "mean and sd of {} dispatched→cleared times",
                            t.background_service.n
                        )
                    )
                );
            }
            out.push('\n');
        }
    }

    /// Units of kind `k` busy on crisis calls on average: its dispatched → cleared time
    /// in the records (calls without those times counted at the mean of those with them).
    fn crisis_load(&self, k: &str) -> f64 {
        let calls: u64 = (self.tally.types.values())
            .flat_map(|t| t.agencies.iter())
            .filter(|(a, _)| identifier(a) == k)
            .map(|(_, c)| c)
            .sum();
        let (mut sum, mut n) = (0.0, 0);
        for (_, d) in self.tally.busy.iter().filter(|(a, _)| identifier(a) == k) {
            (sum, n) = (sum + d.sum, n + d.n);
        }
        let per_call = if n > 0 { sum / n as f64 } else { 60.0 };
        calls as f64 * per_call / (self.days * 1440.0)
    }

    fn prevention_text(&self, out: &mut String) {
        if let Some((p, gap)) = self.repeat {
            let _ = writeln!(
                out,
                "[prevention]\n# {} of {} crisis calls were a person's second or later in the records: that share is\n\
                 # each crisis's chance of another, the same whatever its outcome (the records alone\n\
                 # cannot tell the effect of an outcome). People whose earlier crisis came before the\n\
                 # records began count as first crises, and gaps longer than the records' {:.0} days\n\
                 # cannot be seen: both the share and the delay are low, the more so the shorter the records.\n\
                 repeat = {{ resolved_on_scene = {p:.4}, referred = {p:.4}, crisis_center = {p:.4}, emergency_department = {p:.4}, arrest = {p:.4} }}\n\
                 repeat_delay = \"exp({gap:.3}d)\"   # mean gap between a person's consecutive crises in the records",
                self.tally.repeats, self.crises, self.days
            );
        }
    }
}
