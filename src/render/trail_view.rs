//! The git trail as the pages show it: a service's answer changes, the
//! disagreements flagged in them, and what changed since its last review.
//! Only reads `analyze::trail`'s ruling.

use serde::Serialize;

use crate::analyze::trail::{AnswerChange, AnswerStep, FirstVersion, ReviewChanges, TrailFlag};
use crate::analyze::Assessment;
use crate::model::Handbook;

/// The trail section of a service page.
#[derive(Serialize)]
pub(crate) struct TrailSection<'a> {
    /// Why there is no trail (no repository, a shallow clone); `None` when there is.
    unavailable: Option<&'a str>,
    /// The commit that brought the file's answers into git.
    first_version: Option<FirstLine<'a>>,
    /// Newest first.
    steps: Vec<StepLine<'a>>,
    flags: &'a [TrailFlag],
    since_review: Option<SinceReview<'a>>,
}

#[derive(Serialize)]
struct StepLine<'a> {
    #[serde(flatten)]
    step: &'a AnswerStep,
    short: &'a str,
    question_title: &'a str,
}

#[derive(Serialize)]
struct FirstLine<'a> {
    #[serde(flatten)]
    first: &'a FirstVersion,
    short: &'a str,
}

#[derive(Serialize)]
struct SinceReview<'a> {
    review: String,
    count: usize,
    changes: Vec<ChangeLine<'a>>,
}

#[derive(Serialize)]
struct ChangeLine<'a> {
    #[serde(flatten)]
    change: &'a AnswerChange,
    short: &'a str,
    question_title: &'a str,
}

pub(crate) fn section<'a>(h: &'a Handbook, a: &'a Assessment, service: &str) -> TrailSection<'a> {
    let title = |id: &str| h.question(id).map_or("", |q| q.title.as_str());
    let trail = a.trail.service(service);
    TrailSection {
        unavailable: a.trail.unavailable.as_deref(),
        first_version: trail
            .and_then(|t| t.first_version.as_ref())
            .map(|first| FirstLine {
                first,
                short: short(&first.commit),
            }),
        steps: trail
            .map(|t| {
                t.trail
                    .iter()
                    .rev()
                    .map(|step| StepLine {
                        step,
                        short: short(&step.step.commit),
                        question_title: title(&step.question),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        flags: trail.map_or(&[], |t| t.flags.as_slice()),
        since_review: trail
            .and_then(|t| t.since_last_review())
            .map(|r: &ReviewChanges| SinceReview {
                review: r.review.to_string(),
                count: r.changes.len(),
                changes: r
                    .changes
                    .iter()
                    .map(|change| ChangeLine {
                        change,
                        short: short(&change.commit),
                        question_title: title(&change.question),
                    })
                    .collect(),
            }),
    }
}

fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}
