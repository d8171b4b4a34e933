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
    let (out, questions, services) = build();

    // Questions per category, including those added by postmortems.
    let mut per_category: BTreeMap<String, usize> = BTreeMap::new();
    for q in &questions {
        *per_category
            .entry(s(q, "category").to_string())
            .or_default() += 1;
    }
    let expected: BTreeMap<String, usize> = [
        ("backups", 13),
        ("capacity", 19),
        ("customer-support", 5),
        ("dependencies", 14),
        ("deployment", 15),
        ("disaster-recovery", 9),
        ("failure-modes", 14),
        ("incident-management", 8),
        ("known-issues", 4),
        ("legal-financial", 6),
        ("observability", 26),
        ("oncall", 12),
        ("operational-history", 5),
        ("purpose-slos", 9),
        ("risk-analysis", 6),
        ("roadmap", 4),
        ("runbooks", 11),
        ("security", 26),
        ("testing-cicd", 16),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(per_category, expected, "questions per category");
    assert_eq!(
        questions.len(),
        222,
        "total questions, retired ones included"
    );
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
        (136, 86),
        "required vs recommended"
    );

    // The second edition: retired questions keep their ids and name their
    // replacement; new questions carry the date they entered the bank.
    let retired: Vec<&str> = questions
        .iter()
        .filter(|q| !q["retired"].is_null())
        .map(|q| s(q, "id"))
        .collect();
    assert_eq!(retired.len(), 12, "retired questions: {retired:?}");
    assert_eq!(questions.len() - retired.len(), 210, "live questions");
    let dated = questions.iter().filter(|q| !q["since"].is_null()).count();
    assert_eq!(dated, 69, "questions with a since date");
    for q in &questions {
        let concepts: Vec<&str> = q["concepts"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        assert!(
            concepts.iter().any(|c| *c != "orr"),
            "{} links no specific concept: {concepts:?}",
            s(q, "id")
        );
    }

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
    assert_eq!(tagged("ml-serving"), 12, "ml-serving questions");
    assert_eq!(tagged("llm"), 6, "llm questions");
    assert_eq!(tagged("agent"), 2, "agent questions");
    assert_eq!(tagged("stateful"), 14, "stateful questions");
    assert_eq!(tagged("internet-facing"), 8, "internet-facing questions");
    assert_eq!(tagged("web-ui"), 3, "web-ui questions");
    assert_eq!(tagged("batch"), 3, "batch questions");
    let tiered = questions
        .iter()
        .filter(|q| !q["tiers"].is_null() && q["tiers"].as_array().is_some_and(|a| !a.is_empty()))
        .count();
    assert_eq!(tiered, 7, "questions that apply by tier");

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
    assert_eq!(count_files("concepts", "md"), 45, "concepts");
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

    // Required questions scale with tier: the tier-3 queue worker faces
    // fewer than the tier-1 payment API.
    let required_for = |name: &str| -> usize {
        let path = out.path().join(format!("api/services/{name}.json"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        v["answers"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| s(a, "level") == "required")
            .count()
    };
    assert_eq!(
        required_for("checkout"),
        114,
        "required questions for checkout (tier 1)"
    );
    assert_eq!(
        required_for("notifications"),
        94,
        "required questions for notifications (tier 3)"
    );

    // Questions that apply by tag and tier but not to the service are
    // answered n/a with a reason (and an approver when required).
    let not_applicable: usize = services
        .iter()
        .map(|v| {
            let path = out
                .path()
                .join(format!("api/services/{}.json", s(v, "name")));
            let text = std::fs::read_to_string(&path).unwrap();
            let d: Value = serde_json::from_str(&text).unwrap();
            d["answers"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|a| s(a, "state") == "n/a")
                .count()
        })
        .sum();
    assert_eq!(not_applicable, 28, "n/a answers in the example");
}

/// Every example answer quotes "yes" and "no", so YAML 1.1 tools read them
/// as strings rather than booleans.
#[test]
fn example_answers_quote_yes_and_no() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("content/services");
    for entry in std::fs::read_dir(&dir).unwrap().filter_map(Result::ok) {
        let path = entry.path();
        if path.extension().is_none_or(|x| x != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            let value = line.trim().strip_prefix("status:").map(str::trim);
            assert!(
                !matches!(value, Some("yes" | "no")),
                "{}:{}: quote the status",
                path.display(),
                n + 1
            );
        }
    }
}
