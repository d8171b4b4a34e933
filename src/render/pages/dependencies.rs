//! The dependencies page: the organisation's graph, each service's
//! dependencies and dependants, external dependencies and their users, and
//! the findings of the dependency analysis.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analyze::Assessment;
use crate::model::Handbook;
use crate::render::figures;
use crate::render::fragments::Fragments;
use crate::render::views::{dependant_links, dependency_line, DependencyLine, NameLink};

#[derive(Serialize)]
pub(super) struct DependenciesPage<'a> {
    title: &'static str,
    graph_svg: String,
    rows: Vec<DependencyRow<'a>>,
    /// External dependency name to the services using it, in service order.
    externals: BTreeMap<&'a str, Vec<&'a str>>,
    findings: Vec<Finding<'a>>,
    /// Services ranked by how many others fail with them (those with any).
    blast_ranking: Vec<BlastRank<'a>>,
}

#[derive(Serialize)]
struct BlastRank<'a> {
    service: &'a tera::Value,
    count: usize,
}

#[derive(Serialize)]
struct DependencyRow<'a> {
    service: &'a tera::Value,
    dependencies: Vec<DependencyLine<'a>>,
    dependants: Vec<NameLink<'a>>,
}

#[derive(Serialize)]
struct Finding<'a> {
    message: &'a str,
    location: String,
}

pub(super) fn page<'a>(
    h: &'a Handbook,
    a: &'a Assessment,
    f: &'a Fragments<'_>,
) -> DependenciesPage<'a> {
    let rows = h
        .services
        .iter()
        .zip(&a.services)
        .zip(&f.services)
        .map(|((s, sa), service)| DependencyRow {
            service,
            dependencies: sa
                .dependencies
                .iter()
                .map(|d| dependency_line(h, d))
                .collect(),
            dependants: dependant_links(h, a, &s.name),
        })
        .collect();
    let mut externals: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (s, sa) in h.services.iter().zip(&a.services) {
        for d in sa.dependencies.iter().filter(|d| !d.internal) {
            externals.entry(&d.name).or_default().push(&s.name);
        }
    }
    // O(S log S): counts are popcounts of each service's bit set.
    let mut blast_ranking: Vec<BlastRank> = a
        .services
        .iter()
        .zip(&f.services)
        .map(|(sa, service)| BlastRank {
            service,
            count: sa.blast_radius.len(),
        })
        .filter(|r| r.count > 0)
        .collect();
    blast_ranking.sort_by_key(|r| std::cmp::Reverse(r.count));
    DependenciesPage {
        blast_ranking,
        title: "Dependencies",
        graph_svg: figures::organisation_graph(h, a),
        rows,
        externals,
        findings: a
            .findings
            .iter()
            .map(|d| Finding {
                message: &d.message,
                location: d.location(),
            })
            .collect(),
    }
}
