//! Services: the answer files, checked against the banks, the tags, the
//! policy and each other.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rayon::prelude::*;

use super::ids::{bad_id, is_valid_id};
use crate::date::{days_between, parse_date};
use crate::diagnostics::{did_you_mean, Diagnostic, Diagnostics};
use crate::links::{self, LINK_HELP};
use crate::load::describe::{Choice, Named};
use crate::load::raw::{AnswerRaw, DependencyRaw, ProseFront, ServiceRaw, WaiverRaw};
use crate::load::yaml_locate::{value_column, Seg, YamlLines};
use crate::load::{MarkdownDoc, ServiceDoc, ServiceFile, Sources, YamlDoc};
use crate::markdown::Renderer;
use crate::model::*;
use crate::source::SourceFile;

/// How one service file is checked: the given closure does the work; a memo
/// may instead return what it gave for the same file text in the same
/// handbook (`orr serve`, see `pipeline`'s service memo).
pub(crate) type CheckFn<'a> = dyn Fn(
        &ServiceFile,
        &mut dyn FnMut(&mut Vec<Diagnostic>) -> Option<Arc<Service>>,
        &mut Vec<Diagnostic>,
    ) -> Option<Arc<Service>>
    + Sync
    + 'a;

/// Every service file checked afresh.
pub(crate) fn check_fresh(
    _file: &ServiceFile,
    check: &mut dyn FnMut(&mut Vec<Diagnostic>) -> Option<Arc<Service>>,
    local: &mut Vec<Diagnostic>,
) -> Option<Arc<Service>> {
    check(local)
}

/// Checks every service file and returns the services, sorted by name.
pub(crate) fn resolve_services(
    sources: &Sources,
    files: Vec<ServiceFile>,
    memo: &CheckFn,
    handbook: &Handbook,
    renderer: &Renderer,
    diags: &mut Diagnostics,
) -> Vec<Arc<Service>> {
    let names: BTreeSet<&str> = sources.service_names.iter().map(String::as_str).collect();
    let prose: BTreeMap<&str, &MarkdownDoc<ProseFront>> = sources
        .service_prose
        .iter()
        .map(|p| (p.stem.as_str(), p))
        .collect();
    for p in &sources.service_prose {
        if !names.contains(p.stem.as_str()) {
            let mut d = Diagnostic::file_error(
                &p.source.path,
                format!(
                    "prose for a service `{}` that has no `content/services/{}.yaml`",
                    p.stem, p.stem
                ),
            )
            .code(crate::diagnostics::Code::OrphanServiceProse);
            d = match did_you_mean(&p.stem, names.iter().copied()) {
                Some(mean) => d.help(mean),
                None => d.help("a service's prose sits beside its YAML file, with the same name"),
            };
            diags.push(d);
        }
    }
    // Each file is parsed, checked and dropped on one thread: only the files
    // in flight are ever held parsed.
    let checked: Vec<(Option<Arc<Service>>, Vec<Diagnostic>)> = files
        .into_par_iter()
        .map(|file| {
            let mut local = Vec::new();
            let mut fresh = |local: &mut Vec<Diagnostic>| {
                file.parse(local).map(|doc| {
                    Arc::new(check_service(
                        &doc, handbook, &names, &prose, renderer, local,
                    ))
                })
            };
            let service = memo(&file, &mut fresh, &mut local);
            (service, local)
        })
        .collect();
    let mut services = Vec::with_capacity(checked.len());
    for (service, local) in checked {
        diags.extend(local);
        services.extend(service);
    }
    services.sort_by(|a, b| a.name.cmp(&b.name));
    services
}

/// One service file checked and turned into a service; `doc` is dropped by the caller right after.
fn check_service(
    parsed: &ServiceDoc,
    handbook: &Handbook,
    names: &BTreeSet<&str>,
    prose: &BTreeMap<&str, &MarkdownDoc<ProseFront>>,
    renderer: &Renderer,
    local: &mut Vec<Diagnostic>,
) -> Service {
    let doc = &parsed.yaml;
    let prose_html = prose.get(doc.stem.as_str()).map(|p| {
        let mut html = String::new();
        for s in &p.sections {
            html.push_str(&renderer.render(&p.source, &s.events, local));
        }
        html
    });
    let mut checker = ServiceChecker {
        doc,
        handbook,
        names,
        local,
        lines: YamlLines::new(&doc.source.text),
        answer_keys: parsed.answer_keys.as_deref(),
        seen_dependencies: BTreeSet::new(),
    };
    let mut service = checker.check();
    service.prose_html = prose_html;
    service
}

