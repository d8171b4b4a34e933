//! The risk matrix: a 5 x 5 heat map of severity (rows, 5 at the top) by
//! likelihood (columns, 5 at the right).
//!
//! Each cell shows its count, its score (severity x likelihood) and how many of
//! its risks are open, mitigated or accepted, in words; it links to the list of
//! its risks, and each risk has a marker (a filled circle when open, a hollow
//! circle when mitigated, a hollow diamond when accepted) linking to the risk.
//! Cells whose score reaches `risk_blocker_score` are outlined by a heavy line
//! and say so, since an open risk there blocks a "go".

use super::document::{close_svg, open_link, open_svg, push_rect, push_text_element, push_tooltip};
use super::escape::push_attr;
use super::text::{estimate_text_width, num};
use crate::analyze::RiskZone;

/// Whether a risk still needs work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RiskStatus {
    Open,
    Mitigated,
    Accepted,
}

impl RiskStatus {
    fn word(self) -> &'static str {
        match self {
            RiskStatus::Open => "open",
            RiskStatus::Mitigated => "mitigated",
            RiskStatus::Accepted => "accepted",
        }
    }
}

/// One risk to place in the matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskPoint {
    pub id: String,
    pub title: String,
    /// The service the risk belongs to (shown on the all-services matrix).
    pub service: Option<String>,
    /// 1..=5; values outside are clamped.
    pub severity: u8,
    /// 1..=5; values outside are clamped.
    pub likelihood: u8,
    pub status: RiskStatus,
    /// Whether analyze ruled that this risk blocks "go".
    pub blocks: bool,
    pub href: String,
}

const LEVELS: u8 = 5;
const MARGIN: f64 = 16.0;
const AXIS_WIDTH: f64 = 118.0;
const LEGEND_HEIGHT: f64 = 30.0;
const CELL_WIDTH: f64 = 150.0;
const CELL_HEIGHT: f64 = 96.0;
const FOOTER_HEIGHT: f64 = 48.0;
/// How many risk markers fit in a cell before the rest are summarised as "+N".
const MAX_MARKERS: usize = 8;
const MARKER_STEP: f64 = 15.0;

const SEVERITY_NAMES: [&str; 5] = ["negligible", "minor", "moderate", "major", "critical"];
const LIKELIHOOD_NAMES: [&str; 5] = ["rare", "unlikely", "possible", "likely", "almost certain"];

/// Draws the matrix of `risks`. `zone` says which cells reach the policy's
/// `risk_blocker_score`; `cell_href(severity, likelihood)` gives the link of a
/// cell (for example an anchor to the list of that cell's risks).
pub fn risk_matrix(
    title: &str,
    risks: &[RiskPoint],
    zone: &RiskZone,
    cell_href: &dyn Fn(u8, u8) -> String,
) -> String {
    let blocker_score = zone.blocker_score;
    // cells[severity - 1][likelihood - 1], each sorted so the drawing does not
    // depend on input order.
    let mut cells: Vec<Vec<Vec<&RiskPoint>>> =
        vec![vec![Vec::new(); LEVELS as usize]; LEVELS as usize];
    for risk in risks {
        let severity = clamp_level(risk.severity);
        let likelihood = clamp_level(risk.likelihood);
        cells[usize::from(severity - 1)][usize::from(likelihood - 1)].push(risk);
    }
    for row in &mut cells {
        for cell in row {
            cell.sort_by(|a, b| {
                (a.status, &a.service, &a.id, &a.title, &a.href)
                    .cmp(&(b.status, &b.service, &b.id, &b.title, &b.href))
            });
        }
    }

    let grid_left = MARGIN + AXIS_WIDTH;
    let grid_top = MARGIN + LEGEND_HEIGHT;
    let width = grid_left + CELL_WIDTH * f64::from(LEVELS) + MARGIN;
    let height = grid_top + CELL_HEIGHT * f64::from(LEVELS) + FOOTER_HEIGHT + MARGIN;
    let cell_origin = |severity: u8, likelihood: u8| -> (f64, f64) {
        (
            grid_left + f64::from(likelihood - 1) * CELL_WIDTH,
            grid_top + f64::from(LEVELS - severity) * CELL_HEIGHT,
        )
    };
    let blocks = |severity: u8, likelihood: u8| zone.cell_blocks(severity, likelihood);

    let mut out = String::with_capacity(16 * 1024);
    let description = describe(risks, blocker_score);
    open_svg(&mut out, "risk-matrix", title, &description, width, height);
    push_legend(&mut out, blocker_score, grid_left, MARGIN);

    out.push_str("<g class=\"orr-cells\">");
    for severity in (1..=LEVELS).rev() {
        for likelihood in 1..=LEVELS {
            let (x, y) = cell_origin(severity, likelihood);
            let cell = &cells[usize::from(severity - 1)][usize::from(likelihood - 1)];
            push_cell(
                &mut out,
                severity,
                likelihood,
                cell,
                blocks(severity, likelihood),
                blocker_score,
                cell_href,
                x,
                y,
            );
        }
    }
    out.push_str("</g>");

    push_threshold(&mut out, &blocks, &cell_origin);
    push_axes(&mut out, grid_left, grid_top);
    close_svg(&mut out);
    out
}

