//! `tiers=` on a question: it applies only to services of those tiers (and
//! of its `applies` tags, when it has them); `orr new service --tier` honours it.

mod common;

use std::fs;
use std::path::Path;

use common::{build, handbook, json, orr, read, run_on, TODAY};

/// The valid fixture with a tier-1-only question in the capacity bank.
fn with_tiered_question(attributes: &str) -> tempfile::TempDir {
    let dir = handbook("valid", &[]);
    let bank = dir.path().join("content/questions/capacity.md");
    let text = read(&bank)
        + &format!("\n## Is there a second region? {{#cap-region level=required {attributes}}}\n\nFor the most critical services.\n");
    fs::write(&bank, text).unwrap();
    dir
}

fn answered(site: &Path, service: &str) -> Vec<String> {
    json(&site.join(format!("api/services/{service}.json")))["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["question"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_tiered_question_applies_only_to_services_of_its_tiers() {
    let dir = with_tiered_question("tiers=1");
    let site = build(dir.path(), &[]);
    // alpha is tier 1, beta tier 2 (tests/fixtures/valid).
    assert!(answered(&site, "alpha").contains(&"cap-region".to_string()));
    assert!(!answered(&site, "beta").contains(&"cap-region".to_string()));
    let questions = json(&site.join("api/questions.json"));
    let region = questions
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "cap-region")
        .unwrap();
    assert_eq!(region["tiers"], serde_json::json!([1]));
    let page = read(&site.join("questions/capacity/cap-region/index.html"));
    assert!(page.contains("of tier 1"), "{page}");
}

#[test]
fn an_answer_from_another_tier_is_history_and_says_why() {
    let dir = with_tiered_question("tiers=1");
    let beta = dir.path().join("content/services/beta.yaml");
    let text = read(&beta).replace(
        "answers:\n",
        "answers:\n  cap-region: {status: \"yes\", evidence: https://e.example/r}\n",
    );
    fs::write(&beta, text).unwrap();
    let run = run_on("check", dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "answer to `cap-region` does not count toward readiness: the question applies only to services of tier 1"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn tiers_must_be_one_to_four_once_each() {
    for (attributes, message) in [
        ("tiers=5", "unknown tier `5` in `tiers`"),
        ("tiers=1,x", "unknown tier `x` in `tiers`"),
        ("tiers=2,2", "tier 2 is listed twice"),
    ] {
        let dir = with_tiered_question(attributes);
        let run = run_on("check", dir.path());
        assert_eq!(run.code, 1, "{attributes}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{attributes}: {}", run.stderr);
    }
}

#[test]
fn new_service_lists_the_questions_of_its_tier() {
    let dir = with_tiered_question("tiers=1");
    let root = dir.path().to_str().unwrap();
    let run = orr(&[
        "new", "service", "gold", "--tier", "1", "--root", root, "--today", TODAY,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let gold = read(&dir.path().join("content/services/gold.yaml"));
    assert!(gold.contains("tier: 1"));
    assert!(gold.contains("cap-region"));
    let run = orr(&[
        "new", "service", "bronze", "--tier", "3", "--root", root, "--today", TODAY,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!read(&dir.path().join("content/services/bronze.yaml")).contains("cap-region"));
    let run = orr(&[
        "new", "service", "odd", "--tier", "7", "--root", root, "--today", TODAY,
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}
