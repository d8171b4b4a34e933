//! The concept map (/concepts/): every concept as a box linking to its entry,
//! clustered by group, with labelled arrows for the links between concepts.
//!
//! Groups are drawn as framed columns, side by side and wrapped into rows;
//! concepts are stacked inside their group. Links between groups are straight
//! arrows between box borders; links inside a group bow out to the right so
//! they do not run through the boxes between their ends. Each link's label is
//! written on it, a little before its middle so that two opposite links
//! between the same concepts keep their labels apart.

use std::collections::BTreeMap;

use super::document::{
    close_svg, open_link, open_svg, push_arrow_markers, push_rect, push_text_element, push_tooltip,
};
use super::escape::push_attr;
use super::text::{chars_fitting, estimate_text_width, num, truncate_chars, BOLD_WIDTH_FACTOR};

/// One concept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConceptNode {
    pub id: String,
    pub label: String,
    /// The cluster the concept is drawn in.
    pub group: String,
    pub href: String,
    /// How many questions name the concept.
    pub question_count: usize,
}

/// A labelled link from one concept to another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConceptEdge {
    pub from: String,
    pub to: String,
    pub label: String,
}

const MARGIN: f64 = 16.0;
const NODE_HEIGHT: f64 = 40.0;
const NODE_GAP: f64 = 16.0;
const NODE_MIN_WIDTH: f64 = 120.0;
const NODE_MAX_WIDTH: f64 = 220.0;
const NODE_PADDING: f64 = 10.0;
const CLUSTER_PADDING: f64 = 14.0;
const CLUSTER_HEADING: f64 = 26.0;
const CLUSTER_GAP_X: f64 = 80.0;
const CLUSTER_GAP_Y: f64 = 48.0;
/// Clusters wrap into a new row beyond this width.
const MAX_ROW_WIDTH: f64 = 1120.0;
const LABEL_FONT: f64 = 13.0;
const META_FONT: f64 = 11.0;
const EDGE_LABEL_FONT: f64 = 11.0;
/// How far a link inside a group bows out to the right of its column.
const INNER_LINK_BOW: f64 = 44.0;
/// Where on a link its label sits (fraction of the way from its source).
const LABEL_POSITION: f64 = 0.42;

/// A concept's box.
#[derive(Debug, Clone, Copy)]
struct Placed {
    x: f64,
    y: f64,
    width: f64,
    cluster: usize,
}

impl Placed {
    fn center(&self) -> (f64, f64) {
        (self.x + self.width / 2.0, self.y + NODE_HEIGHT / 2.0)
    }

    /// Where the segment from the centre towards `(dx, dy)` leaves the box.
    fn border_towards(&self, dx: f64, dy: f64) -> (f64, f64) {
        let (cx, cy) = self.center();
        let half_width = self.width / 2.0;
        let half_height = NODE_HEIGHT / 2.0;
        let scale_x = if dx.abs() > f64::EPSILON {
            half_width / dx.abs()
        } else {
            f64::INFINITY
        };
        let scale_y = if dy.abs() > f64::EPSILON {
            half_height / dy.abs()
        } else {
            f64::INFINITY
        };
        let scale = scale_x.min(scale_y);
        if scale.is_finite() {
            (cx + dx * scale, cy + dy * scale)
        } else {
            (cx, cy)
        }
    }
}

