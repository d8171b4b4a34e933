//! The documents of a handbook as written, before any cross-checking.
//!
//! Each struct mirrors one file format of docs/format.md sections 2-6 with
//! `deny_unknown_fields`, so a mistyped key is caught where it is written.
//! Values that need their own checks (statuses, dates) stay text here and are
//! judged in `resolve`, so every bad value of a file is reported in one run.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::yaml::null_as_default;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChapterFront {
    pub title: String,
    #[serde(default)]
    pub weight: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BankFront {
    pub title: String,
    #[serde(default)]
    pub order: i64,
    #[serde(default)]
    pub asks: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostmortemFront {
    pub id: String,
    pub title: String,
    pub date: String,
    #[serde(default)]
    pub severity: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub services: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConceptFront {
    pub title: String,
    pub group: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub links: Vec<ConceptLinkRaw>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConceptLinkRaw {
    pub to: String,
    #[serde(default)]
    pub label: String,
}

/// Service prose (`services/<name>.md`) takes no front matter keys.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProseFront {}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceRaw {
    pub title: String,
    pub owner: String,
    pub tier: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub tags: Vec<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub slo: Option<SloRaw>,
    #[serde(default)]
    pub oncall: Option<OncallRaw>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub dependencies: Vec<DependencyRaw>,
    #[serde(default, deserialize_with = "super::yaml::unique_keys")]
    pub answers: BTreeMap<String, AnswerRaw>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub risks: Vec<RiskRaw>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub reviews: Vec<ReviewRaw>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SloRaw {
    pub availability: Option<f64>,
    pub latency_p99_ms: Option<f64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OncallRaw {
    pub rotation: Option<String>,
    pub members: Option<u32>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub escalation: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DependencyRaw {
    pub service: Option<String>,
    pub external: Option<String>,
    pub availability: Option<f64>,
    pub hard: Option<bool>,
    pub timeout_ms: Option<u64>,
    pub retries: Option<u32>,
    #[serde(default)]
    pub circuit_breaker: bool,
    pub fallback: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerRaw {
    pub status: String,
    pub evidence: Option<String>,
    pub note: Option<String>,
    pub plan: Option<String>,
    pub due: Option<String>,
    /// Boxed: most answers have none, and there are hundreds of thousands of answers.
    pub waiver: Option<Box<WaiverRaw>>,
    /// For `status: n/a`: why the question does not apply.
    pub reason: Option<String>,
    /// For `status: n/a` of a required question: who agreed.
    pub approver: Option<String>,
    /// For `status: n/a`: the bank version it was judged against.
    pub bank_version: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaiverRaw {
    pub reason: Option<String>,
    pub approver: Option<String>,
    pub granted: Option<String>,
    pub expires: Option<String>,
    pub ticket: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub history: Vec<WaiverEventRaw>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaiverEventRaw {
    pub date: String,
    pub event: String,
    pub by: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskRaw {
    pub id: String,
    pub title: String,
    pub impact: Option<String>,
    pub severity: i64,
    pub likelihood: i64,
    #[serde(default = "default_risk_status")]
    pub status: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub mitigations: Vec<String>,
}

fn default_risk_status() -> String {
    "open".to_string()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewRaw {
    pub date: String,
    pub reviewer: String,
    pub decision: String,
    pub notes: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub findings: Vec<String>,
}
