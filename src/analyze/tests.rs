//! Unit tests for every rule of docs/format.md section 7 and its edges.

use jiff::civil::Date;

use super::*;
use crate::config::Config;
use crate::model::*;
use crate::source::Place;

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn question(id: &str, category: &str, level: Level, applies: &[&str]) -> Question {
    Question {
        id: id.into(),
        category: category.into(),
        title: format!("Question {id}?"),
        level,
        applies: applies.iter().map(|s| s.to_string()).collect(),
        concepts: vec![],
        since: None,
        retired: None,
        origin: None,
        guidance_html: String::new(),
        place: Place::default(),
    }
}

fn service(name: &str) -> Service {
    Service {
        name: name.into(),
        title: name.into(),
        owner: "team".into(),
        tier: 1,
        tags: vec![],
        summary: String::new(),
        slo: Slo {
            availability: Some(99.9),
            latency_p99_ms: None,
        },
        oncall: None,
        dependencies: vec![],
        answers: Default::default(),
        risks: vec![],
        reviews: vec![],
        prose_html: None,
        source: format!("content/services/{name}.yaml"),
    }
}

fn answer(q: &str, status: Status) -> Answer {
    Answer {
        question: q.into(),
        status,
        evidence: Some("https://e".into()),
        note: None,
        plan: Some("https://p".into()),
        due: None,
        waiver: None,
        place: Place::default(),
    }
}

fn waiver(granted: &str, expires: &str) -> Waiver {
    Waiver {
        reason: "r".into(),
        approver: "a".into(),
        granted: d(granted),
        expires: d(expires),
        ticket: None,
        history: vec![],
    }
}

fn dep(target: Target, hard: bool, availability: Option<f64>) -> Dependency {
    Dependency {
        target,
        availability,
        hard,
        timeout_ms: Some(100),
        retries: None,
        circuit_breaker: false,
        fallback: None,
        place: Place::default(),
    }
}

fn handbook(questions: Vec<Question>, mut services: Vec<Service>) -> Handbook {
    services.sort_by(|a, b| a.name.cmp(&b.name));
    let question_index = questions
        .iter()
        .enumerate()
        .map(|(i, q)| (q.id.clone(), i))
        .collect();
    Handbook {
        config: Config::default(),
        base_url: "/".into(),
        categories: vec![Category {
            id: "cap".into(),
            title: "Capacity".into(),
            order: 1,
            asks: String::new(),
            intro_html: String::new(),
            source: String::new(),
        }],
        questions,
        question_index,
        services,
        ..Default::default()
    }
}

fn two_questions() -> Vec<Question> {
    vec![
        question("q-req", "cap", Level::Required, &[]),
        question("q-rec", "cap", Level::Recommended, &[]),
    ]
}

const TODAY: &str = "2026-11-23";

fn assess(h: &Handbook) -> Assessment {
    analyze(h, d(TODAY))
}

#[test]
fn all_yes_is_go_with_full_readiness() {
    let mut s = service("a");
    s.answers
        .insert("q-req".into(), answer("q-req", Status::Yes));
    s.answers
        .insert("q-rec".into(), answer("q-rec", Status::Yes));
    let a = assess(&handbook(two_questions(), vec![s]));
    assert_eq!(a.services[0].verdict, Verdict::Go);
    assert_eq!(a.services[0].readiness, 1.0);
    assert!(a.services[0].blockers.is_empty());
}

#[test]
fn unanswered_required_blocks_but_recommended_does_not() {
    let mut s = service("a");
    s.answers
        .insert("q-req".into(), answer("q-req", Status::Yes));
    let a = assess(&handbook(two_questions(), vec![s.clone()]));
    assert_eq!(a.services[0].verdict, Verdict::Go);
    assert_eq!(a.services[0].counts.unanswered, 1);
    assert_eq!(a.services[0].readiness, 0.5);
    s.answers.clear();
    let a = assess(&handbook(two_questions(), vec![s]));
    assert_eq!(a.services[0].verdict, Verdict::NoGo);
    assert_eq!(a.services[0].blockers[0].kind, BlockerKind::Question);
    assert_eq!(a.services[0].blockers[0].question.as_deref(), Some("q-req"));
}

