//! Text between a lens and a question bank: lens text written into Markdown
//! stays plain text, and bank text written into a lens fits its limits.

use super::format::text_len;

/// `text` on one line: control characters and line or paragraph separators
/// become spaces, runs of whitespace one space.
pub fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if is_break(c) { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_break(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{85}')
}

/// Plain text made inert Markdown: on one line, every ASCII punctuation
/// character that Markdown could read as syntax escaped with `\` (CommonMark
/// lets any ASCII punctuation be escaped), so a lens title can never become a
/// heading, a link, HTML, an attribute block or emphasis.
pub fn markdown_inline(text: &str) -> String {
    let mut out = String::new();
    for c in one_line(text).chars() {
        if c.is_ascii_punctuation()
            && !matches!(
                c,
                ',' | '\'' | '"' | '?' | ';' | '/' | '%' | '$' | '@' | ':'
            )
        {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Plain text of several paragraphs made inert Markdown: paragraphs (split at
/// blank lines) kept apart, lines within one kept as hard breaks (`\` at the
/// end of a line), each line escaped as [`markdown_inline`].
pub fn markdown_paragraphs(text: &str) -> Vec<String> {
    let normal = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut paragraphs = Vec::new();
    for block in normal.split("\n\n") {
        let lines: Vec<String> = block
            .split('\n')
            .map(markdown_inline)
            .filter(|l| !l.is_empty())
            .collect();
        if !lines.is_empty() {
            paragraphs.push(lines.join("\\\n"));
        }
    }
    paragraphs
}

/// A lens URL as a Markdown link destination, or `None` when it is not an
/// `http(s)://host...` URL (the only kind the format and orr allow). Characters
/// that could end the destination or start markup are percent-encoded.
pub fn safe_url(url: &str) -> Option<String> {
    let url = url.trim();
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return None;
    };
    let host_ok = rest
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || c == '[');
    if !host_ok || url.chars().any(|c| c.is_control() || is_break(c)) {
        return None;
    }
    let mut out = String::new();
    for c in url.chars() {
        match c {
            ' ' | '(' | ')' | '<' | '>' | '"' | '\\' | '`' | '[' | ']' | '{' | '}' | '|' | '^' => {
                out.push_str(&format!("%{:02X}", c as u32))
            }
            c if c.is_whitespace() => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    Some(out)
}

/// `text` cut to at most `max` UTF-16 units, ending with `…` when cut; `None` when it fits.
pub fn shorten(text: &str, max: usize) -> Option<String> {
    if text_len(text) <= max {
        return None;
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        if used + c.len_utf16() > max.saturating_sub(1) {
            break;
        }
        used += c.len_utf16();
        out.push(c);
    }
    let mut out = out.trim_end().to_string();
    out.push('…');
    Some(out)
}

/// The readable text of guidance HTML (orr's own rendering, so tags are
/// well formed): tags dropped, block ends as line breaks, entities decoded,
/// paragraphs kept apart by one blank line.
pub fn html_to_text(html: &str) -> String {
    let mut raw = String::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        // A line break inside a paragraph is a soft break: a space.
        raw.push_str(&rest[..start].replace('\n', " "));
        let Some(len) = rest[start..].find('>') else {
            rest = "";
            break;
        };
        let tag = &rest[start + 1..start + len];
        let name = tag
            .trim_start_matches('/')
            .split([' ', '/'])
            .next()
            .unwrap_or("");
        if name == "li" {
            if !tag.starts_with('/') {
                raw.push_str("\n- ");
            }
        } else if matches!(
            name,
            "p" | "br"
                | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
                | "pre"
                | "tr"
                | "blockquote"
                | "ul"
                | "ol"
                | "table"
        ) {
            raw.push('\n');
            if tag.starts_with('/')
                && matches!(name, "p" | "pre" | "ul" | "ol" | "table" | "blockquote")
            {
                raw.push('\n');
            }
        }
        rest = &rest[start + len + 1..];
    }
    raw.push_str(&rest.replace('\n', " "));
    let decoded = decode_entities(&raw);
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for line in decoded.lines().map(one_line) {
        if line.is_empty() {
            if !current.is_empty() {
                paragraphs.push(current.join("\n"));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        paragraphs.push(current.join("\n"));
    }
    paragraphs.join("\n\n")
}

fn decode_entities(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lens_text_stays_text() {
        let hostile = "Evil {#x level=required}\n## Injected {#y}\n<script>alert(1)</script> [a](javascript:x)";
        let md = markdown_inline(hostile);
        assert!(!md.contains('\n'));
        assert!(md.contains("\\{\\#x level\\=required\\}"));
        assert!(md.contains("\\<script\\>"));
        assert!(md.contains("\\[a\\]\\(javascript:x\\)"));
    }

    #[test]
    fn only_web_urls_pass() {
        assert_eq!(
            safe_url("https://a.example/x y(1)").as_deref(),
            Some("https://a.example/x%20y%281%29")
        );
        assert_eq!(
            safe_url("HTTP://a.example").as_deref(),
            Some("HTTP://a.example")
        );
        for bad in [
            "javascript:alert(1)",
            "https://",
            "https:///x",
            "//host",
            "data:text/html,x",
            "https://a\nb",
        ] {
            assert_eq!(safe_url(bad), None, "{bad}");
        }
    }

    #[test]
    fn shortening_counts_utf16_and_marks_the_cut() {
        assert_eq!(shorten("abc", 3), None);
        assert_eq!(shorten("abcdef", 4).as_deref(), Some("abc…"));
        let emoji = "😀😀😀";
        let cut = shorten(emoji, 4).unwrap();
        assert!(text_len(&cut) <= 4, "{cut}");
    }

    #[test]
    fn guidance_html_reads_as_paragraphs() {
        let html = "<p>One &amp; <code>two</code>\nand more.</p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<p>Three &lt;x&gt;</p>";
        assert_eq!(
            html_to_text(html),
            "One & two and more.\n\n- a\n- b\n\nThree <x>"
        );
    }
}
