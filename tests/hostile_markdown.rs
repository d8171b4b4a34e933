//! Hostile content: what a contributor with write access to the handbook can
//! try against the people who read the built site or run `orr` in a terminal.
//!
//! The injection corpus goes through every kind of Markdown file (chapter,
//! bank intro, question guidance, postmortem, concept, service prose), is built
//! with the real binary, and the output is parsed with a real HTML parser
//! (`scraper`, html5ever underneath: it reads markup the way a browser does, so
//! an attribute smuggled past a string check is still found).

mod common;

use std::path::Path;

use common::*;
use scraper::{CaseSensitivity, ElementRef, Html};

/// A copy of the `minimal` fixture with `files` (paths under `content/`) written over it.
fn case(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = handbook("minimal", &[]);
    for (rel, text) in files {
        let path = dir.path().join("content").join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
    }
    dir
}

fn run(cmd: &str, root: &Path, extra: &[&str]) -> Run {
    let mut args = vec![cmd, "--root", root.to_str().unwrap(), "--today", TODAY];
    args.extend_from_slice(extra);
    orr(&args)
}

/// Payloads that are not errors: they must build, and come out inert.
/// `PWN` marks every value that must never reach an attribute.
const INERT_PAYLOADS: &str = r##"
# Welcome {tabindex=0 autofocus onfocus=alert(PWN)}

### Why {onclick=alert(PWN) .wide}

#### Cover {onmouseover=alert(PWN) style=position:fixed;inset:0;PWN}

##### Quoted {#quoted title="x onmouseover=alert(PWN)" data-pwn='a>b'}

###### Breakout {#x"onclick=PWN .y"onclick=PWN}

# Reserved {#main .badge .verdict-go}

# Entities {#a&quot;onclick=PWN ONCLICK=PWN OnMouseOver=PWN}

> ## Nested {onclick=alert(PWN)}
>
> - ### In a list {style=PWN onload=PWN}

<script>alert(PWN)</script>

<img src=x onerror=alert(PWN)>

<svg onload=alert(PWN)><script>alert(PWN)</script><a xlink:href="javascript:alert(PWN)">x</a></svg>

<math><mtext><table><mglyph><style><img src=x onerror=alert(PWN)></style></mglyph></table></mtext></math>

<iframe src="javascript:alert(PWN)"></iframe>
<object data="javascript:alert(PWN)"></object><embed src="javascript:alert(PWN)">
<form action="javascript:alert(PWN)"><input formaction="javascript:alert(PWN)"><button formaction=javascript:alert(PWN)>x</button></form>
<base href="javascript:alert(PWN)//"><meta http-equiv="refresh" content="0;url=javascript:alert(PWN)"><link rel=import href=data:text/html,PWN>
<style>body{background:url(javascript:alert(PWN))}</style>
<textarea onfocus=alert(PWN) autofocus></textarea><select><template><noscript><frameset><applet>

Inline <a href="javascript:alert(PWN)" onclick="alert(PWN)">html</a> and <span style="position:fixed">PWN</span> and <img src="data:image/svg+xml,PWN">.

| a | b |
|---|---|
| <a href="javascript:alert(PWN)">t</a> | <img src=x onerror=alert(PWN)> |
| <a href=&#x6A;avascript:alert(PWN)>u</a> | `<svg/onload=alert(PWN)>` |

- [ ] task <b onmouseover=alert(PWN)>x</b>
- [x] done

> <details open ontoggle=alert(PWN)>

```html
<script>alert(PWN)</script>
```

```"><script>alert(PWN)</script>
x
```

`<img src=x onerror=alert(PWN)>`

A footnote[^n].

[^n]: <script>alert(PWN)</script>

<!-- <script>alert(PWN)</script> -->
<?php alert(PWN) ?>
<![CDATA[<script>alert(PWN)</script>]]>
"##;

/// Headings of level 2 that are not questions: only where H2 does not start a question.
const INERT_H2: &str = "\n## Second {onclick=alert(PWN) style=PWN #second .wide}\n\nText.\n";

