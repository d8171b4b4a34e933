//! The waiver register: every waiver grouped by state, and the row a waiver
//! gets wherever it is listed (the register, the dashboard, a service's page).

use crate::render::api::{waiver, WaiverOut};
use serde::Serialize;

use crate::analyze::{Assessment, WaiverRow, WaiverState};
use crate::model::Handbook;
use crate::render::views::{question_url, service_url};
use crate::urls;

/// A waiver in tables.
#[derive(Serialize)]
pub(crate) struct WaiverLine<'a> {
    #[serde(flatten)]
    waiver: WaiverOut<'a>,
    service_url: String,
    question_title: &'a str,
    question_url: Option<String>,
}

pub(crate) fn waiver_row<'a>(h: &'a Handbook, w: &'a WaiverRow) -> WaiverLine<'a> {
    let question = h.question(&w.question);
    WaiverLine {
        waiver: waiver(w),
        service_url: service_url(h, &w.service),
        question_title: question.map_or("", |q| q.title.as_str()),
        question_url: question.map(|q| question_url(h, q)),
    }
}

/// The order the register lists its groups in: what needs attention first.
const GROUP_ORDER: [WaiverState; 5] = [
    WaiverState::Expired,
    WaiverState::Expiring,
    WaiverState::Active,
    WaiverState::Revoked,
    WaiverState::Closed,
];

#[derive(Serialize)]
pub(super) struct WaiversPage<'a> {
    title: &'static str,
    groups: Vec<WaiverGroup<'a>>,
    total: usize,
    csv_url: String,
    json_url: String,
    feed_url: String,
}

#[derive(Serialize)]
struct WaiverGroup<'a> {
    state: &'static str,
    rows: Vec<WaiverLine<'a>>,
}

pub(super) fn page<'a>(h: &'a Handbook, a: &'a Assessment) -> WaiversPage<'a> {
    let mut groups: Vec<WaiverGroup> = GROUP_ORDER
        .iter()
        .map(|state| WaiverGroup {
            state: state.as_str(),
            rows: Vec::new(),
        })
        .collect();
    for w in &a.waivers {
        if let Some(i) = GROUP_ORDER.iter().position(|s| *s == w.state) {
            groups[i].rows.push(waiver_row(h, w));
        }
    }
    WaiversPage {
        title: "Waiver register",
        groups,
        total: a.waivers.len(),
        csv_url: h.url(urls::WAIVERS_CSV),
        json_url: h.url(urls::WAIVERS_JSON),
        feed_url: h.url(urls::WAIVERS_FEED),
    }
}
