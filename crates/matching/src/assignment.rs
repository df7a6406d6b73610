//! The exact assignment: each person at most one supporter, each supporter
//! at most their free places; first as many people as possible, then the
//! largest total score among those assignments.
//!
//! The problem is solved as a min-cost flow. One side fills its places (a
//! person has one, a supporter their free places): source → place → pair →
//! the other side → sink, with cost −score on the pair arcs, plus for each
//! place an arc straight to the sink, "left unfilled", whose cost `B` is
//! larger than any difference of total scores. Every place then carries
//! exactly one unit, and the cheapest such flow leaves as few places
//! unfilled as possible and, among those, has the largest total score: the
//! lexicographic objective.
//!
//! Places are added one at a time, each routed along the cheapest path to
//! the sink (Dijkstra on costs reduced by node potentials, stopped as soon
//! as the sink is settled): successive shortest paths, which keep the flow
//! the cheapest one for the places added so far. A path may move people to
//! other supporters, or give up a worse pair in favour of the new one;
//! nothing is greedy. The side with fewer places is the one that fills, so
//! the other keeps free places to the end and searches stay short. The
//! parts of the candidate graph that share no one are independent, and
//! places are taken part by part.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// One candidate pair: a person, a supporter and the pair's score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Edge {
    /// The person's index, from 0.
    pub person: u32,
    /// The supporter's index, from 0.
    pub supporter: u32,
    /// How good the pair is; higher is better.
    pub score: i64,
}

/// An assignment problem: people, supporters with their free places, and
/// the candidate pairs between them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problem {
    /// How many people there are.
    pub persons: u32,
    /// Free places of each supporter, by index.
    pub capacities: Vec<u32>,
    /// Candidate pairs. A pair listed twice counts once, at its best score.
    pub edges: Vec<Edge>,
}

/// The chosen pairs, with how many people they match and their total score.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assignment {
    /// (person, supporter) pairs, ordered by person.
    pub pairs: Vec<(u32, u32)>,
    /// How many people are matched.
    pub matched: u32,
    /// The sum of the chosen pairs' scores.
    pub total_score: i64,
    /// How many connected parts the candidate graph has; the parts never
    /// affect one another.
    pub components: u32,
}

/// Why a problem cannot be solved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemError {
    /// A pair names a person beyond `persons`.
    NoSuchPerson(u32),
    /// A pair names a supporter beyond `capacities`.
    NoSuchSupporter(u32),
    /// Scores so large, for so many people, that totals would not fit in
    /// 64 bits.
    ScoresTooLarge,
    /// More people, supporters or pairs than the solver can number: it
    /// holds their indices in 32 bits, the top two values kept as markers.
    TooLarge,
}

impl std::fmt::Display for ProblemError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoSuchPerson(p) => write!(f, "person {p} is not in the problem"),
            Self::NoSuchSupporter(s) => write!(f, "supporter {s} is not in the problem"),
            Self::ScoresTooLarge => f.write_str("scores are too large to add up safely"),
            Self::TooLarge => f.write_str("too many people, supporters or pairs to solve at once"),
        }
    }
}

impl std::error::Error for ProblemError {}

/// Nothing: no node, no pair.
const NONE: u32 = u32::MAX;

/// Keeps, of `edges`, the `k` best pairs of each person and the `k` best of
/// each supporter (a pair stays when either side keeps it). The exact
/// assignment then runs on this sparser graph, which is what makes large
/// regions fast; ties are broken by index so the result is deterministic.
#[must_use]
pub fn keep_best(edges: &[Edge], k: usize) -> Vec<Edge> {
    if k == 0 {
        return Vec::new();
    }
    let mut keep = vec![false; edges.len()];
    let mut order: Vec<usize> = (0..edges.len()).collect();
    for by_person in [true, false] {
        let side = |e: &Edge| if by_person { e.person } else { e.supporter };
        order.sort_unstable_by_key(|&i| {
            let e = &edges[i];
            (side(e), Reverse(e.score), e.person, e.supporter)
        });
        let mut run = 0;
        let mut current = NONE;
        for &i in &order {
            let owner = side(&edges[i]);
            if owner != current {
                current = owner;
                run = 0;
            }
            if run < k {
                keep[i] = true;
            }
            run += 1;
        }
    }
    edges
        .iter()
        .zip(keep)
        .filter_map(|(e, kept)| kept.then_some(*e))
        .collect()
}

