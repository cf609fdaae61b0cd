"""Maximal covering solved exactly: reductions, independent components, a dynamic programme.

1. The instance is reduced (``mclp_reduce``: demand already covered dropped, identical demand
   rows merged, dominated candidates dropped; same optimum) and split into independent
   components ``c`` of the reach graph.
2. For each component, ``f_c(k)`` is its best coverage with ``k`` sites. Sites of a component
   cover nothing in another, so the optimum with at most ``p`` sites is::

       OPT(p) = max { sum_c f_c(k_c) : sum_c k_c <= p }

   a knapsack over the components solved exactly by a dynamic programme (max-plus
   convolution of the components' tables, ``O(p * sum_c min(p, m_c))``). ``f_c`` need not be
   concave, so no greedy allocation would do.
3. ``f_c(k)`` is never computed for every ``k``: each component keeps a lower bound ``L_c(k)``
   (a solution: the greedy prefix of ``k`` sites, improved by swaps) and an upper bound
   ``U_c(k)`` (coverage is submodular, so for the greedy set ``G_j`` of any size ``j``,
   ``f(k) <= f(G_j) + the k largest gains given G_j``; ``f`` is non-decreasing and at most the
   component's total). The programme over ``L`` gives a solution, the one over ``U`` a bound of
   the optimum. While they differ, the pairs ``(c, k_c)`` of the upper programme's allocation
   whose bounds differ are solved exactly: by enumeration when the component is small, else
   by the linear relaxation kept by HiGHS and a branch and bound on it (components of at most
   ``relaxation_pairs`` pairs, ``mclp_branch``), or by deflected subgradient steps (larger
   ones); then, if still open, fixing, the instance left restricted and tightened again, and
   a MILP (HiGHS, warm-started from the best solution known). Each round makes at least one
   pair exact; when every pair of the upper allocation is exact, its value is that of a
   solution, so the two programmes agree: the optimum is proven. With a time limit, the
   rounds stop and the gap between the two is reported.

Pure numpy / scipy / highspy: no Django import (checked by import-linter).
"""

import itertools
import math
import time
from dataclasses import dataclass, field

import numpy as np

from tierslieux.territory.analytics.mclp_base import (
    CoverageProblem,
    FloatArray,
    IndexArray,
    Solution,
    Status,
    check_p,
    greedy_order,
    lazy_greedy,
    make_solution,
    replay,
)
from tierslieux.territory.analytics.mclp_bounds import (
    DEFLECTED_THETA,
    DEFLECTION,
    LAGRANGE_STEPS,
    LP_MAX_PAIRS,
    Relaxation,
    bound_table,
    fixings,
    lagrangian,
    milp,
    restrict,
)
from tierslieux.territory.analytics.mclp_branch import BRANCH_MAX_NODES, branch_and_bound
from tierslieux.territory.analytics.mclp_highs import relative_gap
from tierslieux.territory.analytics.mclp_reduce import Component, components, reduce_problem
from tierslieux.territory.analytics.mclp_swap import mclp_greedy_swap, swap_improve

#: Largest number of site sets (times rows) evaluated by enumeration instead of a MILP.
ENUMERATION_LIMIT = 200_000
#: Largest instance (reach pairs, after fixing) handed to HiGHS's MILP.
MILP_MAX_PAIRS = 1_000_000
#: Greedy prefixes used for the submodular upper bound of a component (evenly spread).
BOUND_PREFIXES = 32
#: Subgradient steps of a component's first Lagrangian descent (later ones: LAGRANGE_STEPS).
FIRST_STEPS = 150


