//! Small rulings that pages, drawings and the JSON all show: the readiness
//! band of a figure, whether a risk blocks, how a ceiling compares with its
//! SLO, which kept answers no longer count, and which `n/a` answers must be
//! re-confirmed. Each is decided here once so that no template or drawing
//! compares two numbers on its own.

use std::cmp::Ordering;

use jiff::civil::Date;
use serde::Serialize;

use crate::diagnostics::{Diagnostic, Severity};
use crate::model::{Answer, Handbook, Question, Risk, RiskStatus, Service};

use super::AnswerView;

/// The colour band of a readiness fraction: 0 (below 20%) to 4 (80% or more
/// but not complete), and 5 for complete. Every heat map and table uses it.
pub fn readiness_band(readiness: f64) -> u8 {
    if readiness >= 1.0 {
        5
    } else {
        // Five equal bands below complete; the clamp keeps rounding noise in range.
        ((readiness * 5.0).floor().max(0.0) as u8).min(4)
    }
}

/// The cells of the 5 x 5 risk matrix whose score (severity x likelihood)
/// reaches the policy's `risk_blocker_score`.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct RiskZone {
    pub blocker_score: u32,
    /// `blocking[severity - 1][likelihood - 1]`.
    #[serde(skip)]
    blocking: [[bool; 5]; 5],
}

impl RiskZone {
    pub fn new(blocker_score: u32) -> Self {
        let mut blocking = [[false; 5]; 5];
        for (s, row) in blocking.iter_mut().enumerate() {
            for (l, cell) in row.iter_mut().enumerate() {
                *cell = ((s + 1) * (l + 1)) as u32 >= blocker_score;
            }
        }
        RiskZone {
            blocker_score,
            blocking,
        }
    }

    /// Whether an open risk in this cell blocks; levels outside 1..=5 are clamped.
    pub fn cell_blocks(&self, severity: u8, likelihood: u8) -> bool {
        let at = |level: u8| usize::from(level.clamp(1, 5) - 1);
        self.blocking[at(severity)][at(likelihood)]
    }

    /// One risk's score and whether it blocks "go": open, and in the zone.
    pub fn judge(&self, risk: &Risk) -> RiskJudgement {
        RiskJudgement {
            id: risk.id.clone(),
            score: risk.score(),
            blocks: risk.status == RiskStatus::Open
                && self.cell_blocks(risk.severity, risk.likelihood),
        }
    }
}

/// A risk as judged: its score and whether it is a blocker.
#[derive(Debug, Clone, Serialize)]
pub struct RiskJudgement {
    pub id: String,
    pub score: u32,
    pub blocks: bool,
}

/// How a service's availability ceiling compares with its SLO.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CeilingStatus {
    /// No hard dependency without a fallback and with a known availability.
    NoCeiling,
    /// A ceiling, but no SLO to compare it with.
    NoSlo,
    /// The ceiling is below the SLO: a blocker.
    Below,
    /// The ceiling meets the SLO.
    Meets,
}

/// Products of availabilities carry floating-point noise far below any
/// figure a person writes (99.95 may come out as 99.94999999999999), so a
/// ceiling counts as below its SLO only when it is lower by more than this.
const CEILING_TOLERANCE: f64 = 1e-9;

impl CeilingStatus {
    pub fn judge(ceiling: Option<f64>, slo: Option<f64>) -> Self {
        match (ceiling, slo) {
            (None, _) => CeilingStatus::NoCeiling,
            (Some(_), None) => CeilingStatus::NoSlo,
            (Some(c), Some(s)) if c < s - CEILING_TOLERANCE => CeilingStatus::Below,
            (Some(_), Some(_)) => CeilingStatus::Meets,
        }
    }

    pub fn is_below(self) -> bool {
        self == CeilingStatus::Below
    }
}

/// Warnings for answers that are kept but do not count today: their
/// question is retired (as of `today`) or no longer applies to the
/// service's tags. `applicable` are the answers that do count.
pub(super) fn history_answer_warnings(
    handbook: &Handbook,
    service: &Service,
    applicable: &[AnswerView],
    today: Date,
) -> Vec<Diagnostic> {
    let counted = super::questions_of(handbook, applicable);
    service
        .answers
        .values()
        .filter(|a| !counted.contains(&*a.question))
        .filter_map(|answer| {
            let question = handbook.question(&answer.question)?;
            let tiers = || {
                let list: Vec<String> = question.tiers.iter().map(u8::to_string).collect();
                list.join(", ")
            };
            let why = match question.retired {
                Some(retired) if retired <= today => {
                    format!("the question was retired on {retired}")
                }
                _ if !question.tiers.is_empty() && !question.tiers.contains(&service.tier) => {
                    format!("the question applies only to services of tier {}", tiers())
                }
                _ => format!(
                    "the question applies only to services tagged {}",
                    question.applies.join(", ")
                ),
            };
            Some(
                Diagnostic::at_place(
                    Severity::Warning,
                    &answer.place,
                    format!(
                        "answer to `{}` does not count toward readiness: {why}",
                        answer.question
                    ),
                )
                .code(crate::diagnostics::Code::AnswerNotCounted)
                .help("the answer is kept and shown as history"),
            )
        })
        .collect()
}

