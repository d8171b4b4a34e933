//! Which page goes where (SPEC section 8), and the data each one gets.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use tera::Context;

use super::figures;
use super::fragments::Fragments;
use super::question_page::question_page;
use super::service_page::service_page;
use super::views::{
    pct, question_row, question_url, risk_matrix, risk_row, service_row, service_url,
};
use super::Page;
use crate::analyze::{Assessment, ServiceAssessment, WaiverRow, WaiverState};
use crate::model::{Handbook, Risk, Service};
use crate::urls;

fn page(path: impl Into<String>, template: &'static str, data: Value) -> Page {
    let mut context = Context::new();
    if let Value::Object(map) = data {
        for (k, v) in map {
            context.insert(k, &v);
        }
    }
    Page {
        path: path.into(),
        template,
        context,
    }
}

/// A page to render: most are small and built at once; the ones there is one
/// of per service or per question are built by the thread that renders them,
/// so a large organisation's contexts are neither built in sequence nor all
/// held in memory together.
#[derive(Clone)]
pub(crate) enum PageJob {
    Ready(Page),
    /// The page of `handbook.services[i]`.
    Service(usize),
    /// The page of `handbook.questions[i]`.
    Question(usize),
}

impl PageJob {
    /// Where the page goes, known without building its data.
    pub(crate) fn path(&self, h: &Handbook) -> String {
        match self {
            PageJob::Ready(page) => page.path.clone(),
            PageJob::Service(i) => urls::file_of(&urls::service(&h.services[*i].name)),
            PageJob::Question(i) => {
                let q = &h.questions[*i];
                urls::file_of(&urls::question(&q.category, &q.id))
            }
        }
    }

    pub(crate) fn build(
        self,
        h: &Handbook,
        a: &Assessment,
        fragments: &Fragments,
    ) -> Result<Page, (&'static str, tera::Error)> {
        match self {
            PageJob::Ready(page) => Ok(page),
            PageJob::Service(i) => typed(
                urls::file_of(&urls::service(&h.services[i].name)),
                "service.html",
                &service_page(h, a, fragments, i),
            ),
            PageJob::Question(i) => {
                let q = &h.questions[i];
                typed(
                    urls::file_of(&urls::question(&q.category, &q.id)),
                    "question.html",
                    &question_page(h, fragments, i),
                )
            }
        }
    }
}

/// A page from typed data, handed to Tera as it is.
fn typed(
    path: String,
    template: &'static str,
    data: &impl serde::Serialize,
) -> Result<Page, (&'static str, tera::Error)> {
    let context = Context::from_serialize(data).map_err(|e| (template, e))?;
    Ok(Page {
        path,
        template,
        context,
    })
}

/// Every HTML page of the site.
pub(crate) fn all(h: &Handbook, a: &Assessment) -> Vec<PageJob> {
    let pairs: Vec<(&Service, &ServiceAssessment)> = h.services.iter().zip(&a.services).collect();
    let mut pages = vec![
        dashboard(h, a, &pairs),
        page("404.html", "404.html", json!({"title": "Page not found"})),
    ];
    pages.push(page("handbook/index.html", "handbook.html", json!({
        "title": "Handbook",
        "chapters": h.chapters.iter().map(|c| json!({"title": c.title, "url": h.url(&format!("handbook/{}/", c.slug))})).collect::<Vec<_>>(),
    })));
    for (i, c) in h.chapters.iter().enumerate() {
        let link = |j: Option<usize>| {
            j.and_then(|j| h.chapters.get(j))
                .map(|c| json!({"title": c.title, "url": h.url(&format!("handbook/{}/", c.slug))}))
        };
        pages.push(page(
            format!("handbook/{}/index.html", c.slug),
            "chapter.html",
            json!({
                "title": c.title, "html": c.html, "source": c.source,
                "previous": link(i.checked_sub(1)), "next": link(Some(i + 1)),
            }),
        ));
    }
    pages.extend(checklist(h));
    pages.push(page(
        "services/index.html",
        "services.html",
        json!({
            "title": "Services",
            "services": pairs.iter().map(|(s, sa)| json!(service_row(h, s, sa))).collect::<Vec<_>>(),
        }),
    ));
    pages.push(waivers(h, a));
    pages.push(risks(h, a, &pairs));
    pages.push(dependencies(h, a, &pairs));
    pages.extend(concepts(h));
    pages.extend(postmortems(h));
    pages.push(changelog(h));
    let mut jobs: Vec<PageJob> = pages.into_iter().map(PageJob::Ready).collect();
    jobs.extend((0..h.questions.len()).map(PageJob::Question));
    jobs.extend((0..h.services.len()).map(PageJob::Service));
    jobs
}

