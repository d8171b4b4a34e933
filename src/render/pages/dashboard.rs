//! The dashboard (`index.html`): totals, services by verdict, readiness by
//! category, waivers needing attention, and the newest questions.

use serde::Serialize;

use crate::analyze::{attention, Assessment, Verdict, WaiverState};
use crate::model::{Handbook, Question};
use crate::render::figures;
use crate::render::fragments::Fragments;
use crate::render::views::pct;
use crate::urls;

use super::waivers::{waiver_row, WaiverLine};

#[derive(Serialize)]
pub(super) struct Dashboard<'a> {
    title: &'static str,
    by_verdict: Vec<VerdictColumn<'a>>,
    categories: Vec<CategoryLink<'a>>,
    grid: Vec<GridRow<'a>>,
    /// A Tera value already: the drawing of 5,000 services is 23 MB, and is
    /// then held once, not once more while the page's context is made.
    heatmap_svg: tera::Value,
    /// The most urgent of the waivers needing attention, in the register's order.
    expiring: Vec<WaiverLine<'a>>,
    /// How many waivers need attention in all, and how many of them are not listed.
    expiring_count: usize,
    expiring_unlisted: usize,
    newest: Vec<&'a tera::Value>,
    totals: Totals,
}

#[derive(Serialize)]
struct VerdictColumn<'a> {
    verdict: &'static str,
    services: Vec<&'a tera::Value>,
}

#[derive(Serialize)]
struct CategoryLink<'a> {
    id: &'a str,
    title: &'a str,
    url: String,
}

#[derive(Serialize)]
struct GridRow<'a> {
    service: &'a tera::Value,
    cells: Vec<GridCell<'a>>,
}

#[derive(Serialize)]
struct GridCell<'a> {
    category: &'a str,
    pct: Option<i64>,
    heat: Option<u8>,
    applicable: usize,
}

#[derive(Serialize, Default, Debug, PartialEq, Eq)]
struct Totals {
    go: usize,
    conditional: usize,
    no_go: usize,
    active_waivers: usize,
}

/// The columns, worst verdict first.
const VERDICT_ORDER: [Verdict; 3] = [Verdict::NoGo, Verdict::Conditional, Verdict::Go];

/// How many newest questions the dashboard lists.
const NEWEST: usize = 10;

pub(super) fn page<'a>(h: &'a Handbook, a: &'a Assessment, f: &'a Fragments<'_>) -> Dashboard<'a> {
    let mut by_verdict: Vec<VerdictColumn> = VERDICT_ORDER
        .iter()
        .map(|v| VerdictColumn {
            verdict: v.as_str(),
            services: Vec::new(),
        })
        .collect();
    for (row, sa) in f.services.iter().zip(&a.services) {
        if let Some(i) = VERDICT_ORDER.iter().position(|v| *v == sa.verdict) {
            by_verdict[i].services.push(row);
        }
    }
    let grid = f
        .services
        .iter()
        .zip(&a.services)
        .map(|(service, sa)| GridRow {
            service,
            cells: sa
                .categories
                .iter()
                .map(|c| GridCell {
                    category: &c.category,
                    pct: c.readiness.map(pct),
                    heat: c.band,
                    applicable: c.counts.total(),
                })
                .collect(),
        })
        .collect();
    let attention = attention(h, &a.waivers);
    Dashboard {
        title: "Dashboard",
        totals: totals(a),
        by_verdict,
        categories: h
            .categories
            .iter()
            .map(|c| CategoryLink {
                id: &c.id,
                title: &c.title,
                url: h.url(&urls::category(&c.id)),
            })
            .collect(),
        grid,
        heatmap_svg: tera::Value::from(figures::readiness_heatmap(h, a)),
        expiring: attention.listed.iter().map(|w| waiver_row(h, w)).collect(),
        expiring_count: attention.count,
        expiring_unlisted: attention.unlisted,
        newest: newest(h)
            .into_iter()
            .filter_map(|i| f.questions.get(i))
            .collect(),
    }
}

/// The services of each verdict and the waivers in force, counted in one pass each.
fn totals(a: &Assessment) -> Totals {
    let mut totals = Totals::default();
    for sa in &a.services {
        match sa.verdict {
            Verdict::Go => totals.go += 1,
            Verdict::Conditional => totals.conditional += 1,
            Verdict::NoGo => totals.no_go += 1,
        }
    }
    totals.active_waivers = a
        .waivers
        .iter()
        .filter(|w| matches!(w.state, WaiverState::Active | WaiverState::Expiring))
        .count();
    totals
}

