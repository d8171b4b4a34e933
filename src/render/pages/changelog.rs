//! The changelog: questions by the date they entered the bank or were
//! retired, newest first; questions without a `since` date are the
//! original bank.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use crate::model::Handbook;
use crate::render::fragments::Fragments;

#[derive(Serialize)]
pub(super) struct ChangelogPage<'a> {
    title: &'static str,
    entries: Vec<ChangelogEntry<'a>>,
    original: Vec<Change<'a>>,
}

#[derive(Serialize)]
struct ChangelogEntry<'a> {
    date: Date,
    questions: Vec<Change<'a>>,
}

/// A question that was added or retired.
#[derive(Serialize)]
struct Change<'a> {
    #[serde(flatten)]
    row: &'a tera::Value,
    change: &'static str,
}

pub(super) fn page<'a>(h: &'a Handbook, f: &'a Fragments<'_>) -> ChangelogPage<'a> {
    let mut by_date: BTreeMap<Date, Vec<Change>> = BTreeMap::new();
    let mut original = Vec::new();
    for (q, row) in h.questions.iter().zip(&f.questions) {
        let added = Change {
            row,
            change: "added",
        };
        match q.since {
            Some(since) => by_date.entry(since).or_default().push(added),
            None => original.push(added),
        }
        if let Some(retired) = q.retired {
            by_date.entry(retired).or_default().push(Change {
                row,
                change: "retired",
            });
        }
    }
    ChangelogPage {
        title: "Changelog",
        entries: by_date
            .into_iter()
            .rev()
            .map(|(date, questions)| ChangelogEntry { date, questions })
            .collect(),
        original,
    }
}
