//! What the page may offer: the scenario files and run folders named on the command
//! line (or the shipped scenarios when none is), each checked once at start. A
//! request names one of these by its id, never by a path, so the server reads no file
//! it was not given.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::experiment::{self, ExperimentError};
use crate::report::{self, ReportError};
use crate::stats::RunSummary;
use crate::store::{Files, safe_name};

/// A scenario file the page offers.
#[derive(Debug)]
pub struct Offered {
    /// Its id in URLs: the file stem, made unique.
    pub id: String,
    /// The file, as named.
    pub file: PathBuf,
    /// The scenario's own name.
    pub name: String,
    /// The police-only scenario it extends (the root of its `extends` chain, when
    /// every kind there is police), for "police-only today".
    pub police_only: Option<PathBuf>,
    /// Whether it has `[uncertainty]` inputs to draw.
    pub uncertain: bool,
}

/// A run folder opened to browse.
#[derive(Debug)]
pub struct Opened {
    /// Its id in URLs.
    pub id: String,
    /// The folder, as named.
    pub dir: PathBuf,
    /// Its summary.
    pub summary: RunSummary,
    /// Its report files, drawn from the summary when first asked for.
    pub files: OnceLock<Files>,
}

/// Everything the page offers.
#[derive(Debug)]
pub struct Catalog {
    /// Scenario files, the default first.
    pub scenarios: Vec<Offered>,
    /// Run folders.
    pub folders: Vec<Opened>,
}

/// Why the catalog cannot be made (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// A scenario does not load.
    #[error(transparent)]
    Scenario(#[from] ExperimentError),
    /// A folder's summary does not read.
    #[error(transparent)]
    Folder(#[from] ReportError),
    /// Nothing to offer.
    #[error("{0}")]
    Empty(String),
}

/// The shipped scenarios: `scenarios/*.toml` in the working folder, sorted, the
/// mobile-crisis city first.
pub(super) fn shipped() -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir("scenarios") else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let first = |p: &PathBuf| {
        p.file_stem()
            .is_none_or(|s| s != "mid-size-city-mobile-crisis")
    };
    files.sort_by_key(first);
    files
}

fn unique_id(wanted: &str, taken: &[String]) -> String {
    let base = safe_name(wanted);
    let mut id = base.clone();
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

impl Catalog {
    /// Checks every named file or folder; with none named, offers the shipped scenarios.
    pub fn new(named: &[PathBuf]) -> Result<Catalog, CatalogError> {
        let paths = if named.is_empty() {
            shipped()
        } else {
            named.to_vec()
        };
        if paths.is_empty() {
            return Err(CatalogError::Empty(
                "no scenario named and no scenarios/ folder here: name a scenario file, e.g. \
                 crisis-sim serve scenarios/mid-size-city-mobile-crisis.toml"
                    .into(),
            ));
        }
        let mut catalog = Catalog {
            scenarios: Vec::new(),
            folders: Vec::new(),
        };
        let mut ids = Vec::new();
        for path in paths {
            let stem = path.file_stem().map_or(String::from("scenario"), |s| {
                s.to_string_lossy().to_string()
            });
            let id = unique_id(&stem, &ids);
            ids.push(id.clone());
            if path.is_dir() {
                let summary = report::read_summary(&path)?;
                catalog.folders.push(Opened {
                    id,
                    dir: path,
                    summary,
                    files: OnceLock::new(),
                });
            } else {
                catalog.scenarios.push(offer(id, path)?);
            }
        }
        Ok(catalog)
    }

    /// The scenario with this id.
    pub fn scenario(&self, id: &str) -> Option<&Offered> {
        self.scenarios.iter().find(|s| s.id == id)
    }

    /// The folder with this id.
    pub fn folder(&self, id: &str) -> Option<&Opened> {
        self.folders.iter().find(|f| f.id == id)
    }
}

fn offer(id: String, file: PathBuf) -> Result<Offered, CatalogError> {
    let (loaded, model) = experiment::load(&file, &[])?;
    let police_only = loaded
        .bases
        .last()
        .map(|(p, _)| PathBuf::from(p))
        .filter(|root| is_police_only(root));
    Ok(Offered {
        id,
        name: model.name,
        police_only,
        uncertain: !loaded.scenario.uncertainty.is_empty(),
        file,
    })
}

fn is_police_only(file: &Path) -> bool {
    crate::scenario::load(file, &[]).is_ok_and(|l| {
        !l.scenario.responders.is_empty()
            && l.scenario.responders.iter().all(|r| r.role == "police")
    })
}

impl Opened {
    /// Its report files, drawn once.
    pub fn files(&self) -> Result<&Files, ReportError> {
        if let Some(files) = self.files.get() {
            return Ok(files);
        }
        let files = report::run_files(&self.summary)?;
        Ok(self.files.get_or_init(|| files))
    }
}
