//! Which file versions belong to which service: the `content/services` trees
//! of consecutive commits compared entry by entry (both are sorted, so one
//! merge pass, and no allocation for the files that did not change), renames
//! followed (the same blob under a new name, or else one removed and one
//! added file with the same `title`), so a renamed service keeps its history.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use gix::ObjectId;

use super::walk::Step;
use super::Commit;

/// One service file followed through the history.
pub(crate) struct Lineage {
    /// Its name at the tip.
    pub name: String,
    /// Each commit that wrote a new version, oldest first, with the blob it wrote.
    pub versions: Vec<(Arc<Commit>, ObjectId)>,
}

/// What one commit did to one service file, named by its stem.
enum Touch {
    Added(String, ObjectId),
    Removed(String, ObjectId),
    Modified(String, ObjectId),
}

/// The lineages of the files present at the last step; `title` reads a
/// blob's title (asked only when a commit both removes and adds files).
pub(crate) fn build(
    repo: &gix::Repository,
    steps: &[Step],
    title: impl Fn(ObjectId) -> Option<String>,
) -> Vec<Lineage> {
    let mut lines: Vec<Lineage> = Vec::new();
    let mut alive: HashMap<String, usize> = HashMap::new();
    for (step, touches) in listing_changes(repo, steps) {
        let mut orphans: Vec<(ObjectId, usize)> = Vec::new();
        let mut added: Vec<(String, ObjectId)> = Vec::new();
        for touch in touches {
            match touch {
                Touch::Modified(name, blob) => {
                    if let Some(&i) = alive.get(&name) {
                        lines[i].versions.push((Arc::clone(&step.commit), blob));
                    }
                }
                Touch::Removed(name, blob) => {
                    if let Some(i) = alive.remove(&name) {
                        orphans.push((blob, i));
                    }
                }
                Touch::Added(name, blob) => added.push((name, blob)),
            }
        }
        for (name, blob) in added {
            let i = match renamed_from(&orphans, blob, &title) {
                Some(k) => orphans.remove(k).1,
                None => {
                    lines.push(Lineage {
                        name: String::new(),
                        versions: Vec::new(),
                    });
                    lines.len() - 1
                }
            };
            lines[i].name.clone_from(&name);
            lines[i].versions.push((Arc::clone(&step.commit), blob));
            alive.insert(name, i);
        }
    }
    let mut living: Vec<usize> = alive.into_values().collect();
    living.sort_unstable();
    let mut taken: Vec<Option<Lineage>> = lines.into_iter().map(Some).collect();
    living.into_iter().filter_map(|i| taken[i].take()).collect()
}

/// Each step whose `content/services` tree differs from the step before,
/// with what it changed, oldest first. The trees are read newest first:
/// git's packs store an older version of a tree as a delta of a newer one,
/// so each read finds its base in the pack cache instead of applying a
/// chain of up to 50 deltas again (1,000 services, 2,000 commits: 500 →
/// 60 ms).
fn listing_changes<'s>(repo: &gix::Repository, steps: &'s [Step]) -> Vec<(&'s Step, Vec<Touch>)> {
    let kind = repo.object_hash();
    let read = |tree: Option<ObjectId>| {
        tree.and_then(|t| repo.find_tree(t).ok())
            .map(|t| t.detach().data)
            .unwrap_or_default()
    };
    let mut changed: Vec<&Step> = Vec::new();
    let mut prev_tree = None;
    for step in steps {
        if step.services != prev_tree {
            changed.push(step);
            prev_tree = step.services;
        }
    }
    let mut out = Vec::with_capacity(changed.len());
    let mut newer = changed.last().map(|s| read(s.services)).unwrap_or_default();
    let mut newer_entries = yaml_entries(&newer, kind);
    for at in (0..changed.len()).rev() {
        let older = match at.checked_sub(1) {
            Some(before) => read(changed[before].services),
            None => Vec::new(),
        };
        let older_entries = yaml_entries(&older, kind);
        out.push((
            changed[at],
            touches((&older, &older_entries), (&newer, &newer_entries)),
        ));
        (newer, newer_entries) = (older, older_entries);
    }
    out.reverse();
    out
}

/// One entry of a tree listing: where its name lies in the tree's data, and its blob.
type Entry = (Range<usize>, ObjectId);

/// The `*.yaml` blobs of a tree's raw data with UTF-8 names, in the tree's
/// (byte) order; empty when it cannot be decoded. Names are kept as ranges
/// of `data`, so a listing outlives the borrow and each tree is decoded once.
fn yaml_entries(data: &[u8], kind: gix::hash::Kind) -> Vec<Entry> {
    let start = data.as_ptr() as usize;
    let entries: Result<Vec<Entry>, _> = gix::objs::TreeRefIter::from_bytes(data, kind)
        .filter(|e| e.as_ref().map_or(true, |e| e.mode.is_blob()))
        .map(|e| {
            e.map(|e| {
                let name: &[u8] = e.filename.as_ref();
                let from = name.as_ptr() as usize - start;
                (from..from + name.len(), e.oid.to_owned())
            })
        })
        .collect();
    let mut entries = entries.unwrap_or_default();
    entries.retain(|(name, _)| {
        let name = &data[name.clone()];
        name.ends_with(b".yaml") && std::str::from_utf8(name).is_ok()
    });
    entries
}

/// The differences of two sorted listings (each with its tree's data), in one merge pass.
fn touches(old: (&[u8], &[Entry]), new: (&[u8], &[Entry])) -> Vec<Touch> {
    let name = |(data, entries): (&[u8], &[Entry]), i: usize| {
        stem(&data[entries[i].0.clone()]).to_string()
    };
    let (old_entries, new_entries) = (old.1, new.1);
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < old_entries.len() || j < new_entries.len() {
        let order = match (old_entries.get(i), new_entries.get(j)) {
            (Some(a), Some(b)) => old.0[a.0.clone()].cmp(&new.0[b.0.clone()]),
            (Some(_), None) => Ordering::Less,
            _ => Ordering::Greater,
        };
        match order {
            Ordering::Less => {
                out.push(Touch::Removed(name(old, i), old_entries[i].1));
                i += 1;
            }
            Ordering::Greater => {
                out.push(Touch::Added(name(new, j), new_entries[j].1));
                j += 1;
            }
            Ordering::Equal => {
                if old_entries[i].1 != new_entries[j].1 {
                    out.push(Touch::Modified(name(new, j), new_entries[j].1));
                }
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// The service name of a file name (`checkout.yaml` → `checkout`); the
/// listing holds only UTF-8 names ending in `.yaml`.
fn stem(name: &[u8]) -> &str {
    let name = std::str::from_utf8(name).unwrap_or_default();
    name.strip_suffix(".yaml").unwrap_or(name)
}

/// The orphan (a file removed in the same commit) that `blob` continues:
/// the same content, or else the only one with the same title.
fn renamed_from(
    orphans: &[(ObjectId, usize)],
    blob: ObjectId,
    title: &impl Fn(ObjectId) -> Option<String>,
) -> Option<usize> {
    if orphans.is_empty() {
        return None;
    }
    if let Some(k) = orphans.iter().position(|(b, _)| *b == blob) {
        return Some(k);
    }
    let wanted = title(blob)?;
    let mut same = orphans
        .iter()
        .enumerate()
        .filter(|(_, (b, _))| title(*b).as_deref() == Some(wanted.as_str()));
    match (same.next(), same.next()) {
        (Some((k, _)), None) => Some(k),
        _ => None,
    }
}
