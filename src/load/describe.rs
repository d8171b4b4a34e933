//! The machinery of a format described once.
//!
//! A record of a service file is declared once with [`record!`]: that one
//! declaration makes the typed struct, its [`Field`] table (from which
//! `json_schema` writes the JSON Schema) and the reading of the struct
//! straight from the YAML parser's events. Reading checks as it goes: every
//! unknown key and every value of the wrong kind is reported at its own line
//! and left out (a required one takes its placeholder), so one run reports
//! every misfit of a file and the later checks still run. There is no tree
//! in between: each file is parsed once, into its typed struct.
//!
//! The value rules a JSON Schema can state live in the types too: a tier is
//! [`Bounded<1, 4>`], an answer's status is a [`Choice`] of the model's
//! `Status` (its names, aliases and help in one [`ChoiceTable`]).

use std::borrow::Cow;
use std::cell::{Cell, OnceCell};
use std::collections::BTreeMap;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::schema::{Field, Kind};
use super::yaml_budget::{Build, Probe};
use super::yaml_locate::{value_column, Seg, YamlLines};
use crate::diagnostics::{did_you_mean, Code, Diagnostic};
use crate::source::SourceFile;

/// A type of value a field may hold: its kind for the table, and how it is read.
pub trait Shape: Sized {
    const KIND: Kind;
    /// Reads the value of `field` at the reader's path. `None`: it was empty
    /// or reported, and the field keeps its placeholder or default.
    fn read<'de, D: Deserializer<'de>>(
        r: &mut Reader<'_>,
        field: &'static Field,
        d: D,
    ) -> Result<Option<Self>, D::Error>;
}

/// A struct declared with [`record!`].
pub trait Record: Sized {
    const FIELDS: &'static [Field];
    /// The record before any key is read: placeholders for the required
    /// fields, defaults for the others.
    fn start() -> Self;
    /// Reads the value of the field named `field.name` into `self`.
    fn read_field<'de, D: Deserializer<'de>>(
        &mut self,
        r: &mut Reader<'_>,
        field: &'static Field,
        d: D,
    ) -> Result<(), D::Error>;
}

/// Declares a record of the format once: the struct, its `Field` table named
/// `$table`, and its reading. A field with `= placeholder` is required.
macro_rules! record {
    (
        $(#[$meta:meta])*
        pub struct $name:ident in $table:ident {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty $(= $placeholder:expr)? ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
        }

        #[doc = concat!("The keys of [`", stringify!($name), "`].")]
        pub const $table: &[$crate::load::schema::Field] = &[
            $( $crate::load::schema::Field {
                name: stringify!($field),
                kind: <$ty as $crate::load::describe::Shape>::KIND,
                required: record!(@required $($placeholder)?),
            }, )*
        ];

        impl $crate::load::describe::Record for $name {
            const FIELDS: &'static [$crate::load::schema::Field] = $table;
            fn start() -> Self {
                $name { $( $field: record!(@start $($placeholder)?), )* }
            }
            fn read_field<'de, D: serde::de::Deserializer<'de>>(
                &mut self,
                r: &mut $crate::load::describe::Reader<'_>,
                field: &'static $crate::load::schema::Field,
                d: D,
            ) -> Result<(), D::Error> {
                $(
                    if field.name == stringify!($field) {
                        if let Some(value) =
                            <$ty as $crate::load::describe::Shape>::read(r, field, d)?
                        {
                            self.$field = value;
                        }
                        return Ok(());
                    }
                )*
                // Only the names of `FIELDS` are passed in.
                <serde::de::IgnoredAny as serde::Deserialize>::deserialize(d).map(|_| ())
            }
        }

        impl $crate::load::describe::Shape for $name {
            const KIND: $crate::load::schema::Kind = $crate::load::schema::Kind::Map($table);
            fn read<'de, D: serde::de::Deserializer<'de>>(
                r: &mut $crate::load::describe::Reader<'_>,
                field: &'static $crate::load::schema::Field,
                d: D,
            ) -> Result<Option<Self>, D::Error> {
                $crate::load::describe::read_record_field(r, field, d)
            }
        }

        impl $crate::load::describe::ListItem for $name {
            const LIST_KIND: $crate::load::schema::Kind =
                $crate::load::schema::Kind::ListOf($table);
            const EXPECTED: &'static str = $crate::load::describe::RECORD_LIST;
            fn read_item<'de, A: serde::de::SeqAccess<'de>>(
                r: &mut $crate::load::describe::Reader<'_>,
                field: &'static $crate::load::schema::Field,
                index: usize,
                seq: &mut A,
            ) -> Result<Option<Option<Self>>, A::Error> {
                $crate::load::describe::read_record_item(r, field, index, seq)
            }
        }
    };
    (@required) => { false };
    (@required $p:expr) => { true };
    (@start) => { Default::default() };
    (@start $p:expr) => { $p };
}
pub(crate) use record;

/// The names a text field accepts, and how they are reported when wrong.
pub struct ChoiceTable {
    /// What a wrong value is called: "unknown {noun} `x`".
    pub noun: &'static str,
    /// The names, in the order the help and the JSON Schema list them.
    pub names: &'static [&'static str],
    /// Other spellings read as a name: (alias, name).
    pub aliases: &'static [(&'static str, &'static str)],
    /// The hint when no name is close.
    pub help: &'static str,
}

