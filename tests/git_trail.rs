//! The audit trail from git (issue 11): repositories made in temporary
//! directories with scripted commits (fixed authors and dates), then the
//! trail, each flag, the changes since a review, `--at`, `audit` and the
//! behaviour without git checked through the real binary.

mod common;

use std::path::Path;
use std::process::Command;

use common::{json, orr, read};
use sha2::{Digest, Sha256};

/// Runs `git` in `dir` as `author` at `date` (noon UTC), with no user or system config.
fn git(dir: &Path, author: &str, date: &str, args: &[&str]) -> String {
    let stamp = format!("{date}T12:00:00Z");
    let email = format!("{}@example.test", author.to_lowercase().replace(' ', "."));
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", author)
        .env("GIT_AUTHOR_EMAIL", &email)
        .env("GIT_COMMITTER_NAME", author)
        .env("GIT_COMMITTER_EMAIL", &email)
        .env("GIT_AUTHOR_DATE", &stamp)
        .env("GIT_COMMITTER_DATE", &stamp)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Writes `text` to `content/services/<name>.yaml` and commits everything.
fn commit(dir: &Path, author: &str, date: &str, name: &str, text: &str) -> String {
    std::fs::write(dir.join(format!("content/services/{name}.yaml")), text).unwrap();
    git(dir, author, date, &["add", "-A"]);
    git(
        dir,
        author,
        date,
        &["commit", "-q", "-m", &format!("{name} on {date}")],
    );
    git(dir, author, date, &["rev-parse", "HEAD"])
}

const HEAD: &str = "title: Checkout\nowner: payments\ntier: 1\ntags: [stateful]\n";

fn service(peak: &str, waiver: &str, reviews: &str) -> String {
    format!(
        "{HEAD}answers:\n  capacity-replica-peak:\n    status: \"{peak}\"\n    evidence: https://grafana.example/checkout\n  capacity-restore:\n    status: waived\n    waiver:\n{waiver}{reviews}"
    )
}

const WAIVER_1: &str = "      reason: Restore drill booked\n      approver: bob\n      granted: 2026-01-05\n      expires: 2026-03-01\n      history:\n        - {date: 2026-01-05, event: granted, by: bob}\n";
/// The reason changed, no event added: an unrecorded amendment.
const WAIVER_2: &str = "      reason: Restore drill booked for March\n      approver: bob\n      granted: 2026-01-05\n      expires: 2026-03-01\n      history:\n        - {date: 2026-01-05, event: granted, by: bob}\n";
/// Renewed with an event dated 36 days before its commit (2026-02-20): back-dated.
const WAIVER_3: &str = "      reason: Restore drill booked for March\n      approver: bob\n      granted: 2026-01-05\n      expires: 2026-04-01\n      history:\n        - {date: 2026-01-05, event: granted, by: bob}\n        - {date: 2026-01-15, event: renewed, by: bob}\n";
const REVIEW: &str = "reviews:\n  - {date: 2026-02-10, reviewer: sre, decision: go}\n";

/// The scripted history: returns the handbook's directory and the commit ids, oldest first.
///
/// 1. 2026-01-05 Alice: checkout added (peak yes, restore waived by bob).
/// 2. 2026-02-01 Carol: the waiver's reason changed with no history event.
/// 3. 2026-02-10 Dave: the review of 2026-02-10 recorded.
/// 4. 2026-02-20 Erin: peak turns `no`; the waiver renewed with a back-dated event.
/// 5. 2026-03-01 Frank: search added, its waiver approved by frank himself.
/// 6. 2026-03-05 Alice: checkout.yaml renamed payments.yaml.
fn scripted() -> (tempfile::TempDir, Vec<String>) {
    let dir = common::handbook("minimal", &[]);
    let root = dir.path();
    git(root, "Alice", "2026-01-05", &["init", "-q", "-b", "main"]);
    let mut ids = vec![commit(
        root,
        "Alice",
        "2026-01-05",
        "checkout",
        &service("yes", WAIVER_1, ""),
    )];
    ids.push(commit(
        root,
        "Carol",
        "2026-02-01",
        "checkout",
        &service("yes", WAIVER_2, ""),
    ));
    ids.push(commit(
        root,
        "Dave",
        "2026-02-10",
        "checkout",
        &service("yes", WAIVER_2, REVIEW),
    ));
    ids.push(commit(
        root,
        "Erin",
        "2026-02-20",
        "checkout",
        &service("no", WAIVER_3, REVIEW),
    ));
    let search = "title: Search\nowner: web\ntier: 2\nanswers:\n  capacity-replica-peak:\n    status: waived\n    waiver:\n      reason: Traffic is tiny\n      approver: Frank\n      granted: 2026-03-01\n      expires: 2026-04-01\n      history:\n        - {date: 2026-03-01, event: granted, by: Frank}\n";
    ids.push(commit(root, "Frank", "2026-03-01", "search", search));
    git(
        root,
        "Alice",
        "2026-03-05",
        &[
            "mv",
            "content/services/checkout.yaml",
            "content/services/payments.yaml",
        ],
    );
    let postmortem = root.join("content/postmortems/outage.md");
    std::fs::write(
        &postmortem,
        read(&postmortem).replace("[checkout]", "[payments]"),
    )
    .unwrap();
    git(root, "Alice", "2026-03-05", &["add", "-A"]);
    git(
        root,
        "Alice",
        "2026-03-05",
        &["commit", "-q", "-m", "rename"],
    );
    ids.push(git(root, "Alice", "2026-03-05", &["rev-parse", "HEAD"]));
    (dir, ids)
}

fn build(root: &Path, out: &Path, extra: &[&str]) -> common::Run {
    let mut args = vec![
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    orr(&args)
}

fn codes(root: &Path) -> Vec<(String, String)> {
    let run = orr(&[
        "check",
        "--root",
        root.to_str().unwrap(),
        "--today",
        "2026-03-10",
        "--format",
        "json",
    ]);
    let diags: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    diags
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
            )
        })
        .filter(|(c, _)| {
            [
                "unrecorded-waiver-change",
                "backdated-history",
                "self-approved-waiver",
            ]
            .contains(&c.as_str())
        })
        .collect()
}