#[test]
fn partial_due_today_is_conditional_and_due_yesterday_blocks() {
    let mut s = service("a");
    let mut p = answer("q-req", Status::Partial);
    p.due = Some(d(TODAY));
    s.answers.insert("q-req".into(), p.clone());
    let a = assess(&handbook(two_questions(), vec![s.clone()]));
    assert_eq!(a.services[0].verdict, Verdict::Conditional);
    assert_eq!(a.services[0].readiness, 0.25);
    p.due = Some(d("2026-11-22"));
    s.answers.insert("q-req".into(), p.clone());
    let a = assess(&handbook(two_questions(), vec![s.clone()]));
    assert_eq!(a.services[0].verdict, Verdict::NoGo);
    assert_eq!(a.services[0].blockers[0].kind, BlockerKind::PartialOverdue);
    p.due = None;
    s.answers.insert("q-req".into(), p);
    let a = assess(&handbook(two_questions(), vec![s]));
    assert_eq!(a.services[0].blockers[0].kind, BlockerKind::PartialOverdue);
}

#[test]
fn waiver_expiring_today_still_holds_and_expires_tomorrow() {
    let mut s = service("a");
    let mut w = answer("q-req", Status::Waived);
    w.waiver = Some(waiver("2026-06-01", TODAY));
    s.answers.insert("q-req".into(), w.clone());
    let h = handbook(two_questions(), vec![s]);
    let a = analyze(&h, d(TODAY));
    assert_eq!(a.services[0].answers[0].state, AnswerState::Waived);
    assert_eq!(a.services[0].verdict, Verdict::Go);
    assert_eq!(a.waivers[0].state, WaiverState::Expiring);
    assert_eq!(a.waivers[0].days_left, 0);
    let a = analyze(&h, d("2026-11-24"));
    assert_eq!(a.services[0].answers[0].state, AnswerState::Expired);
    assert_eq!(a.services[0].blockers[0].kind, BlockerKind::WaiverExpired);
    assert_eq!(a.waivers[0].state, WaiverState::Expired);
    assert_eq!(a.waivers[0].days_left, -1);
}

#[test]
fn waiver_states_active_expiring_closed_revoked() {
    let soon = 30;
    let today = d(TODAY);
    assert_eq!(
        waivers::waiver_state(true, false, d("2026-12-23"), today, soon),
        WaiverState::Expiring
    );
    assert_eq!(
        waivers::waiver_state(true, false, d("2026-12-24"), today, soon),
        WaiverState::Active
    );
    assert_eq!(
        waivers::waiver_state(false, false, d("2026-12-24"), today, soon),
        WaiverState::Closed
    );
    assert_eq!(
        waivers::waiver_state(false, true, d("2026-12-24"), today, soon),
        WaiverState::Revoked
    );
}

#[test]
fn revoked_waiver_on_a_yes_answer_is_revoked_in_the_register_and_yes_in_readiness() {
    let mut s = service("a");
    let mut y = answer("q-req", Status::Yes);
    let mut w = waiver("2026-01-01", "2026-06-01");
    w.history.push(WaiverEvent {
        date: d("2026-03-01"),
        event: WaiverEventKind::Revoked,
        by: Some("sre".into()),
        note: None,
    });
    y.waiver = Some(w);
    s.answers.insert("q-req".into(), y);
    let a = assess(&handbook(two_questions(), vec![s]));
    assert_eq!(a.waivers[0].state, WaiverState::Revoked);
    assert_eq!(a.services[0].answers[0].state, AnswerState::Yes);
    assert_eq!(a.services[0].verdict, Verdict::Go);
}

#[test]
fn revoked_waiver_still_marked_waived_counts_as_no() {
    let mut s = service("a");
    let mut a1 = answer("q-req", Status::Waived);
    let mut w = waiver("2026-10-01", "2027-01-01");
    w.history.push(WaiverEvent {
        date: d("2026-11-01"),
        event: WaiverEventKind::Revoked,
        by: None,
        note: None,
    });
    a1.waiver = Some(w);
    s.answers.insert("q-req".into(), a1);
    let a = assess(&handbook(two_questions(), vec![s]));
    assert_eq!(a.services[0].answers[0].state, AnswerState::No);
    assert!(a.services[0].blockers[0].message.contains("revoked"));
}

