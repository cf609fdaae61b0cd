"""Where to open new places: maximal covering and set covering on a sparse reach matrix.

The problems are stated on a reach matrix (demand points by candidate sites, True where the
site is within the travel-time threshold, see ``reach.straight_line_reach``), like pysal/spopt's
``from_cost_matrix`` but sparse: the matrix of a region holds tens of thousands of pairs, not
millions of distances. Demand already covered by the existing places contributes nothing.

- ``mclp_greedy`` / ``mclp_exact``: the maximal covering location problem (MCLP), open at most
  ``p`` sites so as to bring the most inhabitants within the threshold. The greedy algorithm
  evaluates gains lazily (CELF: a priority queue of upper bounds, valid because coverage is
  submodular) and is within 1 - 1/e of the optimum in theory, usually within a few per mille in
  practice; the exact one is a mixed-integer programme solved by HiGHS, warm-started from the
  greedy solution.
- ``set_cover_greedy`` / ``set_cover_exact``: the fewest sites that bring every coverable
  inhabitant within the threshold (location set covering problem, LSCP).

Pure numpy / scipy / highspy: no Django import (checked by import-linter).
"""

import heapq
import math
from dataclasses import dataclass, field
from typing import Literal

import highspy
import numpy as np
import numpy.typing as npt
from scipy import sparse

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]

Status = Literal["heuristic", "optimal", "time_limit", "infeasible", "error"]


@dataclass(frozen=True)
class CoverageProblem:
    """A covering instance: weighted demand points, candidate sites, what is already covered.

    Parameters
    ----------
    demand_weight : numpy.ndarray of float64, shape (n,)
        Weight of each demand point (inhabitants), finite and >= 0.
    reach : scipy.sparse.csr_matrix of bool, shape (n, m)
        True where candidate site ``j`` is within the threshold of demand point ``i``.
    already_covered : numpy.ndarray of bool, shape (n,)
        Demand points already within the threshold of an existing place: they count in
        ``Solution.covered_weight`` but no new site gains anything from them.
    """

    demand_weight: FloatArray
    reach: sparse.csr_matrix
    already_covered: BoolArray
    reach_csc: sparse.csc_matrix = field(init=False, repr=False, compare=False)
    """The same matrix by columns (candidate -> demand points), built once."""

    def __post_init__(self) -> None:
        weight = np.asarray(self.demand_weight, dtype=np.float64)
        if weight.ndim != 1:
            raise ValueError(f"demand_weight must be one-dimensional, got shape {weight.shape}")
        if not np.all(np.isfinite(weight)) or np.any(weight < 0.0):
            raise ValueError("demand_weight must be finite and >= 0")
        reach = sparse.csr_matrix(self.reach, dtype=np.bool_)
        reach.eliminate_zeros()
        reach.sum_duplicates()
        reach.sort_indices()
        if reach.shape[0] != weight.shape[0]:
            raise ValueError(
                f"reach has {reach.shape[0]} rows but demand_weight has {weight.shape[0]} entries"
            )
        covered = np.asarray(self.already_covered, dtype=np.bool_)
        if covered.shape != weight.shape:
            raise ValueError(f"already_covered has shape {covered.shape}, expected {weight.shape}")
        csc = reach.tocsc()
        csc.sort_indices()
        for name, value in (
            ("demand_weight", weight),
            ("reach", reach),
            ("already_covered", covered),
            ("reach_csc", csc),
        ):
            object.__setattr__(self, name, value)

    @property
    def n_demand(self) -> int:
        """Number of demand points."""
        return int(self.reach.shape[0])

    @property
    def n_candidates(self) -> int:
        """Number of candidate sites."""
        return int(self.reach.shape[1])

    @property
    def coverable(self) -> BoolArray:
        """Demand points not yet covered, of positive weight, that some candidate reaches."""
        reached = np.diff(self.reach.indptr) > 0
        return reached & ~self.already_covered & (self.demand_weight > 0.0)

    @property
    def already_covered_weight(self) -> float:
        """Weight within the threshold of the existing places."""
        return float(self.demand_weight[self.already_covered].sum())

    @property
    def uncoverable_weight(self) -> float:
        """Weight not yet covered that no candidate reaches."""
        reached = np.diff(self.reach.indptr) > 0
        return float(self.demand_weight[~reached & ~self.already_covered].sum())


