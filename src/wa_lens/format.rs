//! The custom lens format of the AWS Well-Architected Tool, as data, and its
//! published limits.
//!
//! Followed: "Lens format specification" of the AWS Well-Architected Tool
//! User Guide (schema version 2021-11-01), and the ImportLens API reference
//! for the size of a lens (`JSONString`, at most 500,000 characters). Where
//! the guide is silent (whether question ids must be unique per pillar or per
//! lens, how characters are counted) the stricter reading is taken: unique
//! per lens, lengths counted in UTF-16 code units.

use serde::Serialize;

/// The only schema version the guide documents ("set by the template, do not change").
pub const SCHEMA_VERSION: &str = "2021-11-01";
/// A lens JSON file is at most this many bytes (ImportLens: 500,000).
pub const MAX_LENS_BYTES: usize = 500_000;
pub const MAX_PILLARS: usize = 10;
pub const MAX_QUESTIONS_PER_PILLAR: usize = 20;
pub const MAX_CHOICES_PER_QUESTION: usize = 15;
pub const MAX_RISK_RULES: usize = 3;
/// Additional resources of one type per choice.
pub const MAX_ADDITIONAL_RESOURCES: usize = 5;
/// Pillar, question and choice ids: 3 to 128 of `[A-Za-z0-9_]`.
pub const MIN_ID: usize = 3;
pub const MAX_ID: usize = 128;
/// Names and titles.
pub const MAX_NAME: usize = 128;
/// Descriptions and display texts.
pub const MAX_TEXT: usize = 2048;
/// Risk levels a rule may give.
pub const RISKS: &[&str] = &["HIGH_RISK", "MEDIUM_RISK", "NO_RISK"];
/// The suffix of a choice id that makes it the "None of these" choice.
pub const NONE_SUFFIX: &str = "_no";

/// A whole lens.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Lens {
    pub schema_version: String,
    pub name: String,
    pub description: String,
    pub pillars: Vec<Pillar>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Pillar {
    pub id: String,
    pub name: String,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Question {
    pub id: String,
    pub title: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub helpful_resource: Option<Resource>,
    pub choices: Vec<Choice>,
    pub risk_rules: Vec<RiskRule>,
}

/// A `helpfulResource` or `improvementPlan`: a text and an optional URL.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    pub display_text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Choice {
    pub id: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub helpful_resource: Option<Resource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub improvement_plan: Option<Resource>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub additional_resources: Vec<AdditionalResources>,
}

impl Choice {
    /// A choice whose id ends in `_no` stands for "None of these".
    pub fn is_none_of_these(&self) -> bool {
        self.id.ends_with(NONE_SUFFIX)
    }
}

/// `additionalResources`: up to five more helpful resources or improvement plans.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct AdditionalResources {
    /// `HELPFUL_RESOURCE` or `IMPROVEMENT_PLAN`.
    #[serde(rename = "type")]
    pub kind: String,
    pub content: Vec<Resource>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct RiskRule {
    pub condition: String,
    pub risk: String,
}

/// `true` when `id` is 3 to 128 of `[A-Za-z0-9_]`, the pattern of every lens id.
pub fn is_lens_id(id: &str) -> bool {
    (MIN_ID..=MAX_ID).contains(&id.len())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Length as the limits count it: UTF-16 code units (never fewer than characters).
pub fn text_len(text: &str) -> usize {
    text.encode_utf16().count()
}
