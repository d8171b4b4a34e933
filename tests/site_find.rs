//! Finding things and dated data (issue 10): the search index, the menu's
//! current section, chapter navigation, the service page's gaps and
//! contents, the services index's data attributes, `api/index.json`, the
//! `as_of` of the waiver register, and the Atom feeds.
//!
//! Every test builds the `valid` fixture with a few files laid over it (a
//! second chapter with a heading id, a new question with a hostile title)
//! under the sub-path `base_url` `/hb/`, and reads the built files.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use scraper::{Html, Selector};

/// A question title that would be markup anywhere it is not escaped.
const HOSTILE_TITLE: &str = "Is 1 < 2 & \"]]>\" 'ok' </ fine?";

/// The valid fixture plus a second chapter and a question added on a day.
fn handbook_with_extras() -> tempfile::TempDir {
    let dir = handbook("valid", &[]);
    let content = dir.path().join("content");
    std::fs::write(
        content.join("handbook/guide.md"),
        "---\ntitle: Guide\nweight: 2\n---\nHow to run a review.\n\n## Setting up {#setup}\n\nBook a room with a projector.\n",
    )
    .unwrap();
    std::fs::write(
        content.join("handbook/zlast.md"),
        "---\ntitle: Last words\nweight: 3\n---\nThe end.\n",
    )
    .unwrap();
    let bank = std::fs::read_to_string(content.join("questions/backups.md")).unwrap();
    std::fs::write(
        content.join("questions/backups.md"),
        format!("{bank}\n## {HOSTILE_TITLE} {{#bk-hostile since=2026-11-01}}\n\nGuidance about quarantine.\n"),
    )
    .unwrap();
    dir
}

/// The extras built under `/hb/`.
fn built() -> (tempfile::TempDir, PathBuf) {
    let dir = handbook_with_extras();
    let site = build(dir.path(), &["--base-url", "/hb/"]);
    (dir, site)
}

fn page(site: &Path, rel: &str) -> Html {
    Html::parse_document(&read(&site.join(rel)))
}

fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = Selector::parse(css).unwrap();
    doc.select(&selector).collect()
}

fn text(el: scraper::ElementRef) -> String {
    el.text().collect::<String>().trim().to_string()
}

/// `search/index.js` as JSON: `window.orrSearch = {...};`.
fn search_data(site: &Path) -> serde_json::Value {
    let js = read(&site.join("search/index.js"));
    let json = js
        .strip_prefix("window.orrSearch = ")
        .and_then(|s| s.trim_end().strip_suffix(';'))
        .expect("search/index.js assigns window.orrSearch");
    serde_json::from_str(json).unwrap()
}

