//! The JSON Schemas that `orr schema` writes and the site publishes agree with
//! `orr check`: a table of good and bad files gets the same accept/reject from
//! both, the schemas are valid draft 2020-12, and the copies committed under
//! `schema/` are the generated ones.

mod common;

use common::{handbook, orr, TODAY};
use orr::load::json_schema::{config_schema, schema_files, service_schema};
use serde_json::Value;

const BASE: &str = "title: New\nowner: team-n\ntier: 2\n";

/// `(name, text, accepted)` for a service file added to the valid fixture.
fn service_cases() -> Vec<(&'static str, String, bool)> {
    let with = |rest: &str| format!("{BASE}{rest}");
    vec![
        ("minimal", BASE.to_string(), true),
        ("numbers as text", "title: 2026\nowner: 7\ntier: 2\nsummary: true\n".into(), true),
        ("full", with("tags: [stateful]\nsummary: s\nslo: {availability: 99.9, latency_p99_ms: 200}\noncall: {rotation: r, members: 3, escalation: [a, 2]}\ndependencies:\n  - {service: alpha, hard: true, timeout_ms: 100, retries: 0, circuit_breaker: true}\nrisks:\n  - {id: r1, title: t, severity: 2, likelihood: 5, mitigations: [m]}\nreviews:\n  - {date: 2026-09-01, reviewer: x, decision: conditional}\n"), true),
        ("empty optional keys", with("summary:\nslo:\noncall:\ndependencies:\nrisks:\n"), true),
        ("status true", with("answers:\n  cap-cold: {status: true, evidence: https://e.example}\n"), true),
        ("status no", with("answers:\n  cap-cold: {status: \"no\", note: later}\n"), true),
        ("tier 4", "title: T\nowner: o\ntier: 4\n".into(), true),
        ("status n/a", with("answers:\n  cap-cold: {status: n/a, reason: One tenant., approver: sre-lead, bank_version: \"2026.11\"}\n"), true),
        ("recommended n/a without approver", with("answers:\n  bk-docs: {status: n/a, reason: Nothing to document.}\n"), true),
        ("reason on a yes answer", with("answers:\n  cap-cold: {status: \"yes\", evidence: https://e.example, reason: r}\n"), true),
        ("missing owner", "title: T\ntier: 2\n".into(), false),
        ("missing tier", "title: T\nowner: o\n".into(), false),
        ("unknown key", with("ownr: x\n"), false),
        ("unknown nested key", with("slo: {availabilty: 99}\n"), false),
        ("tier as text", "title: T\nowner: o\ntier: \"2\"\n".into(), false),
        ("tier 0", "title: T\nowner: o\ntier: 0\n".into(), false),
        ("tier 5", "title: T\nowner: o\ntier: 5\n".into(), false),
        ("availability as text", with("slo: {availability: \"99.9%\"}\n"), false),
        ("negative members", with("oncall: {members: -1}\n"), false),
        ("hard as text", with("dependencies:\n  - {service: alpha, hard: \"yes\"}\n"), false),
        ("tags not a list", with("tags: stateful\n"), false),
        ("tag item a mapping", with("tags: [{a: b}]\n"), false),
        ("answer without status", with("answers:\n  cap-cold: {evidence: https://e.example}\n"), false),
        ("unknown status", with("answers:\n  cap-cold: {status: done}\n"), false),
        ("n/a without reason", with("answers:\n  cap-cold: {status: n/a, approver: sre-lead}\n"), false),
        ("n/a with a blank reason", with("answers:\n  bk-docs: {status: n/a, reason: \" \"}\n"), false),
        ("n/a with an empty reason", with("answers:\n  bk-docs: {status: n/a, reason:}\n"), false),
        ("n/a reason a list", with("answers:\n  bk-docs: {status: n/a, reason: [a]}\n"), false),
        ("answer a list", with("answers: [cap-cold]\n"), false),
        ("severity 6", with("risks:\n  - {id: r1, title: t, severity: 6, likelihood: 1}\n"), false),
        ("risk without likelihood", with("risks:\n  - {id: r1, title: t, severity: 2}\n"), false),
        ("unknown decision", with("reviews:\n  - {date: 2026-09-01, reviewer: x, decision: maybe}\n"), false),
        ("not a mapping", "- a\n- b\n".into(), false),
    ]
}

