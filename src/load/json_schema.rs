//! JSON Schemas (draft 2020-12) of a service file and of `orr.yaml`, generated
//! from the `Field`/`Kind` tables of the format's description, so editors flag
//! what `orr check` would. Named values and bounds come from the description's
//! types (`Choice`, `Bounded`); each is a rule orr enforces, so the schema never
//! rejects a file orr accepts. Dates and ids are left to orr.

use serde_json::{json, Map, Value};

use super::describe::ChoiceTable;

use super::schema::{Field, Kind, CONFIG, SERVICE};

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
        properties.insert(field.name.to_string(), field_schema(field));
    }
    let required: Vec<&str> = fields
        .iter()
        .filter(|f| f.required)
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
/// the schema cannot know.) The mapping is the one whose `status` may be `n/a`.
fn object_rules(fields: &'static [Field]) -> Option<Value> {
    let has_not_applicable = fields.iter().any(|f| {
        f.name == "status" && matches!(f.kind, Kind::Choice(t) if t.names.contains(&"n/a"))
    });
    if !has_not_applicable {
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

/// One key's value. An optional key may be left empty (`null`), as the
/// loader allows.
fn field_schema(field: &Field) -> Value {
    kind_schema(field.kind, !field.required)
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
        Kind::Choice(table) => json!({
            "type": types(&["string", "number", "boolean"]),
            "enum": choices(table, optional),
        }),
        Kind::Int => json!({ "type": types(&["integer"]) }),
        Kind::IntIn(low, high) => json!({
            "type": types(&["integer"]),
            "minimum": low,
            "maximum": high,
        }),
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

/// The names of a choice, then the booleans and texts read as one of them
/// (`true`/`false` are how YAML 1.1 tools write an unquoted yes/no), then
/// `null` when the key may be left empty.
fn choices(table: &ChoiceTable, optional: bool) -> Value {
    let mut all: Vec<Value> = table.names.iter().map(|n| json!(n)).collect();
    for word in ["true", "false"] {
        if table.aliases.iter().any(|(alias, _)| *alias == word) {
            all.push(json!(word == "true"));
        }
    }
    all.extend(table.aliases.iter().map(|(alias, _)| json!(alias)));
    if optional {
        all.push(Value::Null);
    }
    Value::Array(all)
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
