"""Best coverage with ``k`` sites of one component: Lagrangian bound, fixing, then HiGHS.

For rows ``i`` of weight ``w_i`` and candidates ``j`` reaching the rows ``M_j``, the maximal
covering problem is ``max sum_i w_i y_i`` subject to ``y_i <= sum_{j reaches i} x_j``,
``sum_j x_j <= k``, ``x`` binary, ``0 <= y <= 1``. Relaxing the coverage constraints with
multipliers ``0 <= lambda_i <= w_i`` gives, for every ``lambda``, an upper bound::

    L(lambda) = sum_i (w_i - lambda_i) + (sum of the k largest positive c_j),
    c_j = sum_{i in M_j} lambda_i

(``y_i = 1`` pays ``w_i - lambda_i >= 0``; the sites are the ``k`` best ``c_j``). Its minimum
over ``lambda`` is the linear relaxation's bound; subgradient steps (Polyak's rule towards the
best known solution) approach it, each step a product by the sparse matrix. Every step's sites
are also a solution (a lower bound).

**Fixing** (exact): with ``L = L(lambda)`` and ``LB`` the best known solution, opening a
candidate ``j`` outside the ``k`` best costs at least ``c_(k) - c_j`` (it takes the place of the
``k``-th), so if ``L - c_(k) + c_j <= LB`` no solution better than ``LB`` opens ``j``; likewise a
candidate among the ``k`` best whose closing bound ``L - c_j + c_(k+1)`` is at most ``LB`` is in
every better solution. The MILP then runs on the candidates left, the rows covered by the
forced ones removed: its optimum, or ``LB`` if larger, is the optimum.

**Linear relaxation** (``Relaxation``): for components small enough, the duals of the coverage
rows given by HiGHS are the multipliers (every ``lambda`` in ``[0, w]`` is valid, the optimal
ones give the linear relaxation's bound); ``restrict`` gives the instance left by fixings.

Pure numpy / scipy / highspy: no Django import (checked by import-linter).
"""

import time

import highspy
import numpy as np
from scipy import sparse

from tierslieux.territory.analytics.mclp_base import BoolArray, FloatArray, IndexArray, Status
from tierslieux.territory.analytics.mclp_highs import quiet_highs, solve

#: Subgradient steps at most; the step size halves after this many steps without a better bound.
LAGRANGE_STEPS = 1000
LAGRANGE_PATIENCE = 20
#: Deflected steps of the exact search (a volume-like direction: each step moves along
#: ``v = a g + (1 - a) v_previous`` with ``a = DEFLECTION``, step factor ``DEFLECTED_THETA``
#: instead of Polyak's 2). Measured on the national giant component (137,844 rows x 16,934
#: candidates, k = 298): bound 11.57 M after 1,500 steps against 11.67 M for plain steps after
#: 1,000 (and stalled there).
DEFLECTION = 0.1
DEFLECTED_THETA = 0.05
ROUNDING_EVERY = 20
#: Components with at most this many reach pairs get the multipliers of the linear relaxation
#: (HiGHS's interior point) instead of subgradient steps.
LP_MAX_PAIRS = 1_000_000
#: MILPs with at most this many reach pairs run without HiGHS's presolve (measured: twice
#: as fast on Nouvelle-Aquitaine's model after fixing, 0.06 s against 0.11 s).
NO_PRESOLVE_PAIRS = 200_000
#: Relaxations with at most this many reach pairs are first solved by the primal simplex
#: without presolve, larger ones by the interior point (measured on Nouvelle-Aquitaine's giant
#: component, 34,000 pairs: 0.043 s against 0.088 s for the interior point and crossover,
#: 0.14 s for the dual simplex).
PRIMAL_MAX_PAIRS = 200_000


def _top(c: FloatArray, k: int) -> IndexArray:
    """The ``k`` largest positive entries (fewer if fewer are positive)."""
    if k <= 0 or len(c) == 0:
        return np.zeros(0, dtype=np.intp)
    k = min(k, len(c))
    top = np.argpartition(-c, k - 1)[:k]
    return top[c[top] > 0.0]


def _cover_counts(matrix: sparse.csc_matrix, columns: IndexArray) -> FloatArray:
    """How many of ``columns`` reach each row (``A x`` for the 0/1 vector ``x`` of
    ``columns``), reading only those columns."""
    starts = matrix.indptr[columns]
    lengths = matrix.indptr[columns + 1] - starts
    total = int(lengths.sum())
    offsets = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    rows = matrix.indices[np.repeat(starts, lengths) + offsets]
    return np.bincount(rows, minlength=matrix.shape[0]).astype(np.float64)


