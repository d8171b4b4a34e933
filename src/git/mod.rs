//! The handbook's git history, read with gix (no `git` binary): the trail of
//! every answer, the answers as of a day, the commit a site is built from,
//! and the handbook's files as they stood at an older commit.
//!
//! Only reading: nothing here writes to the repository or the work tree.
//! What the history *means* (unrecorded renewals, back-dating, what changed
//! since a review) is judged in `analyze::trail`; this module only extracts.

mod lineage;
mod memo;
pub mod provenance;
mod repo;
pub mod snapshot;
mod trail;
pub mod tree;
mod walk;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use jiff::civil::Date;
use serde::Serialize;

pub use memo::HistoryMemo;
pub use repo::Handle;
pub use snapshot::{AnswerSnap, Snapshot, FIELDS};

/// One commit, as the trail names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Commit {
    /// Full hexadecimal id.
    pub id: String,
    /// The committer date, in UTC.
    pub date: Date,
    /// The author's name.
    pub author: String,
}

/// One field of an answer that a commit changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// `status`, `evidence`, `plan`, `due`, `waiver.reason`, ... or `waiver.history`.
    pub field: &'static str,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The changes one commit made to one answer.
#[derive(Debug, Clone)]
pub struct TrailEntry {
    pub question: String,
    pub commit: Arc<Commit>,
    pub changes: Vec<Change>,
}

/// One version of a service file: the commit that wrote it and its answers
/// (`None` when that version could not be read leniently; it is skipped).
#[derive(Debug, Clone)]
pub struct Version {
    pub commit: Arc<Commit>,
    pub snapshot: Option<Arc<Snapshot>>,
}

/// The history of one service file, renames followed, oldest first.
#[derive(Debug, Clone, Default)]
pub struct ServiceHistory {
    /// Each commit that changed the file (and the one that added it).
    pub versions: Vec<Version>,
    /// Each answer change after the file's first readable version, oldest
    /// first. The first version is not listed answer by answer: what it
    /// holds was written before the repository knew the file (an import,
    /// often of hundreds of answers), and [`ServiceHistory::first`] names it.
    pub trail: Vec<TrailEntry>,
}

impl ServiceHistory {
    /// The file's first readable version: the commit that brought its answers into git.
    pub fn first(&self) -> Option<(&Arc<Commit>, &Arc<Snapshot>)> {
        self.versions
            .iter()
            .find_map(|v| Some((&v.commit, v.snapshot.as_ref()?)))
    }

    /// The answers as of the end of `day`: the last version committed on or before it.
    pub fn as_of(&self, day: Date) -> Option<&Version> {
        self.versions
            .iter()
            .rev()
            .find(|v| v.commit.date <= day && v.snapshot.is_some())
    }
}

/// What the repository says about the handbook.
#[derive(Debug, Clone, Default)]
pub struct Recorded {
    /// The commit the history was read from (HEAD, or `--at`).
    pub tip: Option<Arc<Commit>>,
    /// By service name (the file's stem at the tip).
    pub services: BTreeMap<String, ServiceHistory>,
}

/// The history, or why there is none.
#[derive(Debug, Clone)]
pub enum History {
    Available(Arc<Recorded>),
    /// No repository, a shallow clone, or an unreadable one: the reason, in words.
    Unavailable(String),
}

impl History {
    pub fn recorded(&self) -> Option<&Recorded> {
        match self {
            History::Available(r) => Some(r),
            History::Unavailable(_) => None,
        }
    }
}

/// The history of the handbook at `root`, read from HEAD.
pub fn read_history(root: &Path) -> History {
    match Handle::discover(root).and_then(|handle| handle.history(None)) {
        Ok(recorded) => History::Available(Arc::new(recorded)),
        Err(why) => History::Unavailable(why),
    }
}
