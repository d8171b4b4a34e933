//! Reading a lens file as hostile input: JSON within a size limit, keys
//! matched as the format spells them (other letter cases read, with a
//! warning), and every departure from the published format reported as a
//! warning that names its JSON path (`$.pillars[2].questions[0].riskRules`).
//! Only what leaves nothing to import (not JSON, no pillars) is an error.

use serde_json::{Map, Value};

use crate::diagnostics::{Code, Diagnostic, Diagnostics, Severity};
use crate::model::Level;
use crate::source::SourceFile;

use super::format::*;
use super::rules;
use super::text::one_line;

/// The largest lens file read at all (four times what AWS accepts, so a lens
/// AWS would refuse for its size is still read, with a warning).
pub const MAX_READ_BYTES: u64 = 4 * MAX_LENS_BYTES as u64;

/// A question as read, with what orr needs beside the lens's own fields.
#[derive(Debug, Clone)]
pub struct ReadQuestion {
    pub question: Question,
    /// `$.pillars[i].questions[j]`.
    pub path: String,
    pub level: Level,
}

#[derive(Debug, Clone)]
pub struct ReadPillar {
    pub id: String,
    pub name: String,
    pub path: String,
    pub questions: Vec<ReadQuestion>,
}

#[derive(Debug, Clone, Default)]
pub struct ReadLens {
    pub name: String,
    pub description: String,
    pub pillars: Vec<ReadPillar>,
}

/// Parses the text of a lens file named `file`; `None` when there is nothing
/// to import (the reasons are errors in `diagnostics`).
pub fn read_lens(file: &str, text: &str, diagnostics: &mut Diagnostics) -> Option<ReadLens> {
    let mut reader = Reader { file, diagnostics };
    if text.len() > MAX_LENS_BYTES {
        reader.warn(
            Code::LensOverLimit,
            "$",
            format!(
                "the lens is {} bytes; AWS accepts at most {MAX_LENS_BYTES}",
                text.len()
            ),
        );
    }
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let source = SourceFile::new(file, text);
            let d = Diagnostic::error(&source, e.line(), e.column(), format!("not JSON: {e}"))
                .code(Code::LensInvalid)
                .help("a Well-Architected lens is one JSON object (see the AWS lens format specification)");
            reader.diagnostics.push(d);
            return None;
        }
    };
    reader.lens(&value)
}

struct Reader<'a> {
    file: &'a str,
    diagnostics: &'a mut Diagnostics,
}

const LENS_KEYS: &[&str] = &["schemaVersion", "name", "description", "pillars"];
const PILLAR_KEYS: &[&str] = &["id", "name", "questions"];
const QUESTION_KEYS: &[&str] = &[
    "id",
    "title",
    "description",
    "helpfulResource",
    "choices",
    "riskRules",
];
const CHOICE_KEYS: &[&str] = &[
    "id",
    "title",
    "description",
    "helpfulResource",
    "improvementPlan",
    "additionalResources",
];
const RESOURCE_KEYS: &[&str] = &["displayText", "url"];
const RULE_KEYS: &[&str] = &["condition", "risk"];

