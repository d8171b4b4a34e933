//! The service format described once (src/load/raw.rs, `record!`): the
//! checker, the typed structs and the JSON Schema come from one description,
//! so they cannot disagree; errors are located exactly at any depth; values
//! the description allows are never a reason to drop a whole file.
//!
//! (That one key added to a description is read, checked and described is
//! shown by the unit test `load::describe::tests::a_key_added_to_a_description_is_read_checked_and_described`,
//! which declares a record of its own.)

mod common;

use std::path::Path;

use common::*;
use orr::load::json_schema::service_schema;
use orr::load::schema::{Field, Kind, SERVICE};
use serde_json::Value;

/// The minimal handbook with `content/services/checkout.yaml` replaced by `yaml`.
fn with_service(yaml: &str) -> tempfile::TempDir {
    let dir = handbook("minimal", &[]);
    let path = dir.path().join("content/services/checkout.yaml");
    std::fs::write(path, yaml).expect("writes the service file");
    dir
}

fn check(root: &Path) -> Run {
    orr(&[
        "check",
        "--root",
        root.to_str().expect("utf-8 path"),
        "--today",
        TODAY,
    ])
}

/// The place printed under the first diagnostic whose message line holds
/// `message`: `(line, column)`.
fn place_of(out: &str, message: &str) -> Option<(usize, usize)> {
    let mut lines = out.lines();
    lines.find(|l| l.contains(message))?;
    let at = lines.next()?.trim_start().strip_prefix("--> ")?;
    let mut parts = at.rsplitn(3, ':');
    let column = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    Some((line, column))
}

const HEAD: &str = "title: Checkout\nowner: payments\ntier: 1\n";

/// The object schema of a mapping, through an `anyOf` with `null`.
fn object(schema: &Value) -> &Value {
    match schema.get("anyOf") {
        Some(Value::Array(options)) => options
            .iter()
            .find(|o| o["type"] == "object")
            .expect("an object among the options"),
        _ => schema,
    }
}

/// Walks a table and its JSON Schema together, requiring the same keys, the
/// same required keys, and the same names and bounds, at every depth.
fn same_keys(fields: &[Field], schema: &Value, at: &str) {
    let properties = schema["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("{at}: no properties"));
    let mut described: Vec<&str> = fields.iter().map(|f| f.name).collect();
    let mut in_schema: Vec<&str> = properties.keys().map(String::as_str).collect();
    described.sort_unstable();
    in_schema.sort_unstable();
    assert_eq!(described, in_schema, "keys at {at}");
    assert_eq!(schema["additionalProperties"], Value::Bool(false), "{at}");
    let required: Vec<&str> = fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name)
        .collect();
    let in_schema: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert_eq!(required, in_schema, "required keys at {at}");
    for field in fields {
        let value = &properties[field.name];
        let here = format!("{at}.{}", field.name);
        match field.kind {
            Kind::Map(inner) => same_keys(inner, object(value), &here),
            Kind::ListOf(inner) => same_keys(inner, &value["items"], &here),
            Kind::KeyedMaps(inner) => same_keys(inner, &value["additionalProperties"], &here),
            Kind::Choice(table) => {
                let listed: Vec<&str> = value["enum"]
                    .as_array()
                    .unwrap_or_else(|| panic!("{here}: no enum"))
                    .iter()
                    .filter_map(Value::as_str)
                    .collect();
                for name in table.names {
                    assert!(listed.contains(name), "{here}: `{name}` not listed");
                }
            }
            Kind::IntIn(low, high) => {
                assert_eq!(value["minimum"], Value::from(low), "{here}");
                assert_eq!(value["maximum"], Value::from(high), "{here}");
            }
            _ => {}
        }
    }
}

#[test]
fn the_json_schema_has_the_keys_of_the_description_at_every_depth() {
    same_keys(SERVICE, &service_schema(), "service");
}

/// Every table of the description, with the YAML that opens a mapping it
/// describes (an unknown key then goes at `indent`).
const MAPPINGS: &[(&str, &str, &str)] = &[
    ("service", "", ""),
    ("slo", "slo:\n", "  "),
    ("oncall", "oncall:\n", "  "),
    ("dependencies", "dependencies:\n  - external: x\n", "    "),
    ("answers", "answers:\n  capacity-replica-peak:\n    status: no\n", "    "),
    (
        "waiver",
        "answers:\n  capacity-replica-peak:\n    status: no\n    waiver:\n",
        "      ",
    ),
    (
        "history",
        "answers:\n  capacity-replica-peak:\n    status: no\n    waiver:\n      history:\n        - date: 2026-01-01\n          event: granted\n",
        "          ",
    ),
    (
        "risks",
        "risks:\n  - {id: r, title: t, severity: 1, likelihood: 1}\n  - id: s\n    title: t\n    severity: 1\n    likelihood: 1\n",
        "    ",
    ),
    (
        "reviews",
        "reviews:\n  - date: 2026-01-01\n    reviewer: a\n    decision: go\n",
        "    ",
    ),
];

