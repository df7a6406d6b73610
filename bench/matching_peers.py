"""The peers of Alongside's matching benchmark, on the same problem files.

    python matching_peers.py ortools|scipy FILE

Reads a problem in Alongside's plain text format (p/s/e lines), solves it
for the same objective (the most people matched, then the largest total
score) and prints one JSON line: matched, total_score and the seconds spent
solving (reading the file is not counted, as for Alongside).
"""

import json
import sys
import time

import numpy as np


def read(path):
    persons = supporters = 0
    capacity = None
    edges = []
    with open(path, "rb") as f:
        data = f.read()
    for line in data.split(b"\n"):
        if not line or line[0:1] == b"c":
            continue
        kind = line[0:1]
        if kind == b"e":
            edges.append(line[2:])
        elif kind == b"s":
            s, c = line[2:].split()
            capacity[int(s)] = int(c)
        elif kind == b"p":
            persons, supporters, _ = (int(x) for x in line[2:].split())
            capacity = np.zeros(supporters, dtype=np.int64)
    table = np.array(b" ".join(edges).split(), dtype=np.int64).reshape(-1, 3)
    return persons, capacity, table[:, 0], table[:, 1], table[:, 2]


def ortools(persons, capacity, person, supporter, score):
    from ortools.graph.python import min_cost_flow

    started = time.perf_counter()
    supporters = len(capacity)
    source, sink = 0, persons + supporters + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    # Costs are made non-negative; with the flow at its maximum, the total
    # cost is matched·top − score, so the cheapest flow is the best score.
    top = int(score.max()) if len(score) else 0
    starts = np.concatenate([
        np.zeros(persons, dtype=np.int64),
        person + 1,
        np.arange(supporters, dtype=np.int64) + persons + 1,
    ])
    ends = np.concatenate([
        np.arange(persons, dtype=np.int64) + 1,
        supporter + persons + 1,
        np.full(supporters, sink, dtype=np.int64),
    ])
    capacities = np.concatenate([
        np.ones(persons, dtype=np.int64),
        np.ones(len(person), dtype=np.int64),
        capacity,
    ])
    costs = np.concatenate([
        np.zeros(persons, dtype=np.int64),
        top - score,
        np.zeros(supporters, dtype=np.int64),
    ])
    arcs = flow.add_arcs_with_capacity_and_unit_cost(starts, ends, capacities, costs)
    flow.set_node_supply(source, persons)
    flow.set_node_supply(sink, -persons)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise SystemExit(f"OR-Tools: status {status}")
    pair_arcs = arcs[persons:persons + len(person)]
    used = flow.flows(pair_arcs) > 0
    seconds = time.perf_counter() - started
    return int(used.sum()), int(score[used].sum()), seconds


def scipy(persons, capacity, person, supporter, score):
    from scipy.optimize import linear_sum_assignment
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    started = time.perf_counter()
    # Each supporter's places become columns of their own.
    first_slot = np.concatenate([[0], np.cumsum(capacity)])
    slots = int(first_slot[-1])
    reps = capacity[supporter]
    rows = np.repeat(person, reps)
    offsets = np.arange(len(rows)) - np.repeat(np.cumsum(reps) - reps, reps)
    cols = np.repeat(first_slot[supporter], reps) + offsets
    values = np.repeat(score, reps)
    if len(score) == persons * len(capacity):
        # Every pair is a candidate: a dense assignment fills every place
        # (or matches every person), so the best score is the objective.
        matrix = np.zeros((persons, slots))
        matrix[rows, cols] = values
        r, c = linear_sum_assignment(matrix, maximize=True)
        seconds = time.perf_counter() - started
        return len(r), int(matrix[r, c].sum()), seconds
    # Sparse: each place also gets a stand-in row, dearer than any real
    # pair by more than all scores together, so a full matching of places
    # always exists and as few stand-ins as possible are used.
    top = int(score.max())
    stand_in = float((top + 1) * (slots + 2))
    weights = np.concatenate([(top + 1 - values).astype(float), np.full(slots, stand_in)])
    rows = np.concatenate([rows, persons + np.arange(slots)])
    cols = np.concatenate([cols, np.arange(slots)])
    graph = csr_matrix((weights, (rows, cols)), shape=(persons + slots, slots))
    matched_rows, matched_cols = min_weight_full_bipartite_matching(graph)
    real = matched_rows < persons
    slot_of = np.searchsorted(first_slot, np.arange(slots), side="right") - 1
    chosen_supporter = slot_of[matched_cols[real]]
    chosen_person = matched_rows[real]
    lookup = {(int(p), int(s)): int(w) for p, s, w in zip(person, supporter, score)}
    total = sum(lookup[(int(p), int(s))] for p, s in zip(chosen_person, chosen_supporter))
    seconds = time.perf_counter() - started
    return int(real.sum()), total, seconds


def main():
    method, path = sys.argv[1], sys.argv[2]
    problem = read(path)
    solver = {"ortools": ortools, "scipy": scipy}[method]
    matched, total, seconds = solver(*problem)
    print(json.dumps({"matched": matched, "total_score": total, "seconds": round(seconds, 3)}))


if __name__ == "__main__":
    main()
