//! Dependencies as contracts, end to end: a fixture organisation whose
//! pages, JSON and `orr check` show every kind of finding and the blast radius.

mod common;

use std::fs;

use common::{build, handbook, json, read, run_on};

/// web -> api -> db -> disk, every layer retrying; api promises more than db allows.
const SERVICES: &[(&str, &str)] = &[
    (
        "web",
        "title: Web\nowner: t\ntier: 1\nslo: {availability: 99.0, latency_p99_ms: 400}\ndependencies:\n  - service: api\n    hard: true\n    timeout_ms: 100\n    retries: 2\n    circuit_breaker: true\n  - service: db\n    hard: true\n    timeout_ms: 150\n    retries: 0\n",
    ),
    (
        "api",
        "title: API\nowner: t\ntier: 1\nslo: {availability: 99.95}\ndependencies:\n  - service: db\n    hard: true\n    timeout_ms: 300\n    retries: 2\n    circuit_breaker: true\n",
    ),
    (
        "db",
        "title: DB\nowner: t\ntier: 1\nslo: {availability: 99.9}\ndependencies:\n  - external: disk\n    availability: 99.5\n    hard: true\n    timeout_ms: 50\n    retries: 1\n    circuit_breaker: true\n",
    ),
];

fn organisation() -> tempfile::TempDir {
    let dir = handbook("valid", &[]);
    for (name, yaml) in SERVICES {
        fs::write(
            dir.path().join(format!("content/services/{name}.yaml")),
            yaml,
        )
        .unwrap();
    }
    dir
}

#[test]
fn every_kind_of_finding_reaches_the_json_the_pages_and_check() {
    let dir = organisation();
    let site = build(dir.path(), &[]);
    let web = json(&site.join("api/services/web.json"));
    let kinds: Vec<&str> = web["dependency_findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    for kind in [
        "timeout-budget",
        "retry-amplification",
        "latency-budget",
        "optimistic-slo",
    ] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
    let first = &web["dependency_findings"][0];
    assert_eq!(first["file"], "content/services/web.yaml");
    assert!(first["line"].as_u64().unwrap() >= 6);
    let amplification = web["dependency_findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "retry-amplification")
        .unwrap();
    assert_eq!(
        amplification["path"],
        serde_json::json!(["web", "api", "db", "disk"])
    );
    assert!(amplification["message"]
        .as_str()
        .unwrap()
        .contains("18 calls to disk"));

    let page = read(&site.join("services/web/index.html"));
    assert!(page.contains("Dependencies as contracts"));
    assert!(page.contains("retry-amplification"));

    let check = run_on("check", dir.path());
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(check.stderr.contains("--> content/services/web.yaml:"));
    assert!(check.stderr.contains("retry at one layer only"));
}

#[test]
fn the_blast_radius_is_on_the_service_page_the_dependencies_page_and_the_json() {
    let dir = organisation();
    let site = build(dir.path(), &[]);
    let db = json(&site.join("api/services/db.json"));
    assert_eq!(db["blast_radius"], serde_json::json!(["api", "web"]));
    let page = read(&site.join("services/db/index.html"));
    assert!(
        page.contains("If this fails, 2 services fail with it"),
        "{page}"
    );
    assert!(page.contains("/services/api/"));
    let dependencies = read(&site.join("dependencies/index.html"));
    let ranking = &dependencies[dependencies.find("Blast radius").unwrap()..];
    let db_at = ranking.find(">DB<").unwrap();
    let api_at = ranking.find(">API<").unwrap();
    assert!(db_at < api_at, "largest first");
}

#[test]
fn the_amplification_threshold_comes_from_the_policy() {
    let dir = organisation();
    let config = dir.path().join("content/orr.yaml");
    let text = read(&config).replace(
        "risk_blocker_score: 15",
        "risk_blocker_score: 15\n  retry_amplification_max: 100",
    );
    fs::write(&config, text).unwrap();
    let site = build(dir.path(), &[]);
    let web = json(&site.join("api/services/web.json"));
    assert!(!web["dependency_findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["kind"] == "retry-amplification"));
}
