//! Test helpers: a tiny deterministic random generator, generated service
//! graphs with cycles and long edges, and readers for the emitted SVG.

use roxmltree::{Document, Node};

/// A linear congruential generator: deterministic pseudo-random numbers for
/// generated test graphs, without a dependency.
pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Lcg {
        Lcg(seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407))
    }

    pub fn next_u32(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as u32
    }

    /// A number in `0..bound` (0 when `bound` is 0).
    pub fn below(&mut self, bound: usize) -> usize {
        if bound == 0 {
            0
        } else {
            self.next_u32() as usize % bound
        }
    }
}

/// A service graph: node widths and edges `(dependant, dependency)`, with a
/// backbone chain, a long edge skipping layers, a 3-cycle, random forward
/// dependencies and a few random backward ones (more cycles).
pub fn generated_service_graph(services: usize, seed: u64) -> (Vec<f64>, Vec<(usize, usize)>) {
    let mut random = Lcg::new(seed);
    let widths = (0..services)
        .map(|_| 90.0 + random.below(120) as f64)
        .collect();
    let mut edges = Vec::new();
    if services >= 5 {
        edges.extend([(0, 1), (1, 2), (2, 3), (3, 4), (0, 4), (2, 0)]);
    }
    for service in 0..services {
        for _ in 0..random.below(4) {
            let remaining = services - service - 1;
            if remaining > 0 {
                edges.push((
                    service,
                    service + 1 + random.below(remaining.min(services / 4 + 1)),
                ));
            }
        }
        if service > 0 && random.below(12) == 0 {
            edges.push((service, random.below(service)));
        }
    }
    (widths, edges)
}

/// Parses an SVG string, failing the test if it is not well-formed XML.
pub fn parse(svg: &str) -> Document<'_> {
    match Document::parse(svg) {
        Ok(document) => document,
        Err(error) => panic!("SVG is not well-formed: {error}\n{svg}"),
    }
}

/// Elements whose `class` attribute contains `class` as a whole word.
pub fn with_class<'a, 'input>(
    document: &'a Document<'input>,
    class: &str,
) -> Vec<Node<'a, 'input>> {
    document
        .descendants()
        .filter(|node| {
            node.is_element()
                && node
                    .attribute("class")
                    .is_some_and(|classes| classes.split_whitespace().any(|c| c == class))
        })
        .collect()
}

/// A rectangle read back from the SVG.
#[derive(Debug, Clone, Copy)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// The rectangles of all `<rect>` elements with `class`.
pub fn rects_with_class(document: &Document<'_>, class: &str) -> Vec<Rect> {
    let number = |node: &Node<'_, '_>, name: &str| -> f64 {
        node.attribute(name)
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("rect without numeric {name}"))
    };
    with_class(document, class)
        .iter()
        .filter(|node| node.has_tag_name("rect"))
        .map(|node| Rect {
            x: number(node, "x"),
            y: number(node, "y"),
            width: number(node, "width"),
            height: number(node, "height"),
        })
        .collect()
}

/// Panics if any two rectangles overlap (touching edges is fine).
pub fn assert_disjoint(rects: &[Rect]) {
    for (i, a) in rects.iter().enumerate() {
        for b in &rects[i + 1..] {
            let overlap = a.x < b.x + b.width
                && b.x < a.x + a.width
                && a.y < b.y + b.height
                && b.y < a.y + a.height;
            assert!(!overlap, "boxes overlap: {a:?} and {b:?}");
        }
    }
}

/// All text content of the document, concatenated, as a reader would get it.
pub fn all_text(document: &Document<'_>) -> String {
    document
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join("|")
}

/// Asserts the frame's accessibility: a viewBox; with no link inside, role
/// `img` labelled by its `<title>` and `<desc>`; with links, role `group`
/// (an `img` would hide them) labelled by the title, described by the desc.
pub fn assert_accessible_frame(document: &Document<'_>) {
    let root = document.root_element();
    assert!(root.has_tag_name("svg"));
    assert!(root.attribute("viewBox").is_some());
    let has_links = document.descendants().any(|n| n.has_tag_name("a"));
    let labelled_by = root.attribute("aria-labelledby").expect("aria-labelledby");
    let ids: Vec<String> = if has_links {
        assert_eq!(root.attribute("role"), Some("group"));
        let described_by = root
            .attribute("aria-describedby")
            .expect("aria-describedby");
        vec![labelled_by.to_string(), described_by.to_string()]
    } else {
        assert_eq!(root.attribute("role"), Some("img"));
        labelled_by.split_whitespace().map(str::to_string).collect()
    };
    assert_eq!(ids.len(), 2);
    let title = document
        .descendants()
        .find(|n| n.attribute("id") == Some(ids[0].as_str()))
        .expect("title id");
    let desc = document
        .descendants()
        .find(|n| n.attribute("id") == Some(ids[1].as_str()))
        .expect("desc id");
    assert!(title.has_tag_name("title") && desc.has_tag_name("desc"));
    assert!(title.parent() == Some(root) && desc.parent() == Some(root));
    assert!(!title.text().unwrap_or_default().is_empty());
}
