//! The documents of a handbook as written, before any cross-checking.
//!
//! Each struct mirrors one file format of docs/format.md sections 2-6. The
//! front matter of Markdown files is read by serde with `deny_unknown_fields`.
//! The service file is described once, with `record!`: each declaration below
//! is the typed struct, the table the JSON Schema is written from, and the
//! checking reader (src/load/describe.rs). Named values (statuses, decisions)
//! are the model's enums, named in one table each; dates stay text here and
//! are judged in `resolve`, so every bad value of a file is reported in one run.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::describe::{record, Bounded, Choice, ChoiceTable, Named};
use super::yaml::null_as_default;
use crate::model::{Decision, RiskStatus, Status, WaiverEventKind};

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

record! {
    /// `content/services/<name>.yaml` (docs/format.md section 5).
    pub struct ServiceRaw in SERVICE {
        title: String = String::new(),
        owner: String = String::new(),
        /// 3 when missing or unreadable: the neutral tier, after the error.
        tier: Bounded<1, 4> = Bounded(3),
        tags: Vec<String>,
        summary: Option<String>,
        slo: Option<SloRaw>,
        oncall: Option<OncallRaw>,
        dependencies: Vec<DependencyRaw>,
        answers: BTreeMap<String, AnswerRaw>,
        risks: Vec<RiskRaw>,
        reviews: Vec<ReviewRaw>,
    }
}

record! {
    pub struct SloRaw in SLO {
        availability: Option<f64>,
        latency_p99_ms: Option<f64>,
    }
}

record! {
    pub struct OncallRaw in ONCALL {
        rotation: Option<String>,
        members: Option<u32>,
        escalation: Vec<String>,
    }
}

record! {
    pub struct DependencyRaw in DEPENDENCY {
        service: Option<String>,
        external: Option<String>,
        availability: Option<f64>,
        hard: Option<bool>,
        timeout_ms: Option<u64>,
        retries: Option<u32>,
        circuit_breaker: bool,
        fallback: Option<String>,
    }
}

record! {
    pub struct AnswerRaw in ANSWER {
        /// `no` when missing, after the error.
        status: Choice<Status> = Choice::Known(Status::No),
        evidence: Option<String>,
        note: Option<String>,
        plan: Option<String>,
        due: Option<String>,
        /// Boxed: most answers have none, and there are hundreds of thousands of answers.
        waiver: Option<Box<WaiverRaw>>,
        /// For `status: n/a`: why the question does not apply.
        reason: Option<String>,
        /// For `status: n/a` of a required question: who agreed.
        approver: Option<String>,
        /// For `status: n/a`: the bank version it was judged against.
        bank_version: Option<String>,
    }
}

record! {
    pub struct WaiverRaw in WAIVER {
        reason: Option<String>,
        approver: Option<String>,
        granted: Option<String>,
        expires: Option<String>,
        ticket: Option<String>,
        history: Vec<WaiverEventRaw>,
    }
}

record! {
    pub struct WaiverEventRaw in HISTORY_EVENT {
        date: String = PLACEHOLDER_DATE.to_string(),
        event: Choice<WaiverEventKind> = Choice::Unknown(String::new()),
        by: Option<String>,
        note: Option<String>,
    }
}

record! {
    pub struct RiskRaw in RISK {
        id: String = String::new(),
        title: String = String::new(),
        impact: Option<String>,
        severity: Bounded<1, 5> = Bounded(1),
        likelihood: Bounded<1, 5> = Bounded(1),
        /// Open when not given.
        status: Option<Choice<RiskStatus>>,
        mitigations: Vec<String>,
    }
}

record! {
    pub struct ReviewRaw in REVIEW {
        date: String = PLACEHOLDER_DATE.to_string(),
        reviewer: String = String::new(),
        decision: Choice<Decision> = Choice::Unknown(String::new()),
        notes: Option<String>,
        findings: Vec<String>,
    }
}

/// The date a required date takes when missing, after the error.
const PLACEHOLDER_DATE: &str = "1970-01-01";

impl Named for Status {
    const TABLE: ChoiceTable = ChoiceTable {
        noun: "status",
        names: &["yes", "partial", "no", "waived", "n/a"],
        // What YAML 1.1 tools (PyYAML, linters) make of an unquoted yes and
        // no; a file they wrote back reads the same here.
        aliases: &[
            ("true", "yes"),
            ("True", "yes"),
            ("TRUE", "yes"),
            ("false", "no"),
            ("False", "no"),
            ("FALSE", "no"),
        ],
        help: "a status is `yes`, `partial`, `no`, `waived` or `n/a`",
    };
    const ALL: &'static [Self] = &[
        Status::Yes,
        Status::Partial,
        Status::No,
        Status::Waived,
        Status::NotApplicable,
    ];
}

impl Named for RiskStatus {
    const TABLE: ChoiceTable = ChoiceTable {
        noun: "risk status",
        names: &["open", "mitigated", "accepted"],
        aliases: &[],
        help: "a risk is `open`, `mitigated` or `accepted`",
    };
    const ALL: &'static [Self] = &[
        RiskStatus::Open,
        RiskStatus::Mitigated,
        RiskStatus::Accepted,
    ];
}

impl Named for Decision {
    const TABLE: ChoiceTable = ChoiceTable {
        noun: "decision",
        names: &["go", "no-go", "conditional"],
        aliases: &[],
        help: "a decision is `go`, `no-go` or `conditional`",
    };
    const ALL: &'static [Self] = &[Decision::Go, Decision::NoGo, Decision::Conditional];
}

impl Named for WaiverEventKind {
    const TABLE: ChoiceTable = ChoiceTable {
        noun: "waiver event",
        names: &["granted", "renewed", "amended", "revoked", "expired"],
        aliases: &[],
        help: "history events are granted, renewed, amended, revoked, expired",
    };
    const ALL: &'static [Self] = &[
        WaiverEventKind::Granted,
        WaiverEventKind::Renewed,
        WaiverEventKind::Amended,
        WaiverEventKind::Revoked,
        WaiverEventKind::Expired,
    ];
}
