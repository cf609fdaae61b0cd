"""Maximal covering by the lazy greedy algorithm, then swaps (1-interchange) until none gains.

A swap closes one chosen site ``s`` and opens one candidate ``j`` outside the solution. With
``count[i]`` the number of chosen sites reaching demand point ``i`` and ``w`` the weights of the
points not already covered, the change of the covered weight is::

    gain(s, j) = add(j) + overlap(s, j) - loss(s)

    add(j)        = w of the points j reaches that no chosen site reaches (count == 0)
    loss(s)       = w of the points only s reaches (count == 1 and s reaches them)
    overlap(s, j) = w of the points only s reaches that j also reaches

``add`` is kept up to date as counts change (each point that becomes covered or uncovered
updates the candidates that reach it); ``overlap(s, .)`` is nonzero only on the candidates that
reach a point only ``s`` reaches, so the best ``j`` for ``s`` is the larger of the best ``add``
overall and the best ``add + overlap`` among those. For each chosen site in turn, the best swap
is applied when it gains more than a relative tolerance; passes repeat until one applies none.
Each applied swap strictly increases the covered weight, so the search ends; it starts from
the greedy solution, so it is never worse than the greedy. A second start, the sites of a short
Lagrangian descent (``mclp_bounds.lagrangian``), escapes local optima that swaps from the
greedy do not (Nouvelle-Aquitaine, p = 50: 0.9 % under the optimum from the greedy alone).

Pure numpy / scipy: no Django import (checked by import-linter).
"""

import math

import numpy as np
from scipy import sparse

from tierslieux.territory.analytics.mclp_base import (
    BoolArray,
    CoverageProblem,
    FloatArray,
    IndexArray,
    Solution,
    check_p,
    column_rows,
    greedy_order,
    lazy_greedy,
    make_solution,
    replay,
)
from tierslieux.territory.analytics.mclp_bounds import lagrangian

#: A swap is applied when it gains more than this share of the weight left to cover.
RELATIVE_TOLERANCE = 1e-12


def _columns_reaching(problem: CoverageProblem, rows: IndexArray) -> tuple[IndexArray, IndexArray]:
    """For each (row, candidate reaching it) pair among ``rows``: the row's position in
    ``rows``, the candidate."""
    csr = problem.reach
    starts, stops = csr.indptr[rows], csr.indptr[rows + 1]
    lengths = stops - starts
    if lengths.sum() == 0:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    owner = np.repeat(np.arange(len(rows)), lengths)
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return owner, csr.indices[starts[owner] + offsets].astype(np.intp)


class _State:
    """Counts of chosen sites per demand point and the ``add`` gain of every candidate."""

    def __init__(self, problem: CoverageProblem, sites: list[int]) -> None:
        self.problem = problem
        self.score: FloatArray = np.where(problem.already_covered, 0.0, problem.demand_weight)
        self.count = np.zeros(problem.n_demand, dtype=np.int32)
        self.chosen: BoolArray = np.zeros(problem.n_candidates, dtype=np.bool_)
        for j in sites:
            self.count[column_rows(problem, j)] += 1
            self.chosen[j] = True
        open_score = np.where(self.count == 0, self.score, 0.0)
        self.add: FloatArray = problem.reach_csc.T.astype(np.float64) @ open_score

    def _shift(self, rows: IndexArray, sign: float) -> None:
        """Rows that became uncovered (sign +1) or covered (sign -1): update ``add``."""
        if len(rows):
            owner, columns = _columns_reaching(self.problem, rows)
            np.add.at(self.add, columns, sign * self.score[rows][owner])

    def best_swap(self, s: int) -> tuple[float, int]:
        """The best candidate to open in place of ``s``, and the change of covered weight."""
        rows = column_rows(self.problem, s)
        only = rows[self.count[rows] == 1]
        loss = float(self.score[only].sum())
        value = np.where(self.chosen, -math.inf, self.add)
        best_j = int(np.argmax(value))
        best = float(value[best_j])
        if len(only):
            owner, columns = _columns_reaching(self.problem, only)
            overlap = np.bincount(columns, weights=self.score[only][owner])
            touched = np.flatnonzero(overlap)
            touched = touched[~self.chosen[touched]]
            if len(touched):
                total = self.add[touched] + overlap[touched]
                k = int(np.argmax(total))
                if total[k] > best or (total[k] == best and touched[k] < best_j):
                    best, best_j = float(total[k]), int(touched[k])
        return best - loss, best_j

    def swap(self, s: int, j: int) -> None:
        rows = column_rows(self.problem, s)
        self.count[rows] -= 1
        self.chosen[s] = False
        self._shift(rows[self.count[rows] == 0], +1.0)
        rows = column_rows(self.problem, j)
        self._shift(rows[self.count[rows] == 0], -1.0)
        self.count[rows] += 1
        self.chosen[j] = True


