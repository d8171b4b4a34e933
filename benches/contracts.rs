//! Benchmarks the analysis of 5,000 services in a ring and in a deep chain,
//! every one calling the next with a timeout and a retry: the shapes where
//! any pass over dependency chains that is not linear shows at once.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use orr::analyze::analyze;
use orr::model::{Dependency, Handbook, Service, Slo, Target};
use orr::source::Place;

fn service(name: String, next: Option<String>) -> Service {
    Service {
        title: name.clone(),
        owner: "team".into(),
        tier: 1,
        slo: Slo {
            availability: Some(99.9),
            latency_p99_ms: Some(500.0),
        },
        dependencies: next
            .map(|to| Dependency {
                target: Target::Service(to),
                availability: None,
                hard: true,
                timeout_ms: Some(100),
                retries: Some(1),
                circuit_breaker: true,
                fallback: None,
                place: Place::default(),
            })
            .into_iter()
            .collect(),
        source: format!("content/services/{name}.yaml"),
        name,
        tags: Vec::new(),
        summary: String::new(),
        oncall: None,
        answers: Default::default(),
        risks: Vec::new(),
        reviews: Vec::new(),
        prose_html: None,
    }
}

/// `n` services, each calling the next; the last calls the first when `ring`.
fn organisation(n: usize, ring: bool) -> Handbook {
    let name = |i: usize| format!("s{i:05}");
    let services = (0..n)
        .map(|i| {
            let next = (i + 1 < n || ring).then(|| name((i + 1) % n));
            std::sync::Arc::new(service(name(i), next))
        })
        .collect();
    Handbook {
        base_url: "/".into(),
        services,
        ..Default::default()
    }
}

fn contracts(c: &mut Criterion) {
    let today = "2026-11-23".parse().unwrap();
    let ring = organisation(5000, true);
    let chain = organisation(5000, false);
    c.bench_function("analyze 5,000 services in a ring", |b| {
        b.iter(|| analyze(black_box(&ring), today))
    });
    c.bench_function("analyze 5,000 services in a chain", |b| {
        b.iter(|| analyze(black_box(&chain), today))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = contracts
}
criterion_main!(benches);
