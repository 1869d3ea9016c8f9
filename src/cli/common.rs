//! What the commands share: the simulation options, default output folders, notes and
//! warnings on standard error, the closing "wrote N files" line, and the glue between
//! a saved-point experiment's runner and its folder.

use std::path::{Path, PathBuf};

use clap::Args;

use super::CliError;
use crate::experiment::saved::{self, Runs, Shard};
use crate::experiment::{self, RunOptions};
use crate::stats::sweep::SweepPoint;
use crate::store::points::Plan;
use crate::store::{Output, Written, safe_name};
use crate::text::plural;

/// Writes to standard output; a failure is an error (exit 1), not a panic.
pub(super) fn print_out(args: std::fmt::Arguments) -> Result<(), CliError> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_fmt(args)
        .and_then(|()| out.flush())
        .map_err(CliError::Stdout)
}

/// Options of every command that simulates, but the replications and the output folder
/// (each command says its own).
#[derive(Debug, Args)]
pub struct SimOptions {
    /// Master seed (overrides scenario.seed).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Measured days (overrides scenario.days).
    #[arg(long, value_name = "D", value_parser = positive_days)]
    pub days: Option<f64>,
    /// Override any scenario key; tables in arrays are addressed by name,
    /// e.g. --set responders.police.absence=0.1 --set call_types.psychosis.share=0.2
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Worker threads, 1 to 1024 [default: all cores]. Results do not depend on it.
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `--replications`, for the commands that take it.
#[derive(Debug, Args)]
pub struct Replications {
    /// Replications (overrides scenario.replications).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub replications: Option<u32>,
}

/// `--days`: a number of days above 0.
pub(super) fn positive_days(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(d) if d.is_finite() && d > 0.0 => Ok(d),
        _ => Err(format!(
            "`{text}` is not a number of days above 0, e.g. 365"
        )),
    }
}

impl SimOptions {
    /// The `--set` list with the shorthand flags appended (they win).
    pub(super) fn assignments(&self, replications: Option<u32>) -> Vec<String> {
        let mut sets = self.set.clone();
        sets.extend(experiment::run_settings(replications, self.seed, self.days));
        sets
    }

    /// How to run: threads, and a progress bar unless quiet.
    pub(super) fn run_options(&self) -> RunOptions {
        RunOptions {
            threads: self.threads.map(usize::from),
            progress: !self.quiet,
        }
    }
}

/// A file's stem, safe as a folder name.
pub(super) fn stem(file: &Path) -> String {
    safe_name(
        &file
            .file_stem()
            .map_or(String::new(), |s| s.to_string_lossy().to_string()),
    )
}

/// `out/<file stem><suffix>`, the default output folder of a command.
pub(super) fn default_out(file: &Path, suffix: &str) -> PathBuf {
    Path::new("out").join(format!("{}{suffix}", stem(file)))
}

/// Prints each note on standard error, unless quiet; `whose` names the scenario when
/// there are several.
pub(super) fn notes(notes: &[String], whose: Option<&str>, quiet: bool) {
    if quiet {
        return;
    }
    for n in notes {
        match whose {
            Some(w) => eprintln!("note ({w}): {n}"),
            None => eprintln!("note: {n}"),
        }
    }
}

/// Prints each warning on standard error, unless quiet.
pub(super) fn warnings(warnings: impl IntoIterator<Item = String>, quiet: bool) {
    if quiet {
        return;
    }
    for w in warnings {
        eprintln!("warning: {w}");
    }
}

/// The closing line: how many files went where.
pub(super) fn wrote(written: &Written, quiet: bool) -> Result<(), CliError> {
    if !quiet {
        sayln!(
            "wrote {} to {} (open report.html)",
            plural(written.files as u32, "file"),
            written.dir.display()
        );
    }
    Ok(())
}

/// A saved-point experiment (sweep or uncertainty analysis) to run in a folder.
pub(super) struct SavedRun<'a, P: Plan> {
    /// Its plan.
    pub plan: &'a P,
    /// Its runs.
    pub runs: Runs<'a>,
    /// `--shard`.
    pub shard: Option<Shard>,
    /// `--resume` or `--fresh`.
    pub start: crate::store::points::Start,
    /// What one run is called ("point", "run").
    pub unit: &'static str,
    /// Its title on the console.
    pub title: String,
}

/// What `--resume` and `--fresh` say to do with points saved in the folder.
pub(super) fn start(resume: bool, fresh: bool) -> crate::store::points::Start {
    use crate::store::points::Start;
    match (resume, fresh) {
        (true, _) => Start::Resume,
        (false, true) => Start::Fresh,
        (false, false) => Start::New,
    }
}

/// Reads `--shard`.
pub(super) fn shard(text: Option<&str>) -> Result<Option<Shard>, CliError> {
    text.map(Shard::parse).transpose().map_err(CliError::Usage)
}

/// Runs what `out` does not hold yet of this shard's runs, saving each as it finishes;
/// returns every point once all are there, or says how to finish and returns `None`.
pub(super) fn run_saved<P: Plan>(
    out: &Output,
    job: &SavedRun<'_, P>,
    o: &SimOptions,
) -> Result<Option<Vec<SweepPoint>>, CliError> {
    let shard = job.shard;
    let pending = saved::open(out.dir(), job.plan, shard, job.start)?;
    if !o.quiet {
        let left = pending.to_run.len();
        eprintln!(
            "{}: {} × {}{}; {left} to run{}",
            job.title,
            plural(pending.total as u32, job.unit),
            plural(job.plan.replications(), "replication"),
            shard.map_or(String::new(), |s| format!(
                ", shard {}/{} has {}",
                s.index, s.count, pending.mine
            )),
            if left < pending.mine {
                format!(" ({} already saved)", pending.mine - left)
            } else {
                String::new()
            }
        );
    }
    saved::run(out.dir(), job.plan, &job.runs, &pending, &o.run_options())?;
    let points = saved::gathered(out.dir(), job.plan)?;
    if points.is_none() && !o.quiet {
        let held = crate::store::points::read_points(out.dir(), job.plan)
            .map_err(experiment::ExperimentError::from)?
            .len();
        sayln!(
            "saved {} of {} {}s to {}; when every shard has finished, join them with \
             `crisis-sim merge SHARD_DIR... --out DIR`",
            held,
            job.plan.points(),
            job.unit,
            out.shown().display()
        );
    }
    Ok(points)
}