/// Draws the concept map. Groups are sorted by name and concepts by label
/// then id, so input order does not matter; of concepts sharing an id the
/// first in that order is drawn; links naming an unknown concept, or a concept
/// and itself, are left out.
pub fn concept_map(title: &str, nodes: &[ConceptNode], edges: &[ConceptEdge]) -> String {
    let mut concepts: Vec<&ConceptNode> = nodes.iter().collect();
    concepts.sort_by(|a, b| {
        (&a.id, &a.group, &a.label, &a.href, a.question_count).cmp(&(
            &b.id,
            &b.group,
            &b.label,
            &b.href,
            b.question_count,
        ))
    });
    concepts.dedup_by(|later, earlier| later.id == earlier.id);
    concepts.sort_by(|a, b| (&a.group, &a.label, &a.id).cmp(&(&b.group, &b.label, &b.id)));

    // Clusters: consecutive runs of one group in the sorted list.
    let mut clusters: Vec<(String, Vec<usize>)> = Vec::new();
    for (index, concept) in concepts.iter().enumerate() {
        match clusters.last_mut() {
            Some((group, members)) if *group == concept.group => members.push(index),
            _ => clusters.push((concept.group.clone(), vec![index])),
        }
    }

    let node_width = |concept: &ConceptNode| -> f64 {
        let natural = estimate_text_width(&concept.label, LABEL_FONT * BOLD_WIDTH_FACTOR)
            .max(estimate_text_width(&question_line(concept), META_FONT));
        (natural + 2.0 * NODE_PADDING)
            .clamp(NODE_MIN_WIDTH, NODE_MAX_WIDTH)
            .ceil()
    };

    // Place clusters left to right, wrapping into rows.
    let mut placed: Vec<Placed> = vec![
        Placed {
            x: 0.0,
            y: 0.0,
            width: 0.0,
            cluster: 0
        };
        concepts.len()
    ];
    let mut cluster_boxes: Vec<(f64, f64, f64, f64)> = Vec::with_capacity(clusters.len());
    let (mut x, mut y, mut row_height, mut width) = (MARGIN, MARGIN, 0.0f64, 0.0f64);
    for (cluster_index, (group, members)) in clusters.iter().enumerate() {
        let inner_width = members.iter().map(|&m| node_width(concepts[m])).fold(
            estimate_text_width(group, LABEL_FONT).min(NODE_MAX_WIDTH),
            f64::max,
        );
        let cluster_width = inner_width + 2.0 * CLUSTER_PADDING;
        let cluster_height = CLUSTER_HEADING + members.len() as f64 * (NODE_HEIGHT + NODE_GAP)
            - NODE_GAP
            + 2.0 * CLUSTER_PADDING;
        if x > MARGIN && x + cluster_width > MAX_ROW_WIDTH {
            x = MARGIN;
            y += row_height + CLUSTER_GAP_Y;
            row_height = 0.0;
        }
        for (position, &member) in members.iter().enumerate() {
            placed[member] = Placed {
                x: x + CLUSTER_PADDING,
                y: y + CLUSTER_PADDING
                    + CLUSTER_HEADING
                    + position as f64 * (NODE_HEIGHT + NODE_GAP),
                width: node_width(concepts[member]),
                cluster: cluster_index,
            };
        }
        cluster_boxes.push((x, y, cluster_width, cluster_height));
        width = width.max(x + cluster_width);
        row_height = row_height.max(cluster_height);
        x += cluster_width + CLUSTER_GAP_X;
    }
    let height = if concepts.is_empty() {
        MARGIN + 40.0
    } else {
        y + row_height
    };

    let index_of: BTreeMap<&str, usize> = concepts
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let mut links: Vec<(usize, usize, &str)> = edges
        .iter()
        .filter_map(|edge| {
            let from = *index_of.get(edge.from.as_str())?;
            let to = *index_of.get(edge.to.as_str())?;
            (from != to).then_some((from, to, edge.label.as_str()))
        })
        .collect();
    links.sort_unstable();

    let description = format!(
        "{} concepts in {} groups, with {} labelled links between them. Each concept links to its entry.",
        concepts.len(),
        clusters.len(),
        links.len()
    );
    let total_width = (width + MARGIN + INNER_LINK_BOW).max(320.0);
    let total_height = height + MARGIN;
    let mut out = String::with_capacity(4096 + concepts.len() * 600 + links.len() * 300);
    let id = open_svg(
        &mut out,
        "concept-map",
        title,
        &description,
        total_width,
        total_height,
    );
    push_arrow_markers(&mut out, &id);

    if concepts.is_empty() {
        push_text_element(
            &mut out,
            "orr-empty",
            MARGIN,
            MARGIN + 24.0,
            "start",
            "No concepts to draw.",
        );
    }

    out.push_str("<g class=\"orr-clusters\">");
    for ((group, _), &(x, y, w, h)) in clusters.iter().zip(&cluster_boxes) {
        out.push_str("<g class=\"orr-cluster\" data-group=\"");
        push_attr(&mut out, group);
        out.push_str("\">");
        push_rect(
            &mut out,
            "orr-cluster-box",
            x,
            y,
            w,
            h,
            "none",
            "currentColor",
        );
        let heading_chars = chars_fitting(w - 2.0 * CLUSTER_PADDING, LABEL_FONT);
        let heading = if group.trim().is_empty() {
            "Other"
        } else {
            group.as_str()
        };
        push_text_element(
            &mut out,
            "orr-cluster-label",
            x + CLUSTER_PADDING,
            y + 22.0,
            "start",
            &truncate_chars(heading, heading_chars),
        );
        out.push_str("</g>");
    }
    out.push_str("</g><g class=\"orr-concept-edges\">");
    for &(from, to, label) in &links {
        push_link(
            &mut out,
            &id,
            concepts[from],
            concepts[to],
            &placed[from],
            &placed[to],
            label,
        );
    }
    out.push_str("</g><g class=\"orr-concepts\">");
    for (concept, place) in concepts.iter().zip(&placed) {
        push_concept(&mut out, concept, place);
    }
    out.push_str("</g>");
    close_svg(&mut out);
    out
}

