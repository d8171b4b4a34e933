//! Dependency diagrams: the whole organisation's graph (/dependencies/) and the
//! focused diagram of one service (its dependants, itself, its dependencies,
//! and its availability ceiling against its SLO).
//!
//! Both use the layered layout of [`super::layout`], left to right: a service
//! is drawn left of what it depends on. Hard edges are solid, soft edges
//! dashed, edges closing a cycle are drawn in a distinct style with a "cycle"
//! badge; fallbacks and missing timeouts carry text badges, and a legend says
//! what every style means, so nothing relies on colour alone.

use std::collections::BTreeMap;

use crate::analyze::CeilingStatus;

use super::document::{
    close_svg, open_link, open_svg, push_arrow_markers, push_rect, push_text_element, push_tooltip,
};
use super::escape::push_attr;
use super::layout::{layered_layout, layered_size, Layout, LayoutOptions, RoutedEdge};
use super::text::{
    ceiling_percent, chars_fitting, estimate_text_width, num, percent, truncate_chars,
    BOLD_WIDTH_FACTOR,
};
use crate::limits::MAX_DIAGRAM_LAYOUT_NODES;

/// What a node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NodeKind {
    /// The service a focused diagram is about.
    Focus,
    /// A service of the handbook.
    Service,
    /// A dependency outside the handbook.
    External,
}

impl NodeKind {
    fn class(self) -> &'static str {
        match self {
            NodeKind::Focus => "orr-node-focus",
            NodeKind::Service => "orr-node-service",
            NodeKind::External => "orr-node-external",
        }
    }
}

/// One box of a dependency diagram.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphNode {
    /// Unique id that edges refer to (the service name, or e.g. `external:stripe`).
    pub id: String,
    pub label: String,
    pub kind: NodeKind,
    /// Link to the service page; externals usually have none.
    pub href: Option<String>,
    /// Availability in percent (its SLO, or an external's committed figure).
    pub availability: Option<f64>,
    /// A short extra line, e.g. the verdict or "ceiling 99.70% < SLO 99.95%".
    pub note: Option<String>,
}

/// One dependency: `from` depends on `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphEdge {
    pub from: String,
    pub to: String,
    /// `from` fails when `to` fails.
    pub hard: bool,
    /// `from` has a fallback for when `to` fails.
    pub fallback: bool,
    /// A hard dependency without `timeout_ms`: an unbounded wait.
    pub missing_timeout: bool,
}

/// A dependency graph ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct DependencyGraph {
    pub title: String,
    pub description: String,
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
}

/// Draws a whole dependency graph with a layered layout. Nodes are ordered by
/// id and edges by their ends, so input order does not matter; edges naming an
/// unknown node are left out, and of nodes sharing an id only the first (in
/// sorted order) is drawn.
///
/// A graph whose layout would exceed [`MAX_DIAGRAM_LAYOUT_NODES`] is not laid
/// out: a short figure says how large it is instead, so the page stays linear
/// in the number of services and dependencies.
pub fn dependency_graph(graph: &DependencyGraph) -> String {
    let (nodes, edges) = prepare(graph);
    let pairs: Vec<(usize, usize)> = edges.iter().map(|&(from, to, _)| (from, to)).collect();
    let size = layered_size(nodes.len(), &pairs);
    if size > MAX_DIAGRAM_LAYOUT_NODES {
        return too_large(graph, nodes.len(), edges.len());
    }
    render(graph, "dependency-graph", None)
}

/// The figure standing in for a diagram too large to draw. O(1) in the graph.
fn too_large(graph: &DependencyGraph, nodes: usize, edges: usize) -> String {
    let text = format!(
        "{nodes} boxes and {edges} arrows are too many to draw legibly; the table lists every dependency, and each service's page draws its own."
    );
    let description = format!("{} {text}", graph.description);
    let mut out = String::with_capacity(1024);
    open_svg(
        &mut out,
        "dependency-graph",
        &graph.title,
        &description,
        1100.0,
        56.0,
    );
    push_text_element(&mut out, "orr-empty", MARGIN, 32.0, "start", &text);
    close_svg(&mut out);
    out
}

