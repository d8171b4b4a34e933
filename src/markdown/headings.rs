//! What a heading's `{...}` attribute block may put into HTML: an id and
//! classes, checked; nothing else.
//!
//! Every Markdown page passes through here, so a contributor's
//! `# Hi {onfocus=... autofocus}` or `{style=...}` never becomes an attribute.
//! Ids must not clash with the ids orr's own pages use (`main`, `q-...`), and
//! classes must not borrow the look of orr's own stylesheet (`badge`,
//! `verdict-go`), so a heading cannot pass for a verdict.

use std::collections::BTreeSet;

use pulldown_cmark::{CowStr, HeadingLevel, Tag};

/// One part of an attribute block that was left out of the page, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    /// As written: `onclick`, `#bad id`, `.badge`.
    pub token: String,
    pub reason: String,
}

pub const HEADING_HELP: &str =
    "a heading's `{...}` block takes `#id` and `.class` only, e.g. `{#setup .wide}`";

/// Ids the page templates give their own elements.
const RESERVED_IDS: &[&str] = &[
    "main",
    "blockers",
    "waivers",
    "risks",
    "dependencies",
    "reviews",
    "verdict",
    "gaps",
    "not-applicable",
    "readiness",
    "answers",
    "contents",
    "postmortems",
    "contracts",
    "blast-radius",
    "site-search-q",
    "site-search-results",
    "search-page-results",
    "search-needs-js",
    "services-controls",
    "services-table",
];
/// Id prefixes the page templates use for rows and anchors.
const RESERVED_PREFIXES: &[&str] = &["q-", "cat-", "risk-"];
/// The longest id or class kept.
const MAX_NAME: usize = 64;

/// `level`'s heading with only the id and classes allowed, and what was left out.
/// `seen` holds the ids already used on the page, so a second one is dropped.
pub fn clean(
    level: HeadingLevel,
    id: Option<&CowStr>,
    classes: &[CowStr],
    attrs: &[(CowStr, Option<CowStr>)],
    seen: &mut BTreeSet<String>,
) -> (Tag<'static>, Vec<Dropped>) {
    let mut dropped = Vec::new();
    let id = id.and_then(|id| match id_problem(id, seen) {
        Some(reason) => {
            dropped.push(Dropped {
                token: format!("#{id}"),
                reason,
            });
            None
        }
        None => {
            seen.insert(id.to_string());
            Some(CowStr::from(id.to_string()))
        }
    });
    let mut kept = Vec::new();
    for class in classes {
        match class_problem(class) {
            Some(reason) => dropped.push(Dropped {
                token: format!(".{class}"),
                reason,
            }),
            None => kept.push(CowStr::from(class.to_string())),
        }
    }
    for (key, _) in attrs {
        dropped.push(Dropped {
            token: key.to_string(),
            reason: "only `#id` and `.class` reach the page".to_string(),
        });
    }
    let tag = Tag::Heading {
        level,
        id,
        classes: kept,
        attrs: Vec::new(),
    };
    (tag, dropped)
}

/// `[A-Za-z0-9][A-Za-z0-9_-]*`, at most `MAX_NAME` long: nothing to escape, in a URL fragment or CSS.
fn is_plain_name(name: &str) -> bool {
    name.len() <= MAX_NAME
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn id_problem(id: &str, seen: &BTreeSet<String>) -> Option<String> {
    if !is_plain_name(id) {
        return Some(format!(
            "an id uses letters, digits, `-` and `_`, starts with a letter or digit, and is at most {MAX_NAME} long"
        ));
    }
    let lower = id.to_ascii_lowercase();
    if RESERVED_IDS.contains(&lower.as_str())
        || RESERVED_PREFIXES.iter().any(|p| lower.starts_with(p))
        || is_matrix_anchor(&lower)
    {
        return Some(format!("the id `{id}` is used by orr's own pages"));
    }
    if seen.contains(id) {
        return Some(format!("the id `{id}` is already used on this page"));
    }
    None
}

/// `s3-l4`: the risk matrix's cell anchors.
fn is_matrix_anchor(id: &str) -> bool {
    id.strip_prefix('s')
        .and_then(|rest| rest.split_once("-l"))
        .is_some_and(|(s, l)| {
            !s.is_empty() && !l.is_empty() && s.chars().chain(l.chars()).all(|c| c.is_ascii_digit())
        })
}

fn class_problem(class: &str) -> Option<String> {
    if !is_plain_name(class) {
        return Some(format!(
            "a class uses letters, digits, `-` and `_`, starts with a letter or digit, and is at most {MAX_NAME} long"
        ));
    }
    if orr_classes().contains(class) {
        return Some(format!(
            "`{class}` is a class of orr's own stylesheet; a heading cannot borrow its look"
        ));
    }
    None
}

/// The class names the built-in stylesheet styles.
fn orr_classes() -> &'static BTreeSet<String> {
    static CLASSES: std::sync::OnceLock<BTreeSet<String>> = std::sync::OnceLock::new();
    CLASSES.get_or_init(|| class_names(include_str!("../../assets/style.css")))
}

/// Every `.name` in a stylesheet whose name starts with a letter (so `.5rem` is not one).
fn class_names(css: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (i, _) in css.match_indices('.') {
        let rest = &css[i + 1..];
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(rest.len());
        names.insert(rest[..end].to_string());
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(id: Option<&str>, classes: &[&str], attrs: &[&str]) -> (Tag<'static>, Vec<String>) {
        let id = id.map(|s| CowStr::from(s.to_string()));
        let classes: Vec<CowStr> = classes
            .iter()
            .map(|c| CowStr::from(c.to_string()))
            .collect();
        let attrs: Vec<(CowStr, Option<CowStr>)> = attrs
            .iter()
            .map(|a| (CowStr::from(a.to_string()), Some(CowStr::from("x"))))
            .collect();
        let mut seen = BTreeSet::from(["taken".to_string()]);
        let (tag, dropped) = clean(HeadingLevel::H1, id.as_ref(), &classes, &attrs, &mut seen);
        (tag, dropped.into_iter().map(|d| d.token).collect())
    }

    #[test]
    fn keeps_plain_ids_and_classes_only() {
        let (tag, dropped) = run(Some("setup"), &["wide"], &["onclick", "style", "autofocus"]);
        let Tag::Heading {
            id, classes, attrs, ..
        } = tag
        else {
            panic!()
        };
        assert_eq!(id.as_deref(), Some("setup"));
        assert_eq!(classes, vec![CowStr::from("wide")]);
        assert!(attrs.is_empty());
        assert_eq!(dropped, ["onclick", "style", "autofocus"]);
    }

    #[test]
    fn drops_ids_that_break_out_or_collide() {
        for bad in [
            "a\"b",
            "x onmouseover=y",
            "main",
            "Q-capacity-a",
            "cat-x",
            "s3-l4",
            "taken",
            "",
            "-a",
        ] {
            let (tag, dropped) = run(Some(bad), &[], &[]);
            let Tag::Heading { id, .. } = tag else {
                panic!()
            };
            assert_eq!(id, None, "{bad}");
            assert_eq!(dropped, [format!("#{bad}")]);
        }
        let (_, dropped) = run(None, &["badge", "verdict-go", "a>b"], &[]);
        assert_eq!(dropped, [".badge", ".verdict-go", ".a>b"]);
    }

    #[test]
    fn reads_class_names_from_css() {
        let names = class_names(".a, p.b-c { margin: .5rem } url(x.png)");
        assert!(names.contains("a") && names.contains("b-c"));
        assert!(!names.contains("5rem"));
    }
}
