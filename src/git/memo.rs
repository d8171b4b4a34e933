//! The history as last read, kept by a long-lived engine (`orr serve`): a
//! rebuild after a content edit finds HEAD where it was and reuses the
//! history and the commit's file listing instead of walking git again.
//! Only the work tree's files are hashed again (for `dirty`).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use gix::ObjectId;

use super::provenance::{self, Committed, Provenance};
use super::{Handle, History, Recorded};

/// What was read for one HEAD of one handbook.
struct Read {
    root: PathBuf,
    head: ObjectId,
    recorded: Arc<Recorded>,
    committed: Option<Arc<Committed>>,
}

/// The last history read, and how many times git was walked.
#[derive(Default)]
pub struct HistoryMemo {
    last: Mutex<Option<Read>>,
    walks: Mutex<usize>,
}

impl HistoryMemo {
    /// The history and provenance of the work tree at `root`, read from
    /// HEAD; the history is reused when HEAD is the commit read last time
    /// (a commit id names its whole history).
    pub fn read(&self, root: &Path) -> (History, Option<Provenance>) {
        let handle = match Handle::discover(root) {
            Ok(handle) => handle,
            Err(why) => return (History::Unavailable(why), None),
        };
        let head = match handle.head() {
            Ok(head) => head,
            Err(why) => return (History::Unavailable(why), None),
        };
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        let known = last
            .as_ref()
            .filter(|read| read.head == head && read.root == root);
        let (recorded, committed) = match known {
            Some(read) => (Arc::clone(&read.recorded), read.committed.clone()),
            None => {
                *self.walks.lock().unwrap_or_else(|p| p.into_inner()) += 1;
                let committed = handle.committed_files(head).map(Arc::new);
                let recorded = match handle.history(Some(head)) {
                    Ok(recorded) => Arc::new(recorded),
                    Err(why) => {
                        let provenance =
                            committed.map(|c| provenance::compare(root, &handle, head, &c));
                        return (History::Unavailable(why), provenance);
                    }
                };
                *last = Some(Read {
                    root: root.to_path_buf(),
                    head,
                    recorded: Arc::clone(&recorded),
                    committed: committed.clone(),
                });
                (recorded, committed)
            }
        };
        drop(last);
        let provenance = committed.map(|c| provenance::compare(root, &handle, head, &c));
        (History::Available(recorded), provenance)
    }

    /// How many times the history was walked (not reused).
    pub fn walks(&self) -> usize {
        *self.walks.lock().unwrap_or_else(|p| p.into_inner())
    }
}
