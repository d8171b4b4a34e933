//! Layered (Sugiyama-style) layout of directed graphs, left to right.
//!
//! Used for the dependency diagrams. The stages are the classic ones:
//! 1. cycles are broken by reversing the back edges of a depth-first search,
//!    taken in node order so the choice is deterministic;
//! 2. nodes get layers by longest path, then sources move next to their
//!    first successor, so edges stay short;
//! 3. edges spanning several layers get a chain of dummy nodes, so they are
//!    routed through the gaps between the nodes of the layers they cross;
//! 4. the order inside each layer is improved by barycenter sweeps, keeping
//!    the order with the fewest crossings (counted exactly);
//! 5. positions along a layer come from repeated isotonic regression (pool
//!    adjacent violators): each node is pulled towards its neighbours while
//!    the order and the minimum gaps are kept, so boxes never overlap.
//!
//! Layers are columns: a layer's nodes are stacked vertically, and edges run
//! from the right side of a node to the left side of the next. Nodes are wide
//! and short, so columns keep a 200-service graph much more compact than rows.
//!
//! Everything is a pure function of its input, with stable sorts and
//! tie-breaks on indices, so the same graph always gives the same layout.

/// Sizes and spacing of a layout, in SVG user units (pixels).
#[derive(Debug, Clone, PartialEq)]
pub struct LayoutOptions {
    /// Height of every node box.
    pub node_height: f64,
    /// Horizontal space between two columns, where edges bend.
    pub layer_gap: f64,
    /// Minimum vertical space between two node boxes of one column.
    pub node_gap: f64,
    /// Minimum vertical space between two edges passing through a column.
    pub edge_gap: f64,
    /// Space around the whole drawing.
    pub margin: f64,
    /// How many down-and-up barycenter sweeps to try at most.
    pub ordering_sweeps: usize,
    /// How many passes of position refinement to run.
    pub placement_passes: usize,
}

impl Default for LayoutOptions {
    fn default() -> Self {
        LayoutOptions {
            node_height: 40.0,
            layer_gap: 96.0,
            node_gap: 14.0,
            edge_gap: 6.0,
            margin: 16.0,
            ordering_sweeps: 12,
            placement_passes: 6,
        }
    }
}

/// A node's box in the layout. `x`, `y` is its top-left corner.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedNode {
    /// Index of the node in the input.
    pub index: usize,
    /// The column the node is in, from 0 at the left.
    pub layer: usize,
    /// Position of the node in its column, from 0 at the top, counting edges
    /// that pass through the column.
    pub order: usize,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// The route of one input edge, as a polyline from its source to its target.
#[derive(Debug, Clone, PartialEq)]
pub struct RoutedEdge {
    /// Index of the edge in the input.
    pub input_index: usize,
    pub from: usize,
    pub to: usize,
    /// The edge was reversed to break a cycle: it runs right to left.
    pub reversed: bool,
    /// The edge goes from a node to itself.
    pub self_loop: bool,
    /// The route: starts on the source's box and ends on the target's box.
    /// Consecutive points at different heights are joined through a layer gap.
    pub points: Vec<(f64, f64)>,
}

/// A finished layout: node boxes, edge routes and the size of the drawing.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// One per input node, in input order.
    pub nodes: Vec<PlacedNode>,
    /// One per usable input edge (both ends exist), in input order.
    pub edges: Vec<RoutedEdge>,
    pub width: f64,
    pub height: f64,
    pub layer_count: usize,
    /// Edge crossings between adjacent layers in the chosen order.
    pub crossings: usize,
}

/// Width used for nodes whose given width is not a positive number.
const FALLBACK_NODE_WIDTH: f64 = 80.0;
/// Width of a column holding only edges passing through.
const EMPTY_LAYER_WIDTH: f64 = 24.0;
/// How far a self-loop reaches out of its node.
const SELF_LOOP_REACH: f64 = 18.0;

