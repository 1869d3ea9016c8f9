//! [`Output`]: a command's output folder, checked and locked from before anything is
//! simulated until the last file is written.

use std::path::{Path, PathBuf};

use super::folder::{self, Lock, MANIFEST};
use super::{Files, StoreError, Via, io, points, write_atomic};

/// How the folder is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Into a hidden sibling, swapped in whole at [`Output::finish`].
    Whole,
    /// In place, file by file (a sweep's or an analysis's saved points).
    InPlace,
}

/// A command's output folder, locked for the command's life and written only through it.
#[derive(Debug)]
pub struct Output {
    /// The real folder.
    dir: PathBuf,
    /// As the user gave it, for messages.
    shown: PathBuf,
    via: Via,
    mode: Mode,
    /// Where a whole output is being written (removed unless finished).
    staging: Option<PathBuf>,
    /// What crisis-sim wrote at the top of the folder before.
    previous: Vec<String>,
    /// Top-level entries written now.
    entries: Vec<String>,
    /// Files written now.
    files: usize,
    _lock: Lock,
}

/// What a finished output wrote.
#[derive(Clone, Debug)]
pub struct Written {
    /// Files written.
    pub files: usize,
    /// The folder, as the user gave it.
    pub dir: PathBuf,
}

impl Output {
    /// A folder written whole and swapped in at the end. `inputs` are the files and
    /// folders the command reads: the folder may neither be nor hold any of them.
    pub fn whole(dir: &Path, via: Via, inputs: &[&Path]) -> Result<Output, StoreError> {
        let mut out = Self::open(dir, via, inputs, Mode::Whole)?;
        let staging = folder::sibling(&out.dir, &format!("new-{}", std::process::id()));
        if std::fs::symlink_metadata(&staging).is_ok() {
            let _ = std::fs::remove_dir_all(&staging);
            let _ = std::fs::remove_file(&staging);
        }
        std::fs::create_dir(&staging)
            .map_err(|e| out.unusable(&format!("cannot write beside it: {e}")))?;
        folder::register_staging(&staging);
        out.staging = Some(staging);
        Ok(out)
    }

    /// A folder written in place, kept across runs (saved points). `inputs` as for
    /// [`Output::whole`].
    pub fn in_place(dir: &Path, via: Via, inputs: &[&Path]) -> Result<Output, StoreError> {
        let out = Self::open(dir, via, inputs, Mode::InPlace)?;
        std::fs::create_dir_all(&out.dir)
            .map_err(|e| out.unusable(&format!("cannot make it: {e}")))?;
        Ok(out)
    }

    fn open(dir: &Path, via: Via, inputs: &[&Path], mode: Mode) -> Result<Output, StoreError> {
        let real = folder::resolve(dir, via)?;
        let unusable = |why: String| StoreError::Unusable {
            via,
            path: dir.display().to_string(),
            why,
        };
        for input in inputs {
            let Ok(input_real) = input.canonicalize() else {
                continue;
            };
            if input_real == real || input_real.starts_with(&real) || real.starts_with(&input_real)
            {
                return Err(unusable(format!(
                    "is or holds {}, which this command reads; choose another folder",
                    input.display()
                )));
            }
        }
        let lock = Lock::take(&real, dir, via)?;
        let Some(previous) = folder::ours(&real) else {
            return Err(unusable(
                "holds files that crisis-sim did not write; choose a new or empty folder \
                 (nothing there was changed)"
                    .into(),
            ));
        };
        Ok(Output {
            dir: real,
            shown: dir.to_path_buf(),
            via,
            mode,
            staging: None,
            previous,
            entries: Vec::new(),
            files: 0,
            _lock: lock,
        })
    }

    fn unusable(&self, why: &str) -> StoreError {
        StoreError::Unusable {
            via: self.via,
            path: self.shown.display().to_string(),
            why: why.into(),
        }
    }

    /// Where files go now: the staging folder of a whole output, else the folder.
    pub fn dir(&self) -> &Path {
        self.staging.as_deref().unwrap_or(&self.dir)
    }

