//! The tables a format is described by: each key of a mapping and what its
//! value must be.
//!
//! The service file's tables come from its one description (src/load/raw.rs,
//! made by `record!`), which also reads and checks the files; the settings
//! file's are written here, beside the serde structs of src/config.rs that
//! read it (a test keeps the two in step). `json_schema` writes the JSON
//! Schemas from these tables.

use super::describe::ChoiceTable;
pub use super::raw::{
    ANSWER, DEPENDENCY, HISTORY_EVENT, ONCALL, REVIEW, RISK, SERVICE, SLO, WAIVER,
};

/// What a value must be.
#[derive(Clone, Copy)]
pub enum Kind {
    /// A string; numbers and booleans are taken as their text.
    Text,
    /// A text naming one of a table's values.
    Choice(&'static ChoiceTable),
    /// A whole number.
    Int,
    /// A whole number from the first bound to the second, both included.
    IntIn(i64, i64),
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
    /// A required key is reported when missing and, in a service file, takes
    /// a placeholder so the later checks still run.
    pub required: bool,
}

const fn field(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        required: false,
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
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

    /// The table and the config structs describe the same keys: a key added
    /// to one and not the other fails here, not in a user's handbook.
    fn same_shape<T: DeserializeOwned>(fields: &[Field]) {
        let mut schema: Vec<&str> = fields.iter().map(|f| f.name).collect();
        let mut serde = serde_keys::<T>();
        schema.sort_unstable();
        serde.sort_unstable();
        assert_eq!(schema, serde, "{}", std::any::type_name::<T>());
    }

    #[test]
    fn the_config_table_and_the_config_structs_agree() {
        same_shape::<crate::config::Config>(CONFIG);
        same_shape::<crate::config::Policy>(POLICY);
    }
}
