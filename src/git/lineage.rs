//! Which file versions belong to which service: the `content/services` trees
//! of consecutive commits compared entry by entry (both are sorted, so one
//! merge pass, and no allocation for the files that did not change), renames
//! followed (the same blob under a new name, or else one removed and one
//! added file with the same `title`), so a renamed service keeps its history.

use std::cmp::Ordering;
use std::collections::HashMap;
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

/// What one commit did to one service file.
enum Touch<'a> {
    Added(&'a [u8], ObjectId),
    Removed(&'a [u8], ObjectId),
    Modified(&'a [u8], ObjectId),
}

/// The lineages of the files present at the last step; `title` reads a
/// blob's title (asked only when a commit both removes and adds files).
pub(crate) fn build(
    repo: &gix::Repository,
    steps: &[Step],
    title: impl Fn(ObjectId) -> Option<String>,
) -> Vec<Lineage> {
    let kind = repo.object_hash();
    let mut lines: Vec<Lineage> = Vec::new();
    let mut alive: HashMap<String, usize> = HashMap::new();
    let mut prev_data: Vec<u8> = Vec::new();
    let mut prev_tree = None;
    for step in steps {
        if step.services == prev_tree {
            continue;
        }
        let data = step
            .services
            .and_then(|t| repo.find_tree(t).ok())
            .map(|t| t.detach().data)
            .unwrap_or_default();
        let old = yaml_entries(&prev_data, kind);
        let new = yaml_entries(&data, kind);
        let mut orphans: Vec<(ObjectId, usize)> = Vec::new();
        let mut added: Vec<(&[u8], ObjectId)> = Vec::new();
        for touch in touches(&old, &new) {
            match touch {
                Touch::Modified(name, blob) => {
                    if let Some(&i) = alive.get(stem(name)) {
                        lines[i].versions.push((Arc::clone(&step.commit), blob));
                    }
                }
                Touch::Removed(name, blob) => {
                    if let Some(i) = alive.remove(stem(name)) {
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
            let name = stem(name).to_string();
            lines[i].name.clone_from(&name);
            lines[i].versions.push((Arc::clone(&step.commit), blob));
            alive.insert(name, i);
        }
        prev_data = data;
        prev_tree = step.services;
    }
    let mut living: Vec<usize> = alive.into_values().collect();
    living.sort_unstable();
    let mut taken: Vec<Option<Lineage>> = lines.into_iter().map(Some).collect();
    living.into_iter().filter_map(|i| taken[i].take()).collect()
}

/// The `*.yaml` blobs of a tree's raw data with UTF-8 names, in the tree's
/// (byte) order; empty when it cannot be decoded.
fn yaml_entries(data: &[u8], kind: gix::hash::Kind) -> Vec<(&[u8], ObjectId)> {
    let Ok(tree) = gix::objs::TreeRef::from_bytes(data, kind) else {
        return Vec::new();
    };
    tree.entries
        .iter()
        .filter(|e| e.mode.is_blob())
        .map(|e| -> (&[u8], ObjectId) { (e.filename.as_ref(), e.oid.to_owned()) })
        .filter(|(name, _)| name.ends_with(b".yaml") && std::str::from_utf8(name).is_ok())
        .collect()
}

/// The differences of two sorted listings, in one merge pass.
fn touches<'a>(old: &[(&'a [u8], ObjectId)], new: &[(&'a [u8], ObjectId)]) -> Vec<Touch<'a>> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < old.len() || j < new.len() {
        let order = match (old.get(i), new.get(j)) {
            (Some(a), Some(b)) => a.0.cmp(b.0),
            (Some(_), None) => Ordering::Less,
            _ => Ordering::Greater,
        };
        match order {
            Ordering::Less => {
                out.push(Touch::Removed(old[i].0, old[i].1));
                i += 1;
            }
            Ordering::Greater => {
                out.push(Touch::Added(new[j].0, new[j].1));
                j += 1;
            }
            Ordering::Equal => {
                if old[i].1 != new[j].1 {
                    out.push(Touch::Modified(new[j].0, new[j].1));
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
