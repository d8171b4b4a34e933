//! Markdown to HTML: relative links rewritten, bad links reported, raw HTML
//! escaped, fenced code highlighted at build time with syntect.
//!
//! [`Renderer::render`] is the only way handbook Markdown becomes HTML, and it
//! is where content is made safe: raw HTML becomes text, links and images pass
//! the scheme check of [`crate::links`], and headings keep only a checked id and
//! classes ([`headings`]). Cost: O(n log n) in the size of the file, however
//! many links share one line.

pub mod contrast;
pub mod headings;

use std::collections::BTreeSet;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd};
use syntect::highlighting::ThemeSet;
use syntect::html::{css_for_theme_with_class_style, ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::links::{self, LinkTargets, Resolved};
use crate::load::markdown::SpannedEvent;
use crate::source::SourceFile;

/// How many dropped heading attributes are reported one by one.
const MAX_HEADING_WARNINGS: usize = 5;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Code highlighting, loaded once per process and shared by every page.
pub struct Highlighter {
    syntaxes: SyntaxSet,
}

impl Default for Highlighter {
    fn default() -> Self {
        Self::new()
    }
}

impl Highlighter {
    pub fn new() -> Self {
        Highlighter {
            syntaxes: SyntaxSet::load_defaults_newlines(),
        }
    }

    /// A highlighter that knows no language, so code stays plain: for runs
    /// whose HTML nobody reads (`orr check`), where loading the syntaxes and
    /// highlighting would be about a tenth of the work.
    pub fn plain() -> Self {
        Highlighter {
            syntaxes: SyntaxSet::new(),
        }
    }

    /// `code` as classed HTML spans, or `None` when the language is unknown.
    pub fn highlight(&self, code: &str, lang: &str) -> Option<String> {
        let syntax = self.syntaxes.find_syntax_by_token(lang)?;
        let mut generator =
            ClassedHTMLGenerator::new_with_class_style(syntax, &self.syntaxes, CLASS_STYLE);
        for line in LinesWithEndings::from(code) {
            generator
                .parse_html_for_line_which_includes_newline(line)
                .ok()?;
        }
        Some(generator.finalize())
    }

    /// The stylesheet for highlighted code: a light theme, and a dark one for dark mode.
    pub fn css() -> String {
        let themes = ThemeSet::load_defaults();
        let light = themes
            .themes
            .get("InspiredGitHub")
            .and_then(|t| css_for_theme_with_class_style(t, CLASS_STYLE).ok())
            .map(|css| contrast::readable_colours(&css, contrast::LIGHT_BACKGROUNDS, true))
            .unwrap_or_default();
        let dark = themes
            .themes
            .get("base16-ocean.dark")
            .and_then(|t| css_for_theme_with_class_style(t, CLASS_STYLE).ok())
            .map(|css| contrast::readable_colours(&css, contrast::DARK_BACKGROUNDS, false))
            .unwrap_or_default();
        format!("/* Generated from syntect's InspiredGitHub and base16-ocean.dark themes, colours raised to 4.5:1 contrast.\n   Each theme only in its own mode: the light theme's more specific selectors would otherwise win in dark mode. */\n@media print, not all and (prefers-color-scheme: dark) {{\n{light}\n}}\n@media screen and (prefers-color-scheme: dark) {{\n{dark}\n}}\n")
    }
}

/// What rendering needs besides the events.
pub struct Renderer<'a> {
    pub links: &'a LinkTargets,
    pub base_url: &'a str,
    pub highlighter: &'a Highlighter,
}

