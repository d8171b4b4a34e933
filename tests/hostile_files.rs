//! Hostile files: `orr` never destroys or writes what it did not make.
//!
//! `--out` replaces only a site orr built (it carries a `.orr-site` marker),
//! an empty directory, or anything with `--force`; concurrent builds into one
//! output take turns; staging directories of interrupted runs are cleaned.
//! `orr new service` and `orr init` write only new regular files inside the
//! handbook, never through a symlink, and text from content cannot add a line
//! to the YAML they write. Symlinks under `content/` are followed inside the
//! handbook and refused with a warning when they leave it.

mod common;

use std::fs;
use std::path::Path;

use common::*;

fn build_into(root: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "build",
        "--root",
        root.to_str().unwrap(),
        "--today",
        TODAY,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    orr(&args)
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    names
}

// ---------------------------------------------------------------------------
// --out
// ---------------------------------------------------------------------------

#[test]
fn out_never_replaces_a_directory_orr_did_not_make() {
    let dir = handbook("minimal", &[]);
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("www");
    fs::create_dir_all(out.join("Documents")).unwrap();
    fs::write(out.join("precious.txt"), "irreplaceable").unwrap();

    let refused = build_into(dir.path(), &out, &[]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(refused.stderr.contains("--force"), "{}", refused.stderr);
    assert!(
        refused.stderr.contains("precious.txt"),
        "{}",
        refused.stderr
    );
    assert_eq!(read(&out.join("precious.txt")), "irreplaceable");
    assert!(out.join("Documents").is_dir());
    assert_eq!(
        names_in(home.path()),
        ["www"],
        "nothing staged or left beside it"
    );

    let forced = build_into(dir.path(), &out, &["--force"]);
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert!(!out.join("precious.txt").exists());
    assert!(out.join("index.html").is_file());
    assert!(out.join(".orr-site").is_file(), "the site says orr made it");

    // A site orr made is replaced without --force, and keeps its marker.
    let again = build_into(dir.path(), &out, &[]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(out.join(".orr-site").is_file());
}

#[test]
fn an_empty_directory_is_a_fine_out() {
    let dir = handbook("minimal", &[]);
    let out = tempfile::tempdir().unwrap();
    let run = build_into(dir.path(), out.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.path().join("index.html").is_file());
}

#[test]
fn a_site_built_by_an_older_orr_asks_for_force() {
    let dir = handbook("minimal", &[]);
    let site = build(dir.path(), &[]);
    // An older orr wrote no marker.
    fs::remove_file(site.join(".orr-site")).unwrap();
    let before = snapshot(&site);
    let run = run_on("build", dir.path());
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert!(run.stderr.contains(".orr-site"), "{}", run.stderr);
    assert_eq!(snapshot(&site), before, "left exactly as it was");
    let forced = build(dir.path(), &["--force"]);
    assert!(forced.join(".orr-site").is_file());
}

#[test]
fn stale_staging_of_interrupted_builds_is_cleaned_and_nothing_else() {
    let dir = handbook("minimal", &[]);
    let root = dir.path();
    // Above Linux's largest pid: no such process can run.
    let dead_marked = root.join(".site.orr-new-4194305");
    fs::create_dir_all(dead_marked.join("a")).unwrap();
    fs::write(dead_marked.join(".orr-site"), "orr").unwrap();
    fs::write(dead_marked.join("a/index.html"), "half a site").unwrap();
    let dead_unmarked = root.join(".site.orr-old-4194306");
    fs::create_dir_all(&dead_unmarked).unwrap();
    // Named like orr's, but its process (pid 1) runs and it has no marker.
    let alive_unmarked = root.join(".site.orr-new-1");
    fs::create_dir_all(&alive_unmarked).unwrap();
    fs::write(alive_unmarked.join("keep.txt"), "x").unwrap();
    let unrelated = root.join(".site.backup");
    fs::create_dir_all(&unrelated).unwrap();

    build(root, &[]);
    assert!(!dead_marked.exists(), "marked staging is orr's");
    if cfg!(target_os = "linux") {
        assert!(!dead_unmarked.exists(), "its process is gone");
    }
    assert!(alive_unmarked.join("keep.txt").is_file());
    assert!(unrelated.is_dir());
}

/// The old code lost about one build in sixty this way (`cannot write
/// site: No such file or directory`, a staging folder left behind).
#[test]
fn concurrent_builds_into_one_output_all_succeed() {
    let dir = handbook("minimal", &[]);
    let root = dir.path().to_str().unwrap().to_string();
    for _round in 0..3 {
        let children: Vec<_> = (0..6)
            .map(|_| {
                std::process::Command::new(env!("CARGO_BIN_EXE_orr"))
                    .args(["build", "--root", &root, "--today", TODAY])
                    .env_remove("SOURCE_DATE_EPOCH")
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(0), "{stderr}");
        }
    }
    let site = dir.path().join("site");
    assert!(site.join("index.html").is_file());
    assert!(site.join(".orr-site").is_file());
    let leftovers: Vec<_> = names_in(dir.path())
        .into_iter()
        .filter(|n| n.contains(".orr-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

// ---------------------------------------------------------------------------
// orr new service, orr init
// ---------------------------------------------------------------------------

fn new_service(root: &Path, name: &str) -> Run {
    orr(&[
        "new",
        "service",
        name,
        "--root",
        root.to_str().unwrap(),
        "--today",
        TODAY,
    ])
}

#[cfg(unix)]
#[test]
fn new_service_never_writes_through_a_symlink() {
    let dir = handbook("minimal", &[]);
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join(".bashrc");
    let services = dir.path().join("content/services");
    std::os::unix::fs::symlink(&target, services.join("evil.yaml")).unwrap();
    let run = new_service(dir.path(), "evil");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
    assert!(!target.exists(), "the dangling link was not followed");

    fs::write(&target, "export PATH\n").unwrap();
    let run = new_service(dir.path(), "evil");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(read(&target), "export PATH\n");
}

#[cfg(unix)]
#[test]
fn new_service_refuses_a_services_folder_that_leaves_the_handbook() {
    let dir = handbook("minimal", &[]);
    let elsewhere = tempfile::tempdir().unwrap();
    let services = dir.path().join("content/services");
    fs::remove_dir_all(&services).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), &services).unwrap();
    let run = new_service(dir.path(), "payments");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("outside the handbook"),
        "{}",
        run.stderr
    );
    assert!(names_in(elsewhere.path()).is_empty());
}

#[test]
fn content_text_cannot_add_a_line_to_a_new_service_file() {
    let bank = "---\n\
        title: \"Capacity\\nowner: evil\\r\\ninjected: true\\u0085nel: 1\"\n\
        order: 1\n\
        asks: Enough?\n\
        ---\n\
        ## Is peak\u{2028}smuggled: true\u{2029}measured? {#capacity-replica-peak}\n\n\
        Measure it.\n";
    let dir = handbook("minimal", &[]);
    fs::write(dir.path().join("content/questions/capacity.md"), bank).unwrap();
    let run = new_service(dir.path(), "payments");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = read(&dir.path().join("content/services/payments.yaml"));
    let doc: serde_yaml::Value =
        serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{e}:\n{text}"));
    let mut keys: Vec<String> = doc
        .as_mapping()
        .unwrap()
        .keys()
        .map(|k| k.as_str().unwrap().to_string())
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "answers",
            "dependencies",
            "oncall",
            "owner",
            "reviews",
            "risks",
            "slo",
            "summary",
            "tags",
            "tier",
            "title"
        ],
        "{text}"
    );
    assert_eq!(doc["owner"], "your-team");
    assert!(doc["answers"].is_null(), "{text}");
    for line in text.lines() {
        let trimmed = line.trim_start();
        assert!(
            !trimmed.starts_with("injected") && !trimmed.starts_with("smuggled"),
            "{line:?} in\n{text}"
        );
    }
    assert!(text.contains("  # Capacity owner: evil injected: true nel: 1 (capacity)"));
}