@dataclass
class _Part:
    """One component and what is known of its table ``f(k)``, ``k = 0 .. kmax``."""

    component: Component
    problem: CoverageProblem
    kmax: int
    lower: FloatArray
    upper: FloatArray
    sites: list[list[int]]
    """Positions (columns of the component) of a solution worth ``lower[k]`` for each ``k``."""
    tried: set[int]
    """``k`` whose MILP ended without proof (time limit)."""
    bounded: set[int] = field(default_factory=set)
    """``k`` already tightened by ``_bound``."""
    multipliers: dict[int, tuple[float, FloatArray]] = field(default_factory=dict)
    """Lagrangian bound and multipliers of each ``k`` tightened by them."""
    relaxation: Relaxation | None = None
    relaxation_pairs: int = LP_MAX_PAIRS
    """Largest number of reach pairs given to the linear relaxation (else subgradient)."""
    branch_nodes: int = BRANCH_MAX_NODES
    """Nodes of the branch and bound on the relaxation before fixing and HiGHS's MILP."""
    milp_pairs: int = MILP_MAX_PAIRS
    """Largest instance (reach pairs, after fixing) handed to HiGHS's MILP."""
    """The linear relaxation, kept for the next ``k`` (built on first use)."""

    def exact(self, k: int, tolerance: float) -> bool:
        return self.upper[k] - self.lower[k] <= tolerance

    def improve(self, k: int, sites: list[int], value: float, bound: float) -> None:
        """Record a solution of ``k`` sites worth ``value`` and a bound; keep the tables
        monotone (``f`` is non-decreasing)."""
        if value > self.lower[k]:
            self.lower[k], self.sites[k] = value, list(sites)
            for k2 in range(k + 1, self.kmax + 1):
                if self.lower[k2] >= value:
                    break
                self.lower[k2], self.sites[k2] = value, list(sites)
        self.upper[k] = max(self.lower[k], min(self.upper[k], bound))
        for k2 in range(k - 1, -1, -1):
            self.upper[k2] = max(self.lower[k2], min(self.upper[k2], self.upper[k2 + 1]))


def _part(component: Component, p: int) -> _Part:
    """A component's problem, its greedy prefixes (lower bounds) and submodular upper bounds."""
    problem = CoverageProblem(
        component.weight, component.matrix.tocsr(), np.zeros(len(component.weight), bool)
    )
    kmax = min(p, problem.n_candidates)
    order = lazy_greedy(problem, problem.demand_weight, problem.already_covered.copy(), kmax)
    prefix = np.concatenate([[0.0], np.cumsum(replay(problem, order)[0])])
    lower = np.concatenate([prefix, np.full(kmax + 1 - len(prefix), prefix[-1])])
    sites = [order[:k] for k in range(kmax + 1)]
    upper = np.full(kmax + 1, component.total)
    # f(k) <= f(G_j) + the k largest gains given G_j, for evenly spread greedy prefixes G_j.
    csc = problem.reach_csc
    by_column = csc.T.astype(np.float64)
    covered = np.zeros(problem.n_demand, dtype=np.bool_)
    done = 0
    for j in np.unique(np.linspace(0, len(order), BOUND_PREFIXES).round().astype(int)):
        for site in order[done:j]:
            covered[csc.indices[csc.indptr[site] : csc.indptr[site + 1]]] = True
        done = j
        gains = np.sort(by_column @ np.where(covered, 0.0, component.weight))[::-1][:kmax]
        bound = prefix[j] + np.concatenate([[0.0], np.cumsum(gains)])
        upper = np.minimum(upper, np.concatenate([bound, np.full(kmax + 1 - len(bound), math.inf)]))
    upper = np.maximum(upper, lower)
    upper[0] = 0.0
    upper[1] = lower[1]  # one site: the greedy's first choice is optimal
    return _Part(component, problem, kmax, lower, upper, sites, set())


