"""Whole-town INSET allocation as a minimum-cost flow.

The network: each person (supply 1) sends their unit of flow either to one of their ranked
workshops, via the node (their school, that workshop), at a cost that grows with the rank;
or, when none of their choices can take them, to their school's "anywhere" node, from which
flow can reach any workshop with room; or, as a last resort, straight to the sink
("not placed") at a cost far above everything else. (school, workshop) -> workshop arcs carry
the per-school cap, workshop -> sink arcs carry the workshop capacity.

    person --rank cost--> (school, workshop) --per-school cap--> workshop --capacity--> sink
    person --OTHER------> school "anywhere" --> (school, workshop)
    person --UNPLACED-------------------------------------------------------------> sink

So the optimum places as many people as there is room for, then gives as many people as
possible a high choice. The flow problem is solved as a linear programme with SciPy's HiGHS
(`scipy.optimize.milp`): a network matrix is totally unimodular, so the optimum is whole
numbers and HiGHS finishes at the root, without branching.
"""

import random
import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

# Convex costs: swapping two people from (1st, 5th) to (2nd, 2nd) is not worth it, but giving
# someone their 2nd rather than their 5th always is.
RANK_COSTS = (0, 1, 3, 7, 15, 31, 63, 127, 255, 511)
OTHER_COST = 1_000  # placed in a workshop they did not rank (or they ranked nothing)
UNPLACED_COST = 100_000  # no room anywhere


@dataclass(frozen=True)
class WorkshopSpace:
    id: int
    capacity: int
    per_school_cap: int | None = None


@dataclass
class AllocationResult:
    placements: dict[int, int]  # person id -> workshop id
    ranks: dict[int, int | None]  # person id -> rank they got (None: not one of their choices)
    unplaced: list[int]
    by_rank: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def allocate(people: dict[int, int], workshops: list[WorkshopSpace], choices: dict[int, list[int]]) -> AllocationResult:
    """people: person id -> school id; choices: person id -> workshop ids, first choice first."""
    started = time.perf_counter()
    workshop_ids = {w.id for w in workshops}
    schools = sorted(set(people.values()))

    nodes: dict[tuple, int] = {}

    def node(key) -> int:
        if key not in nodes:
            nodes[key] = len(nodes)
        return nodes[key]

    sink = node(("sink",))
    tails, heads, costs, caps = [], [], [], []

    def arc(tail: int, head: int, cost: float, cap: float) -> int:
        tails.append(tail)
        heads.append(head)
        costs.append(cost)
        caps.append(cap)
        return len(tails) - 1

    total = len(people)
    ranked_arcs: dict[int, tuple[int, int, int]] = {}  # arc -> (person, workshop, rank)
    other_arcs: dict[int, int] = {}  # arc -> person
    spread_arcs: dict[int, tuple[int, int]] = {}  # arc -> (school, workshop)
    for w in workshops:
        arc(node(("w", w.id)), sink, 0, w.capacity)
    for s in schools:
        for w in workshops:
            cap = w.per_school_cap if w.per_school_cap is not None else total
            arc(node(("sw", s, w.id)), node(("w", w.id)), 0, cap)
            spread_arcs[arc(node(("any", s)), node(("sw", s, w.id)), 0, total)] = (s, w.id)
    for person, school in people.items():
        p = node(("p", person))
        ranked = [w for w in dict.fromkeys(choices.get(person, [])) if w in workshop_ids]
        for rank, workshop in enumerate(ranked[: len(RANK_COSTS)], start=1):
            ranked_arcs[arc(p, node(("sw", school, workshop)), RANK_COSTS[rank - 1], 1)] = (person, workshop, rank)
        other_arcs[arc(p, node(("any", school)), OTHER_COST, 1)] = person
        arc(p, sink, UNPLACED_COST, 1)

    flows = _min_cost_flow(
        len(nodes), tails, heads, costs, caps, supplies={nodes[("p", p)]: 1 for p in people}, sink=sink
    )

    placements: dict[int, int] = {}
    ranks: dict[int, int | None] = {}
    for index, (person, workshop, rank) in ranked_arcs.items():
        if flows[index]:
            placements[person] = workshop
            ranks[person] = rank
    # People routed through their school's "anywhere" node take the seats that node sent on.
    seats: dict[int, list[int]] = defaultdict(list)
    for index, (school, workshop) in spread_arcs.items():
        seats[school].extend([workshop] * int(flows[index]))
    for index, person in other_arcs.items():
        if flows[index]:
            placements[person] = seats[people[person]].pop()
            ranks[person] = None
    unplaced = sorted(p for p in people if p not in placements)
    by_rank: dict[str, int] = defaultdict(int)
    for person, rank in ranks.items():
        by_rank[str(rank) if rank else ("unranked" if choices.get(person) else "no_choices")] += 1
    return AllocationResult(placements, ranks, unplaced, dict(by_rank), time.perf_counter() - started)


