//! The shape of a service file, checked on the parsed YAML tree before it is
//! turned into typed structs.
//!
//! serde stops at the first unknown key or wrong type in a file. Service files
//! are the ones people edit most, so they are first parsed into a
//! `serde_yaml::Value` and walked against this schema: every unknown key and
//! every value of the wrong kind is reported at its own line, and removed (a
//! required one replaced by a neutral placeholder) so the typed
//! deserialization that follows succeeds and the later checks still run.

use std::borrow::Cow;
use std::cell::OnceCell;

use serde_yaml::{Mapping, Value};

use super::yaml_locate::{value_column, Seg, YamlLines};
use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::source::SourceFile;

/// What a value must be.
#[derive(Clone, Copy)]
pub enum Kind {
    /// A string; numbers and booleans are taken as their text.
    Text,
    /// A whole number.
    Int,
    /// A whole number, zero or more.
    Count,
    /// A number.
    Number,
    Bool,
    /// A list of texts.
    TextList,
    /// A mapping with these fields.
    Map(&'static [Field]),
    /// A list of mappings with these fields.
    ListOf(&'static [Field]),
    /// A mapping from free keys (ids) to mappings with these fields.
    KeyedMaps(&'static [Field]),
    /// A mapping from free keys to texts.
    TextMap,
}

/// One key of a mapping.
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    /// Required keys get this value when missing or invalid, after the error.
    pub placeholder: Option<fn() -> Value>,
}

const fn field(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        placeholder: None,
    }
}

const fn required(name: &'static str, kind: Kind, placeholder: fn() -> Value) -> Field {
    Field {
        name,
        kind,
        placeholder: Some(placeholder),
    }
}

fn empty_text() -> Value {
    Value::String(String::new())
}

fn neutral_tier() -> Value {
    Value::Number(3.into())
}

fn lowest_score() -> Value {
    Value::Number(1.into())
}

fn placeholder_date() -> Value {
    Value::String("1970-01-01".into())
}

fn open_status() -> Value {
    Value::String("no".into())
}

pub(crate) const SLO: &[Field] = &[
    field("availability", Kind::Number),
    field("latency_p99_ms", Kind::Number),
];
pub(crate) const ONCALL: &[Field] = &[
    field("rotation", Kind::Text),
    field("members", Kind::Count),
    field("escalation", Kind::TextList),
];
pub(crate) const DEPENDENCY: &[Field] = &[
    field("service", Kind::Text),
    field("external", Kind::Text),
    field("availability", Kind::Number),
    field("hard", Kind::Bool),
    field("timeout_ms", Kind::Count),
    field("retries", Kind::Count),
    field("circuit_breaker", Kind::Bool),
    field("fallback", Kind::Text),
];
pub(crate) const HISTORY_EVENT: &[Field] = &[
    required("date", Kind::Text, placeholder_date),
    required("event", Kind::Text, empty_text),
    field("by", Kind::Text),
    field("note", Kind::Text),
];
pub(crate) const WAIVER: &[Field] = &[
    field("reason", Kind::Text),
    field("approver", Kind::Text),
    field("granted", Kind::Text),
    field("expires", Kind::Text),
    field("ticket", Kind::Text),
    field("history", Kind::ListOf(HISTORY_EVENT)),
];
pub(crate) const ANSWER: &[Field] = &[
    required("status", Kind::Text, open_status),
    field("evidence", Kind::Text),
    field("note", Kind::Text),
    field("plan", Kind::Text),
    field("due", Kind::Text),
    field("waiver", Kind::Map(WAIVER)),
];
pub(crate) const RISK: &[Field] = &[
    required("id", Kind::Text, empty_text),
    required("title", Kind::Text, empty_text),
    field("impact", Kind::Text),
    required("severity", Kind::Int, lowest_score),
    required("likelihood", Kind::Int, lowest_score),
    field("status", Kind::Text),
    field("mitigations", Kind::TextList),
];
pub(crate) const REVIEW: &[Field] = &[
    required("date", Kind::Text, placeholder_date),
    required("reviewer", Kind::Text, empty_text),
    required("decision", Kind::Text, empty_text),
    field("notes", Kind::Text),
    field("findings", Kind::TextList),
];

/// `content/services/<name>.yaml` (docs/format.md section 5).
pub const SERVICE: &[Field] = &[
    required("title", Kind::Text, empty_text),
    required("owner", Kind::Text, empty_text),
    required("tier", Kind::Int, neutral_tier),
    field("tags", Kind::TextList),
    field("summary", Kind::Text),
    field("slo", Kind::Map(SLO)),
    field("oncall", Kind::Map(ONCALL)),
    field("dependencies", Kind::ListOf(DEPENDENCY)),
    field("answers", Kind::KeyedMaps(ANSWER)),
    field("risks", Kind::ListOf(RISK)),
    field("reviews", Kind::ListOf(REVIEW)),
];

const POLICY: &[Field] = &[
    field("waiver_max_days", Kind::Int),
    field("expiring_soon_days", Kind::Int),
    field("review_max_age_days", Kind::Int),
    field("risk_blocker_score", Kind::Count),
    field("retry_amplification_max", Kind::Count),
    field("history_backdate_days", Kind::Int),
    field("approver_may_author", Kind::Bool),
];

/// `content/orr.yaml` (src/config.rs): read by serde, described here so its
/// JSON Schema comes from the same kind of table as the service file's.
pub const CONFIG: &[Field] = &[
    field("title", Kind::Text),
    field("base_url", Kind::Text),
    field("bank_version", Kind::Text),
    field("policy", Kind::Map(POLICY)),
    field("tags", Kind::TextMap),
];

/// Walks a parsed document, reporting and repairing what does not fit.
pub struct Checker<'a> {
    source: &'a SourceFile,
    /// Built at the first error: most files have none.
    lines: OnceCell<YamlLines<'a>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A path into the document, its keys borrowed from the document itself (owned
/// only for the rare key that is not text), so a path costs nothing until an
/// error needs locating.
#[derive(Clone, Debug)]
enum Step<'k> {
    Key(Cow<'k, str>),
    Item(usize),
}

impl<'a> Checker<'a> {
    pub fn new(source: &'a SourceFile) -> Self {
        Checker {
            source,
            lines: OnceCell::new(),
            diagnostics: Vec::new(),
        }
    }