    /// The folder as the user gave it.
    pub fn shown(&self) -> &Path {
        &self.shown
    }

    /// The folder's earlier content, to read from while rebuilding it.
    pub fn earlier(&self) -> &Path {
        &self.dir
    }

    fn cannot_write(&self) -> impl Fn(std::io::Error) -> StoreError + '_ {
        |source| StoreError::Write {
            dir: self.shown.clone(),
            source,
        }
    }

    /// Writes each file, each whole or not at all.
    pub fn write(&mut self, files: &Files) -> Result<(), StoreError> {
        for (name, bytes) in files.iter() {
            let target = self.dir().join(name);
            let parent = target.parent().unwrap_or(self.dir()).to_path_buf();
            std::fs::create_dir_all(&parent).map_err(self.cannot_write())?;
            let file = target
                .file_name()
                .map_or(String::new(), |n| n.to_string_lossy().to_string());
            write_atomic(&parent, &file, bytes).map_err(self.cannot_write())?;
            let top = name.split('/').next().unwrap_or(name).to_string();
            if !self.entries.contains(&top) {
                self.entries.push(top);
            }
            self.files += 1;
        }
        Ok(())
    }

    /// Saves `bytes` as `name` in the folder itself, beside its earlier result, and
    /// lists it in the folder's manifest: what an interrupted command finished, kept for
    /// `--resume` while the staging folder is dropped.
    pub fn save_beside(&mut self, name: &str, bytes: &[u8]) -> Result<(), StoreError> {
        std::fs::create_dir_all(&self.dir).map_err(self.cannot_write())?;
        write_atomic(&self.dir, name, bytes).map_err(self.cannot_write())?;
        let mut entries = self.previous.clone();
        if !entries.iter().any(|e| e == name) {
            entries.push(name.to_string());
        }
        let text = folder::manifest(&entries);
        write_atomic(&self.dir, MANIFEST, text.as_bytes()).map_err(self.cannot_write())?;
        self.previous = entries;
        Ok(())
    }

    /// Copies the earlier folder's regular file `name` into the new one (a rebuild keeps
    /// what it cannot make again); returns whether there was one.
    pub fn keep(&mut self, name: &str) -> Result<bool, StoreError> {
        let from = self.dir.join(name);
        let regular = std::fs::symlink_metadata(&from).is_ok_and(|m| m.is_file());
        if !regular || self.mode == Mode::InPlace {
            return Ok(regular);
        }
        let bytes = std::fs::read(&from).map_err(io(&from))?;
        let mut files = Files::new();
        files.add(name, bytes);
        self.write(&files)?;
        Ok(true)
    }

    /// Finishes the folder: writes its manifest and, for a whole output, swaps it in
    /// (what the user keeps in the old folder is carried over).
    pub fn finish(mut self) -> Result<Written, StoreError> {
        let written = Written {
            files: self.files,
            dir: self.shown.clone(),
        };
        match self.staging.take() {
            Some(staging) => {
                let mut entries = self.entries.clone();
                entries.extend(top_entries(&staging));
                let text = folder::manifest(&entries);
                let swapped = write_atomic(&staging, MANIFEST, text.as_bytes())
                    .and_then(|_| swap_in(&staging, &self.dir, &self.previous));
                if swapped.is_err() {
                    let _ = std::fs::remove_dir_all(&staging);
                }
                folder::unregister_staging(&staging);
                swapped.map_err(self.cannot_write())?;
            }
            None => {
                let mut entries = self.previous.clone();
                entries.extend(self.entries.iter().cloned());
                for saved in [points::PLAN, points::POINTS] {
                    if self.dir.join(saved).exists() {
                        entries.push(saved.to_string());
                    }
                }
                let text = folder::manifest(&entries);
                write_atomic(&self.dir, MANIFEST, text.as_bytes()).map_err(self.cannot_write())?;
            }
        }
        Ok(written)
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if let Some(staging) = self.staging.take() {
            let _ = std::fs::remove_dir_all(&staging);
            folder::unregister_staging(&staging);
        }
    }
}

