//! The one writer. Output folders are resolved, checked and locked before anything is
//! simulated, and stay locked for the command's whole life ([`Output`]); reports hand
//! their files over as bytes ([`Files`]) and only this module puts them on disk, each
//! through a temporary file made exclusively and a rename ([`atomic`]). Long
//! experiments keep their finished runs here as they go ([`points`]).
//!
//! Two disciplines, one per kind of folder:
//! - **whole** outputs (`run`, `compare`, `size`, `merge`, `report`, `calibrate`) are
//!   written into a hidden sibling and swapped in at the end, so an earlier result stays
//!   untouched until the new one is complete;
//! - **saved-point** folders (`sweep`, `uncertainty`) are written in place: each
//!   finished point as it finishes, the final files at the end, all under the lock.

pub mod atomic;
pub mod folder;
pub mod output;
pub mod points;

use std::path::{Path, PathBuf};

pub use atomic::write_atomic;
pub use folder::safe_name;
pub use output::{Output, Written};

/// Where a folder came from on the command line, for messages: `--out`, or the
/// `DIR` argument of `report`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// The `--out` flag (or its default).
    Out,
    /// The folder argument of `report DIR`.
    ReportDir,
}

impl std::fmt::Display for Via {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Via::Out => "--out",
            Via::ReportDir => "report DIR",
        })
    }
}

/// Why an output folder or a saved experiment cannot be used or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The path cannot be this output folder (bad input: exit 2, nothing simulated).
    #[error("{via} {path}: {why}")]
    Unusable {
        /// Which argument named it.
        via: Via,
        /// The folder as given.
        path: String,
        /// What is wrong with it.
        why: String,
    },
    /// Another crisis-sim is writing there.
    #[error(
        "{via} {path}: another crisis-sim is writing to this folder; wait for it to finish or \
         choose another folder"
    )]
    Busy {
        /// Which argument named it.
        via: Via,
        /// The folder as given.
        path: String,
    },
    /// Saved points or plans that do not fit together, or are not crisis-sim's (exit 2).
    #[error("{0}")]
    Mismatch(String),
    /// Writing a result into the folder failed (a full disk, a file-size limit).
    #[error("{}: cannot write results: {source}", dir.display())]
    Write {
        /// The folder, as the user gave it.
        dir: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Reading or writing failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

impl StoreError {
    /// Whether the user's input is at fault (exit 2) rather than the machine (exit 1).
    pub fn is_input(&self) -> bool {
        matches!(self, StoreError::Unusable { .. } | StoreError::Mismatch(_))
    }
}

/// Maps an I/O error on `path`.
pub fn io(path: &Path) -> impl Fn(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Files to write, each a path inside the output folder (`charts/costs.svg`) and its
/// bytes, in the order they are written.
#[derive(Debug, Default)]
pub struct Files(Vec<(String, Vec<u8>)>);

impl Files {
    /// No files.
    pub fn new() -> Self {
        Files::default()
    }

    /// Adds a file; `name` may have folders (`charts/x.png`), each made safe.
    pub fn add(&mut self, name: &str, bytes: impl Into<Vec<u8>>) {
        let safe: Vec<String> = name.split('/').map(safe_name).collect();
        self.0.push((safe.join("/"), bytes.into()));
    }

    /// Adds every file of `other` under the folder `under` (or at the top with "").
    pub fn extend_under(&mut self, under: &str, other: Files) {
        for (name, bytes) in other.0 {
            let path = if under.is_empty() {
                name
            } else {
                format!("{}/{name}", safe_name(under))
            };
            self.0.push((path, bytes));
        }
    }

    /// The files, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.0.iter().map(|(n, b)| (n.as_str(), b.as_slice()))
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Pretty JSON with a final newline.
pub fn json<T: serde::Serialize>(value: &T) -> Vec<u8> {
    // Serialising our own types to memory cannot fail: their maps have string keys.
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}
