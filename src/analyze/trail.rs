//! The rulings on the git trail (docs/format.md section 7, "The audit
//! trail"): where the recorded history disagrees with the declared `history`
//! of a waiver, and which answers changed since each service's last review.
//!
//! Pure: the handbook, the history read by `crate::git` and the provenance
//! in; a [`TrailRuling`] and warnings out. Pages and JSON only read it.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;

use super::Assessment;
use crate::config::Policy;
use crate::date::days_between;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::git::provenance::Provenance;
use crate::git::snapshot::{event_date, HISTORY};
use crate::git::{Change, Commit, History, ServiceHistory, Snapshot, TrailEntry};
use crate::model::{Handbook, Service};

/// Everything the trail says about the handbook.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TrailRuling {
    /// Why no history is shown (no repository, a shallow clone); `None` when it is.
    pub unavailable: Option<String>,
    /// The commit the site is built from.
    pub provenance: Option<Provenance>,
    /// By service name; a service with no recorded history is absent.
    pub services: BTreeMap<String, ServiceTrail>,
}

impl TrailRuling {
    pub fn service(&self, name: &str) -> Option<&ServiceTrail> {
        self.services.get(name)
    }
}

/// The trail of one service and what is flagged in it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ServiceTrail {
    /// The commit that brought the file's answers into git (its first
    /// readable version): one entry, not one step per answer.
    pub first_version: Option<FirstVersion>,
    /// Every answer change after the first version, oldest first.
    pub trail: Vec<AnswerStep>,
    pub flags: Vec<TrailFlag>,
    /// Each review compared with the next one, or with now; oldest first.
    pub reviews: Vec<ReviewChanges>,
}

impl ServiceTrail {
    /// The comparison with the latest review, when there is one.
    pub fn since_last_review(&self) -> Option<&ReviewChanges> {
        self.reviews.last()
    }

    /// The steps of one answer, oldest first.
    pub fn steps_of<'a>(&'a self, question: &'a str) -> impl Iterator<Item = &'a TrailStep> + 'a {
        self.trail
            .iter()
            .filter(move |s| s.question == question)
            .map(|s| &s.step)
    }

    pub fn unrecorded_changes(&self, question: &str) -> usize {
        self.flags
            .iter()
            .filter(|f| f.kind == FlagKind::UnrecordedChange && f.question == question)
            .count()
    }
}

/// A service file's first readable version, summarised.
#[derive(Debug, Clone, Serialize)]
pub struct FirstVersion {
    pub commit: String,
    pub date: Date,
    pub author: String,
    /// How many answers it held.
    pub answers: usize,
    /// Its answers, for whoever lists them one by one (`orr audit`).
    #[serde(skip)]
    pub snapshot: Arc<Snapshot>,
}

impl FirstVersion {
    /// Its answers as steps from nothing, by question.
    pub fn steps(&self) -> impl Iterator<Item = AnswerStep> + '_ {
        self.snapshot
            .answers
            .iter()
            .map(|(question, answer)| AnswerStep {
                question: question.to_string(),
                step: TrailStep {
                    commit: self.commit.clone(),
                    date: self.date,
                    author: self.author.clone(),
                    changes: crate::git::snapshot::diff(None, Some(answer)),
                },
            })
    }
}

/// One commit's changes to one answer.
#[derive(Debug, Clone, Serialize)]
pub struct TrailStep {
    pub commit: String,
    pub date: Date,
    pub author: String,
    pub changes: Vec<Change>,
}

/// A [`TrailStep`] with the question it changed.
#[derive(Debug, Clone, Serialize)]
pub struct AnswerStep {
    pub question: String,
    #[serde(flatten)]
    pub step: TrailStep,
}

/// The kinds of disagreement between the trail and the declared history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FlagKind {
    /// A waiver's reason, expires or approver changed with no history event added.
    UnrecordedChange,
    /// A history event dated earlier than its commit by more than the policy allows.
    Backdated,
    /// A waiver's approver added by the approver.
    SelfApproved,
}

impl FlagKind {
    pub fn code(self) -> Code {
        match self {
            FlagKind::UnrecordedChange => Code::UnrecordedWaiverChange,
            FlagKind::Backdated => Code::BackdatedHistory,
            FlagKind::SelfApproved => Code::SelfApprovedWaiver,
        }
    }
}

/// One disagreement, at the commit where it happened.
#[derive(Debug, Clone, Serialize)]
pub struct TrailFlag {
    pub kind: FlagKind,
    pub question: String,
    pub commit: String,
    pub date: Date,
    pub author: String,
    pub message: String,
}

/// What changed from one review to the next one (or to now).
#[derive(Debug, Clone, Serialize)]
pub struct ReviewChanges {
    pub review: Date,
    /// The next review's date; `None` for "now".
    pub until: Option<Date>,
    pub changes: Vec<AnswerChange>,
}

