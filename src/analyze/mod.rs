//! Stage 3, analyze: judging every service as of one day (docs/format.md section 7).
//!
//! Pure: the handbook and `today` in, an [`Assessment`] out. No clock, no I/O.

mod availability;
mod contracts;
mod own;
pub mod precision;
mod rulings;
#[cfg(test)]
mod tests;
pub mod trail;
mod waivers;

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::model::{Answer, Decision, Handbook, Level, Question, Service, Status};
pub use availability::DependencyView;
pub use contracts::{BlastRadius, ContractFinding, ContractKind};
pub use own::OwnRuling;
pub use rulings::{bank_version_at_least, readiness_band, CeilingStatus, RiskJudgement, RiskZone};
pub use waivers::{attention, waiver_expired, Attention, WaiverRow, WaiverState, ATTENTION_LISTED};

/// The judgement of the whole handbook on one day.
#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    pub today: Date,
    /// In the order of `Handbook::services`.
    pub services: Vec<ServiceAssessment>,
    /// Every waiver ever recorded, sorted by service and question.
    pub waivers: Vec<WaiverRow>,
    /// Warnings about dependencies: timeouts, retries, cycles, unknown availability.
    #[serde(skip)]
    pub findings: Vec<Diagnostic>,
    /// Who depends on each service (sorted names).
    pub dependants: BTreeMap<String, Vec<String>>,
    /// Which cells of the risk matrix hold blocking scores.
    pub risk_zone: RiskZone,
    /// The git trail and its rulings (empty until [`trail::attach`]).
    #[serde(skip)]
    pub trail: trail::TrailRuling,
    /// How many questions are retired as of `today` (kept as history).
    #[serde(skip)]
    pub retired_questions: usize,
}

impl Assessment {
    pub fn service(&self, name: &str) -> Option<&ServiceAssessment> {
        // Judged in the handbook's order, which is sorted by name.
        self.services
            .binary_search_by(|s| s.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.services[i])
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AnswerState {
    Yes,
    Partial,
    No,
    Waived,
    Expired,
    Unanswered,
    /// `status: n/a`, still judged against the question's current wording.
    #[serde(rename = "n/a")]
    NotApplicable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Go,
    Conditional,
    NoGo,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Go => "go",
            Verdict::Conditional => "conditional",
            Verdict::NoGo => "no-go",
        }
    }

    fn from_decision(d: Decision) -> Self {
        match d {
            Decision::Go => Verdict::Go,
            Decision::Conditional => Verdict::Conditional,
            Decision::NoGo => Verdict::NoGo,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BlockerKind {
    Question,
    WaiverExpired,
    PartialOverdue,
    Risk,
    Ceiling,
}

/// One reason a service cannot go.
#[derive(Debug, Clone, Serialize)]
pub struct Blocker {
    pub kind: BlockerKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk: Option<String>,
    pub message: String,
}

/// How many applicable questions are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub yes: usize,
    pub partial: usize,
    pub no: usize,
    pub waived: usize,
    pub expired: usize,
    pub unanswered: usize,
    /// `n/a` answers: shown, but left out of the denominator.
    pub not_applicable: usize,
}

impl Counts {
    fn add(&mut self, state: AnswerState) {
        match state {
            AnswerState::Yes => self.yes += 1,
            AnswerState::Partial => self.partial += 1,
            AnswerState::No => self.no += 1,
            AnswerState::Waived => self.waived += 1,
            AnswerState::Expired => self.expired += 1,
            AnswerState::Unanswered => self.unanswered += 1,
            AnswerState::NotApplicable => self.not_applicable += 1,
        }
    }

    /// The denominator of readiness: every applicable question but the `n/a` ones.
    pub fn total(&self) -> usize {
        self.yes + self.partial + self.no + self.waived + self.expired + self.unanswered
    }

    /// (yes + waived + partial / 2) / applicable; `None` when nothing applies.
    pub fn readiness(&self) -> Option<f64> {
        let total = self.total();
        (total > 0).then(|| {
            (self.yes as f64 + self.waived as f64 + self.partial as f64 / 2.0) / total as f64
        })
    }
}

/// One applicable question as it stands for a service: 16 bytes, as there
/// is one for each service and applicable question (1.25M at 5,000
/// services); the question's id and category are the question's
/// ([`AnswerView::question`]).
#[derive(Debug, Clone, Serialize)]
pub struct AnswerView {
    pub level: Level,
    pub state: AnswerState,
    /// Added to the bank after the service's last review.
    pub new: bool,
    /// An `n/a` answer judged against older wording than the question's
    /// `revised`: it counts as unanswered until re-confirmed.
    pub reflagged: bool,
    /// The question's place in `handbook.questions`.
    pub number: u32,
    /// Where the service's answer to the question sits in its `answers`:
    /// found once here, so pages listing 250k answers search for none.
    #[serde(skip)]
    answer: Option<u32>,
}

impl AnswerView {
    /// The question this view is of, in `handbook` (the one judged).
    pub fn question<'h>(&self, handbook: &'h Handbook) -> &'h Question {
        &handbook.questions[self.number as usize]
    }

