//! The site the server currently shows: the last good build, the failure of
//! the latest build if it failed, and a generation label that changes with
//! every build so that pages can tell whether they are out of date.
//!
//! Requests take a cheap snapshot (an `Arc`) and never hold the lock while
//! answering; the build thread swaps in a whole new snapshot. A failed build
//! never replaces the site, only the failure.

use std::sync::{Arc, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use super::{BuildFailure, ServedSite, SiteFiles};

/// Everything one request needs to know about the site, frozen.
pub(crate) struct Snapshot {
    /// The last good build (empty if no build has succeeded yet).
    pub site: Arc<dyn ServedSite>,
    /// Set while the latest build failed; cleared by the next good build.
    pub failure: Option<Arc<BuildFailure>>,
    /// Changes after every build, good or failed: "<server instance>-<build number>".
    pub generation: String,
    /// Builds finished so far, the initial one included.
    pub build_number: u64,
}

/// The current snapshot, shared by the workers and the build thread.
/// What [`SiteState::apply`] did: the new generation, and the snapshot it
/// replaced, handed back so that the caller frees it (a large judged
/// handbook takes a while) after telling the browsers, not before, and
/// never while holding the lock that page requests wait on.
pub(crate) struct Applied {
    pub generation: String,
    pub previous: Arc<Snapshot>,
}

pub(crate) struct SiteState {
    current: RwLock<Arc<Snapshot>>,
    /// Distinguishes this server process from a previous one, so a page left
    /// open across a restart of `orr serve` also reloads.
    instance: String,
}

impl SiteState {
    pub fn new() -> Self {
        let instance = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|since| format!("{:x}", since.as_nanos()))
            .unwrap_or_else(|_| "0".to_string());
        let generation = format!("{instance}-0");
        SiteState {
            current: RwLock::new(Arc::new(Snapshot {
                site: Arc::new(SiteFiles::new()),
                failure: None,
                generation,
                build_number: 0,
            })),
            instance,
        }
    }

    /// The snapshot to answer one request from.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        // A poisoned lock only means a thread panicked while holding it; the
        // Arc inside is still a complete snapshot.
        let guard = self
            .current
            .read()
            .unwrap_or_else(|poison| poison.into_inner());
        Arc::clone(&guard)
    }

    /// Publishes the outcome of a build and returns the new generation. A
    /// success replaces the site and clears the failure; a failure keeps the
    /// last good site and records itself.
    pub fn apply(&self, outcome: Result<Arc<dyn ServedSite>, BuildFailure>) -> Applied {
        let mut guard = self
            .current
            .write()
            .unwrap_or_else(|poison| poison.into_inner());
        let build_number = guard.build_number + 1;
        let generation = format!("{}-{build_number}", self.instance);
        let next = match outcome {
            Ok(site) => Snapshot {
                site,
                failure: None,
                generation: generation.clone(),
                build_number,
            },
            Err(failure) => Snapshot {
                site: Arc::clone(&guard.site),
                failure: Some(Arc::new(failure)),
                generation: generation.clone(),
                build_number,
            },
        };
        let previous = std::mem::replace(&mut *guard, Arc::new(next));
        drop(guard);
        Applied {
            generation,
            previous,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site_with(page: &str) -> Arc<dyn ServedSite> {
        let mut site = SiteFiles::new();
        site.insert("index.html".to_string(), page.as_bytes().to_vec());
        Arc::new(site)
    }

    fn page(snapshot: &Snapshot) -> Option<Vec<u8>> {
        match snapshot.site.file("index.html") {
            Some(Ok(bytes)) => Some(bytes.to_vec()),
            _ => None,
        }
    }

    fn failure() -> BuildFailure {
        BuildFailure {
            report: "error".to_string(),
            errors: Vec::new(),
        }
    }

    #[test]
    fn a_failed_build_keeps_the_last_good_site_and_a_good_one_clears_the_failure() {
        let state = SiteState::new();
        let first = state.apply(Ok(site_with("one"))).generation;
        let failed = state.apply(Err(failure())).generation;
        let snapshot = state.snapshot();
        assert_eq!(page(&snapshot).as_deref(), Some(&b"one"[..]));
        assert!(snapshot.failure.is_some());
        assert_ne!(first, failed);

        let fixed = state.apply(Ok(site_with("two"))).generation;
        let snapshot = state.snapshot();
        assert_eq!(page(&snapshot).as_deref(), Some(&b"two"[..]));
        assert!(snapshot.failure.is_none());
        assert_ne!(failed, fixed);
        assert_eq!(snapshot.generation, fixed);
    }

    #[test]
    fn a_failed_first_build_serves_an_empty_site_with_the_failure() {
        let state = SiteState::new();
        state.apply(Err(failure()));
        let snapshot = state.snapshot();
        assert_eq!(snapshot.site.file_count(), 0);
        assert!(snapshot.failure.is_some());
    }
}