struct ServiceChecker<'a, 'b> {
    doc: &'a YamlDoc<ServiceRaw>,
    handbook: &'a Handbook,
    names: &'a BTreeSet<&'a str>,
    local: &'b mut Vec<Diagnostic>,
    /// The file split into lines once, for locating every error in it.
    lines: YamlLines<'a>,
    /// Where each answer's key starts, by the answers' order, when the
    /// reader knew: found without searching the lines (250,000 answers at
    /// 1,000 services).
    answer_keys: Option<&'a [usize]>,
    /// Dependencies seen so far, to catch one listed twice (it would count twice in the ceiling).
    seen_dependencies: BTreeSet<Target>,
}

impl ServiceChecker<'_, '_> {
    fn source(&self) -> &SourceFile {
        &self.doc.source
    }

    fn at(&self, path: &[Seg]) -> (usize, usize) {
        self.lines.locate(path)
    }

    /// Column of the value after `key: ` on the located line.
    fn value_at(&self, path: &[Seg]) -> (usize, usize) {
        let (line, column) = self.at(path);
        let col = value_column(self.source().line_text(line), column).unwrap_or(column);
        (line, col)
    }

    fn error(&mut self, path: &[Seg], message: impl Into<String>) -> &mut Diagnostic {
        let (line, column) = self.at(path);
        let d = Diagnostic::error(&self.doc.source, line, column, message)
            .code(crate::diagnostics::Code::InvalidService);
        self.local.push(d);
        self.local.last_mut().expect("just pushed")
    }

    fn value_error(&mut self, path: &[Seg], message: impl Into<String>) -> &mut Diagnostic {
        let (line, column) = self.value_at(path);
        let d = Diagnostic::error(&self.doc.source, line, column, message)
            .code(crate::diagnostics::Code::InvalidService);
        self.local.push(d);
        self.local.last_mut().expect("just pushed")
    }

    fn date(&mut self, path: &[Seg], what: &str, text: &str) -> Option<jiff::civil::Date> {
        match parse_date(text) {
            Ok(d) => Some(d),
            Err(e) => {
                self.value_error(path, format!("{what}: {e}"));
                None
            }
        }
    }

    fn link(&mut self, path: &[Seg], url: &Option<String>) {
        if let Some(message) = url.as_deref().and_then(links::refusal) {
            let d = self.value_error(path, message);
            d.help = Some(LINK_HELP.to_string());
        }
    }

    fn check(&mut self) -> Service {
        let raw = &self.doc.doc;
        let name = self.doc.stem.clone();
        if !is_valid_id(&name) {
            self.local
                .push(bad_id(&self.doc.source, 0, 0, "service file name", &name));
        }
        if !raw.tier.in_range() {
            self.value_error(
                &[Seg::Key("tier")],
                format!("tier {} is out of range", raw.tier.get()),
            )
            .help = Some("tiers run from 1 (most critical) to 4".into());
        }
        let mut tags = Vec::new();
        for (i, tag) in raw.tags.iter().enumerate() {
            if self.handbook.config.knows_tag(tag) {
                tags.push(tag.clone());
            } else {
                let help = did_you_mean(tag, self.handbook.config.tags.keys().map(String::as_str))
                    .unwrap_or_else(|| "declare the tag under `tags:` in content/orr.yaml".into());
                let path = [Seg::Key("tags"), Seg::Item(i)];
                let (line, _) = self.at(&path);
                let column = super::ids::column_of(&self.doc.source, line, tag, 1);
                self.local.push(
                    Diagnostic::error(
                        &self.doc.source,
                        line,
                        column,
                        format!("unknown tag `{tag}`"),
                    )
                    .code(crate::diagnostics::Code::UnknownTag)
                    .help(help),
                );
            }
        }
        let slo = raw
            .slo
            .as_ref()
            .map(|s| Slo {
                availability: s.availability,
                latency_p99_ms: s.latency_p99_ms,
            })
            .unwrap_or_default();
        if let Some(a) = slo.availability {
            if !(a > 0.0 && a <= 100.0) {
                self.value_error(
                    &[Seg::Key("slo"), Seg::Key("availability")],
                    format!("availability {a} is not a percentage"),
                )
                .help = Some("write a percent between 0 and 100, e.g. `99.95`".into());
            }
        }
        let dependencies = raw
            .dependencies
            .iter()
            .enumerate()
            .filter_map(|(i, d)| self.dependency(i, d, &name))
            .collect();
        let mut answers = Vec::with_capacity(raw.answers.len());
        for (i, (id, answer)) in raw.answers.iter().enumerate() {
            if let Some(a) = self.answer(i, id, answer) {
                answers.push(a);
            }
        }
        let answers: Answers = answers.into_iter().collect();
        let risks = self.risks();
        let reviews = self.reviews();
        Service {
            name,
            title: raw.title.clone(),
            owner: raw.owner.clone(),
            tier: raw.tier.get().clamp(1, 4) as u8,
            tags,
            summary: raw.summary.clone().unwrap_or_default(),
            slo,
            oncall: raw.oncall.as_ref().map(|o| Oncall {
                rotation: o.rotation.clone(),
                members: o.members,
                escalation: o.escalation.clone(),
            }),
            dependencies,
            answers,
            risks,
            reviews,
            prose_html: None,
            source: self.doc.source.path.clone(),
        }
    }

