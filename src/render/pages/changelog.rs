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
    feed_url: String,
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
        feed_url: h.url(crate::urls::CHANGELOG_FEED),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::analyze;
    use crate::render::pages::test_support::{date, handbook, question};

    #[test]
    fn dates_run_newest_first_and_a_retired_question_is_listed_twice() {
        let mut old = question("old", "cap");
        old.since = Some(date("2025-01-05"));
        old.retired = Some(date("2026-03-01"));
        let mut new = question("new", "cap");
        new.since = Some(date("2026-03-01"));
        let h = handbook(
            vec![],
            vec![question("first", "cap"), old, new],
            vec![],
            vec![],
        );
        let a = analyze(&h, date("2026-11-23"));
        let f = Fragments::new(&h, &a);
        let page = page(&h, &f);
        let entries: Vec<(String, Vec<&str>)> = page
            .entries
            .iter()
            .map(|e| {
                (
                    e.date.to_string(),
                    e.questions.iter().map(|c| c.change).collect(),
                )
            })
            .collect();
        assert_eq!(
            entries,
            [
                ("2026-03-01".to_string(), vec!["retired", "added"]),
                ("2025-01-05".to_string(), vec!["added"]),
            ]
        );
        assert_eq!(page.original.len(), 1);
    }
}