def lagrangian(
    matrix: sparse.csc_matrix,
    weight: FloatArray,
    k: int,
    lower: float,
    deadline: float,
    tolerance: float,
    steps: int = LAGRANGE_STEPS,
    start: FloatArray | None = None,
    deflection: float = 0.0,
    theta: float = 2.0,
) -> tuple[float, FloatArray, list[int], float]:
    """Subgradient descent on ``L`` from ``start`` (default: each row's weight shared among the
    candidates that reach it): (best bound, its multipliers, best sites, their value).

    ``deflection`` ``a`` in (0, 1] moves along ``v = a g + (1 - a) v_previous`` (``g`` the
    subgradient; a volume-like direction that damps the zigzag of plain steps), 0 along ``g``;
    ``theta`` is the first step factor of Polyak's rule. Whatever the steps, every bound is
    ``L`` at multipliers in ``[0, w]``: valid. With a deflection, the steps' sites are also
    averaged the same way (the volume algorithm's primal estimate) and, every
    ``ROUNDING_EVERY`` steps, the ``k`` largest averages are a solution tried as well: the
    sites of single steps cover the same rows twice, their average spreads them."""
    matrix = sparse.csc_matrix(matrix)
    by_column = sparse.csr_matrix(matrix.T, dtype=np.float64)
    # Candidates reaching each row, counted on the columns (no conversion of the matrix).
    degree = np.bincount(matrix.indices, minlength=matrix.shape[0])
    lam = weight / np.maximum(1, degree) if start is None else np.clip(start, 0.0, weight)
    best_bound, best_lam = np.inf, lam.copy()
    best_sites: list[int] = []
    best_value = -np.inf
    stale = 0
    direction: FloatArray | None = None
    average = np.zeros(matrix.shape[1])
    for step_number in range(steps):
        c = by_column @ lam
        top = _top(c, k)
        pay = weight > lam
        bound = float((weight - lam)[pay].sum() + c[top].sum())
        cover = _cover_counts(matrix, top)
        value = float(weight[cover > 0.0].sum())
        if value > best_value:
            best_value, best_sites = value, top.tolist()
        if deflection > 0.0:
            average *= 1.0 - deflection if step_number else 0.0
            average[top] += deflection if step_number else 1.0
            if step_number % ROUNDING_EVERY == ROUNDING_EVERY - 1:
                rounded = _top(average, k)
                rounded_value = float(weight[_cover_counts(matrix, rounded) > 0.0].sum())
                if rounded_value > best_value:
                    best_value, best_sites = rounded_value, rounded.tolist()
        if bound < best_bound - tolerance:
            best_bound, best_lam, stale = bound, lam.copy(), 0
        else:
            stale += 1
            if stale >= LAGRANGE_PATIENCE:
                theta, stale = theta / 2.0, 0
        target = max(lower, best_value)
        if best_bound - target <= tolerance or theta < 1e-4 or time.perf_counter() > deadline:
            break
        step = pay.astype(np.float64) - cover
        if deflection > 0.0:
            direction = (
                step if direction is None else deflection * step + (1.0 - deflection) * direction
            )
            step = direction.copy()
        # Projected: no move out of [0, w] where the multiplier sits on a bound.
        step[(lam <= 0.0) & (step < 0.0)] = 0.0
        step[(lam >= weight) & (step > 0.0)] = 0.0
        norm = float(step @ step)
        if norm == 0.0:
            break
        lam = np.clip(lam + theta * (bound - target) / norm * step, 0.0, weight)
    return best_bound, best_lam, best_sites, best_value