pub(crate) fn waiver_row(h: &Handbook, w: &WaiverRow) -> Value {
    let question = h.question(&w.question);
    json!({
        "service": w.service,
        "service_url": service_url(h, &w.service),
        "question": w.question,
        "question_title": question.map(|q| q.title.clone()).unwrap_or_default(),
        "question_url": question.map(|q| question_url(h, q)),
        "state": w.state.as_str(),
        "reason": w.reason,
        "approver": w.approver,
        "granted": w.granted.to_string(),
        "expires": w.expires.to_string(),
        "days_left": w.days_left,
        "ticket": w.ticket,
        "history": w.history,
    })
}

fn dashboard(h: &Handbook, a: &Assessment, pairs: &[(&Service, &ServiceAssessment)]) -> Page {
    let by_verdict: Vec<Value> = ["no-go", "conditional", "go"]
        .iter()
        .map(|v| {
            let rows: Vec<Value> = pairs
                .iter()
                .filter(|(_, sa)| sa.verdict.as_str() == *v)
                .map(|(s, sa)| json!(service_row(h, s, sa)))
                .collect();
            json!({"verdict": v, "services": rows})
        })
        .collect();
    let grid: Vec<Value> = pairs
        .iter()
        .map(|(s, sa)| {
            let cells: Vec<Value> = sa.categories.iter().map(|c| json!({"category": c.category, "pct": c.readiness.map(pct), "heat": c.band, "applicable": c.counts.total()})).collect();
            json!({"service": json!(service_row(h, s, sa)), "cells": cells})
        })
        .collect();
    let mut newest: Vec<&crate::model::Question> = h
        .questions
        .iter()
        .filter(|q| q.since.is_some() && q.retired.is_none())
        .collect();
    newest.sort_by(|x, y| y.since.cmp(&x.since).then_with(|| x.id.cmp(&y.id)));
    page(
        "index.html",
        "index.html",
        json!({
            "title": "Dashboard",
            "by_verdict": by_verdict,
            "categories": h.categories.iter().map(|c| json!({"id": c.id, "title": c.title, "url": h.url(&format!("questions/{}/", c.id))})).collect::<Vec<_>>(),
            "grid": grid,
            "heatmap_svg": figures::readiness_heatmap(h, a),
            "expiring": a.waivers.iter().filter(|w| matches!(w.state, WaiverState::Expiring | WaiverState::Expired) && h.service(&w.service).is_some()).map(|w| waiver_row(h, w)).collect::<Vec<_>>(),
            "newest": newest.iter().take(10).map(|q| json!(question_row(h, q))).collect::<Vec<_>>(),
            "totals": {
                "go": pairs.iter().filter(|(_, sa)| sa.verdict.as_str() == "go").count(),
                "conditional": pairs.iter().filter(|(_, sa)| sa.verdict.as_str() == "conditional").count(),
                "no_go": pairs.iter().filter(|(_, sa)| sa.verdict.as_str() == "no-go").count(),
                "active_waivers": a.waivers.iter().filter(|w| matches!(w.state, WaiverState::Active | WaiverState::Expiring)).count(),
            },
        }),
    )
}

fn checklist(h: &Handbook) -> Vec<Page> {
    let mut pages = Vec::new();
    let categories: Vec<Value> = h
        .categories
        .iter()
        .map(|c| {
            let qs: Vec<&crate::model::Question> = h.questions.iter().filter(|q| q.category == c.id).collect();
            json!({
                "id": c.id, "title": c.title, "asks": c.asks, "url": h.url(&format!("questions/{}/", c.id)),
                "total": qs.len(),
                "required": qs.iter().filter(|q| q.level == crate::model::Level::Required && q.retired.is_none()).count(),
                "retired": qs.iter().filter(|q| q.retired.is_some()).count(),
            })
        })
        .collect();
    pages.push(page(
        "questions/index.html",
        "questions.html",
        json!({"title": "The checklist", "categories": categories, "tags": h.config.tags}),
    ));
    for c in &h.categories {
        let questions: Vec<Value> = h
            .questions
            .iter()
            .filter(|q| q.category == c.id)
            .map(|q| {
                let mut row = json!(question_row(h, q));
                row["guidance_html"] = json!(q.guidance_html);
                row
            })
            .collect();
        pages.push(page(format!("questions/{}/index.html", c.id), "category.html", json!({
            "title": c.title, "category": {"id": c.id, "title": c.title, "asks": c.asks, "intro_html": c.intro_html, "source": c.source}, "questions": questions,
        })));
    }
    pages
}