/// Whether bank version `label` is `revised` or later. Two labels of
/// dot-separated whole numbers compare by number, segment by segment, a
/// missing segment counting as 0 (2026.9 < 2026.10 = 2026.10.0). Any other
/// label cannot be ordered, so only the identical label counts as later or
/// equal: the conservative reading, which re-flags rather than trusts.
pub fn bank_version_at_least(label: &str, revised: &str) -> bool {
    let (label, revised) = (label.trim(), revised.trim());
    if label == revised {
        return true;
    }
    match (numeric_segments(label), numeric_segments(revised)) {
        (Some(a), Some(b)) => compare_segments(&a, &b) != Ordering::Less,
        _ => false,
    }
}

/// The segments of a label such as `2026.11`, leading zeros dropped; `None`
/// unless every segment is a non-empty run of ASCII digits.
fn numeric_segments(label: &str) -> Option<Vec<&str>> {
    label
        .split('.')
        .map(|seg| {
            let all_digits = !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit());
            all_digits.then(|| seg.trim_start_matches('0'))
        })
        .collect()
}

/// Compares numbers written as digit strings without leading zeros (of any
/// length, so no overflow), a missing segment counting as 0.
fn compare_segments(a: &[&str], b: &[&str]) -> Ordering {
    (0..a.len().max(b.len()))
        .map(|i| {
            let x = a.get(i).copied().unwrap_or("");
            let y = b.get(i).copied().unwrap_or("");
            x.len().cmp(&y.len()).then_with(|| x.cmp(y))
        })
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// Why an `n/a` answer no longer counts as `n/a`: the question was reworded
/// (`revised`) after the bank version the answer was judged against.
#[derive(Debug, Clone)]
pub(super) struct Reflag {
    revised: String,
    judged_against: Option<String>,
}

/// `Some` when `answer` is `n/a` and its `bank_version` is missing or older
/// than the question's `revised`.
pub(super) fn reflag(question: &Question, answer: &Answer) -> Option<Reflag> {
    let revised = question.revised.as_deref()?;
    let judged = answer.not_applicable.as_ref()?.bank_version.as_deref();
    if judged.is_some_and(|v| bank_version_at_least(v, revised)) {
        return None;
    }
    Some(Reflag {
        revised: revised.to_string(),
        judged_against: judged.map(str::to_string),
    })
}

impl Reflag {
    /// The reason in words, for the blocker and the warning.
    pub(super) fn why(&self) -> String {
        match &self.judged_against {
            Some(v) => format!(
                "the question was reworded in bank version {}, after {v} that the n/a was judged against",
                self.revised
            ),
            None => format!(
                "the question was reworded in bank version {} and the n/a names no `bank_version`",
                self.revised
            ),
        }
    }

    pub(super) fn warning(&self, answer: &Answer) -> Diagnostic {
        Diagnostic::at_place(
            Severity::Warning,
            &answer.place,
            format!(
                "`{}` is `n/a`, but {}: it counts as unanswered",
                answer.question,
                self.why()
            ),
        )
        .code(crate::diagnostics::Code::NotApplicableReflagged)
        .help(format!(
            "read the question's new wording; if it still does not apply, set `bank_version: \"{}\"` (otherwise answer it)",
            self.revised
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_split_readiness_in_fifths_with_complete_apart() {
        let bands: Vec<u8> = [0.0, 0.19, 0.2, 0.5, 0.79, 0.8, 0.999, 1.0]
            .iter()
            .map(|&r| readiness_band(r))
            .collect();
        assert_eq!(bands, [0, 0, 1, 2, 3, 4, 4, 5]);
    }

    #[test]
    fn the_risk_zone_follows_the_blocker_score() {
        let zone = RiskZone::new(15);
        assert!(zone.cell_blocks(5, 3));
        assert!(zone.cell_blocks(3, 5));
        assert!(!zone.cell_blocks(4, 3));
        assert!(!zone.cell_blocks(2, 5));
        assert!(zone.cell_blocks(9, 9), "levels are clamped");
    }

    #[test]
    fn a_ceiling_a_hair_below_its_slo_is_below() {
        assert_eq!(
            CeilingStatus::judge(Some(99.70031), Some(99.70034)),
            CeilingStatus::Below
        );
        assert_eq!(
            CeilingStatus::judge(Some(99.94999999999999), Some(99.95)),
            CeilingStatus::Meets
        );
        assert_eq!(
            CeilingStatus::judge(None, Some(99.9)),
            CeilingStatus::NoCeiling
        );
        assert_eq!(CeilingStatus::judge(Some(99.9), None), CeilingStatus::NoSlo);
    }

    #[test]
    fn bank_versions_compare_by_numeric_segments() {
        assert!(!bank_version_at_least("2026.9", "2026.10"));
        assert!(bank_version_at_least("2026.10", "2026.9"));
        assert!(bank_version_at_least("2026.11", "2026.11"));
        assert!(bank_version_at_least("2026.10.0", "2026.10"));
        assert!(bank_version_at_least("2026.010", "2026.10"));
        assert!(!bank_version_at_least("2026", "2026.1"));
        assert!(bank_version_at_least(
            "99999999999999999999999.1",
            "2026.11"
        ));
    }

    #[test]
    fn other_labels_match_only_when_identical() {
        assert!(bank_version_at_least("2026-fall", "2026-fall"));
        assert!(!bank_version_at_least("2026-winter", "2026-fall"));
        assert!(!bank_version_at_least("2027.1", "2026-fall"));
        assert!(!bank_version_at_least("v2", "v1"));
        assert!(!bank_version_at_least("2026..1", "2026.1"));
    }
}
