//! The machine-readable site (SPEC section 10): JSON for scripts and
//! dashboards, CSV for auditors. Field names are stable.

use serde_json::{json, Value};

use crate::analyze::{round, Assessment, ServiceAssessment, WaiverRow};
use crate::model::{Handbook, Service};

/// `(path, bytes)` for every data file.
pub fn files(h: &Handbook, a: &Assessment) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let summaries: Vec<Value> = h
        .services
        .iter()
        .zip(&a.services)
        .map(|(s, sa)| summary(s, sa))
        .collect();
    out.push((
        "api/services.json".to_string(),
        to_bytes(&Value::Array(summaries)),
    ));
    for (s, sa) in h.services.iter().zip(&a.services) {
        out.push((
            format!("api/services/{}.json", s.name),
            to_bytes(&detail(a, s, sa)),
        ));
    }
    out.push(("api/questions.json".to_string(), to_bytes(&questions(h))));
    out.push((
        "waivers.json".to_string(),
        to_bytes(&json!(a.waivers.iter().map(waiver).collect::<Vec<_>>())),
    ));
    out.push(("waivers.csv".to_string(), waivers_csv(&a.waivers)));
    out
}

fn to_bytes(value: &Value) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// One entry of `api/services.json`.
pub fn summary(s: &Service, sa: &ServiceAssessment) -> Value {
    json!({
        "name": s.name,
        "title": s.title,
        "owner": s.owner,
        "tier": s.tier,
        "tags": s.tags,
        "verdict": sa.verdict.as_str(),
        "readiness": round(sa.readiness, 4),
        "slo_availability": s.slo.availability,
        "availability_ceiling": sa.ceiling.map(|c| round(c, 4)),
        "counts": sa.counts,
        "blockers": sa.blockers,
        "last_review": sa.last_review.map(|d| d.to_string()),
        "last_decision": sa.last_decision,
        "stale": sa.stale,
    })
}

fn detail(a: &Assessment, s: &Service, sa: &ServiceAssessment) -> Value {
    let mut v = summary(s, sa);
    let answers: Vec<Value> = sa
        .answers
        .iter()
        .map(|view| {
            let mut row = json!({"question": view.question, "category": view.category, "level": view.level, "state": view.state, "new": view.new});
            if let (Some(answer), Value::Object(map)) = (s.answers.get(&view.question), &mut row) {
                if let Value::Object(fields) = json!(answer) {
                    for (k, f) in fields {
                        if k != "question" && k != "place" && !f.is_null() {
                            map.insert(k, f);
                        }
                    }
                }
            }
            row
        })
        .collect();
    v["answers"] = json!(answers);
    v["history_answers"] = json!(sa.history_answers.iter().filter_map(|id| s.answers.get(id)).map(|a| json!({"question": a.question, "status": a.status, "evidence": a.evidence, "note": a.note})).collect::<Vec<_>>());
    v["readiness_by_category"] = json!(sa.categories.iter().filter(|c| c.counts.total() > 0).map(|c| json!({"category": c.category, "readiness": c.readiness.map(|r| round(r, 4)), "counts": c.counts})).collect::<Vec<_>>());
    v["risks"] = json!(s.risks.iter().map(|r| json!({"id": r.id, "title": r.title, "impact": r.impact, "severity": r.severity, "likelihood": r.likelihood, "score": r.score(), "status": r.status, "mitigations": r.mitigations})).collect::<Vec<_>>());
    v["dependencies"] = json!(sa.dependencies);
    v["dependants"] = json!(a.dependants.get(&s.name).cloned().unwrap_or_default());
    v["reviews"] = json!(s.reviews);
    v["new_questions"] = json!(sa.new_questions);
    v["postmortems"] = json!(sa.postmortems);
    v
}

fn questions(h: &Handbook) -> Value {
    json!(h
        .questions
        .iter()
        .map(|q| json!({
            "id": q.id, "category": q.category, "title": q.title, "level": q.level, "applies": q.applies,
            "concepts": q.concepts, "since": q.since.map(|d| d.to_string()), "retired": q.retired.map(|d| d.to_string()), "origin": q.origin,
        }))
        .collect::<Vec<_>>())
}

fn waiver(w: &WaiverRow) -> Value {
    json!({
        "service": w.service, "question": w.question, "state": w.state.as_str(), "reason": w.reason, "approver": w.approver,
        "granted": w.granted.to_string(), "expires": w.expires.to_string(), "days_left": w.days_left, "ticket": w.ticket, "history": w.history,
    })
}

/// The register as CSV; `history` is one cell: `date event by (note)` joined by `; `.
fn waivers_csv(rows: &[WaiverRow]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record([
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
    ]);
    for w in rows {
        let history = w
            .history
            .iter()
            .map(|e| {
                let mut s = format!("{} {}", e.date, json!(e.event).as_str().unwrap_or(""));
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
        let _ = writer.write_record([
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
        ]);
    }
    writer.into_inner().unwrap_or_default()
}

/// Auditors open this in a spreadsheet: a cell starting with `=`, `+`, `-` or `@` would run as a formula.
fn csv_safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}
