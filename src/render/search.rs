//! The search index (`search/index.js`), built with elasticlunr-rs (the
//! index format mdBook uses) and read in the browser by the vendored
//! `assets/elasticlunr.min.js` and `assets/search.js`.
//!
//! What is indexed: every question (title; id and guidance), service (title
//! and name; owner, tags and summary, not its answers, so the index stays
//! small for a large organisation), concept, postmortem, and handbook
//! chapter, one document per chapter section whose heading has an id, so a
//! result can open that heading. The index is a script assigning
//! `window.orrSearch`, not a JSON file, so that search also works from a
//! site opened as files. Document texts are hostile content: the client
//! inserts them as text only.

use elasticlunr::{Index, IndexBuilder};
use serde::Serialize;

use crate::analyze::Assessment;
use crate::model::Handbook;
use crate::urls;

/// What the client needs besides the index: per document, what a result shows.
#[derive(Serialize)]
struct SearchData {
    /// `docs[i]` is the document with ref `i` in `index`.
    docs: Vec<SearchDoc>,
    index: Index,
}

/// A search result as shown: where it goes, its title, what it is, and a
/// line of context (a category, an owner, a date).
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct SearchDoc {
    pub url: String,
    pub title: String,
    pub kind: &'static str,
    pub context: String,
}

/// The longest text indexed per document: long guidance or chapters are
/// cut, so one huge file cannot make the index huge.
const MAX_BODY_CHARS: usize = 4_000;

/// `search/index.js`.
pub fn index_js(h: &Handbook, _a: &Assessment) -> Vec<u8> {
    let mut builder = Builder::new();
    add_questions(h, &mut builder);
    add_services(h, &mut builder);
    add_concepts(h, &mut builder);
    add_postmortems(h, &mut builder);
    add_chapters(h, &mut builder);
    let data = SearchData {
        docs: builder.docs,
        index: builder.index,
    };
    // Every map inside the index is a BTreeMap: the bytes are deterministic.
    let json = serde_json::to_string(&data).unwrap_or_else(|_| "null".to_string());
    format!("window.orrSearch = {json};\n").into_bytes()
}

/// The index and its documents, in step.
struct Builder {
    index: Index,
    docs: Vec<SearchDoc>,
}

impl Builder {
    fn new() -> Self {
        Builder {
            index: IndexBuilder::new()
                .add_fields(&["title", "body"])
                .save_docs(false)
                .build(),
            docs: Vec::new(),
        }
    }

    fn add(&mut self, doc: SearchDoc, body: &str) {
        let reference = self.docs.len().to_string();
        let body: String = body.chars().take(MAX_BODY_CHARS).collect();
        self.index.add_doc(&reference, [doc.title.as_str(), &body]);
        self.docs.push(doc);
    }
}

fn add_questions(h: &Handbook, b: &mut Builder) {
    for q in &h.questions {
        let category = h
            .category(&q.category)
            .map_or(q.category.as_str(), |c| &c.title);
        b.add(
            SearchDoc {
                url: h.url(&urls::question(&q.category, &q.id)),
                title: q.title.clone(),
                kind: "question",
                context: format!("{category} · {}", q.id),
            },
            &format!("{} {}", q.id, plain_text(&q.guidance_html)),
        );
    }
}

fn add_services(h: &Handbook, b: &mut Builder) {
    for s in &h.services {
        b.add(
            SearchDoc {
                url: h.url(&urls::service(&s.name)),
                title: s.title.clone(),
                kind: "service",
                context: format!("{} · tier {}", s.owner, s.tier),
            },
            &format!("{} {} {} {}", s.name, s.owner, s.tags.join(" "), s.summary),
        );
    }
}

fn add_concepts(h: &Handbook, b: &mut Builder) {
    for c in &h.concepts {
        b.add(
            SearchDoc {
                url: h.url(&urls::concept(&c.id)),
                title: c.title.clone(),
                kind: "concept",
                context: c.group.clone(),
            },
            &format!("{} {}", c.id, plain_text(&c.html)),
        );
    }
}