/// A handbook with the inert corpus in every kind of Markdown file.
fn inert_handbook() -> tempfile::TempDir {
    let chapter = format!("---\ntitle: Hostile\n---\n{INERT_PAYLOADS}{INERT_H2}");
    let bank = format!(
        "---\ntitle: Hostile\norder: 2\nasks: Safe?\n---\n{INERT_PAYLOADS}\n## Is it safe? {{#hostile-safe}}\n{INERT_PAYLOADS}"
    );
    let postmortem = format!(
        "---\nid: pm-hostile\ntitle: Hostile\ndate: 2026-03-15\nservices: [checkout]\n---\n{INERT_PAYLOADS}"
    );
    let concept = format!("---\ntitle: Hostile\ngroup: Capacity\n---\n{INERT_PAYLOADS}{INERT_H2}");
    let prose = format!("{INERT_PAYLOADS}{INERT_H2}");
    case(&[
        ("handbook/hostile.md", &chapter),
        ("questions/hostile.md", &bank),
        ("postmortems/hostile.md", &postmortem),
        ("concepts/hostile.md", &concept),
        ("services/checkout.md", &prose),
    ])
}

/// Elements content must never be able to create.
const FORBIDDEN_ELEMENTS: &[&str] = &[
    "script", "iframe", "object", "embed", "form", "style", "base", "textarea", "button", "select",
    "frame", "frameset", "applet", "template", "noscript", "math", "portal",
];

const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "xlink:href",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
];

/// Whether `el` is part of orr's own page chrome rather than content: the
/// search form in the page header (and its input), or a script of orr's
/// assets loaded from `<head>`. Content cannot make either: it creates no
/// `<form>`, `<input>` or `<script>` at all, which the rest of this check proves.
fn orr_chrome(el: ElementRef, in_head: bool) -> bool {
    let e = el.value();
    let search_form = |f: ElementRef| {
        f.value().name() == "form"
            && f.value()
                .has_class("site-search", CaseSensitivity::CaseSensitive)
            && f.parent().and_then(ElementRef::wrap).is_some_and(|p| {
                p.value().name() == "header"
                    && p.value().has_class("top", CaseSensitivity::CaseSensitive)
            })
    };
    match e.name() {
        "form" => search_form(el),
        "input" => {
            e.attr("id") == Some("site-search-q")
                && el.ancestors().filter_map(ElementRef::wrap).any(search_form)
        }
        "script" => {
            in_head
                && el.text().next().is_none()
                && e.attr("src")
                    .is_some_and(|src| src.starts_with("/assets/") && src.ends_with(".js"))
        }
        _ => false,
    }
}

/// Every problem with one element of a built page.
fn element_problems(el: ElementRef) -> Vec<String> {
    let name = el.value().name().to_ascii_lowercase();
    let mut problems = Vec::new();
    let in_head = el
        .ancestors()
        .any(|a| a.value().as_element().is_some_and(|e| e.name() == "head"));
    let chrome = orr_chrome(el, in_head);
    if !chrome && FORBIDDEN_ELEMENTS.contains(&name.as_str())
        || (matches!(name.as_str(), "meta" | "link") && !in_head)
    {
        problems.push(format!("element <{name}>"));
    }
    // pulldown-cmark's task list boxes are the one input orr writes.
    if name == "input" && !chrome {
        let attrs: Vec<(&str, &str)> = el.value().attrs().collect();
        let checkbox = attrs.iter().all(|(k, v)| {
            matches!(
                (*k, *v),
                ("type", "checkbox") | ("disabled", _) | ("checked", _)
            )
        });
        if !checkbox {
            problems.push(format!("input {attrs:?}"));
        }
    }
    for (key, value) in el.value().attrs() {
        let key = key.to_ascii_lowercase();
        if key.starts_with("on") {
            problems.push(format!("<{name} {key}={value:?}>"));
        }
        // orr's own figures size their root `<svg>`; nothing else has a style attribute.
        if key == "style" && name != "svg" {
            problems.push(format!("<{name} style={value:?}>"));
        }
        if URL_ATTRIBUTES.contains(&key.as_str()) && is_script_url(value) {
            problems.push(format!("<{name} {key}={value:?}>"));
        }
        if value.to_ascii_lowercase().contains("pwn") || key.contains("pwn") {
            problems.push(format!("<{name} {key}={value:?}> carries a payload"));
        }
    }
    problems
}

/// Whether a browser would run or load `url` as script or inline data: it
/// drops leading C0 controls and spaces, and tabs and newlines anywhere.
fn is_script_url(url: &str) -> bool {
    let cleaned: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "data:", "vbscript:"]
        .iter()
        .any(|s| cleaned.starts_with(s))
}

