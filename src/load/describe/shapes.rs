//! How each type of value of a described format is read: texts, numbers,
//! named values, records under a key, lists and records keyed by id. Each
//! reports a value of the wrong kind at its place and leaves it out.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::{
    Bounded, Build, Choice, Field, KeySeed, Kind, Named, Reader, Record, RecordVisitor, Scalar,
    Shape, Step,
};

impl Shape for String {
    const KIND: Kind = Kind::Text;
    fn read<'de, D: Deserializer<'de>>(
        r: &mut Reader<'_>,
        field: &'static Field,
        d: D,
    ) -> Result<Option<Self>, D::Error> {
        r.text(field, d)
    }
}

impl<T: Shape> Shape for Option<T> {
    const KIND: Kind = T::KIND;
    fn read<'de, D: Deserializer<'de>>(
        r: &mut Reader<'_>,
        field: &'static Field,
        d: D,
    ) -> Result<Option<Self>, D::Error> {
        Ok(T::read(r, field, d)?.map(Some))
    }
}

impl Shape for i64 {
    const KIND: Kind = Kind::Int;
    fn read<'de, D: Deserializer<'de>>(
        r: &mut Reader<'_>,
        field: &'static Field,
        d: D,
    ) -> Result<Option<Self>, D::Error> {
        Ok(r.whole(field, false, d)?
            .and_then(|n| i64::try_from(n).ok()))
    }
}

impl<const LO: i64, const HI: i64> Shape for Bounded<LO, HI> {
    const KIND: Kind = Kind::IntIn(LO, HI);
    fn read<'de, D: Deserializer<'de>>(
        r: &mut Reader<'_>,
        field: &'static Field,
        d: D,
    ) -> Result<Option<Self>, D::Error> {
        Ok(i64::read(r, field, d)?.map(Bounded))
    }
}

/// Counts the model keeps in 32 bits; a larger one is reported, not wrapped.
impl Shape for u32 {
    const KIND: Kind = Kind::Count;
    fn read<'de, D: Deserializer<'de>>(
        r: &mut Reader<'_>,
        field: &'static Field,
        d: D,
    ) -> Result<Option<Self>, D::Error> {
        let Some(n) = r.whole(field, true, d)? else {
            return Ok(None);
        };
        let fits = u32::try_from(n).ok();
        if fits.is_none() {
            let message = format!("`{}` must be at most {}, not {n}", field.name, u32::MAX);
            r.value_error(message, None);
        }
        Ok(fits)
    }
}

impl Shape for u64 {
    const KIND: Kind = Kind::Count;
    fn read<'de, D: Deserializer<'de>>(
        r: &mut Reader<'_>,
        field: &'static Field,
        d: D,
    ) -> Result<Option<Self>, D::Error> {
        Ok(r.whole(field, true, d)?.and_then(|n| u64::try_from(n).ok()))
    }
}

impl Shape for f64 {
    const KIND: Kind = Kind::Number;
    fn read<'de, D: Deserializer<'de>>(
        r: &mut Reader<'_>,
        field: &'static Field,
        d: D,
    ) -> Result<Option<Self>, D::Error> {
        let value = r.scalar(d)?;
        Ok(match value {
            Scalar::Number(n) => n.as_f64(),
            Scalar::Null if !field.required => None,
            other => {
                let help = matches!(other, Scalar::Text(_)).then(|| {
                    format!(
                        "write the number without quotes or `%`: `{}: 99.9`",
                        field.name
                    )
                });
                r.wrong(field, "a number", &other, help);
                None
            }
        })
    }
}

impl Shape for bool {
    const KIND: Kind = Kind::Bool;
    fn read<'de, D: Deserializer<'de>>(
        r: &mut Reader<'_>,
        field: &'static Field,
        d: D,
    ) -> Result<Option<Self>, D::Error> {
        let value = r.scalar(d)?;
        Ok(match value {
            Scalar::Bool(b) => Some(b),
            Scalar::Null if !field.required => None,
            other => {
                r.wrong(field, "`true` or `false`", &other, None);
                None
            }
        })
    }
}

impl<T: Named + 'static> Shape for Choice<T> {
    const KIND: Kind = Kind::Choice(&T::TABLE);
    fn read<'de, D: Deserializer<'de>>(
        r: &mut Reader<'_>,
        field: &'static Field,
        d: D,
    ) -> Result<Option<Self>, D::Error> {
        Ok(r.text(field, d)?.map(|text| Choice::of(&text)))
    }
}