impl Reader<'_> {
    fn report(&mut self, severity: Severity, code: Code, path: &str, message: String) {
        let d = Diagnostic {
            severity,
            ..Diagnostic::file_error(self.file, format!("{path}: {message}"))
        };
        self.diagnostics.push(d.code(code));
    }

    fn warn(&mut self, code: Code, path: &str, message: String) {
        self.report(Severity::Warning, code, path, message);
    }

    /// `value` as an object, or a warning and `None`.
    fn object<'v>(&mut self, value: &'v Value, path: &str) -> Option<&'v Map<String, Value>> {
        match value {
            Value::Object(map) => Some(map),
            other => {
                self.warn(
                    Code::LensMissingField,
                    path,
                    format!("expected an object, found {}; left out", kind(other)),
                );
                None
            }
        }
    }

    /// The value of `key`: the key as the format spells it, else one equal to
    /// it but for letter case (with a warning); keys the format does not know
    /// are warned about by [`Reader::unknown_keys`].
    fn get<'v>(&mut self, obj: &'v Map<String, Value>, key: &str, path: &str) -> Option<&'v Value> {
        if let Some(v) = obj.get(key) {
            return Some(v);
        }
        let (found, v) = obj.iter().find(|(k, _)| k.eq_ignore_ascii_case(key))?;
        self.warn(
            Code::LensKeyCase,
            &format!("{path}.{}", path_key(found)),
            format!("read as `{key}`, the spelling of the lens format"),
        );
        Some(v)
    }

    fn unknown_keys(&mut self, obj: &Map<String, Value>, known: &[&str], path: &str) {
        for key in obj.keys() {
            if !known.iter().any(|k| k.eq_ignore_ascii_case(key)) {
                self.warn(
                    Code::LensUnknownKey,
                    &format!("{path}.{}", path_key(key)),
                    "not a key of the lens format; ignored".to_string(),
                );
            }
        }
    }

    /// A text field; `max` is its limit in the format, `required` whether the format demands it.
    fn text(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        path: &str,
        max: usize,
        required: bool,
    ) -> String {
        let at = format!("{path}.{key}");
        let text = match self.get(obj, key, path) {
            Some(Value::String(s)) => s.clone(),
            None | Some(Value::Null) => {
                if required {
                    self.warn(
                        Code::LensMissingField,
                        &at,
                        "missing; the lens format requires it".to_string(),
                    );
                }
                return String::new();
            }
            Some(other) => {
                self.warn(
                    Code::LensMissingField,
                    &at,
                    format!("expected text, found {}; left out", kind(other)),
                );
                return String::new();
            }
        };
        if required && text.trim().is_empty() {
            self.warn(
                Code::LensMissingField,
                &at,
                "empty; the lens format requires it".to_string(),
            );
        }
        if text_len(&text) > max {
            self.warn(
                Code::LensOverLimit,
                &at,
                format!(
                    "{} characters; the lens format allows {max}",
                    text_len(&text)
                ),
            );
        }
        text
    }

    /// An array field (absent: empty), warned about beyond `max` entries.
    fn array<'v>(
        &mut self,
        obj: &'v Map<String, Value>,
        key: &str,
        path: &str,
        max: usize,
    ) -> &'v [Value] {
        let at = format!("{path}.{key}");
        let items: &[Value] = match self.get(obj, key, path) {
            Some(Value::Array(items)) => items,
            None | Some(Value::Null) => &[],
            Some(other) => {
                self.warn(
                    Code::LensMissingField,
                    &at,
                    format!("expected a list, found {}; left out", kind(other)),
                );
                &[]
            }
        };
        if items.len() > max {
            self.warn(
                Code::LensOverLimit,
                &at,
                format!("{} entries; the lens format allows {max}", items.len()),
            );
        }
        items
    }

    /// A lens id field, warned about when it breaks the pattern.
    fn id(&mut self, obj: &Map<String, Value>, path: &str) -> String {
        let id = self.text(obj, "id", path, MAX_ID, true);
        if !id.is_empty() && !is_lens_id(&id) {
            self.warn(
                Code::LensOverLimit,
                &format!("{path}.id"),
                format!(
                    "`{}` is not 3 to 128 letters, digits and `_`, as the lens format requires",
                    id.escape_debug()
                ),
            );
        }
        id
    }

    fn lens(&mut self, value: &Value) -> Option<ReadLens> {
        let Value::Object(obj) = value else {
            self.report(
                Severity::Error,
                Code::LensInvalid,
                "$",
                format!("expected the lens object, found {}", kind(value)),
            );
            return None;
        };
        self.unknown_keys(obj, LENS_KEYS, "$");
        let version = self.text(obj, "schemaVersion", "$", MAX_ID, true);
        if !version.is_empty() && version != SCHEMA_VERSION {
            self.warn(
                Code::LensOverLimit,
                "$.schemaVersion",
                format!(
                    "`{}`: orr follows the lens format of schema version {SCHEMA_VERSION}",
                    version.escape_debug()
                ),
            );
        }
        let name = self.text(obj, "name", "$", MAX_NAME, true);
        let description = self.text(obj, "description", "$", MAX_TEXT, false);
        if !matches!(self.get(obj, "pillars", "$"), Some(Value::Array(_))) {
            self.report(
                Severity::Error,
                Code::LensInvalid,
                "$.pillars",
                "missing or not a list: a lens without pillars has no questions".to_string(),
            );
            return None;
        }
        let mut seen_questions = Vec::new();
        let pillars = self
            .array(obj, "pillars", "$", MAX_PILLARS)
            .iter()
            .enumerate()
            .filter_map(|(i, p)| self.pillar(p, &format!("$.pillars[{i}]"), &mut seen_questions))
            .collect();
        Some(ReadLens {
            name,
            description,
            pillars,
        })
    }

    fn pillar(&mut self, value: &Value, path: &str, seen: &mut Vec<String>) -> Option<ReadPillar> {
        let obj = self.object(value, path)?;
        self.unknown_keys(obj, PILLAR_KEYS, path);
        let id = self.id(obj, path);
        let name = self.text(obj, "name", path, MAX_NAME, true);
        let questions = self
            .array(obj, "questions", path, MAX_QUESTIONS_PER_PILLAR)
            .iter()
            .enumerate()
            .filter_map(|(j, q)| self.question(q, &format!("{path}.questions[{j}]"), seen))
            .collect();
        Some(ReadPillar {
            id,
            name,
            path: path.to_string(),
            questions,
        })
    }

    fn question(
        &mut self,
        value: &Value,
        path: &str,
        seen: &mut Vec<String>,
    ) -> Option<ReadQuestion> {
        let obj = self.object(value, path)?;
        self.unknown_keys(obj, QUESTION_KEYS, path);
        let id = self.id(obj, path);
        if !id.is_empty() {
            if seen.contains(&id) {
                self.warn(
                    Code::LensOverLimit,
                    &format!("{path}.id"),
                    format!("`{id}` is already the id of another question of this lens"),
                );
            }
            seen.push(id.clone());
        }
        let raw_title = self.text(obj, "title", path, MAX_NAME, true);
        let (title, title_risk) = split_title_severity(&raw_title);
        if let Some(risk) = title_risk {
            self.warn(
                Code::LensTitleSeverity,
                &format!("{path}.title"),
                format!("the title ends with a severity, read as {risk} and cut off the title"),
            );
        }
        let description = self.text(obj, "description", path, MAX_TEXT, false);
        let helpful_resource = self.resource(obj, "helpfulResource", path, false);
        let mut choice_ids = Vec::new();
        let choices: Vec<Choice> = self
            .array(obj, "choices", path, MAX_CHOICES_PER_QUESTION)
            .iter()
            .enumerate()
            .filter_map(|(k, c)| self.choice(c, &format!("{path}.choices[{k}]"), &mut choice_ids))
            .collect();
        let (risk_rules, default_risk) = self.risk_rules(obj, path, &choices);
        let level = match (default_risk.as_deref(), title_risk) {
            (Some(risk), _) | (None, Some(risk)) => level_of(risk),
            (None, None) => Level::Recommended,
        };
        Some(ReadQuestion {
            question: Question {
                id,
                title,
                description,
                helpful_resource,
                choices,
                risk_rules,
            },
            path: path.to_string(),
            level,
        })
    }

    fn choice(&mut self, value: &Value, path: &str, ids: &mut Vec<String>) -> Option<Choice> {
        let obj = self.object(value, path)?;
        self.unknown_keys(obj, CHOICE_KEYS, path);
        let id = self.id(obj, path);
        if ids.contains(&id) && !id.is_empty() {
            self.warn(
                Code::LensOverLimit,
                &format!("{path}.id"),
                format!("`{id}` is already the id of another choice of this question"),
            );
        }
        ids.push(id.clone());
        let title = self.text(obj, "title", path, MAX_NAME, true);
        let none_of_these = id.ends_with(NONE_SUFFIX);
        let helpful_resource = self.resource(obj, "helpfulResource", path, false);
        let improvement_plan = self.resource(obj, "improvementPlan", path, !none_of_these);
        let additional_resources = self
            .array(obj, "additionalResources", path, 2)
            .iter()
            .enumerate()
            .filter_map(|(n, a)| self.additional(a, &format!("{path}.additionalResources[{n}]")))
            .collect();
        Some(Choice {
            id,
            title,
            helpful_resource,
            improvement_plan,
            additional_resources,
        })
    }

    fn additional(&mut self, value: &Value, path: &str) -> Option<AdditionalResources> {
        let obj = self.object(value, path)?;
        self.unknown_keys(obj, &["type", "content"], path);
        let kind = self.text(obj, "type", path, MAX_NAME, true);
        if !matches!(kind.as_str(), "HELPFUL_RESOURCE" | "IMPROVEMENT_PLAN") {
            self.warn(
                Code::LensMissingField,
                &format!("{path}.type"),
                format!(
                    "`{}` is neither HELPFUL_RESOURCE nor IMPROVEMENT_PLAN; left out",
                    kind.escape_debug()
                ),
            );
            return None;
        }
        let content = self
            .array(obj, "content", path, MAX_ADDITIONAL_RESOURCES)
            .iter()
            .enumerate()
            .filter_map(|(n, c)| {
                let at = format!("{path}.content[{n}]");
                let obj = self.object(c, &at)?;
                self.resource_fields(obj, &at, true)
            })
            .collect();
        Some(AdditionalResources { kind, content })
    }

    /// A `{displayText, url}` object under `key`; `required` when the format demands it.
    fn resource(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        path: &str,
        required: bool,
    ) -> Option<Resource> {
        let at = format!("{path}.{key}");
        match self.get(obj, key, path) {
            None | Some(Value::Null) => {
                if required {
                    self.warn(
                        Code::LensMissingField,
                        &at,
                        "missing; the lens format requires one for every choice but \"None of these\"".to_string(),
                    );
                }
                None
            }
            Some(v) => {
                let inner = self.object(v, &at)?;
                self.resource_fields(inner, &at, required)
            }
        }
    }

    fn resource_fields(
        &mut self,
        obj: &Map<String, Value>,
        at: &str,
        required: bool,
    ) -> Option<Resource> {
        self.unknown_keys(obj, RESOURCE_KEYS, at);
        let display_text = self.text(obj, "displayText", at, MAX_TEXT, required);
        let url = self.text(obj, "url", at, MAX_TEXT, false);
        let url = if url.trim().is_empty() {
            None
        } else if super::text::safe_url(&url).is_none() {
            self.warn(
                Code::LensRefusedUrl,
                &format!("{at}.url"),
                format!(
                    "`{}` is not an http(s):// URL; left out",
                    one_line(&url).escape_debug()
                ),
            );
            None
        } else {
            if display_text.trim().is_empty() {
                self.warn(
                    Code::LensMissingField,
                    &format!("{at}.displayText"),
                    "missing beside a url; the lens format requires it".to_string(),
                );
            }
            Some(url)
        };
        (!display_text.trim().is_empty() || url.is_some()).then_some(Resource { display_text, url })
    }

    /// The rules as read, and the risk of the `default` rule.
    fn risk_rules(
        &mut self,
        obj: &Map<String, Value>,
        path: &str,
        choices: &[Choice],
    ) -> (Vec<RiskRule>, Option<String>) {
        let at = format!("{path}.riskRules");
        let known: Vec<&str> = choices.iter().map(|c| c.id.as_str()).collect();
        let none: Vec<&str> = choices
            .iter()
            .filter(|c| c.is_none_of_these())
            .map(|c| c.id.as_str())
            .collect();
        let mut rules_read = Vec::new();
        let mut default_risk = None;
        // The first rule whose condition holds for every set of choices, if any.
        let mut always = None;
        for (n, value) in self
            .array(obj, "riskRules", path, MAX_RISK_RULES)
            .iter()
            .enumerate()
        {
            let here = format!("{at}[{n}]");
            let Some(rule) = self.object(value, &here) else {
                continue;
            };
            self.unknown_keys(rule, RULE_KEYS, &here);
            let condition = self.text(rule, "condition", &here, MAX_TEXT, true);
            let Some(risk) = self.risk(rule, &here) else {
                continue;
            };
            if default_risk.is_some() {
                self.warn(
                    Code::LensRiskRule,
                    &here,
                    "comes after the `default` rule, so it is never reached".to_string(),
                );
            } else if rules::is_default(&condition) {
                default_risk = Some(risk.clone());
            } else if let Some(k) = always {
                self.warn(
                    Code::LensRiskRule,
                    &here,
                    format!("riskRules[{k}] always holds, so this rule is never reached"),
                );
            } else if self.check_condition(&condition, &format!("{here}.condition"), &known, &none)
            {
                always = Some(n);
            }
            rules_read.push(RiskRule { condition, risk });
        }
        if default_risk.is_none() {
            self.warn(
                Code::LensRiskRule,
                &at,
                "no `default` rule; the lens format requires one (the level comes from the title, else `recommended`)".to_string(),
            );
        }
        (rules_read, default_risk)
    }

    /// The rule's risk, one of the format's three (other spellings read, with a warning).
    fn risk(&mut self, rule: &Map<String, Value>, here: &str) -> Option<String> {
        let risk = self.text(rule, "risk", here, MAX_NAME, true);
        if RISKS.contains(&risk.as_str()) {
            return Some(risk);
        }
        let Some(read) = severity_word(&risk) else {
            self.warn(
                Code::LensRiskRule,
                &format!("{here}.risk"),
                format!(
                    "`{}` is not HIGH_RISK, MEDIUM_RISK or NO_RISK; the rule is left out",
                    risk.escape_debug()
                ),
            );
            return None;
        };
        self.warn(
            Code::LensRiskRule,
            &format!("{here}.risk"),
            format!(
                "`{}` read as {read}, the spelling of the lens format",
                risk.escape_debug()
            ),
        );
        Some(read.to_string())
    }

    /// Warns about what is wrong with a condition; `true` when it always holds.
    fn check_condition(
        &mut self,
        condition: &str,
        at: &str,
        known: &[&str],
        none: &[&str],
    ) -> bool {
        let expr = match rules::parse(condition) {
            Ok(e) => e,
            Err(why) => {
                self.warn(Code::LensRiskRule, at, format!("cannot be read: {why}"));
                return false;
            }
        };
        let unknown = rules::unknown_choices(&expr, known);
        if !unknown.is_empty() {
            self.warn(
                Code::LensRiskRule,
                at,
                format!(
                    "names choices this question does not have: {}",
                    unknown.join(", ")
                ),
            );
        }
        if rules::satisfiable(&expr, known, none) == Some(false) {
            self.warn(
                Code::LensRiskRule,
                at,
                format!(
                    "`{}` can never be true, so this rule never applies",
                    one_line(condition)
                ),
            );
        }
        rules::always_true(&expr, known, none) == Some(true)
    }
}

