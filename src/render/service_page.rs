//! The data of a service's page (`services/<name>/`), as typed structs that
//! Tera reads directly; the rows shared with other pages come from
//! [`Fragments`].

use serde::Serialize;

use crate::analyze::{
    AnswerState, Assessment, BlockerKind, CategoryReadiness, Counts, ServiceAssessment,
};
use crate::model::{Answer, Handbook, NotApplicable, Oncall, Review, Risk, Service, Slo};
use crate::urls;

use super::figures;
use super::fragments::{waivers_of, Fragments};
use super::pages::risks::{risk_matrix, risk_row, RiskLine, RiskMatrix};
use super::pages::waivers::{waiver_row, WaiverLine};
use super::views::{
    dependant_links, dependency_line, pct, question_url, service_url, state_label, DependencyLine,
    NameLink,
};

#[derive(Serialize)]
pub(crate) struct ServicePage<'a> {
    title: &'a str,
    service: ServiceHead<'a>,
    row: &'a tera::Value,
    blockers: Vec<BlockerLink>,
    partial_required: usize,
    categories: Vec<CategoryLine<'a>>,
    answers: Vec<AnswerGroup<'a>>,
    /// Applicable questions answered `n/a` (and not re-flagged), listed apart.
    not_applicable: Vec<NotApplicableRow<'a>>,
    /// Every applicable answer that is not `yes`, in checklist order: what
    /// the page shows first, before the full list.
    gaps: Vec<GapRow<'a>>,
    /// The page's table of contents.
    toc: Vec<TocEntry>,
    history: Vec<HistoryRow<'a>>,
    waivers: Vec<WaiverLine<'a>>,
    risks: Vec<RiskLine<'a>>,
    matrix: RiskMatrix,
    matrix_svg: String,
    bars_svg: String,
    dependencies_svg: String,
    dependencies: Vec<DependencyLine<'a>>,
    dependants: Vec<NameLink<'a>>,
    /// Timeout and latency budgets, retry amplification, optimistic SLOs.
    contract_findings: Vec<ContractLine<'a>>,
    /// The services that fail when this one fails, the first [`BLAST_LINKS`] linked.
    blast_radius: BlastLinks<'a>,
    ceiling: Option<String>,
    reviews: Vec<&'a Review>,
    postmortems: Vec<PostmortemLink<'a>>,
    new_questions: Vec<&'a tera::Value>,
    json_url: String,
    /// The git trail of the service's answers and what it flags.
    trail: super::trail_view::TrailSection<'a>,
}

/// A contract finding as the page shows it.
#[derive(Serialize)]
struct ContractLine<'a> {
    kind: &'static str,
    message: &'a str,
    line: usize,
}

/// How many services of a blast radius the page links by name; the rest are counted.
const BLAST_LINKS: usize = 50;

#[derive(Serialize)]
struct BlastLinks<'a> {
    count: usize,
    shown: Vec<NameLink<'a>>,
    more: usize,
}

/// Only what the page shows of the service itself.
#[derive(Serialize)]
struct ServiceHead<'a> {
    name: &'a str,
    title: &'a str,
    owner: &'a str,
    tier: u8,
    tags: &'a [String],
    summary: &'a str,
    slo: &'a Slo,
    oncall: Option<&'a Oncall>,
    prose_html: Option<&'a str>,
}

#[derive(Serialize)]
struct BlockerLink {
    kind: BlockerKind,
    message: String,
    url: String,
    question_url: Option<String>,
}

#[derive(Serialize)]
struct CategoryLine<'a> {
    id: &'a str,
    title: &'a str,
    url: String,
    pct: Option<i64>,
    counts: Counts,
    applicable: usize,
}

#[derive(Serialize)]
struct AnswerGroup<'a> {
    id: &'a str,
    title: &'a str,
    url: String,
    pct: Option<i64>,
    counts: Counts,
    rows: Vec<AnswerRow<'a>>,
}

#[derive(Serialize)]
struct AnswerRow<'a> {
    #[serde(skip)]
    id: &'a str,
    question: &'a tera::Value,
    state: &'static str,
    new: bool,
    /// An `n/a` to re-confirm: it counts as unanswered (the blocker says why).
    reflagged: bool,
    /// The answer as Tera reads it, made once: the gap list shares it.
    answer: Option<tera::Value>,
}

/// An answer that is not `yes`, linking to its row in the full list.
#[derive(Serialize)]
struct GapRow<'a> {
    question: &'a tera::Value,
    state: &'static str,
    anchor: String,
    answer: Option<tera::Value>,
}

/// One entry of the page's table of contents: an anchor on the page.
#[derive(Serialize, Debug, PartialEq, Eq)]
pub(crate) struct TocEntry {
    pub anchor: String,
    pub label: String,
    /// Sub-entries (the answer list's categories).
    pub children: Vec<TocEntry>,
}

