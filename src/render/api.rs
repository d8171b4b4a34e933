//! The machine-readable site (docs/format.md section 10): JSON for scripts and
//! dashboards, CSV for auditors. Field names are stable.

use std::io::{self, BufWriter, Write};

use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;

use crate::analyze::trail::{AnswerChange, AnswerStep, FirstVersion, TrailStep};
use crate::analyze::{
    round, AnswerState, Assessment, Blocker, ContractFinding, Counts, DependencyView,
    ServiceAssessment, Verdict, WaiverRow, WaiverState,
};
use crate::model::{
    Decision, Handbook, Level, NotApplicable, Review, Risk, RiskStatus, Service, Status, Waiver,
    WaiverEvent, WaiverEventKind,
};
use crate::urls;

use super::sink::Sink;

/// Every data file into `sink`, the site-wide ones beside the per-service
/// ones, all in parallel; the site-wide ones are streamed into their files
/// as they are made (`waivers.json` alone is 40 MB at 5,000 services).
pub fn write_into(h: &Handbook, a: &Assessment, sink: &dyn Sink) -> io::Result<()> {
    let (shared, services) = rayon::join(
        || {
            SHARED_FILES.par_iter().try_for_each(|path| {
                sink.stream(path.to_string(), &mut |out| {
                    write_shared(h, a, path, out).unwrap_or(Ok(()))
                })
            })
        },
        || {
            (0..h.services.len()).into_par_iter().try_for_each(|i| {
                let (path, bytes) = service_file(h, a, i);
                sink.put(path, bytes)
            })
        },
    );
    shared.and(services)
}

/// The site-wide data file at `path`, made alone (for `orr serve`, which
/// makes each file when it is asked for); `None` when `path` is not one.
pub fn shared_file(h: &Handbook, a: &Assessment, path: &str) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    match write_shared(h, a, path, &mut bytes)? {
        Ok(()) => Some(bytes),
        // Writing into memory fails only if serializing does, which these types never do.
        Err(_) => Some(Vec::new()),
    }
}

/// Writes the site-wide data file at `path` into `out`; `None` when `path` is not one.
fn write_shared(
    h: &Handbook,
    a: &Assessment,
    path: &str,
    out: &mut dyn Write,
) -> Option<io::Result<()>> {
    let written = match path {
        urls::API_SERVICES => {
            let summaries: Vec<ServiceSummary> = h
                .services
                .iter()
                .zip(&a.services)
                .map(|(s, sa)| summary(s, sa))
                .collect();
            write_json(buffered(out), &summaries)
        }
        urls::API_QUESTIONS => write_json(buffered(out), &questions(h)),
        urls::WAIVERS_JSON => {
            let waivers: Vec<DatedWaiver> = a
                .waivers
                .iter()
                .map(|w| DatedWaiver {
                    waiver: waiver(w),
                    as_of: a.today,
                })
                .collect();
            write_json(buffered(out), &waivers)
        }
        urls::WAIVERS_CSV => waivers_csv(&a.waivers, a.today, out),
        urls::API_INDEX => write_json(buffered(out), &SiteIndex::new(h, a)),
        urls::SEARCH_INDEX => out.write_all(&super::search::index_js(h, a)),
        urls::CHANGELOG_FEED => out.write_all(&super::feeds::changelog(h, a)),
        urls::WAIVERS_FEED => out.write_all(&super::feeds::waivers(h, a)),
        _ => return None,
    };
    Some(written)
}

/// The data file of `handbook.services[i]`: its path and bytes.
pub fn service_file(h: &Handbook, a: &Assessment, i: usize) -> (String, Vec<u8>) {
    let s = &h.services[i];
    (
        urls::service_json(&s.name),
        to_bytes(&detail(h, a, s, &a.services[i])),
    )
}

