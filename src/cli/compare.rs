//! `compare`: several scenarios, or variants of one, on common random numbers.

use std::path::{Path, PathBuf};

use clap::Args;

use super::CliError;
use super::common::{Replications, SimOptions, notes, stem, warnings, wrote};
use crate::experiment::compare::{self, Prepared, Variant};
use crate::report;
use crate::store::{Output, Via};

/// `compare` arguments.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Scenario files; the first is the baseline.
    #[arg(required = true, num_args = 1..)]
    pub scenarios: Vec<PathBuf>,
    /// A named variant of the baseline: "NAME: KEY=VALUE; KEY=VALUE" (repeatable);
    /// "NAME: from=FILE; KEY=VALUE" varies another scenario file instead. `--set`
    /// applies to every scenario and variant, a variant's keys only to it.
    #[arg(long, value_name = "NAME: K=V; K=V")]
    pub variant: Vec<String>,
    /// Output folder [default: out/compare-<stem>-vs-<stem>…, from the scenario files]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replications, for every scenario [default: the baseline's].
    #[command(flatten)]
    pub replications: Replications,
    /// Simulation options, applied to every scenario. The seed defaults to the
    /// baseline's, so that all scenarios share their random numbers.
    #[command(flatten)]
    pub options: SimOptions,
}

/// `out/compare-<stem>-vs-<stem>…`.
fn default_out(prepared: &Prepared) -> PathBuf {
    let mut stems: Vec<String> = prepared.scenarios.iter().map(|s| stem(&s.file)).collect();
    stems.dedup();
    Path::new("out").join(format!("compare-{}", stems.join("-vs-")))
}

/// `crisis-sim compare`.
pub fn compare(args: &CompareArgs) -> Result<(), CliError> {
    let o = &args.options;
    let variants = args
        .variant
        .iter()
        .map(|v| Variant::parse(v))
        .collect::<Result<Vec<_>, _>>()
        .map_err(CliError::Usage)?;
    if args.scenarios.len() + variants.len() < 2 {
        return Err(CliError::Usage(
            "compare needs a second scenario file or a --variant of the first".into(),
        ));
    }
    let sets = o.assignments(args.replications.replications);
    let prepared = compare::prepare(&args.scenarios, &sets, &variants)?;
    for s in &prepared.scenarios {
        notes(&s.loaded.notes, Some(&s.model.name), o.quiet);
    }
    let dir = args.out.clone().unwrap_or_else(|| default_out(&prepared));
    let inputs: Vec<&Path> = prepared
        .scenarios
        .iter()
        .flat_map(|s| s.loaded.paths())
        .collect();
    let mut out = Output::whole(&dir, Via::Out, &inputs)?;
    let comparison = compare::compare(&prepared, &o.run_options())?;
    out.write(&report::compare::compare_files(&comparison)?)?;
    let written = out.finish()?;
    if !o.quiet {
        say!("{}", report::compare::console(&comparison));
        sayln!();
    }
    warnings(report::compare::all_warnings(&comparison), o.quiet);
    wrote(&written, o.quiet)
}
