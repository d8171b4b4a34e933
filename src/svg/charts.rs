//! Readiness charts: a service's readiness by category as horizontal bars, and
//! the dashboard's services x categories grid as a heat map with each
//! service's verdict.
//!
//! Every bar and cell writes its percentage, and every verdict is written as
//! a word, so colour only repeats what the text says. Rows and columns are
//! drawn in the order given: that order (the handbook's category order, the
//! dashboard's service order) means something to the reader, so it is the
//! caller's to choose and is kept as is.

use super::document::{close_svg, open_link, open_svg, push_rect, push_text_element, push_tooltip};
use super::escape::push_attr;
use super::text::{chars_fitting, estimate_text_width, num, truncate_chars, whole_percent};

/// One bar: a category's readiness.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    /// Readiness between 0 and 1; other values are clamped, non-numbers count as 0.
    pub value: f64,
    pub href: Option<String>,
    /// Shown after the percentage, e.g. "7 of 9 (1 waived)".
    pub detail: String,
}

/// One service of the heat map.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatRow {
    pub label: String,
    pub href: String,
    /// "go", "conditional" or "no-go"; anything else is shown as written.
    pub verdict: String,
    /// One per column: readiness 0..=1 with its band (0..=5, ruled by
    /// analyze), or `None` when no question of that category applies.
    /// Missing cells count as `None`, extra ones are ignored.
    pub cells: Vec<Option<(f64, u8)>>,
}

/// One category of the heat map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeatColumn {
    pub label: String,
    pub href: String,
}

const MARGIN: f64 = 16.0;
const FONT: f64 = 12.0;
const BAR_ROW_HEIGHT: f64 = 30.0;
const BAR_HEIGHT: f64 = 18.0;
const BAR_TRACK_WIDTH: f64 = 320.0;
const LABEL_MIN_WIDTH: f64 = 80.0;
const LABEL_MAX_WIDTH: f64 = 220.0;
const DETAIL_MAX_CHARS: usize = 48;
const HEAT_CELL_WIDTH: f64 = 58.0;
const HEAT_CELL_HEIGHT: f64 = 26.0;
const VERDICT_WIDTH: f64 = 108.0;
/// Column headings are written at this angle so long category names fit.
const HEADING_ANGLE_DEGREES: f64 = 40.0;
const HEADING_MAX_CHARS: usize = 28;

/// A readiness level for styling: what share of the way a value is.
fn level_class(value: f64) -> &'static str {
    match value {
        v if v >= 1.0 => "orr-level-complete",
        v if v >= 0.8 => "orr-level-high",
        v if v >= 0.5 => "orr-level-mid",
        _ => "orr-level-low",
    }
}