@dataclass(frozen=True)
class Solution:
    """Sites chosen by a covering algorithm, and what they cover.

    Weights are in the unit of ``CoverageProblem.demand_weight`` (inhabitants).
    """

    chosen: IndexArray
    """Candidate indices opened, in order of decreasing marginal gain (greedy order; for the
    exact methods, the optimal set re-ordered greedily)."""
    gains: FloatArray
    """Weight newly covered by each chosen site, given the sites before it, shape (k,)."""
    covered_weight: float
    """Weight within the threshold after opening: already covered + ``new_weight``."""
    new_weight: float
    """Weight brought within the threshold by the chosen sites."""
    uncoverable_weight: float
    """Weight not already covered that no candidate reaches (what no choice can cover)."""
    objective: float
    """Value of the optimised criterion: ``new_weight`` for the MCLP, the number of chosen sites
    for the set cover."""
    bound: float
    """Best proven bound on the objective (upper for the MCLP, lower for the set cover); ``nan``
    for the greedy methods."""
    gap: float
    """Relative optimality gap ``|bound - objective| / |objective|``: 0 when proven optimal,
    ``nan`` for the greedy methods."""
    status: Status
    """``heuristic`` (greedy), ``optimal``, ``time_limit`` (best solution found in time), ..."""
    method: str
    """``mclp_greedy``, ``mclp_exact``, ``set_cover_greedy`` or ``set_cover_exact``."""


# --------------------------------------------------------------------------------------------
# Gains and the lazy greedy engine


def _column_gain(
    problem: CoverageProblem, weight: FloatArray, covered: BoolArray, candidate: int
) -> float:
    csc = problem.reach_csc
    rows = csc.indices[csc.indptr[candidate] : csc.indptr[candidate + 1]]
    return float(weight[rows[~covered[rows]]].sum())


def _column_rows(problem: CoverageProblem, candidate: int) -> IndexArray:
    csc = problem.reach_csc
    return csc.indices[csc.indptr[candidate] : csc.indptr[candidate + 1]]


def marginal_gain(problem: CoverageProblem, candidate_index: int) -> float:
    """Weight (inhabitants) newly brought within the threshold by opening one site.

    Parameters
    ----------
    problem : CoverageProblem
        The instance; demand in ``already_covered`` gains nothing.
    candidate_index : int
        Column of the reach matrix, ``0 <= candidate_index < problem.n_candidates``.

    Returns
    -------
    float
        Sum of the weights of the demand points the site reaches that are not already covered.
    """
    if not 0 <= candidate_index < problem.n_candidates:
        raise IndexError(f"candidate_index {candidate_index} out of range")
    return _column_gain(problem, problem.demand_weight, problem.already_covered, candidate_index)


def _lazy_greedy(
    problem: CoverageProblem, score: FloatArray, covered: BoolArray, max_sites: int
) -> list[int]:
    """Open up to ``max_sites`` sites, each of largest positive ``score`` gain (lowest index on
    ties), with lazy (CELF) evaluation. ``covered`` is updated in place."""
    # Heap of (-upper bound of the gain, candidate, step at which the bound was computed).
    heap = [
        (-g, j, 0)
        for j in range(problem.n_candidates)
        if (g := _column_gain(problem, score, covered, j)) > 0.0
    ]
    heapq.heapify(heap)
    chosen: list[int] = []
    while heap and len(chosen) < max_sites:
        _, j, step = heapq.heappop(heap)
        if step == len(chosen):
            # Fresh bound: no other candidate can gain more (bounds only decrease), and ties
            # with a lower index would have been popped first.
            chosen.append(j)
            covered[_column_rows(problem, j)] = True
            continue
        gain = _column_gain(problem, score, covered, j)
        if gain > 0.0:
            heapq.heappush(heap, (-gain, j, len(chosen)))
    return chosen


def _replay(problem: CoverageProblem, order: list[int]) -> tuple[FloatArray, BoolArray]:
    """Weight gains of sites opened in ``order``, and the final coverage."""
    covered = problem.already_covered.copy()
    gains = np.empty(len(order), dtype=np.float64)
    for k, j in enumerate(order):
        gains[k] = _column_gain(problem, problem.demand_weight, covered, j)
        covered[_column_rows(problem, j)] = True
    return gains, covered


def _greedy_order(problem: CoverageProblem, sites: IndexArray) -> list[int]:
    """The given sites re-ordered by decreasing marginal gain (lowest index on ties)."""
    covered = problem.already_covered.copy()
    remaining = sorted(int(j) for j in sites)
    order: list[int] = []
    while remaining:
        gains = [_column_gain(problem, problem.demand_weight, covered, j) for j in remaining]
        best = remaining.pop(int(np.argmax(gains)))
        order.append(best)
        covered[_column_rows(problem, best)] = True
    return order


