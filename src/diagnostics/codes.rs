//! Stable diagnostic codes: one kebab-case name per kind of problem.
//!
//! CI filters and documentation refer to these names, so a code is never
//! renamed or reused once published; messages may change, codes do not.
//! Kebab names rather than numbers (`E0101`): they read without a lookup
//! table and cannot collide when two branches add a code at once.
//! docs/format.md lists every code (a test checks it).

/// Declares [`Code`] with its name and one line of meaning per variant.
macro_rules! codes {
    ($($variant:ident = $name:literal : $doc:literal,)*) => {
        /// The kind of a [`super::Diagnostic`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(#[doc = $doc] $variant,)*
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable kebab-case name, as printed in `error[name]`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// One line saying what the code means.
            pub fn meaning(self) -> &'static str {
                match self {
                    $(Code::$variant => $doc,)*
                }
            }
        }
    };
}

codes! {
    Unclassified = "unclassified": "A problem no more specific code covers yet.",
    FileUnreadable = "file-unreadable": "A file or folder of the handbook cannot be read.",
    FileTooLarge = "file-too-large": "A file is larger than the limit for its kind.",
    NotUtf8 = "not-utf8": "A file is not valid UTF-8 text.",
    IgnoredFile = "ignored-file": "A file under content/ is not of a kind orr reads, and is ignored.",
    WalkError = "walk-error": "A folder cannot be walked (for example a symlink loop).",
    SkippedLink = "skipped-link": "A symbolic link is not followed (it leads outside the handbook or nowhere).",
    FrontMatterUnclosed = "front-matter-unclosed": "A `---` front matter block has no closing `---` line.",
    FrontMatterMissing = "front-matter-missing": "A Markdown file that needs front matter has none.",
    YamlSyntax = "yaml-syntax": "YAML that cannot be parsed, or that has the wrong shape.",
    SchemaViolation = "schema-violation": "A YAML field is unknown, missing, of the wrong type or out of range.",
    InvalidConfig = "invalid-config": "A value of content/orr.yaml is not allowed.",
    InvalidService = "invalid-service": "A service file's answers, dependencies, risks or reviews are inconsistent.",
    OrphanServiceProse = "orphan-service-prose": "Prose for a service that has no service file.",
    UnknownTag = "unknown-tag": "A tag that content/orr.yaml does not declare.",
    UnknownQuestionId = "unknown-question-id": "An answer or finding names a question that does not exist.",
    UnknownConcept = "unknown-concept": "A link or attribute names a concept that does not exist.",
    ConceptSelfLink = "concept-self-link": "A concept links to itself; the link is left out.",
    UnknownService = "unknown-service": "A postmortem names a service that does not exist.",
    DuplicatePostmortemId = "duplicate-postmortem-id": "Two postmortems share an id.",
    InvalidDate = "invalid-date": "A date that is not a valid YYYY-MM-DD day.",
    InvalidId = "invalid-id": "An id or chapter file name that is not a valid id.",
    QuestionWithoutId = "question-without-id": "A level-2 heading of a question bank has no `{#id}`.",
    MissingCategory = "missing-category": "A question added by a postmortem has no `category=`.",
    DuplicateQuestionId = "duplicate-question-id": "Two questions share an id.",
    SecondQuestionId = "second-question-id": "A question heading gives more than one id.",
    UnknownAttribute = "unknown-attribute": "A question attribute orr does not know.",
    DuplicateAttribute = "duplicate-attribute": "A question attribute is given twice.",
    AttributeWithoutValue = "attribute-without-value": "A question attribute has no `=value`.",
    UnknownLevel = "unknown-level": "A question level other than `required` or `recommended`.",
    InvalidAttributeValue = "invalid-attribute-value": "A question attribute's value cannot be read.",
    UnknownCategory = "unknown-category": "A question names a category that does not exist.",
    RetiredBeforeAdded = "retired-before-added": "A question is retired before the day it was added.",
    MalformedAttributeBlock = "malformed-attribute-block": "A heading's `{#...}` block is malformed.",
    HeadingAttributeDropped = "heading-attribute-dropped": "A heading attribute is left out of the page.",
    RefusedLink = "refused-link": "A link whose scheme or form is refused (for example `javascript:`).",
    BrokenLink = "broken-link": "A link to a file of the handbook that does not exist.",
    TemplateError = "template-error": "A template cannot be compiled or rendered.",
    TimeoutBudget = "timeout-budget": "A caller gives up before its callee does, or waits on one hard dependency past its own p99 objective.",
    RetryAmplification = "retry-amplification": "Retries along a chain of calls multiply to `policy.retry_amplification_max` calls or more.",
    LatencyBudget = "latency-budget": "Hard dependencies called one after the other can take longer than the p99 objective.",
    OptimisticSlo = "optimistic-slo": "A dependency promises an SLO above the ceiling its own dependencies allow.",
    DependencyCycle = "dependency-cycle": "Services depend on each other in a cycle.",
    AvailabilityCeiling = "availability-ceiling": "A hard dependency's availability is unknown, so the ceiling leaves it out.",
    MissingTimeout = "missing-timeout": "A hard dependency has no `timeout_ms`: an unbounded wait.",
    RiskyRetries = "risky-retries": "More than 3 retries, or retries without a circuit breaker.",
    AnswerNotCounted = "answer-not-counted": "An answer does not count toward readiness (for example a lapsed due date).",
    NotApplicableReflagged = "not-applicable-reflagged": "An `n/a` answer predates its question's `revised` wording, so it counts as unanswered until re-confirmed.",
    TooManyDiagnostics = "too-many-diagnostics": "More problems in one file than are shown.",
    DeniedExpiredWaiver = "denied-expired-waiver": "`--deny expired-waivers`: a waiver has expired.",
    DeniedExpiringWaiver = "denied-expiring-waiver": "`--deny expiring-waivers`: a waiver expires soon.",
    DeniedStaleReview = "denied-stale-review": "`--deny stale-reviews`: a service's review is stale.",
    DeniedWarnings = "denied-warnings": "`--deny warnings`: the handbook has warnings.",
    LensInvalid = "lens-invalid": "A Well-Architected lens file is not a lens: not JSON, not an object, or without pillars.",
    LensKeyCase = "lens-key-case": "A lens key written in another letter case than the lens format's; read anyway.",
    LensUnknownKey = "lens-unknown-key": "A lens key the lens format does not define; ignored.",
    LensMissingField = "lens-missing-field": "A field the lens format requires is missing, empty or of the wrong type.",
    LensOverLimit = "lens-over-limit": "A lens value breaks a limit of the lens format (schema version, id pattern, length, count, size).",
    LensRefusedUrl = "lens-refused-url": "A lens URL that is not `http(s)://`; left out.",
    LensRiskRule = "lens-risk-rule": "A lens risk rule that cannot be read, names an unknown choice, can never be true or is never reached.",
    LensTitleSeverity = "lens-title-severity": "A lens question's risk is written as a suffix of its title; read from there and cut off.",
    LensIdClash = "lens-id-clash": "Two lens ids give the same orr id (the later one gets a number), or a lens gives an id the handbook already has.",
    LensShortened = "lens-shortened": "`orr export wa-lens` shortened a text to the lens format's limit.",
    LensLeftOut = "lens-left-out": "`orr export wa-lens` left questions out to keep within the lens format's counts.",
    UnrecordedWaiverChange = "unrecorded-waiver-change": "A commit changed a waiver's reason, expires or approver without adding a `history` event.",
    BackdatedHistory = "backdated-history": "A waiver `history` event is dated earlier than the commit that records it by more than `policy.history_backdate_days`.",
    SelfApprovedWaiver = "self-approved-waiver": "A waiver's approver was written by the approver (`policy.approver_may_author: false`).",
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Code;

    #[test]
    fn names_are_unique_kebab_case() {
        let mut names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert!(names.iter().all(|n| n
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')));
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len());
    }
}