/// A record under a key (`slo:`, `waiver:`): the `Shape::read` of every record.
pub fn read_record_field<'de, T: Record, D: Deserializer<'de>>(
    r: &mut Reader<'_>,
    field: &'static Field,
    d: D,
) -> Result<Option<T>, D::Error> {
    {
        let visitor = RecordVisitor::<T> {
            r,
            what: Cow::Owned(format!("`{}`", field.name)),
            null_is_empty: false,
            out: std::marker::PhantomData,
        };
        d.deserialize_any(OrEmpty(visitor))
    }
}

impl<T: Record + Shape> Shape for Box<T> {
    const KIND: Kind = Kind::Map(T::FIELDS);
    fn read<'de, D: Deserializer<'de>>(
        r: &mut Reader<'_>,
        field: &'static Field,
        d: D,
    ) -> Result<Option<Self>, D::Error> {
        Ok(T::read(r, field, d)?.map(Box::new))
    }
}

/// A record visitor where an empty value is no record.
struct OrEmpty<V>(V);

impl<'de, T: Record> Visitor<'de> for OrEmpty<RecordVisitor<'_, '_, T>> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Option<T>, E> {
        self.0.r.spend::<E>(0)?;
        Ok(None)
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Option<T>, E> {
        self.visit_unit()
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<T>, A::Error> {
        self.0.visit_map(map).map(Some)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Option<T>, A::Error> {
        self.0.visit_seq(seq).map(Some)
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Option<T>, E> {
        self.0.visit_bool(v).map(Some)
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Option<T>, E> {
        self.0.visit_i64(v).map(Some)
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Option<T>, E> {
        self.0.visit_u64(v).map(Some)
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Option<T>, E> {
        self.0.visit_f64(v).map(Some)
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Option<T>, E> {
        self.0.visit_str(v).map(Some)
    }
    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Option<T>, E> {
        self.0.visit_string(v).map(Some)
    }
    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Option<T>, A::Error> {
        self.0.visit_enum(data).map(Some)
    }
}

/// What a list holds, and how one item of it is read.
pub trait ListItem: Sized {
    /// The list's kind in the table.
    const LIST_KIND: Kind;
    /// What the list should be, for the message when it is not one.
    const EXPECTED: &'static str;
    /// Reads item `index` (0-based) from `seq`: `None` at the end of the
    /// list, `Some(None)` for an item reported and left out.
    fn read_item<'de, A: SeqAccess<'de>>(
        r: &mut Reader<'_>,
        field: &'static Field,
        index: usize,
        seq: &mut A,
    ) -> Result<Option<Option<Self>>, A::Error>;
}

/// Texts: numbers and booleans are taken as written, anything else reported.
impl ListItem for String {
    const LIST_KIND: Kind = Kind::TextList;
    const EXPECTED: &'static str = "a list such as `[a, b]`";
    fn read_item<'de, A: SeqAccess<'de>>(
        r: &mut Reader<'_>,
        field: &'static Field,
        index: usize,
        seq: &mut A,
    ) -> Result<Option<Option<Self>>, A::Error> {
        let Some(value) = seq.next_element_seed(ScalarSeed { r: &mut *r })? else {
            return Ok(None);
        };
        Ok(Some(match value {
            Scalar::Text(s) => Some(s),
            Scalar::Number(n) => Some(n.to_string()),
            Scalar::Bool(b) => Some(b.to_string()),
            other => {
                let message = format!(
                    "items of `{}` must be text, not {}",
                    field.name,
                    other.describe()
                );
                r.error_below(Step::Item(index), message, None);
                None
            }
        }))
    }
}

/// What a list of records should be.
pub const RECORD_LIST: &str = "a list of `- key: value` items";

/// Item `index` of a list of records (`- key: value` items): the
/// `ListItem::read_item` of every record.
pub fn read_record_item<'de, T: Record, A: SeqAccess<'de>>(
    r: &mut Reader<'_>,
    field: &'static Field,
    index: usize,
    seq: &mut A,
) -> Result<Option<Option<T>>, A::Error> {
    {
        r.path.push(Step::Item(index));
        let item = seq.next_element_seed(RecordVisitor::<T> {
            r: &mut *r,
            what: Cow::Owned(format!("item {} of `{}`", index + 1, field.name)),
            null_is_empty: true,
            out: std::marker::PhantomData,
        })?;
        r.path.pop();
        Ok(item.map(Some))
    }
}

struct ScalarSeed<'r, 'a> {
    r: &'r mut Reader<'a>,
}

impl<'de> DeserializeSeed<'de> for ScalarSeed<'_, '_> {
    type Value = Scalar;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
        self.r.scalar(d)
    }
}

impl<T: ListItem> Shape for Vec<T> {
    const KIND: Kind = T::LIST_KIND;
    fn read<'de, D: Deserializer<'de>>(
        r: &mut Reader<'_>,
        field: &'static Field,
        d: D,
    ) -> Result<Option<Self>, D::Error> {
        d.deserialize_any(ListVisitor::<T> {
            r,
            field,
            out: std::marker::PhantomData,
        })
    }
}

struct ListVisitor<'r, 'a, T> {
    r: &'r mut Reader<'a>,
    field: &'static Field,
    out: std::marker::PhantomData<T>,
}

impl<T: ListItem> ListVisitor<'_, '_, T> {
    /// Empty: no list, quietly; anything else but a list: reported.
    fn other<E>(self, value: Scalar) -> Result<Option<Vec<T>>, E> {
        if !matches!(value, Scalar::Null) {
            self.r.wrong(self.field, T::EXPECTED, &value, None);
        }
        Ok(None)
    }
}

impl<'de, T: ListItem> Visitor<'de> for ListVisitor<'_, '_, T> {
    type Value = Option<Vec<T>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    other_values!(map);

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        self.r.enter::<A::Error>()?;
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        let mut index = 0;
        while let Some(item) = T::read_item(self.r, self.field, index, &mut seq)? {
            items.extend(item);
            index += 1;
        }
        self.r.leave();
        Ok(Some(items))
    }
}

/// Records keyed by free ids (`answers:`), every id once.
impl<T: Record> Shape for BTreeMap<String, T> {
    const KIND: Kind = Kind::KeyedMaps(T::FIELDS);
    fn read<'de, D: Deserializer<'de>>(
        r: &mut Reader<'_>,
        field: &'static Field,
        d: D,
    ) -> Result<Option<Self>, D::Error> {
        d.deserialize_any(KeyedVisitor::<T> {
            r,
            field,
            out: std::marker::PhantomData,
        })
    }
}

struct KeyedVisitor<'r, 'a, T> {
    r: &'r mut Reader<'a>,
    field: &'static Field,
    out: std::marker::PhantomData<T>,
}

impl<T: Record> KeyedVisitor<'_, '_, T> {
    fn other<E>(self, value: Scalar) -> Result<Option<BTreeMap<String, T>>, E> {
        if !matches!(value, Scalar::Null) {
            self.r.wrong(self.field, "a mapping of ids", &value, None);
        }
        Ok(None)
    }
}

impl<'de, T: Record> Visitor<'de> for KeyedVisitor<'_, '_, T> {
    type Value = Option<BTreeMap<String, T>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    other_values!(seq);

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        self.r.enter::<A::Error>()?;
        // Collected in a Vec and built in one go at the end: `from_iter` packs the
        // map's nodes full, where inserting keys in order leaves each about half empty.
        let mut entries: Vec<(String, T)> = Vec::new();
        let mut seen = crate::load::yaml::FirstSeen::default();
        while let Some(id) = map.next_key_seed(KeySeed { r: &mut *self.r })? {
            if seen.repeats(&entries, &id) {
                return Err(serde::de::Error::custom(format!(
                    "duplicate entry with key {id:?}"
                )));
            }
            let what = format!("`{id}`");
            // The id travels in the path while its record is read, then comes back.
            self.r.path.push(Step::Key(Cow::Owned(id)));
            let record = map.next_value_seed(RecordVisitor::<T> {
                r: &mut *self.r,
                what: Cow::Owned(what),
                null_is_empty: true,
                out: std::marker::PhantomData,
            })?;
            let id = match self.r.path.pop() {
                Some(Step::Key(id)) => id.into_owned(),
                _ => String::new(),
            };
            entries.push((id, record));
        }
        self.r.leave();
        Ok(Some(entries.into_iter().collect()))
    }
}