def _dp(tables: list[FloatArray], p: int) -> tuple[float, list[int]]:
    """``max sum_c table_c[k_c]`` subject to ``sum_c k_c <= p``: the value and the ``k_c``."""
    best = np.full(p + 1, -math.inf)
    best[0] = 0.0
    choices: list[IndexArray] = []
    for table in tables:
        new = np.full(p + 1, -math.inf)
        choice = np.zeros(p + 1, dtype=np.intp)
        for k in range(len(table)):
            candidate = best[: p + 1 - k] + table[k]
            better = candidate >= new[k:]  # ties: the most sites (the upper tables are flat)
            new[k:][better] = candidate[better]
            choice[k:][better] = k
        best = new
        choices.append(choice)
    t = p - int(np.argmax(best[::-1]))  # the most sites among equal values
    value = float(best[t])
    allocation = [0] * len(tables)
    for c in range(len(tables) - 1, -1, -1):
        allocation[c] = int(choices[c][t])
        t -= allocation[c]
    return value, allocation


def _enumerate(part: _Part, k: int, limit: int) -> tuple[list[int], float] | None:
    """Best ``k`` sites of a small component by enumeration, or None when too many."""
    n_rows, n_cols = part.problem.n_demand, part.problem.n_candidates
    if math.comb(n_cols, k) * max(1, n_rows) > limit:
        return None
    dense = part.component.matrix.toarray()
    combos = np.array(list(itertools.combinations(range(n_cols), k)), dtype=np.intp)
    covered = dense[:, combos].any(axis=2)  # rows x combos
    values = part.component.weight @ covered
    best = int(np.argmax(values))
    return combos[best].tolist(), float(values[best])


def _value(part: _Part, sites: list[int]) -> float:
    return float(replay(part.problem, sites)[0].sum())


def _bound(part: _Part, k: int, tolerance: float, deadline: float, limit: int) -> None:
    """Tighten ``f(k)`` cheaply: swaps, enumeration when the component is small, else the
    Lagrangian bound and its solutions improved by swaps (``mclp_bounds``)."""
    part.bounded.add(k)
    if len(part.sites[k]) == k and part.component.matrix.nnz > part.relaxation_pairs:
        # (A component on the relaxation gets its rounding swapped below instead.)
        sites, _ = swap_improve(part.problem, part.sites[k])
        part.improve(k, sites, _value(part, sites), part.upper[k])
    if part.exact(k, tolerance):
        return
    found = _enumerate(part, k, limit)
    if found is not None:
        part.improve(k, found[0], found[1], found[1])
        return
    matrix, weight = part.component.matrix, part.component.weight
    relaxed = None
    if matrix.nnz <= part.relaxation_pairs:
        if part.relaxation is None:
            part.relaxation = Relaxation(matrix, weight)
        relaxed = part.relaxation.multipliers(
            k, deadline - time.perf_counter(), part.sites[k] if part.sites[k] else None
        )
    if relaxed is not None:
        # The linear relaxation's duals minimise L; its k largest site values, swapped
        # below, are usually an optimal solution (else the branch and bound of ``_settle``,
        # on the same relaxation, finds one).
        lam, x = relaxed
        bound = float(bound_table(matrix, weight, lam, k)[k])
        sites = np.argsort(-x, kind="stable")[:k]
    else:
        # A first, short descent gives a bound for every k (bound_table), so that the next
        # rounds choose their pairs well; later ones start from the last multipliers.
        last = part.multipliers[max(part.multipliers)][1] if part.multipliers else None
        bound, lam, sites, _ = lagrangian(
            matrix,
            weight,
            k,
            part.lower[k],
            deadline,
            tolerance,
            steps=FIRST_STEPS if last is None else LAGRANGE_STEPS,
            start=last,
            deflection=DEFLECTION,
            theta=DEFLECTED_THETA,
        )
        _greedy_by_multipliers(part, k, lam)
    part.multipliers[k] = (bound, lam)
    table = bound_table(matrix, weight, lam, part.kmax)
    for k2 in range(part.kmax, 0, -1):
        part.improve(k2, part.sites[k2], part.lower[k2], float(table[k2]))
    if len(sites):
        sites, _ = swap_improve(part.problem, [int(j) for j in sites])
        part.improve(k, sites, _value(part, sites), bound)
    part.improve(k, part.sites[k], part.lower[k], bound)


