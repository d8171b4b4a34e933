//! The pictures of each page: model and assessment turned into the inputs of
//! the `svg` module. Every picture has its data as a table beside it too.

use crate::analyze::{round, Assessment, DependencyView, ServiceAssessment};
use crate::model::{Handbook, Risk, RiskStatus, Service};
use crate::svg::{
    self, Bar, ConceptEdge, ConceptNode, DependencyGraph, GraphEdge, GraphNode, HeatColumn,
    HeatRow, NodeKind, RiskPoint,
};

use super::lookup::Lookup;
use super::views::service_url;
use crate::urls;

fn risk_point(h: &Handbook, a: &Assessment, s: &Service, r: &Risk) -> RiskPoint {
    RiskPoint {
        blocks: a.risk_zone.judge(r).blocks,
        id: r.id.clone(),
        title: r.title.clone(),
        service: Some(s.title.clone()),
        severity: r.severity,
        likelihood: r.likelihood,
        status: match r.status {
            RiskStatus::Open => svg::RiskStatus::Open,
            RiskStatus::Mitigated => svg::RiskStatus::Mitigated,
            RiskStatus::Accepted => svg::RiskStatus::Accepted,
        },
        href: h.url(&urls::with_anchor(
            &urls::service(&s.name),
            &urls::risk_anchor(&s.name, &r.id),
        )),
    }
}

/// The matrix of some risks; cells link to `#{anchor_prefix}s{severity}-l{likelihood}`.
pub fn risk_matrix(
    h: &Handbook,
    a: &Assessment,
    title: &str,
    risks: &[(&Service, &Risk)],
    anchor_prefix: &str,
) -> String {
    let points: Vec<RiskPoint> = risks.iter().map(|(s, r)| risk_point(h, a, s, r)).collect();
    svg::risk_matrix(title, &points, &a.risk_zone, &|s, l| {
        format!("#{anchor_prefix}s{s}-l{l}")
    })
}

/// Bars of readiness by category for one service.
pub fn readiness_bars(lookup: &Lookup, s: &Service, sa: &ServiceAssessment) -> String {
    let bars: Vec<Bar> = sa
        .categories
        .iter()
        .filter(|c| c.counts.total() > 0)
        .map(|c| Bar {
            label: lookup
                .category(&c.category)
                .map_or_else(|| c.category.clone(), |k| k.title.clone()),
            value: c.readiness.unwrap_or(0.0),
            href: Some(format!("#{}", urls::category_anchor(&c.category))),
            detail: format!(
                "{} of {} ({} waived, {} partial)",
                c.counts.yes + c.counts.waived,
                c.counts.total(),
                c.counts.waived,
                c.counts.partial
            ),
        })
        .collect();
    svg::readiness_bars(&format!("Readiness by category of {}", s.title), &bars)
}

fn service_node(h: &Handbook, a: &Assessment, name: &str, kind: NodeKind) -> GraphNode {
    let service = h.service(name);
    GraphNode {
        id: name.to_string(),
        label: service.map_or_else(|| name.to_string(), |s| s.title.clone()),
        kind,
        href: Some(service_url(h, name)),
        availability: service.and_then(|s| s.slo.availability),
        note: a.service(name).map(|sa| sa.verdict.as_str().to_string()),
    }
}

/// The node of an external dependency (`None` for a service of the handbook).
fn external_node(view: &DependencyView) -> Option<GraphNode> {
    (!view.internal).then(|| GraphNode {
        id: external_id(&view.name),
        label: view.name.clone(),
        kind: NodeKind::External,
        href: None,
        availability: view.availability,
        note: Some("external".into()),
    })
}

fn dependency_edge(from: &str, to: String, view: &DependencyView) -> GraphEdge {
    GraphEdge {
        from: from.to_string(),
        to,
        hard: view.hard,
        fallback: view.fallback.is_some(),
        missing_timeout: view.missing_timeout,
    }
}

/// The graph node of a dependency: the service's name, or a namespaced external one.
fn node_id(view: &DependencyView) -> String {
    if view.internal {
        view.name.clone()
    } else {
        external_id(&view.name)
    }
}

fn external_id(name: &str) -> String {
    format!("external:{name}")
}

