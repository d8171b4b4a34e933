//! An answer read without the YAML parser when it is written in the plain
//! shapes most answers take: one line of flow mapping
//! (`  q1: {status: yes, evidence: "https://…"}`), or a block of
//! `key: value` lines, nested mappings and a list of one-line flow
//! mappings (a waiver and its history). A repository's first version of
//! every service file is read whole, and this reads it several times faster.
//!
//! Only text whose every scalar any YAML 1.2 parser reads as the same
//! string is taken; anything else (a number, `true`, `null`, an escape, a
//! comment after a value, an empty value, a repeated key, an anchor, deep
//! nesting) gives `None`, and the caller hands the answer to the YAML
//! parser. A test holds the two to each other on the shapes at the edge.

use serde_yaml::{Mapping, Value};

use super::snapshot::{answer, take, AnswerSnap, ANSWER_KEYS};

/// The question id and answer of `chunk` (one answer's lines, with the
/// comments and blank lines after it), when it is written in a shape this
/// module takes.
pub(super) fn read(chunk: &str) -> Option<(String, AnswerSnap)> {
    read_flow_line(chunk).or_else(|| read_block(chunk))
}

/// A one-line flow mapping: `  q1: {status: yes, evidence: x}`.
fn read_flow_line(chunk: &str) -> Option<(String, AnswerSnap)> {
    let (line, rest) = chunk.split_once('\n').unwrap_or((chunk, ""));
    if !rest.lines().all(is_blank_or_comment) {
        return None;
    }
    let (key, body) = line.trim_start_matches(' ').split_once(':')?;
    if !is_key(key) {
        return None;
    }
    let body = body.strip_prefix(' ')?.trim_start_matches(' ');
    let mut snap = AnswerSnap::default();
    for (field, value) in flow_pairs(body.trim_end_matches(' '))? {
        if ANSWER_KEYS.contains(&field) && field != "waiver" {
            take(&mut snap, field, &Value::String(value.to_string()));
        }
    }
    Some((key.to_string(), snap))
}

/// The pairs of a one-line flow mapping `{a: b, c: d}` of [`text`] values,
/// in order; `None` for any other shape or a repeated key.
fn flow_pairs(flow: &str) -> Option<Vec<(&str, &str)>> {
    let body = flow.strip_prefix('{')?.strip_suffix('}')?;
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    if body.trim_matches(' ').is_empty() {
        return Some(pairs);
    }
    for pair in body.split(',') {
        let (field, value) = pair.trim_start_matches(' ').split_once(": ")?;
        let value = text(value.trim_matches(' '))?;
        if !is_word(field) || pairs.iter().any(|(f, _)| *f == field) {
            return None;
        }
        pairs.push((field, value));
    }
    Some(pairs)
}

/// Deepest nesting taken below an answer's key: a waiver's history event is 3.
const MAX_BLOCK_DEPTH: usize = 6;

/// A block: the key alone on its line, then `key: value` lines, nested
/// mappings, and lists of one-line flow mappings or texts, each deeper than
/// its parent.
fn read_block(chunk: &str) -> Option<(String, AnswerSnap)> {
    let mut lines: Vec<(usize, &str)> = Vec::new();
    for line in chunk.split('\n') {
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
    Some((key.to_string(), answer(&value)?))
}

/// The mapping whose keys stand at column `at`, from the first of `lines`;
/// with how many lines it holds.
fn block_map(lines: &[(usize, &str)], at: usize, depth: usize) -> Option<(Value, usize)> {
    if depth > MAX_BLOCK_DEPTH {
        return None;
    }
    let mut map = Mapping::new();
    let mut i = 0;
    while let Some(&(indent, content)) = lines.get(i) {
        if indent < at {
            break;
        }
        let (key, rest) = content.split_once(':')?;
        let key = Value::String(key.to_string());
        if indent > at || !key.as_str().is_some_and(is_word) || map.contains_key(&key) {
            return None;
        }
        i += 1;
        let value = if rest.is_empty() {
            let (nested, used) = block_nested(&lines[i..], at, depth)?;
            i += used;
            nested
        } else {
            inline_value(rest.strip_prefix(' ')?.trim_start_matches(' '))?
        };
        map.insert(key, value);
    }
    Some((Value::Mapping(map), i))
}

/// What a key alone on its line holds: a list or a mapping, deeper than `at`.
fn block_nested(lines: &[(usize, &str)], at: usize, depth: usize) -> Option<(Value, usize)> {
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
        items.push(inline_value(item)?);
    }
    let used = items.len();
    Some((Value::Sequence(items), used))
}

/// A value on the line of its key or list dash: a [`text`] or a one-line flow mapping of them.
fn inline_value(value: &str) -> Option<Value> {
    if value.starts_with('{') {
        let pairs = flow_pairs(value)?;
        let map = pairs
            .into_iter()
            .map(|(k, v)| (Value::String(k.to_string()), Value::String(v.to_string())))
            .collect();
        return Some(Value::Mapping(map));
    }
    text(value).map(|t| Value::String(t.to_string()))
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
        && !matches!(
            s,
            "null" | "Null" | "NULL" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
        )
}

/// A value's text: words (`not started`), a date `YYYY-MM-DD` (never a
/// number), or text in double or single quotes with no escape and no quote
/// inside.
pub(super) fn text(value: &str) -> Option<&str> {
    if is_words(value) || is_date(value) {
        return Some(value);
    }
    let quoted = |q: char| {
        let inner = value.strip_prefix(q)?.strip_suffix(q)?;
        let plain = inner
            .bytes()
            .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\'' && b != b'\\');
        plain.then_some(inner)
    };
    quoted('"').or_else(|| quoted('\''))
}

/// [`is_word`]s separated by spaces, read by YAML as this very text on one
/// line (spaces inside are kept, and nothing else could start a comment or
/// end the scalar).
fn is_words(s: &str) -> bool {
    !s.ends_with(' ') && s.split(' ').next().is_some_and(is_word) && {
        s.split(' ').filter(|w| !w.is_empty()).all(|w| {
            w.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_-./@+".contains(&b))
        })
    }
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

#[cfg(test)]
mod tests {
    use super::super::snapshot::chunk_answer;
    use super::*;

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
            read(&blocks[0]).is_some() && read(&blocks[1]).is_some(),
            "a waiver block is taken"
        );
        lines.extend(blocks);
        let mut taken = 0;
        for line in &lines {
            if let Some((key, snap)) = read(line) {
                taken += 1;
                assert_eq!(
                    chunk_answer(line),
                    Some((key, Some(snap))),
                    "read differently: {line:?}"
                );
            }
        }
        assert!(taken > 100, "the common shapes are taken ({taken})");
    }
}
