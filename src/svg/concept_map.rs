//! The concept map (/concepts/): every concept as a box linking to its entry,
//! clustered by group, with labelled arrows for the links between concepts.
//!
//! Groups are drawn as framed columns, side by side and wrapped into rows;
//! concepts are stacked inside their group. Links between groups are straight
//! arrows between box borders; links inside a group bow out to the right so
//! they do not run through the boxes between their ends. A concept's name
//! wraps onto a second line rather than being cut short. Each link's label is
//! written on its link at the first of several spots along it (and a little
//! to either side) where it covers no box, group title or earlier label;
//! group titles are drawn over the links, on a halo, so no link strikes
//! through them.

use std::collections::BTreeMap;

use super::document::{
    close_svg, open_link, open_svg, push_arrow_markers, push_rect, push_text_element, push_tooltip,
};
use super::escape::{push_attr, push_text};
use super::text::{
    chars_fitting, estimate_text_width, num, truncate_chars, wrap_lines, BOLD_WIDTH_FACTOR,
};

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
/// The extra height of a concept whose name takes a second line.
const LINE_HEIGHT: f64 = 16.0;
/// Lines a concept's name may take.
const LABEL_LINES: usize = 2;
/// How wide a line of an edge label may run before it wraps.
const EDGE_LABEL_LINE_WIDTH: f64 = 130.0;
/// Lines an edge label may take before it is cut (the tooltip keeps it whole).
const EDGE_LABEL_LINES: usize = 3;
/// The distance between the lines of an edge label.
const EDGE_LABEL_LEADING: f64 = 13.0;
/// Room kept around an edge label when looking for a free spot.
const LABEL_CLEARANCE: f64 = 3.0;
const NODE_GAP: f64 = 16.0;
const NODE_MIN_WIDTH: f64 = 120.0;
const NODE_MAX_WIDTH: f64 = 220.0;
const NODE_PADDING: f64 = 10.0;
const CLUSTER_PADDING: f64 = 14.0;
const CLUSTER_HEADING: f64 = 26.0;
const CLUSTER_GAP_X: f64 = 130.0;
const CLUSTER_GAP_Y: f64 = 64.0;
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
    height: f64,
    cluster: usize,
}

impl Placed {
    fn center(&self) -> (f64, f64) {
        (self.x + self.width / 2.0, self.y + self.height / 2.0)
    }