    fn dependency(&mut self, i: usize, d: &DependencyRaw, me: &str) -> Option<Dependency> {
        let item = [Seg::Key("dependencies"), Seg::Item(i)];
        let target = match (&d.service, &d.external) {
            (Some(s), None) => {
                let key = [Seg::Key("dependencies"), Seg::Item(i), Seg::Key("service")];
                if s == me {
                    self.value_error(&key, format!("`{me}` depends on itself"))
                        .help = Some("remove this dependency".into());
                    return None;
                }
                if !self.names.contains(s.as_str()) {
                    let help = did_you_mean(s, self.names.iter().copied()).unwrap_or_else(|| {
                        "use `external:` for a dependency outside the handbook".into()
                    });
                    self.value_error(&key, format!("unknown service `{s}`"))
                        .help = Some(help);
                    return None;
                }
                if d.availability.is_some() {
                    let key = [
                        Seg::Key("dependencies"),
                        Seg::Item(i),
                        Seg::Key("availability"),
                    ];
                    self.error(
                        &key,
                        format!("`availability` is taken from `{s}`'s own SLO"),
                    )
                    .help = Some(format!(
                        "set `slo.availability` in content/services/{s}.yaml and remove this line"
                    ));
                }
                Target::Service(s.clone())
            }
            (None, Some(e)) => Target::External(e.clone()),
            (Some(_), Some(_)) => {
                self.error(
                    &item,
                    "a dependency is either `service:` or `external:`, not both",
                );
                return None;
            }
            (None, None) => {
                self.error(&item, "a dependency needs `service:` (a service of this handbook) or `external:` (a name)");
                return None;
            }
        };
        if !self.seen_dependencies.insert(target.clone()) {
            let key = if matches!(target, Target::Service(_)) {
                "service"
            } else {
                "external"
            };
            let path = [Seg::Key("dependencies"), Seg::Item(i), Seg::Key(key)];
            self.value_error(&path, format!("`{}` is listed twice in `dependencies`", target.name())).help =
                Some("list each dependency once: a second entry would count twice in the availability ceiling".into());
            return None;
        }
        if let Some(a) = d.availability {
            if !(a > 0.0 && a <= 100.0) {
                let key = [
                    Seg::Key("dependencies"),
                    Seg::Item(i),
                    Seg::Key("availability"),
                ];
                self.value_error(&key, format!("availability {a} is not a percentage"))
                    .help = Some("write a percent between 0 and 100, e.g. `99.9`".into());
            }
        }
        let (line, column) = self.at(&item);
        Some(Dependency {
            target,
            availability: d.availability,
            hard: d.hard.unwrap_or(true),
            timeout_ms: d.timeout_ms,
            retries: d.retries,
            circuit_breaker: d.circuit_breaker,
            fallback: d.fallback.clone().filter(|f| !f.trim().is_empty()),
            place: self.doc.source.place(line, column),
        })
    }