/// The paths of the site-wide data files.
pub const SHARED_FILES: [&str; 8] = [
    urls::API_INDEX,
    urls::API_SERVICES,
    urls::API_QUESTIONS,
    urls::WAIVERS_JSON,
    urls::WAIVERS_CSV,
    urls::SEARCH_INDEX,
    urls::CHANGELOG_FEED,
    urls::WAIVERS_FEED,
];

/// `api/index.json`: what the data describe and on which day they were
/// judged, with the headline counts. New fields go at the end.
#[derive(Serialize)]
pub struct SiteIndex<'a> {
    title: &'a str,
    bank_version: Option<&'a str>,
    /// The judgement day: `days_left`, waiver states and verdicts depend on it.
    as_of: Date,
    services: usize,
    questions: usize,
    verdicts: VerdictCounts,
    waivers: WaiverCounts,
    /// The commit built from, and whether the work tree differed from it.
    #[serde(flatten)]
    provenance: ProvenanceOut<'a>,
}

/// How many services have each verdict.
#[derive(Serialize, Default)]
pub struct VerdictCounts {
    go: usize,
    conditional: usize,
    #[serde(rename = "no-go")]
    no_go: usize,
}

/// How many waivers are in each state.
#[derive(Serialize, Default)]
pub struct WaiverCounts {
    active: usize,
    expiring: usize,
    expired: usize,
    revoked: usize,
    closed: usize,
}

impl<'a> SiteIndex<'a> {
    pub fn new(h: &'a Handbook, a: &'a Assessment) -> Self {
        let mut verdicts = VerdictCounts::default();
        for sa in &a.services {
            match sa.verdict {
                Verdict::Go => verdicts.go += 1,
                Verdict::Conditional => verdicts.conditional += 1,
                Verdict::NoGo => verdicts.no_go += 1,
            }
        }
        let mut waivers = WaiverCounts::default();
        for w in &a.waivers {
            match w.state {
                WaiverState::Active => waivers.active += 1,
                WaiverState::Expiring => waivers.expiring += 1,
                WaiverState::Expired => waivers.expired += 1,
                WaiverState::Revoked => waivers.revoked += 1,
                WaiverState::Closed => waivers.closed += 1,
            }
        }
        SiteIndex {
            title: &h.config.title,
            bank_version: h.config.bank_version.as_deref(),
            as_of: a.today,
            services: h.services.len(),
            questions: h.questions.len(),
            verdicts,
            waivers,
            provenance: provenance(a),
        }
    }
}

/// A row of `waivers.json`: the waiver and the day its state was judged on.
#[derive(Serialize)]
struct DatedWaiver<'a> {
    #[serde(flatten)]
    waiver: WaiverOut<'a>,
    as_of: Date,
}

/// `value` as pretty JSON and a final newline: the one shape of orr's JSON
/// files. Generic over the writer: serde_json writes a token at a time, and
/// through a `dyn Write` each token was a virtual call (the data files are a
/// tenth of a build).
fn write_json(mut out: impl Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut out, value)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// Gathers a site-wide file in `SHARED_CHUNK` pieces before handing it to
/// the sink's unbuffered `dyn Write`, for the same reason.
fn buffered(out: &mut dyn Write) -> BufWriter<&mut dyn Write> {
    BufWriter::with_capacity(SHARED_CHUNK, out)
}

const SHARED_CHUNK: usize = 128 * 1024;

fn to_bytes(value: &impl Serialize) -> Vec<u8> {
    let mut bytes = Vec::new();
    // Into memory, only serializing can fail, which these types never do.
    if write_json(&mut bytes, value).is_err() {
        bytes = b"\n".to_vec();
    }
    bytes
}

/// The commit a site is built from: `commit` (null without git) and `dirty`.
#[derive(Serialize)]
pub(crate) struct ProvenanceOut<'a> {
    commit: Option<&'a str>,
    dirty: bool,
}

pub(crate) fn provenance(a: &Assessment) -> ProvenanceOut<'_> {
    let p = a.trail.provenance.as_ref();
    ProvenanceOut {
        commit: p.map(|p| p.commit.as_str()),
        dirty: p.is_some_and(|p| p.dirty),
    }
}

