//! The rows many pages share (a service, a question, a link), the global
//! `site` context, and small display helpers: model and assessment turned
//! into typed data with URLs and display figures worked out, so templates
//! stay simple.

use crate::analyze::{AnswerState, Assessment, Counts, DependencyView, ServiceAssessment};
use crate::config::Policy;
use crate::model::{Handbook, Question, Service};
use crate::urls;
use serde::Serialize;

use super::lookup::Lookup;

/// What every page sees as `site`.
#[derive(Serialize)]
pub struct SiteContext<'a> {
    title: &'a str,
    base_url: &'a str,
    bank_version: Option<&'a str>,
    today: String,
    nav: Vec<NavItem>,
    service_count: usize,
    question_count: usize,
    policy: &'a Policy,
    links: SiteLinks,
    /// The commit the site is built from (page footers).
    provenance: Option<ProvenanceView>,
    /// Why the pages show no git trail, when they do not.
    trail_unavailable: Option<String>,
}

/// The commit of the footer.
#[derive(Serialize)]
struct ProvenanceView {
    commit: String,
    short: String,
    dirty: bool,
}

/// The links every template may use, from `urls`: templates name a page
/// (`site.links.waivers`) instead of spelling its path.
#[derive(Serialize)]
struct SiteLinks {
    dashboard: String,
    handbook: String,
    checklist: String,
    services: String,
    waivers: String,
    concepts: String,
    postmortems: String,
    changelog: String,
    style_css: String,
    favicon: String,
    syntax_css: String,
    diagrams_css: String,
    print_css: String,
    services_json: String,
    questions_json: String,
    waivers_json: String,
    waivers_csv: String,
    api_index: String,
    search: String,
    search_index: String,
    search_js: String,
    elasticlunr_js: String,
    services_js: String,
    changelog_feed: String,
    waivers_feed: String,
}

impl SiteLinks {
    fn new(h: &Handbook) -> Self {
        SiteLinks {
            dashboard: h.url(urls::DASHBOARD),
            handbook: h.url(urls::HANDBOOK),
            checklist: h.url(urls::CHECKLIST),
            services: h.url(urls::SERVICES),
            waivers: h.url(urls::WAIVERS),
            concepts: h.url(urls::CONCEPTS),
            postmortems: h.url(urls::POSTMORTEMS),
            changelog: h.url(urls::CHANGELOG),
            style_css: h.url(&urls::asset("style.css")),
            favicon: h.url(&urls::asset("favicon.svg")),
            syntax_css: h.url(&urls::asset("syntax.css")),
            diagrams_css: h.url(&urls::asset("diagrams.css")),
            print_css: h.url(&urls::asset("print.css")),
            services_json: h.url(urls::API_SERVICES),
            questions_json: h.url(urls::API_QUESTIONS),
            waivers_json: h.url(urls::WAIVERS_JSON),
            waivers_csv: h.url(urls::WAIVERS_CSV),
            api_index: h.url(urls::API_INDEX),
            search: h.url(urls::SEARCH),
            search_index: h.url(urls::SEARCH_INDEX),
            search_js: h.url(&urls::asset("search.js")),
            elasticlunr_js: h.url(&urls::asset("elasticlunr.min.js")),
            services_js: h.url(&urls::asset("services.js")),
            changelog_feed: h.url(urls::CHANGELOG_FEED),
            waivers_feed: h.url(urls::WAIVERS_FEED),
        }
    }
}

/// One entry of the navigation bar.
#[derive(Serialize)]
struct NavItem {
    label: &'static str,
    url: String,
    path: &'static str,
}

pub fn site<'a>(h: &'a Handbook, a: &Assessment) -> SiteContext<'a> {
    let nav = [
        ("Dashboard", urls::DASHBOARD),
        ("Handbook", urls::HANDBOOK),
        ("Checklist", urls::CHECKLIST),
        ("Services", urls::SERVICES),
        ("Waivers", urls::WAIVERS),
        ("Risks", urls::RISKS),
        ("Dependencies", urls::DEPENDENCIES),
        ("Concepts", urls::CONCEPTS),
        ("Postmortems", urls::POSTMORTEMS),
        ("Changelog", urls::CHANGELOG),
    ];
    SiteContext {
        title: &h.config.title,
        base_url: &h.base_url,
        bank_version: h.config.bank_version.as_deref(),
        today: a.today.to_string(),
        nav: nav
            .iter()
            .map(|&(label, path)| NavItem {
                label,
                url: h.url(path),
                path,
            })
            .collect(),
        service_count: h.services.len(),
        question_count: h.questions.len(),
        policy: &h.config.policy,
        links: SiteLinks::new(h),
        provenance: a.trail.provenance.as_ref().map(|p| ProvenanceView {
            commit: p.commit.clone(),
            short: p.commit.get(..12).unwrap_or(&p.commit).to_string(),
            dirty: p.dirty,
        }),
        trail_unavailable: a.trail.unavailable.clone(),
    }
}

