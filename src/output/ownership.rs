//! Which directories orr may replace or delete: its own sites (marked with
//! [`MARKER`]), empty directories, and the staging directories of its own
//! earlier runs. Everything else belongs to someone else.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

/// The file every site orr writes holds at its top.
pub const MARKER: &str = ".orr-site";

/// What the marker says, for a person who finds it.
pub const MARKER_TEXT: &str =
    "This directory was written by `orr build` and is replaced whole by the next build.\n";

/// Why an output directory may not be replaced.
#[derive(Debug)]
pub struct Refusal {
    pub out: PathBuf,
    pub why: String,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "refusing to replace `{}`: {}",
            self.out.display(),
            self.why
        )
    }
}

/// `Ok` when `out` may be replaced by a new site: it does not exist, is an
/// empty directory, or is a site orr made; anything else only with `force`
/// (and a file never, since a site is a directory).
pub fn check_replaceable(out: &Path, force: bool) -> Result<(), Refusal> {
    let refuse = |why: String| {
        Err(Refusal {
            out: out.to_path_buf(),
            why,
        })
    };
    let Ok(meta) = fs::symlink_metadata(out) else {
        return Ok(()); // Nothing there (or unreadable: the write reports it).
    };
    if meta.file_type().is_symlink() {
        if force {
            return Ok(());
        }
        let target = fs::read_link(out).unwrap_or_default();
        return refuse(format!(
            "it is a symbolic link (to `{}`), which the build would replace with a directory; \
             pass the directory itself as --out, or --force to replace the link",
            escaped(&target.to_string_lossy())
        ));
    }
    if !meta.is_dir() {
        return refuse("it is a file, and the site is a directory".to_string());
    }
    if force || is_marked(out) || is_empty_dir(out) {
        return Ok(());
    }
    refuse(format!(
        "it is not empty ({}) and has no `{MARKER}` file, so orr did not build it. \
         Pass an empty or new directory as --out; or, if it should be replaced with \
         everything in it (for instance a site built by an orr older than this one), \
         pass --force",
        first_entries(out)
    ))
}

/// Whether `dir` holds orr's marker as a regular file.
pub fn is_marked(dir: &Path) -> bool {
    fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.is_file())
}

fn is_empty_dir(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_none())
}

/// A few names from `dir`, to show the user what would have been lost.
fn first_entries(dir: &Path) -> String {
    let Ok(entries) = fs::read_dir(dir) else {
        return "unreadable".to_string();
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .take(64)
        .map(|e| escaped(&e.file_name().to_string_lossy()))
        .collect();
    names.sort();
    let more = if names.len() > 3 { ", …" } else { "" };
    names.truncate(3);
    format!("it holds {}{more}", names.join(", "))
}

/// Control characters in a name shown on the terminal, escaped.
fn escaped(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// `.NAME.orr-KIND-PID`: where a run stages its site (`new`) or parks the
/// previous one (`old`) beside the output `NAME`.
pub fn staging_name(name: &str, kind: &str, pid: u32) -> String {
    format!(".{name}.orr-{kind}-{pid}")
}

/// The pid of a staging directory of output `name`, if `file` is one.
fn staging_pid(file: &str, name: &str) -> Option<u32> {
    ["new", "old"].iter().find_map(|kind| {
        file.strip_prefix(&format!(".{name}.orr-{kind}-"))?
            .parse()
            .ok()
    })
}

/// Deletes the staging directories that interrupted runs left beside output
/// `name` in `parent`: only those named like orr's, and only when they hold
/// the marker (a live orr writing this output would hold the lock, so the
/// caller's lock makes them stale) or their process is gone. Best effort.
pub fn remove_stale_staging(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let own = std::process::id();
    for entry in entries.filter_map(Result::ok) {
        let file = entry.file_name().to_string_lossy().to_string();
        let Some(pid) = staging_pid(&file, name).filter(|&pid| pid != own) else {
            continue;
        };
        let path = entry.path();
        let is_dir = fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
        if is_dir && (is_marked(&path) || !process_alive(pid)) {
            let _ = fs::remove_dir_all(&path);
        }
    }
}

/// Whether process `pid` runs. Where that cannot be told, it is assumed to,
/// so only marked staging directories are deleted.
fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staging_names_round_trip() {
        assert_eq!(staging_name("site", "new", 42), ".site.orr-new-42");
        assert_eq!(staging_pid(".site.orr-new-42", "site"), Some(42));
        assert_eq!(staging_pid(".site.orr-old-7", "site"), Some(7));
        assert_eq!(staging_pid(".site.orr-new-x", "site"), None);
        assert_eq!(staging_pid(".www.orr-new-42", "site"), None);
        assert_eq!(staging_pid("site", "site"), None);
    }

    #[test]
    fn stale_staging_is_removed_only_when_orr_made_it() {
        let tmp = tempfile::tempdir().unwrap();
        let marked_alive = tmp.path().join(staging_name("site", "new", 1));
        fs::create_dir_all(&marked_alive).unwrap();
        fs::write(marked_alive.join(MARKER), MARKER_TEXT).unwrap();
        // A pid that cannot be running (above Linux's pid_max).
        let dead = tmp.path().join(staging_name("site", "old", 4_194_305));
        fs::create_dir_all(&dead).unwrap();
        let unmarked_alive = tmp.path().join(staging_name("site", "new", 1));
        let unmarked_alive = unmarked_alive.with_file_name(".site.orr-old-1");
        fs::create_dir_all(&unmarked_alive).unwrap();
        let other = tmp.path().join(".site.backup");
        fs::create_dir_all(&other).unwrap();
        remove_stale_staging(tmp.path(), "site");
        assert!(!marked_alive.exists());
        assert_eq!(dead.exists(), !cfg!(target_os = "linux"));
        assert!(unmarked_alive.exists(), "pid 1 runs and it has no marker");
        assert!(other.exists());
    }

    #[test]
    fn refusal_names_what_is_there_and_the_way_out() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("precious.txt"), "x").unwrap();
        let refusal = check_replaceable(tmp.path(), false).unwrap_err();
        let text = refusal.to_string();
        assert!(
            text.contains("precious.txt") && text.contains("--force"),
            "{text}"
        );
        assert!(check_replaceable(tmp.path(), true).is_ok());
        let file = tmp.path().join("precious.txt");
        assert!(check_replaceable(&file, true).is_err(), "a file, never");
    }
}
