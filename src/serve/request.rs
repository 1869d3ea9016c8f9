//! A request from the page: which scenario, the changes as `--set` pairs and the run
//! settings; checked against the work limits and loaded into the models to run
//! (the variant exactly as `crisis-sim run FILE --set ...` would load it, the
//! unchanged scenario and police-only today on the variant's seed), or refused with
//! the errors `--set` gives, each tied to its key.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::catalog::{Catalog, Offered};
use crate::experiment::compare::Variant;
use crate::experiment::{self, ExperimentError, uncertainty};
use crate::model::Model;
use crate::scenario::{Loaded, Located, ScenarioError};

/// How much one request may ask for, so that a page cannot keep the server busy for
/// hours or fill its memory.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Limits {
    /// Replications of each run.
    pub replications: u32,
    /// Measured days.
    pub days: f64,
    /// Kernel events of the whole request (every run, every draw), by the estimate
    /// `check` uses.
    pub events: f64,
    /// Uncertainty draws.
    pub draws: u32,
    /// `--set` pairs.
    pub sets: usize,
    /// Characters of one `--set` pair.
    pub set_chars: usize,
    /// Bytes of a request body.
    pub body_bytes: usize,
}

/// The limits the server runs with: a request of at most about a minute and a half
/// on two cores.
pub const LIMITS: Limits = Limits {
    replications: 200,
    days: 3650.0,
    events: 3e9,
    draws: 20,
    sets: 100,
    set_chars: 2000,
    body_bytes: 64 * 1024,
};

/// What the page asks to run.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// The scenario's id in the catalog.
    pub scenario: String,
    /// The changes, as `--set KEY=VALUE` pairs.
    #[serde(default)]
    pub sets: Vec<String>,
    /// `--replications`.
    pub replications: Option<u32>,
    /// `--days`.
    pub days: Option<f64>,
    /// `--seed`: a number, or a string of digits (a browser's numbers stop short of
    /// the largest seeds).
    #[serde(default, deserialize_with = "seed")]
    pub seed: Option<u64>,
    /// Also run police-only today.
    #[serde(default)]
    pub police_only: bool,
    /// Uncertainty draws (0: none).
    #[serde(default)]
    pub draws: u32,
}

fn seed<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Seed {
        Number(u64),
        Text(String),
    }
    match Option::<Seed>::deserialize(d)? {
        None => Ok(None),
        Some(Seed::Number(n)) => Ok(Some(n)),
        Some(Seed::Text(t)) => t.trim().parse().map(Some).map_err(|_| {
            serde::de::Error::custom(format!(
                "`{t}` is not a seed; give a whole number from 0 to 18446744073709551615"
            ))
        }),
    }
}

/// One problem with a request: its message, as the command line prints it, and the
/// key of the `--set` it comes from.
#[derive(Clone, Debug, Serialize)]
pub struct Problem {
    /// The `--set` key at fault, if one is.
    pub key: Option<String>,
    /// What is wrong.
    pub message: String,
}

/// A refused request.
#[derive(Clone, Debug, Serialize)]
pub struct Refusal {
    /// 400 for a bad value, 413 for too much work.
    #[serde(skip)]
    pub status: u16,
    /// The whole error, as `crisis-sim run` prints it after `error: `.
    pub error: String,
    /// Each problem on its own.
    pub problems: Vec<Problem>,
}

impl Refusal {
    fn bad(message: String) -> Refusal {
        Refusal {
            status: 400,
            problems: vec![Problem {
                key: None,
                message: message.clone(),
            }],
            error: message,
        }
    }

    fn too_much(message: String) -> Refusal {
        Refusal {
            status: 413,
            ..Refusal::bad(message)
        }
    }
}

/// The key of a `--set` an error's origin names (`--set KEY=VALUE`).
fn set_key(located: &Located) -> Option<String> {
    if !located.origin.is_override() {
        return None;
    }
    let set = located.origin.source.strip_prefix("--set ")?;
    Some(
        set.split_once('=')
            .map_or(set, |(k, _)| k)
            .trim()
            .to_string(),
    )
}

fn located(e: &ExperimentError) -> Vec<&Located> {
    match e {
        ExperimentError::Scenario(ScenarioError::Invalid(l)) => vec![l],
        ExperimentError::Scenario(ScenarioError::Schema(all)) => all.iter().collect(),
        ExperimentError::Model(m) => m.problems.iter().collect(),
        ExperimentError::In { source, .. } => located(source),
        _ => Vec::new(),
    }
}

