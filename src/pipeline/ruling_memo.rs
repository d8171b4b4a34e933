//! The ruling memo of `orr serve`: each service's own ruling
//! ([`OwnRuling`]: its answers, risks and reviews judged) kept from one
//! rebuild to the next, so an edit to one service file judges that service
//! again and only re-reads the dependency graph for the others.
//!
//! An own ruling reads the service, the rest of the handbook but the other
//! services, and the day. The [`super::ServiceMemo`] hands back the very
//! same `Arc<Service>` only when the service's file was not parsed again
//! and nothing but service files changed; so a ruling is reused when its
//! service is that same `Arc` (held here, so its address cannot be taken by
//! another) and the day is the same.

use std::sync::Arc;

use jiff::civil::Date;

use super::generations::Generations;
use crate::analyze::OwnRuling;
use crate::model::Service;

/// One service's ruling and what it was made from.
#[derive(Clone)]
struct Kept {
    service: Arc<Service>,
    today: Date,
    ruling: Arc<OwnRuling>,
}

/// Rulings kept by service name; see the module documentation.
#[derive(Default)]
pub struct RulingMemo {
    kept: Generations<Kept>,
}

impl RulingMemo {
    /// Starts a rebuild's analysis.
    pub fn begin(&self) {
        self.kept.begin(false);
    }

    /// Ends it: what it used is what the next one may reuse. Returns how
    /// many services it judged afresh.
    pub fn end(&self) -> usize {
        self.kept.end()
    }

    /// The own ruling of `service` on `today`: the kept one when it was made
    /// from this very service on this day, else `judge`'s.
    pub fn ruling(
        &self,
        service: &Arc<Service>,
        today: Date,
        judge: &dyn Fn() -> OwnRuling,
    ) -> Arc<OwnRuling> {
        let kept = self.kept.get(
            &service.name,
            |k| Arc::ptr_eq(&k.service, service) && k.today == today,
            || Kept {
                service: Arc::clone(service),
                today,
                ruling: Arc::new(judge()),
            },
        );
        kept.ruling
    }
}
