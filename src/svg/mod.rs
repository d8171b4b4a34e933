//! SVG drawings of the site: risk matrices, dependency diagrams, the concept
//! map and readiness charts.
//!
//! Every public drawing function takes plain, already computed data and returns
//! one complete `<svg>` element to be put inline in a page: no JavaScript is
//! needed to see it. Each has a `<title>` and `<desc>` (its accessible name),
//! text labels for everything colour shows, links on nodes and cells, and CSS
//! classes (`orr-*`) that [`SVG_CSS`] themes for light, dark and print. Output
//! is deterministic: the same data gives the same bytes.

pub mod charts;
pub mod concept_map;
pub mod dependency_graph;
mod document;
pub mod escape;
pub mod layout;
pub mod risk_matrix;
#[cfg(test)]
mod test_support;
pub mod text;

pub use charts::{readiness_bars, readiness_heatmap, Bar, HeatColumn, HeatRow};
pub use concept_map::{concept_map, ConceptEdge, ConceptNode};
pub use dependency_graph::{
    dependency_graph, service_dependencies, DependencyGraph, GraphEdge, GraphNode, NodeKind,
};
pub use layout::{layered_layout, Layout, LayoutOptions, PlacedNode, RoutedEdge};
pub use risk_matrix::{risk_matrix, RiskPoint, RiskStatus};

/// The stylesheet rules the diagrams need; the page stylesheet includes it.
///
/// Colours are custom properties on `.orr-svg`, set for light mode, for
/// `prefers-color-scheme: dark` and for print (black on white, patterns kept
/// by stroke style and text, backgrounds printed exactly). A site theme can
/// override any `--orr-*` property. Large diagrams keep their natural size;
/// wrap them in `.orr-figure-scroll` to let the page scroll them.
pub const SVG_CSS: &str = r#"
.orr-svg {
  --orr-ink: #1f2328; --orr-muted: #59636e; --orr-paper: #ffffff; --orr-line: #8c959f;
  --orr-node: #f6f8fa; --orr-focus: #ddf4ff; --orr-focus-line: #0969da; --orr-external: #fff8c5;
  --orr-hard: #1f2328; --orr-soft: #59636e; --orr-back: #bc4c00; --orr-warn: #9a6700; --orr-bad: #cf222e; --orr-good: #1a7f37;
  --orr-band-low: #dafbe1; --orr-band-moderate: #fff8c5; --orr-band-high: #ffe2cc; --orr-band-severe: #ffd8d3;
  --orr-heat-0: #ff8182; --orr-heat-1: #ffb77c; --orr-heat-2: #f5e08a; --orr-heat-3: #b4e5a8; --orr-heat-4: #6fcf8a; --orr-heat-5: #2da44e;
  --orr-heat-text: #1f2328; --orr-bar: #0969da; --orr-track: #eaeef2;
  color: var(--orr-ink); font-family: system-ui, -apple-system, "Segoe UI", sans-serif; font-size: 12px;
  height: auto; overflow: visible;
}
.orr-figure-scroll { overflow: auto; max-width: 100%; margin: 1rem 0; }
.orr-svg text { fill: var(--orr-ink); stroke: none; }
.orr-svg a:hover text, .orr-svg a:focus text { text-decoration: underline; }
.orr-svg a:focus { outline: 2px solid var(--orr-focus-line); }
.orr-svg .orr-legend-label, .orr-svg .orr-node-meta, .orr-svg .orr-concept-meta, .orr-svg .orr-axis-label, .orr-svg .orr-empty { fill: var(--orr-muted); font-size: 11px; }
.orr-svg .orr-axis-title, .orr-svg .orr-heat-heading { fill: var(--orr-muted); font-weight: 600; }