impl From<ExperimentError> for Refusal {
    fn from(e: ExperimentError) -> Refusal {
        let mut problems: Vec<Problem> = located(&e)
            .into_iter()
            .map(|l| Problem {
                key: set_key(l),
                message: l.to_string(),
            })
            .collect();
        if problems.is_empty() {
            problems.push(Problem {
                key: None,
                message: e.to_string(),
            });
        }
        // Loading refuses only the work limits as plain input; the rest is the scenario's.
        let status = if matches!(e, ExperimentError::Input(_)) {
            413
        } else {
            400
        };
        Refusal {
            status,
            error: e.to_string(),
            problems,
        }
    }
}

/// One run of a request.
pub struct Run {
    /// What the page calls it.
    pub role: Role,
    /// The scenario file.
    pub file: PathBuf,
    /// Its overrides, in the order the command line gives them.
    pub overrides: Vec<String>,
    /// It loaded.
    pub loaded: Loaded,
    /// Its model.
    pub model: Model,
}

/// Which run of a request.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Police-only today.
    PoliceOnly,
    /// The scenario as it is.
    Unchanged,
    /// The scenario with the page's changes.
    Changed,
}

/// A request checked and loaded: its runs in comparison order (police-only today,
/// if asked, then the unchanged scenario, then the changed one).
pub struct Planned {
    /// The request.
    pub request: Request,
    /// The runs.
    pub runs: Vec<Run>,
    /// The command that reproduces the changed run.
    pub command: String,
    /// The changed scenario as one TOML file.
    pub toml: String,
    /// The uncertainty analysis of the unchanged and the changed scenario, if asked.
    pub uncertainty: Option<uncertainty::Prepared>,
}

/// Replications of each scenario at each uncertainty draw: the draws, not the
/// replications, carry the inputs' spread, and common random numbers hold the noise.
pub const REPLICATIONS_PER_DRAW: u32 = 2;

/// The name of the changed scenario in the uncertainty analysis.
pub const CHANGED: &str = "with your changes";

/// The run settings as `crisis-sim run` appends them to its `--set` list.
fn common_settings(r: &Request) -> Vec<String> {
    experiment::run_settings(r.replications, r.seed, r.days)
}

/// The command line that reproduces the changed run.
fn command(offered: &Offered, r: &Request) -> String {
    let mut words = vec![
        "crisis-sim".to_string(),
        "run".into(),
        offered.file.display().to_string(),
    ];
    for set in &r.sets {
        words.extend(["--set".to_string(), set.clone()]);
    }
    let flags = [
        ("--replications", r.replications.map(|n| n.to_string())),
        ("--days", r.days.map(|d| d.to_string())),
        ("--seed", r.seed.map(|s| s.to_string())),
    ];
    for (flag, value) in flags {
        if let Some(v) = value {
            words.extend([flag.to_string(), v]);
        }
    }
    crate::report::page::shell_words(&words)
}

fn check_sizes(r: &Request) -> Result<(), Refusal> {
    let l = LIMITS;
    let too = |what: String| Err(Refusal::too_much(what));
    if r.sets.len() > l.sets {
        return too(format!(
            "{} changes; the page takes at most {}",
            r.sets.len(),
            l.sets
        ));
    }
    if let Some(long) = r.sets.iter().find(|s| s.len() > l.set_chars) {
        return too(format!(
            "a change of {} characters; the page takes at most {} ({}…)",
            long.len(),
            l.set_chars,
            long.chars().take(40).collect::<String>()
        ));
    }
    if r.replications.is_some_and(|n| n == 0 || n > l.replications) {
        return too(format!(
            "--replications must be from 1 to {} here (the command line takes more)",
            l.replications
        ));
    }
    if r.days.is_some_and(|d| !(d > 0.0 && d <= l.days)) {
        return too(format!(
            "--days must be above 0 and at most {} here (the command line takes more)",
            l.days
        ));
    }
    if r.draws > l.draws {
        return too(format!("at most {} uncertainty draws here", l.draws));
    }
    Ok(())
}

/// The uncertainty analysis a request asks for: its draws of the scenario's
/// `[uncertainty]` inputs, each run unchanged and changed.
fn analysis(offered: &Offered, r: &Request) -> Result<Option<uncertainty::Prepared>, Refusal> {
    if r.draws == 0 || r.sets.is_empty() {
        return Ok(None);
    }
    let variant = Variant {
        name: CHANGED.into(),
        from: None,
        sets: r.sets.clone(),
    };
    // The analysis has its own replications per draw.
    let sets = experiment::run_settings(None, r.seed, r.days);
    let o = uncertainty::Options {
        draws: r.draws as usize,
        replications: REPLICATIONS_PER_DRAW,
        tornado: None,
        outcome: crate::stats::metrics::COST_TOTAL.name.into(),
    };
    let prepared =
        uncertainty::prepare(std::slice::from_ref(&offered.file), &sets, &[variant], &o)?;
    Ok(Some(prepared))
}

