//! Dependencies read as contracts: what each dependency's timeout, retries,
//! hardness and fallback imply beyond the availability ceiling.
//!
//! - `timeout-budget`: a caller gives up on a handbook service sooner than
//!   that service may itself wait on its hard dependencies (the work goes on
//!   after nobody waits for it), or waits on one hard dependency, retries
//!   included, longer than its own p99 latency objective;
//! - `retry-amplification`: along a chain of calls each layer retries, so
//!   one request can become the product of `(retries + 1)` calls at the end;
//! - `latency-budget`: a service's hard dependencies, called one after the
//!   other at their worst, take longer than its p99 latency objective;
//! - `optimistic-slo`: a handbook dependency promises an SLO above the
//!   ceiling its own dependencies allow, so its callers count on more than
//!   it can give;
//! - blast radius: every service that fails when a service fails
//!   (transitively, over hard dependencies without a fallback).
//!
//! Every value is computed once per strongly connected component, in
//! Tarjan's order (what a service depends on first); edges inside a cycle
//! are left out of the chains (cycles are reported on their own), so each
//! pass is O(V + E) and the blast radius O((V + E) x V / 64) with bit sets.

use super::precision;
use serde::Serialize;

use crate::config::Policy;
use crate::diagnostics::{Diagnostic, Severity};
use crate::model::{Dependency, Handbook, Service, Target};
use crate::source::Place;

use super::availability::strongly_connected;
use super::rulings::CeilingStatus;

/// What a contract finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ContractKind {
    TimeoutBudget,
    RetryAmplification,
    LatencyBudget,
    OptimisticSlo,
}

/// One finding, at the dependency entry that causes it.
#[derive(Debug, Clone, Serialize)]
pub struct ContractFinding {
    pub kind: ContractKind,
    /// The chain of service names (and the external at its end) it is about.
    pub path: Vec<String>,
    pub message: String,
    pub file: String,
    pub line: usize,
    #[serde(skip)]
    pub place: Place,
}

impl ContractFinding {
    pub fn diagnostic(&self) -> Diagnostic {
        Diagnostic::at_place(Severity::Warning, &self.place, self.message.clone())
            .code(self.kind.code())
            .help(self.kind.help())
    }
}

impl ContractKind {
    /// The diagnostic code of this kind of finding (the same name).
    fn code(self) -> crate::diagnostics::Code {
        use crate::diagnostics::Code;
        match self {
            ContractKind::TimeoutBudget => Code::TimeoutBudget,
            ContractKind::RetryAmplification => Code::RetryAmplification,
            ContractKind::LatencyBudget => Code::LatencyBudget,
            ContractKind::OptimisticSlo => Code::OptimisticSlo,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ContractKind::TimeoutBudget => "timeout-budget",
            ContractKind::RetryAmplification => "retry-amplification",
            ContractKind::LatencyBudget => "latency-budget",
            ContractKind::OptimisticSlo => "optimistic-slo",
        }
    }

    fn help(self) -> &'static str {
        match self {
            ContractKind::TimeoutBudget => "give the caller a timeout longer than the callee's worst wait, or shorten the callee's timeouts and retries",
            ContractKind::RetryAmplification => "retry at one layer only (usually the outermost), or lower `retries` along the chain; `policy.retry_amplification_max` sets the threshold",
            ContractKind::LatencyBudget => "call dependencies in parallel, shorten their timeouts, or add a fallback so the p99 objective holds",
            ContractKind::OptimisticSlo => "lower the dependency's SLO to what its own dependencies allow, or give it fallbacks",
        }
    }
}

/// What contracts say about one service.
#[derive(Debug, Clone, Default)]
pub struct ServiceContracts {
    pub findings: Vec<ContractFinding>,
    pub blast_radius: BlastRadius,
}

/// One dependency entry, with its target's index when it is a handbook service.
struct Call<'a> {
    dep: &'a Dependency,
    target: Option<usize>,
}

