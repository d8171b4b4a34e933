//! A dry run over a YAML document that measures it before anything is built.
//!
//! serde_yaml replays an alias (`*name`) by walking its anchor's events again,
//! so a 1 MiB anchored string referred to 3,000 times becomes 3 GiB of
//! `String`s in whatever it is deserialized into. Its own guard counts replayed
//! events, not bytes, so it catches only the exponential form. This pass walks
//! the same events without keeping anything: it adds up the bytes the document
//! expands to and its depth, and stops with an error at the first node past
//! [`MAX_YAML_EXPANDED_BYTES`] or [`MAX_YAML_DEPTH`]. It borrows every scalar,
//! so it allocates nothing per alias and its work is bounded by the limit.
//!
//! [`value`] is the same walk building the `serde_yaml::Value` as it goes; the
//! service file's reader (src/load/describe.rs) counts with the same [`Probe`]
//! and reads past values of the wrong kind with [`Build`].

use std::cell::Cell;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_yaml::value::{Tag, TaggedValue};
use serde_yaml::{Mapping, Value};

use crate::limits::{mib, MAX_YAML_DEPTH, MAX_YAML_EXPANDED_BYTES};

/// The start of the message for a document that expands too much.
pub const TOO_LARGE: &str = "this YAML expands to more than";
/// The start of the message for a document nested too deeply.
pub const TOO_DEEP: &str = "values are nested more than";

/// Walks `yaml` once; `Err` (located by serde_yaml) when a limit is passed,
/// or the syntax error the real parse would give.
pub fn check(yaml: &str) -> Result<(), serde_yaml::Error> {
    let spent = Cell::new(0usize);
    Probe {
        spent: &spent,
        depth: 0,
    }
    .deserialize(serde_yaml::Deserializer::from_str(yaml))
}

/// Parses `yaml` into a tree, with the limits of [`check`] applied as it is
/// built: nothing past them is ever allocated.
pub fn value(yaml: &str) -> Result<Value, serde_yaml::Error> {
    value_at(yaml, 0)
}

/// [`value`] for a document that stands `depth` levels deep in a larger
/// one (an entry of a mapping read alone), so the depth limit falls where
/// it falls for the whole.
pub fn value_at(yaml: &str, depth: usize) -> Result<Value, serde_yaml::Error> {
    let spent = Cell::new(0usize);
    Build(Probe {
        spent: &spent,
        depth,
    })
    .deserialize(serde_yaml::Deserializer::from_str(yaml))
}

/// One node of the walk; `spent` is shared by the whole document.
#[derive(Clone, Copy)]
pub(crate) struct Probe<'a> {
    spent: &'a Cell<usize>,
    depth: usize,
}

/// The walk of [`Probe`], keeping what it reads as a `Value`.
#[derive(Clone, Copy)]
pub(crate) struct Build<'a>(Probe<'a>);

impl<'a> Build<'a> {
    pub(crate) fn new(probe: Probe<'a>) -> Self {
        Build(probe)
    }
}

impl<'a> Probe<'a> {
    /// A node at `depth` of a document that has expanded to `spent` bytes so far.
    pub(crate) fn new(spent: &'a Cell<usize>, depth: usize) -> Self {
        Probe { spent, depth }
    }

    /// Counts a node of `bytes` bytes (plus one for the node itself).
    pub(crate) fn spend<E: serde::de::Error>(self, bytes: usize) -> Result<(), E> {
        let total = self.spent.get().saturating_add(bytes).saturating_add(1);
        self.spent.set(total);
        if total > MAX_YAML_EXPANDED_BYTES {
            return Err(E::custom(format!(
                "{TOO_LARGE} {} once its aliases (`*name`) are expanded",
                mib(MAX_YAML_EXPANDED_BYTES as u64)
            )));
        }
        Ok(())
    }

    pub(crate) fn child<E: serde::de::Error>(self) -> Result<Self, E> {
        if self.depth >= MAX_YAML_DEPTH {
            return Err(E::custom(format!(
                "{TOO_DEEP} {MAX_YAML_DEPTH} levels deep"
            )));
        }
        Ok(Probe {
            spent: self.spent,
            depth: self.depth + 1,
        })
    }
}

impl<'de> DeserializeSeed<'de> for Probe<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Probe<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
        self.spend(0)
    }
    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
        self.spend(0)
    }
    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
        self.spend(0)
    }
    fn visit_i128<E: serde::de::Error>(self, _: i128) -> Result<(), E> {
        self.spend(0)
    }
    fn visit_u128<E: serde::de::Error>(self, _: u128) -> Result<(), E> {
        self.spend(0)
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
        self.spend(0)
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        self.spend(v.len())
    }
    fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<(), E> {
        self.spend(v.len())
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.spend(0)
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
        self.spend(0)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.child()?.deserialize(d)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.child()?.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.spend(0)?;
        let child = self.child::<A::Error>()?;
        while seq.next_element_seed(child)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.spend(0)?;
        let child = self.child::<A::Error>()?;
        while map.next_key_seed(child)?.is_some() {
            map.next_value_seed(child)?;
        }
        Ok(())
    }

    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        // A tagged value (`!tag x`): measure the value under the tag.
        use serde::de::VariantAccess;
        let child = self.child::<A::Error>()?;
        let (tag, variant) = data.variant_seed(child)?;
        let () = tag;
        variant.newtype_variant_seed(child)
    }
}

impl<'de> DeserializeSeed<'de> for Build<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl Build<'_> {
    fn child<E: serde::de::Error>(self) -> Result<Self, E> {
        self.0.child().map(Build)
    }
}