/// The table a path of `MAPPINGS` names.
fn table(name: &str) -> &'static [Field] {
    if name == "service" {
        return SERVICE;
    }
    fn find(fields: &'static [Field], name: &str) -> Option<&'static [Field]> {
        fields.iter().find_map(|f| match f.kind {
            Kind::Map(inner) | Kind::ListOf(inner) | Kind::KeyedMaps(inner) if f.name == name => {
                Some(inner)
            }
            Kind::Map(inner) | Kind::ListOf(inner) | Kind::KeyedMaps(inner) => find(inner, name),
            _ => None,
        })
    }
    find(SERVICE, name).unwrap_or_else(|| panic!("no table `{name}`"))
}

/// The check accepts exactly the keys of the description, at every depth:
/// an unknown key is reported on its own line with the table's keys as the
/// valid ones.
#[test]
fn the_check_knows_exactly_the_keys_of_the_description_at_every_depth() {
    for (name, opening, indent) in MAPPINGS {
        let yaml = format!("{HEAD}{opening}{indent}not_a_key: 1\n");
        let dir = with_service(&yaml);
        let run = check(dir.path());
        let keys = table(name)
            .iter()
            .map(|f| format!("`{}`", f.name))
            .collect::<Vec<_>>()
            .join(", ");
        assert!(
            run.stderr.contains(&format!("valid keys here: {keys}")),
            "{name}: {}",
            run.stderr
        );
        let line = yaml.lines().count();
        assert_eq!(
            place_of(&run.stderr, "unknown key `not_a_key`"),
            Some((line, indent.len() + 1)),
            "{name}: {}",
            run.stderr
        );
    }
}

/// Wrong values five levels down, in block and flow style, are located at
/// the value itself.
#[test]
fn errors_at_nested_depths_are_located_exactly() {
    let yaml = format!(
        "{HEAD}answers:\n  capacity-replica-peak:\n    status: no\n    waiver:\n      reason: r\n      history:\n        - {{date: 2026-01-01, event: granted}}\n        - date: 2026-02-01\n          event: [x]\n        - {{date: 2026-03-01, event: renewd}}\nrisks:\n  - id: r\n    title: t\n    severity: \"3\"\n    likelihood: 1\ndependencies:\n  - external: stripe\n    timeout_ms: -5\n"
    );
    let dir = with_service(&yaml);
    let run = check(dir.path());
    assert_eq!(run.code, 1, "{}", run.stderr);
    for (message, at) in [
        ("`event` must be text, not a list", (12, 18)),
        ("unknown waiver event `renewd`", (13, 37)),
        (
            "`severity` must be a whole number, not the text \"3\"",
            (17, 15),
        ),
        (
            "`timeout_ms` must be a whole number, zero or more, not the number -5",
            (21, 17),
        ),
    ] {
        assert_eq!(
            place_of(&run.stderr, message),
            Some(at),
            "{message}: {}",
            run.stderr
        );
    }
}

/// Values the description allows used to make serde refuse the whole file
/// ("cannot read this service file", no line, every other check of the file
/// skipped): an empty `circuit_breaker` or risk `status` (the defaults), and
/// a count too large for the model, now reported at its place.
#[test]
fn values_the_description_allows_do_not_drop_the_file() {
    let yaml = format!(
        "{HEAD}answers:\n  capacity-replica-peak:\n    status: yes\n    evidence: https://grafana.example/checkout\ndependencies:\n  - external: stripe\n    availability: 99.9\n    timeout_ms: 100\n    circuit_breaker: ~\nrisks:\n  - {{id: r1, title: t, severity: 1, likelihood: 1, status: ~}}\n"
    );
    let dir = with_service(&yaml);
    let run = check(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("cannot read"), "{}", run.stderr);

    let too_many = format!("{HEAD}oncall:\n  members: 5000000000\n");
    let dir = with_service(&too_many);
    let run = check(dir.path());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.stderr.contains("cannot read"), "{}", run.stderr);
    assert_eq!(
        place_of(&run.stderr, "`members` must be at most 4294967295"),
        Some((5, 12)),
        "{}",
        run.stderr
    );
}