class Relaxation:
    """The linear relaxation of one component, kept by HiGHS across numbers of sites.

    The first solve runs the primal simplex without presolve (at most ``PRIMAL_MAX_PAIRS``
    pairs, from a solution when one is given) or the interior point (then crossover, for a
    basis); a later one, for
    another ``k``, only changes the bound of the cardinality row and restarts the dual simplex
    from that basis (a few pivots). ``multipliers`` gives the duals of the coverage rows,
    clipped to ``[0, w]``, and the site values ``x``.

    Exactness does not depend on their accuracy: every ``lambda`` in ``[0, w]`` gives a valid
    bound ``L(lambda)``, computed from them (``bound_table``); the optimal duals give the
    linear relaxation's bound, the minimum of ``L``."""

    def __init__(self, matrix: sparse.csc_matrix, weight: FloatArray) -> None:
        n_rows, n_cols = matrix.shape
        model = covering_model(matrix)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = model.shape[1], model.shape[0]
        lp.sense_ = highspy.ObjSense.kMaximize
        lp.col_cost_ = np.concatenate([np.zeros(n_cols), weight])
        lp.col_lower_ = np.zeros(model.shape[1])
        lp.col_upper_ = np.ones(model.shape[1])
        lp.row_lower_ = np.full(model.shape[0], -highspy.kHighsInf)
        lp.row_upper_ = np.concatenate([np.zeros(n_rows), [1.0]])
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = model.indptr.astype(np.int32)
        lp.a_matrix_.index_ = model.indices.astype(np.int32)
        lp.a_matrix_.value_ = model.data.astype(np.float64)
        self.shape, self.weight = (n_rows, n_cols), weight
        self.matrix = sparse.csr_matrix(matrix, dtype=np.float64)
        self.solver = quiet_highs(1.0)
        if matrix.nnz <= PRIMAL_MAX_PAIRS:
            self.solver.setOptionValue("solver", "simplex")
            self.solver.setOptionValue("simplex_strategy", 4)  # primal
            self.solver.setOptionValue("presolve", "off")
        else:
            self.solver.setOptionValue("solver", "ipm")
        self.solver.passModel(lp)
        self.solved = False
        self.k = -1
        """Right-hand side of the cardinality row in the solver."""

    def multipliers(
        self, k: int, time_limit_s: float, start: list[int] | None = None
    ) -> tuple[FloatArray, FloatArray] | None:
        """Duals (clipped to ``[0, w]``) and site values for ``k`` sites, or None if HiGHS
        gives none within the time. ``start`` (at most ``k`` sites), for a first solve: the
        simplex starts from that solution (Nouvelle-Aquitaine's giant component, from the
        greedy: 1,885 iterations and 36 ms against 2,565 and 46 ms)."""
        if not time_limit_s > 0.0:
            return None
        self.solver.changeRowBounds(self.shape[0], -highspy.kHighsInf, float(k))
        self.k = k
        if start is not None and not self.solved and 0 < len(start) <= k:
            x = np.zeros(self.shape[1])
            x[np.asarray(start, dtype=np.intp)] = 1.0
            initial = highspy.HighsSolution()
            initial.col_value = np.concatenate([x, np.minimum(self.matrix @ x, 1.0)])
            initial.value_valid = True
            self.solver.setSolution(initial)
        return self.resolve(time_limit_s)

    def resolve(self, time_limit_s: float) -> tuple[FloatArray, FloatArray] | None:
        """Solve again after a change (of ``k``, or of column bounds through ``solver``): the
        dual simplex from the last basis. Duals (clipped to ``[0, w]``) and site values, or
        None if HiGHS gives none within the time (exactness does not need them optimal: any
        multipliers in ``[0, w]`` give a bound)."""
        if not time_limit_s > 0.0:
            return None
        n_rows, n_cols = self.shape
        self.solver.setOptionValue("time_limit", float(time_limit_s))
        if self.solved:
            # From a basis, a change of bounds keeps it dual feasible: the dual simplex.
            self.solver.setOptionValue("solver", "simplex")
            self.solver.setOptionValue("simplex_strategy", 1)
        self.solver.run()
        self.solved = self.solver.getBasis().valid
        solution = self.solver.getSolution()
        if not (solution.dual_valid and solution.value_valid):
            return None
        duals = np.asarray(solution.row_dual, dtype=np.float64)[:n_rows]
        values = np.asarray(solution.col_value, dtype=np.float64)[:n_cols]
        if not (np.all(np.isfinite(duals)) and np.all(np.isfinite(values))):
            return None
        return np.clip(np.abs(duals), 0.0, self.weight), values


def covering_model(matrix: sparse.csc_matrix) -> sparse.csc_matrix:
    """The constraint matrix of the covering model by columns: ``x_j`` (one per candidate:
    ``-1`` on the rows it reaches, ``1`` on the cardinality row, the last) then ``y_i`` (one per
    row: ``1`` on its row); rows ``y_i - sum_{j reaches i} x_j <= 0`` and ``sum_j x_j <= k``.
    Built from the arrays directly (no sparse stacking: 2 ms against 9 ms on
    Nouvelle-Aquitaine's giant component)."""
    a = sparse.csc_matrix(matrix)
    a.sort_indices()
    n_rows, n_cols = a.shape
    ends = a.indptr[1:]
    indices = np.concatenate(
        [np.insert(a.indices.astype(np.int32), ends, n_rows), np.arange(n_rows, dtype=np.int32)]
    )
    data = np.concatenate([np.insert(np.full(a.nnz, -1.0), ends, 1.0), np.ones(n_rows)])
    x_starts = a.indptr.astype(np.int64) + np.arange(n_cols + 1)
    indptr = np.concatenate([x_starts, x_starts[-1] + np.arange(1, n_rows + 1)])
    return sparse.csc_matrix((data, indices, indptr), shape=(n_rows + 1, n_cols + n_rows))


