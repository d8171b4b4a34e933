//! Filters orr puts in place of Tera's own where Tera's would break a
//! promise of the build: the same content on the same day gives the same
//! bytes.
//!
//! Tera's `group_by` gathers its groups in a `HashMap` seeded at random in
//! each process, so a handbook template grouping services by owner listed
//! the owners in a different order on every build. This one keeps the order
//! in which each group first appears, as Tera's did before version 2.

use std::collections::BTreeMap;
use std::sync::Arc;

use tera::value::Key;
use tera::{Error, Kwargs, Map, State, TeraResult, Value};

/// Registers the filters on `tera`, over any built-in of the same name.
pub fn register(tera: &mut tera::Tera) {
    tera.register_filter("group_by", group_by);
}

/// `items | group_by(attribute="a.b")`: a map from each value of the
/// attribute to the items holding it, in first-appearance order; items whose
/// attribute is null are left out, and an item without it is an error.
fn group_by(items: &[Value], kwargs: Kwargs, _: &State) -> TeraResult<Map> {
    // As Tera's: an empty list is an empty map, whatever the arguments.
    if items.is_empty() {
        return Ok(Map::new());
    }
    let attribute = kwargs.must_get::<&str>("attribute")?;
    let mut groups: Vec<(Key<'static>, Vec<Value>)> = Vec::new();
    // Where each key's group is, so that many groups stay cheap to find.
    let mut index: BTreeMap<Key<'static>, usize> = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        let value = item.get_from_path(attribute).ok_or_else(|| {
            Error::message(format!(
                "Value at index {i} (a {}) does not have an attribute at path: {attribute}",
                item.name()
            ))
        })?;
        if value.is_none() {
            continue;
        }
        let key = key_of(value)?;
        let at = *index.entry(key.clone()).or_insert_with(|| {
            groups.push((key, Vec::new()));
            groups.len() - 1
        });
        groups[at].1.push(item.clone());
    }
    Ok(groups
        .into_iter()
        .map(|(key, items)| (key, Value::from(items)))
        .collect())
}

/// The map key for a grouping value: a text, a whole number or a boolean.
fn key_of(value: &Value) -> TeraResult<Key<'static>> {
    if let Some(text) = value.as_str() {
        Ok(Key::String(Arc::from(text)))
    } else if let Some(flag) = value.as_bool() {
        Ok(Key::Bool(flag))
    } else if let Some(n) = value.as_i64() {
        Ok(Key::I64(n))
    } else if let Some(n) = value.as_u64() {
        Ok(Key::U64(n))
    } else if let Some(n) = value.as_i128() {
        Ok(Key::I128(n))
    } else if let Some(n) = value.as_u128() {
        Ok(Key::U128(n))
    } else {
        Err(Error::message("Not a valid key type".to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str, context: &tera::Context) -> String {
        let mut tera = tera::Tera::new();
        register(&mut tera);
        tera.add_raw_template("t", template).unwrap();
        tera.render("t", context).unwrap()
    }

    fn services() -> tera::Context {
        let owners = ["zeta", "alpha", "mid", "alpha", "zeta", "beta", "mid"];
        let services: Vec<Value> = owners
            .iter()
            .enumerate()
            .map(|(i, owner)| {
                let mut m = Map::new();
                m.insert(Key::from("name"), Value::from(format!("s{i}")));
                m.insert(Key::from("owner"), Value::from(*owner));
                Value::from(m)
            })
            .collect();
        let mut context = tera::Context::new();
        context.insert("services", &services);
        context
    }

    #[test]
    fn groups_come_in_the_order_they_first_appear() {
        let out = render(
            "{% for owner, list in services | group_by(attribute=\"owner\") %}{{ owner }}:{% for s in list %}{{ s.name }} {% endfor %}| {% endfor %}",
            &services(),
        );
        assert_eq!(out, "zeta:s0 s4 | alpha:s1 s3 | mid:s2 s6 | beta:s5 | ");
    }

    #[test]
    fn an_empty_list_is_an_empty_map_as_with_teras_filter() {
        let mut context = tera::Context::new();
        context.insert("nobody", &Vec::<Value>::new());
        assert_eq!(render("{{ nobody | group_by | length }}", &context), "0");
    }

    #[test]
    fn an_item_without_the_attribute_is_an_error() {
        let mut tera = tera::Tera::new();
        register(&mut tera);
        tera.add_raw_template("t", "{{ services | group_by(attribute=\"team\") }}")
            .unwrap();
        assert!(tera.render("t", &services()).is_err());
    }
}
