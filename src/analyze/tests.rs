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
        tiers: vec![],
        concepts: vec![],
        since: None,
        retired: None,
        origin: None,
        revised: None,
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
        not_applicable: None,
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
    let question_index = Handbook::index_questions(&questions);
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
        services: services.into_iter().map(std::sync::Arc::new).collect(),
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
    s.answers.insert("q-req", answer("q-req", Status::Yes));
    s.answers.insert("q-rec", answer("q-rec", Status::Yes));
    let a = assess(&handbook(two_questions(), vec![s]));
    assert_eq!(a.services[0].verdict, Verdict::Go);
    assert_eq!(a.services[0].readiness, 1.0);
    assert!(a.services[0].blockers.is_empty());
}

#[test]
fn unanswered_required_blocks_but_recommended_does_not() {
    let mut s = service("a");
    s.answers.insert("q-req", answer("q-req", Status::Yes));
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
    s.answers.insert("q-req", p.clone());
    let a = assess(&handbook(two_questions(), vec![s.clone()]));
    assert_eq!(a.services[0].verdict, Verdict::Conditional);
    assert_eq!(a.services[0].readiness, 0.25);
    p.due = Some(d("2026-11-22"));
    s.answers.insert("q-req", p.clone());
    let a = assess(&handbook(two_questions(), vec![s.clone()]));
    assert_eq!(a.services[0].verdict, Verdict::NoGo);
    assert_eq!(a.services[0].blockers[0].kind, BlockerKind::PartialOverdue);
    p.due = None;
    s.answers.insert("q-req", p);
    let a = assess(&handbook(two_questions(), vec![s]));
    assert_eq!(a.services[0].blockers[0].kind, BlockerKind::PartialOverdue);
}

#[test]
fn waiver_expiring_today_still_holds_and_expires_tomorrow() {
    let mut s = service("a");
    let mut w = answer("q-req", Status::Waived);
    w.waiver = Some(Box::new(waiver("2026-06-01", TODAY)));
    s.answers.insert("q-req", w.clone());
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
    y.waiver = Some(Box::new(w));
    s.answers.insert("q-req", y);
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
    a1.waiver = Some(Box::new(w));
    s.answers.insert("q-req", a1);
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
    plain.answers.insert("q-old", answer("q-old", Status::Yes));
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
    s.answers.insert("q-req", answer("q-req", Status::Yes));
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
    s.answers.insert("q-req", answer("q-req", Status::Yes));
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
    s.answers.insert("q-req", answer("q-req", Status::Yes));
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
    a_svc.answers.insert("q-req", answer("q-req", Status::Yes));
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

/// A dependency on a service of the handbook with a timeout and retries.
fn call(to: &str, timeout_ms: Option<u64>, retries: Option<u32>) -> Dependency {
    Dependency {
        timeout_ms,
        retries,
        circuit_breaker: true,
        ..dep(Target::Service(to.into()), true, None)
    }
}

fn with_p99(mut s: Service, p99: f64) -> Service {
    s.slo.latency_p99_ms = Some(p99);
    s
}

fn radius<'h>(h: &'h Handbook, a: &'h Assessment, name: &str) -> Vec<&'h str> {
    a.service(name).unwrap().blast_radius.names(h).collect()
}

fn kinds(a: &Assessment, name: &str) -> Vec<ContractKind> {
    a.service(name)
        .unwrap()
        .dependency_findings
        .iter()
        .map(|f| f.kind)
        .collect()
}

#[test]
fn a_caller_that_gives_up_before_its_callee_is_a_timeout_budget_finding() {
    let mut web = service("web");
    web.dependencies = vec![call("api", Some(200), None)];
    let mut api = service("api");
    api.dependencies = vec![call("db", Some(300), Some(2))];
    let a = assess(&handbook(vec![], vec![web, api, service("db")]));
    let found = &a.service("web").unwrap().dependency_findings;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].kind, ContractKind::TimeoutBudget);
    assert_eq!(found[0].path, ["web", "api", "db"]);
    assert!(
        found[0].message.contains("may wait 900 ms"),
        "{}",
        found[0].message
    );
    // A callee without its own dependencies, or a caller that waits long enough: nothing.
    assert!(kinds(&a, "api").is_empty());
}

