//! A service file's answers read without the YAML parser when they are
//! written in the plain shapes most answers take: a block-style `answers:`
//! mapping at the top level whose entries are one line of flow mapping
//! (`  q1: {status: yes, evidence: "https://…"}`) or a block of `key: value`
//! lines, nested mappings and a list of one-line flow mappings (a waiver
//! and its history). serde_yaml reads about 20 MB/s; this reads those
//! shapes several times faster, for the loader and for the git trail.
//!
//! Only text whose every scalar any YAML 1.2 parser reads as the same
//! string is taken; anything else (a number, `true`, `null`, an escape, a
//! comment after a value, an empty value, a repeated key, an anchor, deep
//! nesting) gives `None`, and the caller hands it to the YAML parser. A
//! test holds the two to each other on the shapes at the edge.

use serde_yaml::Value;

use crate::text::{lines, lines_inclusive, split, split_once};

pub use super::quick_value::Quick;

/// The question id and value of `chunk` (one entry of the answers mapping:
/// its lines, with the comments and blank lines after it), when it is
/// written in a shape this module takes, as the YAML parser's value.
pub fn value(chunk: &str) -> Option<(String, Value)> {
    quick(chunk).map(|(key, value)| (key.to_string(), value.to_yaml()))
}

/// [`value`], borrowing `chunk`'s text: what the loader reads a service's
/// answers from, with no YAML value built.
pub fn quick(chunk: &str) -> Option<(&str, Quick<'_>)> {
    flow_line(chunk).or_else(|| block(chunk))
}

/// A one-line flow mapping: `  q1: {status: yes, evidence: x}`.
fn flow_line(chunk: &str) -> Option<(&str, Quick<'_>)> {
    let (line, rest) = split_once(chunk, b'\n').unwrap_or((chunk, ""));
    if !lines(rest).all(is_blank_or_comment) {
        return None;
    }
    let (key, body) = split_once(line.trim_start_matches(' '), b':')?;
    if !is_key(key) {
        return None;
    }
    let body = body.strip_prefix(' ')?.trim_start_matches(' ');
    Some((key, flow_mapping(body.trim_end_matches(' '))?))
}

/// The pairs of a one-line flow mapping `{a: b, c: d}` of [`text`] values,
/// in order; `None` for any other shape or a repeated key.
fn flow_pairs(flow: &str) -> Option<Vec<(&str, &str)>> {
    let body = flow.strip_prefix('{')?.strip_suffix('}')?;
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    if body.trim_matches(' ').is_empty() {
        return Some(pairs);
    }
    for pair in split(body, b',') {
        // A key is a word (no `:`), so its colon is the first one, and a
        // space must follow it.
        let (field, value) = split_once(pair.trim_start_matches(' '), b':')?;
        let value = flow_text(value.strip_prefix(' ')?.trim_matches(' '))?;
        if !is_word(field) {
            return None;
        }
        pairs.push((field, value));
    }
    (!repeats_a_key(&pairs)).then_some(pairs)
}

/// Whether two pairs share a key. An answer's line holds a few keys, which
/// a scan compares fastest; a set above that, as a hostile line may hold
/// 100,000.
fn repeats_a_key<V>(pairs: &[(&str, V)]) -> bool {
    const SCAN_UP_TO: usize = 8;
    if pairs.len() <= SCAN_UP_TO {
        return pairs
            .iter()
            .enumerate()
            .any(|(i, (key, _))| pairs[..i].iter().any(|(seen, _)| seen == key));
    }
    let mut fields = foldhash::HashSet::default();
    !pairs.iter().all(|(key, _)| fields.insert(*key))
}

/// Deepest nesting taken below an answer's key: a waiver's history event is 3.
const MAX_BLOCK_DEPTH: usize = 6;