def _solution(
    problem: CoverageProblem,
    order: list[int],
    *,
    objective: float | None,
    bound: float,
    gap: float,
    status: Status,
    method: str,
) -> Solution:
    gains, covered = _replay(problem, order)
    new_weight = float(gains.sum())
    return Solution(
        chosen=np.asarray(order, dtype=np.intp),
        gains=gains,
        covered_weight=float(problem.demand_weight[covered].sum()),
        new_weight=new_weight,
        uncoverable_weight=problem.uncoverable_weight,
        objective=new_weight if objective is None else objective,
        bound=bound,
        gap=gap,
        status=status,
        method=method,
    )


def _check_p(problem: CoverageProblem, p: int) -> int:
    if int(p) != p or p < 0:
        raise ValueError(f"p must be a non-negative integer, got {p!r}")
    return min(int(p), problem.n_candidates)


def mclp_greedy(problem: CoverageProblem, p: int) -> Solution:
    """Maximal covering by the greedy algorithm with lazy evaluation (CELF).

    At each step, opens the candidate that brings the most weight newly within the threshold
    (exact gains; lowest index on ties). Coverage is submodular, so a gain computed earlier is
    an upper bound of the gain now: candidates wait in a priority queue under their last gain
    and only the top one is re-evaluated, which makes each step cost a few column reads instead
    of a pass over all candidates. Returns the same sites as the naive greedy.

    Parameters
    ----------
    problem : CoverageProblem
        The instance.
    p : int
        Maximum number of new sites (>= 0). Fewer are returned when no candidate adds anything.

    Returns
    -------
    Solution
        ``method="mclp_greedy"``, ``status="heuristic"``, ``objective = new_weight``,
        ``bound`` and ``gap`` ``nan``; ``chosen`` in the order of opening, ``gains`` the
        weight each step added (non-increasing).
    """
    max_sites = _check_p(problem, p)
    covered = problem.already_covered.copy()
    order = _lazy_greedy(problem, problem.demand_weight, covered, max_sites)
    return _solution(
        problem,
        order,
        objective=None,
        bound=math.nan,
        gap=math.nan,
        status="heuristic",
        method="mclp_greedy",
    )


# --------------------------------------------------------------------------------------------
# Exact methods (mixed-integer programmes solved by HiGHS)


@dataclass(frozen=True)
class _Reduced:
    """Rows still to cover (identical rows merged) and the candidates that reach them."""

    matrix: sparse.csc_matrix
    """Merged rows by kept candidates, bool."""
    weight: FloatArray
    """Summed weight of each merged row."""
    candidates: IndexArray
    """Original index of each kept column."""


def _reduce(problem: CoverageProblem) -> _Reduced:
    """Drop covered, weightless and unreachable demand, merge demand points reached by the same
    candidates, drop candidates that reach nothing left: the optimum is unchanged."""
    rows = np.flatnonzero(problem.coverable)
    sub = problem.reach[rows]
    groups: dict[bytes, int] = {}
    group_of = np.empty(len(rows), dtype=np.intp)
    for k in range(len(rows)):
        key = sub.indices[sub.indptr[k] : sub.indptr[k + 1]].tobytes()
        group_of[k] = groups.setdefault(key, len(groups))
    n_groups = len(groups)
    first = np.full(n_groups, -1, dtype=np.intp)
    first[group_of[::-1]] = np.arange(len(rows))[::-1]
    weight = np.bincount(group_of, weights=problem.demand_weight[rows], minlength=n_groups)
    merged = sub[first].tocsc()
    candidates = np.flatnonzero(np.diff(merged.indptr) > 0)
    return _Reduced(
        matrix=sparse.csc_matrix(merged[:, candidates], dtype=np.bool_),
        weight=weight,
        candidates=candidates.astype(np.intp),
    )


def _highs(time_limit_s: float) -> highspy.Highs:
    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    solver.setOptionValue("time_limit", float(time_limit_s))
    solver.setOptionValue("mip_rel_gap", 0.0)
    solver.setOptionValue("random_seed", 0)
    return solver