def _greedy_by_multipliers(part: _Part, k: int, lam: FloatArray) -> None:
    """One more solution: the greedy on the rows weighted by the multipliers (what the bound
    prices each row at), swapped. National giant component, k = 298, after 600 deflected
    steps: 11.51 M, against 11.48-11.49 M for the steps' own sites swapped."""
    sites = lazy_greedy(part.problem, lam, np.zeros(part.problem.n_demand, dtype=np.bool_), k)
    if sites:
        sites, _ = swap_improve(part.problem, sites)
        part.improve(k, sites, _value(part, sites), part.upper[k])


def _settle(part: _Part, k: int, tolerance: float, deadline: float) -> None:
    """Make ``f(k)`` exact (or tighter, at the time limit): fixing by the multipliers, the
    instance restricted to what is left, and while it is too large for the linear
    relaxation, new subgradient steps on it (each faster, so the bound tightens and fixes
    more), then HiGHS on the candidates left.

    Every fixing holds for every solution better than the best known (``lower``), so the
    bound of the restricted instance plus the weight of the opened sites, or ``lower``, bounds
    ``f(k)``; and the solutions of the restricted instance plus the opened sites are
    solutions."""
    if deadline - time.perf_counter() <= 0.0 or k not in part.multipliers:
        part.tried.add(k)
        return
    matrix, weight = part.component.matrix, part.component.weight
    if part.relaxation is not None and part.relaxation.solved:
        # Branch and bound on the relaxation kept by HiGHS (its basis restarts each node).
        found = branch_and_bound(
            part.relaxation,
            matrix,
            weight,
            k,
            (part.sites[k], part.lower[k]),
            tolerance,
            deadline,
            part.branch_nodes,
        )
        part.improve(k, found.sites, _value(part, found.sites), found.bound)
        if part.exact(k, tolerance):
            return
    lam = part.multipliers[k][1]
    forced: list[int] = []
    base, k_left = 0.0, k
    columns, rows = np.arange(matrix.shape[1]), np.arange(matrix.shape[0])
    while True:
        if not forced and len(columns) == part.problem.n_candidates:
            # Nothing fixed yet: the multipliers bound every number of sites of the component.
            table = bound_table(matrix, weight, lam, part.kmax)
            for k2 in range(part.kmax, 0, -1):
                part.improve(k2, part.sites[k2], part.lower[k2], float(table[k2]))
            l_bound = float(table[k])
        else:
            l_bound = float(bound_table(matrix, weight, lam, k_left)[k_left])
        part.improve(k, part.sites[k], part.lower[k], max(part.lower[k], base + l_bound))
        if part.exact(k, tolerance):
            return
        closed, opened = fixings(
            matrix, lam, weight, k_left, l_bound, part.lower[k] - base, tolerance
        )
        if closed.any() or opened.any():
            opened_here, covered, free, kept, matrix = restrict(matrix, weight, closed, opened)
            forced += columns[opened_here].tolist()
            base, k_left = base + covered, k_left - len(opened_here)
            columns, weight, lam = columns[free], weight[kept], lam[kept]
            rows = rows[kept]
            if k_left <= 0 or matrix.shape[0] == 0 or len(columns) == 0:
                # Nothing left to choose: the opened sites are the only better solution.
                part.improve(k, forced, _value(part, forced), part.upper[k])
                part.improve(k, part.sites[k], part.lower[k], max(part.lower[k], base))
                return
            if matrix.nnz <= part.relaxation_pairs:
                break
        elif matrix.nnz <= part.milp_pairs:
            break  # no progress: HiGHS on what is left
        # Too large for HiGHS and time left: more steps, from the last multipliers (national:
        # the giant component's bound keeps tightening until the time limit).
        if deadline - time.perf_counter() <= 0.0:
            break
        _, lam, sites, _ = lagrangian(
            matrix,
            weight,
            k_left,
            part.lower[k] - base,
            deadline,
            tolerance,
            start=lam,
            deflection=DEFLECTION,
            theta=DEFLECTED_THETA,
        )
        if len(sites):
            found = forced + columns[sites].tolist()
            found, _ = swap_improve(part.problem, found)
            part.improve(k, found, _value(part, found), part.upper[k])
        if not forced and len(columns) == part.problem.n_candidates:
            _greedy_by_multipliers(part, k, lam)
    left = deadline - time.perf_counter()
    # HiGHS only on what it can solve: on millions of pairs it ends at the time limit with a
    # weaker bound than the Lagrangian one, after copying the model several times (measured:
    # peak memory 2.0 GB against 1.2 GB on the national instance).
    if left > 0.0 and matrix.nnz <= part.milp_pairs:
        position = {int(j): n for n, j in enumerate(columns)}
        start = [position[j] for j in part.sites[k] if j in position]
        consistent = len(start) <= k_left and all(
            j in position or j in forced for j in part.sites[k]
        )
        sites, bound, _ = milp(matrix, weight, k_left, start if consistent else None, left)
        if sites is not None:
            found = forced + columns[sites].tolist()
            part.improve(k, found, _value(part, found), part.upper[k])
        part.improve(k, part.sites[k], part.lower[k], max(part.lower[k], base + bound))
    if not part.exact(k, tolerance):
        part.tried.add(k)


