//! Finding the files of a handbook folder: `.gitignore`-aware and sorted,
//! with one rule for symbolic links. A link is followed when its real path
//! stays inside the handbook root; one that leaves it, is broken, or points
//! back at a folder holding it is skipped with a warning naming the link and
//! its target, never in silence.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::diagnostics::{Diagnostic, Diagnostics, Severity};

/// Files under `dir` (relative `/`-separated path, absolute path), sorted; a missing dir is empty.
pub fn walk(dir: &Path, diags: &mut Diagnostics, root: &Path) -> Vec<(String, PathBuf)> {
    let real_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let is_link = std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink());
    if is_link {
        if let Err(why) = judge_link(dir, &real_root) {
            diags.push(skipped(root, dir, &why));
            return Vec::new();
        }
    }
    if !dir.is_dir() {
        return Vec::new();
    }
    let refused: Arc<Mutex<Vec<(PathBuf, String)>>> = Arc::default();
    let walker = {
        let refused = Arc::clone(&refused);
        let real_root = real_root.clone();
        ignore::WalkBuilder::new(dir)
            .require_git(false)
            .follow_links(true)
            .sort_by_file_name(|a, b| a.cmp(b))
            .filter_entry(move |entry| {
                if !entry.path_is_symlink() {
                    return true;
                }
                let verdict = judge_link(entry.path(), &real_root);
                if let (Err(why), Ok(mut refused)) = (verdict.as_ref(), refused.lock()) {
                    refused.push((entry.path().to_path_buf(), why.clone()));
                }
                verdict.is_ok()
            })
            .build()
    };
    let mut out = Vec::new();
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                let abs = entry.into_path();
                if let Ok(rel) = abs.strip_prefix(dir) {
                    out.push((slashed(rel), abs));
                }
            }
            Ok(_) => {}
            Err(e) => diags.push(walk_error(&e, dir, root, &real_root)),
        }
    }
    if let Ok(refused) = refused.lock() {
        for (link, why) in refused.iter() {
            diags.push(skipped(root, link, why));
        }
    }
    out.sort();
    out
}

/// `Ok` when the link at `link` may be followed; else why not, naming its target.
fn judge_link(link: &Path, real_root: &Path) -> Result<(), String> {
    let target = std::fs::read_link(link)
        .map(|t| t.to_string_lossy().escape_debug().to_string())
        .unwrap_or_default();
    let Ok(real) = std::fs::canonicalize(link) else {
        return Err(format!(
            "symbolic link to `{target}`, which does not exist (or loops); skipped"
        ));
    };
    if !real.starts_with(real_root) {
        return Err(format!(
            "symbolic link to `{target}`, outside the handbook; skipped"
        ));
    }
    let holder = link.parent().and_then(|p| std::fs::canonicalize(p).ok());
    if holder.is_some_and(|holder| holder.starts_with(&real)) {
        return Err(format!(
            "symbolic link to `{target}`, a folder that holds the link (a loop); skipped"
        ));
    }
    Ok(())
}

/// A walker failure: a link it could not follow is a warning like any other
/// refused link; anything else (an unreadable folder) an error.
fn walk_error(e: &ignore::Error, dir: &Path, root: &Path, real_root: &Path) -> Diagnostic {
    if let Some(path) = error_path(e) {
        let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        if is_link {
            let why = judge_link(path, real_root)
                .err()
                .unwrap_or_else(|| format!("symbolic link that cannot be followed ({e}); skipped"));
            return skipped(root, path, &why);
        }
    }
    let shown = slashed(dir.strip_prefix(root).unwrap_or(dir));
    let mut d = Diagnostic::file_error(&shown, format!("cannot walk: {e}"))
        .code(crate::diagnostics::Code::WalkError);
    if is_loop(e) {
        d.severity = Severity::Warning;
    }
    d
}

fn error_path(e: &ignore::Error) -> Option<&Path> {
    match e {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::Loop { child, .. } => Some(child),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

fn is_loop(e: &ignore::Error) -> bool {
    match e {
        ignore::Error::Loop { .. } => true,
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => is_loop(err),
        _ => false,
    }
}

fn skipped(root: &Path, link: &Path, why: &str) -> Diagnostic {
    let shown = slashed(link.strip_prefix(root).unwrap_or(link));
    Diagnostic {
        severity: Severity::Warning,
        ..Diagnostic::file_error(&shown, why.to_string())
            .code(crate::diagnostics::Code::SkippedLink)
    }
}

fn slashed(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
