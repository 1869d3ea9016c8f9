//! `plan`: the cheapest shift roster for one kind whose target holds in every hour.

use std::path::{Path, PathBuf};

use clap::Args;
use clap::builder::{PossibleValuesParser, TypedValueParser};

use super::CliError;
use super::common::{Replications, SimOptions, default_out, wrote};
use crate::experiment;
use crate::experiment::plan::{self, Planning, parse_fixed, parse_shifts};
use crate::report;
use crate::stats::metrics;
use crate::stats::plan::Per;
use crate::stats::plan::Question;
use crate::stats::size::Target;
use crate::store::{Output, Via};

/// `plan` arguments.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// The responder kind whose shifts are planned; the other kinds stay as the
    /// scenario has them.
    #[arg(long, value_name = "KIND")]
    pub kind: String,
    /// The shifts it may staff, each START/LENGTH on the hour, e.g.
    /// "07:00/10h,11:00/10h,15:00/10h,19:00/10h,23:00/10h" (0 units allowed).
    #[arg(long, value_name = "LIST")]
    pub shifts: String,
    /// What must hold in each block: "METRIC <= X" (or <, >=, >).
    #[arg(long, value_name = "\"METRIC <= X\"")]
    pub target: String,
    /// The blocks the target must hold in: each hour of the day, each day of the week,
    /// or the whole run.
    #[arg(
        long,
        value_name = "BLOCK",
        default_value = "hour",
        value_parser = PossibleValuesParser::new(["hour", "day", "overall"]).try_map(|s| s.parse::<Per>())
    )]
    pub per: Per,
    /// Confidence that the target holds in each block (a one-sided bound).
    #[arg(long, value_name = "P", default_value_t = 0.95)]
    pub confidence: f64,
    /// The metric costed per year, and held to --budgets.
    #[arg(long, value_name = "METRIC", default_value = "cost_total")]
    pub budget_metric: String,
    /// Budgets (the budget metric per year), comma-separated: the roster found within
    /// each, and the share of blocks it meets.
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub budgets: Vec<f64>,
    /// A shift whose units stay as given, e.g. "23:00/10h=3" (repeatable).
    #[arg(long, value_name = "SHIFT=UNITS")]
    pub fix: Vec<String>,
    /// Output folder [default: out/<scenario file stem>-plan]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replications of every roster tried (the same seeds for each).
    #[command(flatten)]
    pub replications: Replications,
    /// Simulation options, applied to every roster.
    #[command(flatten)]
    pub options: SimOptions,
}

/// `crisis-sim plan`.
pub fn plan(args: &PlanArgs) -> Result<(), CliError> {
    let o = &args.options;
    let sets = o.assignments(args.replications.replications);
    let (loaded, base) = experiment::load(&args.scenario, &sets)?;
    let kinds: Vec<String> = base.kinds.iter().map(|k| k.name.clone()).collect();
    let shifts = parse_shifts(&args.shifts).map_err(CliError::Usage)?;
    let question = Question {
        fixed: parse_fixed(&args.fix, &shifts).map_err(CliError::Usage)?,
        shifts,
        kind: args.kind.clone(),
        target: Target::parse(&args.target, &metrics::names(&kinds)).map_err(CliError::Usage)?,
        per: args.per,
        confidence: args.confidence,
        budget_metric: args.budget_metric.clone(),
        budgets: args.budgets.clone(),
    };
    if let Some(b) = args.budgets.iter().find(|b| !b.is_finite()) {
        return Err(CliError::Usage(format!("--budgets: `{b}` is not a number")));
    }
    let planning = Planning {
        file: &args.scenario,
        sets,
        base,
    };
    planning.check(&question)?;
    let dir = (args.out.clone()).unwrap_or_else(|| default_out(&args.scenario, "-plan"));
    let inputs: Vec<PathBuf> = std::iter::once(args.scenario.clone())
        .chain(loaded.bases.iter().map(|(f, _)| PathBuf::from(f)))
        .collect();
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let mut out = Output::whole(&dir, Via::Out, &inputs)?;
    let result = plan::plan(&planning, &question, &o.run_options())?;
    out.write(&report::plan::plan_files(&result)?)?;
    let written = out.finish()?;
    if !o.quiet {
        sayln!("{}", report::plan::console(&result));
    }
    wrote(&written, o.quiet)
}
