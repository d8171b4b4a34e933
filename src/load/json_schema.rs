//! JSON Schemas (draft 2020-12) of a service file and of `orr.yaml`, generated
//! from the `Field`/`Kind` tables the loader checks with, so editors flag what
//! `orr check` would. The few value rules orr checks later (statuses, ranges,
//! dates) are added from the small table of `refinement`; each is one orr
//! enforces, so the schema never rejects a file orr accepts.

use serde_json::{json, Map, Value};

use super::schema::{Field, Kind, ANSWER, CONFIG, REVIEW, RISK, SERVICE};

/// Where the site publishes the schemas, and where `orr schema` writes them.
pub const SERVICE_SCHEMA_FILE: &str = "service.schema.json";
pub const CONFIG_SCHEMA_FILE: &str = "orr.schema.json";

/// The schema of `content/services/<name>.yaml`.
pub fn service_schema() -> Value {
    document(
        SERVICE_SCHEMA_FILE,
        "orr service file",
        "Readiness answers, risks and reviews of one service (content/services/<name>.yaml).",
        SERVICE,
    )
}

/// The schema of `content/orr.yaml`.
pub fn config_schema() -> Value {
    document(
        CONFIG_SCHEMA_FILE,
        "orr settings",
        "Site settings and review policy of an orr handbook (content/orr.yaml).",
        CONFIG,
    )
}

/// Both schemas as `(file name, pretty JSON text ending in a newline)`.
pub fn schema_files() -> Vec<(&'static str, String)> {
    [
        (SERVICE_SCHEMA_FILE, service_schema()),
        (CONFIG_SCHEMA_FILE, config_schema()),
    ]
    .into_iter()
    .map(|(name, schema)| {
        let text = serde_json::to_string_pretty(&schema).unwrap_or_default();
        (name, format!("{text}\n"))
    })
    .collect()
}

fn document(id: &str, title: &str, description: &str, fields: &'static [Field]) -> Value {
    let mut schema = object_schema(fields);
    // A relative `$id`: the schemas resolve wherever they are served or copied.
    let head = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": id,
        "title": title,
        "description": description,
    });
    if let (Value::Object(head), Value::Object(body)) = (head, &mut schema) {
        let mut all: Map<String, Value> = head;
        all.append(body);
        return Value::Object(all);
    }
    schema
}

/// A mapping with exactly these keys, the required ones required.
fn object_schema(fields: &'static [Field]) -> Value {
    let mut properties = Map::new();
    for field in fields {
        properties.insert(field.name.to_string(), field_schema(fields, field));
    }
    let required: Vec<&str> = fields
        .iter()
        .filter(|f| f.placeholder.is_some())
        .map(|f| f.name)
        .collect();
    let mut schema = json!({
        "type": "object",
        "properties": properties,
        "additionalProperties": false,
    });
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    if let Some(rules) = object_rules(fields) {
        schema["allOf"] = rules;
    }
    schema
}

/// Rules across the keys of one mapping that orr checks later
/// (src/resolve/services.rs): an `n/a` answer gives a `reason` that is not
/// blank. (Its `approver` is required only for a `required` question, which
/// the schema cannot know.)
fn object_rules(fields: &'static [Field]) -> Option<Value> {
    if !std::ptr::eq(fields, ANSWER) {
        return None;
    }
    Some(json!([{
        "if": { "properties": { "status": { "const": "n/a" } }, "required": ["status"] },
        "then": {
            "required": ["reason"],
            "properties": { "reason": { "type": ["string", "number", "boolean"], "pattern": "\\S" } },
        },
    }]))
}

/// One key's value: its kind, then any later rule of orr for it. An optional
/// key may be left empty (`null`), as the loader allows.
fn field_schema(table: &'static [Field], field: &Field) -> Value {
    let optional = field.placeholder.is_none();
    let mut schema = kind_schema(field.kind, optional);
    if let Some(Value::Object(extra)) = refinement(table, field.name) {
        if let Value::Object(map) = &mut schema {
            map.extend(extra);
        }
    }
    schema
}

fn kind_schema(kind: Kind, optional: bool) -> Value {
    let types = |names: &[&str]| {
        let mut all: Vec<&str> = names.to_vec();
        if optional {
            all.push("null");
        }
        json!(all)
    };
    match kind {
        // Numbers and booleans are read as their text.
        Kind::Text => json!({ "type": types(&["string", "number", "boolean"]) }),
        Kind::Int => json!({ "type": types(&["integer"]) }),
        Kind::Count => json!({ "type": types(&["integer"]), "minimum": 0 }),
        Kind::Number => json!({ "type": types(&["number"]) }),
        Kind::Bool => json!({ "type": types(&["boolean"]) }),
        Kind::TextList => json!({
            "type": types(&["array"]),
            "items": { "type": ["string", "number", "boolean"] },
        }),
        Kind::TextMap => json!({
            "type": types(&["object"]),
            "additionalProperties": { "type": "string" },
        }),
        Kind::Map(fields) => nullable(object_schema(fields), optional),
        Kind::ListOf(fields) => json!({
            "type": types(&["array"]),
            "items": object_schema(fields),
        }),
        Kind::KeyedMaps(fields) => json!({
            "type": types(&["object"]),
            "additionalProperties": object_schema(fields),
        }),
    }
}

/// `schema`, or also `null` when the key may be left empty.
fn nullable(schema: Value, optional: bool) -> Value {
    if optional {
        json!({ "anyOf": [{ "type": "null" }, schema] })
    } else {
        schema
    }
}

/// Value rules orr checks after the shape (src/resolve/services.rs), keyed
/// by the table and key they apply to.
fn refinement(table: &'static [Field], name: &str) -> Option<Value> {
    let is = |t: &'static [Field]| std::ptr::eq(table, t);
    let rule = match name {
        "tier" if is(SERVICE) => json!({ "minimum": 1, "maximum": 4 }),
        "severity" | "likelihood" if is(RISK) => json!({ "minimum": 1, "maximum": 5 }),
        // `true`/`false` are how YAML 1.1 tools write an unquoted yes/no.
        "status" if is(ANSWER) => json!({
            "enum": ["yes", "partial", "no", "waived", "n/a", true, false,
                     "true", "True", "TRUE", "false", "False", "FALSE"],
        }),
        "decision" if is(REVIEW) => json!({ "enum": ["go", "no-go", "conditional"] }),
        _ => return None,
    };
    Some(rule)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_of_the_tables_is_described() {
        let schema = service_schema();
        for field in SERVICE {
            assert!(
                schema["properties"].get(field.name).is_some(),
                "{}",
                field.name
            );
        }
        assert_eq!(schema["additionalProperties"], json!(false));
        assert_eq!(schema["required"], json!(["title", "owner", "tier"]));
        let answer = &schema["properties"]["answers"]["additionalProperties"];
        assert_eq!(answer["required"], json!(["status"]));
    }
}