/// Lays out a directed graph of `node_widths.len()` nodes.
///
/// `edges` are `(from, to)` indices into `node_widths`; edges naming a missing
/// node are left out of the result (never a panic), and parallel edges share a
/// route. The order of `node_widths` is the tie-break everywhere, so callers
/// that want output independent of their input order sort nodes first.
pub fn layered_layout(
    node_widths: &[f64],
    edges: &[(usize, usize)],
    options: &LayoutOptions,
) -> Layout {
    let node_count = node_widths.len();
    let widths: Vec<f64> = node_widths
        .iter()
        .map(|&w| {
            if w.is_finite() && w > 0.0 {
                w
            } else {
                FALLBACK_NODE_WIDTH
            }
        })
        .collect();
    let options = sanitize(options);

    // Distinct pairs between distinct nodes drive the layout; self-loops and
    // duplicates are drawn but do not influence it.
    let mut pairs: Vec<(usize, usize)> = edges
        .iter()
        .copied()
        .filter(|&(from, to)| from < node_count && to < node_count && from != to)
        .collect();
    pairs.sort_unstable();
    pairs.dedup();

    let (reversed, topological_order) = break_cycles(node_count, &pairs);
    // Edges of the acyclic graph, each with the index of its pair.
    let acyclic: Vec<(usize, usize)> = pairs
        .iter()
        .zip(&reversed)
        .map(|(&(from, to), &is_back)| if is_back { (to, from) } else { (from, to) })
        .collect();
    let ranks = assign_layers(node_count, &acyclic, &topological_order);
    let mut graph = LayeredGraph::with_dummies(&ranks, &acyclic);
    let crossings = graph.reduce_crossings(options.ordering_sweeps);
    let centers = graph.place_along_layers(&options);
    let (column_x, column_width) = column_positions(&graph, &widths, &options);

    let mut nodes: Vec<PlacedNode> = (0..node_count)
        .map(|index| {
            let layer = graph.layer_of[index];
            PlacedNode {
                index,
                layer,
                order: graph.position[index],
                x: column_x[layer],
                y: centers[index] - options.node_height / 2.0,
                width: widths[index],
                height: options.node_height,
            }
        })
        .collect();

    // Routes of pairs in acyclic direction: right side of the source, through
    // the dummies' slots, to the left side of the target.
    let pair_routes: Vec<Vec<(f64, f64)>> = graph
        .chains
        .iter()
        .map(|chain| route_chain(chain, &nodes, &graph, &centers, &column_x, &column_width))
        .collect();

    let mut routed = Vec::new();
    for (input_index, &(from, to)) in edges.iter().enumerate() {
        if from >= node_count || to >= node_count {
            continue;
        }
        if from == to {
            let node = &nodes[from];
            let right = node.x + node.width;
            let upper = node.y + node.height * 0.3;
            let lower = node.y + node.height * 0.7;
            routed.push(RoutedEdge {
                input_index,
                from,
                to,
                reversed: false,
                self_loop: true,
                points: vec![
                    (right, upper),
                    (right + SELF_LOOP_REACH, upper),
                    (right + SELF_LOOP_REACH, lower),
                    (right, lower),
                ],
            });
            continue;
        }
        // `pairs` is sorted and deduplicated, so the pair is found by search.
        let Ok(pair_index) = pairs.binary_search(&(from, to)) else {
            continue;
        };
        let mut points = pair_routes[pair_index].clone();
        let is_back = reversed[pair_index];
        if is_back {
            points.reverse();
        }
        routed.push(RoutedEdge {
            input_index,
            from,
            to,
            reversed: is_back,
            self_loop: false,
            points,
        });
    }

    // Normalise so the drawing starts at the margin (positions can go negative
    // while they are refined).
    let top = nodes
        .iter()
        .map(|n| n.y)
        .chain(routed.iter().flat_map(|e| e.points.iter().map(|p| p.1)))
        .fold(f64::INFINITY, f64::min);
    let shift = if top.is_finite() {
        options.margin - top
    } else {
        0.0
    };
    for node in &mut nodes {
        node.y += shift;
    }
    for edge in &mut routed {
        for point in &mut edge.points {
            point.1 += shift;
        }
    }
    let bottom = nodes
        .iter()
        .map(|n| n.y + n.height)
        .chain(routed.iter().flat_map(|e| e.points.iter().map(|p| p.1)))
        .fold(0.0, f64::max);
    let right = nodes
        .iter()
        .map(|n| n.x + n.width)
        .chain(routed.iter().flat_map(|e| e.points.iter().map(|p| p.0)))
        .fold(0.0, f64::max);

    Layout {
        nodes,
        edges: routed,
        width: right + options.margin,
        height: bottom + options.margin,
        layer_count: graph.layers.len(),
        crossings,
    }
}