fn html_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            html_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "html") {
            out.push(path);
        }
    }
}

/// Every problem in every HTML page of `site`, as `page: problem`.
fn site_problems(site: &Path) -> Vec<String> {
    let mut pages = Vec::new();
    html_files(site, &mut pages);
    assert!(!pages.is_empty());
    let mut problems = Vec::new();
    for page in pages {
        let doc = Html::parse_document(&read(&page));
        for node in doc.tree.nodes() {
            if let Some(el) = ElementRef::wrap(node) {
                for p in element_problems(el) {
                    problems.push(format!(
                        "{}: {p}",
                        page.strip_prefix(site).unwrap().display()
                    ));
                }
            }
        }
    }
    problems
}

#[test]
fn injection_payloads_reach_no_markup_in_any_kind_of_markdown_file() {
    let dir = inert_handbook();
    let site = build(dir.path(), &[]);
    let problems = site_problems(&site);
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    // The payloads are still there, as text, and the allowed parts of attribute blocks survive.
    let chapter = read(&site.join("handbook/hostile/index.html"));
    assert!(chapter.contains("&lt;script&gt;alert(PWN)&lt;/script&gt;"));
    let doc = Html::parse_document(&chapter);
    let second = doc
        .select(&scraper::Selector::parse("h2#second").unwrap())
        .next()
        .expect("the H2 keeps its plain id");
    assert_eq!(second.value().attr("class"), Some("wide"));
    for page in [
        "questions/hostile/index.html",
        "questions/hostile/hostile-safe/index.html",
        "postmortems/pm-hostile/index.html",
        "concepts/hostile/index.html",
        "services/checkout/index.html",
    ] {
        let text = read(&site.join(page));
        assert!(
            text.contains("&lt;script&gt;alert(PWN)"),
            "{page} lost the corpus"
        );
    }
}