/* Dependency diagrams */
.orr-node-box { fill: var(--orr-node); stroke: var(--orr-line); stroke-width: 1; rx: 6px; }
.orr-node-focus .orr-node-box, .orr-legend-focus { fill: var(--orr-focus); stroke: var(--orr-focus-line); stroke-width: 2.5; }
.orr-node-external .orr-node-box, .orr-legend-external { fill: var(--orr-external); stroke-dasharray: 4 3; }
.orr-legend-service { fill: var(--orr-node); stroke: var(--orr-line); }
.orr-svg .orr-node-label { font-size: 13px; font-weight: 600; }
.orr-node-link:hover .orr-node-box, .orr-node-link:focus .orr-node-box { stroke: var(--orr-focus-line); stroke-width: 2; }
.orr-edge, .orr-legend-line { fill: none; stroke: var(--orr-hard); }
.orr-edge-hard, .orr-legend-hard { stroke-width: 1.6; stroke-dasharray: none; }
.orr-edge-soft, .orr-legend-soft { stroke: var(--orr-soft); stroke-width: 1.2; stroke-dasharray: 6 4; }
.orr-edge-back, .orr-legend-back { stroke: var(--orr-back); stroke-width: 1.6; }
.orr-edge-soft.orr-edge-back { stroke-dasharray: 2 3; }
.orr-edge:hover { stroke-width: 3; }
.orr-arrow { color: var(--orr-hard); fill: var(--orr-hard); }
.orr-arrow-back { color: var(--orr-back); fill: var(--orr-back); }
.orr-svg .orr-badge { font-size: 11px; font-weight: 600; paint-order: stroke; stroke: var(--orr-paper); stroke-width: 3px; stroke-linejoin: round; }
.orr-svg .orr-badge-no-timeout { fill: var(--orr-bad); }
.orr-svg .orr-badge-fallback { fill: var(--orr-good); }
.orr-svg .orr-badge-cycle { fill: var(--orr-back); }
.orr-svg .orr-ceiling-caption { font-weight: 600; }
.orr-svg .orr-ceiling-below { fill: var(--orr-bad); }
.orr-svg .orr-ceiling-ok { fill: var(--orr-good); }

/* Risk matrix */
.orr-cell { stroke: var(--orr-line); stroke-width: 1; }
.orr-band-low { fill: var(--orr-band-low); }
.orr-band-moderate { fill: var(--orr-band-moderate); }
.orr-band-high { fill: var(--orr-band-high); }
.orr-band-severe { fill: var(--orr-band-severe); }
.orr-cell-empty { fill-opacity: 0.45; }
.orr-cell-has-open { stroke: var(--orr-ink); stroke-width: 2; }
.orr-cell-closed-only { stroke-dasharray: 5 3; }
.orr-cell-link:hover .orr-cell, .orr-cell-link:focus .orr-cell { stroke: var(--orr-focus-line); stroke-width: 3; }
.orr-svg .orr-cell-count { font-size: 22px; font-weight: 700; }
.orr-svg .orr-cell-score { fill: var(--orr-muted); font-size: 11px; }
.orr-svg .orr-cell-blocking.orr-cell-has-open ~ .orr-cell-count, .orr-svg .orr-cell-blocking ~ .orr-cell-score { fill: var(--orr-bad); font-weight: 700; }
.orr-threshold, .orr-legend-threshold { fill: none; stroke: var(--orr-bad); stroke-width: 3; stroke-linecap: square; }
.orr-risk, .orr-legend-risk { color: var(--orr-ink); }
.orr-risk-open, .orr-legend-risk-open { color: var(--orr-bad); }
.orr-risk-mitigated, .orr-legend-risk-mitigated { color: var(--orr-good); }
.orr-risk-accepted, .orr-legend-risk-accepted { color: var(--orr-warn); }
.orr-risk-link:hover .orr-marker, .orr-risk-link:focus .orr-marker { stroke-width: 3; }