/// How many nodes the layered graph of this input has: the real ones plus one
/// dummy per layer each edge crosses. That number, not the input's size, is
/// what [`layered_layout`] costs (O(size · sweeps · log size)) and what its
/// routes take to draw; it can be quadratic in the input (a 2,000-service chain
/// where every service also calls the last one has two million dummies), so
/// callers check it first. O(nodes + edges).
pub fn layered_size(node_count: usize, edges: &[(usize, usize)]) -> usize {
    let mut pairs: Vec<(usize, usize)> = edges
        .iter()
        .copied()
        .filter(|&(from, to)| from < node_count && to < node_count && from != to)
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let (reversed, topological_order) = break_cycles(node_count, &pairs);
    let acyclic: Vec<(usize, usize)> = pairs
        .iter()
        .zip(&reversed)
        .map(|(&(from, to), &is_back)| if is_back { (to, from) } else { (from, to) })
        .collect();
    let ranks = assign_layers(node_count, &acyclic, &topological_order);
    // Pairs reversed onto an existing pair share its dummies; counting them
    // twice only makes the estimate safer.
    acyclic.iter().fold(node_count, |total, &(from, to)| {
        total.saturating_add(ranks[to].saturating_sub(ranks[from] + 1))
    })
}

/// Options with non-numbers and negatives replaced by defaults, so bad options
/// cannot produce NaN coordinates.
fn sanitize(options: &LayoutOptions) -> LayoutOptions {
    let defaults = LayoutOptions::default();
    let pick = |value: f64, default: f64| {
        if value.is_finite() && value >= 0.0 {
            value
        } else {
            default
        }
    };
    LayoutOptions {
        node_height: if options.node_height.is_finite() && options.node_height > 0.0 {
            options.node_height
        } else {
            defaults.node_height
        },
        layer_gap: pick(options.layer_gap, defaults.layer_gap),
        node_gap: pick(options.node_gap, defaults.node_gap),
        edge_gap: pick(options.edge_gap, defaults.edge_gap),
        margin: pick(options.margin, defaults.margin),
        ordering_sweeps: options.ordering_sweeps,
        placement_passes: options.placement_passes,
    }
}

/// Finds the edges to reverse to make the graph acyclic: the back edges of a
/// depth-first search started from each node in index order, following edges
/// in sorted order. Also returns a topological order of the resulting graph
/// (reverse post-order of that search).
fn break_cycles(node_count: usize, pairs: &[(usize, usize)]) -> (Vec<bool>, Vec<usize>) {
    // `pairs` is sorted by source, so each node's out-edges are a contiguous run.
    let mut first_out = vec![0usize; node_count + 1];
    for &(from, _) in pairs {
        first_out[from + 1] += 1;
    }
    for node in 0..node_count {
        first_out[node + 1] += first_out[node];
    }

    const UNSEEN: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![UNSEEN; node_count];
    let mut reversed = vec![false; pairs.len()];
    let mut post_order = Vec::with_capacity(node_count);
    // Iterative, so deep dependency chains cannot overflow the stack.
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for root in 0..node_count {
        if state[root] != UNSEEN {
            continue;
        }
        state[root] = ON_PATH;
        stack.push((root, first_out[root]));
        while let Some(top) = stack.last_mut() {
            let (node, next_edge) = *top;
            if next_edge < first_out[node + 1] {
                top.1 += 1;
                let target = pairs[next_edge].1;
                match state[target] {
                    UNSEEN => {
                        state[target] = ON_PATH;
                        stack.push((target, first_out[target]));
                    }
                    ON_PATH => reversed[next_edge] = true,
                    _ => {}
                }
            } else {
                state[node] = DONE;
                post_order.push(node);
                stack.pop();
            }
        }
    }
    post_order.reverse();
    (reversed, post_order)
}

