//! Benchmarks the layered layout and the full dependency-graph drawing on a
//! generated organisation of 500 services (with cycles and long edges).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use orr::svg::{
    dependency_graph, layered_layout, DependencyGraph, GraphEdge, GraphNode, LayoutOptions,
    NodeKind,
};

/// Deterministic pseudo-random numbers (a linear congruential generator).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        if bound == 0 {
            0
        } else {
            (self.0 >> 33) as usize % bound
        }
    }
}

/// 500 services, each depending on 0..=3 later ones nearby, some on an earlier
/// one (cycles), every seventh an external dependency.
fn generated_organisation(services: usize) -> DependencyGraph {
    let mut random = Lcg(42);
    let nodes = (0..services)
        .map(|i| GraphNode {
            id: format!("service-{i:04}"),
            label: format!("service {i} {}", "x".repeat(random.below(14))),
            kind: if i % 7 == 3 {
                NodeKind::External
            } else {
                NodeKind::Service
            },
            href: Some(format!("/services/service-{i:04}/")),
            availability: Some(99.0 + random.below(100) as f64 / 100.0),
            note: (i % 5 == 0).then(|| "no-go".to_string()),
        })
        .collect();
    let mut edges = Vec::new();
    for from in 0..services {
        for _ in 0..random.below(4) {
            let remaining = services - from - 1;
            if remaining > 0 {
                let to = from + 1 + random.below(remaining.min(services / 4 + 1));
                edges.push((from, to));
            }
        }
        if from > 0 && random.below(12) == 0 {
            edges.push((from, random.below(from)));
        }
    }
    let edges = edges
        .into_iter()
        .map(|(from, to)| GraphEdge {
            from: format!("service-{from:04}"),
            to: format!("service-{to:04}"),
            hard: random.below(3) > 0,
            fallback: random.below(4) == 0,
            missing_timeout: random.below(5) == 0,
        })
        .collect();
    DependencyGraph {
        title: "All services".to_string(),
        description: "Generated organisation.".to_string(),
        nodes,
        edges,
    }
}

fn bench_layout(c: &mut Criterion) {
    let graph = generated_organisation(500);
    let widths: Vec<f64> = graph
        .nodes
        .iter()
        .map(|n| 90.0 + n.label.len() as f64 * 7.8)
        .collect();
    let index = |id: &str| {
        graph
            .nodes
            .iter()
            .position(|n| n.id == id)
            .unwrap_or(usize::MAX)
    };
    let pairs: Vec<(usize, usize)> = graph
        .edges
        .iter()
        .map(|e| (index(&e.from), index(&e.to)))
        .collect();
    let options = LayoutOptions::default();
    eprintln!("500 services, {} edges", pairs.len());

    c.bench_function("layered_layout 500 services", |b| {
        b.iter(|| layered_layout(black_box(&widths), black_box(&pairs), &options))
    });
    c.bench_function("dependency_graph svg 500 services", |b| {
        b.iter(|| dependency_graph(black_box(&graph)))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench_layout
}
criterion_main!(benches);