#[test]
fn new_service_checks_the_name_first() {
    let nowhere = tempfile::tempdir().unwrap();
    let run = new_service(nowhere.path(), "../../.bashrc");
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("not a valid service name"),
        "{}",
        run.stderr
    );
}

#[cfg(unix)]
#[test]
fn init_keeps_every_file_already_in_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("profile");
    fs::write(dir.path().join("precious.txt"), "mine").unwrap();
    std::os::unix::fs::symlink(&target, dir.path().join(".gitignore")).unwrap();
    let run = orr(&["init", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(read(&dir.path().join("precious.txt")), "mine");
    assert!(!target.exists(), "the .gitignore link was not followed");
    assert!(dir.path().join("content/orr.yaml").is_file());
    let again = orr(&["init", dir.path().to_str().unwrap()]);
    assert_eq!(again.code, 2, "content/ exists: {}", again.stderr);
}

// ---------------------------------------------------------------------------
// Symlinks under content/
// ---------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn a_symlinked_folder_inside_the_handbook_is_followed() {
    let dir = handbook("minimal", &[]);
    let services = dir.path().join("content/services");
    fs::rename(&services, dir.path().join("shared-services")).unwrap();
    std::os::unix::fs::symlink("../shared-services", &services).unwrap();
    let run = run_on("check", dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains(", 1 service "), "{}", run.stdout);
}

#[cfg(unix)]
#[test]
fn symlinks_leaving_the_handbook_are_refused_by_name() {
    let dir = handbook("minimal", &[]);
    let elsewhere = tempfile::tempdir().unwrap();
    let secret = elsewhere.path().join("secret.yaml");
    fs::write(&secret, "title: stolen\n").unwrap();
    fs::create_dir_all(elsewhere.path().join("docs")).unwrap();
    fs::write(
        elsewhere.path().join("docs/leak.md"),
        "---\ntitle: Leak\n---\nsecret\n",
    )
    .unwrap();
    let content = dir.path().join("content");
    std::os::unix::fs::symlink(&secret, content.join("services/stolen.yaml")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path().join("docs"), content.join("handbook/ext"))
        .unwrap();
    let run = run_on("check", dir.path());
    assert_eq!(run.code, 0, "warnings only: {}", run.stderr);
    assert!(run.stdout.contains(", 1 service "), "{}", run.stdout);
    for (link, target) in [
        ("content/services/stolen.yaml", secret.clone()),
        ("content/handbook/ext", elsewhere.path().join("docs")),
    ] {
        let at = run
            .stderr
            .find(&format!("--> {link}"))
            .unwrap_or_else(|| panic!("{link} named:\n{}", run.stderr));
        let message = &run.stderr[..at];
        assert!(
            message.contains(&target.display().to_string()) && message.contains("outside"),
            "{}",
            run.stderr
        );
    }
    let site = build(dir.path(), &[]);
    let all = snapshot(&site);
    assert!(
        !all.iter()
            .any(|(_, bytes)| String::from_utf8_lossy(bytes).contains("secret")),
        "nothing from outside is published"
    );
}