/// An enum whose values are named in the format.
pub trait Named: Sized + Copy + 'static {
    const TABLE: ChoiceTable;
    /// The variants in the order of `TABLE.names`.
    const ALL: &'static [Self];

    fn from_name(text: &str) -> Option<Self> {
        let table = &Self::TABLE;
        let name = table
            .aliases
            .iter()
            .find(|(alias, _)| *alias == text)
            .map_or(text, |(_, name)| name);
        let index = table.names.iter().position(|n| *n == name)?;
        Self::ALL.get(index).copied()
    }

    /// The message and hint for a text that names no variant.
    fn unknown(text: &str) -> (String, String) {
        let table = &Self::TABLE;
        let help = did_you_mean(text, table.names.iter().copied())
            .unwrap_or_else(|| table.help.to_string());
        (format!("unknown {} `{text}`", table.noun), help)
    }
}

/// A named value as read: a variant, or the text that named none (reported
/// where the record is judged, which decides what is left out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice<T> {
    Known(T),
    Unknown(String),
}

impl<T: Named> Choice<T> {
    pub fn of(text: &str) -> Self {
        T::from_name(text).map_or_else(|| Choice::Unknown(text.to_string()), Choice::Known)
    }
}

/// A whole number the format bounds (the bound is judged in `resolve`, with
/// its own message; the JSON Schema states it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounded<const LO: i64, const HI: i64>(pub i64);

impl<const LO: i64, const HI: i64> Bounded<LO, HI> {
    pub const LOW: i64 = LO;
    pub const HIGH: i64 = HI;
    pub fn get(self) -> i64 {
        self.0
    }
    pub fn in_range(self) -> bool {
        (LO..=HI).contains(&self.0)
    }
}

