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

/// How many waivers a page of the register lists: pages stay a size a
/// browser opens at once (5,000 services carry about 84,000 waivers), and
/// rendering one holds no more than this many rows.
pub(crate) const WAIVERS_PER_PAGE: usize = 1000;

/// How many pages the register has: at least one, which says "None." for each state.
pub(crate) fn page_count(a: &Assessment) -> usize {
    a.waivers.len().div_ceil(WAIVERS_PER_PAGE).max(1)
}

#[derive(Serialize)]
pub(super) struct WaiversPage<'a> {
    title: String,
    /// The groups with rows on this page; the first page also lists the
    /// states no waiver is in.
    groups: Vec<WaiverGroup<'a>>,
    total: usize,
    pagination: Pagination,
    csv_url: String,
    json_url: String,
    feed_url: String,
}

#[derive(Serialize)]
struct WaiverGroup<'a> {
    state: &'static str,
    /// This page's rows of the group.
    rows: Vec<WaiverLine<'a>>,
    /// Waivers in the state, on every page.
    count: usize,
    /// The group began on an earlier page.
    continued: bool,
}

/// Where a page stands among the register's pages.
#[derive(Serialize)]
struct Pagination {
    /// From 1.
    number: usize,
    count: usize,
    /// The page's first and last waiver, counted from 1 in register order (0 and 0 when none).
    first_row: usize,
    last_row: usize,
    previous_url: Option<String>,
    next_url: Option<String>,
    /// Every page, for the page list; empty when the register is one page.
    pages: Vec<PageLink>,
    /// Where each state's group begins, for the states with waivers; empty
    /// when the register is one page.
    states: Vec<StateLink>,
}

#[derive(Serialize)]
struct StateLink {
    state: &'static str,
    count: usize,
    url: String,
}

#[derive(Serialize)]
struct PageLink {
    number: usize,
    url: String,
    current: bool,
}

/// The register's order, made once for all its pages: the waivers'
/// positions in `assessment.waivers`, grouped by state in [`GROUP_ORDER`]
/// and in file order within a state, and how many each state has.
pub(crate) struct RegisterOrder {
    rows: Vec<u32>,
    counts: [usize; GROUP_ORDER.len()],
}

impl RegisterOrder {
    pub(crate) fn new(a: &Assessment) -> Self {
        let group = |i: &u32| {
            GROUP_ORDER
                .iter()
                .position(|s| *s == a.waivers[*i as usize].state)
        };
        let mut rows: Vec<u32> = (0..a.waivers.len() as u32).collect();
        // Stable: file order stays within a state.
        rows.sort_by_key(group);
        let mut counts = [0; GROUP_ORDER.len()];
        for g in rows.iter().filter_map(group) {
            counts[g] += 1;
        }
        RegisterOrder { rows, counts }
    }
}

/// Page `index` (from 0) of the register: its share of the waivers in register order.
pub(super) fn page<'a>(
    h: &'a Handbook,
    a: &'a Assessment,
    order: &RegisterOrder,
    index: usize,
) -> WaiversPage<'a> {
    let count = page_count(a);
    let rows = index * WAIVERS_PER_PAGE..((index + 1) * WAIVERS_PER_PAGE).min(a.waivers.len());
    let mut groups = Vec::new();
    let mut before = 0;
    for (state, count) in GROUP_ORDER.into_iter().zip(order.counts) {
        let (start, end) = (before, before + count);
        before = end;
        let on_page = start.max(rows.start)..end.min(rows.end);
        if on_page.is_empty() && !(count == 0 && index == 0) {
            continue;
        }
        // An empty range may run backwards (start past end): `get` gives none.
        let lines = (order.rows.get(on_page).unwrap_or_default())
            .iter()
            .map(|&i| waiver_row(h, &a.waivers[i as usize]))
            .collect();
        groups.push(WaiverGroup {
            state: state.as_str(),
            rows: lines,
            count,
            continued: start < rows.start,
        });
    }
    WaiversPage {
        title: title(index, count),
        groups,
        total: a.waivers.len(),
        pagination: pagination(h, count, index, rows, order.counts),
        csv_url: h.url(urls::WAIVERS_CSV),
        json_url: h.url(urls::WAIVERS_JSON),
        feed_url: h.url(urls::WAIVERS_FEED),
    }
}

fn title(index: usize, count: usize) -> String {
    if count > 1 {
        format!("Waiver register, page {} of {count}", index + 1)
    } else {
        "Waiver register".to_string()
    }
}

fn pagination(
    h: &Handbook,
    count: usize,
    index: usize,
    rows: std::ops::Range<usize>,
    counts: [usize; GROUP_ORDER.len()],
) -> Pagination {
    let url = |number: usize| h.url(&urls::waivers_page(number));
    let number = index + 1;
    let (pages, states) = if count > 1 {
        let pages = (1..=count)
            .map(|n| PageLink {
                number: n,
                url: url(n),
                current: n == number,
            })
            .collect();
        (pages, state_links(&url, counts))
    } else {
        (Vec::new(), Vec::new())
    };
    Pagination {
        number,
        count,
        first_row: if rows.is_empty() { 0 } else { rows.start + 1 },
        last_row: rows.end.max(rows.start),
        previous_url: (number > 1).then(|| url(number - 1)),
        next_url: (number < count).then(|| url(number + 1)),
        pages,
        states,
    }
}