/// `HIGH_RISK` makes a question `required`; any other risk `recommended`.
pub fn level_of(risk: &str) -> Level {
    if risk == "HIGH_RISK" {
        Level::Required
    } else {
        Level::Recommended
    }
}

/// A title without a trailing severity (`... [HIGH]`, `... (High risk)`,
/// `... - HRI`), and the risk it named.
pub fn split_title_severity(title: &str) -> (String, Option<&'static str>) {
    let trimmed = title.trim_end();
    let candidates = [
        trimmed
            .strip_suffix(']')
            .and_then(|t| t.rfind('[').map(|i| (&t[..i], &t[i + 1..]))),
        trimmed
            .strip_suffix(')')
            .and_then(|t| t.rfind('(').map(|i| (&t[..i], &t[i + 1..]))),
        [" - ", " – ", " — ", ": "].iter().find_map(|sep| {
            trimmed
                .rfind(sep)
                .map(|i| (&trimmed[..i], &trimmed[i + sep.len()..]))
        }),
    ];
    for (head, word) in candidates.into_iter().flatten() {
        if let Some(risk) = severity_word(word) {
            let head = head.trim_end();
            if !head.is_empty() {
                return (head.to_string(), Some(risk));
            }
        }
    }
    (title.to_string(), None)
}