impl Call<'_> {
    fn tries(&self) -> u64 {
        u64::from(self.dep.retries.unwrap_or(0)) + 1
    }

    /// The longest the caller may wait on this dependency: timeout x tries.
    fn worst_wait(&self) -> Option<u64> {
        self.dep.timeout_ms.map(|t| t.saturating_mul(self.tries()))
    }

    fn fails_with_target(&self) -> bool {
        self.dep.hard && self.dep.fallback.is_none()
    }
}

/// The graph as the passes below read it.
struct Graph<'a> {
    handbook: &'a Handbook,
    calls: Vec<Vec<Call<'a>>>,
    /// Strongly connected components in Tarjan's order, and each service's.
    order: Vec<Vec<usize>>,
    component: Vec<usize>,
}

impl<'a> Graph<'a> {
    fn new(handbook: &'a Handbook) -> Self {
        let calls: Vec<Vec<Call>> = handbook
            .services
            .iter()
            .map(|s| {
                s.dependencies
                    .iter()
                    .map(|dep| Call {
                        dep,
                        target: match &dep.target {
                            Target::Service(n) => index_of(handbook, n),
                            Target::External(_) => None,
                        },
                    })
                    .collect()
            })
            .collect();
        let adjacency: Vec<Vec<usize>> = calls
            .iter()
            .map(|cs| cs.iter().filter_map(|c| c.target).collect())
            .collect();
        let order = strongly_connected(&adjacency);
        let mut component = vec![0; handbook.services.len()];
        for (i, members) in order.iter().enumerate() {
            for &v in members {
                component[v] = i;
            }
        }
        Graph {
            handbook,
            calls,
            order,
            component,
        }
    }

    fn name(&self, v: usize) -> &'a str {
        &self.handbook.services[v].name
    }

    fn service(&self, v: usize) -> &'a Service {
        &self.handbook.services[v]
    }

    /// A call that leaves the caller's cycle (or has no cycle): chains follow only these.
    fn downstream(&self, v: usize, call: &Call) -> Option<usize> {
        call.target
            .filter(|&t| self.component[t] != self.component[v])
    }

    /// The services in an order where every service comes after what it depends on.
    fn dependencies_first(&self) -> impl Iterator<Item = usize> + '_ {
        self.order.iter().flatten().copied()
    }

    /// The chain that starts with call `k` of `v`, then at each service `t`
    /// it reaches follows call `next[t]` while `go_on(the service before)`.
    /// A chain longer than [`MAX_PATH`] names keeps its first and last
    /// names around a `…`, so a chain of thousands stays one short line.
    fn chain(
        &self,
        v: usize,
        k: usize,
        next: &[Option<usize>],
        go_on: &dyn Fn(usize) -> bool,
    ) -> Vec<String> {
        let mut hops: Vec<&Dependency> = Vec::new();
        let (mut at, mut call) = (v, &self.calls[v][k]);
        loop {
            hops.push(call.dep);
            let Some(t) = self.downstream(at, call).filter(|_| go_on(at)) else {
                break;
            };
            match next[t] {
                Some(j) => (at, call) = (t, &self.calls[t][j]),
                None => break,
            }
        }
        let names = std::iter::once(self.name(v)).chain(hops.iter().map(|d| d.target.name()));
        shorten(names.collect())
    }
}

/// The most names a finding's path holds.
const MAX_PATH: usize = 16;

fn shorten(names: Vec<&str>) -> Vec<String> {
    if names.len() <= MAX_PATH {
        return names.into_iter().map(str::to_string).collect();
    }
    let tail = MAX_PATH / 2 - 1;
    let mut out: Vec<String> = names[..MAX_PATH / 2]
        .iter()
        .map(|n| n.to_string())
        .collect();
    out.push("…".to_string());
    out.extend(names[names.len() - tail..].iter().map(|n| n.to_string()));
    out
}