impl Renderer<'_> {
    /// Renders `events` from `source` (a file under `content/`); link problems are pushed to `diags`.
    pub fn render(
        &self,
        source: &SourceFile,
        events: &[SpannedEvent],
        diags: &mut Vec<Diagnostic>,
    ) -> String {
        let from = source.path.strip_prefix("content/").unwrap_or(&source.path);
        let mut out: Vec<Event<'static>> = Vec::with_capacity(events.len());
        let mut code: Option<(String, String)> = None;
        let mut heading_ids = BTreeSet::new();
        for (event, range) in events {
            if let Some((lang, text)) = code.as_mut() {
                match event {
                    Event::Text(t) => text.push_str(t),
                    Event::End(TagEnd::CodeBlock) => {
                        out.push(Event::Html(CowStr::from(self.code_block(lang, text))));
                        code = None;
                    }
                    _ => {}
                }
                continue;
            }
            match event {
                Event::Start(Tag::CodeBlock(kind)) => {
                    let lang = match kind {
                        CodeBlockKind::Fenced(info) => code_language(info),
                        CodeBlockKind::Indented => String::new(),
                    };
                    code = Some((lang, String::new()));
                }
                Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                }) => {
                    let (tag, dropped) =
                        headings::clean(*level, id.as_ref(), classes, attrs, &mut heading_ids);
                    // A few located warnings say what happened; a block of
                    // thousands of attributes must not cost thousands of line scans.
                    let count = dropped.len();
                    for d in dropped.into_iter().take(MAX_HEADING_WARNINGS) {
                        diags.push(dropped_warning(source, range.start, d));
                    }
                    if count > MAX_HEADING_WARNINGS {
                        let (line, column) = source.line_col(range.start);
                        diags.push(
                            Diagnostic::warning(
                                source,
                                line,
                                column,
                                format!(
                                    "{} more heading attributes are left out of the page",
                                    count - MAX_HEADING_WARNINGS
                                ),
                            )
                            .code(crate::diagnostics::Code::HeadingAttributeDropped)
                            .help(headings::HEADING_HELP),
                        );
                    }
                    out.push(Event::Start(tag));
                }
                Event::Start(tag @ (Tag::Link { .. } | Tag::Image { .. })) => {
                    let mut tag = tag.clone();
                    if let Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } = &mut tag {
                        *dest_url = self.rewrite(source, from, dest_url, range.start, diags);
                    }
                    out.push(Event::Start(tag));
                }
                // A wide table scrolls in its own focusable box, not the page.
                Event::Start(tag @ Tag::Table(_)) => {
                    out.push(Event::Html(CowStr::from(
                        "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"Table\">",
                    )));
                    out.push(Event::Start(tag.clone()));
                }
                Event::End(TagEnd::Table) => {
                    out.push(Event::End(TagEnd::Table));
                    out.push(Event::Html(CowStr::from("</div>\n")));
                }
                // Raw HTML is shown as text: user content never becomes markup.
                Event::Html(html) | Event::InlineHtml(html) => out.push(Event::Text(html.clone())),
                other => out.push(other.clone()),
            }
        }
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, out.into_iter());
        html
    }

    fn code_block(&self, lang: &str, text: &str) -> String {
        let class = if lang.is_empty() {
            String::new()
        } else {
            format!(" class=\"language-{}\"", escape_attr(lang))
        };
        let body = (!lang.is_empty())
            .then(|| self.highlighter.highlight(text, lang))
            .flatten()
            .unwrap_or_else(|| escape_html(text));
        // Focusable, so that a keyboard can scroll a long line (axe's
        // scrollable-region-focusable).
        format!("<pre class=\"code\" tabindex=\"0\"><code{class}>{body}</code></pre>\n")
    }

    fn rewrite(
        &self,
        source: &SourceFile,
        from: &str,
        dest: &CowStr<'static>,
        offset: usize,
        diags: &mut Vec<Diagnostic>,
    ) -> CowStr<'static> {
        // Only a problem needs the line and column: a valid link costs no lookup.
        let at = || source.line_col(offset);
        if let Some(message) = links::refusal(dest) {
            let (line, column) = at();
            diags.push(
                Diagnostic::error(source, line, column, message)
                    .code(crate::diagnostics::Code::RefusedLink)
                    .help(links::LINK_HELP),
            );
            return CowStr::from("#");
        }
        match self.links.resolve(from, dest) {
            Resolved::Page(path) => CowStr::from(format!("{}{}", self.base_url, path)),
            Resolved::Untouched => {
                if let Some(site_path) = dest.strip_prefix('/') {
                    CowStr::from(format!("{}{}", self.base_url, site_path))
                } else {
                    dest.clone()
                }
            }
            Resolved::Missing(target) => {
                let (line, column) = at();
                let mut d = Diagnostic::error(
                    source,
                    line,
                    column,
                    format!("link to `{dest}`: there is no file `content/{target}`"),
                )
                .code(crate::diagnostics::Code::BrokenLink);
                d = match did_you_mean(&target, self.links.known_paths()) {
                    Some(mean) => d.help(mean),
                    None => d.help("relative links point at files of content/, e.g. `../questions/capacity.md`"),
                };
                diags.push(d);
                CowStr::from("#")
            }
        }
    }
}

