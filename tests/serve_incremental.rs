//! Incremental rebuilds of `orr serve`: after an edit only the changed files
//! are parsed again, and what is served is exactly what a fresh build of
//! the handbook as it now stands gives, page for page and byte for byte:
//! an edited file shows on its own page and on every page that depends on
//! it, a deleted or renamed file leaves no trace, and an edit that breaks
//! the handbook shows the error while the last good site stays served.

mod common;
mod serve_common;

use std::path::Path;

use common::*;
use orr::pipeline::{build_for_serve, CacheUse, Engine, Options};
use orr::render::LazySite;
use orr::serve::{self, ServeConfig};
use serve_common::{get, wait_for_page};

fn options(root: &Path) -> Options {
    Options {
        root: root.to_path_buf(),
        today: TODAY.parse().unwrap(),
        base_url: Some("/".to_string()),
    }
}

/// Every file of the site `engine` serves now, rendered.
fn served(engine: &Engine, root: &Path) -> Vec<(String, Vec<u8>)> {
    let (site, _) = engine
        .prepare(&options(root))
        .unwrap_or_else(|d| panic!("{}", d.render()));
    pages_of(&site)
}

fn pages_of(site: &LazySite) -> Vec<(String, Vec<u8>)> {
    site.paths()
        .into_iter()
        .map(|path| {
            let made = site.get(path).unwrap_or_else(|| panic!("{path} missing"));
            let made = made.unwrap_or_else(|d| panic!("{path}: {}", d.message));
            (path.to_string(), made.to_vec())
        })
        .collect()
}

/// The site a new process would build from the handbook as it stands.
fn fresh(root: &Path) -> Vec<(String, Vec<u8>)> {
    let (site, _) = Engine::new()
        .build(&options(root))
        .unwrap_or_else(|d| panic!("{}", d.render()));
    site.into_iter().collect()
}

/// Fails with the first path that differs, not with two huge vectors.
fn assert_same_site(served: &[(String, Vec<u8>)], fresh: &[(String, Vec<u8>)]) {
    let paths =
        |site: &[(String, Vec<u8>)]| site.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(paths(served), paths(fresh), "the same files");
    for ((path, a), (_, b)) in served.iter().zip(fresh) {
        assert!(a == b, "{path} differs from a fresh build");
    }
}

fn page<'a>(site: &'a [(String, Vec<u8>)], path: &str) -> &'a str {
    let (_, bytes) = site
        .iter()
        .find(|(p, _)| p == path)
        .unwrap_or_else(|| panic!("{path} missing"));
    std::str::from_utf8(bytes).unwrap()
}

