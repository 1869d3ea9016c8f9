//! `check`: validate scenarios without simulating.

use std::path::PathBuf;

use clap::Args;

use super::CliError;
use super::common::{Replications, positive_days};
use crate::experiment::{self, ExperimentError};
use crate::text::plural;

/// `check` arguments.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario files.
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    /// Override a key before validating (see `run --help`).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Measured days, as `run --days` would set them (the work limit depends on them).
    #[arg(long, value_name = "D", value_parser = positive_days)]
    pub days: Option<f64>,
    /// Replications, as `run --replications` would set them.
    #[command(flatten)]
    pub replications: Replications,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `crisis-sim check`: every file is checked; the first failure's kind sets the exit code.
pub fn check(args: &CheckArgs) -> Result<(), CliError> {
    let mut sets = args.set.clone();
    if let Some(n) = args.replications.replications {
        sets.push(format!("scenario.replications={n}"));
    }
    if let Some(d) = args.days {
        sets.push(format!("scenario.days={d:?}"));
    }
    let mut failures: Vec<ExperimentError> = Vec::new();
    for path in &args.scenarios {
        match experiment::load(path, &sets) {
            Ok((_, m)) => {
                if !args.quiet {
                    sayln!(
                        "ok  {}: {}, {}, {}, {:.1} crises a day",
                        path.display(),
                        plural(m.zones.len() as u32, "zone"),
                        plural(m.kinds.len() as u32, "responder kind"),
                        plural(m.call_types.len() as u32, "call type"),
                        m.mean_crises_per_day()
                    );
                }
                for w in m.background_overload() {
                    eprintln!("warning: {}: {w}", path.display());
                }
            }
            Err(e) => failures.push(e),
        }
    }
    match failures.len() {
        0 => Ok(()),
        1 => Err(failures.remove(0).into()),
        // Loading fails only on bad input: several failures are one bad-input error.
        _ => {
            let text: Vec<String> = failures.iter().map(ToString::to_string).collect();
            Err(ExperimentError::Input(text.join("\n")).into())
        }
    }
}