/// `assets/print.css`: the header and page numbers of every printed page,
/// in `@page` margin boxes. Generated, because it names this handbook, its
/// bank version and its judgement day.
pub fn print_css(h: &Handbook, a: &Assessment) -> String {
    let header = print_header_css(
        &h.config.title,
        h.config.bank_version.as_deref(),
        &a.today.to_string(),
    );
    format!(
        "/* Generated by orr: the header and page numbers of printed pages. */\n@page {{\n  @top-left {{ content: {header}; font: 8pt system-ui, sans-serif; }}\n  @bottom-right {{ content: \"page \" counter(page) \" of \" counter(pages); font: 8pt system-ui, sans-serif; }}\n}}\n"
    )
}

/// The running header of a printout, as a quoted CSS string for `@page`
/// margin boxes: "Title · checklist v3 · judged as of 2026-11-24". Every
/// character but letters, digits, spaces and a few marks is written as a CSS
/// escape, so a hostile title cannot leave the string (nor the stylesheet).
pub fn print_header_css(title: &str, bank_version: Option<&str>, today: &str) -> String {
    let mut text = title.to_string();
    if let Some(version) = bank_version {
        text.push_str(&format!(" · checklist {version}"));
    }
    text.push_str(&format!(" · judged as of {today}"));
    let mut css = String::with_capacity(text.len() + 2);
    css.push('"');
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, ' ' | '.' | ',' | '-' | ':') {
            css.push(c);
        } else {
            css.push_str(&format!("\\{:x} ", u32::from(c)));
        }
    }
    css.push('"');
    css
}

pub fn pct(value: f64) -> i64 {
    (value * 100.0).round() as i64
}

pub fn service_url(h: &Handbook, name: &str) -> String {
    h.url(&urls::service(name))
}

pub fn question_url(h: &Handbook, q: &Question) -> String {
    h.url(&urls::question(&q.category, &q.id))
}

pub fn state_label(state: AnswerState) -> &'static str {
    match state {
        AnswerState::Yes => "yes",
        AnswerState::Partial => "partial",
        AnswerState::No => "no",
        AnswerState::Waived => "waived",
        AnswerState::Expired => "expired",
        AnswerState::Unanswered => "unanswered",
        AnswerState::NotApplicable => "n/a",
    }
}

/// A service in lists and tables.
#[derive(Serialize)]
pub struct ServiceRow<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub owner: &'a str,
    pub tier: u8,
    pub tags: &'a [String],
    /// The tags one a line, for the services index's `data-tags` (a tag
    /// name may hold spaces).
    pub tag_lines: String,
    pub summary: &'a str,
    pub url: String,
    pub verdict: &'static str,
    /// The verdict as a sort key: 0 go, 1 conditional, 2 no-go.
    pub verdict_rank: u8,
    pub readiness_pct: i64,
    pub counts: Counts,
    pub applicable: usize,
    pub blockers: usize,
    pub stale: bool,
    pub last_review: Option<jiff::civil::Date>,
    pub last_decision: Option<crate::model::Decision>,
    pub disagrees: bool,
    /// The SLO in the one availability format ("99.9"), without the sign.
    pub slo: Option<String>,
    pub ceiling: Option<String>,
    pub ceiling_below_slo: bool,
}

pub fn service_row<'a>(h: &Handbook, s: &'a Service, sa: &ServiceAssessment) -> ServiceRow<'a> {
    ServiceRow {
        name: &s.name,
        title: &s.title,
        owner: &s.owner,
        tier: s.tier,
        tags: &s.tags,
        tag_lines: s.tags.join("\n"),
        summary: &s.summary,
        url: service_url(h, &s.name),
        verdict: sa.verdict.as_str(),
        verdict_rank: match sa.verdict {
            crate::analyze::Verdict::Go => 0,
            crate::analyze::Verdict::Conditional => 1,
            crate::analyze::Verdict::NoGo => 2,
        },
        readiness_pct: pct(sa.readiness),
        counts: sa.counts,
        applicable: sa.counts.total(),
        blockers: sa.blockers.len(),
        stale: sa.stale,
        last_review: sa.last_review,
        last_decision: sa.last_decision,
        disagrees: sa.disagrees,
        slo: s
            .slo
            .availability
            .map(crate::analyze::precision::availability),
        ceiling: sa
            .ceiling
            .map(|c| crate::analyze::precision::ceiling(c, s.slo.availability)),
        ceiling_below_slo: sa.ceiling_status.is_below(),
    }
}