/// One answer that differs between a review and the next one (or now).
#[derive(Debug, Clone, Serialize)]
pub struct AnswerChange {
    pub question: String,
    /// The status as of the review (`None`: no answer then).
    pub from: Option<String>,
    pub to: Option<String>,
    /// The last commit in the period that changed it.
    pub commit: String,
    pub date: Date,
    pub author: String,
    /// Which fields differ.
    pub fields: Vec<&'static str>,
}

/// The trail judged for every service; flags are added to `assessment.findings`
/// and each waiver row gets its trail and count of unrecorded changes.
pub fn attach(
    assessment: &mut Assessment,
    handbook: &Handbook,
    history: &History,
    provenance: Option<Provenance>,
) {
    let mut ruling = TrailRuling {
        provenance,
        ..TrailRuling::default()
    };
    let recorded = match history {
        History::Available(recorded) => recorded,
        History::Unavailable(why) => {
            ruling.unavailable = Some(why.clone());
            assessment.trail = ruling;
            return;
        }
    };
    let policy = &handbook.config.policy;
    let judged: Vec<(&Service, ServiceTrail)> = handbook
        .services
        .par_iter()
        .filter_map(|service| {
            let service_history = recorded.services.get(&service.name)?;
            let judged = judge_service(service, service_history, recorded.tip.as_ref(), policy);
            Some((&**service, judged))
        })
        .collect();
    for (service, judged) in judged {
        assessment
            .findings
            .extend(judged.flags.iter().filter_map(|f| diagnostic(service, f)));
        ruling.services.insert(service.name.clone(), judged);
    }
    for row in &mut assessment.waivers {
        if let Some(trail) = ruling.services.get(&row.service) {
            row.trail = trail.steps_of(&row.question).cloned().collect();
            row.unrecorded_changes = trail.unrecorded_changes(&row.question);
        }
    }
    assessment.trail = ruling;
}

fn judge_service(
    service: &Service,
    history: &ServiceHistory,
    tip: Option<&Arc<Commit>>,
    policy: &Policy,
) -> ServiceTrail {
    let trail: Vec<AnswerStep> = history.trail.iter().map(step).collect();
    let first = history.first();
    let mut flags: Vec<TrailFlag> = first
        .map(|(commit, snap)| self_approved_at_first(commit, snap, policy))
        .unwrap_or_default();
    flags.extend(
        history
            .trail
            .iter()
            .flat_map(|entry| flags_of(entry, policy)),
    );
    let reviews = review_changes(service, history, tip);
    ServiceTrail {
        first_version: first.map(|(commit, snap)| FirstVersion {
            commit: commit.id.clone(),
            date: commit.date,
            author: commit.author.clone(),
            answers: snap.answers.len(),
            snapshot: Arc::clone(snap),
        }),
        trail,
        flags,
        reviews,
    }
}

fn step(entry: &TrailEntry) -> AnswerStep {
    AnswerStep {
        question: entry.question.clone(),
        step: TrailStep {
            commit: entry.commit.id.clone(),
            date: entry.commit.date,
            author: entry.commit.author.clone(),
            changes: entry.changes.clone(),
        },
    }
}

/// The waivers of a file's first version whose approver is its committer's
/// author (the only flag a first version can raise: nothing in it was
/// amended, and history imported with the file cannot be back-dated).
fn self_approved_at_first(
    commit: &Arc<Commit>,
    snap: &Snapshot,
    policy: &Policy,
) -> Vec<TrailFlag> {
    if policy.approver_may_author {
        return Vec::new();
    }
    snap.answers
        .iter()
        .filter_map(|(question, answer)| {
            let approver = answer.get("waiver.approver")?;
            same_person(approver, &commit.author).then(|| TrailFlag {
                kind: FlagKind::SelfApproved,
                question: question.to_string(),
                commit: commit.id.clone(),
                date: commit.date,
                author: commit.author.clone(),
                message: self_approved_message(approver, commit),
            })
        })
        .collect()
}

fn self_approved_message(approver: &str, commit: &Commit) -> String {
    format!(
        "the waiver names `{approver}` as its approver, and {} wrote that in commit {} ({})",
        commit.author,
        short(&commit.id),
        commit.date
    )
}

