//! Shared checks for ids and attribute values written by users.

use crate::diagnostics::Diagnostic;
use crate::source::SourceFile;

/// `[a-z0-9][a-z0-9-]*`: ids end up in URLs and in years of answer files.
pub fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// An id suggestion: lowercase, runs of other characters turned into `-`.
pub fn suggest_id(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// The error for an id that does not match the pattern.
pub fn bad_id(source: &SourceFile, line: usize, column: usize, what: &str, id: &str) -> Diagnostic {
    let suggestion = suggest_id(id);
    let d = Diagnostic::error(
        source,
        line,
        column,
        format!("{what} `{id}` is not a valid id"),
    )
    .code(crate::diagnostics::Code::InvalidId);
    if suggestion.is_empty() || suggestion == id {
        d.help("ids use lowercase letters, digits and `-`, starting with a letter or digit")
    } else {
        d.help(format!(
            "ids use lowercase letters, digits and `-`: try `{suggestion}`"
        ))
    }
}

/// The error for a chapter whose path under `content/handbook/` (without `.md`)
/// is not made of valid ids: its page is `handbook/<path>/`, so an odd name
/// (`My Page`, `a%2fb`, `.x`) would give a URL nobody can reach.
pub fn bad_chapter_name(source: &SourceFile, stem: &str) -> Option<Diagnostic> {
    if stem.split('/').all(is_valid_id) {
        return None;
    }
    let suggestion: Vec<String> = stem.split('/').map(suggest_id).collect();
    let d = Diagnostic::file_error(
        &source.path,
        format!(
            "chapter file name `{stem}` is not a valid id, so its page would have no reachable URL"
        ),
    )
    .code(crate::diagnostics::Code::InvalidId);
    let rule = "chapter names (and their folders) use lowercase letters, digits and `-`, starting with a letter or digit";
    Some(if suggestion.iter().all(|s| !s.is_empty()) {
        d.help(format!(
            "{rule}: rename it `content/handbook/{}.md`",
            suggestion.join("/")
        ))
    } else {
        d.help(rule)
    })
}

/// Column (1-based) of `needle` in line `line` of `source`, or `fallback`.
pub fn column_of(source: &SourceFile, line: usize, needle: &str, fallback: usize) -> usize {
    source.line_text(line).find(needle).map_or(fallback, |i| {
        source.line_text(line)[..i].chars().count() + 1
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_ids() {
        assert!(is_valid_id("capacity-replica-peak"));
        assert!(is_valid_id("9s"));
        assert!(!is_valid_id("-a"));
        assert!(!is_valid_id("Capacity"));
        assert!(!is_valid_id(""));
        assert_eq!(suggest_id("Cache Stampede!"), "cache-stampede");
        let src = SourceFile::new("content/handbook/Guides/My Page.md", "");
        assert!(bad_chapter_name(&src, "guides/runbooks").is_none());
        let d = bad_chapter_name(&src, "Guides/My Page").unwrap();
        assert_eq!(d.file, "content/handbook/Guides/My Page.md");
        assert!(d
            .help
            .unwrap()
            .ends_with("`content/handbook/guides/my-page.md`"));
        for bad in ["a b", "a%2fb", ".x", "x.", "a//b", "-a", "ÉTÉ"] {
            assert!(bad_chapter_name(&src, bad).is_some(), "{bad}");
        }
    }
}