def mclp_exact(
    problem: CoverageProblem,
    p: int,
    *,
    time_limit_s: float = 10.0,
    enumeration_limit: int = ENUMERATION_LIMIT,
    relaxation_pairs: int = LP_MAX_PAIRS,
    branch_nodes: int = BRANCH_MAX_NODES,
    milp_pairs: int = MILP_MAX_PAIRS,
) -> Solution:
    """Maximal covering solved to optimality (or to the time limit), see the module docstring.

    Parameters
    ----------
    problem : CoverageProblem
        The instance.
    p : int
        Maximum number of new sites (>= 0).
    time_limit_s : float
        Wall-clock limit of the whole search, seconds (> 0). Default 10.
    enumeration_limit : int
        A component's best ``k`` sites are enumerated when ``C(m, k) * rows`` is at most this,
        else solved by HiGHS (0: always HiGHS).
    relaxation_pairs : int
        Components (and instances left after fixing) with at most this many reach pairs get
        the linear relaxation's duals (HiGHS); larger ones subgradient steps. Default 1 M.
    branch_nodes : int
        Nodes of the branch and bound on a component's linear relaxation (``mclp_branch``)
        before the candidates are fixed and HiGHS's MILP solves what is left. Default 200.
    milp_pairs : int
        Largest instance left after fixing (reach pairs) handed to HiGHS's MILP; a larger one
        gets more subgradient steps until the time limit. Default 1 M.

    Returns
    -------
    Solution
        ``method="mclp_exact"``; ``status`` ``optimal`` (``gap`` 0) or ``time_limit`` (best
        solution found, ``gap`` to the proven bound); ``objective = new_weight``, ``bound`` an
        upper bound of the new weight. Never worse than swaps from the greedy
        (``mclp_greedy_swap(..., lagrangian_steps=0)``). ``chosen`` is the solution re-ordered
        greedily.
    """
    if not time_limit_s > 0.0:
        raise ValueError(f"time_limit_s must be > 0, got {time_limit_s!r}")
    deadline = time.perf_counter() + time_limit_s
    max_sites = check_p(problem, p)
    sites, new_weight, bound, status = _search(
        problem,
        max_sites,
        deadline,
        enumeration_limit,
        relaxation_pairs,
        branch_nodes,
        milp_pairs,
    )
    gap = 0.0 if status == "optimal" else relative_gap(new_weight, bound)
    return make_solution(
        problem,
        greedy_order(problem, np.asarray(sites, dtype=np.intp)),
        objective=None,
        bound=new_weight if status == "optimal" else bound,
        gap=gap,
        status=status,
        method="mclp_exact",
    )