    /// An error at the value of the key at `path` (after `key:`), for wrong types.
    fn value_error(&mut self, path: &[Step<'_>], message: String, help: Option<String>) {
        self.error(path, message, help);
        if let Some(d) = self.diagnostics.last_mut() {
            let line = self.source.line_text(d.line);
            if let Some(column) = value_column(line, d.column) {
                d.column = column;
                let rest: String = line.chars().skip(column - 1).collect();
                d.span_len = rest
                    .chars()
                    .take_while(|c| !matches!(c, ',' | '}'))
                    .count()
                    .max(1);
            }
        }
    }

    fn error(&mut self, path: &[Step<'_>], message: String, help: Option<String>) {
        let segs: Vec<Seg> = path
            .iter()
            .map(|s| match s {
                Step::Key(k) => Seg::Key(k),
                Step::Item(i) => Seg::Item(*i),
            })
            .collect();
        let lines = self.lines.get_or_init(|| YamlLines::new(&self.source.text));
        let (line, column) = lines.locate(&segs);
        let mut d = Diagnostic::error(self.source, line, column, message)
            .code(crate::diagnostics::Code::SchemaViolation);
        if let Some(help) = help {
            d = d.help(help);
        }
        self.diagnostics.push(d);
    }

    /// Checks a whole document against `fields`, repairing it in place.
    pub fn check_document(&mut self, value: &mut Value, fields: &'static [Field], what: &str) {
        self.check_map(value, fields, &[], what);
    }

    /// Checks `value` against the mapping `fields` at `path`, repairing it in place.
    fn check_map(
        &mut self,
        value: &mut Value,
        fields: &'static [Field],
        path: &[Step<'_>],
        what: &str,
    ) {
        if value.is_null() {
            *value = Value::Mapping(Mapping::new());
        }
        let Value::Mapping(map) = value else {
            self.error(
                path,
                format!(
                    "{what} must be a mapping of `key: value` lines, not {}",
                    describe(value)
                ),
                None,
            );
            // One error for the whole thing: its required keys get placeholders quietly.
            let mut filled = Mapping::new();
            for field in fields {
                if let Some(placeholder) = field.placeholder {
                    filled.insert(Value::String(field.name.to_string()), placeholder());
                }
            }
            *value = Value::Mapping(filled);
            return;
        };
        // Keys to drop once the walk is over (removing them as they come would
        // need every key cloned first); the map ends up the same.
        let mut dropped: Vec<Value> = Vec::new();
        for (key, slot) in map.iter_mut() {
            let name = key_name(key);
            let mut at = path.to_vec();
            at.push(Step::Key(name.clone()));
            let Some(field) = fields.iter().find(|f| f.name == name) else {
                let names = fields.iter().map(|f| f.name);
                let list = fields
                    .iter()
                    .map(|f| format!("`{}`", f.name))
                    .collect::<Vec<_>>()
                    .join(", ");
                let help = match did_you_mean(&name, names) {
                    Some(mean) => format!("{mean} valid keys here: {list}"),
                    None => format!("valid keys here: {list}"),
                };
                self.error(&at, format!("unknown key `{name}` in {what}"), Some(help));
                dropped.push(key.clone());
                continue;
            };
            if !self.check_value(slot, field, &at) {
                match field.placeholder {
                    Some(placeholder) => *slot = placeholder(),
                    None => dropped.push(key.clone()),
                }
            }
        }
        for key in &dropped {
            map.remove(key);
        }
        for field in fields {
            if let (Some(placeholder), false) = (field.placeholder, map.contains_key(field.name)) {
                self.error(
                    path,
                    format!("{what} is missing `{}`", field.name),
                    Some(format!("add `{}: ...`", field.name)),
                );
                map.insert(Value::String(field.name.to_string()), placeholder());
            }
        }
    }

    /// Checks one value; `false` (after reporting) when it must be dropped or replaced.
    fn check_value(&mut self, value: &mut Value, field: &Field, path: &[Step<'_>]) -> bool {
        let name = field.name;
        let wrong = |expected: &str, value: &Value| {
            format!("`{name}` must be {expected}, not {}", describe(value))
        };
        match field.kind {
            Kind::Text => match value {
                Value::String(_) => true,
                Value::Null if field.placeholder.is_none() => true,
                Value::Number(_) | Value::Bool(_) => {
                    *value = Value::String(yaml_text(value));
                    true
                }
                _ => {
                    let message = wrong("text", value);
                    self.value_error(path, message, None);
                    false
                }
            },
            Kind::Int | Kind::Count => {
                let ok = match value {
                    Value::Number(n) if field_is_count(field) => n.as_u64().is_some(),
                    Value::Number(n) => n.as_i64().is_some(),
                    Value::Null => field.placeholder.is_none(),
                    _ => false,
                };
                if !ok {
                    let expected = if field_is_count(field) {
                        "a whole number, zero or more"
                    } else {
                        "a whole number"
                    };
                    let message = wrong(expected, value);
                    let help = matches!(value, Value::String(_))
                        .then(|| format!("write the number without quotes: `{name}: 3`"));
                    self.value_error(path, message, help);
                }
                ok
            }
            Kind::Number => {
                let ok = matches!(value, Value::Number(_) | Value::Null);
                if !ok {
                    let message = wrong("a number", value);
                    let help = matches!(value, Value::String(_))
                        .then(|| format!("write the number without quotes or `%`: `{name}: 99.9`"));
                    self.value_error(path, message, help);
                }
                ok
            }
            Kind::Bool => {
                let ok = matches!(value, Value::Bool(_) | Value::Null);
                if !ok {
                    let message = wrong("`true` or `false`", value);
                    self.value_error(path, message, None);
                }
                ok
            }
            Kind::TextList => {
                if value.is_null() {
                    return true;
                }
                let Value::Sequence(items) = value else {
                    let message = wrong("a list such as `[a, b]`", value);
                    self.value_error(path, message, None);
                    return false;
                };
                let mut keep = Vec::new();
                for (i, item) in items.drain(..).enumerate() {
                    match item {
                        Value::String(_) => keep.push(item),
                        Value::Number(_) | Value::Bool(_) => {
                            keep.push(Value::String(yaml_text(&item)))
                        }
                        other => {
                            let mut at = path.to_vec();
                            at.push(Step::Item(i));
                            self.error(
                                &at,
                                format!("items of `{name}` must be text, not {}", describe(&other)),
                                None,
                            );
                        }
                    }
                }
                *items = keep;
                true
            }
            Kind::Map(fields) => {
                if value.is_null() {
                    return true;
                }
                self.check_map(value, fields, path, &format!("`{name}`"));
                true
            }
            Kind::ListOf(fields) => {
                if value.is_null() {
                    return true;
                }
                let Value::Sequence(items) = value else {
                    let message = wrong("a list of `- key: value` items", value);
                    self.value_error(path, message, None);
                    return false;
                };
                for (i, item) in items.iter_mut().enumerate() {
                    let mut at = path.to_vec();
                    at.push(Step::Item(i));
                    self.check_map(item, fields, &at, &format!("item {} of `{name}`", i + 1));
                }
                true
            }
            Kind::TextMap => {
                let ok = match value {
                    Value::Null => true,
                    Value::Mapping(map) => map.values().all(|v| v.is_string()),
                    _ => false,
                };
                if !ok {
                    let message = wrong("a mapping of `key: text` lines", value);
                    self.value_error(path, message, None);
                }
                ok
            }
            Kind::KeyedMaps(fields) => {
                if value.is_null() {
                    return true;
                }
                let Value::Mapping(map) = value else {
                    let message = wrong("a mapping of ids", value);
                    self.value_error(path, message, None);
                    return false;
                };
                for (key, item) in map.iter_mut() {
                    let id = key_name(key);
                    let mut at = path.to_vec();
                    at.push(Step::Key(id.clone()));
                    self.check_map(item, fields, &at, &format!("`{id}`"));
                }
                true
            }
        }
    }
}

/// A mapping key as text: borrowed when it is text, written out otherwise.
fn key_name(key: &Value) -> Cow<'_, str> {
    match key.as_str() {
        Some(name) => Cow::Borrowed(name),
        None => Cow::Owned(yaml_text(key)),
    }
}

fn field_is_count(field: &Field) -> bool {
    matches!(field.kind, Kind::Count)
}

/// A value as its YAML text, for messages and for numbers taken as text.
fn yaml_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_string(),
        _ => serde_yaml::to_string(value)
            .map(|s| s.trim().to_string())
            .unwrap_or_default(),
    }
}

/// What a value is, in words: "the text \"1\"", "a list".
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "empty".to_string(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the text {s:?}"),
        Value::Sequence(_) => "a list".to_string(),
        Value::Mapping(_) => "a mapping".to_string(),
        Value::Tagged(_) => "a tagged value".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::raw::*;
    use serde::de::DeserializeOwned;

    /// The keys serde accepts for struct `T`, as its derive lists them.
    fn serde_keys<T: DeserializeOwned>() -> Vec<String> {
        struct Grab;
        impl<'de> serde::Deserializer<'de> for Grab {
            type Error = serde::de::value::Error;
            fn deserialize_any<V: serde::de::Visitor<'de>>(
                self,
                _: V,
            ) -> Result<V::Value, Self::Error> {
                Err(serde::de::Error::custom(""))
            }
            fn deserialize_struct<V: serde::de::Visitor<'de>>(
                self,
                _: &'static str,
                fields: &'static [&'static str],
                _: V,
            ) -> Result<V::Value, Self::Error> {
                Err(serde::de::Error::custom(fields.join(" ")))
            }
            serde::forward_to_deserialize_any! {
                bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
                bytes byte_buf option unit unit_struct newtype_struct seq tuple
                tuple_struct map enum identifier ignored_any
            }
        }
        let message = T::deserialize(Grab)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        message.split_whitespace().map(str::to_string).collect()
    }

    /// A mapping holding only the placeholders of the required fields.
    fn placeholders(fields: &[Field]) -> Value {
        let mut map = Mapping::new();
        for field in fields {
            if let Some(placeholder) = field.placeholder {
                map.insert(Value::String(field.name.to_string()), placeholder());
            }
        }
        Value::Mapping(map)
    }

    /// The schema and the raw structs describe the same keys, and the schema's
    /// placeholders satisfy every key serde requires: a field added to one
    /// and not the other fails here, not in a user's handbook.
    fn same_shape<T: DeserializeOwned>(fields: &[Field]) {
        let mut schema: Vec<&str> = fields.iter().map(|f| f.name).collect();
        let mut serde = serde_keys::<T>();
        schema.sort_unstable();
        serde.sort_unstable();
        assert_eq!(schema, serde, "{}", std::any::type_name::<T>());
        let filled = serde_yaml::from_value::<T>(placeholders(fields));
        assert!(
            filled.is_ok(),
            "{}: {:?}",
            std::any::type_name::<T>(),
            filled.err()
        );
    }

    #[test]
    fn the_schema_and_the_raw_structs_agree() {
        same_shape::<ServiceRaw>(SERVICE);
        same_shape::<SloRaw>(SLO);
        same_shape::<OncallRaw>(ONCALL);
        same_shape::<DependencyRaw>(DEPENDENCY);
        same_shape::<AnswerRaw>(ANSWER);
        same_shape::<WaiverRaw>(WAIVER);
        same_shape::<WaiverEventRaw>(HISTORY_EVENT);
        same_shape::<RiskRaw>(RISK);
        same_shape::<ReviewRaw>(REVIEW);
    }

    #[test]
    fn the_config_table_and_the_config_structs_agree() {
        same_shape::<crate::config::Config>(CONFIG);
        same_shape::<crate::config::Policy>(POLICY);
    }

    fn check(text: &str) -> (Value, Vec<(usize, usize, String)>) {
        let source = SourceFile::new("s.yaml", text);
        let mut value: Value = serde_yaml::from_str(text).unwrap();
        let mut checker = Checker::new(&source);
        checker.check_document(&mut value, SERVICE, "a service file");
        let found = checker
            .diagnostics
            .iter()
            .map(|d| (d.line, d.column, d.message.clone()))
            .collect();
        (value, found)
    }

    #[test]
    fn reports_every_misfit_of_a_file_and_repairs_it() {
        let (value, found) = check("title: T\nowner: o\ntier: \"1\"\nslo:\n  availability: \"x\"\nanswers:\n  q:\n    status: yes\n    evidnce: https://x\n");
        assert_eq!(
            found,
            vec![
                (
                    3,
                    7,
                    "`tier` must be a whole number, not the text \"1\"".to_string()
                ),
                (
                    5,
                    17,
                    "`availability` must be a number, not the text \"x\"".to_string()
                ),
                (9, 5, "unknown key `evidnce` in `q`".to_string()),
            ]
        );
        assert_eq!(
            value["tier"],
            Value::Number(3.into()),
            "replaced by the neutral placeholder"
        );
        assert!(value["slo"].get("availability").is_none());
        assert!(value["answers"]["q"].get("evidnce").is_none());
    }

    #[test]
    fn numbers_are_taken_as_text_and_missing_required_keys_are_named() {
        let (value, found) =
            check("title: 2026\ntier: 1\nrisks:\n  - {id: r, title: x, severity: 2}\n");
        assert_eq!(value["title"], Value::String("2026".into()));
        let messages: Vec<&str> = found.iter().map(|(_, _, m)| m.as_str()).collect();
        assert_eq!(
            messages,
            vec![
                "item 1 of `risks` is missing `likelihood`",
                "a service file is missing `owner`"
            ]
        );
    }
}
