//! Stage 2, resolve: loaded sources into a typed [`Handbook`], with every id
//! checked and cross-linked and every Markdown body rendered (once) with its
//! links rewritten to site URLs.

pub mod ids;
mod questions;
pub(crate) mod services;

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use rayon::prelude::*;

use crate::config::normalize_base_url;
use crate::date::parse_date;
use crate::diagnostics::{did_you_mean, Diagnostic, Diagnostics};
use crate::links::LinkTargets;
use crate::load::markdown::Section;
use crate::load::yaml_locate::{locate, Seg};
use crate::load::{MarkdownDoc, Sources};
use crate::markdown::{Highlighter, Renderer};
use crate::model::{Category, Chapter, Concept, ConceptLink, Handbook, Postmortem};
use crate::source::SourceFile;
use crate::urls;
use ids::{bad_id, column_of, is_valid_id};

/// Builds the handbook from `sources`; `base_url` overrides the one of `orr.yaml`.
///
/// The service files are taken out of `sources` and each is dropped as soon as
/// it is checked: they are most of a large handbook, and holding them beside
/// the services built from them would double the peak memory.
pub fn resolve(
    sources: &mut Sources,
    base_url: Option<&str>,
    highlighter: &Highlighter,
    diags: &mut Diagnostics,
) -> Handbook {
    resolve_with(
        sources,
        base_url,
        highlighter,
        diags,
        &services::check_fresh,
    )
}

/// [`resolve`], each service file checked through `check` (a memo in `orr serve`).
pub(crate) fn resolve_with(
    sources: &mut Sources,
    base_url: Option<&str>,
    highlighter: &Highlighter,
    diags: &mut Diagnostics,
    check: &services::CheckFn,
) -> Handbook {
    let service_docs = std::mem::take(&mut sources.services);
    let sources = &*sources;
    let config = sources.config.clone();
    let base_url = normalize_base_url(base_url.unwrap_or(&config.base_url));
    check_config(sources, diags);

    let targets = link_targets(sources);
    let renderer = Renderer {
        links: &targets,
        base_url: &base_url,
        highlighter,
    };

    let chapters = chapters(sources, &renderer, diags);
    let concepts = concepts(sources, &renderer, diags);
    let concept_ids: BTreeSet<&str> = concepts.iter().map(|c| c.id.as_str()).collect();
    let service_names: BTreeSet<String> = sources.service_names.iter().cloned().collect();

    let categories = categories(sources, &renderer, diags);
    let (postmortems, postmortem_questions) =
        postmortems(sources, &renderer, &service_names, diags);
    let questions = questions::collect(
        sources,
        &categories,
        &postmortem_questions,
        &config,
        &concept_ids,
        &renderer,
        diags,
    );
    let malformed_question_ids = questions::malformed_ids(sources);
    let question_index = Handbook::index_questions(&questions);

    let mut handbook = Handbook {
        config,
        base_url: base_url.clone(),
        chapters,
        categories,
        questions,
        postmortems,
        services: Vec::new(),
        concepts,
        question_index,
        malformed_question_ids,
    };
    handbook.services =
        services::resolve_services(sources, service_docs, check, &handbook, &renderer, diags);
    handbook
}

fn check_config(sources: &Sources, diags: &mut Diagnostics) {
    let Some(source) = &sources.config_source else {
        return;
    };
    let policy = &sources.config.policy;
    for (key, value) in [
        ("waiver_max_days", policy.waiver_max_days),
        ("expiring_soon_days", policy.expiring_soon_days),
        ("review_max_age_days", policy.review_max_age_days),
        ("history_backdate_days", policy.history_backdate_days),
    ] {
        if value < 0 {
            let (line, column) = locate(&source.text, &[Seg::Key("policy"), Seg::Key(key)]);
            diags.push(
                Diagnostic::error(
                    source,
                    line,
                    column,
                    format!("`{key}` must not be negative"),
                )
                .code(crate::diagnostics::Code::InvalidConfig),
            );
        }
    }
    if let Err(message) = crate::config::check_base_url(&sources.config.base_url) {
        let (line, column) = locate(&source.text, &[Seg::Key("base_url")]);
        let value_column = column + "base_url:".len() + 1;
        diags.push(
            Diagnostic::error(source, line, value_column, message)
                .code(crate::diagnostics::Code::InvalidConfig)
                .help("e.g. `base_url: /` or `base_url: https://orr.example.internal/`"),
        );
    }
    for tag in sources.config.tags.keys() {
        if !is_valid_id(tag) {
            let (line, column) = locate(&source.text, &[Seg::Key("tags"), Seg::Key(tag)]);
            diags.push(bad_id(source, line, column, "tag", tag));
        }
    }
}