#[test]
fn dropped_heading_attributes_are_located_warnings() {
    let dir = inert_handbook();
    let run = run("check", dir.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = &run.stderr;
    assert!(
        text.contains("warning[heading-attribute-dropped]: heading attribute `onfocus` is left out of the page: only `#id` and `.class` reach the page"),
        "{text}"
    );
    // Located at the token, in every kind of file.
    let body_line = 1 + INERT_PAYLOADS
        .lines()
        .position(|l| l.starts_with("# Welcome"))
        .unwrap();
    let chapter_line = 3 + body_line;
    assert!(
        text.contains(&format!("--> content/handbook/hostile.md:{chapter_line}:")),
        "{text}"
    );
    for file in [
        "content/questions/hostile.md",
        "content/postmortems/hostile.md",
        "content/concepts/hostile.md",
        "content/services/checkout.md",
    ] {
        assert!(text.contains(&format!("--> {file}:")), "{file}:\n{text}");
    }
    assert!(text.contains("heading attribute `#main` is left out of the page: the id `main` is used by orr's own pages"));
    assert!(text.contains("heading attribute `.badge` is left out of the page"));
    assert!(text.contains("help: a heading's `{...}` block takes `#id` and `.class` only"));
}

/// Links and images with a script or data URL, in the spellings browsers accept.
const SCRIPT_LINKS: &[&str] = &[
    "[a](javascript:alert(1))",
    "[b](JaVaScRiPt:alert(1))",
    "[c](&#106;avascript:alert(1))",
    "[d](javascript&colon;alert(1))",
    "[e](&#x6A;&#x61;vascript:alert(1))",
    "[f](<\u{1}javascript:alert(1)>)",
    "[g](< javascript:alert(1)>)",
    "[h](java&#x09;script:alert(1))",
    "[i](vbscript:msgbox(1))",
    "[j](data:text/html;base64,PHNjcmlwdD4=)",
    "![k](data:image/svg+xml;base64,PHN2Zz4=)",
    "![l](VBScript:x)",
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "[m][ref]",
    "| [n](javascript:alert(1)) | x |",
    "- [o](javascript:alert(1) \"title\")",
];

fn script_links_doc() -> (String, Vec<usize>) {
    let mut text = String::new();
    let mut lines = Vec::new();
    for (i, link) in SCRIPT_LINKS.iter().enumerate() {
        if link.starts_with('|') {
            text.push_str("| a | b |\n|---|---|\n");
        }
        lines.push(text.lines().count() + 1);
        text.push_str(link);
        text.push_str(if i % 2 == 0 { "\n\n" } else { "\n\n\n" });
    }
    text.push_str("[ref]: javascript:alert(1)\n");
    (text, lines)
}

#[test]
fn script_and_data_urls_are_errors_in_every_kind_of_markdown_file() {
    let (body, lines) = script_links_doc();
    let files = [
        ("handbook/hostile.md", "---\ntitle: Hostile\n---\n", 3),
        (
            "questions/hostile.md",
            "---\ntitle: Hostile\norder: 2\nasks: Safe?\n---\n",
            5,
        ),
        (
            "concepts/hostile.md",
            "---\ntitle: Hostile\ngroup: Capacity\n---\n",
            4,
        ),
        ("services/checkout.md", "", 0),
        (
            "postmortems/hostile.md",
            "---\nid: pm-hostile\ntitle: Hostile\ndate: 2026-03-15\nservices: [checkout]\n---\n",
            6,
        ),
    ];
    let docs: Vec<(String, String)> = files
        .iter()
        .map(|(rel, front, _)| (rel.to_string(), format!("{front}{body}")))
        .collect();
    let refs: Vec<(&str, &str)> = docs.iter().map(|(r, t)| (r.as_str(), t.as_str())).collect();
    let dir = case(&refs);
    let check = run("check", dir.path(), &[]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    for (rel, _, front_lines) in files {
        for line in &lines {
            let at = format!("--> content/{rel}:{}:", line + front_lines);
            assert!(
                check.stderr.contains(&at),
                "no error at {at}:\n{}",
                check.stderr
            );
        }
    }
    // And the guidance of a question, past its heading.
    let guidance = format!(
        "---\ntitle: Hostile\norder: 2\nasks: Safe?\n---\n## Is it safe? {{#hostile-safe}}\n\n{body}"
    );
    let dir = case(&[("questions/hostile.md", &guidance)]);
    let check = run("check", dir.path(), &[]);
    assert_eq!(check.code, 1);
    assert_eq!(
        check.stderr.matches("which is not allowed").count(),
        SCRIPT_LINKS.len(),
        "{}",
        check.stderr
    );
    let build = run("build", dir.path(), &[]);
    assert_eq!(build.code, 1);
    assert!(!dir.path().join("site").exists());
}

#[test]
fn one_line_with_hundreds_of_thousands_of_links_renders() {
    // One column lookup per link used to count characters from the line start:
    // quadratic. 200k links took 39 s in a release build; this line (200k links,
    // 7 MB, under the 8 MiB file limit) takes minutes that way, seconds now.
    let line = "some text [a](https://e.example/) ".repeat(200_000);
    let dir = case(&[(
        "handbook/long.md",
        &format!("---\ntitle: Long\n---\n{line}\n"),
    )]);
    let site = build(dir.path(), &[]);
    let page = read(&site.join("handbook/long/index.html"));
    assert_eq!(page.matches("href=\"https://e.example/\"").count(), 200_000);
}

#[test]
fn one_line_with_thousands_of_refused_links_is_reported() {
    // Each error used to copy the whole line and count its characters, twice.
    let line = "é[a](javascript:x) ".repeat(20_000);
    let dir = case(&[(
        "handbook/long.md",
        &format!("---\ntitle: Long\n---\n{line}\n"),
    )]);
    let check = run("check", dir.path(), &[]);
    assert_eq!(check.code, 1);
    // Every error is found; the first 100 of the file are printed.
    assert_eq!(check.stderr.matches("\n4 | ...").count(), 100 - 3);
    assert!(check.stderr.contains("19900 more errors in this file"));
    assert!(check.stderr.contains("20000 errors found"));
    let longest = check
        .stderr
        .lines()
        .map(|l| l.chars().count())
        .max()
        .unwrap();
    assert!(longest < 250, "a quoted line of {longest} characters");
}

#[test]
fn chapter_file_names_must_be_ids() {
    for name in ["My Page.md", "a%2fb.md", "Guides/intro.md", "x.y.md"] {
        let dir = case(&[(&format!("handbook/{name}"), "---\ntitle: Odd\n---\nText.\n")]);
        let check = run("check", dir.path(), &[]);
        assert_eq!(check.code, 1, "{name}: {}", check.stderr);
        assert!(
            check
                .stderr
                .contains(&format!("--> content/handbook/{name}\n")),
            "{name}: {}",
            check.stderr
        );
        assert!(check
            .stderr
            .contains("is not a valid id, so its page would have no reachable URL"));
        assert!(check
            .stderr
            .contains("help: chapter names (and their folders) use lowercase letters"));
    }
    let dir = case(&[(
        "handbook/guides/run-books.md",
        "---\ntitle: Ok\n---\nText.\n",
    )]);
    assert_eq!(run("check", dir.path(), &[]).code, 0);
}

#[test]
fn control_characters_from_content_are_escaped_in_diagnostics() {
    let chapter = "---\ntitle: T\n---\nSee [x](nope.md) \u{1b}[31m \u{1b}]0;PWNED\u{7} \u{1b}[2J \u{202e}x\r\n";
    let service = "title: Checkout\nowner: payments\ntier: 1\n\"\\e[2Jbad\\rkey\": 1\n";
    // Separate handbooks: a service file that does not load stops the run before links are checked.
    for (file, text, shown) in [
        ("handbook/ctl.md", chapter, "\\u{1b}]0;PWNED\\u{7}"),
        (
            "services/ctl.yaml",
            service,
            "unknown key `\\u{1b}[2Jbad\\rkey`",
        ),
    ] {
        let dir = case(&[(file, text)]);
        let check = run("check", dir.path(), &[]);
        assert_eq!(check.code, 1, "{}", check.stderr);
        let raw: Vec<char> = check
            .stderr
            .chars()
            .filter(|&c| (c.is_control() && c != '\n') || c == '\u{202e}')
            .collect();
        assert!(raw.is_empty(), "raw {raw:?} in:\n{}", check.stderr);
        assert!(check.stderr.contains(shown), "{}", check.stderr);
    }
}

/// The `minimal` fixture's `orr.yaml`.
const MINIMAL_CONFIG: &str =
    "title: Minimal\npolicy:\n  waiver_max_days: 90\ntags:\n  stateful: Owns durable data\n";

/// The text of the site footer's first paragraph on the home page.
fn footer(site: &Path) -> String {
    let doc = Html::parse_document(&read(&site.join("index.html")));
    let p = doc
        .select(&scraper::Selector::parse("footer p").unwrap())
        .next()
        .unwrap();
    p.text().collect()
}

#[test]
fn bank_version_is_shown_as_the_string_yaml_reads() {
    let cases = [
        ("bank_version: 2026.10\n", "Checklist 2026.10 ·"),
        (
            "bank_version: \"2026.11\" # November\n",
            "Checklist 2026.11 ·",
        ),
        ("bank_version: \"v1 #2\"\n", "Checklist v1 #2 ·"),
        ("bank_version: 'it''s 2026'\n", "Checklist it's 2026 ·"),
        (
            "bank_version: >-\n  2026.11\n  rc1\n",
            "Checklist 2026.11 rc1 ·",
        ),
        ("bank_version: \"2026\\u002E12\"\n", "Checklist 2026.12 ·"),
    ];
    for (yaml, shown) in cases {
        let config = format!("{MINIMAL_CONFIG}{yaml}");
        let dir = case(&[("orr.yaml", &config)]);
        let site = build(dir.path(), &[]);
        let text = footer(&site);
        assert!(text.starts_with(shown), "{yaml:?} shown as {text:?}");
    }
}

#[test]
fn base_urls_that_leave_the_site_are_refused() {
    for url in [
        "/\\\\evil.example/",
        "\\\\\\\\evil.example/",
        "//evil.example/",
        "\"/\\t/evil.example/\"",
        "\"/a\\nb/\"",
        "https:evil.example",
        "https:/\\\\evil.example",
        "javascript:alert(1)//",
        "data:text/html,x",
    ] {
        let config = format!("title: Minimal\nbase_url: {url}\n{}", &MINIMAL_CONFIG[15..]);
        let dir = case(&[("orr.yaml", &config)]);
        let check = run("check", dir.path(), &[]);
        assert_eq!(check.code, 1, "{url} accepted:\n{}", check.stderr);
        assert!(
            check.stderr.contains("--> content/orr.yaml:2:"),
            "{}",
            check.stderr
        );
    }
    let dir = case(&[]);
    for flag in ["/\\evil.example/", "//evil.example/", "/\t/evil.example/"] {
        let built = run("build", dir.path(), &["--base-url", flag]);
        assert_eq!(built.code, 2, "{flag:?} accepted");
    }
}
