//! Parts that many pages show, made once per build: each question's row and
//! each service's row as Tera values (their maps are reference-counted, so a
//! page that lists a row shares it instead of copying it), and the indexes
//! the pages look things up in.

use rayon::prelude::*;

use crate::analyze::{AnswerState, Assessment, WaiverRow};
use crate::model::Handbook;

use super::lookup::Lookup;
use super::views::{question_row, service_row};

pub(crate) struct Fragments<'a> {
    pub lookup: Lookup<'a>,
    /// `questions[i]` is the row of `handbook.questions[i]`.
    pub questions: Vec<tera::Value>,
    /// `services[i]` is the row of `handbook.services[i]`.
    pub services: Vec<tera::Value>,
    /// For each question (by index), the services (by index) it applies to
    /// with their answer's state and whether it is an `n/a` to re-confirm,
    /// in service order.
    pub answers_by_question: Vec<Vec<(usize, AnswerState, bool)>>,
}

impl<'a> Fragments<'a> {
    /// O(questions + services x applicable questions x log questions).
    pub fn new(h: &'a Handbook, a: &Assessment) -> Self {
        let lookup = Lookup::new(h);
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
        let mut answers_by_question = vec![Vec::new(); h.questions.len()];
        for (si, sa) in a.services.iter().enumerate() {
            for view in &sa.answers {
                if let Some(&qi) = h.question_index.get(&*view.question) {
                    answers_by_question[qi].push((si, view.state, view.reflagged));
                }
            }
        }
        Fragments {
            lookup,
            questions,
            services,
            answers_by_question,
        }
    }

    pub fn question(&self, h: &Handbook, id: &str) -> Option<&tera::Value> {
        h.question_index.get(id).map(|&i| &self.questions[i])
    }
}

/// The rows of `waivers` (sorted by service) that belong to `service`, found
/// by binary search: O(log waivers).
pub(crate) fn waivers_of<'a>(waivers: &'a [WaiverRow], service: &str) -> &'a [WaiverRow] {
    let start = waivers.partition_point(|w| w.service.as_str() < service);
    let end = start + waivers[start..].partition_point(|w| w.service == service);
    &waivers[start..end]
}
