//! Output folders on disk: safe names, the real path behind links, the lock beside a
//! folder, what belongs to crisis-sim in it, and the staging folders a second Ctrl-C
//! must not leave behind.

use std::fs::{File, OpenOptions, TryLockError};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::{StoreError, Via};

/// The file in every output folder that says crisis-sim wrote it and lists what it
/// wrote at the top level; everything else there is the user's and is kept.
pub const MANIFEST: &str = ".crisis-sim";

/// The first line of [`MANIFEST`].
const MANIFEST_HEAD: &str =
    "crisis-sim output folder: the entries below were written by crisis-sim";

/// Files by which a folder written before manifests existed is known as crisis-sim's.
const LEGACY_MARKS: [&str; 6] = [
    "summary.json",
    "comparison.json",
    "plan.json",
    "size.json",
    "sweep.json",
    "uncertainty.json",
];

/// A file or folder name made from free text (a scenario file's stem, a kind's name):
/// letters, digits, `-`, `_` and `.` kept, anything else `_`, no leading dot (so never
/// `.`, `..` or hidden), at most 100 characters, `scenario` when nothing is left.
pub fn safe_name(raw: &str) -> String {
    let kept: String = raw
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let name: String = kept.trim_start_matches('.').chars().take(100).collect();
    if name.is_empty() {
        "scenario".into()
    } else {
        name
    }
}

/// The hidden sibling `.NAME.WHAT` of `dir`.
pub(super) fn sibling(dir: &Path, what: &str) -> PathBuf {
    let name = dir
        .file_name()
        .map_or("out".into(), |n| n.to_string_lossy().to_string());
    dir.with_file_name(format!(".{name}.{what}"))
}

/// The folder's real path: its parent made and resolved, a link to a folder followed,
/// so two paths to one folder share one lock. Refuses what cannot be a folder.
pub fn resolve(dir: &Path, via: Via) -> Result<PathBuf, StoreError> {
    let unusable = |why: &str| StoreError::Unusable {
        via,
        path: dir.display().to_string(),
        why: why.into(),
    };
    let Some(name) = dir.file_name() else {
        return Err(unusable("name a folder, e.g. --out out/run"));
    };
    if let Ok(meta) = std::fs::symlink_metadata(dir) {
        if meta.is_dir() || (meta.file_type().is_symlink() && dir.is_dir()) {
            return dir
                .canonicalize()
                .map_err(|e| unusable(&format!("cannot resolve it: {e}")));
        }
        return Err(unusable(if meta.file_type().is_symlink() {
            "is a link to nothing or to something that is not a folder"
        } else {
            "exists and is not a folder"
        }));
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)
        .map_err(|e| unusable(&format!("cannot make its parent folder: {e}")))?;
    let parent = parent
        .canonicalize()
        .map_err(|e| unusable(&format!("cannot resolve its parent folder: {e}")))?;
    Ok(parent.join(name))
}

/// The exclusive right to write a folder, held until dropped: a lock file beside it.
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

impl Lock {
    /// Takes the lock of the resolved folder `dir`; `shown` is the path as the user gave it.
    pub fn take(dir: &Path, shown: &Path, via: Via) -> Result<Lock, StoreError> {
        let path = sibling(dir, "lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            // A link planted where the lock goes is refused, never followed.
            .custom_flags(libc::O_NOFOLLOW)
            .open(&path)
            .map_err(|e| StoreError::Unusable {
                via,
                path: shown.display().to_string(),
                why: format!("cannot write its lock file {}: {e}", path.display()),
            })?;
        match file.try_lock() {
            Ok(()) => Ok(Lock { _file: file }),
            Err(TryLockError::WouldBlock) => Err(StoreError::Busy {
                via,
                path: shown.display().to_string(),
            }),
            Err(TryLockError::Error(e)) => Err(StoreError::Unusable {
                via,
                path: shown.display().to_string(),
                why: format!("cannot lock it ({}): {e}", path.display()),
            }),
        }
    }
}

/// What crisis-sim wrote at the top of `dir`, by its manifest: `Some(entries)` for a
/// folder crisis-sim wrote (an empty list for one written before manifests), `None` for
/// a folder with files of someone else's and no manifest. A missing or empty folder
/// is crisis-sim's to write.
pub fn ours(dir: &Path) -> Option<Vec<String>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Some(Vec::new());
    };
    let names: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    if names.is_empty() {
        return Some(Vec::new());
    }
    if let Ok(text) = std::fs::read_to_string(dir.join(MANIFEST)) {
        let mut lines = text.lines();
        if lines.next() == Some(MANIFEST_HEAD) {
            return Some(lines.map(String::from).collect());
        }
    }
    // Written before manifests: every entry was crisis-sim's.
    let legacy = LEGACY_MARKS.iter().any(|m| dir.join(m).is_file());
    legacy.then(|| names.into_iter().filter(|n| n != MANIFEST).collect())
}

