//! The waiver register: every waiver ever written, and where it stands today.

use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;

use crate::date::days_between;
use crate::model::{Handbook, Service, Status, WaiverEvent};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WaiverState {
    Active,
    Expiring,
    Expired,
    Revoked,
    Closed,
}

impl WaiverState {
    pub fn as_str(self) -> &'static str {
        match self {
            WaiverState::Active => "active",
            WaiverState::Expiring => "expiring",
            WaiverState::Expired => "expired",
            WaiverState::Revoked => "revoked",
            WaiverState::Closed => "closed",
        }
    }
}

/// How many waivers needing attention the dashboard lists; the register
/// lists every one. An organisation of 5,000 services has about 47,000.
pub const ATTENTION_LISTED: usize = 100;

/// The waivers needing attention: expired or expiring, of a service of the
/// handbook.
#[derive(Debug)]
pub struct Attention<'a> {
    /// The [`ATTENTION_LISTED`] most urgent (fewest days left, then by
    /// service and question), shown in the register's order.
    pub listed: Vec<&'a WaiverRow>,
    /// How many need attention in all.
    pub count: usize,
    /// How many of them are not listed.
    pub unlisted: usize,
}

/// The waivers of `waivers` (in the register's order) that need attention.
pub fn attention<'a>(h: &Handbook, waivers: &'a [WaiverRow]) -> Attention<'a> {
    let mut needing: Vec<(usize, &WaiverRow)> = waivers
        .iter()
        .enumerate()
        .filter(|(_, w)| matches!(w.state, WaiverState::Expiring | WaiverState::Expired))
        .filter(|(_, w)| h.service(&w.service).is_some())
        .collect();
    let count = needing.len();
    if count > ATTENTION_LISTED {
        // Stable: among equal days left, the register's order decides.
        needing.sort_by_key(|(_, w)| w.days_left);
        needing.truncate(ATTENTION_LISTED);
        needing.sort_by_key(|(i, _)| *i);
    }
    Attention {
        unlisted: count - needing.len(),
        listed: needing.into_iter().map(|(_, w)| w).collect(),
        count,
    }
}

/// One row of the register (and of `waivers.json` / `waivers.csv`).
#[derive(Debug, Clone, Serialize)]
pub struct WaiverRow {
    pub service: String,
    pub question: String,
    pub state: WaiverState,
    pub reason: String,
    pub approver: String,
    pub granted: Date,
    pub expires: Date,
    /// Negative once expired.
    pub days_left: i64,
    pub ticket: Option<String>,
    pub history: Vec<WaiverEvent>,
    /// The commits that changed this answer, oldest first (filled by `trail::attach`).
    pub trail: Vec<super::trail::TrailStep>,
    /// Changes to the waiver's reason, expires or approver with no history event.
    pub unrecorded_changes: usize,
}

impl WaiverRow {
    /// The day the waiver entered its `state`, when that state comes from
    /// the calendar: the day after `expires` for an expired waiver, the
    /// first day of the `expiring_soon_days` window for an expiring one.
    pub fn state_since(&self, expiring_soon_days: i64) -> Option<Date> {
        let shift = |days: i64| self.expires.checked_add(jiff::Span::new().days(days)).ok();
        match self.state {
            WaiverState::Expired => shift(1),
            WaiverState::Expiring => shift(-expiring_soon_days),
            _ => None,
        }
    }
}

/// A waiver counts until the end of its `expires` day, and is expired after it.
pub fn waiver_expired(expires: Date, today: Date) -> bool {
    today > expires
}

/// The state of a waiver on `today`, given whether its answer is still `waived`.
pub fn waiver_state(
    still_waived: bool,
    revoked: bool,
    expires: Date,
    today: Date,
    expiring_soon_days: i64,
) -> WaiverState {
    if revoked {
        WaiverState::Revoked
    } else if !still_waived {
        WaiverState::Closed
    } else if waiver_expired(expires, today) {
        WaiverState::Expired
    } else if days_between(today, expires) <= expiring_soon_days {
        WaiverState::Expiring
    } else {
        WaiverState::Active
    }
}

/// Every waiver of every service, in the services' order and then their
/// answers'. The services are read on every core (84,000 waivers at 5,000
/// services) and their rows joined in order.
pub(super) fn register(handbook: &Handbook, today: Date) -> Vec<WaiverRow> {
    let soon = handbook.config.policy.expiring_soon_days;
    let per_service: Vec<Vec<WaiverRow>> = handbook
        .services
        .par_iter()
        .map(|service| service_rows(service, today, soon))
        .collect();
    let mut rows = Vec::with_capacity(per_service.iter().map(Vec::len).sum());
    for service_rows in per_service {
        rows.extend(service_rows);
    }
    rows
}

/// The waivers of one service's answers.
fn service_rows(service: &Service, today: Date, soon: i64) -> Vec<WaiverRow> {
    let mut rows = Vec::new();
    for answer in service.answers.values() {
        let Some(w) = &answer.waiver else { continue };
        rows.push(WaiverRow {
            service: service.name.clone(),
            question: answer.question.to_string(),
            state: waiver_state(
                answer.status == Status::Waived,
                w.revoked(),
                w.expires,
                today,
                soon,
            ),
            reason: w.reason.clone(),
            approver: w.approver.clone(),
            granted: w.granted,
            expires: w.expires,
            days_left: days_between(today, w.expires),
            ticket: w.ticket.clone(),
            history: w.history.clone(),
            trail: Vec::new(),
            unrecorded_changes: 0,
        });
    }
    rows
}