#[test]
fn tagged_and_retired_questions_apply_only_where_they_should() {
    let mut tagged = question("q-ml", "cap", Level::Required, &["ml-serving"]);
    tagged.since = Some(d("2026-01-01"));
    let mut retired = question("q-old", "cap", Level::Required, &[]);
    retired.retired = Some(d("2026-01-01"));
    let mut plain = service("plain");
    plain
        .answers
        .insert("q-old".into(), answer("q-old", Status::Yes));
    let mut ml = service("ml");
    ml.tags = vec!["ml-serving".into()];
    let a = assess(&handbook(vec![tagged, retired], vec![plain, ml]));
    let ml = a.service("ml").unwrap();
    let plain = a.service("plain").unwrap();
    assert_eq!(ml.counts.total(), 1);
    assert_eq!(ml.verdict, Verdict::NoGo);
    assert_eq!(plain.counts.total(), 0);
    assert_eq!(plain.verdict, Verdict::Go);
    assert_eq!(plain.readiness, 1.0);
    assert_eq!(plain.history_answers, vec!["q-old".to_string()]);
}

#[test]
fn open_risk_at_threshold_blocks_mitigated_does_not() {
    let mut s = service("a");
    s.answers
        .insert("q-req".into(), answer("q-req", Status::Yes));
    s.risks.push(Risk {
        id: "r1".into(),
        title: "Outage".into(),
        impact: None,
        severity: 5,
        likelihood: 3,
        status: RiskStatus::Open,
        mitigations: vec![],
    });
    s.risks.push(Risk {
        id: "r2".into(),
        title: "Other".into(),
        impact: None,
        severity: 5,
        likelihood: 5,
        status: RiskStatus::Mitigated,
        mitigations: vec![],
    });
    s.risks.push(Risk {
        id: "r3".into(),
        title: "Small".into(),
        impact: None,
        severity: 2,
        likelihood: 7 / 2,
        status: RiskStatus::Open,
        mitigations: vec![],
    });
    let a = assess(&handbook(two_questions(), vec![s]));
    let blockers = &a.services[0].blockers;
    assert_eq!(blockers.len(), 1);
    assert_eq!(blockers[0].kind, BlockerKind::Risk);
    assert_eq!(blockers[0].risk.as_deref(), Some("r1"));
}

#[test]
fn ceiling_of_three_hard_dependencies_at_three_nines() {
    let mut s = service("a");
    s.slo.availability = Some(99.9);
    s.answers
        .insert("q-req".into(), answer("q-req", Status::Yes));
    for name in ["x", "y", "z"] {
        s.dependencies
            .push(dep(Target::External(name.into()), true, Some(99.9)));
    }
    let a = assess(&handbook(two_questions(), vec![s]));
    let sa = &a.services[0];
    assert!(
        (sa.ceiling.unwrap() - 99.7003).abs() < 1e-3,
        "{:?}",
        sa.ceiling
    );
    assert_eq!(sa.verdict, Verdict::NoGo);
    assert_eq!(sa.blockers[0].kind, BlockerKind::Ceiling);
}

#[test]
fn fallbacks_soft_dependencies_and_no_dependencies_leave_no_ceiling() {
    let mut s = service("a");
    s.answers
        .insert("q-req".into(), answer("q-req", Status::Yes));
    let a = assess(&handbook(two_questions(), vec![s.clone()]));
    assert_eq!(a.services[0].ceiling, None);
    let mut fb = dep(Target::External("psp".into()), true, Some(90.0));
    fb.fallback = Some("queue".into());
    s.dependencies.push(fb);
    s.dependencies
        .push(dep(Target::External("soft".into()), false, Some(50.0)));
    let a = assess(&handbook(two_questions(), vec![s]));
    assert_eq!(a.services[0].ceiling, None);
    assert_eq!(a.services[0].verdict, Verdict::Go);
}

