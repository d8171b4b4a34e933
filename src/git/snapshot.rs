//! One version of a service file, read leniently: only the answer fields the
//! trail follows. An old version that no longer passes today's checks is
//! still read as far as it goes; one that cannot be read at all is `None`
//! and skipped, never an error.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_yaml::Value;

use super::Change;

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
    pub answers: BTreeMap<String, AnswerSnap>,
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
    let value = crate::load::yaml_budget::value(doc).ok()?;
    let map = value.as_mapping()?;
    let title = map.get("title").and_then(scalar);
    let answers = match map.get("answers") {
        Some(Value::Mapping(answers)) => answers
            .iter()
            .filter_map(|(k, v)| Some((scalar(k)?, answer(v)?)))
            .collect(),
        _ => BTreeMap::new(),
    };
    Some(Snapshot { title, answers })
}

fn answer(value: &Value) -> Option<AnswerSnap> {
    let map = value.as_mapping()?;
    let mut snap = AnswerSnap::default();
    snap.values[0] = map.get("status").and_then(status);
    for (i, key) in ["evidence", "plan", "due"].iter().enumerate() {
        snap.values[i + 1] = map.get(*key).and_then(scalar);
    }
    if let Some(waiver) = map.get("waiver").and_then(Value::as_mapping) {
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
    Some(snap)
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
        let changes = diff(old.answers.get("q1"), new.answers.get("q1"));
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
    fn unreadable_versions_are_none() {
        assert!(parse(b"- a list\n").is_none());
        assert!(parse(b"a: [unclosed\n").is_none());
        assert!(parse(&[0xff, 0xfe]).is_none());
    }
}