fn clamp_level(level: u8) -> u8 {
    level.clamp(1, LEVELS)
}

/// The colour band of a score, independent of policy: only a class for the
/// stylesheet, since the score itself is written in every cell.
fn band(score: u32) -> &'static str {
    match score {
        0..=4 => "orr-band-low",
        5..=9 => "orr-band-moderate",
        10..=14 => "orr-band-high",
        _ => "orr-band-severe",
    }
}

/// Default fills of the bands, for when the stylesheet is missing.
fn band_fill(score: u32) -> &'static str {
    match score {
        0..=4 => "#e6f4ea",
        5..=9 => "#fff4d6",
        10..=14 => "#fde2cc",
        _ => "#f9d0d0",
    }
}

fn describe(risks: &[RiskPoint], blocker_score: u32) -> String {
    let count = |status: RiskStatus| risks.iter().filter(|r| r.status == status).count();
    let blocking = risks.iter().filter(|r| r.blocks).count();
    format!(
        "{} risks by severity (rows, 5 at the top) and likelihood (columns, 5 at the right): {} open, {} mitigated, {} accepted. {} open {} a score (severity x likelihood) of at least {}, the blocker score.",
        risks.len(),
        count(RiskStatus::Open),
        count(RiskStatus::Mitigated),
        count(RiskStatus::Accepted),
        blocking,
        if blocking == 1 {
            "risk has"
        } else {
            "risks have"
        },
        blocker_score
    )
}

/// "2 open · 1 mitigated" and "1 accepted": the status counts in words, two
/// on a line only when the pair fits the cell (else "1 mitigated · 1 accepted"
/// ran into the next cell, which painted over it), else one per line; three
/// lines fit above the markers.
fn status_lines(cell: &[&RiskPoint]) -> Vec<String> {
    let parts: Vec<String> = [
        RiskStatus::Open,
        RiskStatus::Mitigated,
        RiskStatus::Accepted,
    ]
    .iter()
    .filter_map(|&status| {
        let count = cell.iter().filter(|r| r.status == status).count();
        (count > 0).then(|| format!("{count} {}", status.word()))
    })
    .collect();
    let room = CELL_WIDTH - 18.0;
    let mut lines: Vec<String> = Vec::new();
    for part in parts {
        match lines.last_mut() {
            Some(last)
                if !last.contains(" · ")
                    && estimate_text_width(&format!("{last} · {part}"), STATUS_FONT) <= room =>
            {
                last.push_str(" · ");
                last.push_str(&part);
            }
            _ => lines.push(part),
        }
    }
    lines
}

/// The font size of the status lines (the diagram's base size).
const STATUS_FONT: f64 = 12.0;