fn clamp_share(value: f64) -> f64 {
    if value.is_finite() {
        value.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// Width of the label column for `labels`, within fixed bounds.
fn label_column_width<'a>(labels: impl Iterator<Item = &'a str>) -> f64 {
    labels
        .map(|label| estimate_text_width(label, FONT) + 12.0)
        .fold(LABEL_MIN_WIDTH, f64::max)
        .min(LABEL_MAX_WIDTH)
        .ceil()
}

/// Draws readiness by category as horizontal bars, in the order given.
pub fn readiness_bars(title: &str, bars: &[Bar]) -> String {
    let label_width = label_column_width(bars.iter().map(|b| b.label.as_str()));
    let label_chars = chars_fitting(label_width - 12.0, FONT);
    let track_left = MARGIN + label_width;
    let detail_left = track_left + BAR_TRACK_WIDTH + 10.0;
    let width =
        detail_left + estimate_text_width(&"0".repeat(DETAIL_MAX_CHARS + 6), FONT) * 0.85 + MARGIN;
    let scale_height = 22.0;
    let height = MARGIN + bars.len().max(1) as f64 * BAR_ROW_HEIGHT + scale_height + MARGIN;

    let description = if bars.is_empty() {
        "No categories apply.".to_string()
    } else {
        let parts: Vec<String> = bars
            .iter()
            .map(|bar| {
                let mut part = format!("{} {}", bar.label, whole_percent(clamp_share(bar.value)));
                if !bar.detail.trim().is_empty() {
                    part.push_str(&format!(" ({})", bar.detail.trim()));
                }
                part
            })
            .collect();
        format!("Readiness by category: {}.", parts.join("; "))
    };
    let mut out = String::with_capacity(1024 + bars.len() * 600);
    open_svg(
        &mut out,
        "readiness-bars",
        title,
        &description,
        width,
        height,
    );
    if bars.is_empty() {
        push_text_element(
            &mut out,
            "orr-empty",
            MARGIN,
            MARGIN + 20.0,
            "start",
            "No categories apply.",
        );
    }
    for (index, bar) in bars.iter().enumerate() {
        let value = clamp_share(bar.value);
        let top = MARGIN + index as f64 * BAR_ROW_HEIGHT;
        let middle = top + BAR_ROW_HEIGHT / 2.0;
        out.push_str("<g class=\"orr-bar ");
        out.push_str(level_class(value));
        out.push_str("\">");
        let percent = whole_percent(value);
        let mut tooltip = format!("{}: {percent}", bar.label);
        if !bar.detail.trim().is_empty() {
            tooltip.push_str(&format!(", {}", bar.detail.trim()));
        }
        push_tooltip(&mut out, &tooltip);
        let linked = bar.href.as_deref().filter(|h| !h.trim().is_empty());
        if let Some(href) = linked {
            open_link(&mut out, href, "orr-bar-link");
        }
        push_text_element(
            &mut out,
            "orr-bar-label",
            track_left - 10.0,
            middle + 4.0,
            "end",
            &truncate_chars(&bar.label, label_chars),
        );
        if linked.is_some() {
            out.push_str("</a>");
        }
        let bar_top = middle - BAR_HEIGHT / 2.0;
        push_rect(
            &mut out,
            "orr-bar-track",
            track_left,
            bar_top,
            BAR_TRACK_WIDTH,
            BAR_HEIGHT,
            "none",
            "currentColor",
        );
        if value > 0.0 {
            push_rect(
                &mut out,
                "orr-bar-fill",
                track_left,
                bar_top,
                BAR_TRACK_WIDTH * value,
                BAR_HEIGHT,
                "currentColor",
                "none",
            );
        }
        let mut value_text = percent;
        if !bar.detail.trim().is_empty() {
            value_text.push_str(" · ");
            value_text.push_str(&truncate_chars(bar.detail.trim(), DETAIL_MAX_CHARS));
        }
        push_text_element(
            &mut out,
            "orr-bar-value",
            detail_left,
            middle + 4.0,
            "start",
            &value_text,
        );
        out.push_str("</g>");
    }
    // A scale under the bars, so lengths can be read without the numbers too.
    let scale_y = MARGIN + bars.len().max(1) as f64 * BAR_ROW_HEIGHT + 14.0;
    out.push_str("<g class=\"orr-axis\">");
    for (fraction, label) in [(0.0, "0%"), (0.5, "50%"), (1.0, "100%")] {
        push_text_element(
            &mut out,
            "orr-axis-label",
            track_left + BAR_TRACK_WIDTH * fraction,
            scale_y,
            "middle",
            label,
        );
    }
    out.push_str("</g>");
    close_svg(&mut out);
    out
}

/// The class of a verdict word; unknown words get a neutral class.
fn verdict_class(verdict: &str) -> &'static str {
    match verdict.trim().to_ascii_lowercase().as_str() {
        "go" => "orr-verdict-go",
        "conditional" => "orr-verdict-conditional",
        "no-go" | "no go" | "nogo" => "orr-verdict-no-go",
        _ => "orr-verdict-other",
    }
}

/// The stylesheet class of a heat band 0..=5.
fn heat_class(band: u8) -> &'static str {
    match band {
        5.. => "orr-heat-5",
        4 => "orr-heat-4",
        3 => "orr-heat-3",
        2 => "orr-heat-2",
        1 => "orr-heat-1",
        0 => "orr-heat-0",
    }
}

/// Default fills of the heat levels, for when the stylesheet is missing.
fn heat_fill(class: &str) -> &'static str {
    match class {
        "orr-heat-5" => "#1a7f37",
        "orr-heat-4" => "#4fa86a",
        "orr-heat-3" => "#a8d5a2",
        "orr-heat-2" => "#f3d98b",
        "orr-heat-1" => "#f0a96b",
        _ => "#e5736b",
    }
}

