//! The frame every diagram shares: the `<svg>` element with its accessible
//! name (`<title>`, `<desc>`, `role`, `aria-labelledby`), ids unique per page,
//! sizing, and arrowhead markers.

use super::escape::{push_attr, push_text};
use super::text::{num, short_hash, slugify};

/// How long the readable part of an id may be; the hash keeps ids unique.
const ID_SLUG_MAX: usize = 40;

/// The id prefix of one diagram: `orr-<kind>-<slug of title>-<hash of title>`.
/// Distinct titles on one page give distinct ids; the same title always gives
/// the same id, so output stays deterministic.
pub fn diagram_id(kind: &str, title: &str) -> String {
    let slug: String = slugify(title).chars().take(ID_SLUG_MAX).collect();
    let slug = slug.trim_end_matches('-');
    format!("orr-{kind}-{slug}-{}", short_hash(title))
}

/// Opens the `<svg>` element of a diagram of `kind` and writes its `<title>` and
/// `<desc>`. Returns the id prefix, for markers and other ids inside it.
pub fn open_svg(
    out: &mut String,
    kind: &str,
    title: &str,
    description: &str,
    width: f64,
    height: f64,
) -> String {
    // An empty accessible name is useless: fall back to the kind of diagram.
    let fallback_title;
    let title = if title.trim().is_empty() {
        fallback_title = humanize(kind);
        fallback_title.as_str()
    } else {
        title
    };
    let id = diagram_id(kind, title);
    let width = if width.is_finite() {
        width.max(1.0).ceil()
    } else {
        1.0
    };
    let height = if height.is_finite() {
        height.max(1.0).ceil()
    } else {
        1.0
    };
    out.push_str("<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" class=\"orr-svg orr-svg-");
    out.push_str(kind);
    out.push_str("\" id=\"");
    out.push_str(&id);
    out.push_str("\" role=\"img\" aria-labelledby=\"");
    out.push_str(&id);
    out.push_str("-title ");
    out.push_str(&id);
    out.push_str("-desc\" viewBox=\"0 0 ");
    out.push_str(&num(width));
    out.push(' ');
    out.push_str(&num(height));
    out.push('"');
    // Always the natural size: a diagram shrunk to a phone's column draws
    // its text at 3-4 px. The page wraps it in a scrolling figure instead.
    out.push_str(" width=\"");
    out.push_str(&num(width));
    out.push_str("\" height=\"");
    out.push_str(&num(height));
    out.push('"');
    out.push_str(" font-family=\"system-ui, sans-serif\" font-size=\"12\">");
    out.push_str("<title id=\"");
    out.push_str(&id);
    out.push_str("-title\">");
    push_text(out, title);
    out.push_str("</title><desc id=\"");
    out.push_str(&id);
    out.push_str("-desc\">");
    push_text(out, description);
    out.push_str("</desc>");
    id
}

/// "dependency-graph" as "Dependency graph".
fn humanize(kind: &str) -> String {
    let spaced = kind.replace('-', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Diagram".to_string(),
    }
}

/// Closes the element opened by [`open_svg`].
///
/// A diagram with links is not an image to assistive technology: an element
/// of role `img` hides its children, so its links would be unreachable
/// (axe's nested-interactive). Such a diagram becomes a named `group` whose
/// links keep their own names; a diagram without links stays an `img`.
pub fn close_svg(out: &mut String) {
    out.push_str("</svg>");
    let Some(start) = out.rfind("<svg xmlns=") else {
        return;
    };
    if !out[start..].contains("<a class=") {
        return;
    }
    if let Some(at) = out[start..].find(IMG_ROLE) {
        let at = start + at;
        let labels_end = out[at..].find("-title ").map(|i| at + i + "-title".len());
        out.replace_range(at..at + IMG_ROLE.len(), GROUP_ROLE);
        if let Some(end) = labels_end.map(|e| e + GROUP_ROLE.len() - IMG_ROLE.len()) {
            // The title names the group; the long description describes it.
            out.replace_range(end..end + 1, "\" aria-describedby=\"");
        }
    }
}

const IMG_ROLE: &str = " role=\"img\" aria-labelledby=\"";
const GROUP_ROLE: &str = " role=\"group\" aria-labelledby=\"";