fn waivers(h: &Handbook, a: &Assessment) -> Page {
    let groups: Vec<Value> = [WaiverState::Expired, WaiverState::Expiring, WaiverState::Active, WaiverState::Revoked, WaiverState::Closed]
        .iter()
        .map(|state| json!({"state": state.as_str(), "rows": a.waivers.iter().filter(|w| w.state == *state).map(|w| waiver_row(h, w)).collect::<Vec<_>>()}))
        .collect();
    page(
        "waivers/index.html",
        "waivers.html",
        json!({
            "title": "Waiver register", "groups": groups, "total": a.waivers.len(),
            "csv_url": h.url("waivers.csv"), "json_url": h.url("waivers.json"),
        }),
    )
}

fn risks(h: &Handbook, a: &Assessment, pairs: &[(&Service, &ServiceAssessment)]) -> Page {
    let mut all: Vec<(&Service, &Risk)> = pairs
        .iter()
        .flat_map(|(s, _)| s.risks.iter().map(move |r| (*s, r)))
        .collect();
    all.sort_by(|(sa, ra), (sb, rb)| {
        rb.score()
            .cmp(&ra.score())
            .then_with(|| sa.name.cmp(&sb.name))
            .then_with(|| ra.id.cmp(&rb.id))
    });
    // One list per occupied cell, the highest scores first (the order a reviewer reads in).
    let mut by_cell: BTreeMap<(std::cmp::Reverse<u32>, std::cmp::Reverse<u8>, u8), Vec<Value>> =
        BTreeMap::new();
    for (s, r) in &all {
        let key = (
            std::cmp::Reverse(r.score()),
            std::cmp::Reverse(r.severity),
            r.likelihood,
        );
        by_cell.entry(key).or_default().push(risk_row(h, a, s, r));
    }
    let cells: Vec<Value> = by_cell
        .into_iter()
        .map(|((_, std::cmp::Reverse(severity), likelihood), rows)| {
            json!({"anchor": format!("s{severity}-l{likelihood}"), "severity": severity, "likelihood": likelihood, "score": u32::from(severity) * u32::from(likelihood), "rows": rows})
        })
        .collect();
    page(
        "risks/index.html",
        "risks.html",
        json!({
            "title": "Risks", "risks": all.iter().map(|(s, r)| risk_row(h, a, s, r)).collect::<Vec<_>>(),
            "matrix": risk_matrix(a, &all, ""), "cells": cells,
            "matrix_svg": figures::risk_matrix(h, a, "Risk matrix of every service", &all, ""),
        }),
    )
}