/// Layer of each node: the longest path from a source, then every source with
/// successors moved right to just before its nearest successor.
fn assign_layers(
    node_count: usize,
    acyclic: &[(usize, usize)],
    topological_order: &[usize],
) -> Vec<usize> {
    let mut predecessors: Vec<Vec<usize>> = vec![Vec::new(); node_count];
    let mut successors: Vec<Vec<usize>> = vec![Vec::new(); node_count];
    for &(from, to) in acyclic {
        predecessors[to].push(from);
        successors[from].push(to);
    }
    let mut rank = vec![0usize; node_count];
    for &node in topological_order {
        rank[node] = predecessors[node]
            .iter()
            .map(|&p| rank[p] + 1)
            .max()
            .unwrap_or(0);
    }
    // Moving a source never changes another node's rank (nothing points at
    // it), so one pass suffices.
    for node in 0..node_count {
        if !predecessors[node].is_empty() {
            continue;
        }
        if let Some(nearest) = successors[node].iter().map(|&s| rank[s]).min() {
            rank[node] = nearest.saturating_sub(1);
        }
    }
    rank
}

/// The graph the ordering and placement stages work on: real nodes first
/// (same indices as the input), then dummy nodes; every edge joins adjacent layers.
struct LayeredGraph {
    real_count: usize,
    layer_of: Vec<usize>,
    /// Nodes of each layer, in their current order.
    layers: Vec<Vec<usize>>,
    /// Index of each node within its layer.
    position: Vec<usize>,
    /// Neighbours in the layer to the left.
    upper: Vec<Vec<usize>>,
    /// Neighbours in the layer to the right.
    lower: Vec<Vec<usize>>,
    /// For each acyclic pair: the nodes its route passes, source to target.
    chains: Vec<Vec<usize>>,
}

impl LayeredGraph {
    fn with_dummies(ranks: &[usize], acyclic: &[(usize, usize)]) -> LayeredGraph {
        let real_count = ranks.len();
        let mut layer_of = ranks.to_vec();
        let mut upper: Vec<Vec<usize>> = vec![Vec::new(); real_count];
        let mut lower: Vec<Vec<usize>> = vec![Vec::new(); real_count];
        let mut chains = Vec::with_capacity(acyclic.len());
        // Two cycles reversed onto the same pair share one chain of dummies.
        let mut chain_of_pair: std::collections::BTreeMap<(usize, usize), usize> =
            Default::default();
        for &(from, to) in acyclic {
            if let Some(&existing) = chain_of_pair.get(&(from, to)) {
                let shared = chains.get(existing).cloned().unwrap_or_default();
                chains.push(shared);
                continue;
            }
            chain_of_pair.insert((from, to), chains.len());
            let mut chain = vec![from];
            let mut previous = from;
            for layer in ranks[from] + 1..ranks[to] {
                let dummy = layer_of.len();
                layer_of.push(layer);
                upper.push(vec![previous]);
                lower.push(Vec::new());
                lower[previous].push(dummy);
                chain.push(dummy);
                previous = dummy;
            }
            lower[previous].push(to);
            upper[to].push(previous);
            chain.push(to);
            chains.push(chain);
        }
        let layer_count = layer_of.iter().map(|&l| l + 1).max().unwrap_or(0);
        let mut layers: Vec<Vec<usize>> = vec![Vec::new(); layer_count];
        for (node, &layer) in layer_of.iter().enumerate() {
            layers[layer].push(node);
        }
        let mut position = vec![0; layer_of.len()];
        for layer in &layers {
            for (index, &node) in layer.iter().enumerate() {
                position[node] = index;
            }
        }
        LayeredGraph {
            real_count,
            layer_of,
            layers,
            position,
            upper,
            lower,
            chains,
        }
    }

    fn is_dummy(&self, node: usize) -> bool {
        node >= self.real_count
    }

