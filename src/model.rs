//! The resolved handbook: typed, every id checked and cross-linked.
//!
//! Built by `resolve` from the loaded sources; read by `analyze` and `render`.
//! Collections are sorted Vecs, so everything that iterates them is
//! deterministic.

use std::sync::Arc;

use jiff::civil::Date;
use serde::Serialize;

use crate::config::Config;
use crate::source::Place;

/// Question ids to their place in `Handbook::questions`. Only looked up,
/// never walked, so its order is no output's; foldhash, as reading a
/// 1,000-service handbook looks up 250,000 answers' ids, where a `BTreeMap`
/// compared each with about eight ids.
pub type QuestionIndex = foldhash::HashMap<Arc<str>, usize>;

/// The whole handbook.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Handbook {
    pub config: Config,
    /// Ends with `/`.
    pub base_url: String,
    /// Sorted by weight, then path.
    pub chapters: Vec<Chapter>,
    /// Sorted by order, then id.
    pub categories: Vec<Category>,
    /// In category order, then in the order written (postmortem questions after the bank's own, by date).
    pub questions: Vec<Question>,
    /// Newest first.
    pub postmortems: Vec<Postmortem>,
    /// Sorted by name.
    pub services: Vec<Arc<Service>>,
    /// Sorted by group, then id.
    pub concepts: Vec<Concept>,
    /// Each question's id (shared by the answers to it) and its index in `questions`.
    #[serde(skip)]
    pub question_index: QuestionIndex,
    /// Ids written in malformed heading blocks: reported there, not again at each answer.
    #[serde(skip)]
    pub malformed_question_ids: std::collections::BTreeSet<String>,
}