#[test]
fn dependency_on_a_service_without_an_slo_is_a_warning_left_out_of_the_ceiling() {
    let mut a_svc = service("a");
    a_svc
        .answers
        .insert("q-req".into(), answer("q-req", Status::Yes));
    a_svc
        .dependencies
        .push(dep(Target::Service("b".into()), true, None));
    a_svc
        .dependencies
        .push(dep(Target::Service("c".into()), true, None));
    let mut b = service("b");
    b.slo.availability = None;
    let mut c = service("c");
    c.slo.availability = Some(99.99);
    let a = assess(&handbook(two_questions(), vec![a_svc, b, c]));
    let sa = a.service("a").unwrap();
    assert_eq!(sa.ceiling.map(|c| round(c, 4)), Some(99.99));
    assert!(!sa.dependencies[0].in_ceiling);
    assert!(a.findings.iter().any(|f| f
        .message
        .contains("availability of hard dependency `b` is unknown")));
    assert_eq!(a.dependants["b"], vec!["a".to_string()]);
}

#[test]
fn dependency_findings_timeouts_retries_breakers() {
    let mut s = service("a");
    let mut no_timeout = dep(Target::External("x".into()), true, Some(99.99));
    no_timeout.timeout_ms = None;
    let mut many = dep(Target::External("y".into()), false, None);
    many.retries = Some(5);
    many.circuit_breaker = true;
    let mut unguarded = dep(Target::External("z".into()), false, None);
    unguarded.retries = Some(2);
    let mut guarded = dep(Target::External("w".into()), false, None);
    guarded.retries = Some(2);
    guarded.circuit_breaker = true;
    s.dependencies = vec![no_timeout, many, unguarded, guarded];
    let a = assess(&handbook(two_questions(), vec![s]));
    let messages: Vec<&str> = a.findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        vec![
            "a: hard dependency `x` has no `timeout_ms`: an unbounded wait",
            "a: 5 retries to `y` multiply its load when it struggles",
            "a: retries to `z` without a circuit breaker",
        ]
    );
    assert!(a
        .findings
        .iter()
        .all(|f| f.severity == crate::diagnostics::Severity::Warning));
}

#[test]
fn cycles_are_found_once() {
    let mut a_svc = service("a");
    a_svc
        .dependencies
        .push(dep(Target::Service("b".into()), false, None));
    let mut b = service("b");
    b.dependencies
        .push(dep(Target::Service("c".into()), false, None));
    let mut c = service("c");
    c.dependencies
        .push(dep(Target::Service("a".into()), false, None));
    let dsv = service("d");
    let a = assess(&handbook(vec![], vec![a_svc, b, c, dsv]));
    let cycles: Vec<&str> = a
        .findings
        .iter()
        .map(|f| f.message.as_str())
        .filter(|m| m.contains("cycle"))
        .collect();
    assert_eq!(cycles, vec!["dependency cycle between a, b, c"]);
}

#[test]
fn new_questions_stale_reviews_and_disagreement() {
    let mut q = question("q-new", "cap", Level::Recommended, &[]);
    q.since = Some(d("2026-10-01"));
    let mut old = question("q-old", "cap", Level::Recommended, &[]);
    old.since = Some(d("2026-08-01"));
    let mut s = service("a");
    s.reviews.push(Review {
        date: d("2026-09-01"),
        reviewer: "r".into(),
        decision: Decision::NoGo,
        notes: None,
        findings: vec![],
    });
    let mut never = service("b");
    never.reviews.clear();
    let mut ancient = service("c");
    ancient.reviews.push(Review {
        date: d("2025-11-22"),
        reviewer: "r".into(),
        decision: Decision::Go,
        notes: None,
        findings: vec![],
    });
    let mut edge = service("e");
    edge.reviews.push(Review {
        date: d("2025-11-23"),
        reviewer: "r".into(),
        decision: Decision::Go,
        notes: None,
        findings: vec![],
    });
    let a = assess(&handbook(vec![q, old], vec![s, never, ancient, edge]));
    let sa = a.service("a").unwrap();
    assert_eq!(sa.new_questions, vec!["q-new".to_string()]);
    assert!(!sa.stale);
    assert!(sa.disagrees, "review said no-go, computed go");
    assert!(a.service("b").unwrap().stale);
    assert!(a.service("c").unwrap().stale, "366 days old");
    assert!(!a.service("e").unwrap().stale, "exactly 365 days old");
    assert!(!a.service("e").unwrap().disagrees);
}
