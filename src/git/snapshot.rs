//! One version of a service file, read leniently: only the answer fields the
//! trail follows. An old version that no longer passes today's checks is
//! still read as far as it goes; one that cannot be read at all is `None`
//! and skipped, never an error.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;
use serde_yaml::Value;

use super::Change;
use crate::load::quick_answers::{self, answer_chunks, has_anchor};

/// The answer fields the trail follows, in the order changes are listed.
pub const FIELDS: [&str; 9] = [
    "status",
    "evidence",
    "plan",
    "due",
    "waiver.reason",
    "waiver.approver",
    "waiver.granted",
    "waiver.expires",
    "waiver.ticket",
];

/// The field a history event is listed under in a [`Change`].
pub const HISTORY: &str = "waiver.history";

/// A service file's answers as one version holds them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    pub title: Option<String>,
    /// Shared between versions: a version read from its predecessor holds
    /// the same answer wherever its lines did not change.
    pub answers: BTreeMap<Arc<str>, Arc<AnswerSnap>>,
}

/// One answer: each of [`FIELDS`] as written, and the waiver's history events.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AnswerSnap {
    pub values: [Option<String>; FIELDS.len()],
    pub history: Vec<String>,
}

impl AnswerSnap {
    pub fn get(&self, field: &str) -> Option<&str> {
        let i = FIELDS.iter().position(|f| *f == field)?;
        self.values[i].as_deref()
    }

    pub fn status(&self) -> Option<&str> {
        self.values[0].as_deref()
    }
}