/// A concept a question draws on, as a link.
#[derive(Serialize)]
pub struct ConceptLink<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub url: String,
}

/// The postmortem a question came from, as a link.
#[derive(Serialize)]
pub struct OriginLink<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub url: String,
    pub date: jiff::civil::Date,
}

/// A question in lists, with its links.
#[derive(Serialize)]
pub struct QuestionRow<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub url: String,
    pub level: crate::model::Level,
    pub category: &'a str,
    pub category_title: &'a str,
    pub category_url: String,
    pub applies: &'a [String],
    pub tiers: &'a [u8],
    pub concepts: Vec<ConceptLink<'a>>,
    pub since: Option<jiff::civil::Date>,
    pub retired: Option<jiff::civil::Date>,
    pub origin: Option<OriginLink<'a>>,
    /// The bank version of the question's last rewording (`revised=`).
    pub revised: Option<&'a str>,
}

pub fn question_row<'a>(h: &'a Handbook, lookup: &Lookup<'a>, q: &'a Question) -> QuestionRow<'a> {
    let origin = q.origin.as_ref().and_then(|id| lookup.postmortem(id));
    QuestionRow {
        id: &q.id,
        title: &q.title,
        url: question_url(h, q),
        level: q.level,
        category: &q.category,
        category_title: lookup.category_title(&q.category),
        category_url: h.url(&urls::category(&q.category)),
        applies: &q.applies,
        tiers: &q.tiers,
        concepts: q
            .concepts
            .iter()
            .map(|c| ConceptLink {
                id: c,
                title: lookup.concept(c).map_or("", |k| k.title.as_str()),
                url: h.url(&urls::concept(c)),
            })
            .collect(),
        since: q.since,
        retired: q.retired,
        revised: q.revised.as_deref(),
        origin: origin.map(|p| OriginLink {
            id: &p.id,
            title: &p.title,
            url: h.url(&urls::postmortem(&p.id)),
            date: p.date,
        }),
    }
}

/// A name with a link: a service a page names.
#[derive(Serialize)]
pub struct NameLink<'a> {
    pub name: &'a str,
    pub url: String,
}

/// A title with a link.
#[derive(Serialize)]
pub struct TitleLink<'a> {
    pub title: &'a str,
    pub url: String,
}

/// A dependency as a service's page and the dependencies page list it: the
/// analysed view, and a link when the dependency is a service of the handbook.
#[derive(Serialize)]
pub struct DependencyLine<'a> {
    #[serde(flatten)]
    pub view: &'a DependencyView,
    pub url: Option<String>,
    /// The availability in the one availability format, without the sign.
    pub availability_text: Option<String>,
}

pub fn dependency_line<'a>(h: &Handbook, view: &'a DependencyView) -> DependencyLine<'a> {
    DependencyLine {
        view,
        url: view.internal.then(|| service_url(h, &view.name)),
        availability_text: view
            .availability
            .map(crate::analyze::precision::availability),
    }
}

/// The services that depend on `name`, as links, sorted by name.
pub fn dependant_links<'a>(h: &Handbook, a: &'a Assessment, name: &str) -> Vec<NameLink<'a>> {
    a.dependants
        .get(name)
        .into_iter()
        .flatten()
        .map(|n| NameLink {
            name: n,
            url: service_url(h, n),
        })
        .collect()
}

/// A question row with the question's guidance, for pages that show it.
#[derive(Serialize)]
pub struct GuidedQuestion<'a> {
    #[serde(flatten)]
    pub row: &'a tera::Value,
    pub guidance_html: &'a str,
}

#[cfg(test)]
mod tests {
    use super::{print_header_css, state_label};
    use crate::analyze::AnswerState;

    /// Templates write the label as a class (`state-{{ a.state }}`) with no
    /// filter, so a label must be one class name.
    #[test]
    fn every_state_label_is_one_class_name() {
        use AnswerState::*;
        for state in [Yes, Partial, No, Waived, Expired, Unanswered, NotApplicable] {
            let label = state_label(state);
            assert!(
                !label.is_empty() && !label.contains(char::is_whitespace),
                "{label:?}"
            );
        }
    }

    #[test]
    fn the_print_header_is_one_css_string_whatever_the_title() {
        let css = print_header_css("Ops \"</style><script>", Some("v3"), "2026-11-24");
        assert!(css.starts_with('"') && css.ends_with('"'), "{css}");
        let inner = &css[1..css.len() - 1];
        assert!(!inner.contains(['"', '<', '>', '\n']), "{css}");
        assert!(css.contains("checklist v3") && css.contains("judged as of 2026-11-24"));
        assert!(css.contains("\\22 ") && css.contains("\\3c "), "{css}");
    }
}
