//! A value [`super::quick_answers`] read, borrowing the file's text, and
//! handed to serde as the YAML parser's value would be: the records of
//! [`super::describe`] read it as they read the parser's, with no
//! `serde_yaml::Value` built (its maps hash every key, and building then
//! reading them was most of reading a service's answers).

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_yaml::Value;

/// Text, a mapping (its pairs in order, no key twice) or a list.
#[derive(Debug, Clone, PartialEq)]
pub enum Quick<'t> {
    Text(&'t str),
    Map(Vec<(&'t str, Quick<'t>)>),
    List(Vec<Quick<'t>>),
}

impl Quick<'_> {
    /// The same value as the YAML parser's.
    pub fn to_yaml(&self) -> Value {
        match self {
            Quick::Text(text) => Value::String(text.to_string()),
            Quick::Map(pairs) => Value::Mapping(
                pairs
                    .iter()
                    .map(|(key, value)| (Value::String(key.to_string()), value.to_yaml()))
                    .collect(),
            ),
            Quick::List(items) => Value::Sequence(items.iter().map(Quick::to_yaml).collect()),
        }
    }
}

impl<'de> Deserializer<'de> for Quick<'_> {
    type Error = serde_yaml::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self {
            Quick::Text(text) => visitor.visit_str(text),
            Quick::Map(pairs) => visitor.visit_map(Pairs {
                pairs: pairs.into_iter(),
                value: None,
            }),
            Quick::List(items) => visitor.visit_seq(Items(items.into_iter())),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// A mapping's pairs, handed to a visitor key, then value.
struct Pairs<'t> {
    pairs: std::vec::IntoIter<(&'t str, Quick<'t>)>,
    value: Option<Quick<'t>>,
}

impl<'de> MapAccess<'de> for Pairs<'_> {
    type Error = serde_yaml::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        let Some((key, value)) = self.pairs.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        seed.deserialize(Quick::Text(key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        let value = self.value.take().ok_or_else(|| {
            <serde_yaml::Error as de::Error>::custom("a value asked for before its key")
        })?;
        seed.deserialize(value)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.pairs.len())
    }
}

/// A list's items.
struct Items<'t>(std::vec::IntoIter<Quick<'t>>);

impl<'de> SeqAccess<'de> for Items<'_> {
    type Error = serde_yaml::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Self::Error> {
        self.0.next().map(|item| seed.deserialize(item)).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}
