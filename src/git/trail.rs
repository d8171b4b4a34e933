//! The trail of one service: consecutive readable versions compared answer by
//! answer. Each pair of versions is compared once; an unreadable version is
//! skipped (the next readable one is compared with the last readable one).
//! The first readable version is the base, not a change: it is summarised
//! by [`super::ServiceHistory::first`].

use std::collections::BTreeSet;
use std::sync::Arc;

use super::snapshot::diff;
use super::{TrailEntry, Version};

/// Every answer change in `versions` (oldest first) after the first readable one, oldest first.
pub(crate) fn extract(versions: &[Version]) -> Vec<TrailEntry> {
    let mut trail = Vec::new();
    let mut prev = None;
    for version in versions {
        let Some(snap) = &version.snapshot else {
            continue;
        };
        if prev.is_none() {
            prev = Some(snap);
            continue;
        }
        let questions: BTreeSet<&Arc<str>> = prev
            .iter()
            .flat_map(|p: &&Arc<super::Snapshot>| p.answers.keys())
            .chain(snap.answers.keys())
            .collect();
        for question in questions {
            let old = prev.and_then(|p: &Arc<super::Snapshot>| p.answers.get(question));
            let new = snap.answers.get(question);
            // Shared with the previous version: its lines did not change.
            if let (Some(a), Some(b)) = (old, new) {
                if Arc::ptr_eq(a, b) {
                    continue;
                }
            }
            let changes = diff(old.map(|a| &**a), new.map(|a| &**a));
            if !changes.is_empty() {
                trail.push(TrailEntry {
                    question: question.to_string(),
                    commit: Arc::clone(&version.commit),
                    changes,
                });
            }
        }
        prev = Some(snap);
    }
    trail
}