/// Every source file that can be linked to, and the page it becomes (its
/// site path, as [`urls`] spells it).
fn link_targets(sources: &Sources) -> LinkTargets {
    let mut t = LinkTargets::default();
    for d in &sources.chapters {
        t.insert(format!("handbook/{}.md", d.stem), urls::chapter(&d.stem));
    }
    for d in &sources.banks {
        t.insert(format!("questions/{}.md", d.stem), urls::category(&d.stem));
    }
    for d in &sources.postmortems {
        t.insert(
            format!("postmortems/{}.md", d.stem),
            urls::postmortem(&d.front.id),
        );
    }
    for d in &sources.concepts {
        t.insert(format!("concepts/{}.md", d.stem), urls::concept(&d.stem));
    }
    // Every service file, parsed or not: one with a syntax error is still a
    // known link target, so its mistake is not repeated at every link to it.
    for name in &sources.service_names {
        t.insert(format!("services/{name}.yaml"), urls::service(name));
    }
    for d in &sources.service_prose {
        t.insert(format!("services/{}.md", d.stem), urls::service(&d.stem));
    }
    t
}

/// Renders every section's events of a document as one HTML string.
fn render_sections<'a>(
    renderer: &Renderer,
    source: &SourceFile,
    sections: impl IntoIterator<Item = &'a Section>,
    diags: &mut Vec<Diagnostic>,
) -> String {
    let mut html = String::new();
    for section in sections {
        html.push_str(&renderer.render(source, &section.events, diags));
    }
    html
}

/// Runs `f` on every document in parallel and gathers results and diagnostics in order.
fn par_docs<D: Sync, T: Send>(
    docs: &[D],
    diags: &mut Diagnostics,
    f: impl Fn(&D, &mut Vec<Diagnostic>) -> Option<T> + Sync,
) -> Vec<T> {
    let results: Vec<(Option<T>, Vec<Diagnostic>)> = docs
        .par_iter()
        .map(|d| {
            let mut local = Vec::new();
            let out = f(d, &mut local);
            (out, local)
        })
        .collect();
    let mut out = Vec::with_capacity(results.len());
    for (item, local) in results {
        diags.extend(local);
        out.extend(item);
    }
    out
}

fn chapters(sources: &Sources, renderer: &Renderer, diags: &mut Diagnostics) -> Vec<Chapter> {
    let mut chapters = par_docs(&sources.chapters, diags, |d, local| {
        if let Some(problem) = ids::bad_chapter_name(&d.source, &d.stem) {
            local.push(problem);
            return None;
        }
        Some(Chapter {
            slug: d.stem.clone(),
            title: d.front.title.clone(),
            weight: d.front.weight,
            html: render_sections(renderer, &d.source, &d.sections, local),
            source: d.source.path.clone(),
        })
    });
    chapters.sort_by(|a, b| (a.weight, &a.slug).cmp(&(b.weight, &b.slug)));
    chapters
}

fn concepts(sources: &Sources, renderer: &Renderer, diags: &mut Diagnostics) -> Vec<Concept> {
    let known: BTreeSet<&str> = sources.concepts.iter().map(|c| c.stem.as_str()).collect();
    let mut concepts = par_docs(&sources.concepts, diags, |d, local| {
        if !is_valid_id(&d.stem) {
            local.push(bad_id(&d.source, 0, 0, "concept file name", &d.stem));
        }
        let mut links = Vec::new();
        for (i, link) in d.front.links.iter().enumerate() {
            if link.to == d.stem {
                let (line, column) = locate(
                    &d.source.text,
                    &[Seg::Key("links"), Seg::Item(i), Seg::Key("to")],
                );
                local.push(
                    Diagnostic::warning(
                        &d.source,
                        line,
                        column,
                        format!("concept `{}` links to itself; the link is left out", d.stem),
                    )
                    .code(crate::diagnostics::Code::ConceptSelfLink)
                    .help("link it to another concept, or remove the link"),
                );
            } else if known.contains(link.to.as_str()) {
                links.push(ConceptLink {
                    to: link.to.clone(),
                    label: link.label.clone(),
                });
            } else {
                let (line, column) = locate(
                    &d.source.text,
                    &[Seg::Key("links"), Seg::Item(i), Seg::Key("to")],
                );
                let mut e = Diagnostic::error(
                    &d.source,
                    line,
                    column,
                    format!("unknown concept `{}` in `links`", link.to),
                )
                .code(crate::diagnostics::Code::UnknownConcept);
                if let Some(mean) = did_you_mean(&link.to, known.iter().copied()) {
                    e = e.help(mean);
                }
                local.push(e);
            }
        }
        Some(Concept {
            id: d.stem.clone(),
            title: d.front.title.clone(),
            group: d.front.group.clone(),
            links,
            html: render_sections(renderer, &d.source, &d.sections, local),
            source: d.source.path.clone(),
        })
    });
    concepts.sort_by(|a, b| (&a.group, &a.id).cmp(&(&b.group, &b.id)));
    concepts
}

