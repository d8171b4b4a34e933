//! Dependencies: the availability ceiling they allow, their risky settings,
//! and cycles between services.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::{Handbook, Service, Target};

/// One dependency of a service, as the pages and JSON show it.
#[derive(Debug, Clone, Serialize)]
pub struct DependencyView {
    pub name: String,
    /// `true` for a service of this handbook (linked), `false` for an external one.
    pub internal: bool,
    pub hard: bool,
    /// Percent: the external's committed figure or the service's own SLO.
    pub availability: Option<f64>,
    /// Counted in the ceiling: hard, no fallback, availability known.
    pub in_ceiling: bool,
    pub timeout_ms: Option<u64>,
    pub retries: Option<u32>,
    pub circuit_breaker: bool,
    pub fallback: Option<String>,
    /// A hard dependency without `timeout_ms`: an unbounded wait.
    pub missing_timeout: bool,
    /// Warnings about this dependency, in words.
    pub findings: Vec<String>,
}

/// The service graph of a handbook.
pub(super) struct Graph<'a> {
    handbook: &'a Handbook,
    /// name -> index in `handbook.services`.
    index: BTreeMap<&'a str, usize>,
}

impl<'a> Graph<'a> {
    pub fn new(handbook: &'a Handbook) -> Self {
        let index = handbook
            .services
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.as_str(), i))
            .collect();
        Graph { handbook, index }
    }

    fn edges(&self, from: usize) -> Vec<usize> {
        let mut out: Vec<usize> = self.handbook.services[from]
            .dependencies
            .iter()
            .filter_map(|d| match &d.target {
                Target::Service(n) => self.index.get(n.as_str()).copied(),
                Target::External(_) => None,
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// For each service, the sorted names of the services that depend on it.
    pub fn dependants(&self) -> BTreeMap<String, Vec<String>> {
        let mut out: BTreeMap<String, Vec<String>> = self
            .handbook
            .services
            .iter()
            .map(|s| (s.name.clone(), Vec::new()))
            .collect();
        for (i, s) in self.handbook.services.iter().enumerate() {
            for j in self.edges(i) {
                if let Some(list) = out.get_mut(&self.handbook.services[j].name) {
                    list.push(s.name.clone());
                }
            }
        }
        for list in out.values_mut() {
            list.sort();
            list.dedup();
        }
        out
    }

    /// Strongly connected components of more than one service (Tarjan), each sorted.
    pub fn cycles(&self) -> Vec<Vec<usize>> {
        let n = self.handbook.services.len();
        let adjacency: Vec<Vec<usize>> = (0..n).map(|i| self.edges(i)).collect();
        let mut comps: Vec<Vec<usize>> = strongly_connected(&adjacency)
            .into_iter()
            .filter(|c| c.len() > 1)
            .map(|mut c| {
                c.sort_unstable();
                c
            })
            .collect();
        comps.sort();
        comps
    }

    pub fn cycle_findings(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for component in self.cycles() {
            let names: Vec<&str> = component
                .iter()
                .map(|&i| self.handbook.services[i].name.as_str())
                .collect();
            let first = &self.handbook.services[component[0]];
            let dep = first
                .dependencies
                .iter()
                .find(|d| matches!(&d.target, Target::Service(n) if names.contains(&n.as_str())));
            let message = format!("dependency cycle between {}", names.join(", "));
            let d = match dep {
                Some(dep) => Diagnostic::at_place(Severity::Warning, &dep.place, message)
                    .code(crate::diagnostics::Code::DependencyCycle),
                None => Diagnostic {
                    severity: Severity::Warning,
                    ..Diagnostic::file_error(&first.source, message)
                        .code(crate::diagnostics::Code::DependencyCycle)
                },
            };
            out.push(d.help("services that depend on each other fail together and cannot be started one at a time"));
        }
        out
    }

    /// The ceiling, the dependency rows and the warnings of one service.
    pub fn service_view(
        &self,
        service: &Service,
    ) -> (Option<f64>, Vec<DependencyView>, Vec<Diagnostic>) {
        let mut product: Option<f64> = None;
        let mut views = Vec::new();
        let mut findings = Vec::new();
        for dep in &service.dependencies {
            let (name, internal, availability) = match &dep.target {
                Target::Service(n) => (
                    n.clone(),
                    true,
                    self.index
                        .get(n.as_str())
                        .and_then(|&i| self.handbook.services[i].slo.availability),
                ),
                Target::External(n) => (n.clone(), false, dep.availability),
            };
            let mut words = Vec::new();
            let mut warn = |code, message: String, help: &str, words: &mut Vec<String>| {
                findings.push(
                    Diagnostic::at_place(
                        Severity::Warning,
                        &dep.place,
                        format!("{}: {message}", service.name),
                    )
                    .code(code)
                    .help(help.to_string()),
                );
                words.push(message);
            };
            let missing_timeout = dep.hard && dep.timeout_ms.is_none();
            if missing_timeout {
                warn(
                    Code::MissingTimeout,
                    format!("hard dependency `{name}` has no `timeout_ms`: an unbounded wait"),
                    "set `timeout_ms` to what the caller can afford to wait",
                    &mut words,
                );
            }
            if let Some(r) = dep.retries {
                if r > 3 {
                    warn(
                        Code::RiskyRetries,
                        format!("{r} retries to `{name}` multiply its load when it struggles"),
                        "retry at most 3 times, with backoff",
                        &mut words,
                    );
                } else if r > 0 && !dep.circuit_breaker {
                    warn(
                        Code::RiskyRetries,
                        format!("retries to `{name}` without a circuit breaker"),
                        "add `circuit_breaker: true` so retries stop when it is down",
                        &mut words,
                    );
                }
            }
            let counts = dep.hard && dep.fallback.is_none();
            if counts && availability.is_none() {
                let help = if internal {
                    format!("set `slo.availability` in content/services/{name}.yaml")
                } else {
                    "add the provider's committed `availability`".to_string()
                };
                warn(Code::AvailabilityCeiling, format!("availability of hard dependency `{name}` is unknown, so it is left out of the ceiling"), &help, &mut words);
            }
            let in_ceiling = counts && availability.is_some();
            if let (true, Some(a)) = (in_ceiling, availability) {
                product = Some(product.unwrap_or(1.0) * a / 100.0);
            }
            views.push(DependencyView {
                name,
                internal,
                hard: dep.hard,
                availability,
                in_ceiling,
                timeout_ms: dep.timeout_ms,
                retries: dep.retries,
                circuit_breaker: dep.circuit_breaker,
                fallback: dep.fallback.clone(),
                missing_timeout,
                findings: words,
            });
        }
        (product.map(|p| p * 100.0), views, findings)
    }
}

/// Every strongly connected component of a graph given as adjacency lists,
/// in Tarjan's order: a component comes after every component it reaches, so
/// values computed over what a node depends on can be filled in this order.
/// O(V + E), iterative.
pub(super) fn strongly_connected(adjacency: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = adjacency.len();
    let mut tarjan = Tarjan {
        adjacency,
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        next: 0,
        components: Vec::new(),
    };
    for v in 0..n {
        if tarjan.index[v].is_none() {
            tarjan.visit(v);
        }
    }
    tarjan.components
}

struct Tarjan<'g> {
    adjacency: &'g [Vec<usize>],
    index: Vec<Option<usize>>,
    low: Vec<usize>,
    on_stack: Vec<bool>,
    stack: Vec<usize>,
    next: usize,
    components: Vec<Vec<usize>>,
}

impl Tarjan<'_> {
    /// Iterative, so a long chain of services cannot overflow the stack.
    fn visit(&mut self, root: usize) {
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        self.enter(root);
        while let Some(&mut (v, ref mut child)) = work.last_mut() {
            if let Some(&w) = self.adjacency[v].get(*child) {
                *child += 1;
                match self.index[w] {
                    None => {
                        self.enter(w);
                        work.push((w, 0));
                    }
                    Some(wi) if self.on_stack[w] => self.low[v] = self.low[v].min(wi),
                    Some(_) => {}
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                self.low[parent] = self.low[parent].min(self.low[v]);
            }
            if Some(self.low[v]) == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                self.components.push(component);
            }
        }
    }

    fn enter(&mut self, v: usize) {
        self.index[v] = Some(self.next);
        self.low[v] = self.next;
        self.next += 1;
        self.stack.push(v);
        self.on_stack[v] = true;
    }
}