/// The disagreements one commit's changes to one answer show.
fn flags_of(entry: &TrailEntry, policy: &Policy) -> Vec<TrailFlag> {
    let mut flags = Vec::new();
    let commit = &entry.commit;
    let flag = |kind, message: String| TrailFlag {
        kind,
        question: entry.question.clone(),
        commit: commit.id.clone(),
        date: commit.date,
        author: commit.author.clone(),
        message,
    };
    let added_events: Vec<&str> = entry
        .changes
        .iter()
        .filter(|c| c.field == HISTORY)
        .filter_map(|c| c.to.as_deref())
        .collect();
    let amended: Vec<&str> = entry
        .changes
        .iter()
        .filter(|c| {
            matches!(
                c.field,
                "waiver.reason" | "waiver.expires" | "waiver.approver"
            ) && c.from.is_some()
        })
        .map(|c| c.field)
        .collect();
    if !amended.is_empty() && added_events.is_empty() {
        flags.push(flag(
            FlagKind::UnrecordedChange,
            format!(
                "the waiver's {} changed in commit {} ({}, {}) with no `history` event recording it",
                amended.join(", "),
                short(&commit.id),
                commit.date,
                commit.author
            ),
        ));
    }
    for event in &added_events {
        let Some(dated) = event_date(event) else {
            continue;
        };
        let late = days_between(dated, commit.date);
        if late > policy.history_backdate_days {
            flags.push(flag(
                FlagKind::Backdated,
                format!(
                    "the history event `{event}` was recorded {late} days after its date, in commit {} ({}); the policy allows {}",
                    short(&commit.id),
                    commit.date,
                    policy.history_backdate_days
                ),
            ));
        }
    }
    let approver = entry
        .changes
        .iter()
        .find(|c| c.field == "waiver.approver")
        .and_then(|c| c.to.as_deref());
    if let Some(approver) = approver {
        if !policy.approver_may_author && same_person(approver, &commit.author) {
            flags.push(flag(
                FlagKind::SelfApproved,
                self_approved_message(approver, commit),
            ));
        }
    }
    flags
}

/// Names compared by their letters and digits only, case ignored, so
/// `sre-lead`, `SRE Lead` and `sre.lead` are one person.
fn same_person(a: &str, b: &str) -> bool {
    let key = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let (a, b) = (key(a), key(b));
    !a.is_empty() && a == b
}

fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

/// Each review compared with the next one, or (the last) with the tip.
fn review_changes(
    service: &Service,
    history: &ServiceHistory,
    tip: Option<&Arc<Commit>>,
) -> Vec<ReviewChanges> {
    let mut dates: Vec<Date> = service.reviews.iter().map(|r| r.date).collect();
    dates.sort_unstable();
    dates.dedup();
    let mut out = Vec::new();
    for (i, &review) in dates.iter().enumerate() {
        let until = dates.get(i + 1).copied();
        let Some(base) = history.as_of(review).and_then(|v| v.snapshot.clone()) else {
            continue;
        };
        let target = match until {
            Some(day) => history.as_of(day),
            None => history.versions.iter().rev().find(|v| v.snapshot.is_some()),
        };
        let Some(target) = target.and_then(|v| v.snapshot.clone()) else {
            continue;
        };
        let end = until.or(tip.map(|t| t.date));
        let mut changes = Vec::new();
        let questions: std::collections::BTreeSet<&Arc<str>> =
            base.answers.keys().chain(target.answers.keys()).collect();
        for question in questions {
            let (old, new) = (base.answers.get(question), target.answers.get(question));
            if old == new {
                continue;
            }
            let fields: Vec<&'static str> =
                crate::git::snapshot::diff(old.map(|a| &**a), new.map(|a| &**a))
                    .into_iter()
                    .map(|c| c.field)
                    .fold(Vec::new(), |mut acc, f| {
                        if !acc.contains(&f) {
                            acc.push(f);
                        }
                        acc
                    });
            let last = history.trail.iter().rev().find(|e| {
                *e.question == **question
                    && e.commit.date > review
                    && end.is_none_or(|end| e.commit.date <= end)
            });
            let Some(last) = last else {
                continue;
            };
            changes.push(AnswerChange {
                question: question.to_string(),
                from: old.and_then(|a| a.status().map(str::to_string)),
                to: new.and_then(|a| a.status().map(str::to_string)),
                commit: last.commit.id.clone(),
                date: last.commit.date,
                author: last.commit.author.clone(),
                fields,
            });
        }
        out.push(ReviewChanges {
            review,
            until,
            changes,
        });
    }
    out
}

/// A flag as a warning at the answer it concerns; `None` when the answer is gone.
fn diagnostic(service: &Service, flag: &TrailFlag) -> Option<Diagnostic> {
    let answer = service.answers.get(&flag.question)?;
    let help = match flag.kind {
        FlagKind::UnrecordedChange => {
            "add a `renewed` or `amended` event to the waiver's `history` in the same commit"
                .to_string()
        }
        FlagKind::Backdated => {
            "date history events on the day they are committed (`policy.history_backdate_days`)"
                .to_string()
        }
        FlagKind::SelfApproved => {
            "have the approver's grant committed by someone else, or set `policy.approver_may_author: true`"
                .to_string()
        }
    };
    Some(
        Diagnostic::at_place(
            Severity::Warning,
            &answer.place,
            format!(
                "`{}` of `{}`: {}",
                flag.question, service.name, flag.message
            ),
        )
        .code(flag.kind.code())
        .help(help),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_by_letters_and_digits() {
        assert!(same_person("sre-lead", "SRE Lead"));
        assert!(!same_person("alice", "bob"));
        assert!(!same_person("", "--"));
    }
}