/// One entry of `api/services.json`.
#[derive(Serialize)]
pub struct ServiceSummary<'a> {
    name: &'a str,
    title: &'a str,
    owner: &'a str,
    tier: u8,
    tags: &'a [String],
    verdict: &'static str,
    readiness: f64,
    slo_availability: Option<f64>,
    availability_ceiling: Option<f64>,
    counts: Counts,
    blockers: &'a [Blocker],
    last_review: Option<Date>,
    last_decision: Option<Decision>,
    stale: bool,
}

pub fn summary<'a>(s: &'a Service, sa: &'a ServiceAssessment) -> ServiceSummary<'a> {
    ServiceSummary {
        name: &s.name,
        title: &s.title,
        owner: &s.owner,
        tier: s.tier,
        tags: &s.tags,
        verdict: sa.verdict.as_str(),
        readiness: round(sa.readiness, 4),
        slo_availability: s.slo.availability,
        availability_ceiling: sa.ceiling.map(|c| round(c, 4)),
        counts: sa.counts,
        blockers: &sa.blockers,
        last_review: sa.last_review,
        last_decision: sa.last_decision,
        stale: sa.stale,
    }
}

/// `api/services/<name>.json`: the summary and everything behind it.
#[derive(Serialize)]
struct ServiceDetail<'a> {
    #[serde(flatten)]
    summary: ServiceSummary<'a>,
    answers: Vec<AnswerOut<'a>>,
    history_answers: Vec<HistoryOut<'a>>,
    readiness_by_category: Vec<CategoryOut<'a>>,
    risks: Vec<RiskOut<'a>>,
    dependencies: &'a [DependencyView],
    dependants: &'a [String],
    reviews: &'a [Review],
    new_questions: &'a [String],
    postmortems: &'a [String],
    /// Timeout and latency budgets, retry amplification, optimistic SLOs.
    dependency_findings: &'a [ContractFinding],
    /// Every service that fails when this one fails, sorted.
    blast_radius: Vec<&'a str>,
    /// The commit that brought the file's answers into git (`null` without git).
    first_version: Option<&'a FirstVersion>,
    /// Each later commit's changes to an answer, oldest first (empty without git).
    trail: &'a [AnswerStep],
    /// The answers that differ between the last review and now.
    changes_since_last_review: &'a [AnswerChange],
}

/// One applicable question with the service's answer to it, if any.
#[derive(Serialize)]
struct AnswerOut<'a> {
    question: &'a str,
    category: &'a str,
    level: Level,
    state: AnswerState,
    new: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<Status>,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    plan: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    due: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    waiver: Option<&'a Waiver>,
    /// `reason`, `approver` and `bank_version` of an `n/a` answer.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    not_applicable: Option<&'a NotApplicable>,
    /// On `n/a` answers only: whether it must be re-confirmed (it then counts as unanswered).
    #[serde(skip_serializing_if = "Option::is_none")]
    reflagged: Option<bool>,
}

#[derive(Serialize)]
struct HistoryOut<'a> {
    question: &'a str,
    status: Status,
    evidence: Option<&'a str>,
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct CategoryOut<'a> {
    category: &'a str,
    readiness: Option<f64>,
    counts: Counts,
}

/// A risk as the JSON and the pages show it.
#[derive(Serialize)]
pub(crate) struct RiskOut<'a> {
    pub id: &'a str,
    title: &'a str,
    impact: Option<&'a str>,
    pub severity: u8,
    pub likelihood: u8,
    pub score: u32,
    status: RiskStatus,
    mitigations: &'a [String],
}

pub(crate) fn risk_out(r: &Risk) -> RiskOut<'_> {
    RiskOut {
        id: &r.id,
        title: &r.title,
        impact: r.impact.as_deref(),
        severity: r.severity,
        likelihood: r.likelihood,
        score: r.score(),
        status: r.status,
        mitigations: &r.mitigations,
    }
}

