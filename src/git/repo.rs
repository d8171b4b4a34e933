//! Finding the repository that holds a handbook, and reading its history
//! from a tip: the first-parent walk, the service files' lineages, their
//! versions parsed in parallel (once per blob) and the trail of each.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use gix::ObjectId;
use rayon::prelude::*;

use super::lineage;
use super::snapshot::{self, Snapshot};
use super::walk;
use super::{Commit, Recorded, ServiceHistory, Version};

/// The memory each thread may spend on decoded delta bases.
const PACK_CACHE_BYTES: usize = 32 * 1024 * 1024;

/// An open repository and where the handbook sits in it.
pub struct Handle {
    pub(crate) repo: gix::ThreadSafeRepository,
    /// The handbook root relative to the work tree, `/`-separated, empty at the top.
    pub(crate) prefix: String,
}

impl Handle {
    /// The repository whose work tree holds `root`; refused when there is none
    /// or the clone is shallow (its history is cut short, so no trail can be trusted).
    pub fn discover(root: &Path) -> Result<Handle, String> {
        let repo = gix::discover(root)
            .map_err(|_| "the handbook is not inside a git repository".to_string())?;
        if repo.is_shallow().unwrap_or(true) {
            return Err("the repository is a shallow clone: its history is incomplete".into());
        }
        let workdir = repo
            .workdir()
            .ok_or("the repository has no work tree")?
            .to_path_buf();
        let real_root = std::fs::canonicalize(root).map_err(|e| e.to_string())?;
        let real_work = std::fs::canonicalize(&workdir).map_err(|e| e.to_string())?;
        let rel = real_root
            .strip_prefix(&real_work)
            .map_err(|_| "the handbook is outside the repository's work tree".to_string())?;
        let prefix = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        Ok(Handle {
            repo: repo.into_sync(),
            prefix,
        })
    }

    /// A repository for this thread, with a cache of decoded pack entries:
    /// the versions of a file are stored as chains of deltas (up to 50
    /// deep), and without it every version decompresses its whole chain
    /// again (gix sets no cache unless built with `max-performance`).
    pub(crate) fn local(&self) -> gix::Repository {
        let mut repo = self.repo.to_thread_local();
        repo.objects.set_pack_cache(|| {
            Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(
                PACK_CACHE_BYTES,
            ))
        });
        repo
    }

    /// `path` (under the handbook root) as a path in the repository's trees.
    pub(crate) fn in_repo(&self, path: &str) -> String {
        if self.prefix.is_empty() {
            path.to_string()
        } else {
            format!("{}/{path}", self.prefix)
        }
    }

    /// The commit HEAD points at.
    pub fn head(&self) -> Result<ObjectId, String> {
        let repo = self.repo.to_thread_local();
        let id = repo
            .head_id()
            .map_err(|_| "the repository has no commits yet".to_string())?;
        Ok(id.detach())
    }

    /// The commit `rev` names (a branch, tag, id or any revision git understands).
    pub fn resolve(&self, rev: &str) -> Result<ObjectId, String> {
        let repo = self.repo.to_thread_local();
        let id = repo
            .rev_parse_single(rev)
            .map_err(|e| format!("`{rev}` does not name a commit: {e}"))?;
        let commit = id
            .object()
            .and_then(|o| o.peel_to_commit())
            .map_err(|e| format!("`{rev}` does not name a commit: {e}"))?;
        Ok(commit.id)
    }

    /// The commit `id` as the trail names it.
    pub fn commit(&self, id: ObjectId) -> Result<Commit, String> {
        walk::commit_info(&self.repo.to_thread_local(), id)
    }

    /// The history of every service file, from `tip` (default HEAD) back along first parents.
    pub fn history(&self, tip: Option<ObjectId>) -> Result<Recorded, String> {
        let tip = match tip {
            Some(tip) => tip,
            None => self.head()?,
        };
        let repo = self.local();
        let steps = walk::first_parent(&repo, tip, &self.in_repo("content/services"))?;
        let title = |blob: ObjectId| {
            let blob = repo.find_blob(blob).ok()?;
            snapshot::parse(&blob.data)?.title
        };
        let lineages = lineage::build(&repo, &steps, title);
        let services = lineages
            .into_par_iter()
            .map_init(
                || self.local(),
                |repo, line| {
                    let versions = read_versions(repo, line.versions);
                    let trail = super::trail::extract(&versions);
                    (line.name, ServiceHistory { versions, trail })
                },
            )
            .collect::<BTreeMap<_, _>>();
        Ok(Recorded {
            tip: steps.last().map(|s| Arc::clone(&s.commit)),
            services,
        })
    }
}

/// How many versions of one file are read ahead at once: enough for most
/// files' whole history, and a bound on the bytes held for one that has
/// thousands of versions.
const READ_AHEAD: usize = 32;

/// Each version of one file read, oldest first: a blob seen before in this
/// file is not read again, and one that follows a readable version is read
/// from the answers whose lines changed ([`snapshot::parse_after`]).
fn read_versions(repo: &gix::Repository, versions: Vec<(Arc<Commit>, ObjectId)>) -> Vec<Version> {
    let mut seen: HashMap<ObjectId, Option<Arc<Snapshot>>> = HashMap::new();
    let mut prev: Option<(Vec<u8>, Arc<Snapshot>)> = None;
    let mut out = Vec::with_capacity(versions.len());
    for window in versions.chunks(READ_AHEAD) {
        let mut ahead = read_newest_first(repo, window, &seen);
        for (commit, blob) in window {
            let mut bytes_of =
                |blob: &ObjectId| ahead.remove(blob).unwrap_or_else(|| read_blob(repo, *blob));
            let snapshot = match seen.get(blob) {
                Some(known) => known.clone(),
                None => {
                    let bytes = bytes_of(blob);
                    let parsed = prev
                        .as_ref()
                        .and_then(|(old, snap)| snapshot::parse_after(old, snap, &bytes))
                        .or_else(|| snapshot::parse(&bytes))
                        .map(Arc::new);
                    seen.insert(*blob, parsed.clone());
                    if let Some(snap) = &parsed {
                        prev = Some((bytes, Arc::clone(snap)));
                    }
                    parsed
                }
            };
            if let Some(snap) = &snapshot {
                if prev.as_ref().is_none_or(|(_, p)| !Arc::ptr_eq(p, snap)) {
                    prev = Some((bytes_of(blob), Arc::clone(snap)));
                }
            }
            out.push(Version {
                commit: Arc::clone(commit),
                snapshot,
            });
        }
    }
    out
}

/// The blobs of `window` not yet `seen`, read newest first: git's packs
/// store an older version of a file as a delta of a newer one, so each read
/// finds its base in the pack cache instead of applying the whole chain again.
fn read_newest_first(
    repo: &gix::Repository,
    window: &[(Arc<Commit>, ObjectId)],
    seen: &HashMap<ObjectId, Option<Arc<Snapshot>>>,
) -> HashMap<ObjectId, Vec<u8>> {
    let mut ahead = HashMap::new();
    for (_, blob) in window.iter().rev() {
        if !seen.contains_key(blob) && !ahead.contains_key(blob) {
            ahead.insert(*blob, read_blob(repo, *blob));
        }
    }
    ahead
}

/// A blob's bytes; empty when it cannot be read (the version is then unreadable).
fn read_blob(repo: &gix::Repository, blob: ObjectId) -> Vec<u8> {
    repo.find_blob(blob)
        .map(|b| b.detach().data)
        .unwrap_or_default()
}