#[test]
fn the_trail_follows_each_answer_through_commits_and_renames() {
    let (dir, ids) = scripted();
    let out = tempfile::tempdir().unwrap();
    let run = build(dir.path(), out.path(), &["--today", "2026-03-10"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let detail = json(&out.path().join("api/services/payments.json"));
    let trail = detail["trail"].as_array().unwrap();
    let peak: Vec<(&str, &str, &str)> = trail
        .iter()
        .filter(|s| s["question"] == "capacity-replica-peak")
        .map(|s| {
            (
                s["commit"].as_str().unwrap(),
                s["date"].as_str().unwrap(),
                s["author"].as_str().unwrap(),
            )
        })
        .collect();
    // Added by Alice (the first version, summarised), turned `no` by Erin:
    // the rename (2026-03-05) changed no answer.
    assert_eq!(peak, [(ids[3].as_str(), "2026-02-20", "Erin")]);
    let turned = trail
        .iter()
        .find(|s| s["commit"] == ids[3].as_str() && s["question"] == "capacity-replica-peak")
        .unwrap();
    assert_eq!(
        turned["changes"],
        serde_json::json!([{"field": "status", "from": "yes", "to": "no"}])
    );
    let reason = trail
        .iter()
        .find(|s| s["commit"] == ids[1].as_str())
        .unwrap();
    assert_eq!(reason["question"], "capacity-restore");
    assert_eq!(reason["changes"][0]["field"], "waiver.reason");
    assert_eq!(reason["changes"][0]["from"], "Restore drill booked");
    // The review commit changed no followed field: it is not in the trail.
    assert!(trail.iter().all(|s| s["commit"] != ids[2].as_str()));

    let waivers = json(&out.path().join("waivers.json"));
    let restore = waivers
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["service"] == "payments")
        .unwrap();
    assert_eq!(restore["unrecorded_changes"], 1);
    assert_eq!(restore["trail"].as_array().unwrap().len(), 2);
    assert!(restore["trail"][0].get("question").is_none());
    let page = read(&out.path().join("services/payments/index.html"));
    assert!(page.contains("Audit trail"), "{page}");
    assert!(page.contains("Trail (git)"));
    // The waiver's own row shows its trail, on the service page and in the register.
    assert!(page.contains("1 unrecorded change<"), "{page}");
    let register = read(&out.path().join("waivers/index.html"));
    assert!(register.contains("1 unrecorded change<"), "{register}");
    assert!(
        register.contains("Erin") || register.contains(">20"),
        "{register}"
    );
}

#[test]
fn a_files_first_version_is_one_entry_not_one_step_per_answer() {
    let (dir, ids) = scripted();
    let out = tempfile::tempdir().unwrap();
    let run = build(dir.path(), out.path(), &["--today", "2026-03-10"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let detail = json(&out.path().join("api/services/payments.json"));
    assert_eq!(
        detail["first_version"],
        serde_json::json!({"commit": ids[0], "date": "2026-01-05", "author": "Alice", "answers": 2})
    );
    let trail = detail["trail"].as_array().unwrap();
    assert!(trail.iter().all(|s| s["commit"] != ids[0].as_str()));
    let page = read(&out.path().join("services/payments/index.html"));
    assert!(page.contains("First version in git"), "{page}");
    // The auditor's changes.csv still lists the first version answer by answer.
    let bundle = out.path().join("bundle");
    let run = orr(&[
        "audit",
        "--root",
        dir.path().to_str().unwrap(),
        "--out",
        bundle.to_str().unwrap(),
        "--today",
        "2026-03-10",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(read(&bundle.join("changes.csv")).contains(&format!(
        "payments,capacity-replica-peak,status,,yes,{},2026-01-05,Alice",
        ids[0]
    )));
}

#[test]
fn each_disagreement_is_flagged_once_in_check() {
    let (dir, _) = scripted();
    let mut found = codes(dir.path());
    found.sort();
    assert_eq!(
        found,
        [
            (
                "backdated-history".to_string(),
                "content/services/payments.yaml".to_string()
            ),
            (
                "self-approved-waiver".to_string(),
                "content/services/search.yaml".to_string()
            ),
            (
                "unrecorded-waiver-change".to_string(),
                "content/services/payments.yaml".to_string()
            ),
        ]
    );
    // The policy may allow an approver to author the waiver, and longer back-dating.
    let settings = dir.path().join("content/orr.yaml");
    let mut text = read(&settings);
    text = text.replace(
        "policy:\n",
        "policy:\n  approver_may_author: true\n  history_backdate_days: 40\n",
    );
    std::fs::write(&settings, text).unwrap();
    let found = codes(dir.path());
    assert_eq!(
        found,
        [(
            "unrecorded-waiver-change".to_string(),
            "content/services/payments.yaml".to_string()
        )]
    );
}

#[test]
fn the_page_lists_what_changed_since_the_last_review() {
    let (dir, ids) = scripted();
    let out = tempfile::tempdir().unwrap();
    assert_eq!(
        build(dir.path(), out.path(), &["--today", "2026-03-10"]).code,
        0
    );
    let detail = json(&out.path().join("api/services/payments.json"));
    let changes = detail["changes_since_last_review"].as_array().unwrap();
    let listed: Vec<(&str, &str, &str)> = changes
        .iter()
        .map(|c| {
            (
                c["question"].as_str().unwrap(),
                c["commit"].as_str().unwrap(),
                c["author"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("capacity-replica-peak", ids[3].as_str(), "Erin"),
            ("capacity-restore", ids[3].as_str(), "Erin")
        ]
    );
    assert_eq!(changes[0]["from"], "yes");
    assert_eq!(changes[0]["to"], "no");
    let page = read(&out.path().join("services/payments/index.html"));
    assert!(
        page.contains("2 answers changed since the review of 2026-02-10"),
        "{page}"
    );
}

#[test]
fn at_an_older_commit_reproduces_its_verdicts_without_touching_the_work_tree() {
    let (dir, ids) = scripted();
    let root = dir.path();
    std::fs::write(root.join("content/services/payments.yaml"), "not: [valid\n").unwrap();
    let out = tempfile::tempdir().unwrap();
    let run = build(root, out.path(), &["--at", &ids[1]]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The same commit, checked out into a plain folder and built as of its day.
    let plain = tempfile::tempdir().unwrap();
    let archive = Command::new("git")
        .args(["archive", "--format=tar", &ids[1]])
        .current_dir(root)
        .output()
        .unwrap();
    let mut untar = Command::new("tar")
        .args(["-x", "-C", plain.path().to_str().unwrap()])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    untar
        .stdin
        .take()
        .unwrap()
        .write_all(&archive.stdout)
        .unwrap();
    assert!(untar.wait().unwrap().success());
    let reference = tempfile::tempdir().unwrap();
    let run = build(plain.path(), reference.path(), &["--today", "2026-02-01"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let at = json(&out.path().join("api/services.json"));
    assert_eq!(at, json(&reference.path().join("api/services.json")));
    assert_eq!(at[0]["name"], "checkout");
    assert_eq!(at[0]["verdict"], "go");
    let index = json(&out.path().join("api/index.json"));
    assert_eq!(index["as_of"], "2026-02-01");
    assert_eq!(index["commit"], ids[1].as_str());
    assert_eq!(index["dirty"], false);
    // The work tree still holds what was written there.
    assert_eq!(
        read(&root.join("content/services/payments.yaml")),
        "not: [valid\n"
    );
    // --today overrides the commit's day.
    let later = tempfile::tempdir().unwrap();
    assert_eq!(
        build(
            root,
            later.path(),
            &["--at", &ids[1], "--today", "2026-03-02"]
        )
        .code,
        0
    );
    assert_eq!(
        json(&out.path().join("waivers.json"))[0]["state"],
        "expiring"
    );
    assert_eq!(
        json(&later.path().join("waivers.json"))[0]["state"],
        "expired"
    );
}

#[test]
fn the_footer_and_index_name_the_commit_and_whether_the_work_tree_is_dirty() {
    let (dir, ids) = scripted();
    let out = tempfile::tempdir().unwrap();
    assert_eq!(
        build(dir.path(), out.path(), &["--today", "2026-03-10"]).code,
        0
    );
    let index = json(&out.path().join("api/index.json"));
    assert_eq!(index["commit"], ids[5].as_str());
    assert_eq!(index["dirty"], false);
    assert!(read(&out.path().join("index.html")).contains(&ids[5][..12]));
    let page = dir.path().join("content/services/search.yaml");
    std::fs::write(&page, read(&page).replace("tier: 2", "tier: 3")).unwrap();
    let out = tempfile::tempdir().unwrap();
    assert_eq!(
        build(dir.path(), out.path(), &["--today", "2026-03-10"]).code,
        0
    );
    assert_eq!(json(&out.path().join("api/index.json"))["dirty"], true);
    assert!(read(&out.path().join("index.html")).contains("with uncommitted changes"));
}

#[test]
fn audit_never_overwrites_files_it_did_not_write() {
    let (dir, _) = scripted();
    let out = tempfile::tempdir().unwrap();
    let bundle = out.path().join("bundle");
    let audit = |bundle: &std::path::Path| {
        orr(&[
            "audit",
            "--root",
            dir.path().to_str().unwrap(),
            "--out",
            bundle.to_str().unwrap(),
            "--today",
            "2026-03-10",
        ])
    };
    std::fs::create_dir_all(&bundle).unwrap();
    std::fs::write(bundle.join("waivers.csv"), "the auditor's own notes").unwrap();
    let run = audit(&bundle);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("did not write") || run.stderr.contains("no manifest.json"));
    assert_eq!(read(&bundle.join("waivers.csv")), "the auditor's own notes");

    let fresh = out.path().join("fresh");
    assert_eq!(audit(&fresh).code, 0);
    assert_eq!(audit(&fresh).code, 0, "an earlier bundle is replaced");
    std::fs::write(fresh.join("notes.txt"), "keep").unwrap();
    assert_eq!(audit(&fresh).code, 2);
    assert_eq!(read(&fresh.join("notes.txt")), "keep");
}

#[test]
fn audit_writes_the_bundle_with_a_manifest_of_hashes() {
    let (dir, ids) = scripted();
    let out = tempfile::tempdir().unwrap();
    let bundle = out.path().join("bundle");
    let run = orr(&[
        "audit",
        "--root",
        dir.path().to_str().unwrap(),
        "--out",
        bundle.to_str().unwrap(),
        "--today",
        "2026-03-10",
        "--since",
        "2026-02-15",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let manifest = json(&bundle.join("manifest.json"));
    assert_eq!(manifest["commit"], ids[5].as_str());
    assert_eq!(manifest["as_of"], "2026-03-10");
    let files = manifest["files"].as_object().unwrap();
    assert_eq!(files.len(), 3);
    for (name, hash) in files {
        let bytes = std::fs::read(bundle.join(name)).unwrap();
        assert_eq!(
            hash.as_str().unwrap(),
            format!("{:x}", Sha256::digest(&bytes)),
            "{name}"
        );
    }
    let changes = read(&bundle.join("changes.csv"));
    assert!(changes.starts_with("service,question,field,from,to,commit,date,author\n"));
    // Only what was committed on or after --since: Erin's and Frank's commits.
    assert!(changes.contains(&format!(
        "payments,capacity-replica-peak,status,yes,no,{},2026-02-20,Erin",
        ids[3]
    )));
    assert!(!changes.contains("Carol"));
    assert!(changes.contains("search,capacity-replica-peak,status,,waived"));
    assert!(read(&bundle.join("waivers.csv")).contains("unrecorded_changes,trail"));
}

#[test]
fn without_git_builds_as_before_and_at_and_audit_fail_with_status_2() {
    let dir = common::handbook("minimal", &[]);
    let root = dir.path().to_str().unwrap();
    let out = tempfile::tempdir().unwrap();
    let run = build(dir.path(), out.path(), &["--today", "2026-03-10"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let index = json(&out.path().join("api/index.json"));
    assert_eq!(index["commit"], serde_json::Value::Null);
    assert_eq!(
        json(&out.path().join("api/services/checkout.json"))["trail"],
        serde_json::json!([])
    );
    assert!(read(&out.path().join("services/checkout/index.html")).contains("No history available"));
    let at = orr(&[
        "build",
        "--root",
        root,
        "--at",
        "HEAD",
        "--out",
        out.path().join("x").to_str().unwrap(),
    ]);
    assert_eq!(at.code, 2);
    assert!(
        at.stderr.contains("not inside a git repository"),
        "{}",
        at.stderr
    );
    let audit = orr(&[
        "audit",
        "--root",
        root,
        "--out",
        out.path().join("a").to_str().unwrap(),
    ]);
    assert_eq!(audit.code, 2);
    assert!(audit.stderr.contains("git history"), "{}", audit.stderr);
}

#[test]
fn a_shallow_clone_has_no_trail() {
    let (dir, _) = scripted();
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", dir.path().display());
    git(
        clone.path(),
        "Alice",
        "2026-03-10",
        &["clone", "-q", "--depth", "1", &url, "hb"],
    );
    let root = clone.path().join("hb");
    let out = tempfile::tempdir().unwrap();
    assert_eq!(build(&root, out.path(), &["--today", "2026-03-10"]).code, 0);
    assert_eq!(
        json(&out.path().join("api/services/payments.json"))["trail"],
        serde_json::json!([])
    );
    let page = read(&out.path().join("services/payments/index.html"));
    assert!(page.contains("shallow clone"), "{page}");
    let audit = orr(&[
        "audit",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.path().join("a").to_str().unwrap(),
    ]);
    assert_eq!(audit.code, 2);
}

#[test]
fn an_old_version_that_no_longer_parses_is_skipped_without_error() {
    let (dir, _) = scripted();
    let root = dir.path();
    commit(root, "Gina", "2026-03-06", "payments", "answers: [broken\n");
    commit(
        root,
        "Gina",
        "2026-03-07",
        "payments",
        &service("yes", WAIVER_3, REVIEW).replace("Checkout", "Payments"),
    );
    let out = tempfile::tempdir().unwrap();
    let run = build(root, out.path(), &["--today", "2026-03-10"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let trail = json(&out.path().join("api/services/payments.json"))["trail"].clone();
    // The broken version is skipped: `no` back to `yes` is one change, by Gina.
    let last = trail.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["author"], "Gina");
    assert_eq!(
        last["changes"],
        serde_json::json!([{"field": "status", "from": "no", "to": "yes"}])
    );
}

#[test]
fn a_rebuild_with_head_unchanged_reuses_the_history_and_still_sees_edits() {
    let (dir, _) = scripted();
    let root = dir.path();
    let engine = orr::pipeline::Engine::new();
    let options = orr::pipeline::Options {
        root: root.to_path_buf(),
        today: jiff::civil::date(2026, 3, 10),
        base_url: None,
    };
    let steps = |checked: &orr::pipeline::Checked| {
        checked.assessment.trail.services["payments"].trail.len()
    };
    let dirty = |checked: &orr::pipeline::Checked| {
        checked
            .assessment
            .trail
            .provenance
            .as_ref()
            .map(|p| p.dirty)
    };
    let first = engine.judge_again(&options).0;
    assert_eq!((steps(&first), dirty(&first)), (3, Some(false)));
    // An uncommitted edit: git is not walked again, the work tree is dirty.
    let file = root.join("content/services/payments.yaml");
    std::fs::write(&file, read(&file).replace("tier: 1", "tier: 2")).unwrap();
    let edited = engine.judge_again(&options).0;
    assert_eq!(engine.history_walks(), 1);
    assert_eq!((steps(&edited), dirty(&edited)), (3, Some(true)));
    // A new commit moves HEAD: the history is read again.
    commit(
        root,
        "Gina",
        "2026-03-07",
        "payments",
        &service("yes", WAIVER_3, REVIEW),
    );
    let committed = engine.judge_again(&options).0;
    assert_eq!(engine.history_walks(), 2);
    assert_eq!(dirty(&committed), Some(false));
    assert_eq!(steps(&committed), 4);
}

/// A file with more versions than orr reads ahead at once, one of them a
/// return to an older text: every version is read, in order, whether the
/// objects are loose or packed by git (where older versions are stored as
/// deltas of newer ones and are read newest first).
#[test]
fn a_long_history_reads_every_version_in_order_loose_or_packed() {
    let dir = common::handbook("minimal", &[]);
    let root = dir.path();
    git(root, "Alice", "2026-01-01", &["init", "-q", "-b", "main"]);
    let link = |i: usize| format!("https://grafana.example/checkout/{i}");
    let text = |i: usize| {
        service("yes", WAIVER_1, "").replace("https://grafana.example/checkout", &link(i))
    };
    let written: Vec<usize> = (0..40).map(|i| if i == 37 { 3 } else { i }).collect();
    for (day, &i) in written.iter().enumerate() {
        let date = jiff::civil::date(2026, 1, 1) + jiff::Span::new().days(day as i64);
        commit(root, "Alice", &date.to_string(), "checkout", &text(i));
    }
    let expected: Vec<(String, String)> = written
        .windows(2)
        .map(|pair| (link(pair[0]), link(pair[1])))
        .collect();
    let evidence_changes = || {
        let options = orr::pipeline::Options {
            root: root.to_path_buf(),
            today: jiff::civil::date(2026, 3, 10),
            base_url: None,
        };
        let checked = orr::pipeline::Engine::new().judge(&options);
        checked.assessment.trail.services["checkout"]
            .trail
            .iter()
            .flat_map(|answer| answer.step.changes.iter())
            .filter(|change| change.field == "evidence")
            .map(|change| (change.from.clone().unwrap(), change.to.clone().unwrap()))
            .collect::<Vec<_>>()
    };
    assert_eq!(evidence_changes(), expected, "loose objects");
    git(
        root,
        "Alice",
        "2026-03-01",
        &["repack", "-a", "-d", "-f", "-q"],
    );
    assert_eq!(evidence_changes(), expected, "packed by git");
}