    /// The answer `service` (the service this view is of) gave, if any.
    pub fn answer<'s>(&self, service: &'s Service) -> Option<&'s Answer> {
        self.answer.map(|i| service.answers.at(i as usize))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CategoryReadiness {
    pub category: String,
    pub counts: Counts,
    pub readiness: Option<f64>,
    /// The colour band of `readiness` (see [`readiness_band`]), the same in every table and drawing.
    pub band: Option<u8>,
}

/// Everything computed about one service.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceAssessment {
    pub name: String,
    pub verdict: Verdict,
    pub readiness: f64,
    pub counts: Counts,
    /// In category order; categories with no applicable question included (readiness `None`).
    pub categories: Vec<CategoryReadiness>,
    /// One per applicable question, in checklist order.
    pub answers: Vec<AnswerView>,
    /// Answers kept as history: retired or no longer applicable questions.
    pub history_answers: Vec<String>,
    pub blockers: Vec<Blocker>,
    /// Required answers that are partial (with a due date on or after today).
    pub partial_required: usize,
    /// Percent; `None` without a hard dependency of known availability and no fallback.
    pub ceiling: Option<f64>,
    /// How the ceiling compares with the SLO: the one ruling every page and drawing shows.
    pub ceiling_status: CeilingStatus,
    /// Each risk of the service with its score and whether it blocks, in file order.
    pub risks: Vec<RiskJudgement>,
    pub dependencies: Vec<DependencyView>,
    pub last_review: Option<Date>,
    pub last_decision: Option<Decision>,
    /// The latest review's decision differs from the computed verdict.
    pub disagrees: bool,
    pub stale: bool,
    pub new_questions: Vec<String>,
    pub postmortems: Vec<String>,
    /// Timeout budgets, retry amplification, latency budgets, optimistic SLOs.
    pub dependency_findings: Vec<ContractFinding>,
    /// Every service that fails when this one fails.
    #[serde(skip)]
    pub blast_radius: BlastRadius,
}

/// Judges every service of `handbook` as of `today`.
pub fn analyze(handbook: &Handbook, today: Date) -> Assessment {
    analyze_with(handbook, today, &|_, judge| Arc::new(judge()))
}

/// How [`analyze_with`] gets a service's own ruling: given the service and
/// the judging of it, the ruling to use. `orr serve` returns the one it kept
/// for the same service and day instead of judging again.
pub type OwnRulingFn<'a> =
    dyn Fn(&Arc<Service>, &dyn Fn() -> OwnRuling) -> Arc<OwnRuling> + Sync + 'a;

/// [`analyze`], with each service's own ruling got through `own_ruling`.
pub fn analyze_with(handbook: &Handbook, today: Date, own_ruling: &OwnRulingFn) -> Assessment {
    let graph = availability::Graph::new(handbook);
    let risk_zone = RiskZone::new(handbook.config.policy.risk_blocker_score);
    let mut findings = graph.cycle_findings();
    // The register reads the waivers as written, nothing judged: it is made
    // beside the judging (84,000 waivers at 5,000 services).
    let (judged, waivers) = rayon::join(
        || judge_services(handbook, &graph, &risk_zone, today, own_ruling),
        || waivers::register(handbook, today),
    );
    let ceilings: Vec<(Option<f64>, CeilingStatus)> = judged
        .iter()
        .map(|(s, _)| (s.ceiling, s.ceiling_status))
        .collect();
    let (contracts, dependants) = rayon::join(
        || contracts::judge(handbook, &handbook.config.policy, &ceilings),
        || graph.dependants(),
    );
    let mut services = Vec::with_capacity(judged.len());
    for ((mut assessment, mut f), judged_contracts) in judged.into_iter().zip(contracts) {
        findings.append(&mut f);
        findings.extend(
            judged_contracts
                .findings
                .iter()
                .map(ContractFinding::diagnostic),
        );
        assessment.dependency_findings = judged_contracts.findings;
        assessment.blast_radius = judged_contracts.blast_radius;
        services.push(assessment);
    }
    Assessment {
        today,
        services,
        waivers,
        findings,
        dependants,
        risk_zone,
        trail: trail::TrailRuling::default(),
        retired_questions: handbook
            .questions
            .iter()
            .filter(|q| !q.is_live(today))
            .count(),
    }
}