def _search(
    problem: CoverageProblem,
    max_sites: int,
    deadline: float,
    enumeration_limit: int,
    relaxation_pairs: int,
    branch_nodes: int = BRANCH_MAX_NODES,
    milp_pairs: int = MILP_MAX_PAIRS,
) -> tuple[list[int], float, float, Status]:
    """The search of ``mclp_exact``: (sites, their new weight, upper bound, status)."""
    if max_sites == 0:
        return [], 0.0, 0.0, "optimal"
    # Swaps from the greedy (only: the descents below give the other starts) are a floor for
    # a search stopped by the time limit. An instance small enough for the relaxation is
    # usually proven optimal in a fraction of a second: its floor is computed at the end, and
    # only if the search was stopped (Nouvelle-Aquitaine: 0.025 s of 0.15 s saved).
    heuristic = None
    if problem.reach.nnz > relaxation_pairs:
        heuristic = mclp_greedy_swap(problem, max_sites, lagrangian_steps=0)
        if len(heuristic.chosen) < max_sites:
            # The greedy covered every coverable demand point: optimal.
            sites = [int(j) for j in heuristic.chosen]
            return sites, heuristic.new_weight, heuristic.new_weight, "optimal"
    reduced = reduce_problem(problem)
    parts = [_part(component, max_sites) for component in components(reduced)]
    for part in parts:
        part.relaxation_pairs = relaxation_pairs
        part.branch_nodes = branch_nodes
        part.milp_pairs = milp_pairs
    tolerance = 1e-9 * max(1.0, float(reduced.weight.sum()))
    status: Status = "optimal"
    while True:
        low, allocation = _dp([part.lower for part in parts], max_sites)
        high, upper_allocation = _dp([part.upper for part in parts], max_sites)
        if high - low <= tolerance * (1 + len(parts)):
            break
        pending = [
            (part, k)
            for part, k in zip(parts, upper_allocation, strict=True)
            if not part.exact(k, tolerance) and k not in part.tried
        ]
        if not pending or time.perf_counter() >= deadline:
            status = "time_limit"
            break
        # Smallest components first: they cost little, and a time limit reached in a large
        # one's descent must not leave them unsolved (national: a component of 546 rows left
        # at 55,135 against its 48,646 added 0.06 point to the proven gap).
        pending.sort(key=lambda item: (item[0].component.matrix.nnz, item[1]))
        unbounded = [(part, k) for part, k in pending if k not in part.bounded]
        # Cheap bounds first, for every pair of the upper allocation; HiGHS only for the
        # pairs still in it once they are all bounded. A component bounded for the first time
        # is bounded at the number of sites the best known solution gives it, when larger:
        # the multipliers bound every k, and that k is the one the optimum usually needs
        # (Nouvelle-Aquitaine: the upper programme first gives the giant component 49 sites,
        # the solution 50; the bound for 50 rules 49 out).
        given = {id(part): k for part, k in zip(parts, allocation, strict=True)}
        for part, k in unbounded:
            if not part.bounded and given[id(part)] > k:
                k = given[id(part)]
            _bound(part, k, tolerance, deadline, enumeration_limit)
        if not unbounded:
            for part, k in pending:
                _settle(part, k, tolerance, deadline)
    sites = [
        int(reduced.candidates[part.component.columns[position]])
        for part, k in zip(parts, allocation, strict=True)
        for position in part.sites[k]
    ]
    new_weight = float(replay(problem, sites)[0].sum())
    if heuristic is None and max(high, new_weight) - new_weight > tolerance * (1 + len(parts)):
        heuristic = mclp_greedy_swap(problem, max_sites, lagrangian_steps=0)
    if heuristic is not None and heuristic.new_weight > new_weight:
        sites, new_weight = [int(j) for j in heuristic.chosen], heuristic.new_weight
    bound = max(high, new_weight)
    if bound - new_weight <= tolerance * (1 + len(parts)):
        status = "optimal"
    return sites, new_weight, bound, status