fn question_line(concept: &ConceptNode) -> String {
    match concept.question_count {
        0 => "no questions yet".to_string(),
        1 => "1 question".to_string(),
        n => format!("{n} questions"),
    }
}

fn push_concept(out: &mut String, concept: &ConceptNode, place: &Placed) {
    let linked = !concept.href.trim().is_empty();
    if linked {
        open_link(out, &concept.href, "orr-concept-link");
    }
    out.push_str("<g class=\"orr-concept\" data-id=\"");
    push_attr(out, &concept.id);
    out.push_str("\">");
    push_tooltip(
        out,
        &format!(
            "{} — {} — {}",
            concept.label,
            concept.group,
            question_line(concept)
        ),
    );
    push_rect(
        out,
        "orr-concept-box",
        place.x,
        place.y,
        place.width,
        NODE_HEIGHT,
        "none",
        "currentColor",
    );
    let label_chars = chars_fitting(
        place.width - 2.0 * NODE_PADDING,
        LABEL_FONT * BOLD_WIDTH_FACTOR,
    );
    push_text_element(
        out,
        "orr-concept-label",
        place.x + NODE_PADDING,
        place.y + 17.0,
        "start",
        &truncate_chars(&concept.label, label_chars),
    );
    push_text_element(
        out,
        "orr-concept-meta",
        place.x + NODE_PADDING,
        place.y + 32.0,
        "start",
        &question_line(concept),
    );
    out.push_str("</g>");
    if linked {
        out.push_str("</a>");
    }
}

