//! `status: n/a`: a question that applies by tags and tier but not to this
//! service, for a stated reason (and with an approver when it is required).
//! It never expires, is left out of the readiness denominator, is counted
//! apart, is listed apart on the service and question pages, and is
//! re-flagged when the question is reworded (`revised=`) after the bank
//! version the answer was judged against.

mod common;

use std::fs;
use std::path::Path;

use common::{build, handbook, json, orr, read, run_on};
use serde_json::{json, Value};

/// A service of the valid fixture (tier 2, no tags: cap-peak, cap-cold and
/// bk-docs apply) answering the required `cap-peak` with `na`.
fn with_na(na: &str) -> tempfile::TempDir {
    let dir = handbook("valid", &[]);
    let text = format!(
        "title: Nala\nowner: team-n\ntier: 2\nanswers:\n  cap-peak:\n{na}  cap-cold: {{status: \"yes\", evidence: https://e.example/c}}\n  bk-docs: {{status: \"no\", note: later}}\n"
    );
    fs::write(dir.path().join("content/services/nala.yaml"), text).unwrap();
    dir
}

const NA: &str = "    status: n/a\n    reason: Serves one tenant by design.\n    approver: sre-lead\n    bank_version: \"2026.11\"\n";

/// Adds `attributes` to the heading of `cap-peak`.
fn revise_cap_peak(dir: &Path, attributes: &str) {
    let bank = dir.join("content/questions/capacity.md");
    let text = read(&bank).replace(
        "{#cap-peak level=required",
        &format!("{{#cap-peak level=required {attributes}"),
    );
    fs::write(&bank, text).unwrap();
}

fn nala(site: &Path) -> Value {
    json(&site.join("api/services/nala.json"))
}

fn answer<'a>(service: &'a Value, question: &str) -> &'a Value {
    service["answers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["question"] == question)
        .unwrap_or_else(|| panic!("no answer to {question}: {service}"))
}

#[test]
fn n_a_is_left_out_of_the_denominator_and_counted_apart() {
    let dir = with_na(NA);
    let site = build(dir.path(), &[]);
    let s = nala(&site);
    // cap-cold yes, bk-docs no, cap-peak n/a: 1 of 2, not 1 of 3.
    assert_eq!(s["readiness"], json!(0.5), "{s}");
    assert_eq!(
        s["counts"],
        json!({"yes": 1, "partial": 0, "no": 1, "waived": 0, "expired": 0, "unanswered": 0, "not_applicable": 1})
    );
    assert_eq!(s["verdict"], "go", "a required n/a does not block: {s}");
    let capacity = s["readiness_by_category"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["category"] == "capacity")
        .unwrap();
    assert_eq!(capacity["readiness"], json!(1.0));
    assert_eq!(capacity["counts"]["not_applicable"], json!(1));
    let listed = json(&site.join("api/services.json"));
    let row = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "nala")
        .unwrap();
    assert_eq!(row["counts"]["not_applicable"], json!(1));
}

#[test]
fn the_json_carries_the_n_a_answer_and_its_ruling() {
    let dir = with_na(NA);
    let site = build(dir.path(), &[]);
    let s = nala(&site);
    let peak = answer(&s, "cap-peak");
    assert_eq!(peak["state"], "n/a");
    assert_eq!(peak["status"], "n/a");
    assert_eq!(peak["reason"], "Serves one tenant by design.");
    assert_eq!(peak["approver"], "sre-lead");
    assert_eq!(peak["bank_version"], "2026.11");
    assert_eq!(peak["reflagged"], json!(false));
    let cold = answer(&s, "cap-cold");
    assert!(cold.get("reflagged").is_none() && cold.get("reason").is_none());
}