fn add_postmortems(h: &Handbook, b: &mut Builder) {
    for p in &h.postmortems {
        b.add(
            SearchDoc {
                url: h.url(&urls::postmortem(&p.id)),
                title: p.title.clone(),
                kind: "postmortem",
                context: format!("{} · {}", p.date, p.severity),
            },
            &format!("{} {}", p.id, plain_text(&p.html)),
        );
    }
}

/// A chapter's text before its first heading with an id is one document,
/// and each heading with an id starts another that links to the heading.
fn add_chapters(h: &Handbook, b: &mut Builder) {
    for c in &h.chapters {
        let page = urls::chapter(&c.slug);
        for section in sections(&c.html) {
            let (url, title) = match &section.anchor {
                Some(anchor) => (
                    h.url(&urls::with_anchor(&page, anchor)),
                    format!("{} › {}", c.title, section.heading),
                ),
                None => (h.url(&page), c.title.clone()),
            };
            b.add(
                SearchDoc {
                    url,
                    title,
                    kind: "chapter",
                    context: "Handbook".to_string(),
                },
                &section.text,
            );
        }
    }
}

/// A part of a rendered page: from a heading with an id to the next one.
#[derive(Debug, Default, PartialEq, Eq)]
struct Section {
    anchor: Option<String>,
    heading: String,
    text: String,
}

/// Splits rendered Markdown at each heading that has an id. The HTML is
/// orr's own rendering (raw HTML in content is already text), so tags are
/// well formed; anything odd only costs the index some words.
fn sections(html: &str) -> Vec<Section> {
    let mut out = vec![Section::default()];
    let mut rest = html;
    let mut in_heading = false;
    while let Some(open) = rest.find('<') {
        push_text(out.last_mut(), &rest[..open], in_heading);
        let Some(close) = rest[open..].find('>') else {
            rest = "";
            break;
        };
        let tag = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        if is_heading(tag) {
            if let Some(id) = attribute(tag, "id") {
                out.push(Section {
                    anchor: Some(id),
                    ..Section::default()
                });
                in_heading = true;
            }
        } else if tag.starts_with("/h") && is_heading(&tag[1..]) {
            in_heading = false;
        }
        if let Some(s) = out.last_mut() {
            s.text.push(' ');
        }
    }
    push_text(out.last_mut(), rest, in_heading);
    for s in &mut out {
        s.text = collapse(&s.text);
        s.heading = collapse(&s.heading);
    }
    out.retain(|s| s.anchor.is_some() || !s.text.is_empty());
    out
}

fn push_text(section: Option<&mut Section>, raw: &str, in_heading: bool) {
    if let Some(s) = section {
        let text = unescape(raw);
        if in_heading {
            s.heading.push_str(&text);
        }
        s.text.push_str(&text);
    }
}

fn is_heading(tag: &str) -> bool {
    let b = tag.as_bytes();
    b.len() >= 2
        && b[0] == b'h'
        && (b'1'..=b'6').contains(&b[1])
        && b.get(2).is_none_or(|c| *c == b' ')
}

/// The value of `name="..."` in a tag's text.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = tag[start..].find('"')?;
    Some(unescape(&tag[start..start + end]))
}

/// The text of rendered HTML, tags dropped.
pub fn plain_text(html: &str) -> String {
    sections(html)
        .into_iter()
        .map(|s| s.text)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The entities pulldown-cmark and the highlighter write.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_split_at_headings_with_ids() {
        let html = "<p>Intro &amp; more</p>\n<h2 id=\"setup\">Set <em>up</em></h2>\n<p>Do it.</p><h3>Plain</h3><p>x</p>";
        let s = sections(html);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].text, "Intro & more");
        assert_eq!(s[1].anchor.as_deref(), Some("setup"));
        assert_eq!(s[1].heading, "Set up");
        assert_eq!(s[1].text, "Set up Do it. Plain x");
    }

    #[test]
    fn text_of_hostile_markup_is_only_text() {
        assert_eq!(
            plain_text("<p>&lt;script&gt;x&lt;/script&gt;</p>"),
            "<script>x</script>"
        );
        assert_eq!(plain_text("<p>unclosed <b"), "unclosed");
    }
}