/// The names at the top of `dir`, the manifest left out.
fn top_entries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().to_string())
                .filter(|n| n != MANIFEST)
                .collect()
        })
        .unwrap_or_default()
}

/// Moves `staging` to `dir`: an existing `dir` is moved aside first, the entries in it
/// that crisis-sim did not write (not in `ours`) are carried into the new folder, and
/// the old one is deleted once the new one is in place. A failure puts everything back.
fn swap_in(staging: &Path, dir: &Path, ours: &[String]) -> std::io::Result<()> {
    if !dir.exists() {
        return std::fs::rename(staging, dir);
    }
    let old = folder::sibling(dir, &format!("old-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&old);
    std::fs::rename(dir, &old)?;
    let theirs: Vec<String> = top_entries(&old)
        .into_iter()
        .filter(|n| !ours.contains(n) && !staging.join(n).exists())
        .collect();
    let mut carried = Vec::new();
    let mut moved = Ok(());
    for name in &theirs {
        moved = std::fs::rename(old.join(name), staging.join(name));
        if moved.is_err() {
            break;
        }
        carried.push(name);
    }
    let result = moved.and_then(|()| std::fs::rename(staging, dir));
    if let Err(e) = result {
        for name in carried {
            let _ = std::fs::rename(staging.join(name), old.join(name));
        }
        let _ = std::fs::rename(&old, dir);
        return Err(e);
    }
    std::fs::remove_dir_all(&old)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut n = top_entries(dir);
        n.sort();
        n
    }

    #[test]
    fn a_folder_is_replaced_whole_and_locked_once() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().join("out").join("run");
        let mut files = Files::new();
        files.add("old.txt", "old");
        let mut out = Output::whole(&dir, Via::Out, &[]).unwrap();
        assert!(matches!(
            Output::whole(&dir, Via::Out, &[]),
            Err(StoreError::Busy { .. })
        ));
        out.write(&files).unwrap();
        out.finish().unwrap();
        assert_eq!(names(&dir), ["old.txt"]);
        // A failed write (dropped before finishing) leaves the old folder as it was.
        let mut failed = Output::whole(&dir, Via::Out, &[]).unwrap();
        let mut new = Files::new();
        new.add("new.txt", "new");
        failed.write(&new).unwrap();
        drop(failed);
        assert_eq!(names(&dir), ["old.txt"]);
        // The user's own file in a crisis-sim folder is kept when it is rewritten.
        std::fs::write(dir.join("my-notes.txt"), "mine").unwrap();
        let mut again = Output::whole(&dir, Via::Out, &[]).unwrap();
        again.write(&new).unwrap();
        again.finish().unwrap();
        assert_eq!(names(&dir), ["my-notes.txt", "new.txt"]);
        let hidden: Vec<String> = names(&temp.path().join("out"));
        assert_eq!(hidden, [".run.lock", "run"]);
    }

    #[test]
    fn a_folder_of_someone_else_or_holding_an_input_is_refused() {
        let temp = tempfile::tempdir().unwrap();
        let theirs = temp.path().join("theirs");
        std::fs::create_dir(&theirs).unwrap();
        std::fs::write(theirs.join("thesis.docx"), "mine").unwrap();
        assert!(matches!(
            Output::whole(&theirs, Via::Out, &[]),
            Err(StoreError::Unusable { .. })
        ));
        assert!(theirs.join("thesis.docx").exists());
        let input = temp.path().join("in").join("city.toml");
        std::fs::create_dir_all(input.parent().unwrap()).unwrap();
        std::fs::write(&input, "x").unwrap();
        let holder = temp.path().join("in");
        assert!(matches!(
            Output::whole(&holder, Via::Out, &[&input]),
            Err(StoreError::Unusable { .. })
        ));
        let file = temp.path().join("file");
        std::fs::write(&file, "x").unwrap();
        assert!(Output::whole(&file, Via::Out, &[]).is_err());
        assert!(Output::whole(&file.join("below"), Via::Out, &[]).is_err());
    }
}
