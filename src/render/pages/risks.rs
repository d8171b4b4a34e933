//! The risk register: every risk of every service by score, the 5 x 5
//! matrix, and one list per occupied cell; and the risk rows and matrix a
//! service's page shows for its own risks.

use crate::render::api::{risk_out, RiskOut};
use std::cmp::Reverse;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::analyze::Assessment;
use crate::model::{Handbook, Risk, RiskStatus, Service};
use crate::render::figures;
use crate::render::views::service_url;
use crate::urls;

/// A risk with its score and whether it blocks.
#[derive(Serialize)]
pub(crate) struct RiskLine<'a> {
    #[serde(flatten)]
    risk: RiskOut<'a>,
    anchor: String,
    blocking: bool,
    service: &'a str,
    service_title: &'a str,
    service_url: String,
}

pub(crate) fn risk_row<'a>(
    h: &Handbook,
    a: &Assessment,
    service: &'a Service,
    r: &'a Risk,
) -> RiskLine<'a> {
    RiskLine {
        risk: risk_out(r),
        anchor: urls::risk_anchor(&service.name, &r.id),
        blocking: a.risk_zone.judge(r).blocks,
        service: &service.name,
        service_title: &service.title,
        service_url: service_url(h, &service.name),
    }
}

/// The 5 x 5 matrix as rows (severity 5 down to 1) of cells (likelihood 1 to 5).
#[derive(Serialize)]
pub(crate) struct RiskMatrix {
    rows: Vec<MatrixRow>,
    threshold: u32,
}

#[derive(Serialize)]
struct MatrixRow {
    severity: u8,
    cells: Vec<MatrixCell>,
}

#[derive(Serialize)]
struct MatrixCell {
    likelihood: u8,
    score: u32,
    count: usize,
    open: usize,
    blocking_zone: bool,
    anchor: String,
}

/// Counts every risk into its cell once: O(risks). Risks outside 1..=5
/// (the loader rejects them) are not counted.
pub(crate) fn risk_matrix(
    a: &Assessment,
    risks: &[(&Service, &Risk)],
    anchor_prefix: &str,
) -> RiskMatrix {
    // (count, open) by [severity - 1][likelihood - 1].
    let mut tally = [[(0usize, 0usize); 5]; 5];
    for (_, r) in risks {
        let cell = usize::from(r.severity)
            .checked_sub(1)
            .zip(usize::from(r.likelihood).checked_sub(1))
            .and_then(|(s, l)| tally.get_mut(s)?.get_mut(l));
        if let Some((count, open)) = cell {
            *count += 1;
            *open += usize::from(r.status == RiskStatus::Open);
        }
    }
    let rows = (1..=5u8)
        .rev()
        .map(|severity| MatrixRow {
            severity,
            cells: (1..=5u8)
                .map(|likelihood| {
                    let (count, open) =
                        tally[usize::from(severity - 1)][usize::from(likelihood - 1)];
                    MatrixCell {
                        likelihood,
                        score: u32::from(severity) * u32::from(likelihood),
                        count,
                        open,
                        blocking_zone: a.risk_zone.cell_blocks(severity, likelihood),
                        anchor: format!("{anchor_prefix}s{severity}-l{likelihood}"),
                    }
                })
                .collect(),
        })
        .collect();
    RiskMatrix {
        rows,
        threshold: a.risk_zone.blocker_score,
    }
}

#[derive(Serialize)]
pub(super) struct RisksPage<'a> {
    title: &'static str,
    risks: &'a [RiskLine<'a>],
    matrix: RiskMatrix,
    cells: Vec<CellList<'a>>,
    matrix_svg: String,
}

/// The risks of one occupied cell of the matrix.
#[derive(Serialize)]
struct CellList<'a> {
    anchor: String,
    severity: u8,
    likelihood: u8,
    score: u32,
    rows: Vec<&'a RiskLine<'a>>,
}

/// Every risk, the highest scores first, then by service and id.
pub(super) fn ranked(h: &Handbook) -> Vec<(&Service, &Risk)> {
    let mut all: Vec<(&Service, &Risk)> = h
        .services
        .iter()
        .flat_map(|s| s.risks.iter().map(move |r| (&**s, r)))
        .collect();
    all.sort_by(|(sa, ra), (sb, rb)| {
        rb.score()
            .cmp(&ra.score())
            .then_with(|| sa.name.cmp(&sb.name))
            .then_with(|| ra.id.cmp(&rb.id))
    });
    all
}

/// A cell of the matrix, ordered highest score first, then highest severity.
type CellKey = (Reverse<u32>, Reverse<u8>, u8);

