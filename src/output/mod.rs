//! Stage 5, write: a built site onto disk, atomically, and never over
//! anything orr did not make.
//!
//! The site is written into a fresh sibling directory and swapped in with two
//! renames, so a reader (or a failed build) never sees half a site and the
//! previous output stays exactly as it was until the new one is complete.
//! Every site carries a marker file ([`ownership`]); an existing output is
//! replaced only when it holds one, is empty, or `force` is given. Builds into
//! one output take turns through an advisory lock ([`lock`]).
//!
//! `build` never holds the site: [`write_with`] hands the renderer a sink
//! that writes each page into the staging directory as soon as it is
//! rendered.

pub mod lock;
pub mod ownership;

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::render::{DiskSink, Sink, Site};
pub use ownership::{check_replaceable, MARKER};

/// Why a site could not be written.
#[derive(Debug)]
pub enum WriteError {
    /// The output holds files orr did not make; nothing was touched.
    NotOurs(ownership::Refusal),
    /// The file system failed; the previous output is as it was.
    Io(PathBuf, io::Error),
    /// The site's content could not be made (its diagnostics say why); the
    /// previous output is as it was.
    Abandoned,
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::NotOurs(refusal) => write!(f, "{refusal}"),
            WriteError::Io(path, e) => write!(f, "cannot write `{}`: {e}", path.display()),
            WriteError::Abandoned => write!(f, "the site could not be made"),
        }
    }
}

/// Why filling the staging directory stopped.
#[derive(Debug)]
pub enum FillError {
    /// The content failed (its diagnostics are elsewhere).
    Content,
    /// Writing a file failed.
    Io(io::Error),
}

/// Writes `site` to `out`, replacing what was there only once all of it is
/// written, and only if orr made it (or `force`). `waiting` is told when
/// another build holds the output and this one waits for it.
pub fn write_site(
    site: &Site,
    out: &Path,
    force: bool,
    waiting: impl FnOnce(&Path),
) -> Result<(), WriteError> {
    write_with(out, force, waiting, |sink| {
        for (path, bytes) in site {
            sink.put(path.clone(), bytes.clone())
                .map_err(FillError::Io)?;
        }
        Ok(())
    })
}

/// Writes a site to `out` as `fill` makes it: `fill` puts each file into a
/// sink that writes it at once into a staging directory beside `out`, which
/// replaces `out` only once `fill` succeeds, and only if orr made `out` (or
/// `force`). If `fill` fails, the staging directory is removed and `out` is
/// exactly as it was. The output's lock is held throughout.
pub fn write_with<T>(
    out: &Path,
    force: bool,
    waiting: impl FnOnce(&Path),
    fill: impl FnOnce(&DiskSink) -> Result<T, FillError>,
) -> Result<T, WriteError> {
    let io_err = |e| WriteError::Io(out.to_path_buf(), e);
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(io_err)?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "site".to_string());
    let _lock = lock::OutputLock::acquire(parent, &name, || waiting(out)).map_err(io_err)?;
    // Checked again under the lock: the output may have changed since the
    // caller's early check, while the content was being judged.
    check_replaceable(out, force).map_err(WriteError::NotOurs)?;
    ownership::remove_stale_staging(parent, &name);
    swap_in(fill, parent, &name, out)
}

/// Stages the site beside `out` and renames it into place.
fn swap_in<T>(
    fill: impl FnOnce(&DiskSink) -> Result<T, FillError>,
    parent: &Path,
    name: &str,
    out: &Path,
) -> Result<T, WriteError> {
    let staging = parent.join(ownership::staging_name(name, "new", std::process::id()));
    let retired = parent.join(ownership::staging_name(name, "old", std::process::id()));
    let io_err = |e| WriteError::Io(out.to_path_buf(), e);
    remove_if_exists(&staging).map_err(io_err)?;
    let filled = match fill_staging(fill, &staging) {
        Ok(filled) => filled,
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(match e {
                FillError::Content => WriteError::Abandoned,
                FillError::Io(e) => io_err(e),
            });
        }
    };
    rename_into_place(&staging, &retired, out).map_err(io_err)?;
    Ok(filled)
}

fn rename_into_place(staging: &Path, retired: &Path, out: &Path) -> io::Result<()> {
    if fs::symlink_metadata(out).is_ok() {
        remove_if_exists(retired)?;
        fs::rename(out, retired)?;
        if let Err(e) = fs::rename(staging, out) {
            // Put the previous site back: nothing is lost.
            let _ = fs::rename(retired, out);
            let _ = fs::remove_dir_all(staging);
            return Err(e);
        }
        let _ = fs::remove_dir_all(retired);
    } else if let Err(e) = fs::rename(staging, out) {
        let _ = fs::remove_dir_all(staging);
        return Err(e);
    }
    Ok(())
}

