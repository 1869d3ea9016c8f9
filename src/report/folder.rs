//! Output folders: checked and locked before anything is simulated, written whole into
//! a hidden sibling and swapped in with a rename at the end, so an earlier result stays
//! untouched until the new one is complete, and two runs never write into one folder.

use std::fs::{File, OpenOptions};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

/// Why an output folder cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    /// The path cannot be a folder (exit 2: nothing was simulated).
    #[error("--out {path}: {why}")]
    Unusable {
        /// The folder asked for.
        path: String,
        /// What is wrong with it.
        why: String,
    },
    /// Another crisis-sim is writing there.
    #[error(
        "--out {0}: another crisis-sim is writing to this folder; wait for it to finish or \
         choose another --out"
    )]
    Busy(String),
}

/// A file or folder name made from free text (a scenario file's stem): letters,
/// digits, `-`, `_` and `.` kept, anything else `_`, no leading dot (so never `.`,
/// `..` or hidden), at most 100 characters, `scenario` when nothing is left.
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
fn sibling(dir: &Path, what: &str) -> PathBuf {
    let name = dir
        .file_name()
        .map_or("out".into(), |n| n.to_string_lossy().to_string());
    dir.with_file_name(format!(".{name}.{what}"))
}

/// The exclusive right to write `dir`, held until dropped.
#[derive(Debug)]
pub struct Lock {
    dir: PathBuf,
    _file: File,
}

impl Lock {
    /// Checks that `dir` can be an output folder (nothing in its way: not a file, not
    /// a dangling link, a parent that is a folder), creates its parent, and takes its
    /// lock, a hidden file beside it.
    pub fn take(dir: &Path) -> Result<Lock, FolderError> {
        let unusable = |why: String| FolderError::Unusable {
            path: dir.display().to_string(),
            why,
        };
        if dir.as_os_str().is_empty() || dir.file_name().is_none() {
            return Err(unusable("name a folder, e.g. --out out/run".into()));
        }
        if let Ok(meta) = std::fs::symlink_metadata(dir)
            && !dir.is_dir()
        {
            let what = if meta.file_type().is_symlink() {
                "is a link to nothing or to something that is not a folder"
            } else {
                "exists and is not a folder"
            };
            return Err(unusable(what.into()));
        }
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)
            .map_err(|e| unusable(format!("cannot make its parent folder: {e}")))?;
        let path = sibling(dir, "lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| unusable(format!("cannot write beside it ({}): {e}", path.display())))?;
        // SAFETY: flock on a descriptor this function owns; no memory is shared.
        let locked = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if locked != 0 {
            return Err(FolderError::Busy(dir.display().to_string()));
        }
        Ok(Lock {
            dir: dir.to_path_buf(),
            _file: file,
        })
    }

    /// The folder this lock guards.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes the whole folder with `write` into a hidden sibling, then swaps it in for
    /// the old one (kept until then, so a failure leaves it as it was).
    pub fn replace<T>(
        &self,
        write: impl FnOnce(&Path) -> std::io::Result<T>,
    ) -> std::io::Result<T> {
        let staging = sibling(&self.dir, &format!("new-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&staging);
        std::fs::create_dir_all(&staging)?;
        let written = write(&staging).and_then(|t| {
            swap_in(&staging, &self.dir)?;
            Ok(t)
        });
        if written.is_err() {
            let _ = std::fs::remove_dir_all(&staging);
        }
        written
    }
}

/// Moves `staging` to `dir`, moving an existing `dir` aside first and back if the
/// move fails, and deleting it once the new folder is in place.
fn swap_in(staging: &Path, dir: &Path) -> std::io::Result<()> {
    if !dir.exists() {
        return std::fs::rename(staging, dir);
    }
    let old = sibling(dir, &format!("old-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&old);
    std::fs::rename(dir, &old)?;
    if let Err(e) = std::fs::rename(staging, dir) {
        let _ = std::fs::rename(&old, dir);
        return Err(e);
    }
    std::fs::remove_dir_all(&old)
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
    fn a_folder_is_replaced_whole_and_locked_once() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().join("out").join("run");
        let lock = Lock::take(&dir).unwrap();
        assert!(matches!(Lock::take(&dir), Err(FolderError::Busy(_))));
        lock.replace(|d| std::fs::write(d.join("old.txt"), "old"))
            .unwrap();
        let failed = lock.replace(|d| {
            std::fs::write(d.join("new.txt"), "new")?;
            Err::<(), _>(std::io::Error::other("disk full"))
        });
        assert!(failed.is_err());
        assert!(dir.join("old.txt").exists() && !dir.join("new.txt").exists());
        lock.replace(|d| std::fs::write(d.join("new.txt"), "new"))
            .unwrap();
        assert!(!dir.join("old.txt").exists() && dir.join("new.txt").exists());
        drop(lock);
        assert!(Lock::take(&dir).is_ok());
        let file = temp.path().join("file");
        std::fs::write(&file, "x").unwrap();
        assert!(matches!(
            Lock::take(&file),
            Err(FolderError::Unusable { .. })
        ));
        assert!(matches!(
            Lock::take(&file.join("below")),
            Err(FolderError::Unusable { .. })
        ));
        let hidden: Vec<_> = std::fs::read_dir(temp.path().join("out"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        assert_eq!(
            hidden
                .iter()
                .filter(|n| n.contains(".new-") || n.contains(".old-"))
                .count(),
            0
        );
    }
}
