//! Parts that many pages show, made once per build: each question's row and
//! each service's row as Tera values (their maps are reference-counted, so a
//! page that lists a row shares it instead of copying it), and the indexes
//! the pages look things up in.

use rayon::prelude::*;

use crate::analyze::{AnswerState, Assessment, WaiverRow};
use crate::model::{Answer, Handbook};

use super::lookup::Lookup;
use super::pages::waivers::RegisterOrder;
use super::views::{question_row, service_row};

pub(crate) struct Fragments<'a> {
    pub lookup: Lookup<'a>,
    /// `questions[i]` is the row of `handbook.questions[i]`.
    pub questions: Vec<tera::Value>,
    /// `services[i]` is the row of `handbook.services[i]`.
    pub services: Vec<tera::Value>,
    /// For each question (by index), in service order, every service it
    /// applies to or that kept an answer to it.
    pub answers_by_question: Vec<Vec<Standing<'a>>>,
    /// The waiver register's order, which each of its pages slices.
    pub register: RegisterOrder,
}

/// One service's standing on one question.
#[derive(Clone, Copy)]
pub(crate) struct Standing<'a> {
    /// The service's place in `handbook.services`.
    pub service: u32,
    /// The answer's state and whether it is an `n/a` to re-confirm; `None`
    /// when the question does not apply to the service (the answer is history).
    pub judged: Option<(AnswerState, bool)>,
    pub answer: Option<&'a Answer>,
}

impl<'a> Fragments<'a> {
    /// O(questions + services x applicable questions x log questions).
    pub fn new(h: &'a Handbook, a: &Assessment) -> Self {
        let lookup = Lookup::new(h);
        // The answers' index walks every answer on one core (1.25M at 5,000
        // services): it is made beside the rows.
        let ((questions, services), (answers_by_question, register)) = rayon::join(
            || {
                let questions = h
                    .questions
                    .par_iter()
                    .map(|q| tera::Value::from_serializable(&question_row(h, &lookup, q)))
                    .collect();
                let services = h
                    .services
                    .par_iter()
                    .zip(&a.services)
                    .map(|(s, sa)| tera::Value::from_serializable(&service_row(h, s, sa)))
                    .collect();
                (questions, services)
            },
            || (answers_by_question(h, a), RegisterOrder::new(a)),
        );
        Fragments {
            lookup,
            questions,
            services,
            answers_by_question,
            register,
        }
    }

    pub fn question(&self, h: &Handbook, id: &str) -> Option<&tera::Value> {
        h.question_index.get(id).map(|&i| &self.questions[i])
    }
}

/// Every question's [`Standing`]s. The applicable ones come from the
/// assessment's views, which know their question and answer; only the
/// answers kept as history are looked up by id.
/// O(answers + history x log questions).
fn answers_by_question<'a>(h: &'a Handbook, a: &Assessment) -> Vec<Vec<Standing<'a>>> {
    let history_question = |id: &String| h.question_index.get(id.as_str()).copied();
    // Each list sized exactly: they hold every answer of the organisation.
    let mut counts = vec![0; h.questions.len()];
    for sa in &a.services {
        for view in &sa.answers {
            counts[view.number as usize] += 1;
        }
        for qi in sa.history_answers.iter().filter_map(history_question) {
            counts[qi] += 1;
        }
    }
    let mut by_question: Vec<Vec<Standing>> = counts.into_iter().map(Vec::with_capacity).collect();
    for (si, (s, sa)) in h.services.iter().zip(&a.services).enumerate() {
        for view in &sa.answers {
            by_question[view.number as usize].push(Standing {
                service: si as u32,
                judged: Some((view.state, view.reflagged)),
                answer: view.answer(s),
            });
        }
        for id in &sa.history_answers {
            if let Some(qi) = history_question(id) {
                by_question[qi].push(Standing {
                    service: si as u32,
                    judged: None,
                    answer: s.answers.get(id),
                });
            }
        }
    }
    by_question
}

/// The rows of `waivers` (sorted by service) that belong to `service`, found
/// by binary search: O(log waivers).
pub(crate) fn waivers_of<'a>(waivers: &'a [WaiverRow], service: &str) -> &'a [WaiverRow] {
    let start = waivers.partition_point(|w| w.service.as_str() < service);
    let end = start + waivers[start..].partition_point(|w| w.service == service);
    &waivers[start..end]
}
