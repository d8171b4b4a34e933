//! What a service's own file decides: its answers judged against the
//! checklist, its risks against the policy, its reviews against the day.
//! Everything of its assessment but what the dependency graph adds, so it
//! reads the handbook's questions, categories, settings and postmortems,
//! the service and `today`, and never another service. `orr serve` keeps it from one
//! rebuild to the next for every service file that did not change.

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::date::days_between;
use crate::diagnostics::Diagnostic;
use crate::model::{Answer, Decision, Handbook, Level, Question, Service, Status};

use super::rulings::{self, readiness_band, Reflag, RiskJudgement, RiskZone};
use super::{
    answer_state, questions_of, AnswerState, AnswerView, Blocker, BlockerKind, CategoryReadiness,
    Counts,
};

/// A service's own ruling; see the module documentation.
#[derive(Debug, Clone)]
pub struct OwnRuling {
    pub(super) counts: Counts,
    pub(super) categories: Vec<CategoryReadiness>,
    pub(super) answers: Vec<AnswerView>,
    pub(super) history_answers: Vec<String>,
    /// The questions' blockers, then the risks'.
    pub(super) blockers: Vec<Blocker>,
    pub(super) partial_required: usize,
    pub(super) risks: Vec<RiskJudgement>,
    pub(super) last_review: Option<Date>,
    pub(super) last_decision: Option<Decision>,
    pub(super) stale: bool,
    pub(super) new_questions: Vec<String>,
    pub(super) postmortems: Vec<String>,
    /// Re-flagged `n/a` answers; reported before the graph's findings.
    pub(super) answer_findings: Vec<Diagnostic>,
    /// Answers kept as history; reported after the graph's findings.
    pub(super) history_findings: Vec<Diagnostic>,
}

/// The answers' side of a ruling, gathered question by question.
#[derive(Default)]
struct AnswerTally<'h> {
    counts: Counts,
    per_category: BTreeMap<&'h str, Counts>,
    answers: Vec<AnswerView>,
    blockers: Vec<Blocker>,
    partial_required: usize,
    new_questions: Vec<String>,
    findings: Vec<Diagnostic>,
}

/// Judges what `service`'s own file decides as of `today`.
pub(super) fn judge(
    handbook: &Handbook,
    risk_zone: &RiskZone,
    service: &Service,
    today: Date,
) -> OwnRuling {
    let policy = &handbook.config.policy;
    let last_review = service.last_review();
    let mut tally = tally_answers(handbook, service, last_review.map(|r| r.date), today);
    // Held for the whole build: about 1.25M views at 5,000 services, where
    // doubling's slack alone was tens of MiB.
    tally.answers.shrink_to_fit();
    let risks: Vec<RiskJudgement> = service.risks.iter().map(|r| risk_zone.judge(r)).collect();
    tally
        .blockers
        .extend(risk_blockers(service, &risks, policy.risk_blocker_score));
    let history_findings =
        rulings::history_answer_warnings(handbook, service, &tally.answers, today);
    let applicable = questions_of(handbook, &tally.answers);
    let history_answers = service
        .answers
        .keys()
        .filter(|id| !applicable.contains(&***id))
        .map(|id| id.to_string())
        .collect();
    OwnRuling {
        counts: tally.counts,
        categories: categories(handbook, &tally.per_category),
        answers: tally.answers,
        history_answers,
        blockers: tally.blockers,
        partial_required: tally.partial_required,
        risks,
        last_review: last_review.map(|r| r.date),
        last_decision: last_review.map(|r| r.decision),
        stale: last_review.is_none_or(|r| days_between(r.date, today) > policy.review_max_age_days),
        new_questions: tally.new_questions,
        postmortems: handbook
            .postmortems
            .iter()
            .filter(|p| p.services.contains(&service.name))
            .map(|p| p.id.clone())
            .collect(),
        answer_findings: tally.findings,
        history_findings,
    }
}

