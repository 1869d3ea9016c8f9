//! One file written whole or not at all: into a temporary file created exclusively
//! (so a link planted at its name is never followed), synced, then renamed over the
//! final name (a rename replaces a link, never writes through it).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Temporary names taken by this process, so that two writes never share one.
static NEXT: AtomicU64 = AtomicU64::new(0);

/// Writes `bytes` to `dir/name` through an exclusively created temporary file and a
/// rename; returns the final path.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    let target = dir.join(name);
    let (temp, mut file) = create_temporary(dir, name)?;
    let result = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::rename(&temp, &target));
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result.map(|()| target)
}

/// A new hidden file beside `dir/name` that did not exist before (`O_EXCL`).
fn create_temporary(dir: &Path, name: &str) -> std::io::Result<(PathBuf, std::fs::File)> {
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(".{name}.{}-{n}.tmp", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
        {
            Ok(file) => return Ok((temp, file)),
            // A leftover of an earlier process with the same id: take the next name.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_leaves_no_temporary_and_never_follows_a_link() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path();
        let path = write_atomic(dir, "a.txt", b"hello").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"hello");
        let names: Vec<_> = std::fs::read_dir(dir).unwrap().collect();
        assert_eq!(names.len(), 1);
        // A link planted at the final name is replaced, and what it points to is kept.
        let victim = dir.join("victim");
        std::fs::write(&victim, "keep").unwrap();
        std::os::unix::fs::symlink(&victim, dir.join("b.txt")).unwrap();
        write_atomic(dir, "b.txt", b"new").unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
        assert!(!dir.join("b.txt").is_symlink());
    }
}
