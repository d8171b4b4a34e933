//! Which commit a site is built from, and whether the handbook's files in the
//! work tree differ from it (`dirty`): every file of `content/`, `templates/`
//! and `assets/` hashed as git would and compared with the commit's tree.

use std::collections::BTreeMap;
use std::path::Path;

use gix::ObjectId;
use rayon::prelude::*;
use serde::Serialize;

use super::Handle;

/// The commit named in every page footer and in `api/index.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Provenance {
    pub commit: String,
    /// The work tree has changes to the handbook that are not committed.
    pub dirty: bool,
}

/// The folders of a handbook compared for `dirty`.
const FOLDERS: [&str; 3] = ["content", "templates", "assets"];

/// Path under the root to blob id, for the handbook's folders at one commit.
pub(crate) type Committed = BTreeMap<String, ObjectId>;

/// The provenance of a build of the work tree at `root`; `None` without a repository or commit.
pub fn of_work_tree(root: &Path) -> Option<Provenance> {
    let handle = Handle::discover(root).ok()?;
    let head = handle.head().ok()?;
    let committed = handle.committed_files(head)?;
    Some(compare(root, &handle, head, &committed))
}

/// The work tree at `root` compared with `committed`, the files of `head`.
pub(crate) fn compare(
    root: &Path,
    handle: &Handle,
    head: ObjectId,
    committed: &Committed,
) -> Provenance {
    let present = work_tree_files(root, handle.repo.to_thread_local().object_hash());
    Provenance {
        commit: head.to_string(),
        dirty: *committed != present,
    }
}

impl Handle {
    /// Path under the root to blob id, for the handbook's folders at commit `id`.
    pub(crate) fn committed_files(&self, id: ObjectId) -> Option<Committed> {
        let repo = self.repo.to_thread_local();
        let tree = repo.find_commit(id).ok()?.tree().ok()?;
        let mut files = BTreeMap::new();
        for folder in FOLDERS {
            if let Some(entry) = tree.lookup_entry_by_path(self.in_repo(folder)).ok()? {
                if entry.mode().is_tree() {
                    list(&repo, entry.object_id(), folder, &mut files);
                }
            }
        }
        Some(files)
    }
}

fn list(repo: &gix::Repository, tree: ObjectId, under: &str, out: &mut BTreeMap<String, ObjectId>) {
    let Ok(tree) = repo.find_tree(tree) else {
        return;
    };
    let Ok(decoded) = tree.decode() else {
        return;
    };
    for entry in &decoded.entries {
        let path = format!("{under}/{}", entry.filename);
        if entry.mode.is_tree() {
            list(repo, entry.oid.to_owned(), &path, out);
        } else if entry.mode.is_blob_or_symlink() {
            out.insert(path, entry.oid.to_owned());
        }
    }
}

/// Path under the root to the blob id git would give it, for every file of
/// the handbook's folders that git would not ignore.
fn work_tree_files(root: &Path, kind: gix::hash::Kind) -> BTreeMap<String, ObjectId> {
    let mut paths = Vec::new();
    for folder in FOLDERS {
        let walker = ignore::WalkBuilder::new(root.join(folder))
            .hidden(false)
            .require_git(false)
            .follow_links(false)
            .build();
        for entry in walker.flatten() {
            let is_file = entry
                .file_type()
                .is_some_and(|t| t.is_file() || t.is_symlink());
            if let (true, Ok(rel)) = (is_file, entry.path().strip_prefix(root)) {
                let shown = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                paths.push((shown, entry.into_path()));
            }
        }
    }
    paths
        .into_par_iter()
        .filter_map(|(shown, abs)| Some((shown, blob_id(&abs, kind)?)))
        .collect()
}

fn blob_id(path: &Path, kind: gix::hash::Kind) -> Option<ObjectId> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    let bytes = if meta.file_type().is_symlink() {
        std::fs::read_link(path)
            .ok()?
            .to_string_lossy()
            .into_owned()
            .into_bytes()
    } else {
        std::fs::read(path).ok()?
    };
    gix::objs::compute_hash(kind, gix::objs::Kind::Blob, &bytes).ok()
}