impl Handbook {
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.question_index.get(id).map(|&i| &self.questions[i])
    }

    /// `question_index` for `questions`.
    pub fn index_questions(questions: &[Question]) -> QuestionIndex {
        questions
            .iter()
            .enumerate()
            .map(|(i, q)| (Arc::from(q.id.as_str()), i))
            .collect()
    }

    /// The id of question `id`, shared: an organisation's answers hold it
    /// hundreds of thousands of times.
    pub fn question_id(&self, id: &str) -> Option<Arc<str>> {
        self.question_index
            .get_key_value(id)
            .map(|(key, _)| Arc::clone(key))
    }

    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services
            .binary_search_by(|s| s.name.as_str().cmp(name))
            .ok()
            .map(|i| &*self.services[i])
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// A page of the site, as a link: `base_url` + `path`.
    pub fn url(&self, path: &str) -> String {
        crate::urls::link(&self.base_url, path)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Chapter {
    /// Path under `handbook/` without `.md`.
    pub slug: String,
    pub title: String,
    pub weight: i64,
    pub html: String,
    pub source: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Category {
    pub id: String,
    pub title: String,
    pub order: i64,
    pub asks: String,
    pub intro_html: String,
    pub source: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Required,
    Recommended,
}

#[derive(Debug, Clone, Serialize)]
pub struct Question {
    pub id: String,
    pub category: String,
    pub title: String,
    pub level: Level,
    pub applies: Vec<String>,
    /// Service tiers (1..=4) it applies to; empty for every tier.
    pub tiers: Vec<u8>,
    pub concepts: Vec<String>,
    pub since: Option<Date>,
    pub retired: Option<Date>,
    /// The postmortem that added it.
    pub origin: Option<String>,
    /// The bank version in which the question's text last changed
    /// (`revised=`): `n/a` answers judged against an older one are re-flagged.
    pub revised: Option<String>,
    pub guidance_html: String,
    pub place: Place,
}

impl Question {
    /// Not retired as of `today` (a `retired` date still to come counts).
    pub fn is_live(&self, today: Date) -> bool {
        self.retired.is_none_or(|r| r > today)
    }

    /// Not retired (as of `today`), `applies` is empty or shares a tag with
    /// `tags`, and `tiers` is empty or holds `tier`.
    pub fn applies_to(&self, tags: &[String], tier: u8, today: Date) -> bool {
        let live = self.is_live(today);
        let tagged = self.applies.is_empty() || self.applies.iter().any(|t| tags.contains(t));
        let tiered = self.tiers.is_empty() || self.tiers.contains(&tier);
        live && tagged && tiered
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Postmortem {
    pub id: String,
    pub title: String,
    pub date: Date,
    pub severity: String,
    pub services: Vec<String>,
    /// The prose, without the sections that add questions.
    pub html: String,
    /// Ids of the questions it added.
    pub questions: Vec<String>,
    pub source: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Concept {
    pub id: String,
    pub title: String,
    pub group: String,
    pub links: Vec<ConceptLink>,
    pub html: String,
    pub source: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConceptLink {
    pub to: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Service {
    pub name: String,
    pub title: String,
    pub owner: String,
    pub tier: u8,
    pub tags: Vec<String>,
    pub summary: String,
    pub slo: Slo,
    pub oncall: Option<Oncall>,
    pub dependencies: Vec<Dependency>,
    /// By question id.
    pub answers: Answers,
    pub risks: Vec<Risk>,
    /// Oldest first.
    pub reviews: Vec<Review>,
    pub prose_html: Option<String>,
    pub source: String,
}

impl Service {
    pub fn last_review(&self) -> Option<&Review> {
        self.reviews.last()
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Slo {
    pub availability: Option<f64>,
    pub latency_p99_ms: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Oncall {
    pub rotation: Option<String>,
    pub members: Option<u32>,
    pub escalation: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase", tag = "kind", content = "name")]
pub enum Target {
    Service(String),
    External(String),
}

impl Target {
    pub fn name(&self) -> &str {
        match self {
            Target::Service(n) | Target::External(n) => n,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Dependency {
    pub target: Target,
    /// Percent; for handbook services this is filled from their SLO by `analyze`, not here.
    pub availability: Option<f64>,
    pub hard: bool,
    pub timeout_ms: Option<u64>,
    pub retries: Option<u32>,
    pub circuit_breaker: bool,
    pub fallback: Option<String>,
    pub place: Place,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Yes,
    Partial,
    No,
    Waived,
    /// The question does not apply to this service, for a stated reason.
    #[serde(rename = "n/a")]
    NotApplicable,
}

/// Serialized by hand (see [`Answer`]'s `Serialize`): the fields in this
/// order, then those of `not_applicable` when present.
#[derive(Debug, Clone)]
pub struct Answer {
    pub question: Arc<str>,
    pub status: Status,
    pub evidence: Option<Box<str>>,
    pub note: Option<Box<str>>,
    pub plan: Option<Box<str>>,
    pub due: Option<Date>,
    /// Boxed: most answers have none, and a waiver is larger than the rest of
    /// an answer (about 200k answers at 1,000 services).
    pub waiver: Option<Box<Waiver>>,
    /// What a `status: n/a` answer says; boxed, as most answers have none.
    pub not_applicable: Option<Box<NotApplicable>>,
    pub place: Place,
}

/// The fields of `#[serde(flatten)]` on `not_applicable`, written as a struct:
/// a flattened field makes serde write a map, whose keys Tera allocates one
/// by one, and pages serialize about 430k answers at 1,000 services.
impl Serialize for Answer {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let na = self.not_applicable.as_deref();
        let na_fields = na.map_or(0, |n| {
            1 + usize::from(n.approver.is_some()) + usize::from(n.bank_version.is_some())
        });
        let mut out = serializer.serialize_struct("Answer", 7 + na_fields)?;
        out.serialize_field("question", &*self.question)?;
        out.serialize_field("status", &self.status)?;
        out.serialize_field("evidence", &self.evidence)?;
        out.serialize_field("note", &self.note)?;
        out.serialize_field("plan", &self.plan)?;
        out.serialize_field("due", &self.due)?;
        out.serialize_field("waiver", &self.waiver)?;
        if let Some(na) = na {
            out.serialize_field("reason", &na.reason)?;
            if let Some(approver) = &na.approver {
                out.serialize_field("approver", approver)?;
            }
            if let Some(bank_version) = &na.bank_version {
                out.serialize_field("bank_version", bank_version)?;
            }
        }
        out.end()
    }
}

/// A service's answers, sorted by question id: a map from id to answer that
/// keeps the id once (in the answer) and packs the answers in one allocation,
/// where a `BTreeMap<String, Answer>` held a second copy of each id and
/// half-empty nodes (about 250k answers at 1,000 services).
#[derive(Debug, Clone, Default)]
pub struct Answers(Vec<Answer>);

impl Answers {
    fn find(&self, id: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|a| (*a.question).cmp(id))
    }

    pub fn get(&self, id: &str) -> Option<&Answer> {
        self.find(id).ok().map(|i| &self.0[i])
    }

    /// Where the answer to `id` sits among [`Answers::values`].
    pub fn position(&self, id: &str) -> Option<usize> {
        self.find(id).ok()
    }

    /// The answer at `position` (from [`Answers::position`]).
    pub fn at(&self, position: usize) -> &Answer {
        &self.0[position]
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut Answer> {
        self.find(id).ok().map(|i| &mut self.0[i])
    }

    pub fn contains_key(&self, id: &str) -> bool {
        self.find(id).is_ok()
    }

    /// Adds `answer` as the answer to `id`, returning the one it replaces.
    pub fn insert(&mut self, id: &str, mut answer: Answer) -> Option<Answer> {
        answer.question = Arc::from(id);
        match self.find(&answer.question) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i], answer)),
            Err(i) => {
                self.0.insert(i, answer);
                None
            }
        }
    }

    pub fn remove(&mut self, id: &str) -> Option<Answer> {
        self.find(id).ok().map(|i| self.0.remove(i))
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Question ids, in order.
    pub fn keys(&self) -> impl Iterator<Item = &Arc<str>> + '_ {
        self.0.iter().map(|a| &a.question)
    }

    /// Answers, in question id order.
    pub fn values(&self) -> std::slice::Iter<'_, Answer> {
        self.0.iter()
    }

    /// (question id, answer), in order.
    pub fn iter(&self) -> impl Iterator<Item = (&Arc<str>, &Answer)> + '_ {
        self.0.iter().map(|a| (&a.question, a))
    }
}

/// Sorted by id; the last of two answers to one question wins, as a map's would.
impl FromIterator<Answer> for Answers {
    fn from_iter<I: IntoIterator<Item = Answer>>(iter: I) -> Self {
        let mut answers: Vec<Answer> = iter.into_iter().collect();
        answers.sort_by(|a, b| a.question.cmp(&b.question));
        answers.reverse();
        answers.dedup_by(|later, earlier| later.question == earlier.question);
        answers.reverse();
        Answers(answers)
    }
}

/// As a map from question id to answer, as `BTreeMap<String, Answer>` was.
impl Serialize for Answers {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter().map(|(id, answer)| (&**id, answer)))
    }
}

/// Why a question does not apply to a service, who agreed, and against which
/// wording of the bank that was judged.
#[derive(Debug, Clone, Serialize)]
pub struct NotApplicable {
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approver: Option<String>,
    /// The bank version the answer was judged against, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bank_version: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Waiver {
    pub reason: String,
    pub approver: String,
    pub granted: Date,
    pub expires: Date,
    pub ticket: Option<String>,
    pub history: Vec<WaiverEvent>,
}

impl Waiver {
    pub fn revoked(&self) -> bool {
        self.history
            .iter()
            .any(|e| e.event == WaiverEventKind::Revoked)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WaiverEventKind {
    Granted,
    Renewed,
    Amended,
    Revoked,
    Expired,
}

#[derive(Debug, Clone, Serialize)]
pub struct WaiverEvent {
    pub date: Date,
    pub event: WaiverEventKind,
    pub by: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RiskStatus {
    Open,
    Mitigated,
    Accepted,
}

#[derive(Debug, Clone, Serialize)]
pub struct Risk {
    pub id: String,
    pub title: String,
    pub impact: Option<String>,
    pub severity: u8,
    pub likelihood: u8,
    pub status: RiskStatus,
    pub mitigations: Vec<String>,
}

impl Risk {
    pub fn score(&self) -> u32 {
        u32::from(self.severity) * u32::from(self.likelihood)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    Go,
    NoGo,
    Conditional,
}

#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub date: Date,
    pub reviewer: String,
    pub decision: Decision,
    pub notes: Option<String>,
    pub findings: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `#[derive(Serialize)]` with `#[serde(flatten)]` wrote before.
    #[derive(Serialize)]
    struct Flattened<'a> {
        question: &'a str,
        status: Status,
        evidence: &'a Option<Box<str>>,
        note: &'a Option<Box<str>>,
        plan: &'a Option<Box<str>>,
        due: Option<Date>,
        waiver: &'a Option<Box<Waiver>>,
        #[serde(flatten)]
        not_applicable: &'a Option<Box<NotApplicable>>,
    }

    fn answer(not_applicable: Option<NotApplicable>) -> Answer {
        Answer {
            question: "q-1".into(),
            status: Status::NotApplicable,
            evidence: Some("https://e".into()),
            note: None,
            plan: None,
            due: Some(jiff::civil::date(2026, 1, 2)),
            waiver: None,
            not_applicable: not_applicable.map(Box::new),
            place: Place::default(),
        }
    }

    #[test]
    fn an_answer_serializes_as_the_flattened_derive_did() {
        let full = NotApplicable {
            reason: "no UI".into(),
            approver: Some("ann".into()),
            bank_version: Some("2".into()),
        };
        let partial = NotApplicable {
            approver: None,
            ..full.clone()
        };
        for a in [answer(None), answer(Some(full)), answer(Some(partial))] {
            let expected = Flattened {
                question: &a.question,
                status: a.status,
                evidence: &a.evidence,
                note: &a.note,
                plan: &a.plan,
                due: a.due,
                waiver: &a.waiver,
                not_applicable: &a.not_applicable,
            };
            assert_eq!(
                serde_json::to_string(&a).unwrap(),
                serde_json::to_string(&expected).unwrap()
            );
            assert_eq!(
                tera::Value::from_serializable(&a),
                tera::Value::from_serializable(&expected)
            );
        }
    }
}