#[test]
fn the_worst_wait_is_the_largest_along_the_hard_chain() {
    let mut web = service("web");
    web.dependencies = vec![call("api", Some(1000), None)];
    let mut api = service("api");
    api.dependencies = vec![call("db", Some(100), None)];
    let mut db = service("db");
    db.dependencies = vec![Dependency {
        timeout_ms: Some(2000),
        ..dep(Target::External("disk".into()), true, Some(99.9))
    }];
    let a = assess(&handbook(vec![], vec![web, api, db]));
    let found = &a.service("web").unwrap().dependency_findings;
    assert_eq!(found[0].path, ["web", "api", "db", "disk"]);
}

#[test]
fn waiting_on_one_dependency_beyond_the_p99_objective_is_flagged() {
    let mut web = with_p99(service("web"), 250.0);
    web.dependencies = vec![call("api", Some(100), Some(2))];
    let a = assess(&handbook(vec![], vec![web, service("api")]));
    assert_eq!(kinds(&a, "web"), [ContractKind::TimeoutBudget]);
    assert!(a.service("web").unwrap().dependency_findings[0]
        .message
        .contains("300 ms on api (100 ms x 3 tries)"));
}

#[test]
fn no_retries_no_timeout_no_finding() {
    let mut web = with_p99(service("web"), 50.0);
    web.dependencies = vec![call("api", None, None)];
    let a = assess(&handbook(vec![], vec![web, service("api")]));
    assert!(kinds(&a, "web").is_empty());
}

#[test]
fn retries_multiply_along_a_chain_and_the_threshold_is_inclusive() {
    // web -> api -> db -> psp, each retrying twice: 3 x 3 x 3 = 27 calls at psp.
    let mut web = service("web");
    web.dependencies = vec![call("api", None, Some(2))];
    let mut api = service("api");
    api.dependencies = vec![call("db", None, Some(2))];
    let mut db = service("db");
    db.dependencies = vec![Dependency {
        retries: Some(2),
        ..dep(Target::External("psp".into()), true, Some(99.9))
    }];
    let a = assess(&handbook(vec![], vec![web, api, db]));
    let found = &a.service("web").unwrap().dependency_findings;
    assert_eq!(found[0].kind, ContractKind::RetryAmplification);
    assert_eq!(found[0].path, ["web", "api", "db", "psp"]);
    assert!(
        found[0].message.contains("27 calls to psp"),
        "{}",
        found[0].message
    );
    // api's chain is 3 x 3 = 9: under the default limit of 10.
    assert!(kinds(&a, "api").is_empty());

    // A chain exactly at the limit is flagged.
    let mut h = handbook(vec![], vec![]);
    let mut one = service("one");
    one.dependencies = vec![Dependency {
        retries: Some(9),
        ..dep(Target::External("x".into()), true, Some(99.9))
    }];
    h.services = vec![std::sync::Arc::new(one)];
    let a = assess(&h);
    assert_eq!(kinds(&a, "one"), [ContractKind::RetryAmplification]);
}

#[test]
fn a_cycle_is_walked_once_and_ends_the_chains() {
    let mut a_ = service("a");
    a_.dependencies = vec![call("b", Some(100), Some(3))];
    let mut b = service("b");
    b.dependencies = vec![call("a", Some(100), Some(3))];
    let h = handbook(vec![], vec![a_, b]);
    let a = assess(&h);
    // Inside a cycle no chain is followed: each service's own factor, 4, is under 10.
    assert!(kinds(&a, "a").is_empty(), "{:?}", kinds(&a, "a"));
    assert_eq!(radius(&h, &a, "a"), ["b"]);
    assert_eq!(radius(&h, &a, "b"), ["a"]);
}

#[test]
fn sequential_hard_dependencies_over_the_p99_are_a_latency_budget_finding() {
    let mut web = with_p99(service("web"), 250.0);
    web.dependencies = vec![call("api", Some(200), None), call("db", Some(150), None)];
    let a = assess(&handbook(vec![], vec![web, service("api"), service("db")]));
    let found = &a.service("web").unwrap().dependency_findings;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].kind, ContractKind::LatencyBudget);
    assert!(found[0].message.contains("350 ms"), "{}", found[0].message);
}