/// Solves `problem` exactly: the most people matched, then the largest total
/// score. The same problem always gives the same assignment.
///
/// # Errors
/// When a pair names a person or supporter outside the problem, or scores
/// are too large to add up.
pub fn solve(problem: &Problem) -> Result<Assignment, ProblemError> {
    let persons = problem.persons as usize;
    let supporters = problem.capacities.len();
    for e in &problem.edges {
        if e.person as usize >= persons {
            return Err(ProblemError::NoSuchPerson(e.person));
        }
        if e.supporter as usize >= supporters {
            return Err(ProblemError::NoSuchSupporter(e.supporter));
        }
    }
    let mut edges = problem.edges.clone();
    // Best score first within a pair, so the dedup keeps it.
    edges.sort_unstable_by_key(|e| (e.person, e.supporter, Reverse(e.score)));
    edges.dedup_by_key(|e| (e.person, e.supporter));
    let mut degree = vec![0u32; supporters];
    let mut has_pair = vec![false; persons];
    for e in &edges {
        degree[e.supporter as usize] += 1;
        has_pair[e.person as usize] = true;
    }
    let person_places: u64 = has_pair.iter().map(|&h| u64::from(h)).sum();
    let supporter_places: u64 = problem
        .capacities
        .iter()
        .zip(&degree)
        .map(|(&c, &d)| u64::from(c.min(d)))
        .sum();
    // Places are filled one at a time from the side with fewer of them, so
    // the other side keeps free places to the end and searches stay short.
    let from_supporters = supporter_places < person_places;
    let ones = vec![1; persons];
    let (left_capacity, right_capacity) = if from_supporters {
        (&problem.capacities, &ones)
    } else {
        (&ones, &problem.capacities)
    };
    let pairs: Vec<(u32, u32, i64)> = edges
        .iter()
        .map(|e| {
            if from_supporters {
                (e.supporter, e.person, e.score)
            } else {
                (e.person, e.supporter, e.score)
            }
        })
        .collect();
    let graph = Graph::new(
        left_capacity.clone(),
        right_capacity.clone(),
        pairs,
        person_places.min(supporter_places),
    )?;
    let (chosen, components) = graph.solve();
    let mut pairs: Vec<(u32, u32)> = chosen
        .iter()
        .map(|&(l, r)| if from_supporters { (r, l) } else { (l, r) })
        .collect();
    pairs.sort_unstable();
    let total_score = chosen.iter().map(|&(l, r)| graph.score(l, r)).sum();
    let matched = u32::try_from(pairs.len()).map_err(|_| ProblemError::TooLarge)?;
    Ok(Assignment {
        pairs,
        matched,
        total_score,
        components,
    })
}

/// The flow network, from the side whose places are filled ("left") to the
/// other ("right"): pairs in compressed rows, costs as −score.
///
/// Nodes are numbered left nodes first, then right nodes, then the sink.
/// [`Graph::new`] refuses a network whose node or pair indices would not
/// fit in a `u32` below [`EXIT`], so the search may hold them as `u32`.
struct Graph {
    /// How many left nodes there are.
    left: u32,
    /// How many left and right nodes there are, the sink not counted.
    nodes: u32,
    left_capacity: Vec<u32>,
    right_capacity: Vec<u32>,
    start: Vec<usize>,
    right: Vec<u32>,
    cost: Vec<i64>,
    /// The cost of leaving a place unfilled: more than any difference of
    /// total scores, so one more pair always wins.
    unfilled_cost: i64,
}