    /// Reorders layers by barycenter sweeps and keeps the best order found.
    /// Returns its number of crossings.
    fn reduce_crossings(&mut self, sweeps: usize) -> usize {
        let mut best_crossings = self.count_crossings();
        let mut best_layers = self.layers.clone();
        let mut sweeps_without_gain = 0;
        for _ in 0..sweeps {
            if best_crossings == 0 || sweeps_without_gain >= 3 {
                break;
            }
            for layer in 1..self.layers.len() {
                self.sort_layer_by_barycenter(layer, true);
            }
            for layer in (0..self.layers.len().saturating_sub(1)).rev() {
                self.sort_layer_by_barycenter(layer, false);
            }
            let crossings = self.count_crossings();
            if crossings < best_crossings {
                best_crossings = crossings;
                best_layers = self.layers.clone();
                sweeps_without_gain = 0;
            } else {
                sweeps_without_gain += 1;
            }
        }
        self.layers = best_layers;
        self.refresh_positions();
        best_crossings
    }

    fn refresh_positions(&mut self) {
        for layer in &self.layers {
            for (index, &node) in layer.iter().enumerate() {
                self.position[node] = index;
            }
        }
    }

    /// Sorts one layer by the mean position of each node's neighbours in the
    /// layer before it (`from_upper`) or after it. Nodes without such
    /// neighbours keep their place; ties keep the current order.
    fn sort_layer_by_barycenter(&mut self, layer: usize, from_upper: bool) {
        let mut keyed: Vec<(f64, usize, usize)> = self.layers[layer]
            .iter()
            .map(|&node| {
                let neighbours = if from_upper {
                    &self.upper[node]
                } else {
                    &self.lower[node]
                };
                let barycenter = if neighbours.is_empty() {
                    self.position[node] as f64
                } else {
                    neighbours
                        .iter()
                        .map(|&n| self.position[n] as f64)
                        .sum::<f64>()
                        / neighbours.len() as f64
                };
                (barycenter, self.position[node], node)
            })
            .collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (index, &(_, _, node)) in keyed.iter().enumerate() {
            self.layers[layer][index] = node;
            self.position[node] = index;
        }
    }

    /// Exact number of crossings between all adjacent layers (inversions of
    /// the edge list, counted with a Fenwick tree: O(E log V) per layer pair).
    fn count_crossings(&self) -> usize {
        let mut total = 0;
        for layer in 0..self.layers.len().saturating_sub(1) {
            let mut ends: Vec<(usize, usize)> = Vec::new();
            for &node in &self.layers[layer] {
                for &next in &self.lower[node] {
                    ends.push((self.position[node], self.position[next]));
                }
            }
            ends.sort_unstable();
            let size = self.layers[layer + 1].len();
            let mut tree = vec![0usize; size + 1];
            for (seen, &(_, target)) in ends.iter().enumerate() {
                // Edges already seen that end strictly below this one cross it.
                let mut not_greater = 0;
                let mut i = target + 1;
                while i > 0 {
                    not_greater += tree[i];
                    i -= i & i.wrapping_neg();
                }
                total += seen - not_greater;
                let mut i = target + 1;
                while i <= size {
                    tree[i] += 1;
                    i += i & i.wrapping_neg();
                }
            }
        }
        total
    }