/* Concept map */
.orr-cluster-box { fill: none; stroke: var(--orr-line); stroke-dasharray: 3 3; rx: 10px; }
.orr-svg .orr-cluster-label { font-weight: 700; fill: var(--orr-muted); paint-order: stroke; stroke: var(--orr-paper); stroke-width: 4px; stroke-linejoin: round; }
.orr-concept-box { fill: var(--orr-node); stroke: var(--orr-line); rx: 6px; }
.orr-svg .orr-concept-label { font-size: 13px; font-weight: 600; }
.orr-concept-link:hover .orr-concept-box, .orr-concept-link:focus .orr-concept-box { stroke: var(--orr-focus-line); stroke-width: 2; }
.orr-concept-edge { fill: none; stroke: var(--orr-soft); stroke-width: 1.2; }
.orr-svg .orr-edge-label { font-size: 11px; fill: var(--orr-muted); paint-order: stroke; stroke: var(--orr-paper); stroke-width: 3px; stroke-linejoin: round; }

/* Readiness charts */
.orr-bar-track { fill: var(--orr-track); stroke: var(--orr-line); stroke-width: 0.5; }
.orr-bar-fill { fill: var(--orr-bar); stroke: none; }
.orr-svg .orr-bar-value { fill: var(--orr-muted); }
.orr-heat { stroke: none; }
.orr-heat-0 { fill: var(--orr-heat-0); } .orr-heat-1 { fill: var(--orr-heat-1); } .orr-heat-2 { fill: var(--orr-heat-2); }
.orr-heat-3 { fill: var(--orr-heat-3); } .orr-heat-4 { fill: var(--orr-heat-4); } .orr-heat-5 { fill: var(--orr-heat-5); }
.orr-heat-na { fill: none; stroke: var(--orr-line); stroke-dasharray: 2 2; }
.orr-svg .orr-heat-value { fill: var(--orr-heat-text); font-size: 11px; font-variant-numeric: tabular-nums; }
.orr-svg .orr-heat-value-na { fill: var(--orr-muted); }
.orr-verdict-box { fill: none; stroke: var(--orr-line); rx: 10px; }
.orr-svg .orr-verdict-label { font-weight: 700; }
.orr-verdict-go .orr-verdict-box { fill: var(--orr-band-low); stroke: var(--orr-good); }
.orr-verdict-conditional .orr-verdict-box { fill: var(--orr-band-moderate); stroke: var(--orr-warn); stroke-dasharray: 4 2; }
.orr-verdict-no-go .orr-verdict-box { fill: var(--orr-band-severe); stroke: var(--orr-bad); stroke-width: 2; }

@media (prefers-color-scheme: dark) {
  .orr-svg {
    --orr-ink: #e6edf3; --orr-muted: #9198a1; --orr-paper: #0d1117; --orr-line: #656c76;
    --orr-node: #161b22; --orr-focus: #0c2d6b; --orr-focus-line: #4493f8; --orr-external: #3b2e00;
    --orr-hard: #e6edf3; --orr-soft: #9198a1; --orr-back: #f0883e; --orr-warn: #d29922; --orr-bad: #ff7b72; --orr-good: #3fb950;
    --orr-band-low: #12361f; --orr-band-moderate: #3b2e00; --orr-band-high: #4d2200; --orr-band-severe: #5d0f12;
    --orr-heat-0: #8e1519; --orr-heat-1: #9b4215; --orr-heat-2: #7d5e00; --orr-heat-3: #2f6a3a; --orr-heat-4: #238636; --orr-heat-5: #1a7f37;
    --orr-heat-text: #ffffff; --orr-bar: #4493f8; --orr-track: #21262d;
  }
}

@media print {
  .orr-svg {
    --orr-ink: #000000; --orr-muted: #333333; --orr-paper: #ffffff; --orr-line: #000000;
    --orr-node: #ffffff; --orr-focus: #eeeeee; --orr-focus-line: #000000; --orr-external: #ffffff;
    --orr-hard: #000000; --orr-soft: #000000; --orr-back: #000000; --orr-warn: #000000; --orr-bad: #000000; --orr-good: #000000;
    --orr-heat-text: #000000; --orr-bar: #555555; --orr-track: #ffffff;
    print-color-adjust: exact; -webkit-print-color-adjust: exact;
    max-width: 100% !important; width: 100% !important; height: auto !important;
  }
  .orr-figure-scroll { overflow: visible; }
  .orr-edge-back { stroke-dasharray: 1 2; }
  .orr-svg a { text-decoration: none; }
}
"#;