#[allow(clippy::too_many_arguments)]
fn push_cell(
    out: &mut String,
    severity: u8,
    likelihood: u8,
    cell: &[&RiskPoint],
    blocking: bool,
    blocker_score: u32,
    cell_href: &dyn Fn(u8, u8) -> String,
    x: f64,
    y: f64,
) {
    let score = u32::from(severity) * u32::from(likelihood);
    let open = cell.iter().filter(|r| r.status == RiskStatus::Open).count();
    let mut class = format!(
        "orr-cell orr-cell-s{severity}-l{likelihood} {}",
        band(score)
    );
    if blocking {
        class.push_str(" orr-cell-blocking");
    }
    class.push_str(match (cell.is_empty(), open > 0) {
        (true, _) => " orr-cell-empty",
        (false, true) => " orr-cell-has-open",
        (false, false) => " orr-cell-closed-only",
    });

    out.push_str("<g class=\"orr-cell-group\" data-severity=\"");
    out.push_str(&severity.to_string());
    out.push_str("\" data-likelihood=\"");
    out.push_str(&likelihood.to_string());
    out.push_str("\" data-count=\"");
    out.push_str(&cell.len().to_string());
    out.push_str("\">");
    // Only cells with risks link: an empty cell has no list to go to.
    let linked = !cell.is_empty();
    if linked {
        open_link(out, &cell_href(severity, likelihood), "orr-cell-link");
    }
    let mut tooltip = format!(
        "Severity {severity} ({}) x likelihood {likelihood} ({}) = score {score}: {} {}",
        SEVERITY_NAMES[usize::from(severity - 1)],
        LIKELIHOOD_NAMES[usize::from(likelihood - 1)],
        cell.len(),
        if cell.len() == 1 { "risk" } else { "risks" }
    );
    let lines = status_lines(cell);
    if !lines.is_empty() {
        tooltip.push_str(" (");
        tooltip.push_str(&lines.join(" · "));
        tooltip.push(')');
    }
    if blocking {
        tooltip.push_str(&format!("; at or above the blocker score {blocker_score}"));
    }
    out.push_str("<g>");
    push_tooltip(out, &tooltip);
    push_rect(
        out,
        &class,
        x,
        y,
        CELL_WIDTH,
        CELL_HEIGHT,
        band_fill(score),
        "#888888",
    );
    push_text_element(
        out,
        "orr-cell-count",
        x + 10.0,
        y + 26.0,
        "start",
        &cell.len().to_string(),
    );
    let score_text = if blocking {
        format!("score {score} ≥ {blocker_score}")
    } else {
        format!("score {score}")
    };
    push_text_element(
        out,
        "orr-cell-score",
        x + CELL_WIDTH - 8.0,
        y + 18.0,
        "end",
        &score_text,
    );
    for (index, line) in lines.iter().enumerate() {
        push_text_element(
            out,
            "orr-cell-status",
            x + 10.0,
            y + 46.0 + index as f64 * 14.0,
            "start",
            line,
        );
    }
    out.push_str("</g>");
    if linked {
        out.push_str("</a>");
    }

    let shown = if cell.len() > MAX_MARKERS {
        MAX_MARKERS - 1
    } else {
        cell.len()
    };
    let marker_y = y + CELL_HEIGHT - 12.0;
    for (index, risk) in cell.iter().take(shown).enumerate() {
        let marker_x = x + 14.0 + index as f64 * MARKER_STEP;
        push_marker(out, risk, score, marker_x, marker_y);
    }
    if cell.len() > shown {
        let more_x = x + 14.0 + shown as f64 * MARKER_STEP - 4.0;
        push_text_element(
            out,
            "orr-cell-more",
            more_x,
            marker_y + 4.0,
            "start",
            &format!("+{}", cell.len() - shown),
        );
    }
    out.push_str("</g>");
}

/// A risk's marker: its shape says its status, its link goes to the risk.
fn push_marker(out: &mut String, risk: &RiskPoint, score: u32, x: f64, y: f64) {
    let linked = !risk.href.trim().is_empty();
    if linked {
        open_link(out, &risk.href, "orr-risk-link");
    }
    let status = risk.status.word();
    let mut tooltip = format!("{}: {}", risk.id, risk.title);
    if let Some(service) = risk.service.as_deref() {
        tooltip.push_str(&format!(" ({service})"));
    }
    tooltip.push_str(&format!(" — {status}, score {score}"));
    out.push_str("<g class=\"orr-risk orr-risk-");
    out.push_str(status);
    out.push_str("\" data-id=\"");
    push_attr(out, &risk.id);
    out.push_str("\">");
    push_tooltip(out, &tooltip);
    out.push_str(&marker_shape(risk.status, x, y));
    out.push_str("</g>");
    if linked {
        out.push_str("</a>");
    }
}