/// Each state with waivers, and the page and anchor where its group begins.
fn state_links(
    url: &dyn Fn(usize) -> String,
    counts: [usize; GROUP_ORDER.len()],
) -> Vec<StateLink> {
    let mut before = 0;
    let mut links = Vec::new();
    for (state, count) in GROUP_ORDER.into_iter().zip(counts) {
        if count > 0 {
            links.push(StateLink {
                state: state.as_str(),
                count,
                url: format!("{}#{}", url(before / WAIVERS_PER_PAGE + 1), state.as_str()),
            });
        }
        before += count;
    }
    links
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

    /// The `question` of each row of `page`, in the order it lists them.
    fn listed(page: &WaiversPage) -> Vec<String> {
        let json = serde_json::to_value(page).unwrap();
        json["groups"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|g| g["rows"].as_array().unwrap().clone())
            .map(|row| row["question"].as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn a_long_register_is_paged_listing_every_waiver_once_in_register_order() {
        let h = handbook(vec![category("c")], vec![], vec![], vec![]);
        let mut a = crate::analyze::analyze(&h, date("2026-01-01"));
        // States interleaved in the rows: the register groups them.
        a.waivers = (0..2100)
            .map(|i| WaiverRow {
                state: if i < 1000 || i % 7 == 3 {
                    WaiverState::Expired
                } else {
                    WaiverState::Active
                },
                ..row(&format!("q{i}"), None)
            })
            .collect();
        let expired = a
            .waivers
            .iter()
            .filter(|w| w.state == WaiverState::Expired)
            .count();
        assert_eq!(page_count(&a), 3);
        let order = RegisterOrder::new(&a);
        let pages: Vec<WaiversPage> = (0..3).map(|i| page(&h, &a, &order, i)).collect();

        let expected: Vec<String> = GROUP_ORDER
            .iter()
            .flat_map(|s| a.waivers.iter().filter(move |w| w.state == *s))
            .map(|w| w.question.clone())
            .collect();
        let all: Vec<String> = pages.iter().flat_map(listed).collect();
        assert_eq!(all, expected, "every waiver once, in the register's order");
        let sizes: Vec<usize> = pages.iter().map(|p| listed(p).len()).collect();
        assert_eq!(sizes, [1000, 1000, 100]);

        let groups = |p: &WaiversPage| -> Vec<(&str, usize, usize, bool)> {
            p.groups
                .iter()
                .map(|g| (g.state, g.rows.len(), g.count, g.continued))
                .collect()
        };
        let active = 2100 - expired;
        // The first page also says which states have no waiver.
        assert_eq!(
            groups(&pages[0]),
            [
                ("expired", 1000, expired, false),
                ("expiring", 0, 0, false),
                ("revoked", 0, 0, false),
                ("closed", 0, 0, false)
            ]
        );
        assert_eq!(
            groups(&pages[1]),
            [
                ("expired", expired - 1000, expired, true),
                ("active", 2000 - expired, active, false)
            ]
        );
        assert_eq!(groups(&pages[2]), [("active", 100, active, true)]);

        let second = &pages[1].pagination;
        let url = |n| h.url(&urls::waivers_page(n));
        assert_eq!((second.number, second.count), (2, 3));
        assert_eq!((second.first_row, second.last_row), (1001, 2000));
        assert_eq!(second.previous_url, Some(h.url(urls::WAIVERS)));
        assert_eq!(second.next_url, Some(url(3)));
        assert_eq!(pages[1].title, "Waiver register, page 2 of 3");
        let current: Vec<bool> = second.pages.iter().map(|l| l.current).collect();
        assert_eq!(current, [false, true, false]);
        let states: Vec<(&str, usize, &str)> = second
            .states
            .iter()
            .map(|l| (l.state, l.count, l.url.as_str()))
            .collect();
        let active_url = format!("{}#active", url(2));
        assert_eq!(
            states,
            [
                ("expired", expired, &*format!("{}#expired", url(1))),
                ("active", active, &*active_url)
            ]
        );
        assert_eq!(
            url(1),
            h.url(urls::WAIVERS),
            "the first page is the register's address"
        );

        let jobs = crate::render::pages::all(&h, &a);
        let paths: Vec<String> = jobs
            .iter()
            .filter(|j| matches!(j, crate::render::pages::PageJob::Waivers(_)))
            .map(|j| j.path(&h))
            .collect();
        assert_eq!(
            paths,
            [
                "waivers/index.html",
                "waivers/page/2/index.html",
                "waivers/page/3/index.html"
            ]
        );
    }

    #[test]
    fn a_register_of_one_page_has_no_page_list_and_every_state() {
        let h = handbook(vec![category("c")], vec![], vec![], vec![]);
        let mut a = crate::analyze::analyze(&h, date("2026-01-01"));
        a.waivers = vec![row("q1", None), row("q2", None)];
        assert_eq!(page_count(&a), 1);
        let only = page(&h, &a, &RegisterOrder::new(&a), 0);
        assert_eq!(only.title, "Waiver register");
        assert!(only.pagination.pages.is_empty() && only.pagination.states.is_empty());
        assert_eq!(
            (only.pagination.first_row, only.pagination.last_row),
            (1, 2)
        );
        let states: Vec<&str> = only.groups.iter().map(|g| g.state).collect();
        assert_eq!(
            states,
            ["expired", "expiring", "active", "revoked", "closed"]
        );
        a.waivers.clear();
        let empty = page(&h, &a, &RegisterOrder::new(&a), 0);
        assert_eq!((page_count(&a), empty.groups.len()), (1, 5));
        assert_eq!(
            (empty.pagination.first_row, empty.pagination.last_row),
            (0, 0)
        );
    }
}
