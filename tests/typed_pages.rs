//! The data pages hand to templates, as a handbook's own templates see it:
//! the field names of the built-in theme, and `site.links` for the site's
//! own pages, all under the `base_url`.

mod common;

use common::*;

fn with_templates(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = handbook("valid", &[]);
    let templates = dir.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    for (name, text) in files {
        std::fs::write(templates.join(name), text).unwrap();
    }
    dir
}

#[test]
fn own_templates_link_to_site_pages_through_site_links() {
    let dir = with_templates(&[(
        "404.html",
        "{{ title }}|{{ site.links.dashboard }}|{{ site.links.checklist }}|{{ site.links.waivers_csv }}|{{ site.links.style_css }}|{{ site.links.services_json }}|{{ site.base_url }}",
    )]);
    let out = build(dir.path(), &["--base-url", "https://x.example/hb"]);
    assert_eq!(
        read(&out.join("404.html")),
        "Page not found|https://x.example/hb/|https://x.example/hb/questions/\
         |https://x.example/hb/waivers.csv|https://x.example/hb/assets/style.css\
         |https://x.example/hb/api/services.json|https://x.example/hb/"
    );
}

#[test]
fn the_checklist_counts_each_category_questions_from_one_index() {
    let dir = with_templates(&[(
        "questions.html",
        "{% for c in categories %}{{ c.id }}={{ c.total }}/{{ c.required }}/{{ c.retired }} {{ c.url }};{% endfor %}",
    )]);
    let out = build(dir.path(), &[]);
    let page = read(&out.join("questions/index.html"));
    // The same figures from the JSON API, counted independently.
    let questions = json(&out.join("api/questions.json"));
    let questions = questions.as_array().expect("a list of questions");
    let mut expected = String::new();
    let mut ids: Vec<String> = Vec::new();
    for q in questions {
        let category = q["category"].as_str().unwrap().to_string();
        if !ids.contains(&category) {
            ids.push(category);
        }
    }
    for id in &ids {
        let of: Vec<&serde_json::Value> = questions
            .iter()
            .filter(|q| q["category"] == id.as_str())
            .collect();
        let retired = of.iter().filter(|q| !q["retired"].is_null()).count();
        let required = of
            .iter()
            .filter(|q| q["level"] == "required" && q["retired"].is_null())
            .count();
        expected.push_str(&format!(
            "{id}={}/{required}/{retired} /questions/{id}/;",
            of.len()
        ));
    }
    assert!(!ids.is_empty());
    assert_eq!(page, expected);
}