impl TocEntry {
    fn new(anchor: &str, label: impl Into<String>) -> Self {
        TocEntry {
            anchor: anchor.to_string(),
            label: label.into(),
            children: Vec::new(),
        }
    }
}

#[derive(Serialize)]
struct NotApplicableRow<'a> {
    question: &'a tera::Value,
    #[serde(flatten)]
    not_applicable: &'a NotApplicable,
}

#[derive(Serialize)]
struct HistoryRow<'a> {
    question: &'a tera::Value,
    answer: &'a Answer,
}

#[derive(Serialize)]
struct PostmortemLink<'a> {
    title: &'a str,
    date: jiff::civil::Date,
    url: String,
    severity: &'a str,
}

pub(crate) fn service_page<'a>(
    h: &'a Handbook,
    a: &'a Assessment,
    fragments: &'a Fragments<'a>,
    index: usize,
) -> ServicePage<'a> {
    let lookup = &fragments.lookup;
    let (s, sa) = (&h.services[index], &a.services[index]);
    let risks: Vec<(&Service, &Risk)> = s.risks.iter().map(|r| (&**s, r)).collect();
    let mut reviews: Vec<&Review> = s.reviews.iter().collect();
    reviews.reverse();
    let answers = answer_groups(h, fragments, s, sa);
    let gaps = gaps(&answers);
    let postmortems: Vec<PostmortemLink<'a>> = sa
        .postmortems
        .iter()
        .filter_map(|id| lookup.postmortem(id))
        .map(|p| PostmortemLink {
            title: &p.title,
            date: p.date,
            url: h.url(&urls::postmortem(&p.id)),
            severity: &p.severity,
        })
        .collect();
    let not_applicable = not_applicable_rows(fragments, s, sa);
    let toc = contents(
        &answers,
        gaps.len(),
        not_applicable.len(),
        !postmortems.is_empty(),
    );
    ServicePage {
        trail: super::trail_view::section(h, a, &s.name),
        title: &s.title,
        service: ServiceHead {
            name: &s.name,
            title: &s.title,
            owner: &s.owner,
            tier: s.tier,
            tags: &s.tags,
            summary: &s.summary,
            slo: &s.slo,
            oncall: s.oncall.as_ref(),
            prose_html: s.prose_html.as_deref(),
        },
        row: &fragments.services[index],
        blockers: blockers(h, s, sa),
        partial_required: sa.partial_required,
        categories: sa
            .categories
            .iter()
            .filter(|c| c.counts.total() > 0)
            .map(|c| CategoryLine {
                id: &c.category,
                title: lookup.category_title(&c.category),
                url: format!("#{}", urls::category_anchor(&c.category)),
                pct: c.readiness.map(pct),
                counts: c.counts,
                applicable: c.counts.total(),
            })
            .collect(),
        not_applicable,
        answers,
        gaps,
        toc,
        history: sa
            .history_answers
            .iter()
            .filter_map(|id| {
                Some(HistoryRow {
                    question: fragments.question(h, id)?,
                    answer: s.answers.get(id)?,
                })
            })
            .collect(),
        waivers: waivers_of(&a.waivers, &s.name)
            .iter()
            .map(|w| waiver_row(h, w))
            .collect(),
        risks: s.risks.iter().map(|r| risk_row(h, a, s, r)).collect(),
        matrix: risk_matrix(a, &risks, &format!("{}-", s.name)),
        matrix_svg: figures::risk_matrix(
            h,
            a,
            &format!("Risk matrix of {}", s.title),
            &risks,
            &format!("{}-", s.name),
        ),
        bars_svg: figures::readiness_bars(lookup, s, sa),
        dependencies_svg: figures::service_dependencies(h, a, s, sa),
        dependencies: sa
            .dependencies
            .iter()
            .map(|d| dependency_line(h, d))
            .collect(),
        dependants: dependant_links(h, a, &s.name),
        contract_findings: sa
            .dependency_findings
            .iter()
            .map(|f| ContractLine {
                kind: f.kind.as_str(),
                message: &f.message,
                line: f.line,
            })
            .collect(),
        blast_radius: blast_links(h, sa),
        ceiling: sa
            .ceiling
            .map(|c| crate::analyze::precision::ceiling(c, s.slo.availability)),
        reviews,
        postmortems,
        new_questions: sa
            .new_questions
            .iter()
            .filter_map(|id| fragments.question(h, id))
            .collect(),
        json_url: h.url(&urls::service_json(&s.name)),
    }
}