/// Each search document as (kind, title, url).
fn search_docs(site: &Path) -> Vec<(String, String, String)> {
    let data = search_data(site);
    data["docs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["kind"].as_str().unwrap().to_string(),
                d["title"].as_str().unwrap().to_string(),
                d["url"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn search_index_has_every_kind_of_page_under_the_base_url() {
    let (_dir, site) = built();
    let docs = search_docs(&site);
    let has = |kind: &str, url: &str| docs.iter().any(|(k, _, u)| k == kind && u == url);
    // Every question, service, concept, postmortem and chapter of the fixture.
    let questions = json(&site.join("api/questions.json"));
    for q in questions.as_array().unwrap() {
        let url = format!(
            "/hb/questions/{}/{}/",
            q["category"].as_str().unwrap(),
            q["id"].as_str().unwrap()
        );
        assert!(has("question", &url), "{url} missing from {docs:?}");
    }
    for s in ["alpha", "beta", "delta", "epsilon", "eta", "gamma", "zeta"] {
        assert!(has("service", &format!("/hb/services/{s}/")), "{s}");
    }
    assert!(has("concept", "/hb/concepts/slos/"));
    assert!(has("concept", "/hb/concepts/load-testing/"));
    assert!(has("postmortem", "/hb/postmortems/pm-2026-10-cache/"));
    assert!(has("chapter", "/hb/handbook/intro/"));
    assert!(has("chapter", "/hb/handbook/guide/"));
    // A heading with an id is its own result, linking to the heading.
    assert!(has("chapter", "/hb/handbook/guide/#setup"), "{docs:?}");
    assert!(docs.iter().all(|(_, _, url)| url.starts_with("/hb/")));

    // The index knows guidance words, service owners and summaries...
    let data = search_data(&site);
    let body = &data["index"]["index"]["body"]["root"];
    for (word, path) in [("quarantin", "q/u/a/r/a/n/t/i/n"), ("team", "t/e/a/m")] {
        let mut node = body;
        for c in path.split('/') {
            node = &node[c];
        }
        assert!(node["docs"].is_object(), "{word} is not indexed");
    }
    // ...but not the answers of services, which would grow with the organisation.
    let js = read(&site.join("search/index.js"));
    assert!(
        !js.contains("grafana"),
        "an answer's evidence is in the index"
    );

    // Every page has the search form, which works as a plain form without JS.
    let home = page(&site, "index.html");
    let form = select(&home, "header.top form.site-search");
    assert_eq!(form.len(), 1);
    assert_eq!(form[0].value().attr("action"), Some("/hb/search/"));
    assert_eq!(
        form[0].value().attr("data-index"),
        Some("/hb/search/index.js")
    );
    assert_eq!(select(&home, "script[src='/hb/assets/search.js']").len(), 1);
    assert!(site.join("assets/elasticlunr.min.js").is_file());
    let lunr = read(&site.join("assets/elasticlunr.min.js"));
    assert!(
        lunr.starts_with("/**\n * elasticlunr"),
        "licence header kept"
    );
    assert!(site.join("search/index.html").is_file());
}

#[test]
fn the_menu_marks_the_current_section() {
    let (_dir, site) = built();
    let cases = [
        ("index.html", "Dashboard", "page"),
        ("handbook/index.html", "Handbook", "page"),
        ("handbook/intro/index.html", "Handbook", "true"),
        ("questions/index.html", "Checklist", "page"),
        ("questions/capacity/index.html", "Checklist", "true"),
        (
            "questions/capacity/cap-peak/index.html",
            "Checklist",
            "true",
        ),
        ("services/index.html", "Services", "page"),
        ("services/alpha/index.html", "Services", "true"),
        ("waivers/index.html", "Waivers", "page"),
        ("risks/index.html", "Risks", "page"),
        ("dependencies/index.html", "Dependencies", "page"),
        ("concepts/index.html", "Concepts", "page"),
        ("concepts/slos/index.html", "Concepts", "true"),
        ("postmortems/index.html", "Postmortems", "page"),
        (
            "postmortems/pm-2026-10-cache/index.html",
            "Postmortems",
            "true",
        ),
        ("changelog/index.html", "Changelog", "page"),
    ];
    for (rel, label, value) in cases {
        let doc = page(&site, rel);
        let current: Vec<(String, String)> = select(&doc, "header.top nav a[aria-current]")
            .into_iter()
            .map(|a| {
                (
                    text(a),
                    a.value().attr("aria-current").unwrap_or("").to_string(),
                )
            })
            .collect();
        assert_eq!(
            current,
            [(label.to_string(), value.to_string())],
            "on {rel}"
        );
    }
    for rel in ["404.html", "search/index.html"] {
        let doc = page(&site, rel);
        assert!(select(&doc, "header.top nav a[aria-current]").is_empty());
    }
}

#[test]
fn chapters_have_a_sidebar_and_previous_and_next() {
    let (_dir, site) = built();
    let doc = page(&site, "handbook/guide/index.html");
    let sidebar: Vec<(String, Option<String>)> = select(&doc, "nav.chapter-sidebar ol a")
        .into_iter()
        .map(|a| (text(a), a.value().attr("aria-current").map(str::to_string)))
        .collect();
    assert_eq!(
        sidebar,
        [
            ("Introduction".to_string(), None),
            ("Guide".to_string(), Some("page".to_string())),
            ("Last words".to_string(), None),
        ]
    );
    let prev = select(&doc, "nav.pager a[rel=prev]");
    let next = select(&doc, "nav.pager a[rel=next]");
    assert_eq!(prev[0].value().attr("href"), Some("/hb/handbook/intro/"));
    assert_eq!(next[0].value().attr("href"), Some("/hb/handbook/zlast/"));
    let first = page(&site, "handbook/intro/index.html");
    assert!(select(&first, "nav.pager a[rel=prev]").is_empty());
    let last = page(&site, "handbook/zlast/index.html");
    assert!(select(&last, "nav.pager a[rel=next]").is_empty());
}

#[test]
fn a_service_page_shows_its_gaps_first_and_has_contents() {
    let (_dir, site) = built();
    let html = read(&site.join("services/gamma/index.html"));
    let doc = Html::parse_document(&html);
    // Gamma: cap-peak waived (expired), bk-restore waived, cap-cold yes,
    // and the questions it left unanswered.
    let gaps: Vec<String> = select(&doc, "table.gaps tbody tr td:first-child a")
        .into_iter()
        .map(|a| a.value().attr("href").unwrap_or("").to_string())
        .collect();
    assert!(gaps.contains(&"#q-cap-peak".to_string()), "{gaps:?}");
    assert!(gaps.contains(&"#q-bk-restore".to_string()), "{gaps:?}");
    assert!(
        !gaps.contains(&"#q-cap-cold".to_string()),
        "a yes is not a gap"
    );
    // Every gap links to a row of the full list.
    for anchor in &gaps {
        let id = anchor.trim_start_matches('#');
        assert_eq!(select(&doc, &format!("tr#{id}")).len(), 1, "{id}");
    }
    // Order: verdict, gaps, then the full list of answers.
    let at = |needle: &str| html.find(needle).unwrap_or_else(|| panic!("{needle}"));
    assert!(at("id=\"verdict\"") < at("id=\"gaps\""));
    assert!(at("id=\"gaps\"") < at("id=\"answers\""));
    assert!(at("id=\"answers\"") < at("id=\"q-cap-cold\""));
    // The contents link to sections that exist.
    let toc: Vec<String> = select(&doc, "nav.page-toc a")
        .into_iter()
        .map(|a| a.value().attr("href").unwrap_or("").to_string())
        .collect();
    for wanted in [
        "#verdict",
        "#gaps",
        "#answers",
        "#waivers",
        "#risks",
        "#cat-capacity",
    ] {
        assert!(toc.contains(&wanted.to_string()), "{wanted} not in {toc:?}");
    }
    for anchor in &toc {
        let id = anchor.trim_start_matches('#');
        assert_eq!(
            select(&doc, &format!("[id='{id}']")).len(),
            1,
            "{anchor} names no single element"
        );
    }
}

#[test]
fn services_index_rows_carry_what_to_sort_and_filter_by() {
    let (_dir, site) = built();
    let doc = page(&site, "services/index.html");
    let rows = select(&doc, "#services-table tbody tr");
    assert_eq!(rows.len(), 7);
    let summaries = json(&site.join("api/services.json"));
    for (row, s) in rows.iter().zip(summaries.as_array().unwrap()) {
        let attr = |k: &str| row.value().attr(k).unwrap_or("").to_string();
        assert_eq!(attr("data-name"), s["name"].as_str().unwrap());
        assert_eq!(attr("data-owner"), s["owner"].as_str().unwrap());
        assert_eq!(attr("data-verdict"), s["verdict"].as_str().unwrap());
        assert_eq!(attr("data-tier"), s["tier"].to_string());
        let tags: Vec<&str> = s["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert_eq!(attr("data-tags"), tags.join("\n"));
        let pct = (s["readiness"].as_f64().unwrap() * 100.0).round() as i64;
        assert_eq!(attr("data-readiness"), pct.to_string());
    }
    // The controls are hidden until the script fills them; the table is all there.
    assert!(select(&doc, "#services-controls[hidden]").len() == 1);
    assert_eq!(
        select(&doc, "script[src='/hb/assets/services.js']").len(),
        1
    );
    assert!(site.join("assets/services.js").is_file());
}

#[test]
fn data_files_say_which_day_they_were_judged_on() {
    let (_dir, site) = built();
    let index = json(&site.join("api/index.json"));
    assert_eq!(index["title"], "Fixture Handbook");
    assert_eq!(index["bank_version"], "2026.11");
    assert_eq!(index["as_of"], TODAY);
    assert_eq!(index["services"], 7);
    let questions = json(&site.join("api/questions.json"));
    assert_eq!(index["questions"], questions.as_array().unwrap().len());
    let services = json(&site.join("api/services.json"));
    for verdict in ["go", "conditional", "no-go"] {
        let n = services
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["verdict"] == verdict)
            .count();
        assert_eq!(index["verdicts"][verdict], n, "{verdict}");
    }
    let waivers = json(&site.join("waivers.json"));
    let rows = waivers.as_array().unwrap();
    assert!(!rows.is_empty());
    for state in ["active", "expiring", "expired", "revoked", "closed"] {
        let n = rows.iter().filter(|w| w["state"] == state).count();
        assert_eq!(index["waivers"][state], n, "{state}");
    }
    // Every row of the register carries the day, next to the fields it had.
    for w in rows {
        assert_eq!(w["as_of"], TODAY);
        assert!(w["days_left"].is_i64() && w["state"].is_string());
    }
    let csv = read(&site.join("waivers.csv"));
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header.first(), Some(&"service"));
    assert_eq!(header.last(), Some(&"as_of"));
    assert!(header.contains(&"days_left"));
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), rows.len());
    for r in &records {
        assert_eq!(r.get(header.len() - 1), Some(TODAY));
    }
}