/// One step of the path to the value being read.
#[derive(Clone, Debug)]
enum Step {
    Key(Cow<'static, str>),
    Item(usize),
}

/// Reads one file, reporting what does not fit.
pub struct Reader<'a> {
    source: &'a SourceFile,
    /// Built at the first error: most files have none.
    lines: OnceCell<YamlLines<'a>>,
    path: Vec<Step>,
    /// Bytes the document has expanded to so far, against the YAML limits.
    spent: Cell<usize>,
    depth: usize,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'a> Reader<'a> {
    pub fn new(source: &'a SourceFile) -> Self {
        Reader {
            source,
            lines: OnceCell::new(),
            path: Vec::new(),
            spent: Cell::new(0),
            depth: 0,
            diagnostics: Vec::new(),
        }
    }

    /// Reads a whole document into `T`: a non-mapping is reported and the
    /// record filled with placeholders; an empty document is an empty mapping.
    pub fn read_document<'de, T: Record, D: Deserializer<'de>>(
        &mut self,
        what: &str,
        d: D,
    ) -> Result<T, D::Error> {
        d.deserialize_any(RecordVisitor::<T> {
            r: self,
            what: Cow::Borrowed(what),
            null_is_empty: true,
            out: std::marker::PhantomData,
        })
    }

    /// Reads the entries of the keyed mapping `key` of a document already
    /// read (whose `key:` held nothing), each from a value built without
    /// the YAML parser ([`super::quick_answers`]), as if they had stood in
    /// the document: the same path, depth, counts and reports.
    pub fn read_entries<'de, T: Record, D: Deserializer<'de, Error = serde_yaml::Error>>(
        &mut self,
        key: &'static str,
        entries: Vec<(String, D)>,
    ) -> Result<BTreeMap<String, T>, serde_yaml::Error> {
        self.path.push(Step::Key(Cow::Borrowed(key)));
        // Inside the document's mapping, then inside `key`'s.
        self.depth += 1;
        self.enter::<serde_yaml::Error>()?;
        let mut read = Vec::with_capacity(entries.len());
        for (id, value) in entries {
            let id = self.scalar(serde_yaml::Value::String(id))?.into_key();
            let what = ["`", &id, "`"].concat();
            self.path.push(Step::Key(Cow::Owned(id)));
            let record = value.deserialize_any(RecordVisitor::<T> {
                r: &mut *self,
                what: Cow::Owned(what),
                null_is_empty: true,
                out: std::marker::PhantomData,
            })?;
            if let Some(Step::Key(id)) = self.path.pop() {
                read.push((id.into_owned(), record));
            }
        }
        self.leave();
        self.depth -= 1;
        self.path.pop();
        Ok(read.into_iter().collect())
    }

    fn probe(&self) -> Probe<'_> {
        Probe::new(&self.spent, self.depth)
    }

    fn spend<E: serde::de::Error>(&self, bytes: usize) -> Result<(), E> {
        self.probe().spend(bytes)
    }