/// One list per occupied cell, the highest scores first (the order a
/// reviewer reads in), each in the order of `rows`.
fn cell_lists<'a>(rows: &'a [RiskLine<'a>]) -> Vec<CellList<'a>> {
    let mut by_cell: BTreeMap<CellKey, Vec<&RiskLine>> = BTreeMap::new();
    for r in rows {
        let key = (
            Reverse(r.risk.score),
            Reverse(r.risk.severity),
            r.risk.likelihood,
        );
        by_cell.entry(key).or_default().push(r);
    }
    by_cell
        .into_iter()
        .map(|((_, Reverse(severity), likelihood), rows)| CellList {
            anchor: format!("s{severity}-l{likelihood}"),
            severity,
            likelihood,
            score: u32::from(severity) * u32::from(likelihood),
            rows,
        })
        .collect()
}

/// The rows of `ranked` risks, in that order.
pub(super) fn rows<'a>(
    h: &Handbook,
    a: &Assessment,
    ranked: &[(&'a Service, &'a Risk)],
) -> Vec<RiskLine<'a>> {
    ranked.iter().map(|(s, r)| risk_row(h, a, s, r)).collect()
}

/// The risks page: `ranked` (from [`ranked`]) drawn, and listed as `rows`
/// (their [`rows`]) by cell and in full.
pub(super) fn page<'a>(
    h: &Handbook,
    a: &Assessment,
    ranked: &[(&Service, &Risk)],
    rows: &'a [RiskLine<'a>],
) -> RisksPage<'a> {
    RisksPage {
        title: "Risks",
        risks: rows,
        matrix: risk_matrix(a, ranked, ""),
        cells: cell_lists(rows),
        matrix_svg: figures::risk_matrix(h, a, "Risk matrix of every service", ranked, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::analyze;
    use crate::render::pages::test_support::{date, handbook, risk, service};

    fn cell(m: &RiskMatrix, severity: u8, likelihood: u8) -> &MatrixCell {
        let row = m.rows.iter().find(|r| r.severity == severity).expect("row");
        &row.cells[usize::from(likelihood - 1)]
    }

    #[test]
    fn each_risk_is_counted_once_in_its_cell_and_levels_out_of_range_in_none() {
        let h = handbook(vec![], vec![], vec![], vec![]);
        let a = analyze(&h, date("2026-11-23"));
        let s = service("pay", vec![]);
        let risks = [
            risk("a", 5, 4, RiskStatus::Open),
            risk("b", 5, 4, RiskStatus::Mitigated),
            risk("c", 1, 1, RiskStatus::Open),
            risk("zero", 0, 3, RiskStatus::Open),
            risk("huge", 9, 9, RiskStatus::Open),
        ];
        let pairs: Vec<(&Service, &Risk)> = risks.iter().map(|r| (&s, r)).collect();
        let m = risk_matrix(&a, &pairs, "pay-");
        let (hot, low) = (cell(&m, 5, 4), cell(&m, 1, 1));
        assert_eq!((hot.count, hot.open, hot.score), (2, 1, 20));
        assert_eq!(hot.anchor, "pay-s5-l4");
        assert_eq!((low.count, low.open), (1, 1));
        let counted: usize = m.rows.iter().flat_map(|r| &r.cells).map(|c| c.count).sum();
        assert_eq!(counted, 3);
        assert_eq!(m.rows.first().map(|r| r.severity), Some(5));
    }

    #[test]
    fn cells_list_the_highest_score_first_then_the_higher_severity() {
        let h = handbook(
            vec![],
            vec![],
            vec![],
            vec![service(
                "pay",
                vec![
                    risk("low", 1, 2, RiskStatus::Open),
                    risk("sev2", 2, 4, RiskStatus::Open),
                    risk("sev4", 4, 2, RiskStatus::Open),
                    risk("sev4b", 4, 2, RiskStatus::Accepted),
                ],
            )],
        );
        let a = analyze(&h, date("2026-11-23"));
        let ranked = ranked(&h);
        let rows = rows(&h, &a, &ranked);
        let cells = cell_lists(&rows);
        let order: Vec<(&str, Vec<&str>)> = cells
            .iter()
            .map(|c| {
                (
                    c.anchor.as_str(),
                    c.rows.iter().map(|r| r.risk.id).collect(),
                )
            })
            .collect();
        assert_eq!(
            order,
            [
                ("s4-l2", vec!["sev4", "sev4b"]),
                ("s2-l4", vec!["sev2"]),
                ("s1-l2", vec!["low"]),
            ]
        );
        assert_eq!(rows[0].service_url, "/hb/services/pay/");
        assert_eq!(rows[0].anchor, "risk-pay-sev2");
    }
}
