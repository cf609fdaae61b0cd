"""Where to open new places: maximal covering and set covering on a sparse reach matrix.

The problems are stated on a reach matrix (demand points by candidate sites, True where the
site is within the travel-time threshold, see ``reach.straight_line_reach``), like pysal/spopt's
``from_cost_matrix`` but sparse: the matrix of a region holds tens of thousands of pairs, not
millions of distances. Demand already covered by the existing places contributes nothing.

- ``mclp_greedy``: the maximal covering location problem (MCLP), open at most ``p`` sites so as
  to bring the most inhabitants within the threshold, by the greedy algorithm with lazy
  evaluation (CELF: a priority queue of upper bounds, valid because coverage is submodular);
  within 1 - 1/e of the optimum in theory (``mclp_base``).
- ``mclp_greedy_swap``: the greedy solution improved by swaps (1-interchange) until none gains,
  within a few per mille of the optimum in practice (``mclp_swap``).
- ``mclp_exact``: the optimum, proven: the instance reduced (``mclp_reduce``), split into
  independent components, the components' best coverage for each number of sites combined by a
  dynamic programme, each needed value settled by bounds, enumeration or a MILP solved by HiGHS
  (``mclp_exact``, ``mclp_highs``); with a time limit, the best solution and the proven gap.
- ``set_cover_greedy`` / ``set_cover_exact``: the fewest sites that bring every coverable
  inhabitant within the threshold (location set covering problem, LSCP).

Pure numpy / scipy / highspy: no Django import (checked by import-linter).
"""

import math

import highspy
import numpy as np
from scipy import sparse

from tierslieux.territory.analytics.mclp_base import (
    CoverageProblem,
    Solution,
    Status,
    column_rows,
    greedy_order,
    lazy_greedy,
    make_solution,
    marginal_gain,
    mclp_greedy,
)
from tierslieux.territory.analytics.mclp_exact import mclp_exact
from tierslieux.territory.analytics.mclp_highs import relative_gap, solve
from tierslieux.territory.analytics.mclp_reduce import reduce_problem
from tierslieux.territory.analytics.mclp_swap import mclp_greedy_swap

__all__ = [
    "CoverageProblem",
    "Solution",
    "Status",
    "marginal_gain",
    "mclp_exact",
    "mclp_greedy",
    "mclp_greedy_swap",
    "set_cover_exact",
    "set_cover_greedy",
]


# --------------------------------------------------------------------------------------------
# Set covering


def _prune(problem: CoverageProblem, order: list[int]) -> list[int]:
    """Drop, latest first, sites whose every reached demand point is covered by another one."""
    counts = np.zeros(problem.n_demand, dtype=np.int64)
    for j in order:
        counts[column_rows(problem, j)] += 1
    need = problem.coverable
    kept = list(order)
    for j in reversed(order):
        rows = column_rows(problem, j)
        rows = rows[need[rows]]
        if np.all(counts[rows] >= 2):
            counts[rows] -= 1
            kept.remove(j)
    return kept


def set_cover_greedy(problem: CoverageProblem) -> Solution:
    """Fewest new sites covering every coverable demand point, by the greedy algorithm.

    Each step opens the candidate that reaches the most demand points still uncovered (count,
    not weight: the classical ``ln n`` approximation; lazy evaluation, lowest index on ties),
    until every coverable point of positive weight is covered; sites made redundant by later
    ones are then dropped. Points that no candidate reaches are left aside and reported in
    ``uncoverable_weight``.

    Parameters
    ----------
    problem : CoverageProblem
        The instance.

    Returns
    -------
    Solution
        ``method="set_cover_greedy"``, ``status="heuristic"``, ``objective`` the number of
        sites, ``bound`` and ``gap`` ``nan``; ``gains`` the weight each site added in order.
    """
    need = problem.coverable
    covered = ~need
    order = lazy_greedy(problem, need.astype(np.float64), covered, problem.n_candidates)
    order = greedy_order(problem, np.asarray(_prune(problem, order), dtype=np.intp))
    return make_solution(
        problem,
        order,
        objective=float(len(order)),
        bound=math.nan,
        gap=math.nan,
        status="heuristic",
        method="set_cover_greedy",
    )


def set_cover_exact(problem: CoverageProblem, *, time_limit_s: float = 10.0) -> Solution:
    """Fewest new sites covering every coverable demand point, solved by HiGHS.

    Model, on the reduced instance of ``mclp_exact``::

        minimise   sum_j x_j
        subject to sum_{j reaches i} x_j >= 1    for every merged demand row i
                   x_j in {0, 1}

    warm-started from ``set_cover_greedy``, so never worse than it.

    Parameters
    ----------
    problem : CoverageProblem
        The instance; demand that no candidate reaches is left aside (``uncoverable_weight``).
    time_limit_s : float
        Wall-clock limit of the solver, seconds. Default 10.

    Returns
    -------
    Solution
        ``method="set_cover_exact"``; ``objective`` the number of sites, ``bound`` a lower bound
        of it, ``gap`` 0 when proven optimal.
    """
    greedy = set_cover_greedy(problem)
    reduced = reduce_problem(problem)
    n_rows, n_cols = reduced.matrix.shape
    if n_rows == 0 or len(greedy.chosen) <= 1:
        return make_solution(
            problem,
            [int(j) for j in greedy.chosen],
            objective=float(len(greedy.chosen)),
            bound=float(len(greedy.chosen)),
            gap=0.0,
            status="optimal",
            method="set_cover_exact",
        )
    # The start: the greedy on the reduced instance (the original greedy may have opened
    # dominated candidates, which the reduced instance no longer has).
    on_reduced = CoverageProblem(reduced.weight, reduced.matrix.tocsr(), np.zeros(n_rows, bool))
    x_start = np.zeros(n_cols)
    x_start[set_cover_greedy(on_reduced).chosen] = 1.0
    values, bound, status = solve(
        time_limit_s=time_limit_s,
        sense=highspy.ObjSense.kMinimize,
        cost=np.ones(n_cols),
        col_upper=np.ones(n_cols),
        integer=np.ones(n_cols, bool),
        matrix=sparse.csc_matrix(reduced.matrix, dtype=np.float64),
        row_lower=np.ones(n_rows),
        row_upper=np.full(n_rows, highspy.kHighsInf),
        start=x_start,
    )
    sites = greedy.chosen
    if values is not None:
        found = reduced.candidates[values > 0.5]
        covered = problem.already_covered.copy()
        for j in found:
            covered[column_rows(problem, int(j))] = True
        if len(found) <= len(sites) and np.all(covered[problem.coverable]):
            sites = found
    order = greedy_order(problem, sites)
    n_sites = float(len(order))
    return make_solution(
        problem,
        order,
        objective=n_sites,
        bound=bound,
        gap=0.0 if status == "optimal" else relative_gap(n_sites, bound),
        status=status,
        method="set_cover_exact",
    )