/// Every question that applies to `service`, with its answer's state.
fn tally_answers<'h>(
    handbook: &'h Handbook,
    service: &Service,
    last_review: Option<Date>,
    today: Date,
) -> AnswerTally<'h> {
    let mut tally = AnswerTally::default();
    for (number, q) in handbook
        .questions
        .iter()
        .enumerate()
        .filter(|(_, q)| q.applies_to(&service.tags, service.tier, today))
    {
        let position = service.answers.position(&q.id);
        let answer = position.map(|i| service.answers.at(i));
        let reflag = answer.and_then(|a| rulings::reflag(q, a));
        let state = match &reflag {
            Some(_) => AnswerState::Unanswered,
            None => answer_state(answer, today),
        };
        tally.counts.add(state);
        tally
            .per_category
            .entry(&q.category)
            .or_default()
            .add(state);
        let new = matches!((q.since, last_review), (Some(since), Some(r)) if since > r);
        if new {
            tally.new_questions.push(q.id.clone());
        }
        tally.answers.push(AnswerView {
            level: q.level,
            state,
            new,
            reflagged: reflag.is_some(),
            number: number as u32,
            answer: position.map(|i| i as u32),
        });
        if let (Some(reflag), Some(answer)) = (&reflag, answer) {
            tally.findings.push(reflag.warning(answer));
        }
        if q.level != Level::Required {
            continue;
        }
        match question_blocker(q, answer, state, reflag.as_ref(), today) {
            Some(blocker) => tally.blockers.push(blocker),
            None if state == AnswerState::Partial => tally.partial_required += 1,
            None => {}
        }
    }
    tally
}

/// What a required question's state blocks, if anything: `None` also for
/// a partial answer whose plan is not yet due (it makes the verdict
/// conditional instead).
fn question_blocker(
    q: &Question,
    answer: Option<&Answer>,
    state: AnswerState,
    reflag: Option<&Reflag>,
    today: Date,
) -> Option<Blocker> {
    let blocker = |kind, message: String| Blocker {
        kind,
        question: Some(q.id.clone()),
        risk: None,
        message,
    };
    match state {
        AnswerState::Unanswered if reflag.is_some() => Some(blocker(
            BlockerKind::Question,
            format!(
                "Required question's n/a must be re-confirmed ({}): {}",
                reflag.map(|r| r.why()).unwrap_or_default(),
                q.title
            ),
        )),
        AnswerState::Unanswered => Some(blocker(
            BlockerKind::Question,
            format!("Required question unanswered: {}", q.title),
        )),
        AnswerState::No => {
            let revoked = answer
                .and_then(|a| a.waiver.as_ref())
                .is_some_and(|w| w.revoked() && answer.is_some_and(|a| a.status == Status::Waived));
            let why = if revoked {
                "its waiver was revoked"
            } else {
                "answered no"
            };
            Some(blocker(
                BlockerKind::Question,
                format!("Required question {why}: {}", q.title),
            ))
        }
        AnswerState::Expired => {
            let expires = answer
                .and_then(|a| a.waiver.as_ref())
                .map(|w| w.expires.to_string())
                .unwrap_or_default();
            Some(blocker(
                BlockerKind::WaiverExpired,
                format!("Waiver expired on {expires}: {}", q.title),
            ))
        }
        AnswerState::Partial => match answer.and_then(|a| a.due) {
            Some(due) if due >= today => None,
            Some(due) => Some(blocker(
                BlockerKind::PartialOverdue,
                format!("Plan was due {due}: {}", q.title),
            )),
            None => Some(blocker(
                BlockerKind::PartialOverdue,
                format!("Partial answer has no due date: {}", q.title),
            )),
        },
        AnswerState::Yes | AnswerState::Waived | AnswerState::NotApplicable => None,
    }
}

/// A blocker for each open risk whose score is in the blocking zone.
fn risk_blockers(service: &Service, risks: &[RiskJudgement], threshold: u32) -> Vec<Blocker> {
    service
        .risks
        .iter()
        .zip(risks)
        .filter(|(_, judged)| judged.blocks)
        .map(|(risk, judged)| Blocker {
            kind: BlockerKind::Risk,
            question: None,
            risk: Some(risk.id.clone()),
            message: format!(
                "Open risk scores {} (severity {} x likelihood {}), at or above {}: {}",
                judged.score, risk.severity, risk.likelihood, threshold, risk.title
            ),
        })
        .collect()
}

/// Readiness per category, in the handbook's category order.
fn categories(
    handbook: &Handbook,
    per_category: &BTreeMap<&str, Counts>,
) -> Vec<CategoryReadiness> {
    handbook
        .categories
        .iter()
        .map(|c| {
            let counts = per_category.get(c.id.as_str()).copied().unwrap_or_default();
            CategoryReadiness {
                category: c.id.clone(),
                counts,
                readiness: counts.readiness(),
                band: counts.readiness().map(readiness_band),
            }
        })
        .collect()
}