impl Graph {
    fn new(
        left_capacity: Vec<u32>,
        right_capacity: Vec<u32>,
        mut pairs: Vec<(u32, u32, i64)>,
        places: u64,
    ) -> Result<Self, ProblemError> {
        // Node and pair indices must stay below the two markers, NONE and
        // EXIT; the sink is the last node.
        let below_markers = |count: usize| {
            u32::try_from(count)
                .ok()
                .filter(|&c| c <= EXIT)
                .ok_or(ProblemError::TooLarge)
        };
        let nodes = below_markers(left_capacity.len() + right_capacity.len() + 1)? - 1;
        below_markers(pairs.len())?;
        pairs.sort_unstable();
        let left = left_capacity.len();
        let mut start = vec![0usize; left + 1];
        for &(l, _, _) in &pairs {
            start[l as usize + 1] += 1;
        }
        for i in 0..left {
            start[i + 1] += start[i];
        }
        // Totals lie within ±largest·places, so a difference of two is at
        // most twice that; the potentials stay within a few such spans.
        let largest = pairs
            .iter()
            .map(|&(_, _, s)| s.checked_abs())
            .try_fold(0i64, |m, s| s.map(|s| m.max(s)))
            .ok_or(ProblemError::ScoresTooLarge)?;
        let unfilled_cost = i64::try_from(places + 1)
            .ok()
            .and_then(|p| largest.checked_mul(2)?.checked_mul(p)?.checked_add(1))
            .filter(|b| *b < i64::MAX / 8)
            .ok_or(ProblemError::ScoresTooLarge)?;
        Ok(Self {
            left: u32::try_from(left).map_err(|_| ProblemError::TooLarge)?,
            nodes,
            left_capacity,
            right_capacity,
            start,
            right: pairs.iter().map(|p| p.1).collect(),
            cost: pairs.iter().map(|p| -p.2).collect(),
            unfilled_cost,
        })
    }

    fn edges_of(&self, left: usize) -> std::ops::Range<usize> {
        self.start[left]..self.start[left + 1]
    }

    fn edge(&self, left: u32, right: u32) -> usize {
        let range = self.edges_of(left as usize);
        let at = self.right[range.clone()]
            .binary_search(&right)
            .expect("a chosen pair is a candidate pair");
        range.start + at
    }

    fn score(&self, left: u32, right: u32) -> i64 {
        -self.cost[self.edge(left, right)]
    }

    /// Left nodes with pairs, ordered by connected part, and the number of
    /// parts.
    fn by_component(&self) -> (Vec<u32>, u32) {
        fn root(parent: &mut [u32], mut x: u32) -> u32 {
            while parent[x as usize] != x {
                let up = parent[parent[x as usize] as usize];
                parent[x as usize] = up;
                x = up;
            }
            x
        }
        let left = self.left;
        let mut parent: Vec<u32> = (0..self.nodes).collect();
        for l in 0..left {
            for i in self.edges_of(l as usize) {
                let a = root(&mut parent, l);
                let b = root(&mut parent, left + self.right[i]);
                if a != b {
                    parent[a.max(b) as usize] = a.min(b);
                }
            }
        }
        let mut order: Vec<(u32, u32)> = (0..left)
            .filter(|&l| !self.edges_of(l as usize).is_empty())
            .map(|l| (root(&mut parent, l), l))
            .collect();
        order.sort_unstable();
        let mut parts = 0;
        let mut last = NONE;
        for &(r, _) in &order {
            if r != last {
                parts += 1;
                last = r;
            }
        }
        (order.into_iter().map(|(_, l)| l).collect(), parts)
    }

    /// The chosen (left, right) pairs and the number of connected parts.
    fn solve(&self) -> (Vec<(u32, u32)>, u32) {
        let left = self.left_capacity.len();
        let n = left + self.right_capacity.len() + 1;
        let mut search = Search {
            potential: vec![0; n],
            distance: vec![i64::MAX; n],
            reached_by: vec![NONE; n],
            touched: Vec::new(),
            settled: Vec::new(),
            heap: BinaryHeap::new(),
            sink: n - 1,
            exit_from: NONE,
        };
        let mut state = State {
            used: vec![false; self.cost.len()],
            handled: vec![0; left],
            unfilled: vec![0; left],
            mates: vec![Vec::new(); self.right_capacity.len()],
        };
        let (order, components) = self.by_component();
        for l in order {
            // Places beyond the number of pairs can never be filled.
            let capacity = self.left_capacity[l as usize];
            let places = u32::try_from(self.edges_of(l as usize).len())
                .map_or(capacity, |pairs| capacity.min(pairs));
            for _ in 0..places {
                self.fill(l as usize, &mut search, &mut state);
            }
        }
        let mut chosen = Vec::new();
        for l in 0..self.left {
            for i in self.edges_of(l as usize) {
                if state.used[i] {
                    chosen.push((l, self.right[i]));
                }
            }
        }
        (chosen, components)
    }