fn push_link(
    out: &mut String,
    id: &str,
    from: &ConceptNode,
    to: &ConceptNode,
    a: &Placed,
    b: &Placed,
    label: &str,
) {
    let (d, label_at) = if a.cluster == b.cluster {
        // Same column: leave and enter on the right side, bowing outwards.
        let start = (a.x + a.width, a.y + NODE_HEIGHT / 2.0);
        let end = (b.x + b.width, b.y + NODE_HEIGHT / 2.0);
        let bow_x = a.x.max(b.x) + a.width.max(b.width) + INNER_LINK_BOW;
        let d = format!(
            "M{},{} C{},{} {},{} {},{}",
            num(start.0),
            num(start.1),
            num(bow_x),
            num(start.1),
            num(bow_x),
            num(end.1),
            num(end.0),
            num(end.1)
        );
        // The curve's furthest point is three quarters of the way out.
        let label_x = start.0.max(end.0) + (bow_x - start.0.max(end.0)) * 0.75;
        let label_y = start.1 + (end.1 - start.1) * LABEL_POSITION;
        (d, (label_x, label_y))
    } else {
        let (ax, ay) = a.center();
        let (bx, by) = b.center();
        let start = a.border_towards(bx - ax, by - ay);
        let end = b.border_towards(ax - bx, ay - by);
        let d = format!(
            "M{},{} L{},{}",
            num(start.0),
            num(start.1),
            num(end.0),
            num(end.1)
        );
        let label_at = (
            start.0 + (end.0 - start.0) * LABEL_POSITION,
            start.1 + (end.1 - start.1) * LABEL_POSITION,
        );
        (d, label_at)
    };
    out.push_str(
        "<g class=\"orr-concept-link-group\"><path class=\"orr-concept-edge\" data-from=\"",
    );
    push_attr(out, &from.id);
    out.push_str("\" data-to=\"");
    push_attr(out, &to.id);
    out.push_str("\" d=\"");
    out.push_str(&d);
    out.push_str(
        "\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.2\" marker-end=\"url(#",
    );
    out.push_str(id);
    out.push_str("-arrow)\">");
    push_tooltip(out, &format!("{} — {} → {}", from.label, label, to.label));
    out.push_str("</path>");
    if !label.trim().is_empty() {
        let text = truncate_chars(label, chars_fitting(2.0 * CLUSTER_GAP_X, EDGE_LABEL_FONT));
        push_text_element(
            out,
            "orr-edge-label",
            label_at.0,
            label_at.1 + 3.5,
            "middle",
            &text,
        );
    }
    out.push_str("</g>");
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{
        all_text, assert_accessible_frame, assert_disjoint, parse, rects_with_class, with_class,
        Lcg,
    };
    use super::*;

    fn concept(id: &str, group: &str, questions: usize) -> ConceptNode {
        ConceptNode {
            id: id.to_string(),
            label: id.replace('-', " "),
            group: group.to_string(),
            href: format!("/concepts/#{id}"),
            question_count: questions,
        }
    }

    fn link(from: &str, to: &str, label: &str) -> ConceptEdge {
        ConceptEdge {
            from: from.to_string(),
            to: to.to_string(),
            label: label.to_string(),
        }
    }

    fn sample() -> (Vec<ConceptNode>, Vec<ConceptEdge>) {
        let nodes = vec![
            concept("slo", "SLOs and error budgets", 4),
            concept("error-budgets", "SLOs and error budgets", 2),
            concept("burn-rate-alerts", "SLOs and error budgets", 1),
            concept("golden-signals", "Observability", 3),
            concept("metrics", "Observability", 0),
            concept("traces", "Observability", 2),
            concept("postmortems", "Incidents", 5),
        ];
        let edges = vec![
            link("slo", "error-budgets", "define"),
            link("slo", "burn-rate-alerts", "alerted by"),
            link("golden-signals", "metrics", "measured by"),
            link("metrics", "golden-signals", "feed"),
            link("postmortems", "slo", "revise"),
            link("traces", "ghost", "dangling"),
        ];
        (nodes, edges)
    }

    #[test]
    fn map_parses_and_counts_match() {
        let (nodes, edges) = sample();
        let svg = concept_map("Concept map", &nodes, &edges);
        let document = parse(&svg);
        assert_accessible_frame(&document);
        assert_eq!(with_class(&document, "orr-concept").len(), 7);
        assert_eq!(with_class(&document, "orr-cluster").len(), 3);
        assert_eq!(
            with_class(&document, "orr-concept-edge").len(),
            5,
            "the dangling link is left out"
        );
        assert_eq!(with_class(&document, "orr-edge-label").len(), 5);
        assert_disjoint(&rects_with_class(&document, "orr-concept-box"));
        assert_disjoint(&rects_with_class(&document, "orr-cluster-box"));
        let text = all_text(&document);
        for expected in [
            "define",
            "alerted by",
            "Observability",
            "4 questions",
            "1 question",
            "no questions yet",
        ] {
            assert!(text.contains(expected), "missing {expected}");
        }
        let links = document
            .descendants()
            .filter(|n| n.has_tag_name("a"))
            .count();
        assert_eq!(links, 7);
    }

    #[test]
    fn many_groups_wrap_and_never_overlap() {
        let mut random = Lcg::new(8);
        let nodes: Vec<ConceptNode> = (0..80)
            .map(|i| {
                concept(
                    &format!("concept-number-{i}"),
                    &format!("group {}", random.below(11)),
                    i % 4,
                )
            })
            .collect();
        let edges: Vec<ConceptEdge> = (0..120)
            .map(|_| {
                link(
                    &format!("concept-number-{}", random.below(80)),
                    &format!("concept-number-{}", random.below(80)),
                    "relates to",
                )
            })
            .collect();
        let svg = concept_map("Big map", &nodes, &edges);
        let document = parse(&svg);
        assert_disjoint(&rects_with_class(&document, "orr-concept-box"));
        assert_disjoint(&rects_with_class(&document, "orr-cluster-box"));
        let expected = edges.iter().filter(|e| e.from != e.to).count();
        assert_eq!(with_class(&document, "orr-concept-edge").len(), expected);
    }

    #[test]
    fn hostile_text_is_escaped_and_empty_input_works() {
        let mut evil = concept("<script>", "<b>group</b> & co", 1);
        evil.label = "<script>alert(1)</script>".to_string();
        evil.href = "/c/?x=1&y=\"2\"".to_string();
        let svg = concept_map(
            "Map & <more>",
            &[evil, concept("b", "g", 0)],
            &[link("<script>", "b", "<i>uses</i>")],
        );
        assert!(!svg.contains("<script>"));
        let document = parse(&svg);
        let text = all_text(&document);
        assert!(
            text.contains("<script>alert(1)</script>")
                && text.contains("<i>uses</i>")
                && text.contains("<b>group</b> & co")
        );
        assert!(document
            .descendants()
            .any(|n| n.attribute("href") == Some("/c/?x=1&y=\"2\"")));

        let empty = concept_map("", &[], &[]);
        let document = parse(&empty);
        assert_accessible_frame(&document);
        assert!(with_class(&document, "orr-concept").is_empty());
    }

    #[test]
    fn output_is_deterministic_and_independent_of_input_order() {
        let (mut nodes, mut edges) = sample();
        let first = concept_map("Concepts", &nodes, &edges);
        assert_eq!(first, concept_map("Concepts", &nodes, &edges));
        nodes.reverse();
        edges.reverse();
        assert_eq!(first, concept_map("Concepts", &nodes, &edges));
    }
}