/// The estimated work of the request must be within [`LIMITS`].
fn check_work(runs: &[Run], analysis: Option<&uncertainty::Prepared>) -> Result<(), Refusal> {
    let models =
        (runs.iter().map(|r| &r.model)).chain(analysis.into_iter().flat_map(|a| &a.models));
    let events: f64 = models
        .map(|m| experiment::work(m).events * f64::from(m.replications))
        .sum();
    if events <= LIMITS.events {
        return Ok(());
    }
    Err(Refusal::too_much(format!(
        "about {events:.1e} events to simulate, more than the {:.0e} one request of this page \
         is allowed (about a minute and a half on two cores); give fewer replications, days \
         or draws, or run it with the command line",
        LIMITS.events
    )))
}

fn load(file: &Path, sets: Vec<String>, role: Role) -> Result<Run, Refusal> {
    let (loaded, model) = experiment::load(file, &sets)?;
    Ok(Run {
        role,
        file: file.to_path_buf(),
        overrides: sets,
        loaded,
        model,
    })
}

/// Checks and loads a request.
pub fn plan(catalog: &Catalog, request: Request) -> Result<Planned, Refusal> {
    let Some(offered) = catalog.scenario(&request.scenario) else {
        let ids: Vec<&str> = catalog.scenarios.iter().map(|s| s.id.as_str()).collect();
        return Err(Refusal::bad(format!(
            "no scenario `{}` here; this server offers: {}",
            request.scenario,
            ids.join(", ")
        )));
    };
    check_sizes(&request)?;
    if request.draws > 0 && !offered.uncertain {
        return Err(Refusal::bad(format!(
            "{} has no [uncertainty] inputs to draw",
            offered.file.display()
        )));
    }
    let common = common_settings(&request);
    let mut all = request.sets.clone();
    all.extend(common.iter().cloned());
    let mut changed = load(&offered.file, all, Role::Changed)?;
    if !request.sets.is_empty() {
        changed.model.name = format!("{}, changed", changed.model.name);
    }
    let mut runs = Vec::new();
    if request.police_only {
        let Some(root) = &offered.police_only else {
            return Err(Refusal::bad(format!(
                "{} extends no police-only scenario to compare with",
                offered.file.display()
            )));
        };
        runs.push(load(root, common.clone(), Role::PoliceOnly)?);
    }
    runs.push(load(&offered.file, common, Role::Unchanged)?);
    let (seed, replications) = (changed.model.seed, changed.model.replications);
    for r in &mut runs {
        same_horizon(&changed.model, &r.model)?;
        r.model.seed = seed;
        r.model.replications = replications;
    }
    let toml = changed_toml(offered, &request, &changed.loaded);
    runs.push(changed);
    let uncertainty = analysis(offered, &request)?;
    check_work(&runs, uncertainty.as_ref())?;
    Ok(Planned {
        command: command(offered, &request),
        toml,
        request,
        runs,
        uncertainty,
    })
}

fn same_horizon(changed: &Model, other: &Model) -> Result<(), Refusal> {
    if changed.days == other.days && changed.warmup_days == other.warmup_days {
        return Ok(());
    }
    Err(Refusal::bad(format!(
        "`{}` measures {} days after {} of warm-up, the changed scenario {} after {}: \
         paired runs need the same horizon",
        other.name, other.days, other.warmup_days, changed.days, changed.warmup_days
    )))
}

/// The changed scenario as one file: every base merged in, every change applied.
fn changed_toml(offered: &Offered, r: &Request, loaded: &Loaded) -> String {
    let mut head = format!(
        "# {} ({}) with the changes of the what-if page:\n",
        offered.name,
        offered.file.display()
    );
    for set in &r.sets {
        head.push_str(&format!("#   --set {set}\n"));
    }
    if r.sets.is_empty() {
        head.push_str("#   (none)\n");
    }
    head.push_str("# Files it extends are merged in, so it stands alone.\n\n");
    let body = toml::to_string_pretty(&loaded.tree.to_toml()).unwrap_or_default();
    head + &body
}