/// Every service's assessment and findings, in the handbook's order. Each
/// service is judged on its own, so they are judged in parallel; the
/// collected order is the handbook's, so the output stays deterministic.
fn judge_services(
    handbook: &Handbook,
    graph: &availability::Graph,
    risk_zone: &RiskZone,
    today: Date,
    own_ruling: &OwnRulingFn,
) -> Vec<(ServiceAssessment, Vec<Diagnostic>)> {
    handbook
        .services
        .par_iter()
        .map(|s| {
            let own = own_ruling(s, &|| own::judge(handbook, risk_zone, s, today));
            // Copied only when a memo holds it too.
            let own = Arc::try_unwrap(own).unwrap_or_else(|kept| (*kept).clone());
            assess_service(graph, s, own)
        })
        .collect()
}

/// The state of an answer (or of no answer) on `today`.
pub fn answer_state(answer: Option<&Answer>, today: Date) -> AnswerState {
    let Some(answer) = answer else {
        return AnswerState::Unanswered;
    };
    match answer.status {
        Status::Yes => AnswerState::Yes,
        Status::Partial => AnswerState::Partial,
        Status::No => AnswerState::No,
        Status::Waived => match &answer.waiver {
            Some(w) if w.revoked() => AnswerState::No,
            Some(w) if waiver_expired(w.expires, today) => AnswerState::Expired,
            Some(_) => AnswerState::Waived,
            None => AnswerState::No,
        },
        // Never expires: only a change of the question's wording re-flags it.
        Status::NotApplicable => AnswerState::NotApplicable,
    }
}

/// The question ids of `answers`, for asking whether an answer is among them
/// (foldhash: hundreds of lookups per service, and only membership is asked).
pub(crate) fn questions_of<'h>(
    handbook: &'h Handbook,
    answers: &[AnswerView],
) -> foldhash::HashSet<&'h str> {
    answers
        .iter()
        .map(|a| a.question(handbook).id.as_str())
        .collect()
}

/// A service's assessment: its own ruling ([`own::judge`]) and what the
/// dependency graph adds to it (the ceiling, the dependencies and their
/// blocker), which can change when another service does.
fn assess_service(
    graph: &availability::Graph,
    service: &Service,
    own: OwnRuling,
) -> (ServiceAssessment, Vec<Diagnostic>) {
    let OwnRuling {
        counts,
        categories,
        answers,
        history_answers,
        mut blockers,
        partial_required,
        risks,
        last_review,
        last_decision,
        stale,
        new_questions,
        postmortems,
        answer_findings: mut findings,
        history_findings,
    } = own;
    let (ceiling, dependencies, graph_findings) = graph.service_view(service);
    findings.extend(graph_findings);
    let ceiling_status = CeilingStatus::judge(ceiling, service.slo.availability);
    if let (CeilingStatus::Below, Some(ceiling), Some(slo)) =
        (ceiling_status, ceiling, service.slo.availability)
    {
        blockers.push(Blocker {
            kind: BlockerKind::Ceiling,
            question: None,
            risk: None,
            message: format!(
                "Dependencies cap availability at {}%, below the {}% SLO",
                precision::ceiling(ceiling, Some(slo)),
                precision::availability(slo)
            ),
        });
    }
    findings.extend(history_findings);
    let verdict = if !blockers.is_empty() {
        Verdict::NoGo
    } else if partial_required > 0 {
        Verdict::Conditional
    } else {
        Verdict::Go
    };
    let assessment = ServiceAssessment {
        name: service.name.clone(),
        verdict,
        readiness: counts.readiness().unwrap_or(1.0),
        counts,
        categories,
        answers,
        history_answers,
        blockers,
        partial_required,
        ceiling,
        ceiling_status,
        risks,
        dependencies,
        last_review,
        last_decision,
        disagrees: last_decision.is_some_and(|d| Verdict::from_decision(d) != verdict),
        stale,
        new_questions,
        postmortems,
        dependency_findings: Vec::new(),
        blast_radius: BlastRadius::default(),
    };
    (assessment, findings)
}

/// Rounds to `places` decimals, for stable comparisons and output.
pub fn round(value: f64, places: i32) -> f64 {
    let factor = 10f64.powi(places);
    (value * factor).round() / factor
}
