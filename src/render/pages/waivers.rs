//! The waiver register: every waiver grouped by state, and the row a waiver
//! gets wherever it is listed (the register, the dashboard, a service's page).

use crate::render::api::{waiver, WaiverOut};
use serde::Serialize;

use crate::analyze::{Assessment, WaiverRow, WaiverState};
use crate::model::Handbook;
use crate::render::views::{question_url, service_url};
use crate::urls;

/// A waiver in tables: the fields of [`WaiverOut`], then these.
pub(crate) struct WaiverLine<'a> {
    waiver: WaiverOut<'a>,
    service_url: String,
    question_title: &'a str,
    question_url: Option<String>,
}

/// What `#[serde(flatten)]` on `waiver` wrote, as a struct rather than a map.
impl Serialize for WaiverLine<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("WaiverLine", WaiverOut::FIELDS + 3)?;
        self.waiver.write_fields(&mut out)?;
        out.serialize_field("service_url", &self.service_url)?;
        out.serialize_field("question_title", self.question_title)?;
        out.serialize_field("question_url", &self.question_url)?;
        out.end()
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{WaiverEvent, WaiverEventKind};
    use crate::render::pages::test_support::{category, date, handbook, question};

    /// What `#[derive(Serialize)]` with `#[serde(flatten)]` wrote before.
    #[derive(Serialize)]
    struct Flattened<'a> {
        #[serde(flatten)]
        waiver: WaiverOut<'a>,
        service_url: &'a str,
        question_title: &'a str,
        question_url: &'a Option<String>,
    }

    fn row(question: &str, ticket: Option<&str>) -> WaiverRow {
        WaiverRow {
            service: "svc".into(),
            question: question.into(),
            state: WaiverState::Expiring,
            reason: "a <reason>".into(),
            approver: "ann".into(),
            granted: date("2026-01-01"),
            expires: date("2026-02-01"),
            days_left: 3,
            ticket: ticket.map(String::from),
            history: vec![WaiverEvent {
                date: date("2026-01-01"),
                event: WaiverEventKind::Granted,
                by: Some("ann".into()),
                note: None,
            }],
            trail: Vec::new(),
            unrecorded_changes: 2,
        }
    }

    #[test]
    fn a_waiver_line_serializes_as_the_flattened_derive_did() {
        let h = handbook(
            vec![category("c")],
            vec![question("q1", "c")],
            vec![],
            vec![],
        );
        for w in [row("q1", Some("https://t")), row("gone", None)] {
            let line = waiver_row(&h, &w);
            let expected = Flattened {
                waiver: waiver(&w),
                service_url: &line.service_url,
                question_title: line.question_title,
                question_url: &line.question_url,
            };
            assert_eq!(
                serde_json::to_string(&line).unwrap(),
                serde_json::to_string(&expected).unwrap()
            );
            assert_eq!(
                tera::Value::from_serializable(&line),
                tera::Value::from_serializable(&expected)
            );
        }
    }
}