/// The shape of a status: filled circle (open), hollow circle (mitigated),
/// hollow diamond (accepted).
fn marker_shape(status: RiskStatus, x: f64, y: f64) -> String {
    match status {
        RiskStatus::Open => format!(
            "<circle class=\"orr-marker\" cx=\"{}\" cy=\"{}\" r=\"5\" fill=\"currentColor\" stroke=\"currentColor\"/>",
            num(x),
            num(y)
        ),
        RiskStatus::Mitigated => format!(
            "<circle class=\"orr-marker\" cx=\"{}\" cy=\"{}\" r=\"4.5\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\"/>",
            num(x),
            num(y)
        ),
        RiskStatus::Accepted => format!(
            "<path class=\"orr-marker\" d=\"M{},{} L{},{} L{},{} L{},{} z\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\"/>",
            num(x),
            num(y - 5.5),
            num(x + 5.5),
            num(y),
            num(x),
            num(y + 5.5),
            num(x - 5.5),
            num(y)
        ),
    }
}

fn push_legend(out: &mut String, blocker_score: u32, left: f64, top: f64) {
    let middle = top + 10.0;
    out.push_str("<g class=\"orr-legend\">");
    let mut x = left;
    for status in [
        RiskStatus::Open,
        RiskStatus::Mitigated,
        RiskStatus::Accepted,
    ] {
        out.push_str("<g class=\"orr-legend-risk orr-legend-risk-");
        out.push_str(status.word());
        out.push_str("\">");
        out.push_str(&marker_shape(status, x + 6.0, middle));
        out.push_str("</g>");
        push_text_element(
            out,
            "orr-legend-label",
            x + 16.0,
            middle + 4.0,
            "start",
            status.word(),
        );
        x += 96.0;
    }
    out.push_str(&format!(
        "<path class=\"orr-legend-threshold\" d=\"M{},{} L{},{}\" stroke=\"currentColor\" stroke-width=\"3\"/>",
        num(x),
        num(middle),
        num(x + 28.0),
        num(middle)
    ));
    let text = if blocker_score > 25 {
        format!("no cell reaches the blocker score {blocker_score}")
    } else {
        format!("score ≥ {blocker_score}: an open risk here blocks go")
    };
    push_text_element(
        out,
        "orr-legend-label",
        x + 36.0,
        middle + 4.0,
        "start",
        &text,
    );
    out.push_str("</g>");
}

/// The heavy line around the blocking cells: every cell side between a
/// blocking cell and a non-blocking one (or the grid's inside edge toward it).
fn push_threshold(
    out: &mut String,
    blocks: &dyn Fn(u8, u8) -> bool,
    cell_origin: &dyn Fn(u8, u8) -> (f64, f64),
) {
    let mut d = String::new();
    for severity in 1..=LEVELS {
        for likelihood in 1..=LEVELS {
            if !blocks(severity, likelihood) {
                continue;
            }
            let (x, y) = cell_origin(severity, likelihood);
            // Left neighbour (lower likelihood) not blocking: draw the left side.
            if likelihood > 1 && !blocks(severity, likelihood - 1) {
                d.push_str(&format!(
                    "M{},{} L{},{} ",
                    num(x),
                    num(y),
                    num(x),
                    num(y + CELL_HEIGHT)
                ));
            }
            // Neighbour below (lower severity) not blocking: draw the bottom side.
            if severity > 1 && !blocks(severity - 1, likelihood) {
                d.push_str(&format!(
                    "M{},{} L{},{} ",
                    num(x),
                    num(y + CELL_HEIGHT),
                    num(x + CELL_WIDTH),
                    num(y + CELL_HEIGHT)
                ));
            }
        }
    }
    if d.is_empty() {
        return;
    }
    out.push_str("<path class=\"orr-threshold\" d=\"");
    out.push_str(d.trim_end());
    out.push_str("\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"3\"/>");
}