/// Indexes of the newest dated, unretired questions: newest first, then by id.
fn newest(h: &Handbook) -> Vec<usize> {
    let mut dated: Vec<(usize, &Question)> = h
        .questions
        .iter()
        .enumerate()
        .filter(|(_, q)| q.since.is_some() && q.retired.is_none())
        .collect();
    dated.sort_by(|(_, x), (_, y)| y.since.cmp(&x.since).then_with(|| x.id.cmp(&y.id)));
    dated.into_iter().take(NEWEST).map(|(i, _)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::{analyze, WaiverRow, ATTENTION_LISTED};
    use crate::model::{Answer, Status};
    use crate::render::pages::test_support::{category, date, handbook, question, service};
    use crate::source::Place;

    fn yes(q: &str) -> Answer {
        Answer {
            question: q.into(),
            status: Status::Yes,
            evidence: Some("https://e".into()),
            note: None,
            plan: None,
            due: None,
            waiver: None,
            not_applicable: None,
            place: Place::default(),
        }
    }

    #[test]
    fn each_service_is_in_the_column_of_its_verdict_and_counted_once() {
        let mut ready = service("ready", vec![]);
        ready.answers.insert("q1", yes("q1"));
        let h = handbook(
            vec![category("cap")],
            vec![question("q1", "cap")],
            vec![],
            vec![ready, service("bare", vec![]), service("also-bare", vec![])],
        );
        let a = analyze(&h, date("2026-11-23"));
        let f = Fragments::new(&h, &a);
        let page = page(&h, &a, &f);
        let columns: Vec<(&str, usize)> = page
            .by_verdict
            .iter()
            .map(|c| (c.verdict, c.services.len()))
            .collect();
        let totals = &page.totals;
        assert_eq!(
            columns,
            [
                ("no-go", totals.no_go),
                ("conditional", totals.conditional),
                ("go", totals.go)
            ]
        );
        assert_eq!(totals.no_go + totals.conditional + totals.go, 3);
        for (column, v) in page.by_verdict.iter().zip(VERDICT_ORDER) {
            for row in &column.services {
                // The rows are the fragments' own, shared, not copies.
                let i = f.services.iter().position(|r| std::ptr::eq(r, *row));
                assert_eq!(i.map(|i| a.services[i].verdict), Some(v));
            }
        }
        assert!(
            totals.no_go >= 2,
            "the two services without answers are not ready"
        );
    }

    fn waiver(service: &str, number: usize, state: WaiverState, days_left: i64) -> WaiverRow {
        WaiverRow {
            service: service.into(),
            question: format!("q{number:03}"),
            state,
            reason: "r".into(),
            approver: "ann".into(),
            granted: date("2026-01-01"),
            expires: date("2026-12-01"),
            days_left,
            ticket: None,
            history: vec![],
            trail: vec![],
            unrecorded_changes: 0,
        }
    }

    #[test]
    fn the_dashboard_lists_the_most_urgent_waivers_in_the_registers_order_and_counts_the_rest() {
        let h = handbook(
            vec![],
            vec![],
            vec![],
            vec![service("a", vec![]), service("b", vec![])],
        );
        // The register's order: by service, then question. Days left fall
        // and rise again, so the most urgent are not the first rows.
        let mut register = Vec::new();
        for (i, name) in ["a", "b", "gone"].iter().enumerate() {
            for n in 0..90 {
                let days_left = (n as i64 - 45).abs() - 20 + i as i64;
                let state = match days_left {
                    d if d < 0 => WaiverState::Expired,
                    d if d <= 30 => WaiverState::Expiring,
                    _ => WaiverState::Active,
                };
                register.push(waiver(name, n, state, days_left));
            }
        }
        let needing: Vec<usize> = (0..register.len())
            .filter(|&i| register[i].service != "gone")
            .filter(|&i| register[i].state != WaiverState::Active)
            .collect();
        let attention = attention(&h, &register);
        assert!(needing.len() > ATTENTION_LISTED);
        assert_eq!(attention.count, needing.len());
        assert_eq!(attention.unlisted, needing.len() - ATTENTION_LISTED);
        assert_eq!(attention.listed.len(), ATTENTION_LISTED);
        let position = |w: &WaiverRow| register.iter().position(|r| std::ptr::eq(r, w));
        let listed: Vec<usize> = attention
            .listed
            .iter()
            .filter_map(|w| position(w))
            .collect();
        assert!(
            listed.windows(2).all(|p| p[0] < p[1]),
            "in the register's order"
        );
        let most_days_listed = listed.iter().map(|&i| register[i].days_left).max();
        let fewest_days_left_out = needing
            .iter()
            .filter(|i| !listed.contains(i))
            .map(|&i| register[i].days_left)
            .min();
        assert!(
            most_days_listed <= fewest_days_left_out,
            "the most urgent are listed"
        );

        let few = &register[..40];
        let all = super::attention(&h, few);
        assert_eq!((all.listed.len(), all.unlisted), (all.count, 0));
        assert!(all.listed.iter().all(|w| w.state != WaiverState::Active));
    }
}
