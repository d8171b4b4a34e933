//! The data of a question's page (`questions/<category>/<id>/`): the
//! question with its guidance, and every service's answer to it.

use serde::Serialize;

use crate::analyze::AnswerState;
use crate::model::{Answer, Handbook};

use super::fragments::Fragments;
use super::views::state_label;
use crate::urls;

#[derive(Serialize)]
pub(crate) struct QuestionPage<'a> {
    title: &'a str,
    question: QuestionDetail<'a>,
    answers: Vec<ServiceAnswer<'a>>,
    /// Services the question applies to that answered `n/a` (not re-flagged), listed apart.
    not_applicable: Vec<ServiceAnswer<'a>>,
}

#[derive(Serialize)]
struct QuestionDetail<'a> {
    #[serde(flatten)]
    row: &'a tera::Value,
    guidance_html: &'a str,
    source: String,
}

#[derive(Serialize)]
struct ServiceAnswer<'a> {
    service: &'a str,
    service_title: &'a str,
    url: String,
    applies: bool,
    state: &'static str,
    /// An `n/a` to re-confirm: it counts as unanswered.
    reflagged: bool,
    answer: Option<&'a Answer>,
}

/// Every service the question applies to, and every service that kept an
/// answer to it as history. O(those services).
pub(crate) fn question_page<'a>(
    h: &'a Handbook,
    fragments: &'a Fragments<'a>,
    index: usize,
) -> QuestionPage<'a> {
    let q = &h.questions[index];
    let mut answers = Vec::new();
    let mut not_applicable = Vec::new();
    for entry in &fragments.answers_by_question[index] {
        let s = &h.services[entry.service as usize];
        let state = entry.judged.map(|(state, _)| state);
        let list = if state == Some(AnswerState::NotApplicable) {
            &mut not_applicable
        } else {
            &mut answers
        };
        list.push(ServiceAnswer {
            service: &s.name,
            service_title: &s.title,
            url: h.url(&urls::service_answer(&s.name, &q.id)),
            applies: state.is_some(),
            state: state.map_or("history", state_label),
            reflagged: entry.judged.is_some_and(|(_, reflagged)| reflagged),
            answer: entry.answer,
        });
    }
    QuestionPage {
        title: &q.title,
        question: QuestionDetail {
            row: &fragments.questions[index],
            guidance_html: &q.guidance_html,
            source: format!("{}:{}", q.place.file, q.place.line),
        },
        answers,
        not_applicable,
    }
}
