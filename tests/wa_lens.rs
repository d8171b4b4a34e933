//! `orr import wa-lens` and `orr export wa-lens`: AWS Well-Architected custom
//! lenses in and out.
//!
//! The lenses here are written by the tests from the published format (the
//! "Lens format specification" of the AWS Well-Architected Tool User Guide,
//! schema version 2021-11-01), with the quirks real lenses have: keys in
//! another letter case, a risk rule that can never be true, a severity written
//! only as a suffix of the title. Every lens is hostile input.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;
use serde_json::{json, Value};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A handbook with nothing but `content/orr.yaml`.
fn bare() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    std::fs::write(dir.path().join("content/orr.yaml"), "title: Bare\n").unwrap();
    dir
}

fn write_json(dir: &Path, name: &str, value: &Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(value).unwrap()).unwrap();
    path.to_str().unwrap().to_string()
}

fn import(root: &Path, lens: &str, extra: &[&str]) -> Run {
    let mut args = vec!["import", "wa-lens", lens, "--root", root.to_str().unwrap()];
    args.extend_from_slice(extra);
    orr(&args)
}

fn export(root: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "export",
        "wa-lens",
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

/// `id -> level` of every question the built handbook has.
fn levels(root: &Path) -> BTreeMap<String, String> {
    let site = build(root, &[]);
    json(&site.join("api/questions.json"))
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["id"].as_str().unwrap().to_string(),
                q["level"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A choice as the format writes it, with the improvement plan it requires.
fn choice(id: &str, title: &str) -> Value {
    json!({
        "id": id,
        "title": title,
        "helpfulResource": { "displayText": format!("About {title}"), "url": "https://example.com/help" },
        "improvementPlan": { "displayText": format!("Adopt {title}") }
    })
}

/// A lens of two pillars with the quirks of real lenses.
fn quirky_lens() -> Value {
    json!({
        "SchemaVersion": "2021-11-01",
        "name": "Company Policy ABC",
        "description": "Questions on company policy ABC.",
        "pillars": [
            {
                "id": "company_Privacy",
                "name": "Privacy Excellence",
                "questions": [
                    {
                        "id": "privacy01",
                        "title": "How do you ensure HR conversations are private? [HIGH]",
                        "description": "Career discussions happen on secure channels only.",
                        "helpfulResource": { "displayText": "The HR manual", "url": "https://example.com/hr" },
                        "choices": [
                            choice("choice_1", "Encrypted chat"),
                            choice("choice_2", "Audited rooms"),
                            { "id": "option_no", "title": "None of these" }
                        ],
                        "riskRules": [
                            { "condition": "choice_1 && choice_2", "risk": "NO_RISK" },
                            { "condition": "choice_1 && !choice_1", "risk": "MEDIUM_RISK" },
                            { "condition": "default", "risk": "MEDIUM_RISK" }
                        ]
                    },
                    {
                        "ID": "privacy_02",
                        "Title": "Is the privacy policy followed?",
                        "description": "Customers opt in to data use.",
                        "choices": [choice("followed", "Followed")],
                        "RiskRules": [
                            { "condition": "followed", "risk": "NO_RISK" },
                            { "condition": "default", "risk": "HIGH_RISK" }
                        ]
                    }
                ]
            },
            {
                "id": "operationalExcellence",
                "name": "Operational excellence",
                "questions": [
                    {
                        "id": "ops_runbooks",
                        "title": "Are runbooks written (Medium risk)",
                        "description": "Every alert has a runbook.",
                        "choices": [choice("written", "Written")],
                        "riskRules": [ { "condition": "written", "risk": "NO_RISK" } ]
                    },
                    {
                        "id": "ops_drills",
                        "title": "Are game days run? - HRI",
                        "description": "",
                        "choices": [choice("run", "Run")],
                        "riskRules": []
                    }
                ]
            }
        ]
    })
}

// ---------------------------------------------------------------------------
// Import
// ---------------------------------------------------------------------------

#[test]
fn a_quirky_lens_imports_with_located_warnings_and_builds() {
    let hb = bare();
    let lens = write_json(hb.path(), "lens.json", &quirky_lens());
    let run = import(hb.path(), &lens, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    // Every quirk is a warning naming its JSON path.
    for expected in [
        "warning[lens-key-case]: $.SchemaVersion: read as `schemaVersion`",
        "warning[lens-key-case]: $.pillars[0].questions[1].ID: read as `id`",
        "warning[lens-key-case]: $.pillars[0].questions[1].RiskRules: read as `riskRules`",
        "warning[lens-risk-rule]: $.pillars[0].questions[0].riskRules[1].condition: `choice_1 && !choice_1` can never be true",
        "warning[lens-title-severity]: $.pillars[0].questions[0].title:",
        "warning[lens-title-severity]: $.pillars[1].questions[0].title:",
        "warning[lens-risk-rule]: $.pillars[1].questions[0].riskRules: no `default` rule",
    ] {
        assert!(run.stderr.contains(expected), "missing `{expected}` in:\n{}", run.stderr);
    }
    // Ids derived stably, and reported with where they came from.
    for expected in [
        "category company-privacy <- $.pillars[0] (pillar id `company_Privacy`)",
        "category operational-excellence <- $.pillars[1]",
        "question privacy01 (recommended) <- $.pillars[0].questions[0]",
        "question privacy-02 (required) <- $.pillars[0].questions[1]",
        "question ops-runbooks (recommended) <- $.pillars[1].questions[0]",
        "question ops-drills (required) <- $.pillars[1].questions[1]",
    ] {
        assert!(
            run.stdout.contains(expected),
            "missing `{expected}` in:\n{}",
            run.stdout
        );
    }

    let bank = read(&hb.path().join("content/questions/company-privacy.md"));
    assert!(
        bank.starts_with("---\ntitle: \"Privacy Excellence\"\n"),
        "{bank}"
    );
    // The title's severity suffix is read (the default rule wins) and cut off.
    assert!(
        bank.contains(
            "## How do you ensure HR conversations are private? {#privacy01 level=recommended}"
        ),
        "{bank}"
    );
    assert!(bank.contains("- Encrypted chat"), "{bank}");
    assert!(bank.contains("[link](https://example.com/hr)"), "{bank}");
    assert!(!bank.contains("None of these"), "{bank}");

    let check = orr(&[
        "check",
        "--root",
        hb.path().to_str().unwrap(),
        "--today",
        TODAY,
    ]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    let levels = levels(hb.path());
    let expected: BTreeMap<String, String> = [
        ("privacy01", "recommended"),
        ("privacy-02", "required"),
        ("ops-runbooks", "recommended"),
        ("ops-drills", "required"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(levels, expected);
}

#[test]
fn a_prefix_is_put_in_front_of_every_id_once() {
    let hb = bare();
    let lens = write_json(hb.path(), "lens.json", &quirky_lens());
    let run = import(hb.path(), &lens, &["--prefix", "acme"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(hb
        .path()
        .join("content/questions/acme-company-privacy.md")
        .is_file());
    let ids: Vec<String> = levels(hb.path()).into_keys().collect();
    assert_eq!(
        ids,
        [
            "acme-ops-drills",
            "acme-ops-runbooks",
            "acme-privacy-02",
            "acme-privacy01"
        ]
    );

    let bad = import(hb.path(), &lens, &["--prefix", "../x"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}

#[test]
fn clashing_ids_get_a_number_and_a_warning() {
    let hb = bare();
    let lens = json!({
        "schemaVersion": "2021-11-01",
        "name": "Clash",
        "pillars": [{
            "id": "ops",
            "name": "Ops",
            "questions": [
                { "id": "backups_rpo", "title": "One?", "choices": [choice("a_1", "A")],
                  "riskRules": [{ "condition": "default", "risk": "HIGH_RISK" }] },
                { "id": "backupsRpo", "title": "Two?", "choices": [choice("a_1", "A")],
                  "riskRules": [{ "condition": "default", "risk": "HIGH_RISK" }] }
            ]
        }]
    });
    let lens = write_json(hb.path(), "lens.json", &lens);
    let run = import(hb.path(), &lens, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "warning[lens-id-clash]: $.pillars[0].questions[1].id: gives the orr id `backups-rpo`"
        ),
        "{}",
        run.stderr
    );
    let ids: Vec<String> = levels(hb.path()).into_keys().collect();
    assert_eq!(ids, ["backups-rpo", "backups-rpo-2"]);
}

#[test]
fn an_id_the_handbook_already_has_is_refused() {
    let hb = bare();
    let lens = write_json(hb.path(), "lens.json", &quirky_lens());
    assert_eq!(import(hb.path(), &lens, &[]).code, 0);
    // The same questions under another pillar id: new files, taken ids.
    let mut moved = quirky_lens();
    moved["pillars"][0]["id"] = json!("moved_privacy");
    let moved = write_json(hb.path(), "moved.json", &moved);
    let run = import(hb.path(), &moved, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("error[lens-id-clash]: $.pillars[0].questions[0]: gives the orr id `privacy01`, which the handbook already has (content/questions/company-privacy.md:7)"),
        "{}",
        run.stderr
    );
    assert!(!hb
        .path()
        .join("content/questions/moved-privacy.md")
        .exists());
    // Re-importing over the same banks replaces them, ids and all.
    let again = import(hb.path(), &lens, &["--force"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
}

#[test]
fn hostile_strings_stay_inert() {
    let hb = bare();
    let evil = "Evil {#pwned level=required}\n## Injected {#injected level=required}\n<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(2)>";
    let lens = json!({
        "schemaVersion": "2021-11-01",
        "name": "---\ntitle: x\n---",
        "pillars": [{
            "id": "../../../etc/passwd",
            "name": "\"quoted\"\nkey: injected",
            "questions": [{
                "id": "q_evil",
                "title": evil,
                "description": evil,
                "helpfulResource": { "displayText": evil, "url": "javascript:alert(3)" },
                "choices": [{
                    "id": "c_evil",
                    "title": evil,
                    "helpfulResource": { "displayText": "x", "url": "https://ok.example/a) [y](javascript:alert(4)" },
                    "improvementPlan": { "displayText": evil, "url": "data:text/html,<script>alert(5)</script>" }
                }],
                "riskRules": [{ "condition": "default", "risk": "HIGH_RISK" }]
            }]
        }]
    });
    let lens = write_json(hb.path(), "lens.json", &lens);
    let run = import(hb.path(), &lens, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("warning[lens-over-limit]: $.pillars[0].id: `../../../etc/passwd` is not 3 to 128 letters"),
        "{}",
        run.stderr
    );
    assert!(run
        .stderr
        .contains("warning[lens-refused-url]: $.pillars[0].questions[0].helpfulResource.url"));
    assert!(run.stderr.contains(
        "warning[lens-refused-url]: $.pillars[0].questions[0].choices[0].improvementPlan.url"
    ));

    // The only file written is a bank named from the sanitised id.
    let written: Vec<String> = std::fs::read_dir(hb.path().join("content/questions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(written, ["etc-passwd.md"]);

    // One question, with the lens's id and level: no id or level from the text.
    let levels = levels(hb.path());
    assert_eq!(levels.len(), 1, "{levels:?}");
    assert_eq!(levels.get("q-evil").map(String::as_str), Some("required"));

    for page in [
        "questions/etc-passwd/index.html",
        "questions/etc-passwd/q-evil/index.html",
    ] {
        let html = read(&hb.path().join("site").join(page));
        for bad in [
            "<script>alert",
            "<img",
            "href=\"javascript:",
            "href=\"data:",
            "id=\"pwned\"",
            "id=\"injected\"",
            "<h2>Injected",
        ] {
            assert!(!html.contains(bad), "`{bad}` reached {page}");
        }
        assert!(
            html.contains("Evil {#pwned level=required}"),
            "the text is shown as text in {page}"
        );
    }
}

#[test]
fn import_never_overwrites_unless_forced_and_never_follows_a_link() {
    let hb = bare();
    let lens = write_json(hb.path(), "lens.json", &quirky_lens());
    let dir = hb.path().join("content/questions");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("company-privacy.md"), "mine").unwrap();

    let run = import(hb.path(), &lens, &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("already exists"), "{}", run.stderr);
    assert_eq!(read(&dir.join("company-privacy.md")), "mine");
    // Nothing at all is written when one bank cannot be.
    assert!(!dir.join("operational-excellence.md").exists());

    let forced = import(hb.path(), &lens, &["--force"]);
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert!(read(&dir.join("company-privacy.md")).contains("{#privacy01"));

    #[cfg(unix)]
    {
        let outside = tempfile::tempdir().unwrap();
        let target = outside.path().join("victim.md");
        std::fs::write(&target, "victim").unwrap();
        std::fs::remove_file(dir.join("company-privacy.md")).unwrap();
        std::os::unix::fs::symlink(&target, dir.join("company-privacy.md")).unwrap();
        let run = import(hb.path(), &lens, &["--force"]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
        assert_eq!(read(&target), "victim");

        // Nor is a questions folder that leads outside the handbook written into.
        let other = bare();
        std::os::unix::fs::symlink(outside.path(), other.path().join("content/questions")).unwrap();
        let run = import(other.path(), &lens, &[]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            run.stderr.contains("leads outside the handbook"),
            "{}",
            run.stderr
        );
        assert!(!outside.path().join("company-privacy.md").exists());
    }
}

#[test]
fn what_is_not_a_lens_is_refused() {
    let hb = bare();
    let path = hb.path().join("broken.json");
    std::fs::write(&path, "{\n  \"name\": \"x\",\n  \"pillars\": [\n}").unwrap();
    let run = import(hb.path(), path.to_str().unwrap(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("error[lens-invalid]: not JSON"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("broken.json:4:"), "{}", run.stderr);

    let no_pillars = write_json(hb.path(), "np.json", &json!({ "name": "x" }));
    let run = import(hb.path(), &no_pillars, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error[lens-invalid]: $.pillars: missing"),
        "{}",
        run.stderr
    );

    // Past the read limit the file is not even parsed.
    let huge = hb.path().join("huge.json");
    let text = format!(
        "{{\"name\": \"{}\", \"pillars\": []}}",
        "x".repeat(2_100_000)
    );
    std::fs::write(&huge, text).unwrap();
    let run = import(hb.path(), huge.to_str().unwrap(), &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("larger than"), "{}", run.stderr);
    assert!(!hb.path().join("content/questions").exists());
}

// ---------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------

/// Asserts `lens` keeps every limit of the published format.
fn assert_within_limits(lens: &Value, bytes: usize) {
    let units = |v: &Value| v.as_str().unwrap().encode_utf16().count();
    let is_id = |v: &Value| {
        let s = v.as_str().unwrap();
        (3..=128).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    assert!(bytes <= 500_000, "{bytes} bytes");
    assert_eq!(lens["schemaVersion"], "2021-11-01");
    assert!(units(&lens["name"]) <= 128);
    assert!(units(&lens["description"]) <= 2048);
    let pillars = lens["pillars"].as_array().unwrap();
    assert!(pillars.len() <= 10, "{} pillars", pillars.len());
    let mut question_ids = std::collections::BTreeSet::new();
    let mut pillar_ids = std::collections::BTreeSet::new();
    for p in pillars {
        assert!(is_id(&p["id"]), "{}", p["id"]);
        assert!(pillar_ids.insert(p["id"].as_str().unwrap()));
        assert!(units(&p["name"]) <= 128);
        let questions = p["questions"].as_array().unwrap();
        assert!(questions.len() <= 20, "{} questions", questions.len());
        for q in questions {
            assert!(is_id(&q["id"]), "{}", q["id"]);
            assert!(
                question_ids.insert(q["id"].as_str().unwrap()),
                "{}",
                q["id"]
            );
            assert!(units(&q["title"]) <= 128, "{}", q["title"]);
            assert!(units(&q["description"]) <= 2048);
            let choices = q["choices"].as_array().unwrap();
            assert!(!choices.is_empty() && choices.len() <= 15);
            for c in choices {
                assert!(is_id(&c["id"]));
                assert!(units(&c["title"]) <= 128);
                if !c["id"].as_str().unwrap().ends_with("_no") {
                    assert!(units(&c["improvementPlan"]["displayText"]) <= 2048);
                }
            }
            let rules = q["riskRules"].as_array().unwrap();
            assert!(rules.len() <= 3);
            assert_eq!(rules.last().unwrap()["condition"], "default");
            for r in rules {
                let risk = r["risk"].as_str().unwrap();
                assert!(["HIGH_RISK", "MEDIUM_RISK", "NO_RISK"].contains(&risk));
            }
        }
    }
}

/// A handbook of 11 categories; `big` holds 25 questions, one with a long
/// title and guidance, one with a two-letter id.
fn oversized_handbook() -> tempfile::TempDir {
    let hb = bare();
    let dir = hb.path().join("content/questions");
    std::fs::create_dir_all(&dir).unwrap();
    let mut big = String::from("---\ntitle: Big\norder: 1\n---\n");
    let long_title = format!("Is {} done?", "this very long thing ".repeat(10));
    big.push_str(&format!(
        "## {long_title} {{#big-long level=required}}\n\n{}\n\n",
        "Long guidance sentence. ".repeat(150)
    ));
    big.push_str("## Short id? {#ab level=recommended}\n\nShort.\n\n");
    for n in 3..=25 {
        big.push_str(&format!(
            "## Big question {n}? {{#big-q{n}}}\n\nWhy {n}.\n\n"
        ));
    }
    std::fs::write(dir.join("big.md"), big).unwrap();
    for c in 1..=10 {
        std::fs::write(
            dir.join(format!("cat{c}.md")),
            format!("---\ntitle: Category {c}\norder: {}\n---\n## Question of {c}? {{#cat{c}-q level=recommended}}\n\nWhy.\n", c + 1),
        )
        .unwrap();
    }
    hb
}

#[test]
fn export_keeps_to_the_format_limits_and_reports_what_gave() {
    let hb = oversized_handbook();
    let out = hb.path().join("lens.json");
    let run = export(hb.path(), &out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = read(&out);
    let lens: Value = serde_json::from_str(&text).unwrap();
    assert_within_limits(&lens, text.len());

    for expected in [
        "warning[lens-shortened]: $.pillars[0].questions[0].title: shortened from",
        "warning[lens-shortened]: $.pillars[0].questions[0].description: shortened from",
        "warning[lens-left-out]: $.pillars[1]: the category has more than 20 questions",
        "warning[lens-left-out]: $.pillars[10]: 1 question of category `cat9` left out",
        "warning[lens-left-out]: $.pillars[10]: 1 question of category `cat10` left out",
    ] {
        assert!(
            run.stderr.contains(expected),
            "missing `{expected}` in:\n{}",
            run.stderr
        );
    }
    // The shortening is located at the question's heading.
    assert!(
        run.stderr.contains("content/questions/big.md:5:"),
        "{}",
        run.stderr
    );

    let pillars: Vec<&str> = lens["pillars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(&pillars[..3], ["big", "big_2", "cat1"]);
    let first = &lens["pillars"][0]["questions"][0];
    assert_eq!(first["id"], "big_long");
    assert!(first["title"].as_str().unwrap().ends_with('…'));
    assert_eq!(lens["pillars"][0]["questions"][1]["id"], "ab_");
    assert_eq!(first["riskRules"][1]["risk"], "HIGH_RISK");

    // --category picks what the first lens had to leave out.
    let rest = hb.path().join("rest.json");
    let run = export(hb.path(), &rest, &["--category", "cat9,cat10"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lens: Value = serde_json::from_str(&read(&rest)).unwrap();
    assert_eq!(lens["pillars"].as_array().unwrap().len(), 2);

    let unknown = export(hb.path(), &rest, &["--category", "nope"]);
    assert_eq!(unknown.code, 2, "{}", unknown.stderr);
}

#[test]
fn export_of_a_handbook_with_errors_writes_nothing() {
    let hb = bare();
    let dir = hb.path().join("content/questions");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("x.md"), "---\ntitle: X\n---\n## No id\n").unwrap();
    let out = hb.path().join("lens.json");
    let run = export(hb.path(), &out, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!out.exists());
}

// ---------------------------------------------------------------------------
// Round trips
// ---------------------------------------------------------------------------

#[test]
fn import_export_import_keeps_every_id_and_level() {
    let first = bare();
    let lens = write_json(first.path(), "lens.json", &quirky_lens());
    assert_eq!(import(first.path(), &lens, &["--prefix", "acme"]).code, 0);
    let before = levels(first.path());

    let exported = first.path().join("exported.json");
    let run = export(first.path(), &exported, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = read(&exported);
    assert_within_limits(&serde_json::from_str(&text).unwrap(), text.len());

    let second = bare();
    let run = import(
        second.path(),
        exported.to_str().unwrap(),
        &["--prefix", "acme"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    // orr's own lens reads back without a single warning.
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    assert_eq!(levels(second.path()), before);
    assert!(second
        .path()
        .join("content/questions/acme-company-privacy.md")
        .is_file());

    // And once more: the second export is the first, byte for byte, but for the lens name.
    let again = second.path().join("again.json");
    assert_eq!(export(second.path(), &again, &[]).code, 0);
    assert_eq!(read(&again).replace("Bare", ""), text.replace("Bare", ""));
}

#[test]
fn the_bundled_handbook_exports_and_comes_back() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = bare();
    let out = tmp.path().join("bundled.json");
    let run = export(root, &out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = read(&out);
    let lens: Value = serde_json::from_str(&text).unwrap();
    assert_within_limits(&lens, text.len());
    let exported: BTreeMap<String, String> = lens["pillars"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["questions"].as_array().unwrap().iter())
        .map(|q| {
            let level = if q["riskRules"][1]["risk"] == "HIGH_RISK" {
                "required"
            } else {
                "recommended"
            };
            (
                q["id"].as_str().unwrap().replace('_', "-"),
                level.to_string(),
            )
        })
        .collect();
    assert!(!exported.is_empty());

    let run = import(tmp.path(), out.to_str().unwrap(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(levels(tmp.path()), exported);
}