fn edit(root: &Path, relative: &str, from: &str, to: &str) {
    let path = root.join(relative);
    let text = read(&path);
    assert!(text.contains(from), "{relative} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn an_edit_parses_and_checks_only_the_changed_file_again() {
    let dir = handbook("valid", &[]);
    let engine = Engine::new();
    let opts = options(dir.path());
    let (_, first) = engine.judge_again(&opts);
    let files = first.parsed;
    assert_eq!(first.reused, 0);
    assert!(files > 10, "{first:?}");
    assert_eq!((first.services_checked, first.services_judged), (7, 7));

    let (_, unchanged) = engine.judge_again(&opts);
    assert_eq!(
        unchanged,
        CacheUse {
            parsed: 0,
            reused: files,
            services_checked: 0,
            services_judged: 0,
        }
    );

    edit(dir.path(), "content/services/beta.yaml", "Beta", "Beta Two");
    let (_, after_edit) = engine.judge_again(&opts);
    assert_eq!(
        after_edit,
        CacheUse {
            parsed: 1,
            reused: files - 1,
            services_checked: 1,
            services_judged: 1,
        }
    );
}

#[test]
fn a_file_that_fails_to_parse_is_read_again_but_not_parsed_until_it_changes() {
    // A parse keeps its file's text for the comparison; a failed one has
    // none, so the memo keeps the text itself.
    let dir = handbook("valid", &[]);
    let engine = Engine::new();
    let opts = options(dir.path());
    std::fs::write(
        dir.path().join("content/services/beta.yaml"),
        "title: [unclosed\n",
    )
    .unwrap();
    let (_, first) = engine.judge_again(&opts);
    let (checked, again) = engine.judge_again(&opts);
    assert_eq!(
        (again.parsed, again.reused),
        (0, first.parsed + first.reused)
    );
    assert!(checked.diagnostics.has_errors());
}

#[test]
fn an_edit_outside_the_service_files_checks_every_service_again() {
    let dir = handbook("valid", &[]);
    let engine = Engine::new();
    let opts = options(dir.path());
    let (_, first) = engine.judge_again(&opts);

    edit(
        dir.path(),
        "content/questions/capacity.md",
        "order: 10",
        "order: 11",
    );
    let (_, after_bank) = engine.judge_again(&opts);
    assert_eq!(
        (
            after_bank.parsed,
            after_bank.services_checked,
            after_bank.services_judged
        ),
        (1, 7, 7)
    );

    // A new service file changes the names every service is checked against.
    std::fs::copy(
        dir.path().join("content/services/gamma.yaml"),
        dir.path().join("content/services/gamma-two.yaml"),
    )
    .unwrap();
    let (_, after_new) = engine.judge_again(&opts);
    assert_eq!(
        (
            after_new.parsed,
            after_new.services_checked,
            after_new.services_judged
        ),
        (1, 8, 8)
    );
    assert_eq!(after_new.reused, first.parsed);
}

#[test]
fn an_edited_service_shows_on_its_page_and_on_the_pages_that_list_it() {
    let dir = handbook("valid", &[]);
    let engine = Engine::new();
    let before = served(&engine, dir.path());
    assert!(!page(&before, "services/index.html").contains("Beta Renamed"));

    edit(
        dir.path(),
        "content/services/beta.yaml",
        "title: Beta",
        "title: Beta Renamed",
    );
    let after = served(&engine, dir.path());
    assert!(page(&after, "services/beta/index.html").contains("Beta Renamed"));
    assert!(page(&after, "services/index.html").contains("Beta Renamed"));
    assert!(page(&after, "questions/capacity/cap-peak/index.html").contains("Beta Renamed"));
    assert_same_site(&after, &fresh(dir.path()));
}

#[test]
fn an_edit_to_a_dependency_reaches_the_services_that_depend_on_it() {
    // Zeta depends on alpha: its own ruling is kept, but what the graph
    // adds (the ceiling, the contract findings) is judged again.
    let dir = handbook("valid", &[]);
    let engine = Engine::new();
    let before = served(&engine, dir.path());
    edit(
        dir.path(),
        "content/services/alpha.yaml",
        "availability: 99.9, latency_p99_ms: 200",
        "availability: 98.5, latency_p99_ms: 200",
    );
    let (_, counts) = engine.judge_again(&options(dir.path()));
    assert_eq!(counts.services_judged, 1, "{counts:?}");
    let after = served(&engine, dir.path());
    assert_ne!(
        page(&before, "services/zeta/index.html"),
        page(&after, "services/zeta/index.html")
    );
    assert_same_site(&after, &fresh(dir.path()));
}

#[test]
fn a_new_day_judges_every_service_again() {
    // `orr serve` left running past midnight: gamma's waiver expiring on
    // 2026-12-10 has expired on the 11th, with no file changed.
    let dir = handbook("valid", &[]);
    let engine = Engine::new();
    served(&engine, dir.path());
    let later = Options {
        today: "2026-12-11".parse().unwrap(),
        ..options(dir.path())
    };
    let (_, counts) = engine.judge_again(&later);
    assert_eq!((counts.services_checked, counts.services_judged), (0, 7));
    let (site, _) = engine.prepare(&later).unwrap();
    let (fresh_site, _) = Engine::new().build(&later).unwrap();
    let served = pages_of(&site);
    assert_same_site(&served, &fresh_site.into_iter().collect::<Vec<_>>());
    assert!(page(&served, "services/gamma/index.html").contains("Waiver expired on 2026-12-10"));
}

#[test]
fn an_edited_question_bank_reaches_every_service_that_answers_it() {
    let dir = handbook("valid", &[]);
    let engine = Engine::new();
    served(&engine, dir.path());

    edit(
        dir.path(),
        "content/questions/capacity.md",
        "Is peak throughput measured?",
        "Is peak throughput load-tested?",
    );
    let after = served(&engine, dir.path());
    for path in [
        "questions/capacity/cap-peak/index.html",
        "services/alpha/index.html",
        "services/beta/index.html",
    ] {
        assert!(page(&after, path).contains("load-tested"), "{path}");
    }
    assert_same_site(&after, &fresh(dir.path()));
}

#[test]
fn a_deleted_or_renamed_file_leaves_no_trace() {
    let dir = handbook("valid", &[]);
    let engine = Engine::new();
    served(&engine, dir.path());
    let services = dir.path().join("content/services");

    std::fs::remove_file(services.join("delta.yaml")).unwrap();
    let after_delete = served(&engine, dir.path());
    assert!(!after_delete
        .iter()
        .any(|(p, _)| p.contains("services/delta/")));
    assert!(!page(&after_delete, "services/index.html").contains("services/delta/"));
    assert_same_site(&after_delete, &fresh(dir.path()));

    std::fs::rename(services.join("zeta.yaml"), services.join("omega.yaml")).unwrap();
    let after_rename = served(&engine, dir.path());
    assert!(after_rename
        .iter()
        .any(|(p, _)| p == "services/omega/index.html"));
    assert!(!after_rename
        .iter()
        .any(|(p, _)| p.contains("services/zeta/")));
    assert_same_site(&after_rename, &fresh(dir.path()));
}

#[test]
fn a_sequence_of_edits_ends_where_a_fresh_build_starts() {
    let dir = handbook("valid", &[]);
    let root = dir.path();
    let engine = Engine::new();
    served(&engine, root);

    edit(root, "content/services/beta.yaml", "tier: 2", "tier: 1");
    served(&engine, root);
    edit(
        root,
        "content/services/alpha.md",
        "go service",
        "go-live service",
    );
    served(&engine, root);
    // A broken file in the middle: judged, refused, then mended.
    let beta = read(&root.join("content/services/beta.yaml"));
    std::fs::write(
        root.join("content/services/beta.yaml"),
        "title: [unclosed\n",
    )
    .unwrap();
    let failed = engine.prepare(&options(root));
    let errors = failed.err().expect("the broken file fails the build");
    assert!(errors.render().contains("content/services/beta.yaml"));
    std::fs::write(root.join("content/services/beta.yaml"), &beta).unwrap();
    edit(root, "content/orr.yaml", "title:", "title: Edited");
    served(&engine, root);
    edit(root, "content/services/beta.yaml", "tier: 1", "tier: 2");
    std::fs::copy(
        root.join("content/services/gamma.yaml"),
        root.join("content/services/gamma-copy.yaml"),
    )
    .unwrap();

    assert_same_site(&served(&engine, root), &fresh(root));
}

#[test]
fn an_edit_that_breaks_the_handbook_shows_the_error_and_keeps_the_last_good_site() {
    let dir = handbook("valid", &[]);
    let root = dir.path().to_path_buf();
    let engine = Engine::new();
    let opts = options(&root);
    let mut config = ServeConfig::new(&root);
    config.port = 0;
    config.limits.print_to_terminal = false;
    let server = serve::start(config, Box::new(move || build_for_serve(&engine, &opts)))
        .unwrap_or_else(|e| panic!("start: {e}"));
    let addr = server.addr();
    let good = get(addr, "/services/beta/");
    assert_eq!(good.status, 200);

    let beta = read(&root.join("content/services/beta.yaml"));
    std::fs::write(
        root.join("content/services/beta.yaml"),
        beta.replacen("tier: 2", "tier: [2", 1),
    )
    .unwrap();
    let broken = wait_for_page(addr, "/services/beta/", "the overlay shows", |reply| {
        reply.body.contains("orr-error-overlay")
    });
    assert!(
        broken.body.contains("content/services/beta.yaml"),
        "{}",
        broken.body
    );
    assert!(
        broken.body.contains("Conditional, plan due today."),
        "the last good page is still served"
    );

    std::fs::write(
        root.join("content/services/beta.yaml"),
        beta.replacen("Conditional, plan due today.", "Mended.", 1),
    )
    .unwrap();
    let mended = wait_for_page(addr, "/services/beta/", "the edit shows", |reply| {
        !reply.body.contains("orr-error-overlay") && reply.body.contains("Mended.")
    });
    assert_eq!(mended.status, 200);
    server.shutdown();
}

/// What a fresh process reports about the handbook as it stands.
fn fresh_report(root: &Path) -> String {
    let mut diagnostics = Engine::new().judge(&options(root)).diagnostics;
    diagnostics.sort();
    diagnostics.render()
}

#[test]
fn a_renamed_question_is_reported_in_the_unchanged_services_that_answer_it() {
    let dir = handbook("valid", &[]);
    let root = dir.path();
    let engine = Engine::new();
    served(&engine, root);

    edit(
        root,
        "content/postmortems/cache-outage.md",
        "{#cap-cold",
        "{#cap-cool",
    );
    let (checked, _) = engine.judge_again(&options(root));
    let mut diagnostics = checked.diagnostics;
    diagnostics.sort();
    let report = diagnostics.render();
    assert!(report.contains("cap-cold"), "{report}");
    assert!(report.contains("content/services/beta.yaml"), "{report}");
    assert_eq!(report, fresh_report(root));
}