/// The manifest's text for these top-level entries.
pub(super) fn manifest(entries: &[String]) -> String {
    let mut sorted = entries.to_vec();
    sorted.sort();
    sorted.dedup();
    let mut text = String::from(MANIFEST_HEAD);
    for e in sorted {
        text.push('\n');
        text.push_str(&e);
    }
    text.push('\n');
    text
}

/// Staging folders this process is writing, removed by [`abandon_staging`] when a
/// second Ctrl-C ends the program at once.
static STAGING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

pub(super) fn register_staging(dir: &Path) {
    if let Ok(mut list) = STAGING.lock() {
        list.push(dir.to_path_buf());
    }
}

pub(super) fn unregister_staging(dir: &Path) {
    if let Ok(mut list) = STAGING.lock() {
        list.retain(|d| d != dir);
    }
}

/// Removes every staging folder still being written: called just before the program
/// ends at a second Ctrl-C, so nothing half-written stays behind.
pub fn abandon_staging() {
    let dirs = match STAGING.try_lock() {
        Ok(list) => list.clone(),
        Err(_) => return,
    };
    for d in dirs {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_files_stay_inside_the_folder() {
        assert_eq!(safe_name("mid-size-city"), "mid-size-city");
        assert_eq!(safe_name(".."), "scenario");
        assert_eq!(safe_name("..."), "scenario");
        assert_eq!(safe_name(".hidden"), "hidden");
        assert_eq!(safe_name("a/b\\c d"), "a_b_c_d");
        assert_eq!(safe_name("report.html"), "report.html");
        assert_eq!(safe_name(&"x".repeat(300)).len(), 100);
    }

    #[test]
    fn a_link_resolves_to_its_folder_and_shares_its_lock() {
        let temp = tempfile::tempdir().unwrap();
        let real = temp.path().join("real");
        std::fs::create_dir(&real).unwrap();
        let link = temp.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let a = resolve(&real, Via::Out).unwrap();
        let b = resolve(&link, Via::Out).unwrap();
        assert_eq!(a, b);
        let _held = Lock::take(&a, &real, Via::Out).unwrap();
        assert!(matches!(
            Lock::take(&b, &link, Via::Out),
            Err(StoreError::Busy { .. })
        ));
    }

    #[test]
    fn a_planted_lock_link_is_refused() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().join("out");
        let victim = temp.path().join("victim");
        std::fs::write(&victim, "keep").unwrap();
        std::os::unix::fs::symlink(&victim, temp.path().join(".out.lock")).unwrap();
        let resolved = resolve(&dir, Via::Out).unwrap();
        assert!(matches!(
            Lock::take(&resolved, &dir, Via::Out),
            Err(StoreError::Unusable { .. })
        ));
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
    }

    #[test]
    fn folders_of_someone_else_are_not_ours() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path();
        assert_eq!(ours(&dir.join("missing")), Some(Vec::new()));
        assert_eq!(ours(dir), Some(Vec::new()));
        std::fs::write(dir.join("thesis.docx"), "mine").unwrap();
        assert_eq!(ours(dir), None);
        std::fs::write(dir.join(MANIFEST), manifest(&["summary.json".into()])).unwrap();
        assert_eq!(ours(dir), Some(vec!["summary.json".to_string()]));
    }
}