fn dependencies(h: &Handbook, a: &Assessment, pairs: &[(&Service, &ServiceAssessment)]) -> Page {
    let rows: Vec<Value> = pairs
        .iter()
        .map(|(s, sa)| {
            let deps: Vec<Value> = sa.dependencies.iter().map(|d| {
                let mut v = json!(d);
                v["url"] = json!(d.internal.then(|| service_url(h, &d.name)));
                v
            }).collect();
            let dependants = a.dependants.get(&s.name).cloned().unwrap_or_default();
            json!({
                "service": json!(service_row(h, s, sa)), "dependencies": deps,
                "dependants": dependants.iter().map(|n| json!({"name": n, "url": service_url(h, n)})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut externals: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (s, sa) in pairs {
        for d in sa.dependencies.iter().filter(|d| !d.internal) {
            externals
                .entry(d.name.clone())
                .or_default()
                .push(s.name.clone());
        }
    }
    let findings: Vec<Value> = a
        .findings
        .iter()
        .map(|f| json!({"message": f.message, "location": f.location()}))
        .collect();
    page(
        "dependencies/index.html",
        "dependencies.html",
        json!({"title": "Dependencies", "graph_svg": figures::organisation_graph(h, a), "rows": rows, "externals": externals, "findings": findings}),
    )
}

fn concepts(h: &Handbook) -> Vec<Page> {
    let naming = |id: &str| -> Vec<Value> {
        h.questions
            .iter()
            .filter(|q| q.concepts.iter().any(|c| c == id))
            .map(|q| json!(question_row(h, q)))
            .collect()
    };
    let mut groups: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for c in &h.concepts {
        groups.entry(&c.group).or_default().push(json!({
            "id": c.id, "title": c.title, "url": h.url(&format!("concepts/{}/", c.id)), "questions": naming(&c.id).len(),
            "links": c.links.iter().map(|l| json!({"to": l.to, "label": l.label, "url": h.url(&format!("concepts/{}/", l.to)), "title": h.concepts.iter().find(|k| k.id == l.to).map(|k| k.title.clone())})).collect::<Vec<_>>(),
        }));
    }
    let mut pages = vec![page(
        "concepts/index.html",
        "concepts.html",
        json!({
            "title": "Concept map", "map_svg": figures::concept_map(h), "groups": groups.iter().map(|(g, cs)| json!({"group": g, "concepts": cs})).collect::<Vec<_>>(),
        }),
    )];
    for c in &h.concepts {
        let inbound: Vec<Value> = h.concepts.iter().flat_map(|k| k.links.iter().filter(|l| l.to == c.id).map(move |l| json!({"title": k.title, "label": l.label, "url": h.url(&format!("concepts/{}/", k.id))}))).collect();
        let outbound: Vec<Value> = c.links.iter().map(|l| json!({"label": l.label, "url": h.url(&format!("concepts/{}/", l.to)), "title": h.concepts.iter().find(|k| k.id == l.to).map(|k| k.title.clone())})).collect();
        pages.push(page(format!("concepts/{}/index.html", c.id), "concept.html", json!({
            "title": c.title, "concept": {"id": c.id, "title": c.title, "group": c.group, "html": c.html}, "outbound": outbound, "inbound": inbound, "questions": naming(&c.id),
        })));
    }
    pages
}

fn postmortems(h: &Handbook) -> Vec<Page> {
    let row = |p: &crate::model::Postmortem| {
        json!({
            "id": p.id, "title": p.title, "date": p.date.to_string(), "severity": p.severity, "url": h.url(&format!("postmortems/{}/", p.id)),
            "services": p.services.iter().map(|n| json!({"name": n, "url": service_url(h, n)})).collect::<Vec<_>>(),
            "questions": p.questions.iter().filter_map(|id| h.question(id)).map(|q| json!(question_row(h, q))).collect::<Vec<_>>(),
        })
    };
    let mut pages = vec![page(
        "postmortems/index.html",
        "postmortems.html",
        json!({"title": "Postmortems", "postmortems": h.postmortems.iter().map(row).collect::<Vec<_>>()}),
    )];
    for p in &h.postmortems {
        let questions: Vec<Value> = p
            .questions
            .iter()
            .filter_map(|id| h.question(id))
            .map(|q| {
                let mut r = json!(question_row(h, q));
                r["guidance_html"] = json!(q.guidance_html);
                r
            })
            .collect();
        let mut data = row(p);
        data["html"] = json!(p.html);
        data["questions"] = json!(questions);
        pages.push(page(
            format!("postmortems/{}/index.html", p.id),
            "postmortem.html",
            json!({"title": p.title, "postmortem": data}),
        ));
    }
    pages
}

fn changelog(h: &Handbook) -> Page {
    let mut by_date: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for q in &h.questions {
        let key = q.since.map(|d| d.to_string()).unwrap_or_default();
        let mut r = json!(question_row(h, q));
        r["change"] = json!("added");
        by_date.entry(key).or_default().push(r);
        if let Some(retired) = q.retired {
            let mut r = json!(question_row(h, q));
            r["change"] = json!("retired");
            by_date.entry(retired.to_string()).or_default().push(r);
        }
    }
    let original = by_date.remove("").unwrap_or_default();
    let entries: Vec<Value> = by_date
        .into_iter()
        .rev()
        .map(|(date, qs)| json!({"date": date, "questions": qs}))
        .collect();
    page(
        "changelog/index.html",
        "changelog.html",
        json!({"title": "Changelog", "entries": entries, "original": original}),
    )
}