    /// Where the segment from the centre towards `(dx, dy)` leaves the box.
    fn border_towards(&self, dx: f64, dy: f64) -> (f64, f64) {
        let (cx, cy) = self.center();
        let half_width = self.width / 2.0;
        let half_height = self.height / 2.0;
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

    let label_font = LABEL_FONT * BOLD_WIDTH_FACTOR;
    let label_lines: Vec<Vec<String>> = concepts
        .iter()
        .map(|c| {
            wrap_lines(
                &c.label,
                NODE_MAX_WIDTH - 2.0 * NODE_PADDING,
                label_font,
                LABEL_LINES,
            )
        })
        .collect();
    let node_width = |index: usize| -> f64 {
        let natural = label_lines[index]
            .iter()
            .map(|line| estimate_text_width(line, label_font))
            .fold(
                estimate_text_width(&question_line(concepts[index]), META_FONT),
                f64::max,
            );
        (natural + 2.0 * NODE_PADDING)
            .clamp(NODE_MIN_WIDTH, NODE_MAX_WIDTH)
            .ceil()
    };
    let node_height =
        |index: usize| NODE_HEIGHT + (label_lines[index].len().max(1) - 1) as f64 * LINE_HEIGHT;

    // Place clusters left to right, wrapping into rows.
    let mut placed: Vec<Placed> = vec![
        Placed {
            x: 0.0,
            y: 0.0,
            width: 0.0,
            height: NODE_HEIGHT,
            cluster: 0
        };
        concepts.len()
    ];
    let mut cluster_boxes: Vec<(f64, f64, f64, f64)> = Vec::with_capacity(clusters.len());
    let (mut x, mut y, mut row_height, mut width) = (MARGIN, MARGIN, 0.0f64, 0.0f64);
    for (cluster_index, (group, members)) in clusters.iter().enumerate() {
        let inner_width = members.iter().map(|&m| node_width(m)).fold(
            estimate_text_width(group, LABEL_FONT * BOLD_WIDTH_FACTOR).min(NODE_MAX_WIDTH),
            f64::max,
        );
        let cluster_width = inner_width + 2.0 * CLUSTER_PADDING;
        let stacked: f64 = members.iter().map(|&m| node_height(m) + NODE_GAP).sum();
        let cluster_height = CLUSTER_HEADING + stacked - NODE_GAP + 2.0 * CLUSTER_PADDING;
        if x > MARGIN && x + cluster_width > MAX_ROW_WIDTH {
            x = MARGIN;
            y += row_height + CLUSTER_GAP_Y;
            row_height = 0.0;
        }
        let mut member_y = y + CLUSTER_PADDING + CLUSTER_HEADING;
        for &member in members {
            placed[member] = Placed {
                x: x + CLUSTER_PADDING,
                y: member_y,
                width: node_width(member),
                height: node_height(member),
                cluster: cluster_index,
            };
            member_y += node_height(member) + NODE_GAP;
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
    // Group titles are obstacles for edge labels and are drawn over the links.
    let titles: Vec<(String, f64, f64)> = clusters
        .iter()
        .zip(&cluster_boxes)
        .map(|((group, _), &(x, y, w, _))| {
            let heading = if group.trim().is_empty() {
                "Other"
            } else {
                group.as_str()
            };
            let chars = chars_fitting(w - 2.0 * CLUSTER_PADDING, LABEL_FONT * BOLD_WIDTH_FACTOR);
            (
                truncate_chars(heading, chars),
                x + CLUSTER_PADDING,
                y + 22.0,
            )
        })
        .collect();
    let mut obstacles: Vec<Box2> = placed
        .iter()
        .map(|p| Box2::new(p.x, p.y, p.width, p.height))
        .collect();
    obstacles.extend(titles.iter().map(|(text, x, y)| {
        Box2::new(
            *x,
            y - LABEL_FONT,
            estimate_text_width(text, LABEL_FONT * BOLD_WIDTH_FACTOR),
            LABEL_FONT + 4.0,
        )
    }));

    // Walls left of and above the drawing keep labels inside it.
    const FAR: f64 = 1.0e7;
    obstacles.push(Box2::new(-FAR, -FAR, FAR, 3.0 * FAR));
    obstacles.push(Box2::new(-FAR, -FAR, 3.0 * FAR, FAR));
    let mut budget = LABEL_SEARCH_BUDGET;
    let routes: Vec<RoutedLink> = links
        .iter()
        .map(|&(from, to, label)| {
            route_link(
                (&placed[from], &placed[to]),
                label,
                &mut obstacles,
                &mut budget,
            )
        })
        .collect();
    // A label near a bowing link may reach past the groups: widen to fit.
    let labels_right = routes
        .iter()
        .filter_map(|r| r.label.as_ref())
        .flat_map(|(lines, x, _)| {
            lines
                .iter()
                .map(move |l| x + estimate_text_width(l, EDGE_LABEL_FONT) / 2.0)
        })
        .fold(0.0f64, f64::max);
    let total_width = (width + MARGIN + INNER_LINK_BOW)
        .max(labels_right + MARGIN)
        .max(320.0)
        .ceil();
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
        out.push_str("</g>");
    }
    out.push_str("</g><g class=\"orr-concept-edges\">");
    for (&(from, to, label), route) in links.iter().zip(&routes) {
        push_link(&mut out, &id, concepts[from], concepts[to], label, route);
    }
    out.push_str("</g><g class=\"orr-cluster-titles\">");
    for (text, x, y) in &titles {
        push_text_element(&mut out, "orr-cluster-label", *x, *y, "start", text);
    }
    out.push_str("</g><g class=\"orr-concepts\">");
    for ((concept, place), lines) in concepts.iter().zip(&placed).zip(&label_lines) {
        push_concept(&mut out, concept, place, lines);
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

fn push_concept(out: &mut String, concept: &ConceptNode, place: &Placed, lines: &[String]) {
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
        place.height,
        "none",
        "currentColor",
    );
    let x = num(place.x + NODE_PADDING);
    out.push_str("<text class=\"orr-concept-label\" x=\"");
    out.push_str(&x);
    out.push_str("\" y=\"");
    out.push_str(&num(place.y + 17.0));
    out.push_str("\" text-anchor=\"start\">");
    for (index, line) in lines.iter().enumerate() {
        out.push_str("<tspan x=\"");
        out.push_str(&x);
        out.push_str("\" dy=\"");
        out.push_str(if index == 0 { "0" } else { "16" });
        out.push_str("\">");
        push_text(out, line);
        out.push_str("</tspan>");
    }
    out.push_str("</text>");
    push_text_element(
        out,
        "orr-concept-meta",
        place.x + NODE_PADDING,
        place.y + place.height - 8.0,
        "start",
        &question_line(concept),
    );
    out.push_str("</g>");
    if linked {
        out.push_str("</a>");
    }
}

/// A rectangle that an edge label must not cover.
#[derive(Debug, Clone, Copy)]
struct Box2 {
    x: f64,
    y: f64,
    width: f64,
    height: f64,
}

impl Box2 {
    fn new(x: f64, y: f64, width: f64, height: f64) -> Self {
        Box2 {
            x,
            y,
            width,
            height,
        }
    }

    /// The area `self` and `other` share (0 when apart).
    fn overlap(&self, other: &Box2) -> f64 {
        let w = (self.x + self.width).min(other.x + other.width) - self.x.max(other.x);
        let h = (self.y + self.height).min(other.y + other.height) - self.y.max(other.y);
        if w > 0.0 && h > 0.0 {
            w * h
        } else {
            0.0
        }
    }
}

/// Fractions of the way along a link tried for its label, best first: a
/// little before the middle (two opposite links keep apart), then outwards
/// in steps of 0.04 up to 0.06 from either end.
fn label_spots() -> Vec<f64> {
    let mut spots: Vec<f64> = (0..=22).map(|i| 0.06 + f64::from(i) * 0.04).collect();
    spots.sort_by(|a, b| {
        (a - LABEL_POSITION)
            .abs()
            .total_cmp(&(b - LABEL_POSITION).abs())
    });
    spots
}
/// Offsets from each spot tried for a label, nearest first, in pixels.
fn label_shifts() -> Vec<(f64, f64)> {
    let mut shifts: Vec<(f64, f64)> = (-5..=5)
        .flat_map(|dx| (-5..=5).map(move |dy| (f64::from(dx) * 16.0, f64::from(dy) * 9.0)))
        .collect();
    shifts.sort_by(|a, b| {
        (a.0.hypot(a.1 * 2.0))
            .total_cmp(&b.0.hypot(b.1 * 2.0))
            .then(a.0.total_cmp(&b.0))
            .then(a.1.total_cmp(&b.1))
    });
    shifts
}

/// How many label-against-obstacle tests a whole map may spend looking for
/// free spots; past it, labels go to their first spot (a hostile map with
/// thousands of links stays fast).
const LABEL_SEARCH_BUDGET: usize = 100_000_000;

/// The first free spot for a label of `width` x `height` centred on one of
/// `points` (each shifted across by [`LABEL_SHIFTS`]); where none is free,
/// the spot covering the least. The chosen box joins `obstacles`.
fn place_label(
    points: &[(f64, f64)],
    (width, height): (f64, f64),
    obstacles: &mut Vec<Box2>,
    budget: &mut usize,
) -> (f64, f64) {
    let mut best: Option<(f64, (f64, f64))> = None;
    'search: for (dx, dy) in label_shifts() {
        for &(x, y) in points {
            if *budget < obstacles.len() {
                break 'search;
            }
            *budget -= obstacles.len();
            let (x, y) = (x + dx, y + dy);
            let candidate = Box2::new(
                x - width / 2.0 - LABEL_CLEARANCE,
                y - height / 2.0 - LABEL_CLEARANCE,
                width + 2.0 * LABEL_CLEARANCE,
                height + 2.0 * LABEL_CLEARANCE,
            );
            let covered: f64 = obstacles.iter().map(|o| o.overlap(&candidate)).sum();
            if best.is_none_or(|(least, _)| covered < least) {
                best = Some((covered, (x, y)));
            }
            if covered <= 0.0 {
                break 'search;
            }
        }
    }
    let (_, (x, y)) = best.unwrap_or((0.0, points.first().copied().unwrap_or_default()));
    obstacles.push(Box2::new(x - width / 2.0, y - height / 2.0, width, height));
    (x, y)
}

/// A point of the cubic Bézier curve `p0 p1 p2 p3` at `t`.
fn bezier(p: [(f64, f64); 4], t: f64) -> (f64, f64) {
    let u = 1.0 - t;
    let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
    (
        a * p[0].0 + b * p[1].0 + c * p[2].0 + d * p[3].0,
        a * p[0].1 + b * p[1].1 + c * p[2].1 + d * p[3].1,
    )
}

/// A link ready to draw: its path and its label's text and centre.
struct RoutedLink {
    d: String,
    /// The label's lines and the centre of its block.
    label: Option<(Vec<String>, f64, f64)>,
}

/// Routes the link from `a` to `b` and finds its label a free spot.
fn route_link(
    (a, b): (&Placed, &Placed),
    label: &str,
    obstacles: &mut Vec<Box2>,
    budget: &mut usize,
) -> RoutedLink {
    let (d, spots): (String, Vec<(f64, f64)>) = if a.cluster == b.cluster {
        // Same column: leave and enter on the right side, bowing outwards.
        let start = (a.x + a.width, a.y + a.height / 2.0);
        let end = (b.x + b.width, b.y + b.height / 2.0);
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
        let curve = [start, (bow_x, start.1), (bow_x, end.1), end];
        (
            d,
            label_spots()
                .into_iter()
                .map(|t| bezier(curve, t))
                .collect(),
        )
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
        let spots = label_spots()
            .into_iter()
            .map(|t| {
                (
                    start.0 + (end.0 - start.0) * t,
                    start.1 + (end.1 - start.1) * t,
                )
            })
            .collect();
        (d, spots)
    };
    let label = (!label.trim().is_empty()).then(|| {
        let lines = wrap_lines(
            label,
            EDGE_LABEL_LINE_WIDTH,
            EDGE_LABEL_FONT,
            EDGE_LABEL_LINES,
        );
        let width = lines
            .iter()
            .map(|l| estimate_text_width(l, EDGE_LABEL_FONT))
            .fold(0.0, f64::max);
        let height = lines.len() as f64 * EDGE_LABEL_LEADING + 3.0;
        let (x, y) = place_label(&spots, (width, height), obstacles, budget);
        (lines, x, y)
    });
    RoutedLink { d, label }
}

fn push_link(
    out: &mut String,
    id: &str,
    from: &ConceptNode,
    to: &ConceptNode,
    full_label: &str,
    route: &RoutedLink,
) {
    out.push_str(
        "<g class=\"orr-concept-link-group\"><path class=\"orr-concept-edge\" data-from=\"",
    );
    push_attr(out, &from.id);
    out.push_str("\" data-to=\"");
    push_attr(out, &to.id);
    out.push_str("\" d=\"");
    out.push_str(&route.d);
    out.push_str(
        "\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.2\" marker-end=\"url(#",
    );
    out.push_str(id);
    out.push_str("-arrow)\">");
    push_tooltip(
        out,
        &format!("{} — {} → {}", from.label, full_label, to.label),
    );
    out.push_str("</path>");
    if let Some((lines, x, y)) = &route.label {
        let x = num(*x);
        let first = y + 3.5 - (lines.len() as f64 - 1.0) * EDGE_LABEL_LEADING / 2.0;
        out.push_str("<text class=\"orr-edge-label\" x=\"");
        out.push_str(&x);
        out.push_str("\" y=\"");
        out.push_str(&num(first));
        out.push_str("\" text-anchor=\"middle\">");
        for (index, line) in lines.iter().enumerate() {
            out.push_str("<tspan x=\"");
            out.push_str(&x);
            out.push_str("\" dy=\"");
            out.push_str(if index == 0 { "0" } else { "13" });
            out.push_str("\">");
            push_text(out, line);
            out.push_str("</tspan>");
        }
        out.push_str("</text>");
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
    fn long_names_wrap_instead_of_being_cut_and_edge_labels_keep_apart() {
        let mut nodes = vec![
            concept("sla", "SLOs and error budgets", 6),
            concept("sli", "SLOs and error budgets", 8),
            concept("slo", "SLOs and error budgets", 10),
            concept("tracing", "Logs, traces and profiles", 3),
        ];
        nodes[0].label = "Service level agreements".to_string();
        nodes[1].label = "Service level indicators".to_string();
        nodes[2].label = "Service level objectives".to_string();
        let edges = vec![
            link("sla", "slo", "backed by stricter"),
            link("sli", "slo", "define"),
            link("slo", "sli", "set a target for"),
            link("tracing", "sli", "pushes per-request detail into"),
            link("tracing", "sla", "carry the detail metrics cannot"),
        ];
        let svg = concept_map("Concepts", &nodes, &edges);
        assert!(!svg.contains('…'), "a name or label was cut short: {svg}");
        let document = parse(&svg);
        let text = all_text(&document);
        assert!(
            text.contains("agreements") && text.contains("objectives"),
            "{text}"
        );
        // Edge labels, estimated as the layout does, cover no box and no other label.
        let mut boxes: Vec<Box2> = rects_with_class(&document, "orr-concept-box")
            .iter()
            .map(|r| Box2::new(r.x, r.y, r.width, r.height))
            .collect();
        for label in with_class(&document, "orr-edge-label") {
            let lines: Vec<&str> = label.children().filter_map(|t| t.text()).collect();
            let width = lines
                .iter()
                .map(|l| estimate_text_width(l, EDGE_LABEL_FONT))
                .fold(0.0, f64::max);
            let x: f64 = label.attribute("x").unwrap().parse().unwrap();
            let y: f64 = label.attribute("y").unwrap().parse().unwrap();
            let own = Box2::new(
                x - width / 2.0,
                y - EDGE_LABEL_FONT,
                width,
                lines.len() as f64 * EDGE_LABEL_LEADING,
            );
            for other in &boxes {
                assert!(own.overlap(other) <= 0.0, "{lines:?} covers {other:?}");
            }
            boxes.push(own);
        }
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