    /// The answer to `id`, the `number`th of the file's answers (by id).
    fn answer(&mut self, number: usize, id: &str, a: &AnswerRaw) -> Option<Answer> {
        let key = [Seg::Key("answers"), Seg::Key(id)];
        if self.handbook.malformed_question_ids.contains(id) {
            return None;
        }
        let Some(question) = self.handbook.question_id(id) else {
            let help = did_you_mean(id, self.handbook.questions.iter().map(|q| q.id.as_str()))
                .unwrap_or_else(|| {
                    "answers are keyed by the ids of the questions in content/questions/".into()
                });
            let d = self.error(&key, format!("unknown question id `{id}`"));
            d.help = Some(help);
            d.code = crate::diagnostics::Code::UnknownQuestionId;
            return None;
        };
        let field = |f: &'static str| [Seg::Key("answers"), Seg::Key(id), Seg::Key(f)];
        let status = match &a.status {
            Choice::Known(status) => *status,
            Choice::Unknown(other) => {
                let (message, help) = Status::unknown(other);
                self.value_error(&field("status"), message).help = Some(help);
                return None;
            }
        };
        let (line, column) = match self.answer_keys {
            Some(keys) => self.doc.source.line_col(keys[number]),
            None => self.at(&key),
        };
        let place = self.doc.source.place(line, column);
        match status {
            Status::Yes if a.evidence.as_deref().is_none_or(|e| e.trim().is_empty()) => {
                self.error(
                    &field("status"),
                    format!("`{id}` is answered `yes` without `evidence`"),
                )
                .help = Some(
                    "add `evidence:` with the link that shows it (the \"here's where\")".into(),
                );
            }
            Status::Partial if a.plan.as_deref().is_none_or(|e| e.trim().is_empty()) => {
                self.error(
                    &field("status"),
                    format!("`{id}` is answered `partial` without a `plan`"),
                )
                .help = Some(
                    "add `plan:` with the link to the work that finishes it, and `due:`".into(),
                );
            }
            Status::Waived if a.waiver.is_none() => {
                self.error(
                    &field("status"),
                    format!("`{id}` is `waived` without a `waiver`"),
                )
                .help = Some(
                    "add a `waiver:` block with `reason`, `approver`, `granted` and `expires`"
                        .into(),
                );
            }
            _ => {}
        }
        self.link(&field("evidence"), &a.evidence);
        self.link(&field("plan"), &a.plan);
        let due = a
            .due
            .as_ref()
            .and_then(|t| self.date(&field("due"), "`due`", t));
        let waiver = a
            .waiver
            .as_ref()
            .and_then(|w| self.waiver(id, w))
            .map(Box::new);
        let not_applicable = self.not_applicable(id, status, a);
        Some(Answer {
            question,
            status,
            evidence: a.evidence.as_deref().map(Box::from),
            note: a.note.as_deref().map(Box::from),
            plan: a.plan.as_deref().map(Box::from),
            due,
            waiver,
            not_applicable,
            place,
        })
    }

    /// The `reason`, `approver` and `bank_version` of an `n/a` answer, checked:
    /// a reason always, an approver for a required question. On another
    /// status they are reported as out of place and left out.
    fn not_applicable(
        &mut self,
        id: &str,
        status: Status,
        a: &AnswerRaw,
    ) -> Option<Box<NotApplicable>> {
        let field = |f: &'static str| [Seg::Key("answers"), Seg::Key(id), Seg::Key(f)];
        fn given(v: &Option<String>) -> Option<&str> {
            v.as_deref().map(str::trim).filter(|v| !v.is_empty())
        }
        if status != Status::NotApplicable {
            let stray = [
                ("reason", &a.reason),
                ("approver", &a.approver),
                ("bank_version", &a.bank_version),
            ]
            .into_iter()
            .find(|(_, v)| v.is_some());
            if let Some((key, _)) = stray {
                let d = self.error(
                    &field(key),
                    format!("`{key}` belongs to an `n/a` answer, and `{id}` is not one"),
                );
                d.severity = crate::diagnostics::Severity::Warning;
                d.help = Some(
                    "a waiver's reason and approver go under `waiver:`; otherwise remove the line"
                        .into(),
                );
            }
            return None;
        }
        let required = self
            .handbook
            .question(id)
            .is_some_and(|q| q.level == Level::Required);
        let reason = given(&a.reason).map(str::to_string);
        let approver = given(&a.approver).map(str::to_string);
        if reason.is_none() {
            self.error(
                &field("status"),
                format!("`{id}` is answered `n/a` without a `reason`"),
            )
            .help =
                Some("add `reason:` saying why the question does not apply to this service".into());
        }
        if required && approver.is_none() {
            self.error(
                &field("status"),
                format!("`{id}` is a required question answered `n/a` without an `approver`"),
            )
            .help = Some("add `approver:` naming who agreed that it does not apply".into());
        }
        let bank_version = given(&a.bank_version).map(|v| {
            // `bank_version: 2026.10` unquoted is a YAML number; keep it as written.
            let (line, _) = self.at(&field("bank_version"));
            label_as_written(self.source().line_text(line), v)
        });
        Some(Box::new(NotApplicable {
            reason: reason.unwrap_or_default(),
            approver,
            bank_version,
        }))
    }