/// Draws the services x categories grid: one row per service with its verdict,
/// one column per category, each cell its readiness, in the order given.
pub fn readiness_heatmap(title: &str, columns: &[HeatColumn], rows: &[HeatRow]) -> String {
    let label_width = label_column_width(rows.iter().map(|r| r.label.as_str()));
    let label_chars = chars_fitting(label_width - 12.0, FONT);
    let angle = HEADING_ANGLE_DEGREES.to_radians();
    let heading_lengths: Vec<f64> = columns
        .iter()
        .map(|c| estimate_text_width(&truncate_chars(&c.label, HEADING_MAX_CHARS), FONT))
        .collect();
    let header_height = heading_lengths
        .iter()
        .fold(40.0f64, |h, l| h.max(l * angle.sin() + 18.0))
        .ceil();
    let grid_left = MARGIN + label_width + VERDICT_WIDTH;
    let grid_top = MARGIN + header_height;
    // Slanted headings reach right beyond their column.
    let overhang = heading_lengths
        .iter()
        .enumerate()
        .map(|(index, length)| {
            length * angle.cos() - (columns.len() - 1 - index) as f64 * HEAT_CELL_WIDTH
        })
        .fold(0.0f64, f64::max);
    let width = grid_left + columns.len() as f64 * HEAT_CELL_WIDTH + overhang + MARGIN;
    let height = grid_top + rows.len().max(1) as f64 * HEAT_CELL_HEIGHT + MARGIN;

    let verdict_counts = ["go", "conditional", "no-go"]
        .iter()
        .map(|verdict| {
            let count = rows
                .iter()
                .filter(|r| verdict_class(&r.verdict) == verdict_class(verdict))
                .count();
            format!("{count} {verdict}")
        })
        .collect::<Vec<_>>()
        .join(", ");
    let description = format!(
        "Readiness of {} services (rows) in {} categories (columns), as percentages, with each service's verdict: {}.",
        rows.len(),
        columns.len(),
        verdict_counts
    );
    let mut out = String::with_capacity(2048 + rows.len() * (columns.len() + 2) * 300);
    open_svg(
        &mut out,
        "readiness-heatmap",
        title,
        &description,
        width,
        height,
    );

    out.push_str("<g class=\"orr-heat-columns\">");
    push_text_element(
        &mut out,
        "orr-heat-heading",
        MARGIN,
        grid_top - 8.0,
        "start",
        "Service",
    );
    push_text_element(
        &mut out,
        "orr-heat-heading",
        MARGIN + label_width,
        grid_top - 8.0,
        "start",
        "Verdict",
    );
    for (index, column) in columns.iter().enumerate() {
        let x = grid_left + index as f64 * HEAT_CELL_WIDTH + HEAT_CELL_WIDTH / 2.0;
        let y = grid_top - 8.0;
        let linked = !column.href.trim().is_empty();
        if linked {
            open_link(&mut out, &column.href, "orr-heat-column-link");
        }
        out.push_str(&format!(
            "<text class=\"orr-heat-column\" x=\"{}\" y=\"{}\" text-anchor=\"start\" transform=\"rotate(-{} {} {})\">",
            num(x),
            num(y),
            num(HEADING_ANGLE_DEGREES),
            num(x),
            num(y)
        ));
        push_tooltip(&mut out, &column.label);
        super::escape::push_text(&mut out, &truncate_chars(&column.label, HEADING_MAX_CHARS));
        out.push_str("</text>");
        if linked {
            out.push_str("</a>");
        }
    }
    out.push_str("</g>");

    if rows.is_empty() {
        push_text_element(
            &mut out,
            "orr-empty",
            MARGIN,
            grid_top + 18.0,
            "start",
            "No services yet.",
        );
    }
    for (row_index, row) in rows.iter().enumerate() {
        let top = grid_top + row_index as f64 * HEAT_CELL_HEIGHT;
        let text_y = top + HEAT_CELL_HEIGHT / 2.0 + 4.0;
        out.push_str("<g class=\"orr-heat-row\" data-service=\"");
        push_attr(&mut out, &row.label);
        out.push_str("\">");
        let linked = !row.href.trim().is_empty();
        if linked {
            open_link(&mut out, &row.href, "orr-heat-row-link");
        }
        push_text_element(
            &mut out,
            "orr-heat-row-label",
            MARGIN,
            text_y,
            "start",
            &truncate_chars(&row.label, label_chars),
        );
        if linked {
            out.push_str("</a>");
        }
        let verdict = verdict_class(&row.verdict);
        out.push_str("<g class=\"orr-verdict ");
        out.push_str(verdict);
        out.push_str("\">");
        push_tooltip(&mut out, &format!("{}: verdict {}", row.label, row.verdict));
        push_rect(
            &mut out,
            "orr-verdict-box",
            MARGIN + label_width,
            top + 3.0,
            VERDICT_WIDTH - 10.0,
            HEAT_CELL_HEIGHT - 6.0,
            "none",
            "currentColor",
        );
        let verdict_chars = chars_fitting(VERDICT_WIDTH - 16.0, FONT);
        push_text_element(
            &mut out,
            "orr-verdict-label",
            MARGIN + label_width + (VERDICT_WIDTH - 10.0) / 2.0,
            text_y,
            "middle",
            &truncate_chars(row.verdict.trim(), verdict_chars),
        );
        out.push_str("</g>");

        for (column_index, column) in columns.iter().enumerate() {
            let x = grid_left + column_index as f64 * HEAT_CELL_WIDTH;
            let cell = row.cells.get(column_index).copied().flatten();
            out.push_str("<g class=\"orr-heat-cell\">");
            match cell {
                Some((value, band)) => {
                    let value = clamp_share(value);
                    let class = heat_class(band);
                    let percent = whole_percent(value);
                    push_tooltip(
                        &mut out,
                        &format!("{} · {}: {percent}", row.label, column.label),
                    );
                    push_rect(
                        &mut out,
                        &format!("orr-heat {class}"),
                        x + 1.0,
                        top + 1.0,
                        HEAT_CELL_WIDTH - 2.0,
                        HEAT_CELL_HEIGHT - 2.0,
                        heat_fill(class),
                        "none",
                    );
                    push_text_element(
                        &mut out,
                        "orr-heat-value",
                        x + HEAT_CELL_WIDTH / 2.0,
                        text_y,
                        "middle",
                        &percent,
                    );
                }
                None => {
                    push_tooltip(
                        &mut out,
                        &format!("{} · {}: no applicable question", row.label, column.label),
                    );
                    push_rect(
                        &mut out,
                        "orr-heat orr-heat-na",
                        x + 1.0,
                        top + 1.0,
                        HEAT_CELL_WIDTH - 2.0,
                        HEAT_CELL_HEIGHT - 2.0,
                        "none",
                        "none",
                    );
                    push_text_element(
                        &mut out,
                        "orr-heat-value orr-heat-value-na",
                        x + HEAT_CELL_WIDTH / 2.0,
                        text_y,
                        "middle",
                        "n/a",
                    );
                }
            }
            out.push_str("</g>");
        }
        out.push_str("</g>");
    }
    close_svg(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{all_text, assert_accessible_frame, parse, with_class};
    use super::*;

    fn bars() -> Vec<Bar> {
        vec![
            Bar {
                label: "Capacity".into(),
                value: 7.0 / 9.0,
                href: Some("#capacity".into()),
                detail: "7 of 9 (1 waived)".into(),
            },
            Bar {
                label: "Backups".into(),
                value: 1.0,
                href: None,
                detail: "3 of 3".into(),
            },
            Bar {
                label: "Observability".into(),
                value: 0.0,
                href: Some("#obs".into()),
                detail: String::new(),
            },
        ]
    }

    #[test]
    fn bars_parse_count_and_show_percentages() {
        let svg = readiness_bars("Readiness of checkout", &bars());
        let document = parse(&svg);
        assert_accessible_frame(&document);
        assert_eq!(with_class(&document, "orr-bar").len(), 3);
        assert_eq!(with_class(&document, "orr-bar-track").len(), 3);
        assert_eq!(
            with_class(&document, "orr-bar-fill").len(),
            2,
            "an empty bar draws no fill"
        );
        let text = all_text(&document);
        assert!(
            text.contains("78% · 7 of 9 (1 waived)")
                && text.contains("100% · 3 of 3")
                && text.contains("0%")
        );
        assert_eq!(
            document
                .descendants()
                .filter(|n| n.has_tag_name("a"))
                .count(),
            2
        );
    }

    #[test]
    fn bars_handle_bad_values_hostile_text_and_no_data() {
        let hostile = vec![
            Bar {
                label: "<script>x</script>".into(),
                value: f64::NAN,
                href: Some("/a?b=1&c=2".into()),
                detail: "a & b".into(),
            },
            Bar {
                label: "Over".into(),
                value: 3.5,
                href: None,
                detail: String::new(),
            },
        ];
        let svg = readiness_bars("<script>", &hostile);
        assert!(!svg.contains("<script>"));
        let document = parse(&svg);
        let text = all_text(&document);
        assert!(
            text.contains("<script>x</script>")
                && text.contains("0% · a & b")
                && text.contains("100%")
        );
        let empty = readiness_bars("Nothing", &[]);
        assert!(all_text(&parse(&empty)).contains("No categories apply."));
    }

    fn grid() -> (Vec<HeatColumn>, Vec<HeatRow>) {
        let columns = vec![
            HeatColumn {
                label: "Capacity".into(),
                href: "/questions/capacity/".into(),
            },
            HeatColumn {
                label: "Observability and alerting".into(),
                href: "/questions/observability/".into(),
            },
            HeatColumn {
                label: "Backups".into(),
                href: "/questions/backups/".into(),
            },
        ];
        let rows = vec![
            HeatRow {
                label: "checkout".into(),
                href: "/services/checkout/".into(),
                verdict: "no-go".into(),
                cells: vec![Some((0.78, 3)), None, Some((1.0, 5))],
            },
            HeatRow {
                label: "search".into(),
                href: "/services/search/".into(),
                verdict: "go".into(),
                cells: vec![Some((1.0, 5)), Some((0.9, 4)), Some((1.0, 5))],
            },
            HeatRow {
                label: "ledger".into(),
                href: "/services/ledger/".into(),
                verdict: "conditional".into(),
                cells: vec![Some((0.5, 2))],
            },
        ];
        (columns, rows)
    }

    #[test]
    fn heatmap_parses_counts_and_writes_verdicts() {
        let (columns, rows) = grid();
        let svg = readiness_heatmap("Readiness by service and category", &columns, &rows);
        let document = parse(&svg);
        assert_accessible_frame(&document);
        assert_eq!(with_class(&document, "orr-heat-row").len(), 3);
        assert_eq!(with_class(&document, "orr-heat-cell").len(), 9);
        assert_eq!(
            with_class(&document, "orr-heat-na").len(),
            3,
            "one given None and two missing cells"
        );
        assert_eq!(with_class(&document, "orr-verdict-no-go").len(), 1);
        assert_eq!(with_class(&document, "orr-verdict-go").len(), 1);
        assert_eq!(with_class(&document, "orr-verdict-conditional").len(), 1);
        let verdicts: Vec<&str> = with_class(&document, "orr-verdict-label")
            .iter()
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(verdicts, vec!["no-go", "go", "conditional"]);
        let text = all_text(&document);
        assert!(
            text.contains("78%")
                && text.contains("n/a")
                && text.contains("Observability and alerting")
        );
        // 3 column headings + 3 row labels link.
        assert_eq!(
            document
                .descendants()
                .filter(|n| n.has_tag_name("a"))
                .count(),
            6
        );
    }

    #[test]
    fn heatmap_escapes_and_is_deterministic() {
        let (mut columns, mut rows) = grid();
        columns[0].label = "<script>alert(1)</script>".into();
        rows[0].label = "a & <b>".into();
        rows[0].verdict = "<maybe>".into();
        let svg = readiness_heatmap("t", &columns, &rows);
        assert!(!svg.contains("<script>") && !svg.contains("<b>") && !svg.contains("<maybe>"));
        let document = parse(&svg);
        assert_eq!(with_class(&document, "orr-verdict-other").len(), 1);
        assert!(all_text(&document).contains("<maybe>"));
        assert_eq!(svg, readiness_heatmap("t", &columns, &rows));
        let empty = readiness_heatmap("", &[], &[]);
        assert_accessible_frame(&parse(&empty));
    }
}