/// `(name, text, accepted)` for `content/orr.yaml` of the valid fixture.
fn config_cases() -> Vec<(&'static str, String, bool)> {
    let tags = "tags:\n  ml-serving: ML\n  stateful: Data\n";
    let with = |rest: &str| format!("{tags}{rest}");
    vec![
        ("tags only", tags.to_string(), true),
        ("full", with("title: H\nbase_url: /h/\nbank_version: 2026.11\npolicy: {waiver_max_days: 200, risk_blocker_score: 16, retry_amplification_max: 5}\n"), true),
        ("bank version a number", with("bank_version: 3\n"), true),
        ("unknown key", with("titel: H\n"), false),
        ("unknown policy key", with("policy: {waiver_days: 3}\n"), false),
        ("policy score negative", with("policy: {risk_blocker_score: -1}\n"), false),
        ("policy days as text", with("policy: {waiver_max_days: \"90\"}\n"), false),
        ("tag description a list", "tags:\n  ml-serving: [a]\n  stateful: Data\n".into(), false),
        ("tags a list", "tags: [ml-serving, stateful]\n".into(), false),
    ]
}

/// Whether `orr check` accepts the valid fixture with `path` holding `text`.
fn orr_accepts(path: &str, text: &str) -> bool {
    let dir = handbook("valid", &[]);
    std::fs::write(dir.path().join(path), text).unwrap();
    let run = orr(&[
        "check",
        "--root",
        dir.path().to_str().unwrap(),
        "--today",
        TODAY,
    ]);
    assert!(run.code == 0 || run.code == 1, "{path}: {}", run.stderr);
    run.code == 0
}

/// Whether the schema accepts `text`, read as YAML into JSON as an editor would.
fn schema_accepts(schema: &Value, text: &str) -> bool {
    let Ok(value) = serde_yaml::from_str::<Value>(text) else {
        return false;
    };
    jsonschema::draft202012::new(schema)
        .expect("the schema compiles")
        .is_valid(&value)
}

fn same_verdicts(schema: &Value, path: &str, cases: Vec<(&'static str, String, bool)>) {
    let mut wrong = Vec::new();
    for (name, text, accepted) in cases {
        let by_orr = orr_accepts(path, &text);
        let by_schema = schema_accepts(schema, &text);
        if by_orr != accepted || by_schema != accepted {
            wrong.push(format!(
                "{name}: expected {accepted}, orr {by_orr}, schema {by_schema}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{path}:\n{}", wrong.join("\n"));
}

#[test]
fn service_files_get_the_same_verdict_from_orr_and_the_schema() {
    same_verdicts(
        &service_schema(),
        "content/services/zz-new.yaml",
        service_cases(),
    );
}

#[test]
fn orr_yaml_gets_the_same_verdict_from_orr_and_the_schema() {
    same_verdicts(&config_schema(), "content/orr.yaml", config_cases());
}

#[test]
fn the_schemas_are_valid_draft_2020_12() {
    for schema in [service_schema(), config_schema()] {
        assert!(jsonschema::draft202012::meta::is_valid(&schema));
    }
}

#[test]
fn the_committed_schemas_are_the_generated_ones() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema");
    for (name, text) in schema_files() {
        let committed = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        assert!(
            committed == text,
            "schema/{name} is stale: run `orr schema`"
        );
    }
}

#[test]
fn orr_schema_writes_both_files_and_new_service_points_at_them() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s");
    let run = orr(&["schema", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for (name, text) in schema_files() {
        assert_eq!(common::read(&out.join(name)), text);
    }
    let root = handbook("valid", &[]);
    let root = root.path();
    let run = orr(&[
        "new",
        "service",
        "zz-new",
        "--root",
        root.to_str().unwrap(),
        "--today",
        TODAY,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let written = common::read(&root.join("content/services/zz-new.yaml"));
    assert!(
        written.starts_with("# yaml-language-server: $schema=../../schema/service.schema.json\n")
    );
}

#[test]
fn the_site_publishes_the_schemas() {
    let root = handbook("valid", &[]);
    let site = common::build(root.path(), &[]);
    for (name, text) in schema_files() {
        assert_eq!(common::read(&site.join("schema").join(name)), text);
    }
}