/// A parsed feed's entries as (id, title, link, updated).
fn feed_entries(xml: &str) -> Vec<(String, String, String, String)> {
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "feed");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2005/Atom")
    );
    let child = |n: roxmltree::Node, name: &str| {
        n.children()
            .find(|c| c.has_tag_name(name))
            .map(|c| c.text().unwrap_or("").to_string())
            .unwrap_or_default()
    };
    for required in ["id", "title", "updated"] {
        assert!(!child(root, required).is_empty(), "feed {required}");
    }
    root.children()
        .filter(|c| c.has_tag_name("entry"))
        .map(|e| {
            let link = e
                .children()
                .find(|c| c.has_tag_name("link"))
                .and_then(|l| l.attribute("href"))
                .unwrap_or("")
                .to_string();
            (child(e, "id"), child(e, "title"), link, child(e, "updated"))
        })
        .collect()
}

#[test]
fn atom_feeds_parse_and_list_new_questions_and_waivers_running_out() {
    let (_dir, site) = built();
    let changelog = feed_entries(&read(&site.join("changelog/atom.xml")));
    // The hostile title comes back as the same text: escaped, not markup.
    let hostile = changelog
        .iter()
        .find(|e| e.0 == "urn:orr:question:bk-hostile")
        .unwrap_or_else(|| panic!("{changelog:?}"));
    assert_eq!(hostile.1, HOSTILE_TITLE);
    assert_eq!(hostile.2, "/hb/questions/backups/bk-hostile/");
    assert_eq!(hostile.3, "2026-11-01T00:00:00Z");
    assert!(changelog.iter().any(|e| e.0 == "urn:orr:question:cap-old"));
    // Newest first.
    let dates: Vec<&str> = changelog.iter().map(|e| e.3.as_str()).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);

    let waivers = feed_entries(&read(&site.join("waivers/atom.xml")));
    let ids: Vec<&str> = waivers.iter().map(|e| e.0.as_str()).collect();
    let register = json(&site.join("waivers.json"));
    let mut running_out: Vec<String> = register
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["state"] == "expiring" || w["state"] == "expired")
        .map(|w| {
            format!(
                "urn:orr:waiver:{}:{}:{}",
                w["service"].as_str().unwrap(),
                w["question"].as_str().unwrap(),
                w["state"].as_str().unwrap()
            )
        })
        .collect();
    running_out.sort();
    let mut got: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    got.sort();
    assert_eq!(got, running_out);
    assert!(got.contains(&"urn:orr:waiver:gamma:cap-peak:expired".to_string()));
    assert!(got.contains(&"urn:orr:waiver:gamma:bk-restore:expiring".to_string()));
    let expired = waivers
        .iter()
        .find(|e| e.0 == "urn:orr:waiver:gamma:cap-peak:expired")
        .unwrap();
    assert_eq!(expired.2, "/hb/services/gamma/#q-cap-peak");
    assert_eq!(expired.3, "2026-11-23T00:00:00Z", "the day after expiry");

    // Both pages link their feed, in the head and visibly.
    for (rel, feed) in [
        ("changelog/index.html", "/hb/changelog/atom.xml"),
        ("waivers/index.html", "/hb/waivers/atom.xml"),
    ] {
        let doc = page(&site, rel);
        let alternate = select(
            &doc,
            &format!("head link[rel=alternate][type='application/atom+xml'][href='{feed}']"),
        );
        assert_eq!(alternate.len(), 1, "{rel}");
        assert_eq!(
            select(&doc, &format!("main a[href='{feed}']")).len(),
            1,
            "{rel}"
        );
    }
}