    /// Fills one more place of `root` along the cheapest path to the sink:
    /// to a free place on the other side, moving others along the way, or
    /// leaving a place unfilled (this one, or one given up further on).
    #[expect(
        clippy::cast_possible_truncation,
        reason = "`Graph::new` refuses node and pair counts above EXIT, so every node index, \
                  pair index and number of mates fits in u32; checked once there rather than \
                  in this loop"
    )]
    fn fill(&self, root: usize, search: &mut Search, state: &mut State) {
        let left = self.left_capacity.len();
        let sink = search.sink;
        if state.handled[root] == 0 {
            // A newcomer's potential makes every arc out of it non-negative;
            // nothing enters it yet, so any value is free to choose.
            search.potential[root] = self
                .edges_of(root)
                .map(|i| search.potential[left + self.right[i] as usize] - self.cost[i])
                .fold(search.potential[sink] - self.unfilled_cost, i64::max);
        }
        state.handled[root] += 1;
        search.reset();
        search.reach(root, 0, NONE);
        let mut total = 0;
        while let Some(Reverse((d, key))) = search.heap.pop() {
            let node = search.node_of(key);
            if d > search.distance[node] {
                continue;
            }
            search.settled.push(node as u32);
            if node == sink {
                total = d;
                break;
            }
            let pi = search.potential[node];
            if node < left {
                for i in self.edges_of(node) {
                    if state.used[i] {
                        continue;
                    }
                    let target = left + self.right[i] as usize;
                    let reduced = self.cost[i] + pi - search.potential[target];
                    search.reach(target, d + reduced, i as u32);
                }
                // Every reached left node has a place it may leave unfilled.
                let reduced = self.unfilled_cost + pi - search.potential[sink];
                if search.reach(sink, d + reduced, EXIT) {
                    search.exit_from = node as u32;
                }
            } else {
                let right = node - left;
                if (state.mates[right].len() as u32) < self.right_capacity[right] {
                    let reduced = pi - search.potential[sink];
                    search.reach(sink, d + reduced, node as u32);
                }
                for &(mate, i) in &state.mates[right] {
                    let reduced = -self.cost[i as usize] + pi - search.potential[mate as usize];
                    search.reach(mate as usize, d + reduced, i);
                }
            }
        }
        for &node in &search.settled {
            let node = node as usize;
            search.potential[node] += search.distance[node] - total;
        }
        // Walk back from the sink, moving each pair on the path.
        let last = search.reached_by[sink];
        let mut at = if last == EXIT {
            let node = search.exit_from as usize;
            state.unfilled[node] += 1;
            node
        } else {
            last as usize
        };
        while at != root {
            let i = search.reached_by[at] as usize;
            if at < left {
                // Reached backwards: it gives up this pair.
                let right = self.right[i] as usize;
                state.used[i] = false;
                let mates = &mut state.mates[right];
                let k = mates
                    .iter()
                    .position(|&(_, e)| e as usize == i)
                    .expect("a used pair is among the mates");
                mates.swap_remove(k);
                at = left + right;
            } else {
                // Reached forwards: the pair is taken.
                let from = self.left_of(i);
                state.used[i] = true;
                state.mates[at - left].push((from as u32, i as u32));
                at = from;
            }
        }
    }

    fn left_of(&self, edge: usize) -> usize {
        // The last row starting at or before the edge.
        self.start.partition_point(|&s| s <= edge) - 1
    }
}

/// `reached_by` of the sink when a left node's place is left unfilled.
const EXIT: u32 = u32::MAX - 1;

struct State {
    /// Whether each pair is chosen.
    used: Vec<bool>,
    /// Places of each left node taken into account so far.
    handled: Vec<u32>,
    /// Places of each left node left unfilled.
    unfilled: Vec<u32>,
    /// For each right node, the left nodes paired with it and the pair.
    mates: Vec<Vec<(u32, u32)>>,
}