/// Draws the focused diagram of one service: its dependants on the left, the
/// service (the node of kind [`NodeKind::Focus`]) in the middle, its
/// dependencies on the right, and a caption comparing the availability
/// `ceiling` with the `slo` (both percent; `None` when there is none).
pub fn service_dependencies(
    graph: &DependencyGraph,
    ceiling: Option<f64>,
    slo: Option<f64>,
    status: CeilingStatus,
) -> String {
    render(
        graph,
        "service-dependencies",
        Some(ceiling_caption(ceiling, slo, status)),
    )
}

/// The caption of a focused diagram and the class saying how it came out,
/// as analyze ruled (`status`); the figures are only shown.
fn ceiling_caption(
    ceiling: Option<f64>,
    slo: Option<f64>,
    status: CeilingStatus,
) -> (String, &'static str) {
    let ceiling_value = ceiling.filter(|v| v.is_finite());
    let slo_value = slo.filter(|v| v.is_finite());
    match (ceiling_value, slo_value) {
        (None, Some(slo)) => (
            format!(
                "No availability ceiling (no hard dependency without a fallback); SLO {}.",
                percent(slo).unwrap_or_default()
            ),
            "orr-ceiling-none",
        ),
        (None, None) => (
            "No availability ceiling (no hard dependency without a fallback) and no SLO set."
                .to_string(),
            "orr-ceiling-none",
        ),
        (Some(ceiling), None) => (
            format!(
                "Availability ceiling {}; no SLO set to compare with.",
                ceiling_percent(ceiling, None).unwrap_or_default()
            ),
            "orr-ceiling-none",
        ),
        (Some(ceiling), Some(slo)) if status.is_below() => (
            format!(
                "Availability ceiling {} is below the SLO {}: the target cannot be met (blocker).",
                ceiling_percent(ceiling, Some(slo)).unwrap_or_default(),
                percent(slo).unwrap_or_default()
            ),
            "orr-ceiling-below",
        ),
        (Some(ceiling), Some(slo)) => (
            format!(
                "Availability ceiling {} meets the SLO {}.",
                ceiling_percent(ceiling, Some(slo)).unwrap_or_default(),
                percent(slo).unwrap_or_default()
            ),
            "orr-ceiling-ok",
        ),
    }
}

const NODE_HEIGHT: f64 = 44.0;
const NODE_PADDING: f64 = 10.0;
const NODE_MIN_WIDTH: f64 = 96.0;
const NODE_MAX_WIDTH: f64 = 240.0;
const LABEL_FONT: f64 = 13.0;
const META_FONT: f64 = 11.0;
const BADGE_FONT: f64 = 11.0;
const LEGEND_ROW_HEIGHT: f64 = 24.0;
const CAPTION_HEIGHT: f64 = 28.0;
const MARGIN: f64 = 16.0;

/// A node with its drawn texts.
struct PreparedNode<'a> {
    node: &'a GraphNode,
    meta: String,
    width: f64,
}

/// Nodes sorted by id with duplicates dropped, and edges (with the indices
/// of their ends) sorted, without those naming unknown nodes.
fn prepare(graph: &DependencyGraph) -> (Vec<PreparedNode<'_>>, Vec<(usize, usize, &GraphEdge)>) {
    let mut sorted: Vec<&GraphNode> = graph.nodes.iter().collect();
    sorted.sort_by(|a, b| {
        a.id.cmp(&b.id)
            .then_with(|| a.kind.cmp(&b.kind))
            .then_with(|| a.label.cmp(&b.label))
            .then_with(|| a.href.cmp(&b.href))
            .then_with(|| a.note.cmp(&b.note))
            .then_with(|| {
                a.availability
                    .unwrap_or(f64::NAN)
                    .total_cmp(&b.availability.unwrap_or(f64::NAN))
            })
    });
    sorted.dedup_by(|later, earlier| later.id == earlier.id);

    let nodes: Vec<PreparedNode<'_>> = sorted
        .into_iter()
        .map(|node| {
            let meta = node_meta(node);
            let natural = estimate_text_width(&node.label, LABEL_FONT * BOLD_WIDTH_FACTOR)
                .max(estimate_text_width(&meta, META_FONT));
            let width = (natural + 2.0 * NODE_PADDING)
                .clamp(NODE_MIN_WIDTH, NODE_MAX_WIDTH)
                .ceil();
            PreparedNode { node, meta, width }
        })
        .collect();

    let index_of: BTreeMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.node.id.as_str(), i))
        .collect();
    let mut edges: Vec<(usize, usize, &GraphEdge)> = graph
        .edges
        .iter()
        .filter_map(|edge| {
            let from = *index_of.get(edge.from.as_str())?;
            let to = *index_of.get(edge.to.as_str())?;
            Some((from, to, edge))
        })
        .collect();
    edges.sort_by_key(|&(from, to, edge)| {
        (from, to, edge.hard, edge.fallback, edge.missing_timeout)
    });
    (nodes, edges)
}

