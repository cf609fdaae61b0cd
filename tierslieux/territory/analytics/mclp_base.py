"""The covering instance, its solutions, and the lazy greedy algorithm (CELF).

The shared base of ``location`` (the public API), ``mclp_swap``, ``mclp_reduce`` and
``mclp_exact``. Pure numpy / scipy: no Django import (checked by import-linter).
"""

import heapq
import math
from dataclasses import dataclass, field
from typing import Literal

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


def column_gain(
    problem: CoverageProblem, weight: FloatArray, covered: BoolArray, candidate: int
) -> float:
    csc = problem.reach_csc
    rows = csc.indices[csc.indptr[candidate] : csc.indptr[candidate + 1]]
    return float(weight[rows[~covered[rows]]].sum())


def column_rows(problem: CoverageProblem, candidate: int) -> IndexArray:
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
    return column_gain(problem, problem.demand_weight, problem.already_covered, candidate_index)


def lazy_greedy(
    problem: CoverageProblem,
    score: FloatArray,
    covered: BoolArray,
    max_sites: int,
    candidates: IndexArray | None = None,
) -> list[int]:
    """Open up to ``max_sites`` sites, each of largest positive ``score`` gain (lowest index on
    ties), with lazy (CELF) evaluation; among ``candidates`` (default: all). ``covered`` is
    updated in place."""
    pool = np.arange(problem.n_candidates) if candidates is None else np.asarray(candidates)
    open_score = np.where(covered, 0.0, score)
    first = problem.reach_csc.T.astype(np.float64) @ open_score
    # Heap of (-upper bound of the gain, candidate, step at which the bound was computed).
    heap = [(-float(first[j]), int(j), -1) for j in pool if first[j] > 0.0]
    heapq.heapify(heap)
    chosen: list[int] = []
    while heap and len(chosen) < max_sites:
        _, j, step = heapq.heappop(heap)
        if step == len(chosen):
            # Fresh bound: no other candidate can gain more (bounds only decrease), and ties
            # with a lower index would have been popped first.
            chosen.append(j)
            covered[column_rows(problem, j)] = True
            continue
        gain = column_gain(problem, score, covered, j)
        if gain > 0.0:
            heapq.heappush(heap, (-gain, j, len(chosen)))
    return chosen


def replay(problem: CoverageProblem, order: list[int]) -> tuple[FloatArray, BoolArray]:
    """Weight gains of sites opened in ``order``, and the final coverage."""
    covered = problem.already_covered.copy()
    gains = np.empty(len(order), dtype=np.float64)
    for k, j in enumerate(order):
        gains[k] = column_gain(problem, problem.demand_weight, covered, j)
        covered[column_rows(problem, j)] = True
    return gains, covered


def greedy_order(problem: CoverageProblem, sites: IndexArray) -> list[int]:
    """The given sites re-ordered by decreasing marginal gain (lowest index on ties); sites
    that add nothing come last, in index order."""
    covered = problem.already_covered.copy()
    pool = np.unique(np.asarray(sites, dtype=np.intp))
    order = lazy_greedy(problem, problem.demand_weight, covered, len(pool), pool)
    rest = sorted(set(pool.tolist()) - set(order))
    return order + rest


def make_solution(
    problem: CoverageProblem,
    order: list[int],
    *,
    objective: float | None,
    bound: float,
    gap: float,
    status: Status,
    method: str,
) -> Solution:
    gains, covered = replay(problem, order)
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


def check_p(problem: CoverageProblem, p: int) -> int:
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
    max_sites = check_p(problem, p)
    covered = problem.already_covered.copy()
    order = lazy_greedy(problem, problem.demand_weight, covered, max_sites)
    return make_solution(
        problem,
        order,
        objective=None,
        bound=math.nan,
        gap=math.nan,
        status="heuristic",
        method="mclp_greedy",
    )