/// One service with its dependencies and its dependants.
pub fn service_dependencies(
    h: &Handbook,
    a: &Assessment,
    s: &Service,
    sa: &ServiceAssessment,
) -> String {
    let mut nodes = vec![service_node(h, a, &s.name, NodeKind::Focus)];
    let mut edges = Vec::new();
    for view in &sa.dependencies {
        let id = node_id(view);
        if !nodes.iter().any(|n| n.id == id) {
            nodes.push(match external_node(view) {
                Some(node) => node,
                None => service_node(h, a, &view.name, NodeKind::Service),
            });
        }
        edges.push(dependency_edge(&s.name, id, view));
    }
    for dependant in a.dependants.get(&s.name).into_iter().flatten() {
        if !nodes.iter().any(|n| &n.id == dependant) {
            nodes.push(service_node(h, a, dependant, NodeKind::Service));
        }
        if let Some(other) = a.service(dependant) {
            for view in other
                .dependencies
                .iter()
                .filter(|d| d.internal && d.name == s.name)
            {
                edges.push(dependency_edge(dependant, s.name.clone(), view));
            }
        }
    }
    let graph = DependencyGraph {
        title: format!("Dependencies of {}", s.title),
        description: format!(
            "{} depends on {} and is depended on by {}.",
            s.title,
            plural_count(s.dependencies.len(), "service"),
            plural_count(a.dependants.get(&s.name).map_or(0, Vec::len), "service")
        ),
        nodes,
        edges,
    };
    svg::service_dependencies(
        &graph,
        sa.ceiling.map(|c| round(c, 4)),
        s.slo.availability,
        sa.ceiling_status,
    )
}

fn plural_count(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The whole organisation's dependency graph.
pub fn organisation_graph(h: &Handbook, a: &Assessment) -> String {
    let mut nodes: Vec<GraphNode> = h
        .services
        .iter()
        .map(|s| service_node(h, a, &s.name, NodeKind::Service))
        .collect();
    let mut edges = Vec::new();
    // Services are all in `nodes` already; externals are added once each.
    let mut external_ids: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for (s, sa) in h.services.iter().zip(&a.services) {
        for view in &sa.dependencies {
            let id = node_id(view);
            if external_ids.insert(id.clone()) {
                nodes.extend(external_node(view));
            }
            edges.push(dependency_edge(&s.name, id, view));
        }
    }
    let graph = DependencyGraph {
        title: "Dependencies of every service".into(),
        description: format!("{} and the external systems they call; an arrow points from a service to what it depends on.", plural_count(h.services.len(), "service")),
        nodes,
        edges,
    };
    svg::dependency_graph(&graph)
}

/// The concept map: every concept, grouped, with labelled links.
pub fn concept_map(h: &Handbook, lookup: &Lookup) -> String {
    let nodes: Vec<ConceptNode> = h
        .concepts
        .iter()
        .map(|c| ConceptNode {
            id: c.id.clone(),
            label: c.title.clone(),
            group: c.group.clone(),
            href: h.url(&urls::concept(&c.id)),
            question_count: lookup.questions_naming(&c.id).len(),
        })
        .collect();
    let edges: Vec<ConceptEdge> = h
        .concepts
        .iter()
        .flat_map(|c| {
            c.links.iter().map(move |l| ConceptEdge {
                from: c.id.clone(),
                to: l.to.clone(),
                label: l.label.clone(),
            })
        })
        .collect();
    svg::concept_map("Concept map of reliability practice", &nodes, &edges)
}

/// The dashboard's services x categories heat map.
pub fn readiness_heatmap(h: &Handbook, a: &Assessment) -> String {
    let columns: Vec<HeatColumn> = h
        .categories
        .iter()
        .map(|c| HeatColumn {
            label: c.title.clone(),
            href: h.url(&urls::category(&c.id)),
        })
        .collect();
    let rows: Vec<HeatRow> = h
        .services
        .iter()
        .zip(&a.services)
        .map(|(s, sa)| HeatRow {
            label: s.title.clone(),
            href: service_url(h, &s.name),
            verdict: sa.verdict.as_str().to_string(),
            cells: sa
                .categories
                .iter()
                .map(|c| c.readiness.zip(c.band))
                .collect(),
        })
        .collect();
    svg::readiness_heatmap("Readiness of every service by category", &columns, &rows)
}