def _run(
    lp: highspy.HighsLp, start: FloatArray | None, time_limit_s: float
) -> tuple[highspy.Highs, FloatArray | None]:
    solver = _highs(time_limit_s)
    solver.passModel(lp)
    if start is not None:
        warm = highspy.HighsSolution()
        warm.col_value = start
        warm.value_valid = True
        solver.setSolution(warm)
    solver.run()
    values = None
    if solver.getInfo().primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible:
        values = np.asarray(solver.getSolution().col_value, dtype=np.float64)
    return solver, values


def _solve(
    *,
    sense: highspy.ObjSense,
    cost: FloatArray,
    col_upper: FloatArray,
    integer: BoolArray,
    matrix: sparse.csc_matrix,
    row_lower: FloatArray,
    row_upper: FloatArray,
    start: FloatArray,
    time_limit_s: float,
) -> tuple[FloatArray | None, float, Status]:
    """Pass the column-wise model to HiGHS, warm start, run: column values (or None), best
    bound, status.

    HiGHS 1.16 can mis-value a MIP start after presolve has fixed columns ("MIP start solution
    is feasible in the reduced space" with the objective offset lost): it then prunes with a
    wrong incumbent value, reports that value as optimal and returns the start itself. The
    reported objective then differs from the returned solution's: in that case the model is
    solved again without the start, in the time left.
    """
    if not time_limit_s > 0.0:
        raise ValueError(f"time_limit_s must be > 0, got {time_limit_s!r}")
    lp = highspy.HighsLp()
    lp.num_col_ = matrix.shape[1]
    lp.num_row_ = matrix.shape[0]
    lp.sense_ = sense
    lp.col_cost_ = cost
    lp.col_lower_ = np.zeros(matrix.shape[1])
    lp.col_upper_ = col_upper
    lp.row_lower_ = row_lower
    lp.row_upper_ = row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data.astype(np.float64)
    lp.integrality_ = [
        highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous
        for flag in integer
    ]
    solver, values = _run(lp, start, time_limit_s)
    if values is not None:
        reported = solver.getInfo().objective_function_value
        actual = float(cost @ values)
        if abs(reported - actual) > 1e-6 * max(1.0, abs(actual)):
            time_left_s = time_limit_s - solver.getRunTime()
            if time_left_s > 0.0:
                solver, values = _run(lp, None, time_left_s)
            else:
                # No time to solve again: keep the start, with no proven bound.
                infinite = math.inf if sense == highspy.ObjSense.kMaximize else -math.inf
                return values, infinite, "time_limit"
    model_status = solver.getModelStatus()
    if model_status == highspy.HighsModelStatus.kOptimal:
        status: Status = "optimal"
    elif model_status == highspy.HighsModelStatus.kTimeLimit:
        status = "time_limit"
    elif model_status == highspy.HighsModelStatus.kInfeasible:
        status = "infeasible"
    else:
        status = "error"
    return values, float(solver.getInfo().mip_dual_bound), status


def _relative_gap(objective: float, bound: float) -> float:
    if not math.isfinite(bound):
        return math.inf
    difference = abs(bound - objective)
    if difference <= 1e-9 * max(1.0, abs(objective)):
        return 0.0
    return difference / abs(objective) if objective != 0.0 else math.inf