def _min_cost_flow(n_nodes, tails, heads, costs, caps, *, supplies: dict[int, int], sink: int) -> np.ndarray:
    """Solve min sum(cost * flow) s.t. flow conservation and 0 <= flow <= cap."""
    n_arcs = len(tails)
    if n_arcs == 0:
        return np.zeros(0)
    columns = np.arange(n_arcs)
    # Node-arc incidence: +1 where the arc leaves, -1 where it enters.
    matrix = coo_array(
        (
            np.concatenate([np.ones(n_arcs), -np.ones(n_arcs)]),
            (np.concatenate([tails, heads]), np.concatenate([columns, columns])),
        ),
        shape=(n_nodes, n_arcs),
    ).tocsr()
    balance = np.zeros(n_nodes)
    for index, amount in supplies.items():
        balance[index] = amount
    balance[sink] = -sum(supplies.values())
    result = milp(
        c=np.asarray(costs, dtype=float),
        constraints=LinearConstraint(matrix, balance, balance),
        integrality=np.ones(n_arcs),
        bounds=Bounds(np.zeros(n_arcs), np.asarray(caps, dtype=float)),
    )
    if result.x is None:  # cannot happen: the "not placed" arcs always give a feasible flow
        raise RuntimeError(f"The allocation could not be solved: {result.message}")
    return np.rint(result.x).astype(int)


def benchmark(staff: int = 1500, workshops: int = 60, schools: int = 15, seed: int = 7) -> dict:
    """Time an allocation of `staff` people, each ranking 5 of `workshops` workshops with a
    realistic skew (some workshops are far more popular), capacity for everyone plus 20%,
    and a per-school cap on every workshop."""
    rng = random.Random(seed)
    capacity = -(-staff * 6 // 5 // workshops)
    per_school_cap = max(2, -(-capacity // 3))
    spaces = [WorkshopSpace(id=w, capacity=capacity, per_school_cap=per_school_cap) for w in range(workshops)]
    popularity = [1 / (w + 1) ** 0.7 for w in range(workshops)]
    people = {p: p % schools for p in range(staff)}
    choices = {}
    for p in people:
        ranked: list[int] = []
        while len(ranked) < min(5, workshops):
            pick = rng.choices(range(workshops), weights=popularity)[0]
            if pick not in ranked:
                ranked.append(pick)
        choices[p] = ranked
    started = time.perf_counter()
    result = allocate(people, spaces, choices)
    seconds = time.perf_counter() - started
    return {
        "staff": staff,
        "workshops": workshops,
        "seconds": round(seconds, 3),
        "first_choice_share": round(result.by_rank.get("1", 0) / staff, 4),
        "top_three_share": round(sum(result.by_rank.get(str(r), 0) for r in (1, 2, 3)) / staff, 4),
        "placed": staff - len(result.unplaced),
    }
