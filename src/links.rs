//! Which links a handbook may contain, and where a relative link to a source file leads.
//!
//! Only `http(s)://` URLs, in-page anchors and relative paths are allowed:
//! `javascript:`, `data:` and every other scheme are refused, because each
//! piece of user text ends up in an `href` of a page someone trusts.

use std::collections::BTreeMap;

/// What a link written by a user is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkKind {
    /// `http://` or `https://`.
    Web,
    /// `#anchor` on the same page.
    Anchor,
    /// A path with no scheme.
    Relative,
    /// Anything else; the scheme is kept for the message.
    Refused(String),
}

/// Classifies `url` by its scheme.
pub fn classify(url: &str) -> LinkKind {
    let url = url.trim();
    if url.starts_with('#') {
        return LinkKind::Anchor;
    }
    let scheme_end = url.find(':');
    let is_scheme = scheme_end.is_some_and(|end| {
        let scheme = &url[..end];
        !scheme.is_empty()
            && scheme
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
            && !scheme.contains('/')
    });
    match scheme_end {
        Some(end) if is_scheme => {
            let scheme = url[..end].to_ascii_lowercase();
            if scheme == "http" || scheme == "https" {
                LinkKind::Web
            } else {
                LinkKind::Refused(scheme)
            }
        }
        // Control characters or a backslash can smuggle a scheme past browsers' parsers.
        _ if url.chars().any(|c| c.is_control() || c == '\\') => {
            LinkKind::Refused("(control characters)".to_string())
        }
        _ => LinkKind::Relative,
    }
}

/// The message for a refused link, or `None` when the link is fine.
pub fn refusal(url: &str) -> Option<String> {
    match classify(url) {
        LinkKind::Refused(scheme) => Some(format!(
            "link `{url}` uses the scheme `{scheme}:`, which is not allowed"
        )),
        _ => None,
    }
}

pub const LINK_HELP: &str =
    "links are `https://...` or `http://...` URLs, `#anchors`, or relative paths";

/// The site pages that source files of `content/` become, for rewriting relative links.
#[derive(Debug, Clone, Default)]
pub struct LinkTargets {
    /// `questions/capacity.md` -> `questions/capacity/` (paths relative to `content/` and to the site root).
    pages: BTreeMap<String, String>,
}

/// Where a relative link in a source file leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// To a page of the site: its path from the site root, with the fragment kept.
    Page(String),
    /// Not a link to a handbook source file: left as written.
    Untouched,
    /// A source file that does not exist (the normalised path is given).
    Missing(String),
}

impl LinkTargets {
    pub fn insert(&mut self, content_path: impl Into<String>, site_path: impl Into<String>) {
        self.pages.insert(content_path.into(), site_path.into());
    }

    pub fn known_paths(&self) -> impl Iterator<Item = &str> {
        self.pages.keys().map(String::as_str)
    }

    /// Resolves `url`, written in `from` (a path relative to `content/`).
    pub fn resolve(&self, from: &str, url: &str) -> Resolved {
        let (path, fragment) = match url.find(['#', '?']) {
            Some(i) => (&url[..i], &url[i..]),
            None => (url, ""),
        };
        let is_source = path.ends_with(".md") || path.ends_with(".yaml");
        if path.is_empty() || path.starts_with('/') || !is_source {
            return Resolved::Untouched;
        }
        let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
        let Some(target) = normalise(dir, path) else {
            return Resolved::Missing(path.to_string());
        };
        match self.pages.get(&target) {
            Some(page) => Resolved::Page(format!(
                "{page}{}",
                fragment.split('?').next().unwrap_or("")
            )),
            None => Resolved::Missing(target),
        }
    }
}

/// Joins `dir` and `rel`, resolving `.` and `..`; `None` when it climbs out of `content/`.
fn normalise(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_schemes() {
        assert_eq!(classify("https://x.example/a"), LinkKind::Web);
        assert_eq!(classify("HTTP://x"), LinkKind::Web);
        assert_eq!(classify("#top"), LinkKind::Anchor);
        assert_eq!(classify("../a.md"), LinkKind::Relative);
        assert_eq!(classify("docs/a:b"), LinkKind::Relative);
        assert_eq!(
            classify("javascript:alert(1)"),
            LinkKind::Refused("javascript".into())
        );
        assert_eq!(
            classify(" JaVaScRiPt:alert(1)"),
            LinkKind::Refused("javascript".into())
        );
        assert_eq!(
            classify("data:text/html,x"),
            LinkKind::Refused("data".into())
        );
        assert!(matches!(classify("java\tscript:x"), LinkKind::Refused(_)));
    }

    #[test]
    fn resolves_relative_source_links() {
        let mut t = LinkTargets::default();
        t.insert("questions/capacity.md", "questions/capacity/");
        t.insert("services/checkout.yaml", "services/checkout/");
        assert_eq!(
            t.resolve("handbook/intro.md", "../questions/capacity.md#cap-a"),
            Resolved::Page("questions/capacity/#cap-a".into())
        );
        assert_eq!(
            t.resolve("handbook/intro.md", "../services/checkout.yaml"),
            Resolved::Page("services/checkout/".into())
        );
        assert_eq!(
            t.resolve("handbook/intro.md", "../questions/nope.md"),
            Resolved::Missing("questions/nope.md".into())
        );
        assert_eq!(
            t.resolve("handbook/intro.md", "../../../etc/x.md"),
            Resolved::Missing("../../../etc/x.md".into())
        );
        assert_eq!(
            t.resolve("handbook/intro.md", "img/a.png"),
            Resolved::Untouched
        );
    }
}