fn index_of(handbook: &Handbook, name: &str) -> Option<usize> {
    handbook
        .services
        .binary_search_by(|s| s.name.as_str().cmp(name))
        .ok()
}

fn finding(
    kind: ContractKind,
    path: Vec<String>,
    message: String,
    dep: &Dependency,
) -> ContractFinding {
    ContractFinding {
        kind,
        path,
        message,
        file: dep.place.file.to_string(),
        line: dep.place.line,
        place: dep.place.clone(),
    }
}

/// Judges every service's dependencies as contracts; in handbook order.
pub fn judge(
    handbook: &Handbook,
    policy: &Policy,
    ceilings: &[(Option<f64>, CeilingStatus)],
) -> Vec<ServiceContracts> {
    let graph = Graph::new(handbook);
    let mut out: Vec<ServiceContracts> = vec![ServiceContracts::default(); handbook.services.len()];
    let mut add = |v: usize, f: ContractFinding| out[v].findings.push(f);
    timeout_budgets(&graph, &mut add);
    retry_amplification(&graph, policy.retry_amplification_max, &mut add);
    latency_budgets(&graph, &mut add);
    optimistic_slos(&graph, ceilings, &mut add);
    for (v, radius) in blast_radius(&graph).into_iter().enumerate() {
        out[v].blast_radius = radius;
    }
    out
}

/// How long each service may wait on its hard dependencies at worst (the
/// largest timeout x tries along its hard chains), which call gives it, and
/// whether that call's own wait or its target's is the larger.
struct Waits {
    wait: Vec<u64>,
    via: Vec<Option<usize>>,
    deeper: Vec<bool>,
}

fn worst_waits(graph: &Graph) -> Waits {
    let n = graph.calls.len();
    let mut w = Waits {
        wait: vec![0; n],
        via: vec![None; n],
        deeper: vec![false; n],
    };
    for v in graph.dependencies_first() {
        for (k, call) in graph.calls[v].iter().enumerate() {
            if !call.dep.hard {
                continue;
            }
            let own = call.worst_wait().unwrap_or(0);
            let deeper = graph.downstream(v, call).map_or(0, |t| w.wait[t]);
            if own.max(deeper) > w.wait[v] {
                w.wait[v] = own.max(deeper);
                w.via[v] = Some(k);
                w.deeper[v] = deeper > own;
            }
        }
    }
    w
}

fn timeout_budgets(graph: &Graph, add: &mut impl FnMut(usize, ContractFinding)) {
    let waits = worst_waits(graph);
    let go_on = |at: usize| waits.deeper[at];
    for v in 0..graph.calls.len() {
        let caller = graph.service(v);
        for call in &graph.calls[v] {
            let Some(timeout) = call.dep.timeout_ms else {
                continue;
            };
            if let Some(t) = graph.downstream(v, call) {
                if timeout < waits.wait[t] {
                    let mut path = vec![caller.name.clone()];
                    path.extend(
                        waits.via[t]
                            .map_or_else(Vec::new, |j| graph.chain(t, j, &waits.via, &go_on)),
                    );
                    let message = format!(
                        "{} gives up on {} after {timeout} ms, but {} may wait {} ms on its own dependencies ({}): the work goes on after nobody waits for it",
                        caller.name,
                        graph.name(t),
                        graph.name(t),
                        waits.wait[t],
                        path[1..].join(" → ")
                    );
                    add(
                        v,
                        finding(ContractKind::TimeoutBudget, path, message, call.dep),
                    );
                }
            }
            // A soft dependency is off the path the objective is about.
            let (true, Some(worst), Some(p99)) =
                (call.dep.hard, call.worst_wait(), caller.slo.latency_p99_ms)
            else {
                continue;
            };
            if worst as f64 > p99 {
                let message = format!(
                    "{} may wait {worst} ms on {} ({timeout} ms x {}), beyond its own {p99} ms p99 latency objective",
                    caller.name,
                    call.dep.target.name(),
                    crate::diagnostics::plural(call.tries() as usize, "try").replace("trys", "tries")
                );
                let path = vec![caller.name.clone(), call.dep.target.name().to_string()];
                add(
                    v,
                    finding(ContractKind::TimeoutBudget, path, message, call.dep),
                );
            }
        }
    }
}