/// Each method counts as [`Probe`]'s does, then keeps the node.
impl<'de> Visitor<'de> for Build<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Value, E> {
        self.0.spend(0).map(|()| Value::Bool(v))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Value, E> {
        self.0.spend(0).map(|()| Value::Number(v.into()))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Value, E> {
        self.0.spend(0).map(|()| Value::Number(v.into()))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        self.0.spend(0).map(|()| Value::Number(v.into()))
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Value, E> {
        self.0.spend(v.len()).map(|()| Value::String(v.to_owned()))
    }
    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Value, E> {
        self.0.spend(v.len()).map(|()| Value::String(v))
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Value, E> {
        self.0.spend(0).map(|()| Value::Null)
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Value, E> {
        self.0.spend(0).map(|()| Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.child()?.deserialize(d)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.child()?.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.0.spend(0)?;
        let child = self.child::<A::Error>()?;
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element_seed(child)? {
            items.push(item);
        }
        Ok(Value::Sequence(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.0.spend(0)?;
        let child = self.child::<A::Error>()?;
        let mut mapping = Mapping::new();
        while let Some(key) = map.next_key_seed(child)? {
            if mapping.contains_key(&key) {
                return Err(serde::de::Error::custom(duplicate_entry(&key)));
            }
            let value = map.next_value_seed(child)?;
            mapping.insert(key, value);
        }
        Ok(Value::Mapping(mapping))
    }

    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        use serde::de::VariantAccess;
        let child = self.child::<A::Error>()?;
        let (tag, variant) = data.variant_seed(TagText(child.0))?;
        let value = variant.newtype_variant_seed(child)?;
        Ok(Value::Tagged(Box::new(TaggedValue {
            tag: Tag::new(tag),
            value,
        })))
    }
}

/// The text of a tag (`!name`), counted like any scalar.
struct TagText<'a>(Probe<'a>);

impl<'de> DeserializeSeed<'de> for TagText<'_> {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for TagText<'_> {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a YAML tag string")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
        self.0.spend(v.len()).map(|()| v.to_owned())
    }
}

/// serde_yaml's own words for a repeated key, which `yaml::parse` rewords.
fn duplicate_entry(key: &Value) -> String {
    match key {
        Value::Null => "duplicate entry with null key".to_string(),
        Value::Bool(b) => format!("duplicate entry with key `{b}`"),
        Value::Number(n) => format!("duplicate entry with key {n}"),
        Value::String(s) => format!("duplicate entry with key {s:?}"),
        _ => "duplicate entry in YAML map".to_string(),
    }
}

/// The hint for a message of this module, naming the limit.
pub fn hint(message: &str) -> Option<String> {
    if message.contains(TOO_LARGE) {
        return Some(format!(
            "YAML aliases (`*name`) repeat what their anchor (`&name`) holds; write the values out or shorten them (limit: {} expanded, MAX_YAML_EXPANDED_BYTES)",
            mib(MAX_YAML_EXPANDED_BYTES as u64)
        ));
    }
    if message.contains(TOO_DEEP) {
        return Some(format!(
            "a handbook file needs only a few levels of lists and mappings (limit: {MAX_YAML_DEPTH}, MAX_YAML_DEPTH)"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_documents_pass() {
        assert!(check("a: &x [1, 2]\nb: *x\nc: {d: e}\n").is_ok());
        assert!(check("").is_ok());
    }

    #[test]
    fn an_alias_repeated_past_the_budget_is_refused_before_it_is_built() {
        // 1 MiB anchored once and referred to 40 times: 41 MiB if expanded.
        let big = "x".repeat(1024 * 1024);
        let mut doc = format!("a: &big {big}\nlist:\n");
        for _ in 0..40 {
            doc.push_str("  - *big\n");
        }
        let err = check(&doc).unwrap_err();
        assert!(err.to_string().contains(TOO_LARGE), "{err}");
        assert!(err.location().is_some());
    }

    #[test]
    fn deep_nesting_is_refused() {
        let doc = format!("{}1{}", "[".repeat(70), "]".repeat(70));
        let err = check(&doc).unwrap_err();
        assert!(err.to_string().contains(TOO_DEEP), "{err}");
        let ok = format!("{}1{}", "[".repeat(20), "]".repeat(20));
        assert!(check(&ok).is_ok());
    }

    #[test]
    fn the_tree_built_while_measuring_is_serde_yaml_s_own() {
        let doc = "a: &x [1, 2.5, true, ~]\nb: *x\nc: {d: !tagged e, \"f\": 'g'}\n";
        let expected: Value = serde_yaml::from_str(doc).unwrap();
        assert_eq!(value(doc).unwrap(), expected);
    }

    #[test]
    fn the_tree_is_refused_at_the_same_limits() {
        let big = "x".repeat(1024 * 1024);
        let mut doc = format!("a: &big {big}\nlist:\n");
        for _ in 0..40 {
            doc.push_str("  - *big\n");
        }
        let err = value(&doc).unwrap_err();
        assert!(err.to_string().contains(TOO_LARGE), "{err}");
        let deep = format!("{}1{}", "[".repeat(70), "]".repeat(70));
        assert!(value(&deep).unwrap_err().to_string().contains(TOO_DEEP));
        let twice = value("a: 1\nb: 2\na: 3\n").unwrap_err().to_string();
        assert!(
            twice.starts_with("duplicate entry with key \"a\""),
            "{twice}"
        );
    }

    #[test]
    fn syntax_errors_come_through() {
        assert!(check("a: [1, 2\n").is_err());
    }
}