    /// Counts a list or mapping and goes one level down into it.
    fn enter<E: serde::de::Error>(&mut self) -> Result<(), E> {
        self.spend::<E>(0)?;
        self.probe().child::<E>()?;
        self.depth += 1;
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Reads past a value of the wrong kind, measured and checked as any other.
    fn skip<'de, D: Deserializer<'de>>(&self, d: D) -> Result<(), D::Error> {
        Build::new(self.probe()).deserialize(d).map(|_| ())
    }

    fn error(&mut self, message: String, help: Option<String>) {
        let segs: Vec<Seg> = self
            .path
            .iter()
            .map(|s| match s {
                Step::Key(k) => Seg::Key(k),
                Step::Item(i) => Seg::Item(*i),
            })
            .collect();
        let lines = self.lines.get_or_init(|| YamlLines::new(&self.source.text));
        let (line, column) = lines.locate(&segs);
        let mut d =
            Diagnostic::error(self.source, line, column, message).code(Code::SchemaViolation);
        if let Some(help) = help {
            d = d.help(help);
        }
        self.diagnostics.push(d);
    }

    /// An error at the value of the key at the path (after `key:`), for wrong types.
    fn value_error(&mut self, message: String, help: Option<String>) {
        self.error(message, help);
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

    /// `error` at the path one step further.
    fn error_below(&mut self, step: Step, message: String, help: Option<String>) {
        self.path.push(step);
        self.error(message, help);
        self.path.pop();
    }

    fn wrong(&mut self, field: &Field, expected: &str, got: &Scalar, help: Option<String>) {
        let message = format!(
            "`{}` must be {expected}, not {}",
            field.name,
            got.describe()
        );
        self.value_error(message, help);
    }

    /// Reads a scalar (a list, mapping or tagged value is read past and named).
    fn scalar<'de, D: Deserializer<'de>>(&mut self, d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(ScalarVisitor { r: self })
    }

    /// A value read as text, as the format takes text: numbers and booleans
    /// as written by YAML.
    fn text<'de, D: Deserializer<'de>>(
        &mut self,
        field: &'static Field,
        d: D,
    ) -> Result<Option<String>, D::Error> {
        let value = self.scalar(d)?;
        Ok(match value {
            Scalar::Text(s) => Some(s),
            Scalar::Null if !field.required => None,
            Scalar::Number(n) => Some(n.to_string()),
            Scalar::Bool(b) => Some(b.to_string()),
            other => {
                self.wrong(field, "text", &other, None);
                None
            }
        })
    }

    /// A whole number, zero or more when `count`.
    fn whole<'de, D: Deserializer<'de>>(
        &mut self,
        field: &'static Field,
        count: bool,
        d: D,
    ) -> Result<Option<i128>, D::Error> {
        let value = self.scalar(d)?;
        let number = match &value {
            Scalar::Number(n) if count => n.as_u64().map(i128::from),
            Scalar::Number(n) => n.as_i64().map(i128::from),
            Scalar::Null if !field.required => return Ok(None),
            _ => None,
        };
        if number.is_none() {
            let expected = if count {
                "a whole number, zero or more"
            } else {
                "a whole number"
            };
            let help = matches!(value, Scalar::Text(_))
                .then(|| format!("write the number without quotes: `{}: 3`", field.name));
            self.wrong(field, expected, &value, help);
        }
        Ok(number)
    }
}

/// A scalar as YAML resolved it, or what else the value was.
enum Scalar {
    Null,
    Bool(bool),
    Number(serde_yaml::Number),
    Text(String),
    /// A list, a mapping or a tagged value, already read past.
    Other(&'static str),
}

impl Scalar {
    /// What a value is, in words: "the text \"1\"", "a list".
    fn describe(&self) -> String {
        match self {
            Scalar::Null => "empty".to_string(),
            Scalar::Bool(b) => format!("`{b}`"),
            Scalar::Number(n) => format!("the number {n}"),
            Scalar::Text(s) => format!("the text {s:?}"),
            Scalar::Other(what) => what.to_string(),
        }
    }

    /// The text of a mapping key.
    fn into_key(self) -> String {
        match self {
            Scalar::Text(s) => s,
            Scalar::Number(n) => n.to_string(),
            Scalar::Bool(b) => b.to_string(),
            Scalar::Null => "null".to_string(),
            Scalar::Other(what) => what.to_string(),
        }
    }
}

/// The visitor methods for every value but the one a visitor is for: each is
/// measured, read past and handed to `self.other(Scalar)`.
macro_rules! other_values {
    ($($skip:ident),*) => {
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
            self.r.spend::<E>(0)?;
            self.other(Scalar::Bool(v))
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
            self.r.spend::<E>(0)?;
            self.other(Scalar::Number(v.into()))
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
            self.r.spend::<E>(0)?;
            self.other(Scalar::Number(v.into()))
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
            self.r.spend::<E>(0)?;
            self.other(Scalar::Number(v.into()))
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            self.r.spend::<E>(v.len())?;
            self.other(Scalar::Text(v.to_owned()))
        }
        fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
            self.r.spend::<E>(v.len())?;
            self.other(Scalar::Text(v))
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            self.r.spend::<E>(0)?;
            self.other(Scalar::Null)
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            self.visit_unit()
        }
        fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
            Build::new(self.r.probe()).visit_enum(data)?;
            self.other(Scalar::Other("a tagged value"))
        }
        $( other_values!(@$skip); )*
    };
    (@seq) => {
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            Build::new(self.r.probe()).visit_seq(seq)?;
            self.other(Scalar::Other("a list"))
        }
    };
    (@map) => {
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            Build::new(self.r.probe()).visit_map(map)?;
            self.other(Scalar::Other("a mapping"))
        }
    };
}