fn retry_amplification(
    graph: &Graph,
    threshold: u64,
    add: &mut impl FnMut(usize, ContractFinding),
) {
    let n = graph.calls.len();
    let (mut factor, mut via) = (vec![1u64; n], vec![None; n]);
    for v in graph.dependencies_first() {
        for (k, call) in graph.calls[v].iter().enumerate() {
            let deeper = graph.downstream(v, call).map_or(1, |t| factor[t]);
            let here = call.tries().saturating_mul(deeper);
            if here > factor[v] {
                (factor[v], via[v]) = (here, Some(k));
            }
        }
    }
    for v in 0..n {
        let Some(k) = via[v].filter(|_| factor[v] >= threshold) else {
            continue;
        };
        let path = graph.chain(v, k, &via, &|_| true);
        let last = path.last().cloned().unwrap_or_default();
        add(v, finding(
            ContractKind::RetryAmplification,
            path.clone(),
            format!(
                "one request to {} can become {} calls to {last} when {last} fails: every layer retries ({}), at or above the limit of {threshold}",
                graph.name(v), factor[v], path.join(" → ")
            ),
            graph.calls[v][k].dep,
        ));
    }
}

fn latency_budgets(graph: &Graph, add: &mut impl FnMut(usize, ContractFinding)) {
    for (v, calls) in graph.calls.iter().enumerate() {
        let service = graph.service(v);
        let Some(p99) = service.slo.latency_p99_ms else {
            continue;
        };
        let hard: Vec<(&Call, u64)> = calls
            .iter()
            .filter(|c| c.dep.hard)
            .filter_map(|c| c.worst_wait().map(|w| (c, w)))
            .collect();
        let total: u64 = hard.iter().map(|(_, w)| w).sum();
        let Some(&(largest, _)) = hard.iter().max_by_key(|(_, w)| *w) else {
            continue;
        };
        if total as f64 > p99 && hard.len() > 1 {
            let parts: Vec<String> = hard
                .iter()
                .map(|(c, w)| format!("{} {w} ms", c.dep.target.name()))
                .collect();
            let mut path = vec![service.name.clone()];
            path.extend(hard.iter().map(|(c, _)| c.dep.target.name().to_string()));
            add(v, finding(
                ContractKind::LatencyBudget,
                path,
                format!(
                    "{}'s hard dependencies may take {total} ms one after the other ({}), beyond its {p99} ms p99 latency objective",
                    service.name, parts.join(" + ")
                ),
                largest.dep,
            ));
        }
    }
}

fn optimistic_slos(
    graph: &Graph,
    ceilings: &[(Option<f64>, CeilingStatus)],
    add: &mut impl FnMut(usize, ContractFinding),
) {
    for (v, calls) in graph.calls.iter().enumerate() {
        let caller = graph.service(v);
        for call in calls.iter().filter(|c| c.fails_with_target()) {
            let Some(t) = call.target else { continue };
            let (Some(dep_ceiling), CeilingStatus::Below) = ceilings[t] else {
                continue;
            };
            let Some(dep_slo) = graph.service(t).slo.availability.filter(|s| *s > 0.0) else {
                continue;
            };
            let own = ceilings[v].0.unwrap_or(100.0);
            let would_be = own / dep_slo * dep_ceiling;
            add(v, finding(
                ContractKind::OptimisticSlo,
                vec![caller.name.clone(), graph.name(t).to_string()],
                format!(
                    "{} counts on {}'s {}% SLO, but {}'s own dependencies cap it at {}%; counting that, {}'s ceiling would be {}%",
                    caller.name,
                    graph.name(t),
                    precision::availability(dep_slo),
                    graph.name(t),
                    precision::ceiling(dep_ceiling, Some(dep_slo)),
                    caller.name,
                    precision::ceiling(would_be, caller.slo.availability),
                ),
                call.dep,
            ));
        }
    }
}

