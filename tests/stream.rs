//! Streaming `build` and lazy `serve`: `orr serve` renders each page when it
//! is asked for, to the same bytes `build` writes; a page whose template
//! fails is a 500 with the error while the rest of the site is served; a
//! build that fails while streaming leaves the previous site as it was.

mod common;
mod serve_common;

use std::path::Path;

use common::*;
use orr::pipeline::{build_for_serve, Engine, Options};
use orr::serve::{self, ServeConfig};

fn options(root: &Path) -> Options {
    Options {
        root: root.to_path_buf(),
        today: TODAY.parse().unwrap(),
        base_url: Some("/".to_string()),
    }
}

/// A template of the handbook's own that compiles but fails when rendered.
const FAILING_QUESTION_TEMPLATE: &str =
    "{% extends \"base.html\" %}{% block content %}{{ no_such_value.field }}{% endblock %}";

#[test]
fn every_page_rendered_on_request_is_the_page_build_writes() {
    let dir = handbook("valid", &[]);
    let engine = Engine::new();
    let (built, _) = engine
        .build(&options(dir.path()))
        .unwrap_or_else(|d| panic!("{}", d.render()));
    let (lazy, _) = engine
        .prepare(&options(dir.path()))
        .unwrap_or_else(|d| panic!("{}", d.render()));
    assert_eq!(
        lazy.paths(),
        built.keys().map(String::as_str).collect::<Vec<_>>()
    );
    for (path, bytes) in &built {
        // Twice: rendered, then from the cache.
        for _ in 0..2 {
            let made = lazy.get(path).unwrap_or_else(|| panic!("{path} missing"));
            let made = made.unwrap_or_else(|d| panic!("{path}: {}", d.message));
            assert!(made[..] == bytes[..], "{path} differs from the built page");
        }
    }
    assert!(lazy.get("services/no-such-service/index.html").is_none());
}

#[test]
fn a_page_whose_template_fails_is_a_500_and_the_rest_of_the_site_is_served() {
    let dir = handbook("valid", &[]);
    let templates = dir.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join("question.html"), FAILING_QUESTION_TEMPLATE).unwrap();
    let engine = Engine::new();
    let opts = options(dir.path());
    let mut config = ServeConfig::new(dir.path());
    config.port = 0;
    config.limits.print_to_terminal = false;
    let server = serve::start(config, Box::new(move || build_for_serve(&engine, &opts)))
        .unwrap_or_else(|e| panic!("start: {e}"));

    let index = serve_common::get(server.addr(), "/");
    assert_eq!(index.status, 200, "{}", index.body);
    assert!(!index.body.contains("orr-error-overlay"), "{}", index.body);

    let question = serve_common::get(server.addr(), "/questions/capacity/cap-peak/");
    assert_eq!(question.status, 500, "{}", question.body);
    assert!(
        question.body.contains("orr-error-overlay"),
        "{}",
        question.body
    );
    assert!(
        question.body.contains("templates/question.html"),
        "{}",
        question.body
    );

    let unknown = serve_common::get(server.addr(), "/services/nobody/");
    assert_eq!(unknown.status, 404);
    server.shutdown();
}

#[test]
fn a_build_that_fails_while_streaming_leaves_the_previous_site_alone() {
    let dir = handbook("valid", &[]);
    let out = build(dir.path(), &[]);
    let before = snapshot(&out);
    let templates = dir.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join("question.html"), FAILING_QUESTION_TEMPLATE).unwrap();

    let run = run_on("build", dir.path());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("templates/question.html"),
        "{}",
        run.stderr
    );
    assert_eq!(snapshot(&out), before, "the previous site is untouched");
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|name| name.contains("orr-new") || name.contains("orr-old"))
        .collect();
    assert!(leftovers.is_empty(), "staging left behind: {leftovers:?}");
}

/// A handbook of 30 services each waiving 40 questions: 1,200 waivers, a
/// register of two pages, and data files large next to the handbook.
fn many_waivers(root: &Path) {
    let content = root.join("content");
    for dir in ["questions", "services"] {
        std::fs::create_dir_all(content.join(dir)).unwrap();
    }
    std::fs::write(content.join("orr.yaml"), "title: Waived\n").unwrap();
    let mut bank = String::from("---\ntitle: Capacity\norder: 1\nasks: How much?\n---\nIntro.\n");
    for q in 0..40 {
        bank.push_str(&format!(
            "\n## Is limit {q} known? {{#cap-{q} level=required}}\n\nMeasure limit {q}.\n"
        ));
    }
    std::fs::write(content.join("questions/capacity.md"), bank).unwrap();
    for s in 0..30 {
        let mut file = format!("title: Service {s}\nowner: team\ntier: 2\nanswers:\n");
        for q in 0..40 {
            // Some expired, some expiring, most active, as of TODAY.
            let (granted, expires) = [
                ("2025-11-01", "2026-01-01"),
                ("2026-07-01", "2026-12-01"),
                ("2026-10-01", "2027-03-01"),
            ][(s + q) % 3];
            file.push_str(&format!(
                "  cap-{q}:\n    status: waived\n    waiver: {{reason: Later {q}, approver: lead, \
                 granted: {granted}, expires: {expires}}}\n"
            ));
        }
        std::fs::write(content.join(format!("services/svc-{s:02}.yaml")), file).unwrap();
    }
}

#[test]
fn a_disk_build_writes_what_serve_renders_register_pages_and_data_files_included() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("handbook");
    many_waivers(&root);
    let engine = Engine::new();
    let out = dir.path().join("site");
    let built = engine.build_to_disk(&options(&root), &out, false, |_| {});
    match built {
        Ok(orr::pipeline::Built::Written { .. }) => {}
        Ok(orr::pipeline::Built::Failed(d)) => panic!("{}", d.render()),
        Err(e) => panic!("{e:?}"),
    }
    let (lazy, _) = engine
        .prepare(&options(&root))
        .unwrap_or_else(|d| panic!("{}", d.render()));
    let paths = lazy.paths();
    for path in ["waivers/page/2/index.html", "waivers.json", "waivers.csv"] {
        assert!(paths.contains(&path), "{path} is part of the site");
    }
    for path in paths {
        let made = lazy.get(path).unwrap_or_else(|| panic!("{path} missing"));
        let made = made.unwrap_or_else(|d| panic!("{path}: {}", d.message));
        let written = std::fs::read(out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(
            made[..] == written[..],
            "{path} differs from the file built"
        );
    }
    let waivers = json(&out.join("waivers.json"));
    assert_eq!(waivers.as_array().map(Vec::len), Some(1200));
    let csv_rows = read(&out.join("waivers.csv")).lines().count();
    assert_eq!(csv_rows, 1201, "a header and a row per waiver");
    let first = read(&out.join("waivers/index.html"));
    let second = read(&out.join("waivers/page/2/index.html"));
    assert!(first.contains("Waivers 1 to 1000 of 1200."), "{first}");
    assert!(second.contains("Waivers 1001 to 1200 of 1200."));
    assert!(second.contains("<h1>Waiver register, page 2 of 2</h1>"));
    let rows = |page: &str| page.matches("<tr><td>").count();
    assert_eq!(rows(&first) + rows(&second), 1200, "every waiver once");
}