#[test]
fn the_blast_radius_follows_hard_dependencies_without_a_fallback() {
    let mut web = service("web");
    web.dependencies = vec![call("api", None, None)];
    let mut admin = service("admin");
    admin.dependencies = vec![Dependency {
        fallback: Some("cached".into()),
        ..call("api", None, None)
    }];
    let mut api = service("api");
    api.dependencies = vec![call("db", None, None)];
    let h = handbook(vec![], vec![web, admin, api, service("db")]);
    let a = assess(&h);
    assert_eq!(radius(&h, &a, "db"), ["api", "web"]);
    assert_eq!(radius(&h, &a, "api"), ["web"]);
    assert!(a.service("web").unwrap().blast_radius.is_empty());
}

#[test]
fn a_dependency_whose_ceiling_is_below_its_slo_is_an_optimistic_slo() {
    let mut web = service("web");
    web.slo.availability = Some(99.0);
    web.dependencies = vec![call("api", None, None)];
    let mut api = service("api");
    api.slo.availability = Some(99.95);
    api.dependencies = vec![Dependency {
        timeout_ms: Some(100),
        ..dep(Target::External("psp".into()), true, Some(99.5))
    }];
    let a = assess(&handbook(vec![], vec![web, api]));
    let found = &a.service("web").unwrap().dependency_findings;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].kind, ContractKind::OptimisticSlo);
    assert!(
        found[0].message.contains("cap it at 99.5%"),
        "{}",
        found[0].message
    );
    // The verdict keeps the rule: web's ceiling (99.95) is above its SLO.
    assert_eq!(a.service("web").unwrap().verdict, Verdict::Go);
}

#[test]
fn five_thousand_services_in_a_ring_and_a_chain_are_judged() {
    // Would take minutes if any pass were quadratic per path.
    let n = 5000;
    let name = |i: usize| format!("s{i:05}");
    let mut services: Vec<Service> = (0..n)
        .map(|i| {
            let mut s = service(&name(i));
            s.dependencies = vec![call(&name((i + 1) % n), Some(100), Some(1))];
            s
        })
        .collect();
    let a = assess(&handbook(vec![], services.clone()));
    assert_eq!(a.service(&name(0)).unwrap().blast_radius.len(), n - 1);
    services.last_mut().unwrap().dependencies.clear();
    let a = assess(&handbook(vec![], services));
    assert_eq!(a.service(&name(n - 1)).unwrap().blast_radius.len(), n - 1);
    assert_eq!(a.service(&name(0)).unwrap().blast_radius.len(), 0);
}

fn not_applicable(q: &str, bank_version: Option<&str>) -> Answer {
    let mut a = answer(q, Status::NotApplicable);
    a.not_applicable = Some(Box::new(crate::model::NotApplicable {
        reason: "one tenant".into(),
        approver: Some("sre-lead".into()),
        bank_version: bank_version.map(str::to_string),
    }));
    a
}

#[test]
fn n_a_leaves_the_denominator_and_is_re_flagged_by_a_later_revision() {
    let mut s = service("a");
    s.answers
        .insert("q-req", not_applicable("q-req", Some("2026.9")));
    s.answers.insert("q-rec", answer("q-rec", Status::No));
    let a = assess(&handbook(two_questions(), vec![s.clone()]));
    let judged = &a.services[0];
    assert_eq!(judged.counts.not_applicable, 1);
    assert_eq!(judged.counts.total(), 1);
    assert_eq!(judged.readiness, 0.0);
    assert_eq!(judged.verdict, Verdict::Go);
    assert!(!judged.answers[0].reflagged);

    let mut questions = two_questions();
    questions[0].revised = Some("2026.10".into());
    let a = assess(&handbook(questions, vec![s]));
    let judged = &a.services[0];
    assert_eq!(judged.answers[0].state, AnswerState::Unanswered);
    assert!(judged.answers[0].reflagged);
    assert_eq!(judged.counts.not_applicable, 0);
    assert_eq!(judged.verdict, Verdict::NoGo);
    assert_eq!(
        a.findings
            .iter()
            .filter(|f| f.code == crate::diagnostics::Code::NotApplicableReflagged)
            .count(),
        1
    );
}