    /// Vertical centre of every node (real and dummy).
    fn place_along_layers(&self, options: &LayoutOptions) -> Vec<f64> {
        let extent = |node: usize| {
            if self.is_dummy(node) {
                0.0
            } else {
                options.node_height
            }
        };
        let separation = |a: usize, b: usize| {
            let gap = match (self.is_dummy(a), self.is_dummy(b)) {
                (true, true) => options.edge_gap,
                (false, false) => options.node_gap,
                _ => (options.edge_gap + options.node_gap) / 2.0,
            };
            (extent(a) + extent(b)) / 2.0 + gap
        };
        let mut center = vec![0.0; self.layer_of.len()];
        // Start packed from the top, each layer centred on the tallest.
        let layer_spans: Vec<f64> = self
            .layers
            .iter()
            .map(|layer| {
                layer
                    .windows(2)
                    .map(|pair| separation(pair[0], pair[1]))
                    .sum()
            })
            .collect();
        let tallest = layer_spans.iter().copied().fold(0.0, f64::max);
        for (layer, span) in self.layers.iter().zip(&layer_spans) {
            let mut y = (tallest - span) / 2.0;
            for (index, &node) in layer.iter().enumerate() {
                if index > 0 {
                    y += separation(layer[index - 1], node);
                }
                center[node] = y;
            }
        }

        let refine_layer =
            |center: &mut Vec<f64>, layer: &[usize], use_upper: bool, use_lower: bool| {
                if layer.is_empty() {
                    return;
                }
                let desired: Vec<f64> = layer
                    .iter()
                    .map(|&node| {
                        let mut sum = 0.0;
                        let mut count = 0usize;
                        if use_upper {
                            sum += self.upper[node].iter().map(|&n| center[n]).sum::<f64>();
                            count += self.upper[node].len();
                        }
                        if use_lower {
                            sum += self.lower[node].iter().map(|&n| center[n]).sum::<f64>();
                            count += self.lower[node].len();
                        }
                        if count == 0 {
                            center[node]
                        } else {
                            sum / count as f64
                        }
                    })
                    .collect();
                // Dummies weigh more so long edges straighten instead of zigzagging.
                let weights: Vec<f64> = layer
                    .iter()
                    .map(|&n| if self.is_dummy(n) { 2.0 } else { 1.0 })
                    .collect();
                let separations: Vec<f64> = layer
                    .windows(2)
                    .map(|pair| separation(pair[0], pair[1]))
                    .collect();
                let placed = isotonic_placement(&desired, &weights, &separations);
                for (&node, y) in layer.iter().zip(placed) {
                    center[node] = y;
                }
            };

        for _ in 0..options.placement_passes {
            for layer in self.layers.iter().skip(1) {
                refine_layer(&mut center, layer, true, false);
            }
            for layer in self.layers.iter().rev().skip(1) {
                refine_layer(&mut center, layer, false, true);
            }
        }
        // A last balancing pass looks both ways.
        for layer in &self.layers {
            refine_layer(&mut center, layer, true, true);
        }
        center
    }
}

/// Positions as close as possible (weighted least squares) to `desired`, in
/// the given order, with consecutive positions at least `separations` apart.
///
/// Subtracting the cumulative separations turns this into isotonic regression,
/// solved exactly in linear time by pooling adjacent violators.
fn isotonic_placement(desired: &[f64], weights: &[f64], separations: &[f64]) -> Vec<f64> {
    let mut offsets = Vec::with_capacity(desired.len());
    let mut offset = 0.0;
    for index in 0..desired.len() {
        if index > 0 {
            offset += separations[index - 1];
        }
        offsets.push(offset);
    }
    // Blocks of pooled values: (weighted sum, total weight, number of values).
    let mut blocks: Vec<(f64, f64, usize)> = Vec::with_capacity(desired.len());
    for index in 0..desired.len() {
        let weight = weights[index];
        blocks.push(((desired[index] - offsets[index]) * weight, weight, 1));
        while blocks.len() >= 2 {
            let (sum_b, weight_b, count_b) = blocks[blocks.len() - 1];
            let (sum_a, weight_a, count_a) = blocks[blocks.len() - 2];
            if sum_a / weight_a <= sum_b / weight_b {
                break;
            }
            blocks.pop();
            let last = blocks.len() - 1;
            blocks[last] = (sum_a + sum_b, weight_a + weight_b, count_a + count_b);
        }
    }
    let mut placed = Vec::with_capacity(desired.len());
    for (sum, weight, count) in blocks {
        let level = sum / weight;
        for _ in 0..count {
            placed.push(level + offsets[placed.len()]);
        }
    }
    placed
}

/// Left edge and width of every column: as wide as its widest node.
fn column_positions(
    graph: &LayeredGraph,
    widths: &[f64],
    options: &LayoutOptions,
) -> (Vec<f64>, Vec<f64>) {
    let column_width: Vec<f64> = graph
        .layers
        .iter()
        .map(|layer| {
            layer
                .iter()
                .filter(|&&n| !graph.is_dummy(n))
                .map(|&n| widths[n])
                .fold(EMPTY_LAYER_WIDTH, f64::max)
        })
        .collect();
    let mut column_x = Vec::with_capacity(column_width.len());
    let mut x = options.margin;
    for width in &column_width {
        column_x.push(x);
        x += width + options.layer_gap;
    }
    (column_x, column_width)
}