fn categories(sources: &Sources, renderer: &Renderer, diags: &mut Diagnostics) -> Vec<Category> {
    let mut categories = par_docs(&sources.banks, diags, |d, local| {
        if !is_valid_id(&d.stem) {
            local.push(bad_id(&d.source, 0, 0, "question bank file name", &d.stem));
        }
        Some(Category {
            id: d.stem.clone(),
            title: d.front.title.clone(),
            order: d.front.order,
            asks: d.front.asks.clone(),
            intro_html: render_sections(renderer, &d.source, d.sections.first(), local),
            source: d.source.path.clone(),
        })
    });
    categories.sort_by(|a, b| (a.order, &a.id).cmp(&(b.order, &b.id)));
    categories
}

/// A question section of a postmortem, waiting for the bank check in `questions`.
pub(crate) struct PostmortemQuestion<'a> {
    pub doc: &'a MarkdownDoc<crate::load::raw::PostmortemFront>,
    pub section: &'a Section,
    pub postmortem: String,
    pub date: Option<Date>,
}

fn postmortems<'a>(
    sources: &'a Sources,
    renderer: &Renderer,
    services: &BTreeSet<String>,
    diags: &mut Diagnostics,
) -> (Vec<Postmortem>, Vec<PostmortemQuestion<'a>>) {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    let mut questions = Vec::new();
    let mut list = Vec::new();
    for d in &sources.postmortems {
        let mut local = Vec::new();
        let front = &d.front;
        let id_line = locate(&d.source.text, &[Seg::Key("id")]);
        if !is_valid_id(&front.id) {
            local.push(bad_id(
                &d.source,
                id_line.0,
                id_line.1 + 4,
                "postmortem id",
                &front.id,
            ));
        }
        if let Some(first) = seen.insert(&front.id, &d.source.path) {
            local.push(
                Diagnostic::error(
                    &d.source,
                    id_line.0,
                    id_line.1 + 4,
                    format!("postmortem id `{}` is already used by {first}", front.id),
                )
                .code(crate::diagnostics::Code::DuplicatePostmortemId)
                .help("postmortem ids are unique: they are the postmortem's URL"),
            );
        }
        let date_line = locate(&d.source.text, &[Seg::Key("date")]);
        let date = match parse_date(&front.date) {
            Ok(date) => Some(date),
            Err(e) => {
                local.push(
                    Diagnostic::error(
                        &d.source,
                        date_line.0,
                        date_line.1 + 6,
                        format!("postmortem `date`: {e}"),
                    )
                    .code(crate::diagnostics::Code::InvalidDate),
                );
                None
            }
        };
        let services_line = locate(&d.source.text, &[Seg::Key("services")]).0;
        for (i, name) in front.services.iter().enumerate() {
            if !services.contains(name) {
                let item = locate(&d.source.text, &[Seg::Key("services"), Seg::Item(i)]);
                let (line, column) = if item.0 > services_line {
                    item
                } else {
                    (services_line, column_of(&d.source, services_line, name, 1))
                };
                let mut e = Diagnostic::error(
                    &d.source,
                    line,
                    column,
                    format!("unknown service `{name}` in `services`"),
                )
                .code(crate::diagnostics::Code::UnknownService);
                e = match did_you_mean(name, services.iter().map(String::as_str)) {
                    Some(mean) => e.help(mean),
                    None => e.help("services are the file names of content/services/*.yaml"),
                };
                local.push(e);
            }
        }
        let mut prose = Vec::new();
        let mut added = Vec::new();
        for section in &d.sections {
            match section.heading.as_ref().and_then(|h| h.id.as_ref()) {
                Some(id) => {
                    added.push(id.clone());
                    questions.push(PostmortemQuestion {
                        doc: d,
                        section,
                        postmortem: front.id.clone(),
                        date,
                    });
                }
                None => {
                    if let Some(heading) = &section.heading {
                        if questions::malformed_block_id(&heading.text).is_some() {
                            let (line, _) = d.source.line_col(heading.offset);
                            local.push(questions::malformed_block(&d.source, line));
                        }
                    }
                    prose.push(section)
                }
            }
        }
        let html = render_sections(renderer, &d.source, prose, &mut local);
        diags.extend(local);
        if let Some(date) = date {
            list.push(Postmortem {
                id: front.id.clone(),
                title: front.title.clone(),
                date,
                severity: front.severity.clone(),
                services: front
                    .services
                    .iter()
                    .filter(|s| services.contains(*s))
                    .cloned()
                    .collect(),
                html,
                questions: added,
                source: d.source.path.clone(),
            });
        }
    }
    list.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id)));
    (list, questions)
}
