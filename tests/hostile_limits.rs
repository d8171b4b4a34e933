//! Hostile input: files and graphs built to exhaust memory or time.
//!
//! Each test builds an input that made `orr` allocate gigabytes, run for
//! minutes or write a page of a hundred megabytes, and checks that it now gets
//! a located error naming the limit, or output linear in its size. No test
//! asserts a duration: a regression shows as a test that takes minutes.

mod common;

use std::fmt::Write as _;
use std::path::Path;

use common::{handbook, orr, read, Run, TODAY};

/// A copy of the minimal fixture with `files` (paths under `content/`) written.
fn minimal_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = handbook("minimal", &[]);
    for (rel, bytes) in files {
        let path = dir.path().join("content").join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
    }
    dir
}

fn run(cmd: &str, root: &Path) -> Run {
    orr(&[cmd, "--root", root.to_str().unwrap(), "--today", TODAY])
}

fn service(extra: &str) -> String {
    format!("title: Bomb\nowner: o\ntier: 2\n{extra}")
}

#[test]
fn an_alias_repeated_into_a_memory_bomb_is_a_located_error() {
    // 1 MiB anchored once, referred to 40 times: 41 MiB once expanded (the
    // reported file referred to it 3,000 times and took 6 GB).
    let mut text = service(&format!("summary: &big {}\ntags:\n", "x".repeat(1 << 20)));
    for _ in 0..40 {
        text.push_str("  - *big\n");
    }
    let dir = minimal_with(&[("services/bomb.yaml", text.as_bytes())]);
    let run = run("check", dir.path());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("this YAML expands to more than 16 MiB once its aliases"),
        "{}",
        &run.stderr[..run.stderr.len().min(2000)]
    );
    assert!(run.stderr.contains("--> content/services/bomb.yaml:4:"));
    assert!(run.stderr.contains("MAX_YAML_EXPANDED_BYTES"));
}

#[test]
fn the_exponential_alias_form_is_still_refused() {
    let mut text = service("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (name, previous) in ["b", "c", "d", "e", "f", "g", "h", "i"]
        .iter()
        .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
    {
        let refs = vec![format!("*{previous}"); 10].join(", ");
        let _ = writeln!(text, "{name}: &{name} [{refs}]");
    }
    let dir = minimal_with(&[("services/laughs.yaml", text.as_bytes())]);
    let run = run("check", dir.path());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("content/services/laughs.yaml:"));
}

#[test]
fn a_file_over_the_size_limit_is_refused_without_reading_it_all() {
    let mut text = service("");
    while text.len() <= 4 * 1024 * 1024 {
        text.push_str("# padding padding padding padding padding padding padding\n");
    }
    let dir = minimal_with(&[("services/huge.yaml", text.as_bytes())]);
    let run = run("check", dir.path());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("this file is larger than 4 MiB"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--> content/services/huge.yaml"));
    assert!(run.stderr.contains("MAX_YAML_FILE_BYTES"));
}

#[test]
fn nesting_past_the_depth_limit_is_a_located_error() {
    let deep = format!("{}x{}", "[".repeat(80), "]".repeat(80));
    let front = format!("---\ntitle: A\nweight: {deep}\n---\n# A\n");
    let dir = minimal_with(&[("handbook/deep.md", front.as_bytes())]);
    let run = run("check", dir.path());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("nested more than 64 levels deep"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--> content/handbook/deep.md:3:"));
    assert!(run.stderr.contains("MAX_YAML_DEPTH"));
}

#[test]
fn thousands_of_errors_in_one_file_print_the_first_hundred_and_a_count() {
    // 30,000 answers with a misspelt key: each error was located by scanning
    // the whole file, minutes in all.
    let mut text = service("answers:\n");
    for i in 0..30_000 {
        let _ = write!(text, "  q{i}:\n    status: yes\n    evidnce: x\n");
    }
    let dir = minimal_with(&[("services/many.yaml", text.as_bytes())]);
    let run = run("check", dir.path());
    assert_eq!(run.code, 1);
    let in_file = run
        .stderr
        .lines()
        .filter(|l| l.contains("--> content/services/many.yaml:"))
        .count();
    assert_eq!(in_file, 100, "the first 100 are located");
    assert!(
        run.stderr.contains("more errors in this file"),
        "{}",
        &run.stderr[run.stderr.len().saturating_sub(2000)..]
    );
    assert!(run.stderr.contains("unknown key `evidnce` in `q0`"));
}

/// 2,000 services in a chain that closes into a ring, each also depending on
/// the last: a deep graph, one long cycle, and a hub that every long edge
/// crosses the whole chain to reach.
fn ring_chain_and_hub(count: usize) -> tempfile::TempDir {
    let dir = handbook("minimal", &[]);
    let services = dir.path().join("content/services");
    std::fs::remove_dir_all(&services).unwrap();
    std::fs::remove_dir_all(dir.path().join("content/postmortems")).ok();
    std::fs::create_dir_all(&services).unwrap();
    let name = |i: usize| format!("s{i:05}");
    for i in 0..count {
        let mut text = format!(
            "title: S{i}\nowner: o\ntier: 2\nslo:\n  availability: 99.0\ndependencies:\n  - service: {}\n    hard: true\n    timeout_ms: 100\n",
            name((i + 1) % count)
        );
        if i + 2 < count {
            let _ = write!(text, "  - service: {}\n    hard: false\n", name(count - 1));
        }
        std::fs::write(services.join(format!("{}.yaml", name(i))), text).unwrap();
    }
    dir
}

#[test]
fn the_dependencies_page_stays_linear_on_deep_cyclic_graphs() {
    let count = 2_000;
    let dir = ring_chain_and_hub(count);
    let run = run("build", dir.path());
    assert_eq!(run.code, 0, "{}", &run.stderr[..run.stderr.len().min(3000)]);
    let page = read(&dir.path().join("site/dependencies/index.html"));
    // The drawing used to route every hub edge through each layer it crossed:
    // 72 MB for this graph. The table alone is about 1 KB a service.
    assert!(
        page.len() < count * 2_000,
        "dependencies page is {} bytes for {count} services",
        page.len()
    );
    assert!(page.contains("too many to draw legibly"));
    assert!(page.contains("s01999"));
    // One cycle finding naming its members once, not one per member.
    let cycle_warnings = run
        .stderr
        .matches("warning[dependency-cycle]: dependency cycle")
        .count();
    assert_eq!(
        cycle_warnings,
        1,
        "{}",
        &run.stderr[..run.stderr.len().min(3000)]
    );
}
