//! The data each template sees: model and assessment flattened into JSON
//! values with URLs and display figures worked out, so templates stay simple.

use serde::Serialize;
use serde_json::{json, Value};

use crate::urls;

use crate::analyze::{round, AnswerState, Assessment, Counts, ServiceAssessment};
use crate::model::{Handbook, Question, Risk, RiskStatus, Service};

/// What every page sees as `site`.
pub fn site(h: &Handbook, a: &Assessment) -> Value {
    let nav = [
        ("Dashboard", ""),
        ("Handbook", "handbook/"),
        ("Checklist", "questions/"),
        ("Services", "services/"),
        ("Waivers", "waivers/"),
        ("Risks", "risks/"),
        ("Dependencies", "dependencies/"),
        ("Concepts", "concepts/"),
        ("Postmortems", "postmortems/"),
        ("Changelog", "changelog/"),
    ];
    json!({
        "title": h.config.title,
        "base_url": h.base_url,
        "bank_version": h.config.bank_version,
        "today": a.today.to_string(),
        "nav": nav.iter().map(|(label, path)| json!({"label": label, "url": h.url(path), "path": path})).collect::<Vec<_>>(),
        "service_count": h.services.len(),
        "question_count": h.questions.len(),
        "policy": h.config.policy,
    })
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
    }
}

/// A service in lists and tables.
#[derive(Serialize)]
pub struct ServiceRow<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub owner: &'a str,
    pub tier: u8,
    pub summary: &'a str,
    pub url: String,
    pub verdict: &'static str,
    pub readiness_pct: i64,
    pub counts: Counts,
    pub applicable: usize,
    pub blockers: usize,
    pub stale: bool,
    pub last_review: Option<jiff::civil::Date>,
    pub last_decision: Option<crate::model::Decision>,
    pub disagrees: bool,
    pub slo: Option<f64>,
    pub ceiling: Option<String>,
    pub ceiling_below_slo: bool,
}

pub fn service_row<'a>(h: &Handbook, s: &'a Service, sa: &ServiceAssessment) -> ServiceRow<'a> {
    ServiceRow {
        name: &s.name,
        title: &s.title,
        owner: &s.owner,
        tier: s.tier,
        summary: &s.summary,
        url: service_url(h, &s.name),
        verdict: sa.verdict.as_str(),
        readiness_pct: pct(sa.readiness),
        counts: sa.counts,
        applicable: sa.counts.total(),
        blockers: sa.blockers.len(),
        stale: sa.stale,
        last_review: sa.last_review,
        last_decision: sa.last_decision,
        disagrees: sa.disagrees,
        slo: s.slo.availability,
        ceiling: sa.ceiling.map(|c| format!("{:.4}", round(c, 4))),
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
    pub concepts: Vec<ConceptLink<'a>>,
    pub since: Option<jiff::civil::Date>,
    pub retired: Option<jiff::civil::Date>,
    pub origin: Option<OriginLink<'a>>,
}

pub fn question_row<'a>(h: &'a Handbook, q: &'a Question) -> QuestionRow<'a> {
    let origin = q
        .origin
        .as_ref()
        .and_then(|id| h.postmortems.iter().find(|p| &p.id == id));
    QuestionRow {
        id: &q.id,
        title: &q.title,
        url: question_url(h, q),
        level: q.level,
        category: &q.category,
        category_title: h.category(&q.category).map_or("", |c| c.title.as_str()),
        category_url: h.url(&urls::category(&q.category)),
        applies: &q.applies,
        concepts: q
            .concepts
            .iter()
            .map(|c| ConceptLink {
                id: c,
                title: h
                    .concepts
                    .iter()
                    .find(|k| &k.id == c)
                    .map_or("", |k| k.title.as_str()),
                url: h.url(&urls::concept(c)),
            })
            .collect(),
        since: q.since,
        retired: q.retired,
        origin: origin.map(|p| OriginLink {
            id: &p.id,
            title: &p.title,
            url: h.url(&urls::postmortem(&p.id)),
            date: p.date,
        }),
    }
}

/// A risk with its score and whether it blocks.
pub fn risk_row(h: &Handbook, a: &Assessment, service: &Service, r: &Risk) -> Value {
    let blocking = a.risk_zone.judge(r).blocks;
    json!({
        "id": r.id,
        "anchor": format!("risk-{}-{}", service.name, r.id),
        "title": r.title,
        "impact": r.impact,
        "severity": r.severity,
        "likelihood": r.likelihood,
        "score": r.score(),
        "status": r.status,
        "mitigations": r.mitigations,
        "blocking": blocking,
        "service": service.name,
        "service_title": service.title,
        "service_url": service_url(h, &service.name),
    })
}

/// The 5 x 5 matrix as rows (severity 5 down to 1) of cells (likelihood 1 to 5).
pub fn risk_matrix(a: &Assessment, risks: &[(&Service, &Risk)], anchor_prefix: &str) -> Value {
    let threshold = a.risk_zone.blocker_score;
    let rows: Vec<Value> = (1..=5u8)
        .rev()
        .map(|severity| {
            let cells: Vec<Value> = (1..=5u8)
                .map(|likelihood| {
                    let here: Vec<&(&Service, &Risk)> = risks
                        .iter()
                        .filter(|(_, r)| r.severity == severity && r.likelihood == likelihood)
                        .collect();
                    let open = here
                        .iter()
                        .filter(|(_, r)| r.status == RiskStatus::Open)
                        .count();
                    let score = u32::from(severity) * u32::from(likelihood);
                    json!({
                        "likelihood": likelihood,
                        "score": score,
                        "count": here.len(),
                        "open": open,
                        "blocking_zone": a.risk_zone.cell_blocks(severity, likelihood),
                        "anchor": format!("{anchor_prefix}s{severity}-l{likelihood}"),
                    })
                })
                .collect();
            json!({"severity": severity, "cells": cells})
        })
        .collect();
    json!({"rows": rows, "threshold": threshold})
}
