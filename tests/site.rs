//! The valid fixture handbook, built like a user builds it: verdicts,
//! ceilings and waiver states from the JSON, and the same facts on the pages.

mod common;

use common::*;
use serde_json::Value;

fn built() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = handbook("valid", &[]);
    let out = build(dir.path(), &[]);
    (dir, out)
}

fn by_name<'a>(list: &'a Value, key: &str, name: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|v| v[key] == name)
        .unwrap_or_else(|| panic!("{name} not found"))
}

#[test]
fn verdicts_blockers_and_ceilings_follow_the_rules() {
    let (_dir, out) = built();
    let services = json(&out.join("api/services.json"));
    let names: Vec<&str> = services
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["alpha", "beta", "delta", "epsilon", "eta", "gamma", "zeta"],
        "sorted by name"
    );
    let verdict = |n: &str| {
        by_name(&services, "name", n)["verdict"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let kinds = |n: &str| {
        by_name(&services, "name", n)["blockers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["kind"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(verdict("alpha"), "go");
    assert_eq!(verdict("beta"), "conditional", "partial due today");
    assert_eq!(verdict("eta"), "go");
    assert_eq!(
        (verdict("gamma"), kinds("gamma")),
        ("no-go".into(), vec!["waiver-expired".to_string()])
    );
    assert_eq!(
        (verdict("delta"), kinds("delta")),
        ("no-go".into(), vec!["risk".to_string()])
    );
    assert_eq!(
        (verdict("epsilon"), kinds("epsilon")),
        ("no-go".into(), vec!["ceiling".to_string()])
    );
    assert_eq!(
        (verdict("zeta"), kinds("zeta")),
        (
            "no-go".into(),
            vec![
                "question".to_string(),
                "question".into(),
                "partial-overdue".into()
            ]
        )
    );

    let alpha = by_name(&services, "name", "alpha");
    assert_eq!(alpha["readiness"], 0.6667, "2 of 3 applicable: cap-peak, cap-cold yes, bk-docs no; cap-old retired, bk-restore and cap-kv tagged");
    assert_eq!(
        alpha["counts"],
        serde_json::json!({"yes": 2, "partial": 0, "no": 1, "waived": 0, "expired": 0, "unanswered": 0, "not_applicable": 0})
    );
    assert_eq!(
        alpha["availability_ceiling"],
        Value::Null,
        "only a soft dependency"
    );
    assert_eq!(alpha["last_review"], "2026-11-01");
    assert_eq!(alpha["stale"], false);
    let epsilon = by_name(&services, "name", "epsilon");
    assert_eq!(
        epsilon["availability_ceiling"], 99.7003,
        "three hard 99.9% dependencies; the one with a fallback is left out"
    );
    assert_eq!(epsilon["slo_availability"], 99.9);
    let zeta = by_name(&services, "name", "zeta");
    assert_eq!(
        zeta["availability_ceiling"], 99.9,
        "eta has no SLO and is left out; alpha's 99.9 counts"
    );
    assert_eq!(zeta["stale"], true, "never reviewed");
    assert_eq!(zeta["blockers"][0]["question"], "cap-peak");
    let eta = by_name(&services, "name", "eta");
    assert_eq!(eta["stale"], true, "reviewed 2025-06-01");
    assert_eq!(eta["availability_ceiling"], Value::Null);
}

#[test]
fn service_detail_json_has_answers_risks_dependencies_reviews() {
    let (_dir, out) = built();
    let beta = json(&out.join("api/services/beta.json"));
    let answers = beta["answers"].as_array().unwrap();
    assert_eq!(
        answers.len(),
        3,
        "cap-peak, cap-cold, bk-docs apply; cap-kv and bk-restore do not"
    );
    let peak = by_name(&beta["answers"], "question", "cap-peak");
    assert_eq!(peak["state"], "partial");
    assert_eq!(peak["due"], "2026-11-23");
    assert_eq!(peak["plan"], "https://tracker.example/B-1");
    assert_eq!(
        by_name(&beta["answers"], "question", "cap-cold")["new"],
        true,
        "added 2026-10-15, after the 2026-10-01 review"
    );
    assert_eq!(beta["reviews"][0]["decision"], "conditional");
    let delta = json(&out.join("api/services/delta.json"));
    assert_eq!(delta["risks"].as_array().unwrap().len(), 3);
    assert_eq!(by_name(&delta["risks"], "id", "big")["score"], 15);
    let zeta = json(&out.join("api/services/zeta.json"));
    let eta_dep = by_name(&zeta["dependencies"], "name", "eta");
    assert_eq!(eta_dep["in_ceiling"], false);
    assert_eq!(eta_dep["findings"].as_array().unwrap().len(), 2);
    assert_eq!(
        by_name(&zeta["answers"], "question", "cap-kv")["state"],
        "unanswered",
        "ml-serving tag"
    );
    let alpha = json(&out.join("api/services/alpha.json"));
    assert_eq!(alpha["history_answers"][0]["question"], "cap-old");
    assert_eq!(alpha["dependants"], serde_json::json!(["zeta"]));
}

#[test]
fn waiver_register_in_json_csv_and_html() {
    let (_dir, out) = built();
    let waivers = json(&out.join("waivers.json"));
    let rows: Vec<(String, String, String, i64)> = waivers
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["service"].as_str().unwrap().into(),
                w["question"].as_str().unwrap().into(),
                w["state"].as_str().unwrap().into(),
                w["days_left"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("alpha".into(), "cap-peak".into(), "revoked".into(), -175),
            ("beta".into(), "bk-docs".into(), "active".into(), 98),
            ("eta".into(), "cap-peak".into(), "closed".into(), -418),
            ("gamma".into(), "bk-restore".into(), "expiring".into(), 17),
            ("gamma".into(), "cap-peak".into(), "expired".into(), -1),
        ]
    );
    assert_eq!(waivers[0]["history"][1]["event"], "revoked");
    let csv = read(&out.join("waivers.csv"));
    assert!(csv.starts_with(
        "service,question,state,reason,approver,granted,expires,days_left,ticket,history\n"
    ));
    assert!(csv.contains("alpha,cap-peak,revoked,Load test pending.,sre-lead,2026-01-01,2026-06-01,-175,,2026-01-01 granted by sre-lead; 2026-03-01 revoked by sre-lead (load test done)\n"), "{csv}");
    let page = read(&out.join("waivers/index.html"));
    for state in ["active", "expiring", "expired", "revoked", "closed"] {
        assert!(
            page.contains(&format!(
                "<span class=\"badge waiver-{state}\">{state}</span>"
            )),
            "{state}"
        );
    }
}

#[test]
fn questions_json_and_question_pages() {
    let (_dir, out) = built();
    let questions = json(&out.join("api/questions.json"));
    let ids: Vec<&str> = questions
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "cap-peak",
            "cap-kv",
            "cap-old",
            "cap-cold",
            "bk-restore",
            "bk-docs"
        ],
        "checklist order: banks by order, postmortem questions after"
    );
    let cold = by_name(&questions, "id", "cap-cold");
    assert_eq!(cold["origin"], "pm-2026-10-cache");
    assert_eq!(
        cold["since"], "2026-10-15",
        "defaults to the postmortem's date"
    );
    assert_eq!(cold["level"], "required");
    assert_eq!(
        by_name(&questions, "id", "cap-kv")["applies"],
        serde_json::json!(["ml-serving"])
    );
    assert_eq!(
        by_name(&questions, "id", "cap-old")["retired"],
        "2026-01-01"
    );
    let page = read(&out.join("questions/capacity/cap-cold/index.html"));
    assert!(page.contains("Added after the postmortem <a href=\"/postmortems/pm-2026-10-cache/\">Cold cache took alpha down</a>"), "{page}");
    assert!(page.contains("<a href=\"/concepts/load-testing/\">Load testing</a>"));
    assert!(page.contains("<a href=\"/services/zeta/#q-cap-cold\">Zeta model server</a>"));
    let category = read(&out.join("questions/capacity/index.html"));
    assert!(category.contains("hl-"), "fenced code is highlighted");
}