/// For each service, every service that fails with it.
fn blast_radius(graph: &Graph) -> Vec<BlastRadius> {
    let n = graph.calls.len();
    // fails[d] holds s when d fails whenever s fails: d has a hard call to s without a fallback.
    let fail_edges: Vec<Vec<usize>> = graph
        .calls
        .iter()
        .map(|cs| {
            cs.iter()
                .filter(|c| c.fails_with_target())
                .filter_map(|c| c.target)
                .collect()
        })
        .collect();
    let order = strongly_connected(&fail_edges);
    let mut component = vec![0; n];
    for (i, members) in order.iter().enumerate() {
        for &v in members {
            component[v] = i;
        }
    }
    let mut dependants_of: Vec<Vec<usize>> = vec![Vec::new(); order.len()];
    for (d, targets) in fail_edges.iter().enumerate() {
        for &s in targets {
            if component[d] != component[s] {
                dependants_of[component[s]].push(component[d]);
            }
        }
    }
    let words = n.div_ceil(64);
    // Tarjan's order puts what is depended on first: walk it backwards, dependants first.
    let mut fails: Vec<Vec<u64>> = vec![Vec::new(); order.len()];
    for c in (0..order.len()).rev() {
        let mut set = vec![0u64; words];
        for &d in &dependants_of[c] {
            for (w, bits) in set.iter_mut().zip(&fails[d]) {
                *w |= bits;
            }
            for &m in &order[d] {
                set[m / 64] |= 1 << (m % 64);
            }
        }
        fails[c] = set;
    }
    // One bit set per component, shared by its members (a ring of n services
    // is one set, not n lists of n - 1): O(V x V / 64) words at most.
    let sets: Vec<std::sync::Arc<[u64]>> = fails
        .into_iter()
        .zip(&order)
        .map(|(mut set, members)| {
            for &m in members {
                set[m / 64] |= 1 << (m % 64);
            }
            set.into()
        })
        .collect();
    (0..n)
        .map(|v| BlastRadius {
            set: sets[component[v]].clone(),
            own: v,
        })
        .collect()
}

/// The services that fail when one service fails, as a bit set over
/// `Handbook::services` (sorted by name, so bits in order give names in
/// order), the service itself left out.
#[derive(Debug, Clone, Default)]
pub struct BlastRadius {
    /// Shared by every service of one cycle; may hold `own`.
    set: std::sync::Arc<[u64]>,
    own: usize,
}

impl BlastRadius {
    pub fn indices(&self) -> impl Iterator<Item = usize> + '_ {
        self.set
            .iter()
            .enumerate()
            .flat_map(|(i, &word)| {
                let mut bits = word;
                std::iter::from_fn(move || {
                    (bits != 0).then(|| {
                        let b = bits.trailing_zeros() as usize;
                        bits &= bits - 1;
                        i * 64 + b
                    })
                })
            })
            .filter(move |&u| u != self.own)
    }

    pub fn len(&self) -> usize {
        let all: u32 = self.set.iter().map(|w| w.count_ones()).sum();
        let own = self
            .set
            .get(self.own / 64)
            .is_some_and(|w| (w >> (self.own % 64)) & 1 == 1);
        all as usize - usize::from(own)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The names, from the handbook the assessment was made of.
    pub fn names<'h>(&'h self, handbook: &'h Handbook) -> impl Iterator<Item = &'h str> + 'h {
        self.indices().map(|i| handbook.services[i].name.as_str())
    }
}