fn blockers(h: &Handbook, s: &Service, sa: &ServiceAssessment) -> Vec<BlockerLink> {
    sa.blockers
        .iter()
        .map(|b| BlockerLink {
            kind: b.kind,
            message: b.message.clone(),
            url: match (b.kind, &b.question, &b.risk) {
                (_, Some(q), _) => format!("#{}", urls::question_anchor(q)),
                (BlockerKind::Risk, _, Some(r)) => format!("#{}", urls::risk_anchor(&s.name, r)),
                _ => "#dependencies".to_string(),
            },
            question_url: b
                .question
                .as_ref()
                .and_then(|q| h.question(q))
                .map(|q| question_url(h, q)),
        })
        .collect()
}

/// The applicable answers grouped by category, in checklist order.
fn answer_groups<'a>(
    h: &'a Handbook,
    fragments: &'a Fragments<'a>,
    s: &'a Service,
    sa: &'a ServiceAssessment,
) -> Vec<AnswerGroup<'a>> {
    let mut groups: Vec<AnswerGroup<'a>> = Vec::new();
    let counted = sa
        .answers
        .iter()
        .filter(|v| v.state != AnswerState::NotApplicable);
    for view in counted {
        let q = view.question(h);
        let question = &fragments.questions[view.number as usize];
        if groups.last().is_none_or(|g| g.id != q.category) {
            let readiness: Option<&CategoryReadiness> =
                sa.categories.iter().find(|r| *r.category == q.category);
            groups.push(AnswerGroup {
                id: &q.category,
                title: fragments.lookup.category_title(&q.category),
                url: h.url(&urls::category(&q.category)),
                pct: readiness.and_then(|r| r.readiness).map(pct),
                counts: readiness.map(|r| r.counts).unwrap_or_default(),
                rows: Vec::new(),
            });
        }
        if let Some(group) = groups.last_mut() {
            group.rows.push(AnswerRow {
                id: &q.id,
                question,
                state: state_label(view.state),
                new: view.new,
                reflagged: view.reflagged,
                answer: view.answer(s).map(tera::Value::from_serializable),
            });
        }
    }
    groups
}

/// The applicable questions the service answered `n/a`, in checklist order.
fn not_applicable_rows<'a>(
    fragments: &'a Fragments<'a>,
    s: &'a Service,
    sa: &'a ServiceAssessment,
) -> Vec<NotApplicableRow<'a>> {
    sa.answers
        .iter()
        .filter(|v| v.state == AnswerState::NotApplicable)
        .filter_map(|v| {
            Some(NotApplicableRow {
                question: &fragments.questions[v.number as usize],
                not_applicable: v.answer(s)?.not_applicable.as_deref()?,
            })
        })
        .collect()
}

/// The answers that are not `yes`, in checklist order.
fn gaps<'a>(groups: &[AnswerGroup<'a>]) -> Vec<GapRow<'a>> {
    groups
        .iter()
        .flat_map(|g| &g.rows)
        .filter(|row| row.state != state_label(AnswerState::Yes))
        .map(|row| GapRow {
            question: row.question,
            state: row.state,
            anchor: urls::question_anchor(row.id),
            answer: row.answer.clone(),
        })
        .collect()
}

/// The sections of the page, in page order, with the answer list's
/// categories under it. The anchors are the ids service.html gives its
/// sections; Markdown headings cannot take them (markdown/headings.rs).
fn contents(
    groups: &[AnswerGroup<'_>],
    gaps: usize,
    not_applicable: usize,
    postmortems: bool,
) -> Vec<TocEntry> {
    let mut answers = TocEntry::new("answers", "All answers");
    answers.children = groups
        .iter()
        .map(|g| TocEntry::new(&urls::category_anchor(g.id), g.title))
        .collect();
    if not_applicable > 0 {
        let label = format!("Not applicable ({not_applicable})");
        answers
            .children
            .push(TocEntry::new("not-applicable", label));
    }
    let mut toc = vec![
        TocEntry::new("verdict", "Verdict and blockers"),
        TocEntry::new("gaps", format!("Not yet yes ({gaps})")),
        TocEntry::new("readiness", "Readiness by category"),
        answers,
        TocEntry::new("waivers", "Waivers"),
        TocEntry::new("risks", "Risks"),
        TocEntry::new("dependencies", "Dependencies"),
        TocEntry::new("reviews", "Review history"),
    ];
    if postmortems {
        toc.push(TocEntry::new("postmortems", "Postmortems"));
    }
    toc
}

fn blast_links<'a>(h: &'a Handbook, sa: &'a ServiceAssessment) -> BlastLinks<'a> {
    let count = sa.blast_radius.len();
    let shown: Vec<NameLink<'a>> = sa
        .blast_radius
        .names(h)
        .take(BLAST_LINKS)
        .map(|name| NameLink {
            name,
            url: service_url(h, name),
        })
        .collect();
    BlastLinks {
        count,
        more: count - shown.len(),
        shown,
    }
}
