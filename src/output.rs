//! Stage 5, write: a built site onto disk, atomically.
//!
//! The site is written into a fresh sibling directory and swapped in with two
//! renames, so a reader (or a failed build) never sees half a site and the
//! previous output stays exactly as it was until the new one is complete.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::render::Site;

/// Writes `site` to `out`, replacing what was there only once all of it is written.
pub fn write_site(site: &Site, out: &Path) -> io::Result<()> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent)?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "site".to_string());
    let staging = parent.join(format!(".{name}.orr-new-{}", std::process::id()));
    let retired = parent.join(format!(".{name}.orr-old-{}", std::process::id()));
    remove_if_exists(&staging)?;
    if let Err(e) = write_tree(site, &staging) {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    if out.exists() {
        remove_if_exists(&retired)?;
        fs::rename(out, &retired)?;
        if let Err(e) = fs::rename(&staging, out) {
            // Put the previous site back: nothing is lost.
            let _ = fs::rename(&retired, out);
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
        let _ = fs::remove_dir_all(&retired);
    } else if let Err(e) = fs::rename(&staging, out) {
        let _ = fs::remove_dir_all(&staging);
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

fn write_tree(site: &Site, dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    // Directories first (few, and in order), then the files in parallel: a
    // large organisation's site is thousands of files.
    let mut dirs: Vec<PathBuf> = site
        .keys()
        .filter_map(|p| dir.join(p).parent().map(Path::to_path_buf))
        .collect();
    dirs.dedup();
    for d in &dirs {
        fs::create_dir_all(d)?;
    }
    site.par_iter()
        .try_for_each(|(path, bytes)| fs::write(dir.join(path), bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_previous_site_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        let mut site = Site::new();
        site.insert("index.html".into(), b"one".to_vec());
        site.insert("a/b/index.html".into(), b"two".to_vec());
        write_site(&site, &out).unwrap();
        assert_eq!(fs::read(out.join("a/b/index.html")).unwrap(), b"two");
        let mut next = Site::new();
        next.insert("index.html".into(), b"three".to_vec());
        write_site(&next, &out).unwrap();
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"three");
        assert!(!out.join("a").exists(), "stale pages are not left behind");
        let leftovers: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    }
}