fn detail<'a>(
    h: &'a Handbook,
    a: &'a Assessment,
    s: &'a Service,
    sa: &'a ServiceAssessment,
) -> ServiceDetail<'a> {
    let trail = a.trail.service(&s.name);
    ServiceDetail {
        summary: summary(s, sa),
        answers: sa
            .answers
            .iter()
            .map(|view| {
                let answer = view.answer(s);
                let question = view.question(h);
                AnswerOut {
                    question: &question.id,
                    category: &question.category,
                    level: view.level,
                    state: view.state,
                    new: view.new,
                    status: answer.map(|x| x.status),
                    evidence: answer.and_then(|x| x.evidence.as_deref()),
                    note: answer.and_then(|x| x.note.as_deref()),
                    plan: answer.and_then(|x| x.plan.as_deref()),
                    due: answer.and_then(|x| x.due),
                    waiver: answer.and_then(|x| x.waiver.as_deref()),
                    not_applicable: answer.and_then(|x| x.not_applicable.as_deref()),
                    reflagged: answer
                        .is_some_and(|x| x.status == Status::NotApplicable)
                        .then_some(view.reflagged),
                }
            })
            .collect(),
        history_answers: sa
            .history_answers
            .iter()
            .filter_map(|id| s.answers.get(id))
            .map(|x| HistoryOut {
                question: &x.question,
                status: x.status,
                evidence: x.evidence.as_deref(),
                note: x.note.as_deref(),
            })
            .collect(),
        readiness_by_category: sa
            .categories
            .iter()
            .filter(|c| c.counts.total() + c.counts.not_applicable > 0)
            .map(|c| CategoryOut {
                category: &c.category,
                readiness: c.readiness.map(|r| round(r, 4)),
                counts: c.counts,
            })
            .collect(),
        risks: s.risks.iter().map(risk_out).collect(),
        dependencies: &sa.dependencies,
        dependants: a.dependants.get(&s.name).map_or(&[], Vec::as_slice),
        reviews: &s.reviews,
        new_questions: &sa.new_questions,
        postmortems: &sa.postmortems,
        dependency_findings: &sa.dependency_findings,
        blast_radius: sa.blast_radius.names(h).collect(),
        first_version: trail.and_then(|t| t.first_version.as_ref()),
        trail: trail.map_or(&[], |t| t.trail.as_slice()),
        changes_since_last_review: trail
            .and_then(|t| t.since_last_review())
            .map_or(&[], |r| r.changes.as_slice()),
    }
}

/// One entry of `api/questions.json`.
#[derive(Serialize)]
struct QuestionOut<'a> {
    id: &'a str,
    category: &'a str,
    title: &'a str,
    level: Level,
    applies: &'a [String],
    tiers: &'a [u8],
    concepts: &'a [String],
    since: Option<Date>,
    retired: Option<Date>,
    origin: Option<&'a str>,
    /// The bank version of the question's last rewording.
    revised: Option<&'a str>,
}

fn questions(h: &Handbook) -> Vec<QuestionOut<'_>> {
    h.questions
        .iter()
        .map(|q| QuestionOut {
            id: &q.id,
            category: &q.category,
            title: &q.title,
            level: q.level,
            applies: &q.applies,
            tiers: &q.tiers,
            concepts: &q.concepts,
            since: q.since,
            retired: q.retired,
            origin: q.origin.as_deref(),
            revised: q.revised.as_deref(),
        })
        .collect()
}

/// One row of `waivers.json`, and the facts the register's tables show.
#[derive(Serialize)]
pub(crate) struct WaiverOut<'a> {
    service: &'a str,
    question: &'a str,
    state: WaiverState,
    reason: &'a str,
    approver: &'a str,
    granted: Date,
    expires: Date,
    days_left: i64,
    ticket: Option<&'a str>,
    history: &'a [WaiverEvent],
    /// The commits that changed this answer, oldest first (empty without git).
    trail: &'a [TrailStep],
    unrecorded_changes: usize,
}