def mclp_exact(problem: CoverageProblem, p: int, *, time_limit_s: float = 10.0) -> Solution:
    """Maximal covering solved to optimality (or to the time limit) by HiGHS.

    Model, on the reduced instance (demand already covered, weightless or unreachable dropped;
    demand points reached by the same candidates merged; candidates reaching nothing left
    dropped)::

        maximise   sum_i w_i y_i
        subject to y_i <= sum_{j reaches i} x_j    for every merged demand row i
                   sum_j x_j <= p
                   x_j in {0, 1},  0 <= y_i <= 1

    ``y`` may stay continuous: for integer ``x`` the optimum sets ``y_i = min(1, ...)``, which
    is 0 or 1. The matrix is passed column-wise straight from the sparse reach matrix, and the
    greedy solution is given to HiGHS as a starting incumbent, so the result is never worse
    than ``mclp_greedy``.

    Parameters
    ----------
    problem : CoverageProblem
        The instance.
    p : int
        Maximum number of new sites (>= 0).
    time_limit_s : float
        Wall-clock limit of the solver, seconds. Default 10.

    Returns
    -------
    Solution
        ``method="mclp_exact"``; ``status`` ``optimal`` (``gap`` 0) or ``time_limit`` (best
        solution found, ``gap`` to the best bound); ``objective = new_weight``, ``bound`` an
        upper bound of the new weight. ``chosen`` is the optimal set re-ordered greedily.
    """
    max_sites = _check_p(problem, p)
    greedy = mclp_greedy(problem, max_sites)
    reduced = _reduce(problem)
    n_rows, n_cols = reduced.matrix.shape
    if n_rows == 0 or max_sites == 0 or len(greedy.chosen) < max_sites:
        # Nothing to cover, nothing to open, or the greedy sites already cover every coverable
        # demand point: the greedy solution is optimal.
        return _solution(
            problem,
            [int(j) for j in greedy.chosen],
            objective=None,
            bound=greedy.new_weight,
            gap=0.0,
            status="optimal",
            method="mclp_exact",
        )

    # Columns: x (kept candidates), then y (merged rows). Rows: coverage rows, then cardinality.
    x_part = sparse.vstack(
        [-reduced.matrix.astype(np.float64), sparse.csr_matrix(np.ones((1, n_cols)))]
    )
    y_part = sparse.vstack([sparse.identity(n_rows), sparse.csr_matrix((1, n_rows))])
    matrix = sparse.hstack([x_part, y_part], format="csc")
    matrix.sort_indices()
    row_lower = np.full(n_rows + 1, -highspy.kHighsInf)
    row_upper = np.concatenate([np.zeros(n_rows), [float(max_sites)]])

    position = {int(j): k for k, j in enumerate(reduced.candidates)}
    x_start = np.zeros(n_cols)
    x_start[[position[int(j)] for j in greedy.chosen]] = 1.0
    y_start = np.minimum(reduced.matrix @ x_start, 1.0)

    values, bound, status = _solve(
        time_limit_s=time_limit_s,
        sense=highspy.ObjSense.kMaximize,
        cost=np.concatenate([np.zeros(n_cols), reduced.weight]),
        col_upper=np.ones(n_cols + n_rows),
        integer=np.concatenate([np.ones(n_cols, bool), np.zeros(n_rows, bool)]),
        matrix=matrix,
        row_lower=row_lower,
        row_upper=row_upper,
        start=np.concatenate([x_start, y_start]),
    )
    sites = greedy.chosen
    if values is not None:
        found = reduced.candidates[values[:n_cols] > 0.5]
        found_weight = _replay(problem, [int(j) for j in found])[0].sum()
        if len(found) <= max_sites and found_weight >= greedy.new_weight:
            sites = found
    order = _greedy_order(problem, sites)
    new_weight = float(_replay(problem, order)[0].sum())
    return _solution(
        problem,
        order,
        objective=None,
        bound=bound,
        gap=0.0 if status == "optimal" else _relative_gap(new_weight, bound),
        status=status,
        method="mclp_exact",
    )


# --------------------------------------------------------------------------------------------
# Set covering


def _prune(problem: CoverageProblem, order: list[int]) -> list[int]:
    """Drop, latest first, sites whose every reached demand point is covered by another one."""
    counts = np.zeros(problem.n_demand, dtype=np.int64)
    for j in order:
        counts[_column_rows(problem, j)] += 1
    need = problem.coverable
    kept = list(order)
    for j in reversed(order):
        rows = _column_rows(problem, j)
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
    order = _lazy_greedy(problem, need.astype(np.float64), covered, problem.n_candidates)
    order = _greedy_order(problem, np.asarray(_prune(problem, order), dtype=np.intp))
    return _solution(
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
    reduced = _reduce(problem)
    n_rows, n_cols = reduced.matrix.shape
    if n_rows == 0 or len(greedy.chosen) <= 1:
        return _solution(
            problem,
            [int(j) for j in greedy.chosen],
            objective=float(len(greedy.chosen)),
            bound=float(len(greedy.chosen)),
            gap=0.0,
            status="optimal",
            method="set_cover_exact",
        )
    position = {int(j): k for k, j in enumerate(reduced.candidates)}
    x_start = np.zeros(n_cols)
    x_start[[position[int(j)] for j in greedy.chosen]] = 1.0
    values, bound, status = _solve(
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
            covered[_column_rows(problem, int(j))] = True
        if len(found) <= len(sites) and np.all(covered[problem.coverable]):
            sites = found
    order = _greedy_order(problem, sites)
    n_sites = float(len(order))
    return _solution(
        problem,
        order,
        objective=n_sites,
        bound=bound,
        gap=0.0 if status == "optimal" else _relative_gap(n_sites, bound),
        status=status,
        method="set_cover_exact",
    )