def swap_improve(problem: CoverageProblem, sites: list[int]) -> tuple[list[int], int]:
    """Apply improving swaps to ``sites`` until none gains; the sites and the swap count."""
    state = _State(problem, sites)
    tolerance = RELATIVE_TOLERANCE * max(1.0, float(state.score.sum()))
    current = list(sites)
    swaps = 0
    improved = True
    while improved:
        improved = False
        for position in range(len(current)):
            s = current[position]
            gain, j = state.best_swap(s)
            if gain > tolerance:
                state.swap(s, j)
                current[position] = j
                swaps += 1
                improved = True
    return current, swaps


def _lagrangian_start(problem: CoverageProblem, k: int, lower: float, steps: int) -> list[int]:
    """Sites of the best Lagrangian solution after ``steps`` subgradient steps (on the rows not
    yet covered)."""
    rows = np.flatnonzero(problem.coverable)
    if len(rows) == 0:
        return []
    matrix, weight = problem.reach[rows], problem.demand_weight[rows]
    _, _, sites, _ = lagrangian(
        sparse.csc_matrix(matrix),
        weight,
        k,
        lower,
        deadline=math.inf,
        tolerance=RELATIVE_TOLERANCE * max(1.0, float(weight.sum())),
        steps=steps,
    )
    return sites


def mclp_greedy_swap(problem: CoverageProblem, p: int, *, lagrangian_steps: int = 200) -> Solution:
    """Maximal covering by local search: the lazy greedy solution improved by swaps until none
    gains, and a second start, the sites of a short Lagrangian descent (``mclp_bounds``), also
    improved by swaps; the better of the two.

    Never worse than ``location.mclp_greedy`` (it starts from its sites and only applies
    swaps that gain) and never better than ``mclp_exact``.

    Parameters
    ----------
    problem : CoverageProblem
        The instance.
    p : int
        Maximum number of new sites (>= 0).
    lagrangian_steps : int
        Subgradient steps of the second start (0: greedy start only). Default 200.

    Returns
    -------
    Solution
        ``method="mclp_greedy_swap"``, ``status="heuristic"``, ``bound`` and ``gap`` ``nan``;
        ``chosen`` re-ordered greedily (``gains`` non-increasing).
    """
    max_sites = check_p(problem, p)
    covered = problem.already_covered.copy()
    sites = lazy_greedy(problem, problem.demand_weight, covered, max_sites)
    if len(sites) == max_sites and max_sites > 0:
        # Fewer sites than p means the greedy covered every coverable point: nothing to gain.
        sites, _ = swap_improve(problem, sites)
        if lagrangian_steps > 0:
            value = float(replay(problem, sites)[0].sum())
            other = _lagrangian_start(problem, max_sites, value, lagrangian_steps)
            if len(other):
                other, _ = swap_improve(problem, other)
                if float(replay(problem, other)[0].sum()) > value:
                    sites = other
    return make_solution(
        problem,
        greedy_order(problem, np.asarray(sites, dtype=np.intp)),
        objective=None,
        bound=math.nan,
        gap=math.nan,
        status="heuristic",
        method="mclp_greedy_swap",
    )