/// The polyline of one chain: leaves the source on its right side, crosses each
/// intermediate column horizontally at its dummy's height (a slot no node box
/// occupies), and enters the target on its left side.
fn route_chain(
    chain: &[usize],
    nodes: &[PlacedNode],
    graph: &LayeredGraph,
    centers: &[f64],
    column_x: &[f64],
    column_width: &[f64],
) -> Vec<(f64, f64)> {
    let mut points = Vec::with_capacity(chain.len() * 2 + 1);
    let (Some(&source), Some(&target)) = (chain.first(), chain.last()) else {
        return points;
    };
    let source_box = &nodes[source];
    let source_layer = source_box.layer;
    let source_y = centers[source];
    points.push((source_box.x + source_box.width, source_y));
    let column_right = column_x[source_layer] + column_width[source_layer];
    if column_right > source_box.x + source_box.width {
        points.push((column_right, source_y));
    }
    for &dummy in &chain[1..chain.len() - 1] {
        let layer = graph.layer_of[dummy];
        points.push((column_x[layer], centers[dummy]));
        points.push((column_x[layer] + column_width[layer], centers[dummy]));
    }
    let target_box = &nodes[target];
    points.push((target_box.x, centers[target]));
    points
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{generated_service_graph, Lcg};
    use super::*;

    fn boxes_overlap(a: &PlacedNode, b: &PlacedNode) -> bool {
        a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
    }

    fn assert_no_overlap(layout: &Layout) {
        for (i, a) in layout.nodes.iter().enumerate() {
            for b in &layout.nodes[i + 1..] {
                assert!(
                    !boxes_overlap(a, b),
                    "nodes {} and {} overlap: {a:?} {b:?}",
                    a.index,
                    b.index
                );
            }
        }
    }

    /// No route point lies strictly inside a node box, and a route never
    /// passes horizontally through a box: edges stay in gaps and free slots.
    fn assert_routes_avoid_boxes(layout: &Layout) {
        for edge in &layout.edges {
            for window in edge.points.windows(2) {
                let (a, b) = (window[0], window[1]);
                for node in &layout.nodes {
                    let inside_y = |y: f64| y > node.y + 0.01 && y < node.y + node.height - 0.01;
                    let (low_x, high_x) = (a.0.min(b.0), a.0.max(b.0));
                    let overlaps_x = low_x < node.x + node.width - 0.01 && high_x > node.x + 0.01;
                    if a.1 == b.1 && inside_y(a.1) && overlaps_x {
                        panic!("edge {} runs through node {}", edge.input_index, node.index);
                    }
                }
            }
        }
    }

    #[test]
    fn empty_graph_lays_out_to_an_empty_drawing() {
        let layout = layered_layout(&[], &[], &LayoutOptions::default());
        assert!(layout.nodes.is_empty());
        assert!(layout.edges.is_empty());
        assert_eq!(layout.layer_count, 0);
        assert!(layout.width.is_finite() && layout.height.is_finite());
    }

    #[test]
    fn chain_goes_left_to_right_in_successive_layers() {
        let layout = layered_layout(
            &[100.0, 100.0, 100.0],
            &[(0, 1), (1, 2)],
            &LayoutOptions::default(),
        );
        let layers: Vec<usize> = layout.nodes.iter().map(|n| n.layer).collect();
        assert_eq!(layers, vec![0, 1, 2]);
        assert!(layout.nodes[0].x < layout.nodes[1].x && layout.nodes[1].x < layout.nodes[2].x);
        assert_eq!(layout.crossings, 0);
    }

    #[test]
    fn cycles_are_broken_by_reversing_back_edges() {
        let edges = [(0, 1), (1, 2), (2, 0), (2, 2)];
        let layout = layered_layout(&[80.0; 3], &edges, &LayoutOptions::default());
        assert_eq!(layout.edges.len(), 4);
        let reversed: Vec<usize> = layout
            .edges
            .iter()
            .filter(|e| e.reversed)
            .map(|e| e.input_index)
            .collect();
        assert_eq!(
            reversed,
            vec![2],
            "the edge closing the cycle is the back edge"
        );
        assert!(layout.edges[3].self_loop);
        // Every edge that is not reversed goes to a later layer.
        for edge in layout.edges.iter().filter(|e| !e.reversed && !e.self_loop) {
            assert!(layout.nodes[edge.from].layer < layout.nodes[edge.to].layer);
        }
    }

    #[test]
    fn edges_naming_missing_nodes_are_left_out() {
        let layout = layered_layout(
            &[80.0, 80.0],
            &[(0, 1), (0, 7), (9, 1)],
            &LayoutOptions::default(),
        );
        assert_eq!(layout.edges.len(), 1);
        assert_eq!(layout.edges[0].input_index, 0);
    }

    #[test]
    fn long_edges_are_routed_through_dummy_slots() {
        // 0 -> 1 -> 2 -> 3 and a long edge 0 -> 3 skipping two layers.
        let layout = layered_layout(
            &[80.0; 4],
            &[(0, 1), (1, 2), (2, 3), (0, 3)],
            &LayoutOptions::default(),
        );
        let long = &layout.edges[3];
        // Source exit + two columns crossed (two points each) + target entry.
        assert_eq!(long.points.len(), 6);
        assert_routes_avoid_boxes(&layout);
        assert_no_overlap(&layout);
    }

    #[test]
    fn barycenter_sweeps_remove_avoidable_crossings() {
        // Two parallel chains declared crosswise: 0->3, 1->2 with 2 and 3 in
        // index order would cross once; the sweeps untangle them.
        let layout = layered_layout(&[80.0; 4], &[(0, 3), (1, 2)], &LayoutOptions::default());
        assert_eq!(layout.crossings, 0);
        let edges = [(0, 5), (0, 4), (1, 3), (2, 4), (1, 5), (2, 3)];
        let layout = layered_layout(&[80.0; 6], &edges, &LayoutOptions::default());
        assert!(layout.crossings <= 2, "crossings {}", layout.crossings);
    }

    #[test]
    fn isotonic_placement_keeps_order_and_separation() {
        let placed = isotonic_placement(&[10.0, 0.0, 5.0], &[1.0, 1.0, 1.0], &[4.0, 4.0]);
        assert!(placed[1] - placed[0] >= 4.0 - 1e-9);
        assert!(placed[2] - placed[1] >= 4.0 - 1e-9);
        // Unconstrained targets are met exactly.
        let free = isotonic_placement(&[0.0, 10.0, 20.0], &[1.0, 1.0, 1.0], &[4.0, 4.0]);
        assert_eq!(free, vec![0.0, 10.0, 20.0]);
    }

    #[test]
    fn generated_graphs_never_overlap_and_route_between_layers() {
        for (services, seed) in [(10, 1), (50, 2), (200, 3), (200, 4)] {
            let (widths, edges) = generated_service_graph(services, seed);
            let layout = layered_layout(&widths, &edges, &LayoutOptions::default());
            assert_eq!(layout.nodes.len(), services);
            assert_eq!(layout.edges.len(), edges.len());
            assert!(
                layout.edges.iter().any(|e| e.reversed),
                "generator makes cycles"
            );
            assert!(
                layout.edges.iter().any(|e| e.points.len() > 3),
                "generator makes long edges"
            );
            assert_no_overlap(&layout);
            assert_routes_avoid_boxes(&layout);
            for node in &layout.nodes {
                assert!(node.x >= 0.0 && node.y >= 0.0);
                assert!(
                    node.x + node.width <= layout.width && node.y + node.height <= layout.height
                );
            }
        }
    }

    #[test]
    fn layout_is_deterministic() {
        let (widths, edges) = generated_service_graph(120, 9);
        let first = layered_layout(&widths, &edges, &LayoutOptions::default());
        let second = layered_layout(&widths, &edges, &LayoutOptions::default());
        assert_eq!(first, second);
    }

    #[test]
    fn bad_widths_and_options_do_not_produce_nonsense() {
        let options = LayoutOptions {
            node_height: f64::NAN,
            layer_gap: -3.0,
            ..LayoutOptions::default()
        };
        let layout = layered_layout(
            &[f64::NAN, -1.0, f64::INFINITY],
            &[(0, 1), (1, 2)],
            &options,
        );
        for node in &layout.nodes {
            assert!(
                node.x.is_finite() && node.y.is_finite() && node.width > 0.0 && node.height > 0.0
            );
        }
        assert_no_overlap(&layout);
        let mut random = Lcg::new(5);
        assert!(random.below(10) < 10);
    }
}