fn push_axes(out: &mut String, grid_left: f64, grid_top: f64) {
    out.push_str("<g class=\"orr-axis\">");
    for severity in 1..=LEVELS {
        let y = grid_top + f64::from(LEVELS - severity) * CELL_HEIGHT + CELL_HEIGHT / 2.0;
        let label = format!("{severity} {}", SEVERITY_NAMES[usize::from(severity - 1)]);
        push_text_element(
            out,
            "orr-axis-label",
            grid_left - 8.0,
            y + 4.0,
            "end",
            &label,
        );
    }
    let grid_bottom = grid_top + f64::from(LEVELS) * CELL_HEIGHT;
    for likelihood in 1..=LEVELS {
        let x = grid_left + f64::from(likelihood - 1) * CELL_WIDTH + CELL_WIDTH / 2.0;
        let label = format!(
            "{likelihood} {}",
            LIKELIHOOD_NAMES[usize::from(likelihood - 1)]
        );
        push_text_element(
            out,
            "orr-axis-label",
            x,
            grid_bottom + 18.0,
            "middle",
            &label,
        );
    }
    push_text_element(
        out,
        "orr-axis-title",
        grid_left + f64::from(LEVELS) * CELL_WIDTH / 2.0,
        grid_bottom + 38.0,
        "middle",
        "Likelihood →",
    );
    push_text_element(
        out,
        "orr-axis-title",
        grid_left - 8.0,
        grid_top - 8.0,
        "end",
        "Severity ↑",
    );
    out.push_str("</g>");
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{all_text, assert_accessible_frame, parse, with_class, Lcg};
    use super::*;

    fn risk(id: &str, severity: u8, likelihood: u8, status: RiskStatus) -> RiskPoint {
        RiskPoint {
            id: id.to_string(),
            title: format!("Risk {id}"),
            service: Some("checkout".to_string()),
            severity,
            likelihood,
            status,
            blocks: status == RiskStatus::Open
                && RiskZone::new(15).cell_blocks(severity, likelihood),
            href: format!("/services/checkout/#risk-{id}"),
        }
    }

    fn anchor(severity: u8, likelihood: u8) -> String {
        format!("#risks-s{severity}-l{likelihood}")
    }

    fn sample() -> Vec<RiskPoint> {
        vec![
            risk("psp-outage", 4, 2, RiskStatus::Open),
            risk("db-failover", 4, 2, RiskStatus::Mitigated),
            risk("cert-expiry", 4, 2, RiskStatus::Accepted),
            risk("region-loss", 5, 4, RiskStatus::Open),
            risk("slow-queries", 2, 3, RiskStatus::Mitigated),
        ]
    }

    #[test]
    fn matrix_has_25_cells_counts_and_links() {
        let svg = risk_matrix("Risks of checkout", &sample(), &RiskZone::new(15), &anchor);
        let document = parse(&svg);
        assert_accessible_frame(&document);
        assert_eq!(with_class(&document, "orr-cell").len(), 25);
        assert_eq!(with_class(&document, "orr-risk").len(), 5);
        assert_eq!(with_class(&document, "orr-risk-open").len(), 2);
        assert_eq!(with_class(&document, "orr-risk-mitigated").len(), 2);
        assert_eq!(with_class(&document, "orr-risk-accepted").len(), 1);
        let cell = with_class(&document, "orr-cell-s4-l2");
        assert_eq!(cell.len(), 1);
        let group = cell[0]
            .ancestors()
            .find(|n| n.attribute("data-count").is_some())
            .expect("cell group");
        assert_eq!(group.attribute("data-count"), Some("3"));
        let cell_link = cell[0]
            .ancestors()
            .find(|n| n.has_tag_name("a"))
            .expect("cell link");
        assert_eq!(cell_link.attribute("href"), Some("#risks-s4-l2"));
        let text = all_text(&document);
        assert!(text.contains("1 open · 1 mitigated"), "{text}");
        assert!(text.contains("1 accepted"));
        assert!(text.contains("score 20 ≥ 15"));
        assert!(text.contains("score 8|") || text.contains("score 8"));
        // Cells without risks do not link; the 3 filled cells do, plus 5 risk links.
        assert_eq!(
            document
                .descendants()
                .filter(|n| n.has_tag_name("a"))
                .count(),
            3 + 5
        );
    }

    #[test]
    fn blocker_threshold_is_drawn_and_marks_cells() {
        let svg = risk_matrix("t", &[], &RiskZone::new(15), &anchor);
        let document = parse(&svg);
        assert_eq!(with_class(&document, "orr-threshold").len(), 1);
        // Scores >= 15 in a 5x5 grid: 3x5, 4x4, 4x5, 5x3, 5x4, 5x5.
        assert_eq!(with_class(&document, "orr-cell-blocking").len(), 6);
        let none = parse_owned(risk_matrix("t", &[], &RiskZone::new(26), &anchor));
        assert!(none.contains("no cell reaches the blocker score 26"));
        assert!(!none.contains("orr-threshold\""));
    }

    fn parse_owned(svg: String) -> String {
        parse(&svg);
        svg
    }

    #[test]
    fn out_of_range_levels_are_clamped() {
        let risks = vec![
            risk("zero", 0, 0, RiskStatus::Open),
            risk("big", 9, 200, RiskStatus::Open),
        ];
        let svg = risk_matrix("t", &risks, &RiskZone::new(15), &anchor);
        let document = parse(&svg);
        let count_of = |class: &str| {
            with_class(&document, class)[0]
                .ancestors()
                .find_map(|n| n.attribute("data-count"))
                .map(str::to_string)
        };
        assert_eq!(count_of("orr-cell-s1-l1").as_deref(), Some("1"));
        assert_eq!(count_of("orr-cell-s5-l5").as_deref(), Some("1"));
    }

    #[test]
    fn crowded_cells_summarise_extra_markers() {
        let risks: Vec<RiskPoint> = (0..12)
            .map(|i| risk(&format!("r{i:02}"), 3, 3, RiskStatus::Open))
            .collect();
        let svg = risk_matrix("t", &risks, &RiskZone::new(15), &anchor);
        let document = parse(&svg);
        assert_eq!(with_class(&document, "orr-risk").len(), MAX_MARKERS - 1);
        assert!(all_text(&document).contains("+5"));
        assert!(all_text(&document).contains("12 open"));
    }

    #[test]
    fn status_lines_stay_inside_their_cell() {
        let risks: Vec<RiskPoint> = [
            RiskStatus::Open,
            RiskStatus::Mitigated,
            RiskStatus::Mitigated,
            RiskStatus::Accepted,
        ]
        .iter()
        .enumerate()
        .map(|(i, &status)| risk(&format!("r{i}"), 3, 3, status))
        .collect();
        let svg = risk_matrix("t", &risks, &RiskZone::new(15), &anchor);
        let document = parse(&svg);
        let lines: Vec<&str> = with_class(&document, "orr-cell-status")
            .iter()
            .filter_map(|n| n.text())
            .collect();
        assert!(!lines.is_empty());
        for line in &lines {
            let width = estimate_text_width(line, STATUS_FONT);
            assert!(width <= CELL_WIDTH - 18.0, "{line:?} is {width} px wide");
        }
        assert!(lines.concat().contains("1 accepted"), "{lines:?}");
    }

    #[test]
    fn hostile_text_is_escaped() {
        let mut evil = risk("<script>", 3, 3, RiskStatus::Open);
        evil.title = "<script>alert('x')</script> & more".to_string();
        evil.href = "/r/?a=1&b=\"2\"".to_string();
        let svg = risk_matrix(
            "Risks of <script> & co",
            &[evil],
            &RiskZone::new(15),
            &|_, _| "#a&b".to_string(),
        );
        assert!(!svg.contains("<script>"));
        let document = parse(&svg);
        assert!(document.descendants().all(|n| !n.has_tag_name("script")));
        let tooltip = with_class(&document, "orr-risk")[0]
            .children()
            .find(|n| n.has_tag_name("title"))
            .and_then(|n| n.text())
            .unwrap_or_default()
            .to_string();
        assert!(tooltip.starts_with("<script>: <script>alert('x')</script> & more"));
        let links: Vec<&str> = document
            .descendants()
            .filter_map(|n| n.attribute("href"))
            .collect();
        assert!(links.contains(&"#a&b") && links.contains(&"/r/?a=1&b=\"2\""));
    }

    #[test]
    fn output_is_deterministic_and_independent_of_input_order() {
        let mut risks = sample();
        let mut random = Lcg::new(3);
        for i in 0..40 {
            let status = [
                RiskStatus::Open,
                RiskStatus::Mitigated,
                RiskStatus::Accepted,
            ][random.below(3)];
            risks.push(risk(
                &format!("g{i}"),
                1 + random.below(5) as u8,
                1 + random.below(5) as u8,
                status,
            ));
        }
        let first = risk_matrix("All risks", &risks, &RiskZone::new(12), &anchor);
        assert_eq!(
            first,
            risk_matrix("All risks", &risks, &RiskZone::new(12), &anchor)
        );
        risks.reverse();
        assert_eq!(
            first,
            risk_matrix("All risks", &risks, &RiskZone::new(12), &anchor)
        );
    }
}