    fn waiver(&mut self, id: &str, w: &WaiverRaw) -> Option<Waiver> {
        let key = |f: &'static str| {
            [
                Seg::Key("answers"),
                Seg::Key(id),
                Seg::Key("waiver"),
                Seg::Key(f),
            ]
        };
        let block = [Seg::Key("answers"), Seg::Key(id), Seg::Key("waiver")];
        let missing: Vec<&str> = [
            ("reason", w.reason.is_none()),
            ("approver", w.approver.is_none()),
            ("granted", w.granted.is_none()),
            ("expires", w.expires.is_none()),
        ]
        .into_iter()
        .filter(|(_, m)| *m)
        .map(|(k, _)| k)
        .collect();
        if !missing.is_empty() {
            let list = missing
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            self.error(&block, format!("the waiver of `{id}` is missing {list}"))
                .help = Some(
                "a waiver names its reason, its approver, the date granted and the date it expires"
                    .into(),
            );
        }
        self.link(&key("ticket"), &w.ticket);
        let granted = w
            .granted
            .as_ref()
            .and_then(|t| self.date(&key("granted"), "`granted`", t));
        let expires = w
            .expires
            .as_ref()
            .and_then(|t| self.date(&key("expires"), "`expires`", t));
        if let (Some(g), Some(e)) = (granted, expires) {
            let days = days_between(g, e);
            let max = self.handbook.config.policy.waiver_max_days;
            if days < 0 {
                self.value_error(
                    &key("expires"),
                    format!("the waiver of `{id}` expires ({e}) before it was granted ({g})"),
                );
            } else if days > max {
                self.value_error(&key("expires"), format!("the waiver of `{id}` runs {days} days, longer than the policy's {max}")).help = Some(format!("waivers last at most `policy.waiver_max_days` ({max}) days: renew it instead (a `renewed` event in `history`)"));
            }
        }
        let mut history = Vec::new();
        for (i, ev) in w.history.iter().enumerate() {
            let path = |f: &'static str| {
                [
                    Seg::Key("answers"),
                    Seg::Key(id),
                    Seg::Key("waiver"),
                    Seg::Key("history"),
                    Seg::Item(i),
                    Seg::Key(f),
                ]
            };
            let event = match &ev.event {
                Choice::Known(event) => Some(*event),
                Choice::Unknown(other) => {
                    let (message, help) = WaiverEventKind::unknown(other);
                    self.value_error(&path("event"), message).help = Some(help);
                    None
                }
            };
            let date = self.date(&path("date"), "history `date`", &ev.date);
            if let (Some(event), Some(date)) = (event, date) {
                history.push(WaiverEvent {
                    date,
                    event,
                    by: ev.by.clone(),
                    note: ev.note.clone(),
                });
            }
        }
        history.sort_by_key(|e| e.date);
        history.shrink_to_fit();
        Some(Waiver {
            reason: w.reason.clone()?,
            approver: w.approver.clone()?,
            granted: granted?,
            expires: expires?,
            ticket: w.ticket.clone(),
            history,
        })
    }

    fn risks(&mut self) -> Vec<Risk> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for (i, r) in self.doc.doc.risks.iter().enumerate() {
            let path = |f: &'static str| [Seg::Key("risks"), Seg::Item(i), Seg::Key(f)];
            let mut ok = true;
            if !seen.insert(r.id.clone()) {
                self.value_error(
                    &path("id"),
                    format!("risk id `{}` is used twice in this service", r.id),
                );
                ok = false;
            }
            for (name, value) in [
                ("severity", r.severity.get()),
                ("likelihood", r.likelihood.get()),
            ] {
                if !(1..=5).contains(&value) {
                    let key = if name == "severity" {
                        path("severity")
                    } else {
                        path("likelihood")
                    };
                    self.value_error(&key, format!("{name} {value} is outside 1..5"))
                        .help = Some(format!("{name} is scored from 1 (lowest) to 5 (highest)"));
                    ok = false;
                }
            }
            let status = match &r.status {
                None => RiskStatus::Open,
                Some(Choice::Known(status)) => *status,
                Some(Choice::Unknown(other)) => {
                    let (message, help) = RiskStatus::unknown(other);
                    self.value_error(&path("status"), message).help = Some(help);
                    continue;
                }
            };
            if ok {
                out.push(Risk {
                    id: r.id.clone(),
                    title: r.title.clone(),
                    impact: r.impact.clone(),
                    severity: r.severity.get() as u8,
                    likelihood: r.likelihood.get() as u8,
                    status,
                    mitigations: r.mitigations.clone(),
                });
            }
        }
        out
    }

    fn reviews(&mut self) -> Vec<Review> {
        let mut out = Vec::new();
        for (i, r) in self.doc.doc.reviews.iter().enumerate() {
            let path = |f: &'static str| [Seg::Key("reviews"), Seg::Item(i), Seg::Key(f)];
            let date = self.date(&path("date"), "review `date`", &r.date);
            let decision = match &r.decision {
                Choice::Known(decision) => Some(*decision),
                Choice::Unknown(other) => {
                    let (message, help) = Decision::unknown(other);
                    self.value_error(&path("decision"), message).help = Some(help);
                    None
                }
            };
            for finding in &r.findings {
                if self.handbook.question(finding).is_none() {
                    let (line, _) = self.at(&path("findings"));
                    let column = super::ids::column_of(&self.doc.source, line, finding, 1);
                    let help = did_you_mean(
                        finding,
                        self.handbook.questions.iter().map(|q| q.id.as_str()),
                    )
                    .unwrap_or_else(|| "findings name question ids".into());
                    self.local.push(
                        Diagnostic::error(
                            &self.doc.source,
                            line,
                            column,
                            format!("unknown question id `{finding}` in `findings`"),
                        )
                        .code(crate::diagnostics::Code::UnknownQuestionId)
                        .help(help),
                    );
                }
            }
            if let (Some(date), Some(decision)) = (date, decision) {
                out.push(Review {
                    date,
                    reviewer: r.reviewer.clone(),
                    decision,
                    notes: r.notes.clone(),
                    findings: r.findings.clone(),
                });
            }
        }
        out.sort_by_key(|r| r.date);
        out
    }
}

