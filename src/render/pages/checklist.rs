//! The checklist: its index of categories with their counts, and each
//! category's page with every question and its guidance.

use serde::Serialize;
use std::collections::BTreeMap;

use crate::model::{Handbook, Level};
use crate::render::fragments::Fragments;
use crate::render::views::GuidedQuestion;
use crate::urls;

#[derive(Serialize)]
pub(super) struct ChecklistPage<'a> {
    title: &'static str,
    categories: Vec<CategorySummary<'a>>,
    tags: &'a BTreeMap<String, String>,
}

#[derive(Serialize, Debug, PartialEq, Eq)]
struct CategorySummary<'a> {
    id: &'a str,
    title: &'a str,
    asks: &'a str,
    url: String,
    total: usize,
    /// Required and not retired.
    required: usize,
    retired: usize,
}

#[derive(Serialize)]
pub(super) struct CategoryPage<'a> {
    title: &'a str,
    category: CategoryHead<'a>,
    questions: Vec<GuidedQuestion<'a>>,
}

#[derive(Serialize)]
struct CategoryHead<'a> {
    id: &'a str,
    title: &'a str,
    asks: &'a str,
    intro_html: &'a str,
    source: &'a str,
}

pub(super) fn index<'a>(h: &'a Handbook, f: &Fragments<'_>) -> ChecklistPage<'a> {
    ChecklistPage {
        title: "The checklist",
        categories: h
            .categories
            .iter()
            .map(|c| {
                let questions = f
                    .lookup
                    .questions_in(&c.id)
                    .iter()
                    .map(|&i| &h.questions[i]);
                let (mut required, mut retired) = (0, 0);
                for q in questions {
                    retired += usize::from(q.retired.is_some());
                    required += usize::from(q.level == Level::Required && q.retired.is_none());
                }
                CategorySummary {
                    id: &c.id,
                    title: &c.title,
                    asks: &c.asks,
                    url: h.url(&urls::category(&c.id)),
                    total: f.lookup.questions_in(&c.id).len(),
                    required,
                    retired,
                }
            })
            .collect(),
        tags: &h.config.tags,
    }
}

/// The page of `h.categories[i]`.
pub(super) fn category<'a>(h: &'a Handbook, f: &'a Fragments<'_>, i: usize) -> CategoryPage<'a> {
    let c = &h.categories[i];
    CategoryPage {
        title: &c.title,
        category: CategoryHead {
            id: &c.id,
            title: &c.title,
            asks: &c.asks,
            intro_html: &c.intro_html,
            source: &c.source,
        },
        questions: f
            .lookup
            .questions_in(&c.id)
            .iter()
            .map(|&qi| GuidedQuestion {
                row: &f.questions[qi],
                guidance_html: &h.questions[qi].guidance_html,
            })
            .collect(),
    }
}