/// Reads `bytes` as a service file; `None` when it is not one (too large, not
/// UTF-8, not YAML, over the YAML limits, or not a mapping).
pub fn parse(bytes: &[u8]) -> Option<Snapshot> {
    if bytes.len() as u64 > crate::limits::MAX_YAML_FILE_BYTES {
        return None;
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let doc = if text.trim().is_empty() { "{}" } else { text };
    parse_by_answers(doc).or_else(|| parse_whole(doc))
}

/// `doc` parsed as one tree, then read.
fn parse_whole(doc: &str) -> Option<Snapshot> {
    let value = crate::load::yaml_budget::value(doc).ok()?;
    let map = value.as_mapping()?;
    let title = map.get("title").and_then(scalar);
    let answers = match map.get("answers") {
        Some(Value::Mapping(answers)) => answers
            .iter()
            .filter_map(|(k, v)| Some((Arc::from(scalar(k)?), Arc::new(answer(v)?))))
            .collect(),
        _ => BTreeMap::new(),
    };
    Some(Snapshot { title, answers })
}

/// `doc` read answer by answer ([`read_answer`]), the rest of the file
/// parsed as a whole with the answers left out: most answers are then read
/// without the YAML parser. `None` when the file is not written so (no
/// block-style `answers:` at the top level, an anchor, a question written
/// twice) or a part does not read alone: the caller parses the file whole,
/// so the result is always what [`parse_whole`] gives.
fn parse_by_answers(doc: &str) -> Option<Snapshot> {
    if has_anchor(doc) {
        return None;
    }
    let chunks = answer_chunks(doc)?;
    let (first, last) = (chunks.first()?.0, chunks.last()?.1);
    let rest = crate::load::yaml_budget::value(&[&doc[..first], &doc[last..]].concat()).ok()?;
    let rest = rest.as_mapping()?;
    if !rest.get("answers")?.is_null() {
        return None;
    }
    let mut read: BTreeMap<Arc<str>, Option<AnswerSnap>> = BTreeMap::new();
    for &(start, end) in &chunks {
        let (key, answer) = read_answer(&doc[start..end])?;
        if read.insert(Arc::from(key), answer).is_some() {
            return None;
        }
    }
    let answers = read
        .into_iter()
        .filter_map(|(key, answer)| Some((key, Arc::new(answer?))))
        .collect();
    Some(Snapshot {
        title: rest.get("title").and_then(scalar),
        answers,
    })
}

/// `bytes` read as the version after `prev_bytes` (read as `prev`): only the
/// answers whose lines changed are parsed, when the change lies inside the
/// block-style `answers:` mapping of both; `None` when it does not (the
/// caller parses the whole file), so the result is always what [`parse`]
/// would give.
pub fn parse_after(prev_bytes: &[u8], prev: &Snapshot, bytes: &[u8]) -> Option<Snapshot> {
    if bytes.len() as u64 > crate::limits::MAX_YAML_FILE_BYTES {
        return None;
    }
    let (old, new) = (
        std::str::from_utf8(prev_bytes).ok()?,
        std::str::from_utf8(bytes).ok()?,
    );
    // An anchor's value may be used by an answer whose lines did not change.
    if has_anchor(old) || has_anchor(new) {
        return None;
    }
    let prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let room = old.len().min(new.len()) - prefix;
    let suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    let old_chunks = answer_chunks(old)?;
    let new_chunks = answer_chunks(new)?;
    let old_hit = touched(&old_chunks, prefix, old.len() - suffix)?;
    let new_hit = touched(&new_chunks, prefix, new.len() - suffix)?;
    if old_chunks.len() - old_hit.len() != new_chunks.len() - new_hit.len() {
        return None;
    }
    let mut next = prev.clone();
    for &(start, end) in &old_hit {
        let (key, _) = read_answer(&old[start..end])?;
        next.answers.remove(key.as_str());
    }
    let mut seen = std::collections::BTreeSet::new();
    for &(start, end) in &new_hit {
        let (key, answer) = read_answer(&new[start..end])?;
        // A key written twice is an error of the whole file: parse it whole.
        if next.answers.contains_key(key.as_str()) || !seen.insert(key.clone()) {
            return None;
        }
        if let Some(answer) = answer {
            next.answers.insert(Arc::from(key), Arc::new(answer));
        }
    }
    Some(next)
}

/// The chunks the changed bytes `from..to` touch, with the neighbour on
/// each side where the change starts or ends exactly at a boundary (lines
/// inserted there may belong to either); `None` when the change reaches
/// outside the answers.
fn touched(chunks: &[(usize, usize)], from: usize, to: usize) -> Option<Vec<(usize, usize)>> {
    let (first, last) = (chunks.first()?.0, chunks.last()?.1);
    if from <= first || to >= last {
        return None;
    }
    Some(
        chunks
            .iter()
            .copied()
            .filter(|&(start, end)| start <= to && end >= from)
            .collect(),
    )
}

/// One entry of the answers mapping read alone: by [`quick_answers`] when
/// it is written in a shape that module takes, else by the YAML parser.
fn read_answer(chunk: &str) -> Option<(String, Option<AnswerSnap>)> {
    match quick_answers::value(chunk) {
        Some((key, value)) => Some((key, answer(&value))),
        None => chunk_answer(chunk),
    }
}

/// One entry of the answers mapping, parsed alone (at the depth the
/// entries of `answers` stand in the file): its key, and the answer
/// (`None` when the value is not a mapping, as [`parse`] skips it).
fn chunk_answer(chunk: &str) -> Option<(String, Option<AnswerSnap>)> {
    let value = crate::load::yaml_budget::value_at(chunk, 1).ok()?;
    let map = value.as_mapping()?;
    if map.len() != 1 {
        return None;
    }
    let (key, value) = map.iter().next()?;
    Some((scalar(key)?, answer(value)))
}

fn answer(value: &Value) -> Option<AnswerSnap> {
    let map = value.as_mapping()?;
    let mut snap = AnswerSnap::default();
    for key in ANSWER_KEYS {
        if let Some(value) = map.get(key) {
            take(&mut snap, key, value);
        }
    }
    Some(snap)
}

/// The keys of an answer the trail reads; every other key is ignored.
const ANSWER_KEYS: [&str; 5] = ["status", "evidence", "plan", "due", "waiver"];

/// Keeps what the answer key `key` (one of [`ANSWER_KEYS`]) holds.
fn take(snap: &mut AnswerSnap, key: &str, value: &Value) {
    match key {
        "status" => snap.values[0] = status(value),
        "evidence" => snap.values[1] = scalar(value),
        "plan" => snap.values[2] = scalar(value),
        "due" => snap.values[3] = scalar(value),
        "waiver" => {
            let Some(waiver) = value.as_mapping() else {
                return;
            };
            for (i, key) in ["reason", "approver", "granted", "expires", "ticket"]
                .iter()
                .enumerate()
            {
                snap.values[i + 4] = waiver.get(*key).and_then(scalar);
            }
            if let Some(Value::Sequence(events)) = waiver.get("history") {
                snap.history = events.iter().filter_map(event).collect();
            }
        }
        _ => {}
    }
}

/// A history event in one line: `DATE EVENT`, then ` by WHO` when given.
fn event(value: &Value) -> Option<String> {
    let map = value.as_mapping()?;
    let date = map.get("date").and_then(scalar)?;
    let kind = map.get("event").and_then(scalar)?;
    Some(match map.get("by").and_then(scalar) {
        Some(by) => format!("{date} {kind} by {by}"),
        None => format!("{date} {kind}"),
    })
}

/// The date an event line starts with.
pub fn event_date(line: &str) -> Option<jiff::civil::Date> {
    crate::date::parse_date(line.get(..10)?).ok()
}

/// `status: true` reads as `yes`, as the loader reads it.
fn status(value: &Value) -> Option<String> {
    match value {
        Value::Bool(true) => Some("yes".into()),
        Value::Bool(false) => Some("no".into()),
        other => scalar(other),
    }
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Tagged(t) => scalar(&t.value),
        _ => None,
    }
}