#[test]
fn service_page_shows_verdict_blockers_review_and_links() {
    let (_dir, out) = built();
    let zeta = read(&out.join("services/zeta/index.html"));
    assert!(zeta.contains("<span class=\"badge verdict-no-go big\">no-go</span>"));
    assert!(zeta.contains("<a href=\"#q-cap-peak\">Required question unanswered: Is peak throughput measured?</a>"), "blockers link to what to fix");
    assert!(zeta.contains("Plan was due 2026-10-01"));
    assert!(zeta.contains("retries to `alpha` without a circuit breaker"));
    let delta = read(&out.join("services/delta/index.html"));
    assert!(delta.contains("<a href=\"#risk-delta-big\">Open risk scores 15"));
    assert!(delta.contains("id=\"risk-delta-big\""));
    let eta = read(&out.join("services/eta/index.html"));
    assert!(
        eta.contains("differs from the computed verdict"),
        "review said no-go, computed go"
    );
    let alpha = read(&out.join("services/alpha/index.html"));
    assert!(
        alpha.contains("Alpha is the <strong>fixture&#39;s</strong> go service.")
            || alpha.contains("Alpha is the <strong>fixture's</strong> go service."),
        "prose beside the YAML"
    );
    assert!(
        alpha.contains("Cold cache took alpha down"),
        "postmortems of the service"
    );
    let beta = read(&out.join("services/beta/index.html"));
    assert!(beta.contains("<span class=\"badge new\">new</span>"));
    let chapter = read(&out.join("handbook/intro/index.html"));
    assert!(
        chapter.contains("href=\"/questions/capacity/#cap-peak\""),
        "links to source files are rewritten"
    );
    assert!(chapter.contains("href=\"/services/alpha/\""));
    assert!(chapter.contains("href=\"/postmortems/pm-2026-10-cache/\""));
    for page in [
        "index.html",
        "404.html",
        "risks/index.html",
        "dependencies/index.html",
        "concepts/index.html",
        "concepts/slos/index.html",
        "postmortems/index.html",
        "changelog/index.html",
        "handbook/index.html",
        "services/index.html",
        "questions/index.html",
    ] {
        let html = read(&out.join(page));
        assert!(
            html.contains("<nav aria-label=\"Site\">"),
            "{page} has navigation"
        );
        assert!(!html.contains("<script"), "{page} needs no JavaScript");
    }
    let concept = read(&out.join("concepts/slos/index.html"));
    assert!(
        concept.contains("Are backups documented?"),
        "questions naming the concept"
    );
    assert!(concept.contains("<em>checks</em>"), "inbound labelled link");
}

