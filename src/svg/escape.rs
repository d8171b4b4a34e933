//! Escaping of untrusted text for SVG (XML) output.
//!
//! Every label, title, description and link in a diagram comes from handbook
//! content, so everything goes through these functions: a service called
//! `<script>` must stay text, and a link must never break out of its attribute.

/// Appends `text` to `out` escaped for use as XML character data.
pub fn push_text(out: &mut String, text: &str) {
    push_escaped(out, text, false);
}

/// Appends `value` to `out` escaped for use inside a double-quoted XML attribute.
pub fn push_attr(out: &mut String, value: &str) {
    push_escaped(out, value, true);
}

/// Returns `text` escaped for use as XML character data.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_text(&mut out, text);
    out
}

/// Returns `value` escaped for use inside a double-quoted XML attribute.
pub fn escape_attr(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    push_attr(&mut out, value);
    out
}

/// Copies each run of plain bytes whole and escapes the characters between:
/// labels and links are mostly plain, and pushing them a character at a
/// time was a tenth of drawing a diagram.
fn push_escaped(out: &mut String, text: &str, in_attribute: bool) {
    let mut rest = text;
    loop {
        let plain = rest
            .bytes()
            .position(|b| !is_plain(b))
            .unwrap_or(rest.len());
        out.push_str(&rest[..plain]);
        rest = &rest[plain..];
        let Some(ch) = rest.chars().next() else {
            return;
        };
        push_char(out, ch, in_attribute);
        rest = &rest[ch.len_utf8()..];
    }
}

/// A printable ASCII byte that is written as it is, in text and attributes alike.
fn is_plain(byte: u8) -> bool {
    matches!(byte, b' '..=b'~') && !matches!(byte, b'&' | b'<' | b'>' | b'"' | b'\'')
}

fn push_char(out: &mut String, ch: char, in_attribute: bool) {
    match ch {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' if in_attribute => out.push_str("&quot;"),
        '\'' if in_attribute => out.push_str("&#39;"),
        // Attribute values are normalised by XML parsers: a literal newline or
        // tab would silently become a space, so keep them as references.
        '\n' if in_attribute => out.push_str("&#10;"),
        '\t' if in_attribute => out.push_str("&#9;"),
        '\r' => out.push_str("&#13;"),
        c if is_xml_char(c) => out.push(c),
        // Characters XML 1.0 forbids (most C0 controls, U+FFFE, U+FFFF) would make
        // the whole page unparseable; show a replacement character instead.
        _ => out.push('\u{FFFD}'),
    }
}

/// Whether XML 1.0 allows `c` in a document at all.
fn is_xml_char(c: char) -> bool {
    matches!(c,
        '\u{9}' | '\u{A}' | '\u{D}'
        | '\u{20}'..='\u{D7FF}'
        | '\u{E000}'..='\u{FFFD}'
        | '\u{10000}'..='\u{10FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped_in_text() {
        assert_eq!(
            escape_text("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert('x') &amp; \"y\"&lt;/script&gt;"
        );
    }

    #[test]
    fn quotes_and_whitespace_are_escaped_in_attributes() {
        assert_eq!(escape_attr("a\"b'c&d\ne"), "a&quot;b&#39;c&amp;d&#10;e");
    }

    #[test]
    fn characters_xml_forbids_are_replaced() {
        assert_eq!(
            escape_text("a\u{0}b\u{1B}c\u{FFFF}"),
            "a\u{FFFD}b\u{FFFD}c\u{FFFD}"
        );
    }

    #[test]
    fn ordinary_unicode_passes_through() {
        assert_eq!(escape_text("Bestellung · 注文 🚀"), "Bestellung · 注文 🚀");
    }

    #[test]
    fn runs_of_plain_bytes_escape_as_character_by_character() {
        let mut samples: Vec<String> = (0..0x80u8).map(|b| char::from(b).to_string()).collect();
        samples.extend(
            [
                "plain text",
                "a<b>c",
                "é&ü",
                "\u{FFFE}x",
                "tab\there",
                "",
                "'\"",
                "注文 🚀 <",
            ]
            .map(String::from),
        );
        for text in &samples {
            for in_attribute in [false, true] {
                let mut by_char = String::new();
                text.chars()
                    .for_each(|c| push_char(&mut by_char, c, in_attribute));
                let mut by_run = String::new();
                push_escaped(&mut by_run, text, in_attribute);
                assert_eq!(by_run, by_char, "{text:?} (attribute: {in_attribute})");
            }
        }
    }
}