def top_sites(matrix: sparse.csc_matrix, lam: FloatArray, k: int) -> IndexArray:
    """The ``k`` candidates of largest positive ``c_j = sum of lambda over their rows``: the
    sites of ``L(lambda)``."""
    return _top(sparse.csr_matrix(matrix.T, dtype=np.float64) @ lam, k)


def bound_table(
    matrix: sparse.csc_matrix, weight: FloatArray, lam: FloatArray, kmax: int
) -> FloatArray:
    """``L(lambda)`` for every number of sites ``0 .. kmax`` (one set of multipliers bounds
    them all: only the number of ``c_j`` summed changes)."""
    c = sparse.csr_matrix(matrix.T, dtype=np.float64) @ lam
    gains = np.sort(c[c > 0.0])[::-1][:kmax]
    table = float(np.maximum(weight - lam, 0.0).sum()) + np.concatenate([[0.0], np.cumsum(gains)])
    return np.concatenate([table, np.full(kmax + 1 - len(table), table[-1])])


def fixings(
    matrix: sparse.csc_matrix,
    lam: FloatArray,
    weight: FloatArray,
    k: int,
    bound: float,
    lower: float,
    tolerance: float,
) -> tuple[BoolArray, BoolArray]:
    """Candidates closed and opened in every solution better than ``lower`` (module docstring)."""
    c = sparse.csr_matrix(matrix.T, dtype=np.float64) @ lam
    top = _top(c, k)
    chosen = np.zeros(len(c), dtype=np.bool_)
    chosen[top] = True
    kth = float(c[top].min()) if len(top) == k else 0.0
    outside = np.where(chosen, -np.inf, c)
    next_best = max(0.0, float(outside.max())) if len(c) > len(top) else 0.0
    closed = ~chosen & (bound - kth + np.maximum(c, 0.0) <= lower + tolerance)
    opened = chosen & (bound - c + next_best <= lower + tolerance)
    return closed, opened


def milp(
    matrix: sparse.csc_matrix,
    weight: FloatArray,
    k: int,
    start: list[int] | None,
    time_limit_s: float,
) -> tuple[list[int] | None, float, Status]:
    """Best ``k`` sites by HiGHS: (sites or None, upper bound, status).

    A row reached by one candidate only is no row at all: its weight goes to that candidate's
    cost (``y_i = x_j``)."""
    degree = np.diff(matrix.tocsr().indptr)
    single = degree == 1
    n_cols = matrix.shape[1]
    direct = sparse.csr_matrix(matrix[single], dtype=np.float64).T @ weight[single]
    shared = sparse.csc_matrix(matrix[np.flatnonzero(~single)], dtype=np.float64)
    n_rows = shared.shape[0]
    model = covering_model(shared)
    initial = None
    if start is not None:
        x_start = np.zeros(n_cols)
        x_start[start] = 1.0
        initial = np.concatenate([x_start, np.minimum(shared @ x_start, 1.0)])
    values, bound, status = solve(
        time_limit_s=time_limit_s,
        sense=highspy.ObjSense.kMaximize,
        cost=np.concatenate([np.asarray(direct).ravel(), weight[~single]]),
        col_upper=np.ones(n_cols + n_rows),
        integer=np.concatenate([np.ones(n_cols, bool), np.zeros(n_rows, bool)]),
        matrix=model,
        row_lower=np.full(n_rows + 1, -highspy.kHighsInf),
        row_upper=np.concatenate([np.zeros(n_rows), [float(k)]]),
        start=initial,
        presolve=shared.nnz > NO_PRESOLVE_PAIRS,
    )
    sites = None if values is None else np.flatnonzero(values[:n_cols] > 0.5).tolist()
    return sites, bound, status


def restrict(
    matrix: sparse.csc_matrix, weight: FloatArray, closed: BoolArray, opened: BoolArray
) -> tuple[IndexArray, float, IndexArray, IndexArray, sparse.csc_matrix]:
    """The instance left by fixings: (opened columns, weight they cover, free columns, rows
    still to cover, matrix of those rows by the free columns). A solution respecting the
    fixings is the opened columns plus free ones, worth the covered weight plus its value on
    the rows left."""
    forced = np.flatnonzero(opened)
    covered = np.asarray(matrix[:, forced].sum(axis=1)).ravel() > 0
    free = np.flatnonzero(~closed & ~opened)
    rows = np.flatnonzero(~covered)
    sub = sparse.csc_matrix(matrix[rows][:, free])
    reached = np.diff(sub.tocsr().indptr) > 0
    rows = rows[reached]
    sub = sparse.csc_matrix(sub[np.flatnonzero(reached)])
    sub.sort_indices()
    return forced, float(weight[covered].sum()), free, rows, sub
