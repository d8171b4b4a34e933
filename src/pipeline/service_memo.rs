//! The service memo of `orr serve`: each service file's checked result kept
//! from one rebuild to the next, so an edit to one service file checks that
//! file only.
//!
//! A service's check reads its own file, its prose, the rest of the
//! handbook (settings, banks, postmortems, concepts, chapters) and the set
//! of service names; never another service's contents. So a result is
//! reused only when its file was not parsed again (same parse, see
//! [`super::ParseCache`]) and nothing but service files changed, none added
//! or removed ([`Context`]); any other change forgets every result.

use std::sync::{Arc, Mutex};

use super::generations::{lock, Generations};

use crate::diagnostics::Diagnostic;
use crate::load::ServiceFile;
use crate::model::Service;
use crate::source::SourceFile;

/// What a rebuild read besides the text of the service files: every content
/// file's path, with the identity of its parse for all but the service YAML
/// files (made by [`super::ParseCache::context`]).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Context {
    /// Sorted by path; the number is the parse's id, 0 for a service file.
    pub files: Vec<(String, u64)>,
    /// The `base_url` override links are made with.
    pub base_url: Option<String>,
}

/// One service file's check: the parse it was made from, the service and
/// its diagnostics.
struct Checked {
    source: Arc<SourceFile>,
    /// `None` when the file could not be read (its diagnostics say why).
    service: Option<Arc<Service>>,
    diagnostics: Vec<Diagnostic>,
}

/// Results kept by service name; see the module documentation.
#[derive(Default)]
pub struct ServiceMemo {
    context: Mutex<Option<Context>>,
    checked: Generations<Arc<Checked>>,
}

impl ServiceMemo {
    /// Starts a rebuild in `context`: results of an earlier context are
    /// forgotten. [`super::RulingMemo`] relies on it: a service handed back
    /// from here was judged in the same handbook.
    pub fn begin(&self, context: Context) {
        let mut kept = lock(&self.context);
        self.checked.begin(kept.as_ref() != Some(&context));
        *kept = Some(context);
    }

    /// Ends a rebuild: what it checked is what the next one may reuse.
    /// Returns how many services it checked afresh.
    pub fn end(&self) -> usize {
        self.checked.end()
    }

    /// The check of `file`: the kept result when its parse is the one it was
    /// made from, else `check` run now.
    pub fn check(
        &self,
        file: &ServiceFile,
        check: &mut dyn FnMut(&mut Vec<Diagnostic>) -> Option<Arc<Service>>,
        local: &mut Vec<Diagnostic>,
    ) -> Option<Arc<Service>> {
        let checked = self.checked.get(
            &file.stem,
            |c| Arc::ptr_eq(&c.source, &file.source),
            || {
                let mut diagnostics = Vec::new();
                let service = check(&mut diagnostics);
                Arc::new(Checked {
                    source: Arc::clone(&file.source),
                    service,
                    diagnostics,
                })
            },
        );
        local.extend(checked.diagnostics.iter().cloned());
        checked.service.clone()
    }
}