/// A `bank_version:` label as written on `line`, when YAML read it as a
/// number: `2026.10` unquoted is the number 2026.1, which would compare as
/// older than 2026.9. Works in block and flow style (`{..., bank_version: 2026.10}`);
/// anything else keeps `parsed`.
fn label_as_written(line: &str, parsed: &str) -> String {
    let written = line.split_once("bank_version:").map(|(_, rest)| {
        let end = rest.find([',', '}', '#']).unwrap_or(rest.len());
        rest[..end].trim()
    });
    let plain_number = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || c == '.');
    match written {
        Some(w) if plain_number(w) && w.parse::<f64>().ok() == parsed.parse::<f64>().ok() => {
            w.to_string()
        }
        _ => parsed.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::label_as_written;

    #[test]
    fn a_bank_version_read_as_a_number_keeps_its_written_digits() {
        assert_eq!(
            label_as_written("    bank_version: 2026.10", "2026.1"),
            "2026.10"
        );
        assert_eq!(
            label_as_written(
                "  q: {status: n/a, bank_version: 2026.10, reason: r}",
                "2026.1"
            ),
            "2026.10"
        );
        assert_eq!(
            label_as_written("    bank_version: 2026.10 # note", "2026.1"),
            "2026.10"
        );
        assert_eq!(
            label_as_written("    bank_version: \"2026.10\"", "2026.10"),
            "2026.10"
        );
        assert_eq!(label_as_written("    bank_version: 7", "7"), "7");
        assert_eq!(label_as_written("  elsewhere", "2026.1"), "2026.1");
    }
}