#[test]
fn builds_are_byte_identical() {
    let dir = handbook("valid", &[]);
    let root = dir.path().to_str().unwrap();
    let first = dir.path().join("one");
    let second = dir.path().join("two");
    for out in [&first, &second] {
        let run = orr(&[
            "build",
            "--root",
            root,
            "--today",
            TODAY,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let (a, b) = (snapshot(&first), snapshot(&second));
    assert!(a.len() > 30);
    assert!(a == b, "two builds differ");
}

#[test]
fn base_url_prefixes_every_link() {
    let dir = handbook("valid", &[]);
    let out = build(
        dir.path(),
        &["--base-url", "https://orr.example.internal/readiness"],
    );
    let prefix = "https://orr.example.internal/readiness/";
    let mut checked = 0;
    for (path, bytes) in snapshot(&out) {
        if path.extension().is_some_and(|e| e == "html") {
            let html = String::from_utf8(bytes).unwrap();
            for part in html.split("href=\"").skip(1) {
                let href = &part[..part.find('"').unwrap()];
                let ok = href.starts_with(prefix)
                    || href.starts_with('#')
                    || href.starts_with("https://")
                        && !href.starts_with("https://orr.example.internal/")
                    || href.starts_with("http://");
                assert!(ok, "{}: {href}", path.display());
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "{checked}");
}

#[test]
fn today_comes_from_the_flag_or_source_date_epoch() {
    let dir = handbook("valid", &[]);
    let root = dir.path().to_str().unwrap();
    // 2026-11-24T00:00:00Z: gamma's expired waiver and beta's plan, due 2026-11-23, now overdue.
    let run = orr_env(
        &["build", "--root", root],
        &[("SOURCE_DATE_EPOCH", "1795478400")],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("as of 2026-11-24"), "{}", run.stdout);
    let services = json(&dir.path().join("site/api/services.json"));
    assert_eq!(by_name(&services, "name", "beta")["verdict"], "no-go");
    let run = orr_env(
        &["check", "--root", root, "--today", "2026-11-23"],
        &[("SOURCE_DATE_EPOCH", "1795478400")],
    );
    assert!(
        run.stdout.contains("as of 2026-11-23"),
        "the flag wins: {}",
        run.stdout
    );
}

#[test]
fn user_text_is_escaped_everywhere() {
    let dir = handbook("valid", &[]);
    let evil = "<script>alert(1)</script>";
    let service = format!(
        "title: \"{evil}\"\nowner: \"{evil}\"\ntier: 1\nsummary: \"{evil}\"\nanswers:\n  cap-peak: {{status: no, note: \"{evil}\"}}\n  cap-cold:\n    status: waived\n    waiver: {{reason: \"{evil}\", approver: \"{evil}\", granted: 2026-11-01, expires: 2026-12-01}}\nrisks:\n  - {{id: r, title: \"{evil}\", severity: 1, likelihood: 1, mitigations: [\"{evil}\"]}}\nreviews:\n  - {{date: 2026-11-01, reviewer: \"{evil}\", decision: go, notes: \"{evil}\"}}\n"
    );
    std::fs::write(dir.path().join("content/services/evil.yaml"), service).unwrap();
    std::fs::write(
        dir.path().join("content/services/evil.md"),
        format!("Raw {evil} in prose.\n\n<img src=x onerror=alert(1)>\n"),
    )
    .unwrap();
    let out = build(dir.path(), &[]);
    let mut pages = 0;
    for (path, bytes) in snapshot(&out)
        .into_iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "html"))
    {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("<script>alert"),
            "{} contains live markup",
            path.display()
        );
        assert!(!text.contains("<img src=x"), "{}", path.display());
        pages += usize::from(text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    }
    assert!(pages >= 5, "the text is shown, escaped, on the service, register, risks, dashboard and question pages ({pages})");
    let json_text = read(&out.join("api/services/evil.json"));
    assert!(json_text.contains(evil), "JSON keeps the text as data");
}

/// The inline `<svg>` elements of a page.
fn svgs(html: &str) -> Vec<&str> {
    html.match_indices("<svg")
        .map(|(i, _)| &html[i..i + html[i..].find("</svg>").unwrap() + 6])
        .collect()
}

#[test]
fn pages_carry_parseable_accessible_diagrams_matching_the_model() {
    let (_dir, out) = built();
    let deps = read(&out.join("dependencies/index.html"));
    let figures = svgs(&deps);
    assert_eq!(figures.len(), 1);
    let doc = roxmltree::Document::parse(figures[0]).expect("the graph is well-formed XML");
    let with_class = |class: &str| {
        doc.descendants()
            .filter(|n| {
                n.attribute("class")
                    .is_some_and(|c| c.split(' ').any(|k| k == class))
            })
            .count()
    };
    // 7 services + 4 external systems (dns, psp, mail, sms).
    assert_eq!(with_class("orr-node"), 11);
    assert_eq!(
        with_class("orr-edge"),
        7,
        "alpha→beta, epsilon→4 externals, zeta→eta, zeta→alpha"
    );
    assert!(
        doc.descendants().any(|n| n.has_tag_name("title"))
            && doc.descendants().any(|n| n.has_tag_name("desc"))
    );
    assert_eq!(doc.root_element().attribute("role"), Some("img"));

    let delta = read(&out.join("services/delta/index.html"));
    let figures = svgs(&delta);
    assert_eq!(
        figures.len(),
        2,
        "readiness bars and risk matrix; no dependency diagram without dependencies"
    );
    for svg in &figures {
        roxmltree::Document::parse(svg).expect("well-formed");
    }
    assert!(
        delta.contains("href=\"#delta-s5-l3\""),
        "matrix cells link to their risks"
    );
    let dashboard = read(&out.join("index.html"));
    let heat = roxmltree::Document::parse(svgs(&dashboard)[0]).unwrap();
    assert!(
        heat.descendants().any(|n| n.text() == Some("no-go")),
        "verdicts are written, not only coloured"
    );
    let concepts = read(&out.join("concepts/index.html"));
    roxmltree::Document::parse(svgs(&concepts)[0]).unwrap();
    assert!(concepts.contains("href=\"/concepts/load-testing/\""));
}

#[test]
fn every_page_names_a_favicon_the_site_has() {
    let dir = common::handbook("valid", &[]);
    let site = common::build(dir.path(), &[]);
    let page = common::read(&site.join("index.html"));
    assert!(
        page.contains("<link rel=\"icon\" href=\"/assets/favicon.svg\""),
        "{page}"
    );
    assert!(site.join("assets/favicon.svg").is_file());
}