/// A block: the key alone on its line, then `key: value` lines, nested
/// mappings, and lists of one-line flow mappings or texts, each deeper than
/// its parent.
fn block(chunk: &str) -> Option<(&str, Quick<'_>)> {
    let mut lines: Vec<(usize, &str)> = Vec::new();
    for line in split(chunk, b'\n') {
        if line.contains(['\r', '\t']) {
            return None;
        }
        if !is_blank_or_comment(line) {
            let content = line.trim_start_matches(' ');
            lines.push((line.len() - content.len(), content.trim_end_matches(' ')));
        }
    }
    let (&(indent, head), body) = lines.split_first()?;
    let key = head.strip_suffix(':')?;
    let &(inner, _) = body.first()?;
    if !is_key(key) || inner <= indent {
        return None;
    }
    let (value, used) = block_map(body, inner, 1)?;
    if used != body.len() {
        return None;
    }
    Some((key, value))
}

/// The mapping whose keys stand at column `at`, from the first of `lines`;
/// with how many lines it holds.
fn block_map<'t>(
    lines: &[(usize, &'t str)],
    at: usize,
    depth: usize,
) -> Option<(Quick<'t>, usize)> {
    if depth > MAX_BLOCK_DEPTH {
        return None;
    }
    let mut map = Vec::new();
    let mut i = 0;
    while let Some(&(indent, content)) = lines.get(i) {
        if indent < at {
            break;
        }
        let (key, rest) = split_once(content, b':')?;
        if indent > at || !is_word(key) {
            return None;
        }
        i += 1;
        let value = if rest.is_empty() {
            let (nested, used) = block_nested(&lines[i..], at, depth)?;
            i += used;
            nested
        } else {
            block_value(rest.strip_prefix(' ')?.trim_start_matches(' '))?
        };
        map.push((key, value));
    }
    (!repeats_a_key(&map)).then_some((Quick::Map(map), i))
}

/// What a key alone on its line holds: a list or a mapping, deeper than `at`.
fn block_nested<'t>(
    lines: &[(usize, &'t str)],
    at: usize,
    depth: usize,
) -> Option<(Quick<'t>, usize)> {
    let &(inner, first) = lines.first()?;
    if inner <= at {
        return None;
    }
    if !first.starts_with("- ") {
        return block_map(lines, inner, depth + 1);
    }
    let mut items = Vec::new();
    for &(indent, content) in lines {
        if indent < inner {
            break;
        }
        let item = content.strip_prefix("- ")?.trim_start_matches(' ');
        if indent > inner || depth + 1 > MAX_BLOCK_DEPTH {
            return None;
        }
        items.push(block_value(item)?);
    }
    let used = items.len();
    Some((Quick::List(items), used))
}

/// A value on the line of its key or list dash in a block: a
/// [`block_text`] or a one-line flow mapping.
fn block_value(value: &str) -> Option<Quick<'_>> {
    if value.starts_with('{') {
        return flow_mapping(value);
    }
    block_text(value).map(Quick::Text)
}

/// A one-line flow mapping of [`flow_text`]s, as a value.
fn flow_mapping(value: &str) -> Option<Quick<'_>> {
    let map = flow_pairs(value)?
        .into_iter()
        .map(|(k, v)| (k, Quick::Text(v)))
        .collect();
    Some(Quick::Map(map))
}

/// A question id as a key: a [`is_word`] starting with a lower-case letter.
fn is_key(key: &str) -> bool {
    is_word(key) && key.starts_with(|c: char| c.is_ascii_lowercase())
}

/// A line that holds nothing for YAML.
fn is_blank_or_comment(line: &str) -> bool {
    let line = line.trim_start_matches(' ');
    line.is_empty() || line.starts_with('#')
}

/// A plain key or value YAML reads as this very text: letters, digits and
/// `_-./@+`, starting with a letter, and not one of the words YAML reads as
/// null or a boolean. (Words YAML 1.1 read as booleans, `yes`, `no`, `on`,
/// `off`, are text in YAML 1.2.)
fn is_word(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-./@+".contains(&b))
        && !is_null_or_bool(s)
}

/// The words YAML 1.2 reads as null or a boolean.
fn is_null_or_bool(s: &str) -> bool {
    matches!(
        s,
        "null" | "Null" | "NULL" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
    )
}