/// The small second line of a node: kind, availability and note.
fn node_meta(node: &GraphNode) -> String {
    let mut parts: Vec<String> = Vec::new();
    if node.kind == NodeKind::External {
        parts.push("external".to_string());
    }
    if let Some(availability) = node.availability.and_then(percent) {
        parts.push(availability);
    }
    if let Some(note) = node.note.as_deref().filter(|n| !n.trim().is_empty()) {
        parts.push(note.to_string());
    }
    parts.join(" · ")
}

/// What a node's tooltip says: everything, untruncated.
fn node_tooltip(node: &GraphNode) -> String {
    let mut text = node.label.clone();
    if node.label != node.id {
        text.push_str(" (");
        text.push_str(&node.id);
        text.push(')');
    }
    match node.kind {
        NodeKind::External => text.push_str(" — external dependency"),
        NodeKind::Focus => text.push_str(" — this service"),
        NodeKind::Service => {}
    }
    if let Some(availability) = node.availability.and_then(percent) {
        text.push_str(" — availability ");
        text.push_str(&availability);
    }
    if let Some(note) = node.note.as_deref().filter(|n| !n.trim().is_empty()) {
        text.push_str(" — ");
        text.push_str(note);
    }
    text
}

fn render(graph: &DependencyGraph, kind: &str, caption: Option<(String, &'static str)>) -> String {
    let (nodes, edges) = prepare(graph);
    let widths: Vec<f64> = nodes.iter().map(|n| n.width).collect();
    let pairs: Vec<(usize, usize)> = edges.iter().map(|&(from, to, _)| (from, to)).collect();
    let options = LayoutOptions {
        node_height: NODE_HEIGHT,
        margin: MARGIN,
        ..LayoutOptions::default()
    };
    let layout = layered_layout(&widths, &pairs, &options);

    let focused = caption.is_some();
    let legend = legend_items(focused);
    let content_width = layout.width.max(480.0);
    let legend_rows = legend_rows(&legend, content_width - 2.0 * MARGIN);
    let legend_height = legend_rows.len() as f64 * LEGEND_ROW_HEIGHT + 8.0;
    let top = MARGIN + legend_height;
    let empty = nodes.is_empty();
    let graph_height = if empty { 40.0 } else { layout.height };
    let caption_height = if focused { CAPTION_HEIGHT } else { 0.0 };
    let width = content_width;
    let height = top + graph_height + caption_height;

    let description = describe(
        graph,
        &nodes,
        &edges,
        &layout,
        caption.as_ref().map(|c| c.0.as_str()),
    );
    let mut out = String::with_capacity(2048 + nodes.len() * 700 + edges.len() * 400);
    let id = open_svg(&mut out, kind, &graph.title, &description, width, height);
    push_arrow_markers(&mut out, &id);
    push_legend(&mut out, &legend, &legend_rows, &id, MARGIN, MARGIN);

    if empty {
        push_text_element(
            &mut out,
            "orr-empty",
            MARGIN,
            top + 24.0,
            "start",
            "No dependencies to draw.",
        );
    }

    out.push_str("<g class=\"orr-edges\">");
    for routed in &layout.edges {
        let Some(&(_, _, edge)) = edges.get(routed.input_index) else {
            continue;
        };
        let (Some(from), Some(to)) = (nodes.get(routed.from), nodes.get(routed.to)) else {
            continue;
        };
        push_edge(&mut out, &id, routed, edge, from.node, to.node, top);
    }
    out.push_str("</g><g class=\"orr-nodes\">");
    for placed in &layout.nodes {
        if let Some(prepared) = nodes.get(placed.index) {
            push_node(
                &mut out,
                prepared,
                placed.x,
                placed.y + top,
                placed.width,
                placed.height,
            );
        }
    }
    out.push_str("</g>");

    if let Some((text, class)) = &caption {
        push_text_element(
            &mut out,
            &format!("orr-ceiling-caption {class}"),
            MARGIN,
            top + graph_height + CAPTION_HEIGHT / 2.0 + 4.0,
            "start",
            text,
        );
    }
    close_svg(&mut out);
    out
}

/// The `<desc>`: the caller's description, then counts a screen reader can use.
fn describe(
    graph: &DependencyGraph,
    nodes: &[PreparedNode<'_>],
    edges: &[(usize, usize, &GraphEdge)],
    layout: &Layout,
    caption: Option<&str>,
) -> String {
    let externals = nodes
        .iter()
        .filter(|n| n.node.kind == NodeKind::External)
        .count();
    let hard = edges.iter().filter(|e| e.2.hard).count();
    let back = layout
        .edges
        .iter()
        .filter(|e| e.reversed || e.self_loop)
        .count();
    let fallbacks = edges.iter().filter(|e| e.2.fallback).count();
    let no_timeout = edges.iter().filter(|e| e.2.missing_timeout).count();
    let mut text = graph.description.trim().to_string();
    if !text.is_empty() && !text.ends_with('.') {
        text.push('.');
    }
    if !text.is_empty() {
        text.push(' ');
    }
    text.push_str(&format!(
        "{} nodes ({} external), {} dependencies ({} hard, {} soft); {} with a fallback, {} without a timeout; {} drawn backwards to close a cycle.",
        nodes.len(),
        externals,
        edges.len(),
        hard,
        edges.len() - hard,
        fallbacks,
        no_timeout,
        back
    ));
    if let Some(caption) = caption {
        text.push(' ');
        text.push_str(caption);
    }
    text
}

/// SVG path data for a route: straight along columns, an S-curve across each
/// layer gap (the curve stays within the gap, so it never crosses a box).
fn route_path(points: &[(f64, f64)], self_loop: bool, top: f64) -> String {
    let mut d = String::new();
    let Some(&(x, y)) = points.first() else {
        return d;
    };
    d.push_str(&format!("M{},{}", num(x), num(y + top)));
    for window in points.windows(2) {
        let ((x1, y1), (x2, y2)) = (window[0], window[1]);
        if self_loop || (y1 - y2).abs() < 0.05 {
            d.push_str(&format!(" L{},{}", num(x2), num(y2 + top)));
        } else {
            let middle = (x1 + x2) / 2.0;
            d.push_str(&format!(
                " C{},{} {},{} {},{}",
                num(middle),
                num(y1 + top),
                num(middle),
                num(y2 + top),
                num(x2),
                num(y2 + top)
            ));
        }
    }
    d
}

/// Where an edge's badges go: the middle of the stretch across the gap into
/// the target of the laid-out (left to right) direction. That stretch always
/// lies in a gap between columns, never over a box.
fn badge_anchor(routed: &RoutedEdge) -> Option<(f64, f64)> {
    let points = &routed.points;
    let stretch = if routed.reversed {
        points.windows(2).next()
    } else {
        points.windows(2).last()
    }?;
    Some((
        (stretch[0].0 + stretch[1].0) / 2.0,
        (stretch[0].1 + stretch[1].1) / 2.0,
    ))
}

#[allow(clippy::too_many_arguments)]
fn push_edge(
    out: &mut String,
    id: &str,
    routed: &RoutedEdge,
    edge: &GraphEdge,
    from: &GraphNode,
    to: &GraphNode,
    top: f64,
) {
    let back = routed.reversed || routed.self_loop;
    let mut class = String::from("orr-edge");
    class.push_str(if edge.hard {
        " orr-edge-hard"
    } else {
        " orr-edge-soft"
    });
    if back {
        class.push_str(" orr-edge-back");
    }
    if edge.fallback {
        class.push_str(" orr-edge-fallback");
    }
    if edge.missing_timeout {
        class.push_str(" orr-edge-no-timeout");
    }
    out.push_str("<path class=\"");
    out.push_str(&class);
    out.push_str("\" data-from=\"");
    push_attr(out, &from.id);
    out.push_str("\" data-to=\"");
    push_attr(out, &to.id);
    out.push_str("\" d=\"");
    out.push_str(&route_path(&routed.points, routed.self_loop, top));
    out.push_str("\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"");
    out.push_str(if edge.hard { "1.6" } else { "1.2" });
    out.push('"');
    if !edge.hard {
        out.push_str(" stroke-dasharray=\"6 4\"");
    }
    out.push_str(" marker-end=\"url(#");
    out.push_str(id);
    out.push_str(if back {
        "-arrow-back)\">"
    } else {
        "-arrow)\">"
    });
    let mut tooltip = format!(
        "{} depends on {}: {}",
        from.label,
        to.label,
        if edge.hard { "hard" } else { "soft" }
    );
    if edge.fallback {
        tooltip.push_str(", has a fallback");
    }
    if edge.missing_timeout {
        tooltip.push_str(", no timeout");
    }
    if back {
        tooltip.push_str(", part of a cycle");
    }
    push_tooltip(out, &tooltip);
    out.push_str("</path>");

    let mut badges: Vec<(&str, &str)> = Vec::new();
    if back {
        badges.push(("orr-badge orr-badge-cycle", "cycle"));
    }
    if edge.fallback {
        badges.push(("orr-badge orr-badge-fallback", "fallback"));
    }
    if edge.missing_timeout {
        badges.push(("orr-badge orr-badge-no-timeout", "no timeout"));
    }
    if badges.is_empty() {
        return;
    }
    let anchor = if routed.self_loop {
        routed.points.get(1).map(|&(x, y)| (x + 2.0, y))
    } else {
        badge_anchor(routed)
    };
    let Some((x, y)) = anchor else {
        return;
    };
    let first_line = y + top - (badges.len() as f64 - 1.0) * BADGE_FONT / 2.0 - 3.0;
    for (line, (badge_class, text)) in badges.iter().enumerate() {
        push_text_element(
            out,
            badge_class,
            x,
            first_line + line as f64 * (BADGE_FONT + 1.0),
            if routed.self_loop { "start" } else { "middle" },
            text,
        );
    }
}

fn push_node(
    out: &mut String,
    prepared: &PreparedNode<'_>,
    x: f64,
    y: f64,
    width: f64,
    height: f64,
) {
    let node = prepared.node;
    let linked = node.href.as_deref().filter(|h| !h.trim().is_empty());
    if let Some(href) = linked {
        open_link(out, href, "orr-node-link");
    }
    out.push_str("<g class=\"orr-node ");
    out.push_str(node.kind.class());
    out.push_str("\" data-id=\"");
    push_attr(out, &node.id);
    out.push_str("\">");
    push_tooltip(out, &node_tooltip(node));
    push_rect(
        out,
        "orr-node-box",
        x,
        y,
        width,
        height,
        "none",
        "currentColor",
    );
    let label_chars = chars_fitting(width - 2.0 * NODE_PADDING, LABEL_FONT * BOLD_WIDTH_FACTOR);
    let meta_chars = chars_fitting(width - 2.0 * NODE_PADDING, META_FONT);
    let has_meta = !prepared.meta.is_empty();
    let label_y = if has_meta {
        y + 18.0
    } else {
        y + height / 2.0 + 4.5
    };
    push_text_element(
        out,
        "orr-node-label",
        x + NODE_PADDING,
        label_y,
        "start",
        &truncate_chars(&node.label, label_chars),
    );
    if has_meta {
        push_text_element(
            out,
            "orr-node-meta",
            x + NODE_PADDING,
            y + 34.0,
            "start",
            &truncate_chars(&prepared.meta, meta_chars),
        );
    }
    out.push_str("</g>");
    if linked.is_some() {
        out.push_str("</a>");
    }
}

/// One entry of the legend.
enum LegendSample {
    /// A line drawn in an edge style (`class`), dashed or not, with an arrow.
    Line {
        class: &'static str,
        dashed: bool,
        back: bool,
    },
    /// A small box drawn like a node of `class`.
    Box { class: &'static str },
    /// A badge as edges show it.
    Badge {
        class: &'static str,
        text: &'static str,
    },
}

fn legend_items(focused: bool) -> Vec<(LegendSample, &'static str)> {
    let mut items = vec![
        (
            LegendSample::Line {
                class: "orr-legend-hard",
                dashed: false,
                back: false,
            },
            "hard dependency",
        ),
        (
            LegendSample::Line {
                class: "orr-legend-soft",
                dashed: true,
                back: false,
            },
            "soft dependency",
        ),
        (
            LegendSample::Line {
                class: "orr-legend-back",
                dashed: false,
                back: true,
            },
            "closes a cycle",
        ),
        (
            LegendSample::Badge {
                class: "orr-badge orr-badge-fallback",
                text: "fallback",
            },
            "has a fallback",
        ),
        (
            LegendSample::Badge {
                class: "orr-badge orr-badge-no-timeout",
                text: "no timeout",
            },
            "unbounded wait",
        ),
    ];
    if focused {
        items.push((
            LegendSample::Box {
                class: "orr-legend-focus",
            },
            "this service",
        ));
    }
    items.push((
        LegendSample::Box {
            class: "orr-legend-service",
        },
        "service",
    ));
    items.push((
        LegendSample::Box {
            class: "orr-legend-external",
        },
        "external",
    ));
    items
}

const LEGEND_SAMPLE_WIDTH: f64 = 56.0;

fn legend_item_width(label: &str) -> f64 {
    LEGEND_SAMPLE_WIDTH + 6.0 + estimate_text_width(label, META_FONT) + 18.0
}

/// Splits the legend into rows that fit `available` width.
fn legend_rows(items: &[(LegendSample, &'static str)], available: f64) -> Vec<Vec<usize>> {
    let mut rows: Vec<Vec<usize>> = Vec::new();
    let mut used = 0.0;
    for (index, (_, label)) in items.iter().enumerate() {
        let width = legend_item_width(label);
        match rows.last_mut() {
            Some(row) if used + width <= available => {
                row.push(index);
                used += width;
            }
            _ => {
                rows.push(vec![index]);
                used = width;
            }
        }
    }
    rows
}

fn push_legend(
    out: &mut String,
    items: &[(LegendSample, &'static str)],
    rows: &[Vec<usize>],
    id: &str,
    left: f64,
    top: f64,
) {
    out.push_str("<g class=\"orr-legend\">");
    for (row_index, row) in rows.iter().enumerate() {
        let middle = top + row_index as f64 * LEGEND_ROW_HEIGHT + LEGEND_ROW_HEIGHT / 2.0;
        let mut x = left;
        for &index in row {
            let Some((sample, label)) = items.get(index) else {
                continue;
            };
            match sample {
                LegendSample::Line {
                    class,
                    dashed,
                    back,
                } => {
                    out.push_str(&format!(
                        "<path class=\"orr-legend-line {class}\" d=\"M{},{} L{},{}\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.6\"{} marker-end=\"url(#{id}-{})\"/>",
                        num(x),
                        num(middle),
                        num(x + LEGEND_SAMPLE_WIDTH),
                        num(middle),
                        if *dashed { " stroke-dasharray=\"6 4\"" } else { "" },
                        if *back { "arrow-back" } else { "arrow" }
                    ));
                }
                LegendSample::Box { class } => {
                    push_rect(
                        out,
                        &format!("orr-legend-box {class}"),
                        x + 8.0,
                        middle - 8.0,
                        40.0,
                        16.0,
                        "none",
                        "currentColor",
                    );
                }
                LegendSample::Badge { class, text } => {
                    push_text_element(
                        out,
                        class,
                        x + LEGEND_SAMPLE_WIDTH / 2.0,
                        middle + 3.5,
                        "middle",
                        text,
                    );
                }
            }
            push_text_element(
                out,
                "orr-legend-label",
                x + LEGEND_SAMPLE_WIDTH + 6.0,
                middle + 4.0,
                "start",
                label,
            );
            x += legend_item_width(label);
        }
    }
    out.push_str("</g>");
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{
        all_text, assert_accessible_frame, assert_disjoint, generated_service_graph, parse,
        rects_with_class, with_class, Lcg,
    };
    use super::*;

    fn service(id: &str, availability: Option<f64>) -> GraphNode {
        GraphNode {
            id: id.to_string(),
            label: id.to_string(),
            kind: NodeKind::Service,
            href: Some(format!("/services/{id}/")),
            availability,
            note: None,
        }
    }

    fn edge(from: &str, to: &str, hard: bool) -> GraphEdge {
        GraphEdge {
            from: from.to_string(),
            to: to.to_string(),
            hard,
            fallback: false,
            missing_timeout: false,
        }
    }

    /// A generated organisation: `services` services, a few externals, edges
    /// from the generator (with cycles and long edges) and varied flags.
    fn generated(services: usize, seed: u64) -> DependencyGraph {
        let (_, pairs) = generated_service_graph(services, seed);
        let mut random = Lcg::new(seed + 100);
        let mut nodes: Vec<GraphNode> = (0..services)
            .map(|i| {
                let mut node = service(
                    &format!("svc-{i:03}"),
                    Some(99.0 + random.below(100) as f64 / 100.0),
                );
                if i % 7 == 3 {
                    node.kind = NodeKind::External;
                    node.href = None;
                    node.label = format!("external provider {i}");
                }
                node
            })
            .collect();
        nodes[0].note = Some("ceiling 99.70% < SLO 99.95%".to_string());
        let edges = pairs
            .iter()
            .map(|&(from, to)| GraphEdge {
                from: format!("svc-{from:03}"),
                to: format!("svc-{to:03}"),
                hard: random.below(3) > 0,
                fallback: random.below(4) == 0,
                missing_timeout: random.below(5) == 0,
            })
            .collect();
        DependencyGraph {
            title: format!("All {services} services"),
            description: "Generated.".into(),
            nodes,
            edges,
        }
    }

    #[test]
    fn generated_graphs_parse_count_and_never_overlap() {
        for (services, seed) in [(10, 11), (50, 12), (200, 13)] {
            let graph = generated(services, seed);
            let svg = dependency_graph(&graph);
            let document = parse(&svg);
            assert_accessible_frame(&document);
            assert_eq!(with_class(&document, "orr-node").len(), services);
            assert_eq!(with_class(&document, "orr-edge").len(), graph.edges.len());
            assert_eq!(
                with_class(&document, "orr-edge-hard").len(),
                graph.edges.iter().filter(|e| e.hard).count()
            );
            assert_eq!(
                with_class(&document, "orr-badge-no-timeout").len(),
                graph.edges.iter().filter(|e| e.missing_timeout).count() + 1, // + legend
            );
            assert!(
                !with_class(&document, "orr-edge-back").is_empty(),
                "cycles are drawn"
            );
            let boxes = rects_with_class(&document, "orr-node-box");
            assert_eq!(boxes.len(), services);
            assert_disjoint(&boxes);
            // Every handbook service links to its page; externals say so.
            let links = document
                .descendants()
                .filter(|n| n.has_tag_name("a"))
                .count();
            let externals = graph
                .nodes
                .iter()
                .filter(|n| n.kind == NodeKind::External)
                .count();
            assert_eq!(links, services - externals);
            assert_eq!(
                with_class(&document, "orr-node-meta")
                    .iter()
                    .filter(|n| n.text().unwrap_or("").starts_with("external"))
                    .count(),
                externals
            );
        }
    }

    #[test]
    fn hostile_labels_stay_text_and_links_stay_attributes() {
        let mut evil = service("<script>", Some(99.9));
        evil.label = "<script>alert(1)</script> & co".to_string();
        evil.href = Some("/services/x/?a=1&b=\"2\"".to_string());
        evil.note = Some("ceiling < SLO & more".to_string());
        let graph = DependencyGraph {
            title: "Deps of <script>".into(),
            description: "a & b".into(),
            nodes: vec![evil, service("db", None)],
            edges: vec![edge("<script>", "db", true)],
        };
        let svg = dependency_graph(&graph);
        assert!(!svg.contains("<script>"));
        let document = parse(&svg);
        assert!(document.descendants().all(|n| !n.has_tag_name("script")));
        let text = all_text(&document);
        assert!(
            text.contains("<script>alert(1)</script> & co")
                || text.contains("<script>alert(1)</scr…")
        );
        let link = document
            .descendants()
            .find(|n| n.has_tag_name("a"))
            .expect("link");
        assert_eq!(link.attribute("href"), Some("/services/x/?a=1&b=\"2\""));
        assert_eq!(with_class(&document, "orr-edge").len(), 1);
    }

    #[test]
    fn unknown_ends_duplicates_and_empty_graphs_are_handled() {
        let graph = DependencyGraph {
            title: "t".into(),
            description: String::new(),
            nodes: vec![
                service("a", None),
                service("a", Some(99.0)),
                service("b", None),
            ],
            edges: vec![
                edge("a", "b", true),
                edge("a", "ghost", true),
                edge("ghost", "b", false),
            ],
        };
        let document_text = dependency_graph(&graph);
        let document = parse(&document_text);
        assert_eq!(with_class(&document, "orr-node").len(), 2);
        assert_eq!(with_class(&document, "orr-edge").len(), 1);

        let empty = DependencyGraph {
            title: String::new(),
            description: String::new(),
            nodes: vec![],
            edges: vec![],
        };
        let document_text = dependency_graph(&empty);
        let document = parse(&document_text);
        assert_accessible_frame(&document);
        assert!(with_class(&document, "orr-node").is_empty());
        let focused = service_dependencies(&empty, None, None, CeilingStatus::NoCeiling);
        parse(&focused);
    }

    #[test]
    fn output_is_deterministic_and_independent_of_input_order() {
        let graph = generated(60, 21);
        let first = dependency_graph(&graph);
        assert_eq!(first, dependency_graph(&graph));
        let mut shuffled = graph.clone();
        let mut random = Lcg::new(77);
        for i in (1..shuffled.nodes.len()).rev() {
            shuffled.nodes.swap(i, random.below(i + 1));
        }
        for i in (1..shuffled.edges.len()).rev() {
            shuffled.edges.swap(i, random.below(i + 1));
        }
        assert_eq!(first, dependency_graph(&shuffled));
    }

    fn checkout() -> DependencyGraph {
        let mut focus = service("checkout", Some(99.95));
        focus.kind = NodeKind::Focus;
        let mut stripe = service("external:stripe", Some(99.9));
        stripe.kind = NodeKind::External;
        stripe.label = "stripe".into();
        stripe.href = None;
        DependencyGraph {
            title: "Dependencies of checkout".into(),
            description: "checkout, its dependants and its dependencies".into(),
            nodes: vec![
                focus,
                service("web", Some(99.9)),
                service("payments-db", Some(99.99)),
                stripe,
            ],
            edges: vec![
                edge("web", "checkout", true),
                edge("checkout", "payments-db", true),
                GraphEdge {
                    fallback: true,
                    ..edge("checkout", "external:stripe", true)
                },
                GraphEdge {
                    missing_timeout: true,
                    ..edge("checkout", "payments-db", false)
                },
            ],
        }
    }

    #[test]
    fn focused_diagram_puts_dependants_left_and_dependencies_right() {
        let svg = service_dependencies(&checkout(), Some(99.89), Some(99.95), CeilingStatus::Below);
        let document = parse(&svg);
        assert_accessible_frame(&document);
        let x_of = |id: &str| -> f64 {
            let node = document
                .descendants()
                .find(|n| n.attribute("data-id") == Some(id))
                .expect("node");
            let rect = node
                .children()
                .find(|c| c.has_tag_name("rect"))
                .expect("rect");
            rect.attribute("x")
                .and_then(|x| x.parse().ok())
                .unwrap_or(f64::NAN)
        };
        assert!(x_of("web") < x_of("checkout"));
        assert!(x_of("checkout") < x_of("payments-db"));
        assert!(x_of("checkout") < x_of("external:stripe"));
        assert_eq!(with_class(&document, "orr-node-focus").len(), 1);
        assert_eq!(with_class(&document, "orr-edge-soft").len(), 1);
        let caption = with_class(&document, "orr-ceiling-caption");
        assert_eq!(caption.len(), 1);
        assert!(caption[0]
            .attribute("class")
            .unwrap_or("")
            .contains("orr-ceiling-below"));
        assert_eq!(
            caption[0].text(),
            Some(
                "Availability ceiling 99.89% is below the SLO 99.95%: the target cannot be met (blocker)."
            )
        );
        let text = all_text(&document);
        assert!(
            text.contains("fallback")
                && text.contains("no timeout")
                && text.contains("external · 99.9%")
        );
        assert_disjoint(&rects_with_class(&document, "orr-node-box"));
    }

    #[test]
    fn ceiling_caption_covers_every_case() {
        let caption =
            |c: Option<f64>, s: Option<f64>| ceiling_caption(c, s, CeilingStatus::judge(c, s)).1;
        assert_eq!(caption(Some(99.99), Some(99.9)), "orr-ceiling-ok");
        assert_eq!(caption(Some(99.0), Some(99.9)), "orr-ceiling-below");
        assert_eq!(caption(None, Some(99.9)), "orr-ceiling-none");
        assert_eq!(caption(Some(f64::NAN), None), "orr-ceiling-none");
    }

    #[test]
    fn the_caption_shows_the_ruling_of_analyze() {
        // Figures that read alike once rounded: the drawing says what analyze ruled.
        let (text, class) = ceiling_caption(Some(99.70031), Some(99.70034), CeilingStatus::Below);
        assert_eq!(class, "orr-ceiling-below");
        assert!(text.contains("blocker"), "{text}");
    }
}