fn remove_if_exists(path: &Path) -> io::Result<()> {
    match fs::remove_dir_all(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

fn fill_staging<T>(
    fill: impl FnOnce(&DiskSink) -> Result<T, FillError>,
    dir: &Path,
) -> Result<T, FillError> {
    fs::create_dir_all(dir).map_err(FillError::Io)?;
    // The marker first, so even a staging directory left by an interrupted
    // run says who made it.
    fs::write(dir.join(MARKER), ownership::MARKER_TEXT).map_err(FillError::Io)?;
    fill(&DiskSink::new(dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(site: &Site, out: &Path, force: bool) -> Result<(), WriteError> {
        write_site(site, out, force, |_| {})
    }

    fn one_page(text: &str) -> Site {
        let mut site = Site::new();
        site.insert("index.html".into(), text.as_bytes().to_vec());
        site
    }

    #[test]
    fn replaces_the_previous_site_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        let mut site = Site::new();
        site.insert("index.html".into(), b"one".to_vec());
        site.insert("a/b/index.html".into(), b"two".to_vec());
        write(&site, &out, false).unwrap();
        assert_eq!(fs::read(out.join("a/b/index.html")).unwrap(), b"two");
        write(&one_page("three"), &out, false).unwrap();
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"three");
        assert!(!out.join("a").exists(), "stale pages are not left behind");
        let mut leftovers: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        leftovers.sort();
        let expected: &[&str] = if cfg!(unix) {
            &["site"]
        } else {
            &[".site.orr-lock", "site"]
        };
        assert_eq!(leftovers, expected);
    }

    #[test]
    fn the_site_carries_its_marker() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        write(&one_page("one"), &out, false).unwrap();
        assert_eq!(
            fs::read_to_string(out.join(MARKER)).unwrap(),
            ownership::MARKER_TEXT
        );
    }

    #[test]
    fn a_directory_orr_did_not_make_is_left_alone_unless_forced() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("www");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("precious.txt"), "mine").unwrap();
        let err = write(&one_page("one"), &out, false).unwrap_err();
        assert!(matches!(err, WriteError::NotOurs(_)), "{err}");
        assert!(err.to_string().contains("--force"), "{err}");
        assert_eq!(
            fs::read_to_string(out.join("precious.txt")).unwrap(),
            "mine"
        );
        write(&one_page("one"), &out, true).unwrap();
        assert!(!out.join("precious.txt").exists());
        assert!(out.join(MARKER).is_file());
    }

    #[test]
    fn a_fill_that_fails_halfway_leaves_the_previous_site_and_no_staging() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        write(&one_page("old"), &out, false).unwrap();
        let result = write_with(
            &out,
            false,
            |_| {},
            |sink| {
                sink.put("index.html".into(), b"new".to_vec())
                    .map_err(FillError::Io)?;
                sink.put("a/index.html".into(), b"half".to_vec())
                    .map_err(FillError::Io)?;
                Err::<(), _>(FillError::Content)
            },
        );
        assert!(matches!(result, Err(WriteError::Abandoned)), "{result:?}");
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"old");
        assert!(!out.join("a").exists());
        let names: Vec<String> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|n| !n.ends_with("orr-lock"))
            .collect();
        assert_eq!(names, ["site"], "the staging directory is removed");
    }

    #[test]
    fn files_reach_the_staging_directory_while_the_site_is_being_made() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        let written = write_with(
            &out,
            false,
            |_| {},
            |sink| {
                sink.put("services/a/index.html".into(), b"a".to_vec())
                    .map_err(FillError::Io)?;
                // Already on disk before the rest of the site is made.
                let on_disk = fs::read(sink.dir().join("services/a/index.html")).ok();
                Ok(on_disk)
            },
        )
        .unwrap();
        assert_eq!(written.as_deref(), Some(&b"a"[..]));
        assert_eq!(fs::read(out.join("services/a/index.html")).unwrap(), b"a");
        assert!(out.join(MARKER).is_file());
    }

    #[test]
    fn an_empty_directory_is_fine() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("empty");
        fs::create_dir_all(&out).unwrap();
        write(&one_page("one"), &out, false).unwrap();
        assert!(out.join("index.html").is_file());
    }
}
