//! `orr init` and `orr new service`, as a new user runs them.

mod common;

use common::*;

#[test]
fn init_starts_a_handbook_that_checks_and_builds() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("handbook");
    let run = orr(&["init", root.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(root.join("content/orr.yaml").exists());
    assert_eq!(read(&root.join(".gitignore")), "/site/\n/.site.orr-*\n");
    let check = run_on("check", &root);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(
        check.stdout.starts_with("ok: 210 questions (12 retired)"),
        "{}",
        check.stdout
    );
    let again = orr(&["init", root.to_str().unwrap()]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
}

#[test]
fn new_service_lists_every_applicable_question_unanswered() {
    let dir = handbook("valid", &[]);
    let root = dir.path().to_str().unwrap();
    let run = orr(&[
        "new", "service", "payments", "--root", root, "--tags", "stateful", "--today", TODAY,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = read(&dir.path().join("content/services/payments.yaml"));
    for id in ["cap-peak", "cap-cold", "bk-restore", "bk-docs"] {
        assert!(text.contains(&format!("  # {id}:")), "{id} listed:\n{text}");
    }
    assert!(!text.contains("cap-kv"), "ml-serving only");
    assert!(!text.contains("cap-old"), "retired");
    assert!(text.contains("  # bk-docs:  # recommended: Are backups documented?"));
    // The skeleton is a valid service: unanswered, so no-go, but no errors.
    let check = orr(&["check", "--root", root, "--today", TODAY]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    let services = {
        let out = build(dir.path(), &[]);
        json(&out.join("api/services.json"))
    };
    let payments = services
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "payments")
        .unwrap();
    assert_eq!(payments["verdict"], "no-go");
    assert_eq!(payments["counts"]["unanswered"], 4);

    let exists = orr(&["new", "service", "payments", "--root", root]);
    assert_eq!(exists.code, 2);
    let bad = orr(&["new", "service", "Bad Name", "--root", root]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("not a valid service name"));
    let tag = orr(&["new", "service", "other", "--root", root, "--tags", "gpu"]);
    assert_eq!(tag.code, 2);
    assert!(tag.stderr.contains("unknown tag `gpu`"), "{}", tag.stderr);
}
