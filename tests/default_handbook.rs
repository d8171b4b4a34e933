//! Pins the bundled default handbook (`content/`): the checklist, the concept
//! map and the example organisation. If content is removed or a verdict of
//! the example changes, this test says so; update the pinned numbers only on
//! purpose.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

const TODAY: &str = "2026-11-23";

fn build() -> (tempfile::TempDir, Vec<Value>, Vec<Value>) {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = tempfile::tempdir().expect("tempdir");
    let status = Command::new(env!("CARGO_BIN_EXE_orr"))
        .args(["build", "--root", root, "--out"])
        .arg(out.path())
        .args(["--today", TODAY])
        .status()
        .expect("run orr build");
    assert!(
        status.success(),
        "orr build of the default handbook failed: {status}"
    );
    let read = |rel: &str| -> Vec<Value> {
        let text =
            std::fs::read_to_string(out.path().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"))
    };
    let questions = read("api/questions.json");
    let services = read("api/services.json");
    (out, questions, services)
}

fn count_files(dir: &str, ext: &str) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("content")
        .join(dir);
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == ext))
        .count()
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} missing or not a string in {v}"))
}

#[test]
fn default_handbook_content_is_pinned() {
    let (_out, questions, services) = build();

    // Questions per category, including those added by postmortems.
    let mut per_category: BTreeMap<String, usize> = BTreeMap::new();
    for q in &questions {
        *per_category
            .entry(s(q, "category").to_string())
            .or_default() += 1;
    }
    let expected: BTreeMap<String, usize> = [
        ("backups", 9),
        ("capacity", 14),
        ("customer-support", 4),
        ("dependencies", 11),
        ("deployment", 9),
        ("disaster-recovery", 6),
        ("failure-modes", 10),
        ("incident-management", 7),
        ("known-issues", 4),
        ("legal-financial", 5),
        ("observability", 17),
        ("oncall", 8),
        ("operational-history", 5),
        ("purpose-slos", 7),
        ("risk-analysis", 5),
        ("roadmap", 4),
        ("runbooks", 8),
        ("security", 17),
        ("testing-cicd", 10),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(per_category, expected, "questions per category");
    assert_eq!(questions.len(), 160, "total questions");
    assert_eq!(count_files("questions", "md"), 19, "question banks");

    // Levels: required questions block a launch, so their number is a policy decision.
    let required = questions
        .iter()
        .filter(|q| s(q, "level") == "required")
        .count();
    let recommended = questions
        .iter()
        .filter(|q| s(q, "level") == "recommended")
        .count();
    assert_eq!(
        (required, recommended),
        (103, 57),
        "required vs recommended"
    );
    assert!(
        questions.iter().all(|q| q["retired"].is_null()),
        "no question of the default bank is retired"
    );

    // Tagged questions.
    let tagged = |tag: &str| {
        questions
            .iter()
            .filter(|q| {
                q["applies"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|t| t == tag))
            })
            .count()
    };
    assert_eq!(tagged("ml-serving"), 15, "ml-serving questions");
    assert_eq!(tagged("stateful"), 11, "stateful questions");
    assert_eq!(tagged("internet-facing"), 9, "internet-facing questions");

    // Postmortems, and the questions each adds to the bank.
    assert_eq!(count_files("postmortems", "md"), 4, "postmortems");
    let mut per_origin: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for q in &questions {
        if let Some(origin) = q["origin"].as_str() {
            per_origin
                .entry(origin.to_string())
                .or_default()
                .push(s(q, "id").to_string());
        }
    }
    for ids in per_origin.values_mut() {
        ids.sort();
    }
    let expected_origins: BTreeMap<String, Vec<String>> = [
        (
            "pm-2026-02-order-emails-silent",
            vec!["observability-silent-stop", "runbooks-credential-rotation"],
        ),
        (
            "pm-2026-06-partner-cert-expiry",
            vec!["security-certificate-inventory"],
        ),
        (
            "pm-2026-09-gpu-pool-exhausted",
            vec!["capacity-gpu-reserved", "failure-modes-bounded-queue"],
        ),
        (
            "pm-2026-11-retry-storm",
            vec![
                "dependencies-retry-amplification",
                "dependencies-vendor-limits",
            ],
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(
        per_origin, expected_origins,
        "questions added by postmortems"
    );

    // The concept map, and every concept is named by at least one question.
    assert_eq!(count_files("concepts", "md"), 29, "concepts");
    let concepts_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("content/concepts");
    for entry in std::fs::read_dir(&concepts_dir)
        .unwrap()
        .filter_map(Result::ok)
    {
        let path = entry.path();
        if path.extension().is_none_or(|x| x != "md") {
            continue;
        }
        let id = path.file_stem().unwrap().to_str().unwrap().to_string();
        assert!(
            questions.iter().any(|q| q["concepts"]
                .as_array()
                .is_some_and(|a| a.iter().any(|c| c == id.as_str()))),
            "concept {id} is named by no question"
        );
    }

    // Handbook chapters.
    assert_eq!(count_files("handbook", "md"), 11, "handbook chapters");

    // The example organisation and its intended verdicts as of TODAY.
    assert_eq!(count_files("services", "yaml"), 11, "example services");
    assert_eq!(services.len(), 11, "services in services.json");
    let verdicts: BTreeMap<&str, &str> = services
        .iter()
        .map(|v| (s(v, "name"), s(v, "verdict")))
        .collect();
    let expected_verdicts: BTreeMap<&str, &str> = [
        ("assistant", "no-go"),
        ("catalog", "conditional"),
        ("checkout", "go"),
        ("embeddings", "go"),
        ("identity", "go"),
        ("loyalty", "no-go"),
        ("notifications", "no-go"),
        ("orders-db", "go"),
        ("reporting", "no-go"),
        ("search", "no-go"),
        ("storefront-web", "go"),
    ]
    .into_iter()
    .collect();
    assert_eq!(
        verdicts, expected_verdicts,
        "verdicts of the example services as of {TODAY}"
    );

    // Each no-go is no-go for exactly one, different, reason.
    let blocker_kinds = |name: &str| -> Vec<String> {
        let svc = services.iter().find(|v| s(v, "name") == name).unwrap();
        let mut kinds: Vec<String> = svc["blockers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| s(b, "kind").to_string())
            .collect();
        kinds.sort();
        kinds
    };
    assert_eq!(blocker_kinds("assistant"), ["risk"]);
    assert_eq!(blocker_kinds("loyalty"), ["ceiling"]);
    assert_eq!(blocker_kinds("notifications"), ["question"]);
    assert_eq!(blocker_kinds("reporting"), ["partial-overdue"]);
    assert_eq!(blocker_kinds("search"), ["waiver-expired"]);

    let stale: Vec<&str> = services
        .iter()
        .filter(|v| v["stale"].as_bool() == Some(true))
        .map(|v| s(v, "name"))
        .collect();
    assert_eq!(stale, ["reporting"], "stale services");
}