struct ScalarVisitor<'r, 'a> {
    r: &'r mut Reader<'a>,
}

impl ScalarVisitor<'_, '_> {
    fn other<E>(self, value: Scalar) -> Result<Scalar, E> {
        Ok(value)
    }
}

impl<'de> Visitor<'de> for ScalarVisitor<'_, '_> {
    type Value = Scalar;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    other_values!(seq, map);
}

/// Reads a mapping into the record `T`.
struct RecordVisitor<'r, 'a, T> {
    r: &'r mut Reader<'a>,
    /// The mapping in words, for messages: "a service file", "`slo`".
    what: Cow<'r, str>,
    /// An empty value reads as an empty mapping (so required keys are missed).
    null_is_empty: bool,
    out: std::marker::PhantomData<T>,
}

impl<T: Record> RecordVisitor<'_, '_, T> {
    /// Not a mapping: one error, and the required keys get placeholders quietly.
    fn other<E: serde::de::Error>(self, value: Scalar) -> Result<T, E> {
        if matches!(value, Scalar::Null) && self.null_is_empty {
            return Ok(self.missing(T::start(), 0));
        }
        let message = format!(
            "{} must be a mapping of `key: value` lines, not {}",
            self.what,
            value.describe()
        );
        self.r.error(message, None);
        Ok(T::start())
    }

    /// Reports each required field not in `present` (bit i for field i).
    fn missing(self, out: T, present: u64) -> T {
        for (i, field) in T::FIELDS.iter().enumerate() {
            if field.required && present & (1 << i) == 0 {
                self.r.error(
                    format!("{} is missing `{}`", self.what, field.name),
                    Some(format!("add `{}: ...`", field.name)),
                );
            }
        }
        out
    }

    fn unknown_key(&mut self, name: String) {
        let names = T::FIELDS.iter().map(|f| f.name);
        let list = T::FIELDS
            .iter()
            .map(|f| format!("`{}`", f.name))
            .collect::<Vec<_>>()
            .join(", ");
        let help = match did_you_mean(&name, names) {
            Some(mean) => format!("{mean} valid keys here: {list}"),
            None => format!("valid keys here: {list}"),
        };
        let message = format!("unknown key `{name}` in {}", self.what);
        self.r
            .error_below(Step::Key(Cow::Owned(name)), message, Some(help));
    }
}

impl<'de, T: Record> Visitor<'de> for RecordVisitor<'_, '_, T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    other_values!(seq);

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<T, A::Error> {
        self.r.enter::<A::Error>()?;
        let mut out = T::start();
        let mut present: u64 = 0;
        // A set: a hostile mapping may hold 100,000 unknown keys.
        let mut unknown: foldhash::HashSet<String> = foldhash::HashSet::default();
        while let Some(key) = map.next_key_seed(KeySeed { r: &mut *self.r })? {
            let found = T::FIELDS.iter().position(|f| f.name == key);
            let repeated = match found {
                Some(i) => present & (1 << i) != 0,
                None => unknown.contains(&key),
            };
            if repeated {
                return Err(serde::de::Error::custom(format!(
                    "duplicate entry with key {key:?}"
                )));
            }
            let Some(i) = found else {
                self.unknown_key(key.clone());
                unknown.insert(key);
                map.next_value_seed(Skip { r: &mut *self.r })?;
                continue;
            };
            present |= 1 << i;
            let field = &T::FIELDS[i];
            self.r.path.push(Step::Key(Cow::Borrowed(field.name)));
            map.next_value_seed(FieldSeed {
                r: &mut *self.r,
                out: &mut out,
                field,
            })?;
            self.r.path.pop();
        }
        self.r.leave();
        Ok(self.missing(out, present))
    }
}

impl<'de, T: Record> DeserializeSeed<'de> for RecordVisitor<'_, '_, T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_any(self)
    }
}