/// The language of a fenced block's info string, when it is a plain name
/// (`yaml`, `c++`, `objective-c`): it becomes a class, so nothing else may.
fn code_language(info: &str) -> String {
    let lang = info.split([' ', ',', '{']).next().unwrap_or("");
    let plain = lang.len() <= 32
        && lang
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '#' | '.'));
    if plain {
        lang.to_string()
    } else {
        String::new()
    }
}

/// The warning for a part of a heading's attribute block left out of the page,
/// pointed at the token in the heading's `{...}` block.
fn dropped_warning(source: &SourceFile, offset: usize, dropped: headings::Dropped) -> Diagnostic {
    let (line, _) = source.line_col(offset);
    let text = source.line_text(line);
    let column = text
        .rfind('{')
        .and_then(|open| text[open..].find(&dropped.token).map(|i| open + i))
        .map_or(1, |i| text[..i].chars().count() + 1);
    Diagnostic::warning(
        source,
        line,
        column,
        format!(
            "heading attribute `{}` is left out of the page: {}",
            dropped.token, dropped.reason
        ),
    )
    .code(crate::diagnostics::Code::HeadingAttributeDropped)
    .help(headings::HEADING_HELP)
}

/// Escapes text for HTML element content.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for an attribute value in double quotes.
pub fn escape_attr(text: &str) -> String {
    escape_html(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::markdown::sections;

    fn render(md: &str) -> (String, Vec<Diagnostic>) {
        let source = SourceFile::new("content/handbook/a.md", md);
        let mut targets = LinkTargets::default();
        targets.insert("questions/capacity.md", "questions/capacity/");
        let highlighter = Highlighter::new();
        let renderer = Renderer {
            links: &targets,
            base_url: "/base/",
            highlighter: &highlighter,
        };
        let s = sections(md, 0, false);
        let mut diags = Vec::new();
        let html = renderer.render(&source, &s[0].events, &mut diags);
        (html, diags)
    }

    #[test]
    fn rewrites_links_to_source_files() {
        let (html, diags) = render(
            "See [capacity](../questions/capacity.md#cap-a) and [web](https://x.example).\n",
        );
        assert!(diags.is_empty());
        assert!(
            html.contains("href=\"/base/questions/capacity/#cap-a\""),
            "{html}"
        );
        assert!(html.contains("href=\"https://x.example\""));
    }

    #[test]
    fn reports_missing_files_and_bad_schemes_with_lines() {
        let (html, diags) =
            render("Intro\n\n[a](../questions/capacty.md)\n[b](javascript:alert(1))\n");
        assert_eq!(diags.len(), 2);
        assert_eq!((diags[0].line, diags[0].column), (3, 1));
        assert_eq!(
            diags[0].message,
            "link to `../questions/capacty.md`: there is no file `content/questions/capacty.md`"
        );
        assert_eq!(
            diags[0].help.as_deref(),
            Some("did you mean `questions/capacity.md`?")
        );
        assert_eq!(diags[1].line, 4);
        assert!(!html.contains("javascript"));
    }

    #[test]
    fn escapes_raw_html_and_highlights_code() {
        let (html, _) = render("<script>alert(1)</script>\n\n```yaml\nkey: value\n```\n");
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("hl-"), "{html}");
    }
}