/// `high`, `HIGH_RISK`, `High risk`, `HRI` and the like, read as one of the format's risks.
fn severity_word(word: &str) -> Option<&'static str> {
    let w: String = word
        .trim()
        .to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let w = w.strip_suffix("risk").unwrap_or(&w);
    match w {
        "high" | "hri" | "critical" => Some("HIGH_RISK"),
        "medium" | "mri" | "moderate" => Some("MEDIUM_RISK"),
        "no" | "none" | "low" => Some("NO_RISK"),
        _ => None,
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A key as shown in a JSON path: as it is when plain, else quoted and escaped.
fn path_key(key: &str) -> String {
    if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        key.to_string()
    } else {
        format!("[{}]", serde_json::to_string(key).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_suffixes_are_read_and_cut() {
        assert_eq!(
            split_title_severity("Do you back up? [HIGH]"),
            ("Do you back up?".to_string(), Some("HIGH_RISK"))
        );
        assert_eq!(
            split_title_severity("Do you test restores (Medium risk)"),
            ("Do you test restores".to_string(), Some("MEDIUM_RISK"))
        );
        assert_eq!(
            split_title_severity("Is DR rehearsed - HRI"),
            ("Is DR rehearsed".to_string(), Some("HIGH_RISK"))
        );
        assert_eq!(split_title_severity("How (roughly) big?").1, None);
        assert_eq!(split_title_severity("[HIGH]").1, None);
    }
}