/// A mapping key as text.
struct KeySeed<'r, 'a> {
    r: &'r mut Reader<'a>,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_, '_> {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        self.r.scalar(d).map(Scalar::into_key)
    }
}

/// A value read past.
struct Skip<'r, 'a> {
    r: &'r mut Reader<'a>,
}

impl<'de> DeserializeSeed<'de> for Skip<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.r.skip(d)
    }
}

/// The value of one field, read into its record.
struct FieldSeed<'r, 'a, 'o, T> {
    r: &'r mut Reader<'a>,
    out: &'o mut T,
    field: &'static Field,
}

impl<'de, T: Record> DeserializeSeed<'de> for FieldSeed<'_, '_, '_, T> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.out.read_field(self.r, self.field, d)
    }
}

mod shapes;
pub use shapes::{read_record_field, read_record_item, ListItem, RECORD_LIST};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::raw::ServiceRaw;

    fn read<T: Record>(text: &str) -> (T, Vec<(usize, usize, String)>) {
        let source = SourceFile::new("s.yaml", text);
        let (value, found) =
            crate::load::yaml::read_record::<T>(&source, "a service file").expect("readable");
        let found = found
            .iter()
            .map(|d| (d.line, d.column, d.message.clone()))
            .collect();
        (value, found)
    }

    #[test]
    fn reports_every_misfit_of_a_file_and_repairs_it() {
        let (value, found) = read::<ServiceRaw>("title: T\nowner: o\ntier: \"1\"\nslo:\n  availability: \"x\"\nanswers:\n  q:\n    status: yes\n    evidnce: https://x\n");
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
            value.tier,
            Bounded(3),
            "replaced by the neutral placeholder"
        );
        assert!(value.slo.expect("kept").availability.is_none());
        assert_eq!(
            value.answers["q"].status,
            Choice::Known(crate::model::Status::Yes)
        );
    }

    #[test]
    fn numbers_are_taken_as_text_and_missing_required_keys_are_named() {
        let (value, found) = read::<ServiceRaw>(
            "title: 2026\ntier: 1\nrisks:\n  - {id: r, title: x, severity: 2}\n",
        );
        assert_eq!(value.title, "2026");
        let messages: Vec<&str> = found.iter().map(|(_, _, m)| m.as_str()).collect();
        assert_eq!(
            messages,
            vec![
                "item 1 of `risks` is missing `likelihood`",
                "a service file is missing `owner`"
            ]
        );
    }

    #[test]
    fn a_repeated_key_stops_the_file_as_before() {
        let source = SourceFile::new("s.yaml", "title: a\nowner: b\ntitle: c\n");
        let err = crate::load::yaml::read_record::<ServiceRaw>(&source, "a service file")
            .expect_err("refused");
        assert_eq!(err.message, "duplicate key `title`");
        assert_eq!((err.line, err.column), (3, 1));
    }

    record! {
        /// A record declared only here: the test of a key added to a description.
        pub struct Toy in TOY {
            name: String = String::new(),
            added: Option<i64>,
        }
    }

    /// One key added to a description is read, checked and described.
    #[test]
    fn a_key_added_to_a_description_is_read_checked_and_described() {
        let (toy, found) = read::<Toy>("name: n\nadded: 7\n");
        assert_eq!((toy.name.as_str(), toy.added), ("n", Some(7)));
        assert!(found.is_empty(), "{found:?}");
        let (toy, found) = read::<Toy>("name: n\nadded: seven\n");
        assert_eq!(toy.added, None);
        assert_eq!(
            found,
            vec![(
                2,
                8,
                "`added` must be a whole number, not the text \"seven\"".to_string()
            )]
        );
        assert_eq!(
            TOY.iter().map(|f| (f.name, f.required)).collect::<Vec<_>>(),
            [("name", true), ("added", false)]
        );
        assert!(matches!(TOY[1].kind, Kind::Int));
    }
}
