//! CI output of `orr check` and `orr build`: `--format json|github`, stable
//! diagnostic codes, and `--deny` rules turning handbook states into exit 1.

mod common;

use common::*;
use std::path::Path;

fn broken(name: &str) -> tempfile::TempDir {
    handbook("minimal", &[&fixtures().join("broken").join(name)])
}

fn check(root: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["check", "--root", root.to_str().unwrap(), "--today", TODAY];
    args.extend_from_slice(extra);
    orr(&args)
}

#[test]
fn json_output_parses_and_carries_every_field() {
    let dir = broken("unknown-question-id");
    let run = check(dir.path(), &["--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    let items = value.as_array().expect("an array");
    assert!(!items.is_empty());
    for item in items {
        for field in [
            "file", "line", "column", "severity", "code", "message", "help",
        ] {
            assert!(item.get(field).is_some(), "{field} missing in {item}");
        }
        assert_ne!(item["code"], "unclassified", "{item}");
    }
    let unknown = items
        .iter()
        .find(|i| i["code"] == "unknown-question-id")
        .expect("the unknown id is reported with its code");
    assert_eq!(unknown["file"], "content/services/checkout.yaml");
    assert_eq!(
        (unknown["line"].as_u64(), unknown["column"].as_u64()),
        (Some(6), Some(3))
    );
    assert_eq!(unknown["severity"], "error");
}

#[test]
fn json_output_of_a_clean_build_is_an_empty_or_warning_array() {
    let dir = handbook("minimal", &[]);
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let run = orr(&[
        "build",
        "--root",
        dir.path().to_str().unwrap(),
        "--today",
        TODAY,
        "--out",
        site.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    assert!(value.is_array());
    assert!(run.stderr.contains("built "), "{}", run.stderr);
}

#[test]
fn human_output_shows_the_code_like_rustc() {
    let dir = broken("unknown-question-id");
    let run = check(dir.path(), &[]);
    assert!(
        run.stderr
            .contains("error[unknown-question-id]: unknown question id `capacity-replica-peek`"),
        "{}",
        run.stderr
    );
}

#[test]
fn github_output_annotates_errors_and_warnings_with_escaping() {
    let dir = handbook("minimal", &[]);
    let services = dir.path().join("content/services");
    std::fs::write(
        services.join("checkout.yaml"),
        "title: Checkout\nowner: payments\ntier: 1\nanswers:\n  \"bad%id\\n: a,b\":\n    status: yes\n",
    )
    .unwrap();
    std::fs::write(services.join("notes.yml"), "x: 1\n").unwrap();
    let run = check(dir.path(), &["--format", "github"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let error = run
        .stdout
        .lines()
        .find(|l| l.contains("title=unknown-question-id"))
        .unwrap_or_else(|| panic!("no annotation for the unknown id:\n{}", run.stdout));
    assert!(
        error.starts_with("::error file=content/services/checkout.yaml,line=")
            && error.contains(",title=unknown-question-id::"),
        "{error}"
    );
    // The message keeps `:` and `,` (only properties escape them), and escapes `%` and the newline.
    assert!(
        error.contains("unknown question id `bad%25id%0A: a,b`"),
        "{error}"
    );
    let warning = run
        .stdout
        .lines()
        .find(|l| l.starts_with("::warning "))
        .unwrap_or_else(|| panic!("no warning annotation:\n{}", run.stdout));
    assert!(
        warning.starts_with("::warning file=content/services/notes.yml,title=ignored-file::"),
        "{warning}"
    );
    assert!(
        run.stdout.lines().all(|l| l.starts_with("::")),
        "{}",
        run.stdout
    );
}

#[test]
fn github_properties_escape_colon_and_comma() {
    let dir = handbook("minimal", &[]);
    std::fs::write(dir.path().join("content/services/a:b,c%.yml"), "x: 1\n").unwrap();
    let run = check(dir.path(), &["--format", "github"]);
    assert!(
        run.stdout
            .contains("::warning file=content/services/a%3Ab%2Cc%25.yml,title=ignored-file::"),
        "{}",
        run.stdout
    );
}

fn valid() -> tempfile::TempDir {
    handbook("valid", &[])
}

#[test]
fn the_valid_fixture_passes_without_deny() {
    let dir = valid();
    let run = check(dir.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

fn denied(rule: &str, code: &str) {
    let dir = valid();
    let run = check(dir.path(), &["--deny", rule, "--format", "json"]);
    assert_eq!(run.code, 1, "--deny {rule}: {}", run.stderr);
    assert!(
        run.stderr.contains(&format!("denied by --deny {rule}: ")),
        "{}",
        run.stderr
    );
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    let hits: Vec<_> = value
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == code)
        .collect();
    assert!(!hits.is_empty(), "no {code} in {}", run.stdout);
    assert!(hits.iter().all(|d| d["severity"] == "error"));
}

#[test]
fn deny_expired_waivers() {
    denied("expired-waivers", "denied-expired-waiver");
}

#[test]
fn deny_expiring_waivers() {
    denied("expiring-waivers", "denied-expiring-waiver");
}

#[test]
fn deny_stale_reviews() {
    denied("stale-reviews", "denied-stale-review");
}

#[test]
fn deny_warnings() {
    denied("warnings", "denied-warnings");
}

#[test]
fn an_expired_waiver_is_denied_at_its_answer() {
    let dir = valid();
    let run = check(dir.path(), &["--deny", "expired-waivers"]);
    assert!(
        run.stderr.contains(
            "error[denied-expired-waiver]: the waiver of `cap-peak` for service `gamma` is expired"
        ) && run.stderr.contains("--> content/services/gamma.yaml:8:3"),
        "{}",
        run.stderr
    );
    // Made after judging, from the answer's place: the file's text is still
    // held, so the line is quoted.
    assert!(
        run.stderr.contains("8 |   cap-peak:\n  |   ^^^^^^^^"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_unknown_deny_rule_is_a_usage_error() {
    let dir = valid();
    let run = check(dir.path(), &["--deny", "typos"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("unknown --deny rule `typos`"),
        "{}",
        run.stderr
    );
}

#[test]
fn every_code_is_documented_in_docs_format_md() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/format.md"))
        .unwrap();
    for code in orr::diagnostics::Code::ALL {
        assert!(
            doc.contains(&format!("`{}`", code.as_str())),
            "docs/format.md does not list `{}`",
            code.as_str()
        );
    }
}
