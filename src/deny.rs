//! `--deny`: rules that turn a state of the handbook (expired or expiring
//! waivers, stale reviews, any warning) into errors, so CI can fail on them.

use crate::analyze::Assessment;
use crate::analyze::WaiverState;
use crate::diagnostics::{plural, Code, Diagnostic, Diagnostics, Severity};
use crate::model::Handbook;

/// One rule of `--deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DenyRule {
    ExpiredWaivers,
    ExpiringWaivers,
    StaleReviews,
    Warnings,
}

impl DenyRule {
    pub const ALL: [DenyRule; 4] = [
        DenyRule::ExpiredWaivers,
        DenyRule::ExpiringWaivers,
        DenyRule::StaleReviews,
        DenyRule::Warnings,
    ];

    /// The name given to `--deny`.
    pub fn as_str(self) -> &'static str {
        match self {
            DenyRule::ExpiredWaivers => "expired-waivers",
            DenyRule::ExpiringWaivers => "expiring-waivers",
            DenyRule::StaleReviews => "stale-reviews",
            DenyRule::Warnings => "warnings",
        }
    }

    pub fn parse(name: &str) -> Result<DenyRule, String> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|r| r.as_str()).collect();
                format!(
                    "unknown --deny rule `{name}`; the rules are {}",
                    names.join(", ")
                )
            })
    }
}

/// What the rules found: the errors to report, and one line per rule that failed.
#[derive(Debug, Default)]
pub struct Denied {
    pub diagnostics: Vec<Diagnostic>,
    pub summaries: Vec<String>,
}

/// Applies `rules` to a checked handbook whose own diagnostics are `found`.
pub fn apply(
    rules: &[DenyRule],
    handbook: &Handbook,
    assessment: &Assessment,
    found: &Diagnostics,
) -> Denied {
    let mut denied = Denied::default();
    let mut rules = rules.to_vec();
    rules.sort_unstable();
    rules.dedup();
    for rule in rules {
        let hits = match rule {
            DenyRule::ExpiredWaivers => waivers_in(WaiverState::Expired, handbook, assessment),
            DenyRule::ExpiringWaivers => waivers_in(WaiverState::Expiring, handbook, assessment),
            DenyRule::StaleReviews => stale_reviews(handbook, assessment),
            DenyRule::Warnings => warnings(found),
        };
        if !hits.is_empty() {
            denied.summaries.push(format!(
                "denied by --deny {}: {} found",
                rule.as_str(),
                plural(hits.len(), "problem")
            ));
            denied.diagnostics.extend(hits);
        }
    }
    denied
}

/// One error per waiver in `state`, at its answer in the service file.
fn waivers_in(state: WaiverState, handbook: &Handbook, assessment: &Assessment) -> Vec<Diagnostic> {
    let (code, word) = match state {
        WaiverState::Expired => (Code::DeniedExpiredWaiver, "expired"),
        _ => (Code::DeniedExpiringWaiver, "expiring"),
    };
    assessment
        .waivers
        .iter()
        .filter(|w| w.state == state)
        .map(|w| {
            let message = format!(
                "the waiver of `{}` for service `{}` is {word} (expires {})",
                w.question, w.service, w.expires
            );
            let answer = handbook
                .services
                .iter()
                .find(|s| s.name == w.service)
                .and_then(|s| s.answers.get(&w.question).map(|a| (s, a)));
            let d = match answer {
                Some((_, a)) if a.place.line > 0 => {
                    Diagnostic::at_place(Severity::Error, &a.place, message)
                }
                Some((s, _)) => Diagnostic::file_error(&s.source, message),
                None => Diagnostic::file_error("", message),
            };
            d.code(code)
                .help("renew the waiver with a new `expires`, or answer the question")
        })
        .collect()
}

/// One error per service whose last review is missing or too old.
fn stale_reviews(handbook: &Handbook, assessment: &Assessment) -> Vec<Diagnostic> {
    assessment
        .services
        .iter()
        .filter(|s| s.stale)
        .map(|s| {
            let file = handbook
                .services
                .iter()
                .find(|h| h.name == s.name)
                .map_or("", |h| h.source.as_str());
            let when = match s.last_review {
                Some(date) => format!("last reviewed {date}"),
                None => "never reviewed".to_string(),
            };
            Diagnostic::file_error(file, format!("service `{}` is stale: {when}", s.name))
                .code(Code::DeniedStaleReview)
                .help("add a review to the service's `reviews`")
        })
        .collect()
}

/// One error counting the warnings, when there are any.
fn warnings(found: &Diagnostics) -> Vec<Diagnostic> {
    let count = found.warning_count();
    if count == 0 {
        return Vec::new();
    }
    vec![Diagnostic::file_error(
        "",
        format!(
            "{} found, and --deny warnings makes them fail",
            plural(count, "warning")
        ),
    )
    .code(Code::DeniedWarnings)]
}