impl WaiverOut<'_> {
    /// How many fields [`WaiverOut::write_fields`] writes.
    pub(crate) const FIELDS: usize = 12;

    /// Writes the fields into a struct being serialized, as
    /// `#[serde(flatten)]` would, but without making the outer struct a map
    /// (Tera allocates each key of a map; the register lists every waiver).
    pub(crate) fn write_fields<S: serde::ser::SerializeStruct>(
        &self,
        out: &mut S,
    ) -> Result<(), S::Error> {
        out.serialize_field("service", self.service)?;
        out.serialize_field("question", self.question)?;
        out.serialize_field("state", &self.state)?;
        out.serialize_field("reason", self.reason)?;
        out.serialize_field("approver", self.approver)?;
        out.serialize_field("granted", &self.granted)?;
        out.serialize_field("expires", &self.expires)?;
        out.serialize_field("days_left", &self.days_left)?;
        out.serialize_field("ticket", &self.ticket)?;
        out.serialize_field("history", self.history)?;
        out.serialize_field("trail", self.trail)?;
        out.serialize_field("unrecorded_changes", &self.unrecorded_changes)
    }
}

pub(crate) fn waiver(w: &WaiverRow) -> WaiverOut<'_> {
    WaiverOut {
        service: &w.service,
        question: &w.question,
        state: w.state,
        reason: &w.reason,
        approver: &w.approver,
        granted: w.granted,
        expires: w.expires,
        days_left: w.days_left,
        ticket: w.ticket.as_deref(),
        history: &w.history,
        trail: &w.trail,
        unrecorded_changes: w.unrecorded_changes,
    }
}

/// The register as CSV; `history` is one cell: `date event by (note)` joined by `; `.
fn waivers_csv(rows: &[WaiverRow], as_of: Date, out: &mut dyn Write) -> io::Result<()> {
    let as_of = as_of.to_string();
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record([
        "service",
        "question",
        "state",
        "reason",
        "approver",
        "granted",
        "expires",
        "days_left",
        "ticket",
        "history",
        "as_of",
    ])?;
    for w in rows {
        let history = w
            .history
            .iter()
            .map(|e| {
                let mut s = format!("{} {}", e.date, event_name(e.event));
                if let Some(by) = &e.by {
                    s.push_str(&format!(" by {by}"));
                }
                if let Some(note) = &e.note {
                    s.push_str(&format!(" ({note})"));
                }
                s
            })
            .collect::<Vec<_>>()
            .join("; ");
        writer.write_record([
            w.service.as_str(),
            w.question.as_str(),
            w.state.as_str(),
            &csv_safe(&w.reason),
            &csv_safe(&w.approver),
            &w.granted.to_string(),
            &w.expires.to_string(),
            &w.days_left.to_string(),
            &csv_safe(w.ticket.as_deref().unwrap_or("")),
            &csv_safe(&history),
            &as_of,
        ])?;
    }
    writer.flush()
}

/// A waiver event's kind as `waivers.json` spells it.
fn event_name(kind: WaiverEventKind) -> &'static str {
    match kind {
        WaiverEventKind::Granted => "granted",
        WaiverEventKind::Renewed => "renewed",
        WaiverEventKind::Amended => "amended",
        WaiverEventKind::Revoked => "revoked",
        WaiverEventKind::Expired => "expired",
    }
}

/// Auditors open this in a spreadsheet: a cell starting with `=`, `+`, `-` or `@` would run as a formula.
pub(crate) fn csv_safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_names_are_the_json_names() {
        for kind in [
            WaiverEventKind::Granted,
            WaiverEventKind::Renewed,
            WaiverEventKind::Amended,
            WaiverEventKind::Revoked,
            WaiverEventKind::Expired,
        ] {
            assert_eq!(
                serde_json::to_value(kind).ok(),
                Some(serde_json::Value::from(event_name(kind)))
            );
        }
    }
}
