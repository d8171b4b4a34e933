//! Each ruling is made once, in analyze, and every page, drawing and JSON
//! file shows the same one: tests built from cases where two places used to
//! disagree.

mod common;

use std::fs;
use std::path::Path;

use common::{build, handbook, json, read, run_on};

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// The valid fixture with one more service, `solo`.
fn with_service(yaml: &str) -> tempfile::TempDir {
    let dir = handbook("valid", &[]);
    write(dir.path(), "content/services/solo.yaml", yaml);
    dir
}

#[test]
fn a_question_retired_in_the_future_still_counts_and_is_not_called_history() {
    let dir = with_service(
        "title: Solo\nowner: t\ntier: 2\nanswers:\n  cap-peak: {status: yes, evidence: https://e.example/a}\n  cap-soon: {status: yes, evidence: https://e.example/b}\n",
    );
    let bank = dir.path().join("content/questions/capacity.md");
    let text = read(&bank)
        + "\n## Is the form filed? {#cap-soon level=required retired=2099-01-01}\n\nStill asked until 2099.\n";
    fs::write(&bank, text).unwrap();
    let run = run_on("check", dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !run.stderr.contains("cap-soon"),
        "an answer to a question still live today is no history:\n{}",
        run.stderr
    );
    let site = build(dir.path(), &[]);
    let solo = json(&site.join("api/services/solo.json"));
    let answered: Vec<&str> = solo["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["question"].as_str().unwrap())
        .collect();
    assert!(answered.contains(&"cap-soon"), "{answered:?}");
}

#[test]
fn a_question_retired_before_today_is_history_with_the_day_it_was_retired() {
    let dir = with_service(
        "title: Solo\nowner: t\ntier: 2\nanswers:\n  cap-peak: {status: yes, evidence: https://e.example/a}\n  cap-old: {status: yes, evidence: https://e.example/b}\n",
    );
    let run = run_on("check", dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "answer to `cap-old` does not count toward readiness: the question was retired on 2026-01-01"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("content/services/solo.yaml:6:3"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_ceiling_a_hair_below_the_slo_blocks_and_every_page_says_so() {
    let dir = with_service(
        "title: Solo\nowner: t\ntier: 1\nslo: {availability: 99.70034}\ndependencies:\n  - {external: psp, availability: 99.70031, hard: true, timeout_ms: 100}\nanswers:\n  cap-peak: {status: yes, evidence: https://e.example/a}\n  cap-cold: {status: yes, evidence: https://e.example/c}\n  bk-docs: {status: yes, evidence: https://e.example/d}\n",
    );
    let site = build(dir.path(), &[]);
    let solo = json(&site.join("api/services/solo.json"));
    assert_eq!(solo["verdict"], "no-go", "{solo}");
    assert!(
        solo["blockers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["kind"] == "ceiling"),
        "{solo}"
    );
    let page = read(&site.join("services/solo/index.html"));
    assert!(page.contains("orr-ceiling-below"), "the drawing agrees");
    assert!(
        page.contains("the ceiling is below the SLO"),
        "the text agrees"
    );
}

#[test]
fn the_heat_map_and_the_table_beside_it_use_the_same_bands() {
    let dir = handbook("valid", &[]);
    let site = build(dir.path(), &[]);
    let page = read(&site.join("index.html"));
    let table_bands: Vec<&str> = page
        .match_indices("class=\"cell heat-")
        .map(|(i, m)| &page[i + m.len()..i + m.len() + 1])
        .collect();
    let svg_bands: Vec<&str> = page
        .match_indices("class=\"orr-heat orr-heat-")
        .map(|(i, m)| &page[i + m.len()..i + m.len() + 1])
        .collect();
    assert!(!table_bands.is_empty());
    assert_eq!(table_bands, svg_bands);
}

#[test]
fn check_fails_on_a_template_that_would_fail_the_build() {
    let dir = handbook("valid", &[]);
    write(
        dir.path(),
        "templates/service.html",
        "{% extends \"base.html\" %}{% block content %}{{ no_such_value.field }}{% endblock %}\n",
    );
    let check = run_on("check", dir.path());
    let build = run_on("build", dir.path());
    assert_eq!(build.code, 1, "{}", build.stderr);
    assert_eq!(check.code, 1, "check agrees with build:\n{}", check.stderr);
    assert!(
        check.stderr.contains("templates/service.html"),
        "{}",
        check.stderr
    );
}

#[test]
fn a_syntax_error_in_the_handbooks_template_points_at_its_line() {
    let dir = handbook("valid", &[]);
    write(
        dir.path(),
        "templates/service.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<p>{{ service.title </p>\n{% endblock %}\n",
    );
    let run = run_on("check", dir.path());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("--> templates/service.html:3:"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("bug in orr"), "{}", run.stderr);
    assert!(!run.stderr.contains("base.html"), "{}", run.stderr);
}

#[test]
fn true_and_false_from_yaml_1_1_tools_read_as_yes_and_no() {
    let dir = with_service(
        "title: Solo\nowner: t\ntier: 2\nanswers:\n  cap-peak: {status: true, evidence: https://e.example/a}\n  cap-cold: {status: false, note: not yet}\n  bk-docs: {status: \"yes\", evidence: https://e.example/d}\n",
    );
    let check = run_on("check", dir.path());
    assert_eq!(check.code, 0, "{}", check.stderr);
    let site = build(dir.path(), &[]);
    let solo = json(&site.join("api/services/solo.json"));
    let state = |q: &str| {
        solo["answers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["question"] == q)
            .map(|a| a["state"].clone())
            .unwrap()
    };
    assert_eq!(state("cap-peak"), "yes");
    assert_eq!(state("cap-cold"), "no");
    assert_eq!(state("bk-docs"), "yes");
}