#[test]
fn hostile_titles_stay_text_in_the_index_the_feeds_and_the_pages() {
    let (dir, site) = built();
    let docs = search_docs(&site);
    assert!(docs
        .iter()
        .any(|(k, t, _)| k == "question" && t == HOSTILE_TITLE));
    let js = read(&site.join("search/index.js"));
    // JSON strings cannot end the script or the assignment early.
    assert_eq!(js.matches("window.orrSearch = ").count(), 1);
    assert!(js.ends_with("};\n"));
    let raw = read(&site.join("changelog/atom.xml"));
    assert!(!raw.contains("1 < 2") && !raw.contains("\"]]>\""), "{raw}");
    let questions = json(&site.join("api/questions.json"));
    assert!(questions
        .as_array()
        .unwrap()
        .iter()
        .any(|q| q["title"] == HOSTILE_TITLE));
    // The client only ever inserts index text as text.
    let client = read(&dir.path().join("site/assets/search.js"));
    assert!(!client.contains("innerHTML") && !client.contains("insertAdjacentHTML"));
    let services = read(&dir.path().join("site/assets/services.js"));
    assert!(!services.contains("innerHTML"));
    // Same content, same day: the same bytes.
    let again = handbook_with_extras();
    let site2 = build(again.path(), &["--base-url", "/hb/"]);
    for rel in [
        "search/index.js",
        "changelog/atom.xml",
        "waivers/atom.xml",
        "api/index.json",
    ] {
        assert_eq!(read(&site.join(rel)), read(&site2.join(rel)), "{rel}");
    }
}
