//! One build at a time per output directory: an advisory lock on
//! `.NAME.orr-lock` beside the output, held while the site is staged and
//! swapped in. A second build waits its turn (the lock is held only for the
//! write, not the build), so concurrent builds both succeed and the output is
//! always one whole site. The lock dies with its process, and on Unix the
//! file is removed on release, so nothing is left beside the output.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

/// Held until dropped.
#[derive(Debug)]
pub struct OutputLock {
    /// Holds the lock while open.
    _file: File,
    path: PathBuf,
}

impl OutputLock {
    /// Locks output `name` in `parent`, calling `waiting` once if another
    /// process holds it and this one has to wait.
    pub fn acquire(parent: &Path, name: &str, waiting: impl FnOnce()) -> io::Result<Self> {
        let path = parent.join(format!(".{name}.orr-lock"));
        let mut waiting = Some(waiting);
        loop {
            if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                return Err(io::Error::other(format!(
                    "`{}` is a symbolic link; orr only locks a file of its own there",
                    path.display()
                )));
            }
            let file = OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    if let Some(waiting) = waiting.take() {
                        waiting();
                    }
                    file.lock()?;
                }
                // A file system without locks (some network mounts): write unlocked, as before.
                Err(TryLockError::Error(e)) if e.kind() == io::ErrorKind::Unsupported => {}
                Err(TryLockError::Error(e)) => return Err(e),
            }
            // The previous holder may have removed the file while this one
            // waited on it: a lock on a removed file guards nothing, so retry.
            if still_at(&file, &path) {
                return Ok(Self { _file: file, path });
            }
        }
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Removed while still locked (the file closes after this), so no one
        // can take a lock on it that the next build would not see.
        if cfg!(unix) {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Whether `path` still names the open `file`.
#[cfg(unix)]
fn still_at(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::symlink_metadata(path)) {
        (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
        _ => false,
    }
}

/// Elsewhere the file is never removed, so it is always the one locked.
#[cfg(not(unix))]
fn still_at(_file: &File, _path: &Path) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_waits_for_the_first() {
        let tmp = tempfile::tempdir().unwrap();
        let first = OutputLock::acquire(tmp.path(), "site", || panic!("free")).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let dir = tmp.path().to_path_buf();
        let second = std::thread::spawn(move || {
            let waited = std::cell::Cell::new(false);
            let lock = OutputLock::acquire(&dir, "site", || waited.set(true)).unwrap();
            tx.send(waited.get()).unwrap();
            drop(lock);
        });
        // The second cannot finish while the first is held.
        assert!(rx
            .recv_timeout(std::time::Duration::from_millis(200))
            .is_err());
        drop(first);
        assert!(rx.recv().unwrap(), "the second was told it waits");
        second.join().unwrap();
        if cfg!(unix) {
            assert!(
                !tmp.path().join(".site.orr-lock").exists(),
                "removed on release"
            );
        }
    }
}