/// Dijkstra's working memory, kept between searches. `reached_by` holds the
/// pair (edge index) a node was reached through, or for the sink the right
/// node or `EXIT`.
struct Search {
    potential: Vec<i64>,
    distance: Vec<i64>,
    reached_by: Vec<u32>,
    touched: Vec<u32>,
    settled: Vec<u32>,
    heap: BinaryHeap<Reverse<(i64, u32)>>,
    sink: usize,
    /// The left node whose place the cheapest exit leaves unfilled.
    exit_from: u32,
}

impl Search {
    fn node_of(&self, key: u32) -> usize {
        if key == 0 {
            self.sink
        } else {
            key as usize - 1
        }
    }

    fn reset(&mut self) {
        for &node in &self.touched {
            self.distance[node as usize] = i64::MAX;
            self.reached_by[node as usize] = NONE;
        }
        self.touched.clear();
        self.settled.clear();
        self.heap.clear();
    }

    /// Offers `node` the distance `d` through `by`; true when it is better
    /// than what the node had.
    #[expect(
        clippy::cast_possible_truncation,
        reason = "`Graph::new` refuses more than EXIT nodes, so a node index and its heap key \
                  (index + 1, the sink's key being 0) fit in u32"
    )]
    fn reach(&mut self, node: usize, d: i64, by: u32) -> bool {
        if d >= self.distance[node] {
            return false;
        }
        if self.distance[node] == i64::MAX {
            self.touched.push(node as u32);
        }
        self.distance[node] = d;
        self.reached_by[node] = by;
        // Among equals the sink comes first: a plateau of equally cheap
        // moves need not be explored once a way out is known.
        let key = if node == self.sink {
            0
        } else {
            node as u32 + 1
        };
        self.heap.push(Reverse((d, key)));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn edge(person: u32, supporter: u32, score: i64) -> Edge {
        Edge {
            person,
            supporter,
            score,
        }
    }

    /// Every assignment, tried: the best (matched, score) found.
    fn brute_force(problem: &Problem) -> (u32, i64) {
        fn go(p: usize, by_person: &[Vec<(u32, i64)>], left: &mut [u32]) -> (u32, i64) {
            if p == by_person.len() {
                return (0, 0);
            }
            let mut best = go(p + 1, by_person, left);
            for &(s, score) in &by_person[p] {
                if left[s as usize] > 0 {
                    left[s as usize] -= 1;
                    let (m, t) = go(p + 1, by_person, left);
                    left[s as usize] += 1;
                    best = best.max((m + 1, t + score));
                }
            }
            best
        }
        let mut by_person: Vec<Vec<(u32, i64)>> = vec![Vec::new(); problem.persons as usize];
        for e in &problem.edges {
            let list = &mut by_person[e.person as usize];
            match list.iter_mut().find(|(s, _)| *s == e.supporter) {
                Some(existing) => existing.1 = existing.1.max(e.score),
                None => list.push((e.supporter, e.score)),
            }
        }
        go(0, &by_person, &mut problem.capacities.clone())
    }

    fn problems() -> impl Strategy<Value = Problem> {
        (1u32..=6, 1u32..=4).prop_flat_map(|(persons, supporters)| {
            (
                proptest::collection::vec(0u32..=3, supporters as usize),
                proptest::collection::vec((0..persons, 0..supporters, 1i64..=20), 0..=14),
            )
                .prop_map(move |(capacities, edges)| Problem {
                    persons,
                    capacities,
                    edges: edges.into_iter().map(|(p, s, w)| edge(p, s, w)).collect(),
                })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn equals_brute_force(problem in problems()) {
            let assignment = solve(&problem).unwrap();
            prop_assert_eq!((assignment.matched, assignment.total_score), brute_force(&problem));
        }

        #[test]
        fn respects_capacity_and_candidates(problem in problems()) {
            let assignment = solve(&problem).unwrap();
            let mut load = vec![0u32; problem.capacities.len()];
            let mut seen = std::collections::BTreeSet::new();
            let mut total = 0;
            for &(p, s) in &assignment.pairs {
                prop_assert!(seen.insert(p), "person {} twice", p);
                load[s as usize] += 1;
                let best = problem.edges.iter()
                    .filter(|e| e.person == p && e.supporter == s)
                    .map(|e| e.score)
                    .max();
                prop_assert!(best.is_some(), "pair ({}, {}) is not a candidate", p, s);
                total += best.unwrap_or_default();
            }
            for (s, &l) in load.iter().enumerate() {
                prop_assert!(l <= problem.capacities[s]);
            }
            prop_assert_eq!(total, assignment.total_score);
        }

        #[test]
        fn same_input_same_output(problem in problems()) {
            prop_assert_eq!(solve(&problem).unwrap(), solve(&problem).unwrap());
        }

        #[test]
        fn order_of_pairs_does_not_change_the_objective(problem in problems()) {
            let mut reversed = problem.clone();
            reversed.edges.reverse();
            let a = solve(&problem).unwrap();
            let b = solve(&reversed).unwrap();
            prop_assert_eq!((a.matched, a.total_score), (b.matched, b.total_score));
        }
    }

    #[test]
    fn more_people_matched_beats_a_higher_score() {
        // Person 0 alone with supporter 0 scores 100; matching both people
        // (0 with 1, 1 with 0) scores only 2, and is still preferred.
        let problem = Problem {
            persons: 2,
            capacities: vec![1, 1],
            edges: vec![edge(0, 0, 100), edge(0, 1, 1), edge(1, 0, 1)],
        };
        let a = solve(&problem).unwrap();
        assert_eq!(a.pairs, vec![(0, 1), (1, 0)]);
        assert_eq!((a.matched, a.total_score), (2, 2));
    }

    #[test]
    fn a_greedy_choice_is_undone_when_a_better_total_exists() {
        // Greedy gives person 0 its best (supporter 0, 10) and person 1 its
        // leftover (supporter 1, 1): 11. The optimum is 9 + 8 = 17.
        let problem = Problem {
            persons: 2,
            capacities: vec![1, 1],
            edges: vec![edge(0, 0, 10), edge(0, 1, 9), edge(1, 0, 8), edge(1, 1, 1)],
        };
        let a = solve(&problem).unwrap();
        assert_eq!(a.pairs, vec![(0, 1), (1, 0)]);
        assert_eq!(a.total_score, 17);
    }

    #[test]
    fn capacity_takes_several_people() {
        let problem = Problem {
            persons: 3,
            capacities: vec![2, 0],
            edges: vec![edge(0, 0, 5), edge(1, 0, 5), edge(2, 0, 5), edge(2, 1, 50)],
        };
        let a = solve(&problem).unwrap();
        assert_eq!(a.matched, 2);
        assert!(a.pairs.iter().all(|&(_, s)| s == 0));
    }

    #[test]
    fn separate_parts_are_counted() {
        let problem = Problem {
            persons: 3,
            capacities: vec![1, 1],
            edges: vec![edge(0, 0, 1), edge(1, 1, 1)],
        };
        assert_eq!(solve(&problem).unwrap().components, 2);
    }

    #[test]
    fn out_of_range_pairs_are_refused() {
        let problem = Problem {
            persons: 1,
            capacities: vec![1],
            edges: vec![edge(1, 0, 1)],
        };
        assert_eq!(solve(&problem), Err(ProblemError::NoSuchPerson(1)));
        let problem = Problem {
            persons: 1,
            capacities: vec![1],
            edges: vec![edge(0, 3, 1)],
        };
        assert_eq!(solve(&problem), Err(ProblemError::NoSuchSupporter(3)));
    }

    #[test]
    fn keep_best_keeps_either_sides_favourites() {
        let edges = vec![
            edge(0, 0, 9),
            edge(0, 1, 5),
            edge(0, 2, 1),
            edge(1, 2, 3),
            edge(2, 2, 2),
        ];
        let kept = keep_best(&edges, 1);
        // Person 0 keeps supporter 0; supporter 2 keeps person 1; supporter
        // 1 keeps person 0; person 2's only pair is kept by person 2.
        assert_eq!(
            kept,
            vec![edge(0, 0, 9), edge(0, 1, 5), edge(1, 2, 3), edge(2, 2, 2)]
        );
        assert!(keep_best(&edges, 0).is_empty());
    }
}
