//! Broken handbooks: each fixture under tests/fixtures/broken/ is laid over
//! tests/fixtures/minimal/ and `orr check` must print exactly its
//! `expected.txt` and exit 1. Run with ORR_BLESS=1 to rewrite the files after
//! an intended change of wording (then review the diff).

mod common;

use common::*;

fn check_output(name: &str) -> Run {
    let overlay = fixtures().join("broken").join(name);
    let dir = handbook("minimal", &[&overlay]);
    let run = run_on("check", dir.path());
    assert!(!dir.path().join("site").exists(), "check writes nothing");
    run
}

#[test]
fn every_broken_fixture_prints_its_expected_diagnostics() {
    let mut names: Vec<String> = std::fs::read_dir(fixtures().join("broken"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 12, "{names:?}");
    let bless = std::env::var_os("ORR_BLESS").is_some();
    let mut failures = Vec::new();
    for name in &names {
        let run = check_output(name);
        assert_eq!(run.code, 1, "{name}: exit status\n{}", run.stderr);
        let expected_path = fixtures().join("broken").join(name).join("expected.txt");
        if bless {
            std::fs::write(&expected_path, &run.stderr).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if run.stderr != expected {
            failures.push(format!(
                "== {name}: expected\n{expected}\n== got\n{}",
                run.stderr
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn one_run_reports_every_error_of_every_file() {
    let broken = fixtures().join("broken");
    let dir = handbook(
        "minimal",
        &[
            &broken.join("unknown-tag-and-concept"),
            &broken.join("bad-links"),
            &broken.join("dates-and-ranges"),
        ],
    );
    let run = run_on("check", dir.path());
    assert_eq!(run.code, 1);
    for needle in [
        "unknown concept `load-tests`",
        "unknown tag `statefull`",
        "tier 7 is out of range",
        "severity 6 is outside 1..5",
        "there is no file `content/questions/capacty.md`",
        "10 errors found; nothing was written",
    ] {
        assert!(
            run.stderr.contains(needle),
            "missing {needle:?} in\n{}",
            run.stderr
        );
    }
    for line in run
        .stderr
        .lines()
        .filter(|l| l.trim_start().starts_with("--> "))
    {
        let location = line.trim_start().trim_start_matches("--> ");
        assert_eq!(
            location.split(':').count(),
            3,
            "file:line:column expected, got {location}"
        );
    }
}

#[test]
fn a_failed_build_leaves_the_previous_site_exactly_as_it_was() {
    let dir = handbook("minimal", &[]);
    let out = build(dir.path(), &[]);
    let before = snapshot(&out);
    copy_tree(&fixtures().join("broken/unknown-question-id"), dir.path());
    let run = run_on("build", dir.path());
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("did you mean `capacity-replica-peak`?"));
    assert_eq!(snapshot(&out), before);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("orr-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn command_failures_exit_with_status_two() {
    let run = orr(&["check", "--root", "/nonexistent/handbook"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot read the handbook root"),
        "{}",
        run.stderr
    );
    let dir = handbook("minimal", &[]);
    let root = dir.path().to_str().unwrap();
    let run = orr(&["check", "--root", root, "--today", "2026-02-30"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: --today: `2026-02-30` is not a day of the calendar\n"
    );
    let run = orr(&["build", "--root", root, "--out", root]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("refusing to write the site"),
        "{}",
        run.stderr
    );
    assert!(dir.path().join("content/orr.yaml").exists());
    let run = orr(&[
        "build",
        "--root",
        root,
        "--out",
        dir.path().join("content/x").to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2);
}

#[test]
fn unexpected_files_are_warned_about_and_gitignored_ones_are_not_read() {
    let dir = handbook("minimal", &[]);
    std::fs::write(dir.path().join("content/services/extra.yml"), "title: x\n").unwrap();
    std::fs::write(
        dir.path().join(".gitignore"),
        "site/\ncontent/services/draft.yaml\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("content/services/draft.yaml"),
        "not: [valid\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("content/services/.hidden.yaml"),
        "not: [valid\n",
    )
    .unwrap();
    let run = run_on("check", dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("warning[ignored-file]: ignored: service files end in `.yaml`; rename it"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("--> content/services/extra.yml"),
        "{}",
        run.stderr
    );
}

/// `orr check` leaves code blocks plain (no page it renders is kept); the
/// rulings and diagnostics are those of the engine `build` runs, on the
/// bundled handbook (whose chapters hold code blocks) and on every broken
/// fixture.
#[test]
fn check_without_highlighting_finds_what_build_finds() {
    use orr::pipeline::{Engine, Options};
    let judge = |engine: Engine, root: &std::path::Path| {
        let options = Options {
            root: root.to_path_buf(),
            today: TODAY.parse().unwrap(),
            base_url: None,
        };
        let checked = engine.check(&options);
        (
            checked.diagnostics.render(),
            serde_json::to_string(&checked.assessment.services).unwrap(),
        )
    };
    let bundled = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut roots = vec![bundled.to_path_buf()];
    let mut dirs = Vec::new();
    for entry in std::fs::read_dir(fixtures().join("broken")).unwrap() {
        let dir = handbook("minimal", &[&entry.unwrap().path()]);
        roots.push(dir.path().to_path_buf());
        dirs.push(dir);
    }
    for root in &roots {
        assert_eq!(
            judge(Engine::for_checking(), root),
            judge(Engine::new(), root),
            "{}",
            root.display()
        );
    }
}
