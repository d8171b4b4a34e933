//! The handbook as it stood at one commit, read from git objects for
//! `orr build --at REV` (the work tree is never touched): its files, the
//! commit, and the history up to it.

use std::sync::Arc;

use gix::ObjectId;

use super::{Commit, Handle, History};
use crate::load::FileSet;

/// How deep a folder of the handbook may nest in a tree: deeper ones are not
/// part of the format, and a hostile tree must not recurse without end.
const MAX_DEPTH: usize = 32;

/// A handbook pinned at one commit.
pub struct Pinned {
    pub commit: Arc<Commit>,
    pub files: FileSet,
    pub history: History,
}

/// The handbook at `root` as it stood at `rev`.
pub fn pin(root: &std::path::Path, rev: &str) -> Result<Pinned, String> {
    let handle = Handle::discover(root)?;
    let id = handle.resolve(rev)?;
    let commit = Arc::new(handle.commit(id)?);
    let files = handle.files_at(id)?;
    let history = History::Available(Arc::new(handle.history(Some(id))?));
    Ok(Pinned {
        commit,
        files,
        history,
    })
}

impl Handle {
    /// The files of `content/`, `templates/` and `assets/` at commit `id`.
    fn files_at(&self, id: ObjectId) -> Result<FileSet, String> {
        let repo = self.local();
        let tree = repo
            .find_commit(id)
            .and_then(|c| c.tree())
            .map_err(|e| format!("cannot read the tree of {id}: {e}"))?;
        let mut set = FileSet::default();
        // Static files are copied as they are: no size limit applies to them.
        for (folder, out, capped) in [
            ("content", &mut set.content, true),
            ("templates", &mut set.templates, true),
            ("assets", &mut set.assets, false),
        ] {
            let entry = tree
                .lookup_entry_by_path(self.in_repo(folder))
                .map_err(|e| format!("cannot read `{folder}` at {id}: {e}"))?;
            if let Some(entry) = entry.filter(|e| e.mode().is_tree()) {
                collect(&repo, entry.object_id(), "", capped, out)?;
            }
        }
        if set.content.is_empty() {
            return Err(format!("commit {id} has no handbook (no content/ folder)"));
        }
        Ok(set)
    }
}

/// Every blob under `tree`, as (path under the folder, bytes), sorted by path.
fn collect(
    repo: &gix::Repository,
    tree: ObjectId,
    under: &str,
    capped: bool,
    out: &mut Vec<(String, Vec<u8>)>,
) -> Result<(), String> {
    if under.matches('/').count() >= MAX_DEPTH {
        return Ok(());
    }
    let tree = repo
        .find_tree(tree)
        .map_err(|e| format!("cannot read tree {tree}: {e}"))?;
    let decoded = tree.decode().map_err(|e| e.to_string())?;
    for entry in &decoded.entries {
        let Ok(name) = std::str::from_utf8(entry.filename) else {
            continue;
        };
        let path = if under.is_empty() {
            name.to_string()
        } else {
            format!("{under}/{name}")
        };
        let oid = entry.oid.to_owned();
        if entry.mode.is_tree() {
            collect(repo, oid, &path, capped, out)?;
        } else if entry.mode.is_blob() {
            out.push((path, blob_bytes(repo, oid, capped)?));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(())
}

/// The bytes of a blob; one larger than any file the handbook may hold is
/// not read whole (its first bytes past the limit are enough for the loader
/// to refuse it).
fn blob_bytes(repo: &gix::Repository, id: ObjectId, capped: bool) -> Result<Vec<u8>, String> {
    let limit = crate::limits::MAX_YAML_FILE_BYTES.max(crate::limits::MAX_MARKDOWN_FILE_BYTES);
    let size = repo
        .find_header(id)
        .map_err(|e| format!("cannot read blob {id}: {e}"))?
        .size();
    if capped && size > limit {
        return Ok(vec![b' '; (limit + 1) as usize]);
    }
    repo.find_blob(id)
        .map(|b| b.data.clone())
        .map_err(|e| format!("cannot read blob {id}: {e}"))
}