/// What changed from `old` to `new` (either absent), in [`FIELDS`] order, then history events added or removed.
pub fn diff(old: Option<&AnswerSnap>, new: Option<&AnswerSnap>) -> Vec<Change> {
    let none = AnswerSnap::default();
    let (old, new) = (old.unwrap_or(&none), new.unwrap_or(&none));
    let mut changes: Vec<Change> = FIELDS
        .iter()
        .zip(old.values.iter().zip(&new.values))
        .filter(|(_, (a, b))| a != b)
        .map(|(field, (a, b))| Change {
            field,
            from: a.clone(),
            to: b.clone(),
        })
        .collect();
    for added in new.history.iter().filter(|e| !old.history.contains(e)) {
        changes.push(Change {
            field: HISTORY,
            from: None,
            to: Some(added.clone()),
        });
    }
    for removed in old.history.iter().filter(|e| !new.history.contains(e)) {
        changes.push(Change {
            field: HISTORY,
            from: Some(removed.clone()),
            to: None,
        });
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_answers_leniently_and_diffs_them() {
        let old =
            parse(b"title: A\nanswers:\n  q1: {status: true, evidence: x}\n  q2: 7\n").unwrap();
        assert_eq!(old.title.as_deref(), Some("A"));
        assert_eq!(old.answers["q1"].status(), Some("yes"));
        assert!(!old.answers.contains_key("q2"));
        let new = parse(
            b"answers:\n  q1:\n    status: waived\n    waiver: {reason: r, history: [{date: 2026-01-01, event: granted}]}\n",
        )
        .unwrap();
        let changes = diff(
            old.answers.get("q1").map(|a| &**a),
            new.answers.get("q1").map(|a| &**a),
        );
        let fields: Vec<&str> = changes.iter().map(|c| c.field).collect();
        assert_eq!(fields, ["status", "evidence", "waiver.reason", HISTORY]);
        assert_eq!(
            event_date(changes[3].to.as_deref().unwrap())
                .unwrap()
                .to_string(),
            "2026-01-01"
        );
    }

    #[test]
    fn reading_only_the_changed_answers_gives_what_a_whole_parse_gives() {
        let base = "title: A\nanswers:\n  q1: {status: yes, evidence: a}\n  q2:\n    status: waived\n    waiver:\n      reason: r\n      history:\n        - {date: 2026-01-01, event: granted}\n  # a comment\n  q3: {status: no}\nreviews: []\n";
        let prev = parse(base.as_bytes()).unwrap();
        let edits = [
            base.replace("evidence: a", "evidence: b"),
            base.replace("reason: r", "reason: s"),
            base.replace("  q3: {status: no}\n", ""),
            base.replace("  q3: {status: no}\n", "  q3: {status: no}\n  q4: {status: yes}\n"),
            base.replace("  q1: {status: yes, evidence: a}\n", "  q0: {status: no}\n  q1: {status: yes, evidence: a}\n"),
            base.replace("        - {date: 2026-01-01, event: granted}\n", "        - {date: 2026-01-01, event: granted}\n        - {date: 2026-02-01, event: renewed}\n"),
            base.replace("q3: {status: no}", "q1: {status: no}"),
            base.replace("reviews: []", "reviews: [x]"),
            base.replace("title: A", "title: B"),
            base.replace("evidence: a", "evidence: &x a"),
        ];
        for edit in edits {
            let whole = parse(edit.as_bytes());
            if let Some(quick) = parse_after(base.as_bytes(), &prev, edit.as_bytes()) {
                assert_eq!(Some(quick), whole, "{edit}");
            }
        }
        let quick = parse_after(base.as_bytes(), &prev, edits_first(base).as_bytes());
        assert!(quick.is_some(), "a one-answer edit is read alone");
    }

    fn edits_first(base: &str) -> String {
        base.replace("evidence: a", "evidence: b")
    }

    /// Every service file of the bundled handbook and the test fixtures,
    /// and edits at the edges of what is read answer by answer: reading by
    /// answers, when it reads at all, gives what parsing the whole gives.
    #[test]
    fn reading_answer_by_answer_gives_what_a_whole_parse_gives() {
        let files = crate::load::quick_answers::service_files_in_repository();
        let mut read_by_answers = 0;
        for file in &files {
            let first = file.find("\n  ").map_or(0, |i| i + 1);
            let edits = [
                file.clone(),
                file.replacen("status: yes", "status: true", 1),
                file.replacen("status: yes", "status: 1.50", 1),
                file.replacen("status: yes", "status: \"yes\"", 1),
                file.replacen("{status: yes", "{status: yes, status: no", 1),
                format!("{file}\n{}", &file[first..file.len().min(first + 40)]),
                file.replacen("answers:\n", "answers:\n  # first\n", 1),
                file.replacen("answers:\n", "answers: {}\n", 1),
                file.replacen("title:", "title: !t", 1),
                file.replacen("title:", "%bad\ntitle:", 1),
                file.replace("\n  ", "\n\t"),
            ];
            for edit in edits {
                if let Some(quick) = parse_by_answers(&edit) {
                    read_by_answers += 1;
                    assert_eq!(Some(quick), parse_whole(&edit), "{edit}");
                }
            }
        }
        assert!(
            read_by_answers >= files.len(),
            "most files are read by answers"
        );
    }

    #[test]
    fn unreadable_versions_are_none() {
        assert!(parse(b"- a list\n").is_none());
        assert!(parse(b"a: [unclosed\n").is_none());
        assert!(parse(&[0xff, 0xfe]).is_none());
    }
}
