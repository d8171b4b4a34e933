//! The postmortems: the index of every postmortem with the services it hit
//! and the questions it added, and each postmortem's page with its prose
//! and those questions' guidance.

use jiff::civil::Date;
use serde::Serialize;

use crate::model::{Handbook, Postmortem};
use crate::render::fragments::Fragments;
use crate::render::views::{service_url, GuidedQuestion, NameLink};
use crate::urls;

#[derive(Serialize)]
pub(super) struct PostmortemsIndex<'a> {
    title: &'static str,
    postmortems: Vec<PostmortemLine<'a, &'a tera::Value>>,
}

/// A postmortem, with the questions it added as rows `Q`; `html` (the
/// prose) only on its own page.
#[derive(Serialize)]
struct PostmortemLine<'a, Q> {
    id: &'a str,
    title: &'a str,
    date: Date,
    severity: &'a str,
    url: String,
    services: Vec<NameLink<'a>>,
    questions: Vec<Q>,
    #[serde(skip_serializing_if = "Option::is_none")]
    html: Option<&'a str>,
}

#[derive(Serialize)]
pub(super) struct PostmortemPage<'a> {
    title: &'a str,
    postmortem: PostmortemLine<'a, GuidedQuestion<'a>>,
}

fn line<'a, Q>(h: &Handbook, p: &'a Postmortem, questions: Vec<Q>) -> PostmortemLine<'a, Q> {
    PostmortemLine {
        id: &p.id,
        title: &p.title,
        date: p.date,
        severity: &p.severity,
        url: h.url(&urls::postmortem(&p.id)),
        services: p
            .services
            .iter()
            .map(|n| NameLink {
                name: n,
                url: service_url(h, n),
            })
            .collect(),
        questions,
        html: None,
    }
}

/// The indexes of the questions `p` added that exist.
fn added<'p>(h: &'p Handbook, p: &'p Postmortem) -> impl Iterator<Item = usize> + 'p {
    p.questions
        .iter()
        .filter_map(|id| h.question_index.get(id.as_str()).copied())
}

pub(super) fn index<'a>(h: &'a Handbook, f: &'a Fragments<'_>) -> PostmortemsIndex<'a> {
    PostmortemsIndex {
        title: "Postmortems",
        postmortems: h
            .postmortems
            .iter()
            .map(|p| line(h, p, added(h, p).map(|i| &f.questions[i]).collect()))
            .collect(),
    }
}

/// The page of `h.postmortems[i]`.
pub(super) fn postmortem<'a>(
    h: &'a Handbook,
    f: &'a Fragments<'_>,
    i: usize,
) -> PostmortemPage<'a> {
    let p = &h.postmortems[i];
    let questions = added(h, p)
        .map(|qi| GuidedQuestion {
            row: &f.questions[qi],
            guidance_html: &h.questions[qi].guidance_html,
        })
        .collect();
    PostmortemPage {
        title: &p.title,
        postmortem: PostmortemLine {
            html: Some(&p.html),
            ..line(h, p, questions)
        },
    }
}