#[test]
fn a_required_n_a_needs_an_approver_and_a_recommended_one_does_not() {
    let dir = with_na("    status: n/a\n    reason: One tenant.\n");
    let run = run_on("check", dir.path());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("`cap-peak` is a required question answered `n/a` without an `approver`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("nala.yaml:6:5"), "{}", run.stderr);

    let dir = with_na(NA);
    let path = dir.path().join("content/services/nala.yaml");
    let text = read(&path).replace(
        "bk-docs: {status: \"no\", note: later}",
        "bk-docs: {status: n/a, reason: Nothing to document.}",
    );
    fs::write(&path, text).unwrap();
    let run = run_on("check", dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn an_n_a_needs_a_reason() {
    for na in [
        "    status: n/a\n    approver: sre-lead\n",
        "    status: n/a\n    reason: \"  \"\n    approver: sre-lead\n",
    ] {
        let dir = with_na(na);
        let run = run_on("check", dir.path());
        assert_eq!(run.code, 1, "{na}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("`cap-peak` is answered `n/a` without a `reason`"),
            "{na}: {}",
            run.stderr
        );
    }
}

#[test]
fn n_a_keys_on_another_status_are_a_warning() {
    let dir = with_na("    status: \"no\"\n    reason: Not yet.\n");
    let run = run_on("check", dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("`reason` belongs to an `n/a` answer, and `cap-peak` is not one"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_n_a_never_expires() {
    let dir = with_na(NA);
    let root = dir.path();
    let run = orr(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--today",
        "2046-01-01",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let s = nala(&root.join("site"));
    assert_eq!(answer(&s, "cap-peak")["state"], "n/a");
    assert_eq!(s["counts"]["not_applicable"], json!(1));
    assert_eq!(s["counts"]["expired"], json!(0));
    let waivers = json(&root.join("site/waivers.json"));
    assert!(
        !waivers
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["service"] == "nala"),
        "an n/a is not a waiver"
    );
}

#[test]
fn the_service_and_question_pages_list_n_a_apart() {
    let dir = with_na(NA);
    let site = build(dir.path(), &[]);
    let page = read(&site.join("services/nala/index.html"));
    let (main, rest) = page.split_once("id=\"not-applicable\"").expect(&page);
    assert!(rest.contains("Not applicable (1)"), "{rest}");
    assert!(rest.contains("Serves one tenant by design."));
    assert!(rest.contains("sre-lead") && rest.contains("2026.11"));
    let answers = main.split_once("<h2>Answers</h2>").unwrap().1;
    assert!(
        !answers.contains("id=\"q-cap-peak\""),
        "the n/a row is not in the answers tables"
    );
    assert!(main.contains("1 not applicable, left out"), "{main}");

    let page = read(&site.join("questions/capacity/cap-peak/index.html"));
    let (main, rest) = page.split_once("id=\"not-applicable\"").expect(&page);
    assert!(rest.contains("Nala") && rest.contains("Serves one tenant by design."));
    assert!(
        !main.contains(">Nala<"),
        "Nala is listed only apart: {main}"
    );
    assert!(main.contains(">Alpha API<"));
}

#[test]
fn a_reworded_question_re_flags_an_older_n_a() {
    let dir = with_na(NA);
    revise_cap_peak(dir.path(), "revised=2026.12");
    let run = run_on("check", dir.path());
    assert_eq!(run.code, 0, "a warning, not an error: {}", run.stderr);
    assert!(
        run.stderr.contains("not-applicable-reflagged")
            && run.stderr.contains(
                "`cap-peak` is `n/a`, but the question was reworded in bank version 2026.12, after 2026.11"
            ),
        "{}",
        run.stderr
    );
    let site = build(dir.path(), &[]);
    let s = nala(&site);
    let peak = answer(&s, "cap-peak");
    assert_eq!(peak["state"], "unanswered");
    assert_eq!(peak["reflagged"], json!(true));
    assert_eq!(s["counts"]["not_applicable"], json!(0));
    assert_eq!(s["counts"]["unanswered"], json!(1));
    assert_eq!(s["verdict"], "no-go");
    let blocker = &s["blockers"][0];
    assert_eq!(blocker["question"], "cap-peak");
    assert!(
        blocker["message"]
            .as_str()
            .unwrap()
            .starts_with("Required question's n/a must be re-confirmed"),
        "{blocker}"
    );
    let page = read(&site.join("services/nala/index.html"));
    assert!(page.contains("n/a to re-confirm"));
    let questions = json(&site.join("api/questions.json"));
    let peak = questions
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "cap-peak")
        .unwrap();
    assert_eq!(peak["revised"], "2026.12");
}

#[test]
fn a_missing_bank_version_is_re_flagged_once_the_question_is_revised() {
    let dir = with_na("    status: n/a\n    reason: One tenant.\n    approver: sre-lead\n");
    let site = build(dir.path(), &[]);
    assert_eq!(answer(&nala(&site), "cap-peak")["state"], "n/a");
    revise_cap_peak(dir.path(), "revised=2026.11");
    let site = build(dir.path(), &[]);
    assert_eq!(answer(&nala(&site), "cap-peak")["reflagged"], json!(true));
}

#[test]
fn an_n_a_judged_against_the_revision_or_later_stands() {
    // `2026.10` unquoted is a YAML number (2026.1): it is read as written.
    for (revised, bank_version) in [
        ("revised=2026.11", "\"2026.11\""),
        ("revised=2026.9", "2026.10"),
        ("revised=2026-fall", "2026-fall"),
    ] {
        let na = format!(
            "    status: n/a\n    reason: One tenant.\n    approver: sre-lead\n    bank_version: {bank_version}\n"
        );
        let dir = with_na(&na);
        revise_cap_peak(dir.path(), revised);
        let run = run_on("check", dir.path());
        assert!(
            !run.stderr.contains("not-applicable-reflagged"),
            "{revised} {bank_version}: {}",
            run.stderr
        );
        let site = build(dir.path(), &[]);
        let peak = answer(&nala(&site), "cap-peak").clone();
        assert_eq!(peak["state"], "n/a", "{revised} {bank_version}");
    }
}

#[test]
fn a_label_that_cannot_be_ordered_is_re_flagged_unless_identical() {
    let na = "    status: n/a\n    reason: One tenant.\n    approver: sre-lead\n    bank_version: 2027-spring\n";
    let dir = with_na(na);
    revise_cap_peak(dir.path(), "revised=2026-fall");
    let site = build(dir.path(), &[]);
    assert_eq!(answer(&nala(&site), "cap-peak")["reflagged"], json!(true));
}