/// A value's text that is not plain words: a date `YYYY-MM-DD` (never a
/// number), or text in double or single quotes with no escape and no quote
/// inside.
fn text(value: &str) -> Option<&str> {
    if is_date(value) {
        return Some(value);
    }
    // Inside double quotes only `"` and `\` are special; inside single quotes only `'`.
    let quoted = |q: u8, special: &[u8]| {
        let inner = value.strip_prefix(q as char)?.strip_suffix(q as char)?;
        let plain = inner
            .bytes()
            .all(|b| (0x20..0x7f).contains(&b) && !special.contains(&b));
        plain.then_some(inner)
    };
    quoted(b'"', b"\"\\").or_else(|| quoted(b'\'', b"'"))
}

/// A value's text in a block (outside `{}`): a [`text`], or a plain
/// scalar of printable ASCII (a link, `https://wiki.example/x?a=b#c`, or a
/// sentence, `1.5x last year's peak; p99 240 ms.`) that YAML reads as
/// written: it starts with a letter, or with a digit and holds a space (so
/// it is no number), no `: ` or ` #` could end it, and it does not end
/// with `:`.
fn block_text(value: &str) -> Option<&str> {
    if let Some(text) = text(value) {
        return Some(text);
    }
    let starts_as_text = value.starts_with(|c: char| c.is_ascii_alphabetic())
        || (value.starts_with(|c: char| c.is_ascii_digit()) && value.contains(' '));
    let plain = starts_as_text
        && !is_null_or_bool(value)
        && !value.ends_with([' ', ':'])
        && is_plain_ascii(value);
    plain.then_some(value)
}

/// Printable ASCII holding neither `: ` nor ` #`, in one pass over the bytes
/// (about two million answer values at 1,000 services).
fn is_plain_ascii(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.iter().enumerate().all(|(i, &b)| {
        let next = bytes.get(i + 1).copied();
        (0x20..0x7f).contains(&b)
            && !(b == b':' && next == Some(b' '))
            && !(b == b' ' && next == Some(b'#'))
    })
}

