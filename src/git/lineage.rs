//! Which file versions belong to which service: the `content/services`
//! listings of consecutive commits compared, renames followed (the same blob
//! under a new name, or else one removed and one added file with the same
//! `title`), so a renamed service keeps its history.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use gix::ObjectId;

use super::walk::Step;
use super::Commit;

/// A `content/services` tree: service name (the file's stem) to blob.
pub(crate) type Listing = BTreeMap<String, ObjectId>;

/// The `*.yaml` files of the tree `tree`; empty when it cannot be read.
pub(crate) fn list(repo: &gix::Repository, tree: ObjectId) -> Listing {
    let Ok(tree) = repo.find_tree(tree) else {
        return Listing::new();
    };
    let Ok(decoded) = tree.decode() else {
        return Listing::new();
    };
    decoded
        .entries
        .iter()
        .filter(|e| e.mode.is_blob())
        .filter_map(|e| {
            let name = std::str::from_utf8(e.filename).ok()?;
            let stem = name.strip_suffix(".yaml")?;
            Some((stem.to_string(), e.oid.to_owned()))
        })
        .collect()
}

/// One service file followed through the history.
pub(crate) struct Lineage {
    /// Its name at the tip.
    pub name: String,
    /// Each commit that wrote a new version, oldest first, with the blob it wrote.
    pub versions: Vec<(Arc<Commit>, ObjectId)>,
}

/// The lineages of the files present at the last step.
pub(crate) fn build(
    steps: &[Step],
    listings: &HashMap<ObjectId, Arc<Listing>>,
    title: impl Fn(&ObjectId) -> Option<String>,
) -> Vec<Lineage> {
    let empty = Arc::new(Listing::new());
    let mut lines: Vec<Lineage> = Vec::new();
    let mut alive: HashMap<String, usize> = HashMap::new();
    let mut prev = Arc::clone(&empty);
    let mut prev_tree = None;
    for step in steps {
        if step.services == prev_tree {
            continue;
        }
        let cur = step
            .services
            .and_then(|t| listings.get(&t).cloned())
            .unwrap_or_else(|| Arc::clone(&empty));
        for (name, blob) in cur.iter() {
            if let (Some(old), Some(&i)) = (prev.get(name), alive.get(name)) {
                if old != blob {
                    lines[i].versions.push((Arc::clone(&step.commit), *blob));
                }
            }
        }
        let mut orphans: Vec<(ObjectId, usize)> = prev
            .iter()
            .filter(|(name, _)| !cur.contains_key(*name))
            .filter_map(|(name, blob)| Some((*blob, alive.remove(name)?)))
            .collect();
        for (name, blob) in cur.iter().filter(|(n, _)| !prev.contains_key(*n)) {
            let i = match renamed_from(&orphans, *blob, &title) {
                Some(k) => orphans.remove(k).1,
                None => {
                    lines.push(Lineage {
                        name: String::new(),
                        versions: Vec::new(),
                    });
                    lines.len() - 1
                }
            };
            lines[i].name = name.clone();
            lines[i].versions.push((Arc::clone(&step.commit), *blob));
            alive.insert(name.clone(), i);
        }
        prev = cur;
        prev_tree = step.services;
    }
    let mut living: Vec<usize> = alive.into_values().collect();
    living.sort_unstable();
    let mut taken: Vec<Option<Lineage>> = lines.into_iter().map(Some).collect();
    living.into_iter().filter_map(|i| taken[i].take()).collect()
}

/// The orphan (a file removed in the same commit) that `blob` continues:
/// the same content, or else the only one with the same title.
fn renamed_from(
    orphans: &[(ObjectId, usize)],
    blob: ObjectId,
    title: &impl Fn(&ObjectId) -> Option<String>,
) -> Option<usize> {
    if let Some(k) = orphans.iter().position(|(b, _)| *b == blob) {
        return Some(k);
    }
    let wanted = title(&blob)?;
    let mut same = orphans
        .iter()
        .enumerate()
        .filter(|(_, (b, _))| title(b).as_deref() == Some(wanted.as_str()));
    match (same.next(), same.next()) {
        (Some((k, _)), None) => Some(k),
        _ => None,
    }
}