/// Writes `<defs>` with the arrowheads edges use: `<id>-arrow` for ordinary
/// edges and `<id>-arrow-back` for edges drawn against the layout (cycles).
pub fn push_arrow_markers(out: &mut String, id: &str) {
    out.push_str("<defs>");
    for (suffix, class) in [
        ("arrow", "orr-arrow"),
        ("arrow-back", "orr-arrow orr-arrow-back"),
    ] {
        out.push_str("<marker id=\"");
        out.push_str(id);
        out.push('-');
        out.push_str(suffix);
        out.push_str("\" class=\"");
        out.push_str(class);
        out.push_str("\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\" markerUnits=\"userSpaceOnUse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"currentColor\"/></marker>");
    }
    out.push_str("</defs>");
}

/// Opens an `<a>` with both the SVG 2 `href` and the older `xlink:href`.
pub fn open_link(out: &mut String, href: &str, class: &str) {
    out.push_str("<a class=\"");
    out.push_str(class);
    out.push_str("\" href=\"");
    push_attr(out, href);
    out.push_str("\" xlink:href=\"");
    push_attr(out, href);
    out.push_str("\">");
}

/// Writes a `<text>` element with escaped content at (`x`, `y`).
pub fn push_text_element(
    out: &mut String,
    class: &str,
    x: f64,
    y: f64,
    anchor: &str,
    content: &str,
) {
    out.push_str("<text class=\"");
    out.push_str(class);
    out.push_str("\" x=\"");
    out.push_str(&num(x));
    out.push_str("\" y=\"");
    out.push_str(&num(y));
    out.push_str("\" text-anchor=\"");
    out.push_str(anchor);
    out.push_str("\">");
    push_text(out, content);
    out.push_str("</text>");
}

/// Writes a `<title>` child (a tooltip, and the accessible name of its parent).
pub fn push_tooltip(out: &mut String, content: &str) {
    out.push_str("<title>");
    push_text(out, content);
    out.push_str("</title>");
}

/// Writes a `<rect>` with a class and a default fill and stroke.
#[allow(clippy::too_many_arguments)]
pub fn push_rect(
    out: &mut String,
    class: &str,
    x: f64,
    y: f64,
    width: f64,
    height: f64,
    fill: &str,
    stroke: &str,
) {
    out.push_str("<rect class=\"");
    out.push_str(class);
    out.push_str("\" x=\"");
    out.push_str(&num(x));
    out.push_str("\" y=\"");
    out.push_str(&num(y));
    out.push_str("\" width=\"");
    out.push_str(&num(width));
    out.push_str("\" height=\"");
    out.push_str(&num(height));
    out.push_str("\" fill=\"");
    out.push_str(fill);
    out.push_str("\" stroke=\"");
    out.push_str(stroke);
    out.push_str("\"/>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_per_title_and_stable() {
        let a = diagram_id("risk-matrix", "Risks of checkout");
        let b = diagram_id("risk-matrix", "Risks of payments");
        assert_ne!(a, b);
        assert_eq!(a, diagram_id("risk-matrix", "Risks of checkout"));
        // Titles that slug alike still differ by their hash.
        assert_ne!(diagram_id("x", "<script>"), diagram_id("x", "script"));
        assert!(a.starts_with("orr-risk-matrix-risks-of-checkout-"));
    }

    #[test]
    fn frame_is_well_formed_with_accessible_name() {
        let mut out = String::new();
        let id = open_svg(
            &mut out,
            "test",
            "A & B <c>",
            "desc \"quoted\"",
            100.0,
            50.0,
        );
        close_svg(&mut out);
        let doc = roxmltree::Document::parse(&out).expect("well-formed");
        let root = doc.root_element();
        assert_eq!(root.attribute("role"), Some("img"));
        let labelled_by = root.attribute("aria-labelledby").unwrap_or_default();
        assert_eq!(labelled_by, format!("{id}-title {id}-desc"));
        let title = root
            .children()
            .find(|n| n.has_tag_name("title"))
            .map(|n| n.text());
        assert_eq!(title, Some(Some("A & B <c>")));
    }
}