/// A value's text inside `{}`: a [`block_text`] without the characters
/// that end a plain scalar there (`,[]{}`).
fn flow_text(value: &str) -> Option<&str> {
    let text = block_text(value)?;
    let plain = value.starts_with(['"', '\'']) || !text.contains([',', '[', ']', '{', '}']);
    plain.then_some(text)
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

/// Whether `text` may define a YAML anchor (`&name` where a value starts).
pub fn has_anchor(text: &str) -> bool {
    let bytes = text.as_bytes();
    // Most files hold no `&` at all: a vector search finds that at once.
    memchr::memchr_iter(b'&', bytes).any(|i| {
        (i == 0
            || matches!(
                bytes[i - 1],
                b' ' | b'\t' | b'\n' | b'[' | b'{' | b',' | b':' | b'-'
            ))
            && bytes.get(i + 1).is_some_and(|c| !c.is_ascii_whitespace())
    })
}

/// The byte ranges of the entries of a block-style `answers:` mapping at the
/// top level: each entry from its key line to the next key line; `None` when
/// the file's answers are not written that way.
pub fn answer_chunks(text: &str) -> Option<Vec<(usize, usize)>> {
    let mut chunks: Vec<(usize, usize)> = Vec::new();
    let mut offset = 0;
    let mut inside = false;
    let mut indent = None;
    for line in lines_inclusive(text) {
        let start = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        if !inside {
            if body.trim_end() == "answers:" {
                if !chunks.is_empty() || indent.is_some() {
                    return None;
                }
                inside = true;
            }
            continue;
        }
        let trimmed = body.trim_start_matches(' ');
        if trimmed.is_empty() || trimmed.starts_with('#') {
            if let Some(last) = chunks.last_mut() {
                last.1 = offset;
            }
            continue;
        }
        let depth = body.len() - trimmed.len();
        if depth == 0 {
            break;
        }
        match indent {
            None => indent = Some(depth),
            Some(n) if depth < n => return None,
            Some(_) => {}
        }
        if Some(depth) == indent {
            chunks.push((start, offset));
        } else {
            chunks.last_mut()?.1 = offset;
        }
    }
    let (first, last) = (chunks.first()?.0, chunks.last()?.1);
    (inside && !has_hidden_break(&text[first..last])).then_some(chunks)
}

/// Whether `text` holds a character the YAML parser (YAML 1.1, as libyaml)
/// may take for a line break where this module sees none: `\r`, NEL, LS or
/// PS. After one of them inside a comment, the parser reads an answer this
/// module would take for the rest of the comment, so such files go to the
/// parser. Their bytes are found with `memchr3`; most text has none.
fn has_hidden_break(text: &str) -> bool {
    const BREAKS: [&str; 3] = ["\u{85}", "\u{2028}", "\u{2029}"];
    let bytes = text.as_bytes();
    memchr::memchr3_iter(b'\r', 0xC2, 0xE2, bytes)
        .any(|i| bytes[i] == b'\r' || BREAKS.iter().any(|b| bytes[i..].starts_with(b.as_bytes())))
}

/// Every service file of the bundled handbook and the test fixtures: the
/// corpus the quick readers are held to the YAML parser on.
#[cfg(test)]
pub(crate) fn service_files_in_repository() -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["content/services", "tests/fixtures"] {
        for entry in ignore::Walk::new(root.join(dir)) {
            let path = entry.expect("the repository is readable").into_path();
            if path.extension().is_some_and(|e| e == "yaml")
                && path.parent().is_some_and(|p| p.ends_with("services"))
            {
                files.push(std::fs::read_to_string(path).expect("a service file"));
            }
        }
    }
    assert!(files.len() > 10);
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_ascii_is_read_in_one_pass_as_in_three() {
        let three = |v: &str| {
            !v.contains(": ") && !v.contains(" #") && v.bytes().all(|b| (0x20..0x7f).contains(&b))
        };
        let pieces = [
            "a", ":", " ", "#", "x: y", "a #b", "a#b", "a:b", "é", "\t", "~", "\x7f", "",
        ];
        for first in pieces {
            for second in pieces {
                for third in pieces {
                    let value = format!("{first}{second}{third}");
                    assert_eq!(is_plain_ascii(&value), three(&value), "{value:?}");
                }
            }
        }
    }

    /// The parser ends a line at `\r`, NEL, LS and PS too: an answer after
    /// one of them in a comment was dropped here and read there.
    #[test]
    fn a_hidden_line_break_sends_the_answers_to_the_parser() {
        let answers = "answers:\n  q1: {status: yes, evidence: x}\n";
        assert!(answer_chunks(&format!("{answers}  # c\n  q3: {{status: no}}\n")).is_some());
        for hidden in ["\r", "\u{85}", "\u{2028}", "\u{2029}"] {
            let text = format!("{answers}  # c{hidden}  q3: {{status: no}}\n");
            assert_eq!(answer_chunks(&text), None, "{hidden:?}");
        }
        assert!(!has_hidden_break("é → ✓ … \u{a0}"));
    }

    #[test]
    fn an_anchor_is_an_ampersand_where_a_value_starts() {
        assert!(has_anchor("&a x"));
        assert!(has_anchor("k: &base\n"));
        assert!(has_anchor("- [&x 1]"));
        assert!(!has_anchor("a & b, x&y"));
        assert!(!has_anchor("k: &\n"));
        assert!(!has_anchor("k: &"));
        assert!(!has_anchor("no ampersand"));
    }

    /// The entry of `chunk` as the YAML parser reads it, at the depth the entries of `answers:` stand.
    fn parsed(chunk: &str) -> Option<(String, Value)> {
        let value = crate::load::yaml_budget::value_at(chunk, 1).ok()?;
        let (key, value) = value.as_mapping()?.iter().next()?;
        Some((key.as_str()?.to_string(), value.clone()))
    }

    /// A line of 50,000 pairs is read in one pass: its repeated key was
    /// looked for by scanning the pairs before it, which is quadratic.
    #[test]
    fn a_line_of_many_pairs_is_read_in_one_pass() {
        let pairs: Vec<String> = (0..50_000).map(|i| format!("k{i}: v")).collect();
        let line = format!("  q1: {{status: yes, {}}}\n", pairs.join(", "));
        assert!(value(&line).is_some());
        let repeated = line.replace("}\n", ", k7: w}\n");
        assert!(
            value(&repeated).is_none(),
            "a repeated key goes to the parser"
        );
    }

    /// Every line the quick reader takes, it reads as the YAML parser does;
    /// the lines it refuses are the parser's to read.
    #[test]
    fn reads_what_it_takes_as_the_yaml_parser_does() {
        let values = [
            "yes",
            "no",
            "on",
            "off",
            "y",
            "n",
            "Yes",
            "NO",
            "partial",
            "waived",
            "n/a",
            "true",
            "True",
            "FALSE",
            "null",
            "Null",
            "~",
            "",
            "12",
            "1.5",
            "0x1f",
            "1e3",
            "-1",
            "+1",
            "inf",
            "nan",
            ".inf",
            ".nan",
            "infinity",
            "2027-01-08",
            "2027-1-8",
            "20270108",
            "\"https://x.example/a?b=c#d\"",
            "'it''s'",
            "'plain'",
            "\"a\\\"b\"",
            "\"tab\\t\"",
            "https://x.example/a",
            "a b",
            "a#b",
            "a #b",
            "[x]",
            "{x: y}",
            "\"\"",
            "''",
            "team@example",
            "v1.2.3",
            "a-b_c",
            "\"é\"",
            "-",
            "?",
            "*x",
            "&x y",
            "!t y",
            "|",
            "https://x.example/a#b",
            "https://x.example/a?b",
            "a:b",
            "a:",
            "38 GB",
            "1 2",
            "\"day's, orders\"",
            "'say \"hi\"'",
            "a]b",
            "a{b",
            "'a,b'",
            "\"a]b\"",
            "not started",
            "a  b",
            "true story",
            "null and void",
            "a -b",
            "a - b",
            "a ?b",
            "a !b",
            "x .inf",
            "a b.",
            "a @b",
            "a +1",
        ];
        let keys = [
            "q1", "c0-q0", "true", "null", "123", "Q1", "1q", "a.b", "a b", "\"q\"",
        ];
        let mut lines = Vec::new();
        for key in keys {
            for value in values {
                lines.push(format!("  {key}: {{status: {value}, evidence: x}}\n"));
                lines.push(format!("  {key}: {{evidence: {value}}}\n"));
            }
        }
        lines.extend(
            [
                "  q1: {}\n",
                "  q1: { }\n",
                "  q1: {status: yes,}\n",
                "  q1: {status: yes, status: no}\n",
                "  q1: {status: yes,evidence: x}\n",
                "  q1: {status:yes}\n",
                "  q1: {status: yes} # done\n",
                "  q1: {status: yes}\n  # a comment\n\n",
                "  q1: {status: yes}\r\n",
                "  q1: {status: yes, waiver: {reason: r}}\n",
                "  q1: {status: yes, note: \"x\"}\n",
                "  q1:  {status: yes}\n",
                "  q1: {status: yes, plan: p, due: 2027-01-08}\n",
                "  q1: {status: yes}\n    evidence: x\n",
                "  q1: [status, yes]\n",
                "  q1: 7\n",
                "\tq1: {status: yes}\n",
            ]
            .map(String::from),
        );
        let waiver = "    status: waived\n    waiver:\n      reason: Drill booked for March.\n      approver: bob\n      granted: 2026-01-05\n      expires: 2026-03-01\n      history:\n        - {date: 2026-01-05, event: granted, by: bob}\n        - {date: 2026-02-05, event: renewed}\n";
        let mut blocks = vec![
            format!("  q1:\n{waiver}"),
            format!("  q1:\n{waiver}\n  # after\n"),
        ];
        for (from, to) in [
            ("reason: Drill booked for March.", "reason: Drill, booked"),
            ("reason: Drill booked for March.", "reason: https://wiki.example/a?b=c&d=e#f"),
            ("reason: Drill booked for March.", "reason: mailto:x@y.example"),
            ("reason: Drill booked for March.", "reason: a:b"),
            ("reason: Drill booked for March.", "reason: http:"),
            ("reason: Drill booked for March.", "reason: a: b"),
            ("reason: Drill booked for March.", "reason: a #b"),
            ("reason: Drill booked for March.", "reason: a#b 100% ~ok"),
            ("reason: Drill booked for March.", "reason: see https://x.example/ then"),
            ("reason: Drill booked for March.", "reason: 1.5x last year's peak; p99 (240 ms), \"ok\" [a] {b} *c &d !e |f >g `h` $i"),
            ("reason: Drill booked for March.", "reason: a:"),
            ("reason: Drill booked for March.", "reason: a -- b ---"),
            ("reason: Drill booked for March.", "reason: a\\b"),
            ("reason: Drill booked for March.", "reason: 38 GB of cache; 8k context"),
            ("reason: Drill booked for March.", "reason: 38"),
            ("reason: Drill booked for March.", "reason: 1e3"),
            ("reason: Drill booked for March.", "reason: 0x1f 2"),
            ("reason: Drill booked for March.", "reason: \"day's: orders, \\\"x\\\"\""),
            ("reason: Drill booked for March.", "reason: \"day's: orders\""),
            ("reason: Drill booked for March.", "reason: 'say \"hi\"'"),
            ("approver: bob", "approver: {name: https://x.example/a#b, at: 38 GB}"),
            ("approver: bob", "approver: {name: a:b, at: a]b}"),
            ("approver: bob", "approver: {name: a: b}"),
            ("approver: bob", "approver: {name: a?b}"),
            ("        - {date: 2026-02-05, event: renewed}", "        - https://x.example/a#b"),
            ("        - {date: 2026-02-05, event: renewed}", "        - {date: 2026-02-05, by: https://x.example}"),
            ("reason: Drill booked for March.", "reason: \"Drill: booked\""),
            ("reason: Drill booked for March.", "reason:"),
            ("reason: Drill booked for March.", "reason: Drill # booked"),
            ("reason: Drill booked for March.", "reason: true"),
            ("reason: Drill booked for March.", "reason: >\n        folded"),
            ("approver: bob", "approver: bob\n      approver: eve"),
            ("approver: bob", "approver:   bob  "),
            ("approver: bob", "approver: {name: bob}"),
            ("approver: bob", "approver: [bob]"),
            ("granted: 2026-01-05", "granted: 2026-01-05T10:00:00Z"),
            ("      history:\n        -", "      history:\n      -"),
            ("        - {date: 2026-02-05, event: renewed}", "        - renewed"),
            ("        - {date: 2026-02-05, event: renewed}", "        - date: 2026-02-05"),
            ("        - {date: 2026-02-05, event: renewed}", "          - {date: 2026-02-05}"),
            ("    waiver:\n", "    waiver:\n\n      # why\n"),
            ("    status: waived\n", "    status: waived\n     odd: indent\n"),
            ("    status: waived\n", "    status: waived\n      deeper: x\n"),
            ("    status: waived\n", "\tstatus: waived\n"),
            ("    status: waived\n", "    status: waived\r\n"),
            ("    status: waived\n", "    extra:\n      a:\n        b:\n          c:\n            d:\n              e:\n                f: deep\n"),
        ] {
            blocks.push(format!("  q1:\n{}", waiver.replacen(from, to, 1)));
        }
        blocks.push("  q1:\n".to_string());
        blocks.push("  q1: # c\n    status: yes\n".to_string());
        blocks.push("  q1:\n  status: yes\n".to_string());
        assert!(
            value(&blocks[0]).is_some() && value(&blocks[1]).is_some(),
            "a waiver block is taken"
        );
        lines.extend(blocks);
        let mut taken = 0;
        for line in &lines {
            if let Some(read) = value(line) {
                taken += 1;
                assert_eq!(parsed(line), Some(read), "read differently: {line:?}");
            }
        }
        assert!(taken > 100, "the common shapes are taken ({taken})");
    }
}
