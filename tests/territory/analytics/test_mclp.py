"""Exact siting through reductions, components and a dynamic programme; greedy + swaps.

Every exact figure is checked against brute force (itertools.combinations) on small
instances, drawn at random and by hypothesis, including instances built of several independent
blocks (so that the dynamic programme over components is exercised)."""

import itertools
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import sparse

from tierslieux.territory.analytics import mclp_exact as exact_module
from tierslieux.territory.analytics.location import (
    CoverageProblem,
    mclp_exact,
    mclp_greedy,
    mclp_greedy_swap,
)
from tierslieux.territory.analytics.mclp_bounds import (
    DEFLECTED_THETA,
    DEFLECTION,
    Relaxation,
    bound_table,
    covering_model,
    fixings,
    lagrangian,
    restrict,
    top_sites,
)
from tierslieux.territory.analytics.mclp_branch import (
    BRANCH_MAX_NODES,
    branch_and_bound,
    node_bound,
)
from tierslieux.territory.analytics.mclp_reduce import (
    components,
    dominated_columns,
    merge_rows,
    reduce_problem,
)
from tierslieux.territory.analytics.mclp_swap import swap_improve


def _problem(dense, weight, already=None) -> CoverageProblem:
    dense = np.asarray(dense, dtype=bool)
    already = np.zeros(dense.shape[0], bool) if already is None else np.asarray(already, bool)
    return CoverageProblem(np.asarray(weight, dtype=np.float64), sparse.csr_matrix(dense), already)


def _brute_force(dense, weight, already, p) -> float:
    """Best weight newly covered with at most p sites."""
    open_weight = np.where(already, 0.0, weight)
    best = 0.0
    for sites in itertools.combinations(range(dense.shape[1]), min(p, dense.shape[1])):
        best = max(best, float(open_weight[dense[:, list(sites)].any(axis=1)].sum()))
    return best


def _blocks(rng: np.random.Generator, n_blocks: int, max_rows=12, max_cols=5):
    """A block-diagonal instance (independent components), rows and columns shuffled."""
    parts = []
    for _ in range(n_blocks):
        n, m = int(rng.integers(1, max_rows + 1)), int(rng.integers(1, max_cols + 1))
        parts.append(rng.random((n, m)) < rng.uniform(0.15, 0.6))
    dense = sparse.block_diag([sparse.csr_matrix(b) for b in parts]).toarray().astype(bool)
    dense = dense[rng.permutation(dense.shape[0])][:, rng.permutation(dense.shape[1])]
    weight = rng.integers(0, 50, dense.shape[0]).astype(np.float64)
    already = rng.random(dense.shape[0]) < 0.15
    return dense, weight, already


def test_identical_rows_are_merged_with_their_weights_summed():
    dense = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1], [1, 0, 1]], dtype=bool)
    merged, weight = merge_rows(sparse.csr_matrix(dense), np.array([1.0, 2.0, 3.0, 4.0]))
    assert merged.toarray().tolist() == [[True, False, True], [False, True, False]]
    assert weight.tolist() == [8.0, 2.0]


def test_dominated_candidates_are_found():
    # c0 {0}, c1 {0, 1}, c2 {0, 1} (same as c1: only the lowest index is kept), c3 {2}.
    dense = np.array([[1, 1, 1, 0], [0, 1, 1, 0], [0, 0, 0, 1]], dtype=bool)
    assert dominated_columns(sparse.csc_matrix(dense)).tolist() == [0, 2]


@pytest.mark.parametrize("seed", range(30))
def test_dominated_columns_against_the_definition(seed):
    rng = np.random.default_rng(seed)
    dense = rng.random((int(rng.integers(1, 15)), int(rng.integers(1, 12)))) < 0.4
    dense = dense[:, dense.any(axis=0)]
    sets = [frozenset(np.flatnonzero(dense[:, j])) for j in range(dense.shape[1])]
    expected = [
        j
        for j, a in enumerate(sets)
        if any(k != j and a <= b and (a != b or k < j) for k, b in enumerate(sets))
    ]
    assert dominated_columns(sparse.csc_matrix(dense)).tolist() == expected


def test_reductions_and_components_on_a_hand_made_instance():
    # Block A: rows 0-2, c0 {0, 1}, c1 {1} (dominated), c2 {1, 2}; block B: rows 3 and 6
    # (reached by c3 alone: merged), c3. Row 4: already covered; row 5: reached by nobody.
    dense = np.zeros((7, 4), dtype=bool)
    dense[[0, 1], 0] = dense[1, 1] = dense[[1, 2], 2] = dense[[3, 4, 6], 3] = True
    problem = _problem(dense, [1, 2, 3, 4, 5, 6, 7], already=[0, 0, 0, 0, 1, 0, 0])
    reduced = reduce_problem(problem)
    assert reduced.candidates.tolist() == [0, 2, 3]
    assert sorted(reduced.weight.tolist()) == [1.0, 2.0, 3.0, 11.0]
    parts = components(reduced)
    assert [part.total for part in parts] == [11.0, 6.0]
    assert [reduced.candidates[part.columns].tolist() for part in parts] == [[3], [0, 2]]


@pytest.mark.parametrize("seed", range(40))
def test_the_reduced_instance_has_the_same_optimum(seed):
    rng = np.random.default_rng(seed)
    dense, weight, already = _blocks(rng, int(rng.integers(1, 4)))
    problem = _problem(dense, weight, already)
    reduced = reduce_problem(problem)
    small = reduced.matrix.toarray()
    for p in range(1, 4):
        assert_allclose(
            _brute_force(small, reduced.weight, np.zeros(len(reduced.weight), bool), p),
            _brute_force(dense, weight, already, p),
        )


@pytest.mark.parametrize("seed", range(20))
def test_the_programme_over_tables_equals_every_allocation(seed):
    rng = np.random.default_rng(seed)
    tables = [
        np.concatenate([[0.0], np.cumsum(rng.integers(0, 20, int(rng.integers(0, 4))))])
        for _ in range(int(rng.integers(1, 5)))
    ]
    p = int(rng.integers(0, 6))
    best = max(
        sum(t[k] for t, k in zip(tables, ks, strict=True))
        for ks in itertools.product(*[range(len(t)) for t in tables])
        if sum(ks) <= p
    )
    value, allocation = exact_module._dp(tables, p)
    assert value == best
    assert sum(allocation) <= p
    assert sum(t[k] for t, k in zip(tables, allocation, strict=True)) == value


@pytest.mark.parametrize("seed", range(60))
def test_exact_equals_brute_force_on_independent_blocks(seed):
    rng = np.random.default_rng(500 + seed)
    dense, weight, already = _blocks(rng, int(rng.integers(1, 5)))
    problem = _problem(dense, weight, already)
    for p in sorted({1, 2, int(rng.integers(1, min(6, dense.shape[1]) + 1))}):
        solution = mclp_exact(problem, p)
        assert solution.status == "optimal" and solution.gap == 0.0
        assert len(solution.chosen) <= p
        assert_allclose(solution.new_weight, _brute_force(dense, weight, already, p))
        assert_allclose(solution.bound, solution.new_weight)
        covered = already | dense[:, solution.chosen].any(axis=1)
        assert_allclose(solution.covered_weight, weight[covered].sum())


def test_a_component_too_large_to_enumerate_goes_to_the_solver():
    """With enumeration off, each needed value of a component comes from HiGHS: same optimum."""
    for seed in range(15):
        rng = np.random.default_rng(900 + seed)
        dense, weight, already = _blocks(rng, 3, max_rows=15, max_cols=6)
        p = int(rng.integers(2, 6))
        solution = mclp_exact(_problem(dense, weight, already), p, enumeration_limit=0)
        assert solution.status == "optimal"
        assert_allclose(solution.new_weight, _brute_force(dense, weight, already, p))


def test_a_time_limit_reached_gives_the_best_solution_and_a_bound():
    rng = np.random.default_rng(3)
    dense = rng.random((300, 60)) < 0.08
    problem = _problem(dense, rng.integers(1, 100, 300).astype(float))
    solution = mclp_exact(problem, 8, time_limit_s=1e-9)
    heuristic = mclp_greedy_swap(problem, 8, lagrangian_steps=0)
    assert solution.status in {"time_limit", "optimal"}
    assert solution.new_weight >= heuristic.new_weight
    assert solution.bound >= solution.new_weight
    if solution.status == "time_limit":
        assert solution.gap > 0.0
    with pytest.raises(ValueError, match="time_limit_s"):
        mclp_exact(problem, 8, time_limit_s=0.0)


def test_a_swap_escapes_the_greedy_trap():
    # c0 reaches four points, c1 and c2 three each but together all six.
    trap = np.array([[1, 1, 0], [1, 1, 0], [1, 0, 1], [1, 0, 1], [0, 1, 0], [0, 0, 1]], bool)
    problem = _problem(trap, np.ones(6))
    assert mclp_greedy(problem, 2).new_weight == 5.0
    solution = mclp_greedy_swap(problem, 2)
    assert sorted(solution.chosen.tolist()) == [1, 2]
    assert solution.new_weight == 6.0
    assert solution.method == "mclp_greedy_swap" and solution.status == "heuristic"
    assert swap_improve(problem, [0, 1]) == ([2, 1], 1)


instances = st.integers(0, 2**32 - 1).map(
    lambda seed: _blocks(
        np.random.default_rng(seed), int(np.random.default_rng(seed).integers(1, 4))
    )
)


@settings(max_examples=60, deadline=None)
@given(instance=instances, data=st.data())
def test_swaps_never_worse_than_greedy_never_better_than_the_optimum(instance, data):
    dense, weight, already = instance
    problem = _problem(dense, weight, already)
    p = data.draw(st.integers(0, min(dense.shape[1], 6)))
    greedy = mclp_greedy(problem, p)
    swapped = mclp_greedy_swap(problem, p)
    best = _brute_force(dense, weight, already, p)
    assert greedy.new_weight <= swapped.new_weight + 1e-9
    assert swapped.new_weight <= best + 1e-9
    assert len(swapped.chosen) <= p
    assert list(swapped.gains) == sorted(swapped.gains, reverse=True)
    covered = already | dense[:, swapped.chosen].any(axis=1)
    assert_allclose(swapped.covered_weight, weight[covered].sum())


@settings(max_examples=60, deadline=None)
@given(instance=instances, data=st.data())
def test_exact_equals_brute_force(instance, data):
    dense, weight, already = instance
    p = data.draw(st.integers(0, min(dense.shape[1], 6)))
    solution = mclp_exact(_problem(dense, weight, already), p)
    assert solution.status == "optimal"
    assert_allclose(solution.new_weight, _brute_force(dense, weight, already, p))


@pytest.mark.parametrize("seed", range(12))
def test_the_linear_relaxation_bounds_every_k_and_its_fixings_keep_better_solutions(seed):
    """The duals of the linear relaxation (first solve, then warm restarts for other ``k``)
    bound the optimum for every ``k``; the candidates they fix (closed, opened) against an
    incumbent are respected by every solution better than that incumbent."""
    rng = np.random.default_rng(1300 + seed)
    dense = rng.random((14, 7)) < rng.uniform(0.2, 0.5)
    dense[rng.integers(0, 14), :] = True  # no empty column, one row reached by all
    weight = rng.integers(1, 40, 14).astype(np.float64)
    matrix = sparse.csc_matrix(dense)
    relaxation = Relaxation(matrix, weight)
    for k in (3, 1, 5, 2):
        lam, x = relaxation.multipliers(k, 10.0)
        assert np.all((lam >= 0.0) & (lam <= weight)) and len(x) == dense.shape[1]
        bound = float(bound_table(matrix, weight, lam, k)[k])
        values = {
            sites: float(weight[dense[:, list(sites)].any(axis=1)].sum())
            for sites in itertools.combinations(range(dense.shape[1]), k)
        }
        best = max(values.values())
        assert bound >= best - 1e-6
        fresh_lam, _ = Relaxation(matrix, weight).multipliers(k, 10.0)
        assert_allclose(bound, bound_table(matrix, weight, fresh_lam, k)[k], rtol=1e-6)
        for incumbent in (best - 1.0, best - 10.0, 0.0):
            closed, opened = fixings(matrix, lam, weight, k, bound, incumbent, 1e-9)
            for sites, value in values.items():
                if value > incumbent:
                    assert not closed[list(sites)].any()
                    assert opened[list(sites)].sum() == opened.sum()
        c = matrix.T.astype(np.float64) @ lam
        top = top_sites(matrix, lam, k)
        assert len(top) <= k and np.all(c[top] > 0.0)
        assert np.all(c[top].min(initial=np.inf) >= np.delete(c, top).max(initial=0.0) - 1e-9)


@settings(max_examples=40, deadline=None)
@given(instance=instances, data=st.data())
def test_exact_through_the_relaxation_and_highs_equals_brute_force(instance, data):
    """Enumeration off: every value comes from the linear relaxation's duals, its rounding,
    the fixing and HiGHS."""
    dense, weight, already = instance
    p = data.draw(st.integers(1, min(dense.shape[1], 6)))
    solution = mclp_exact(_problem(dense, weight, already), p, enumeration_limit=0)
    assert solution.status == "optimal"
    assert_allclose(solution.new_weight, _brute_force(dense, weight, already, p))


@settings(max_examples=40, deadline=None)
@given(instance=instances, data=st.data())
def test_exact_through_the_relaxation_without_branching_equals_brute_force(instance, data):
    """Branch and bound off: the relaxation's duals fix candidates and HiGHS's MILP solves what
    is left (the path taken when the search runs out of nodes)."""
    dense, weight, already = instance
    p = data.draw(st.integers(1, min(dense.shape[1], 6)))
    problem = _problem(dense, weight, already)
    solution = mclp_exact(problem, p, enumeration_limit=0, branch_nodes=0)
    assert solution.status == "optimal"
    assert_allclose(solution.new_weight, _brute_force(dense, weight, already, p))


@pytest.mark.parametrize("seed", range(20))
def test_a_restricted_instance_values_every_solution_that_respects_the_fixings(seed):
    rng = np.random.default_rng(1700 + seed)
    dense = rng.random((12, 7)) < 0.35
    weight = rng.integers(1, 30, 12).astype(np.float64)
    state = rng.integers(0, 3, 7)  # 0 free, 1 closed, 2 opened
    closed, opened = state == 1, state == 2
    forced, covered, free, rows, sub = restrict(sparse.csc_matrix(dense), weight, closed, opened)
    assert forced.tolist() == np.flatnonzero(opened).tolist()
    assert_allclose(covered, weight[dense[:, forced].any(axis=1)].sum())
    assert free.tolist() == np.flatnonzero(state == 0).tolist()
    assert (sub.toarray() == dense[np.ix_(rows, free)]).all()
    assert not dense[np.ix_(rows, forced)].any() and sub.toarray().any(axis=1).all()
    for size in range(len(free) + 1):
        for chosen in itertools.combinations(range(len(free)), size):
            sites = forced.tolist() + free[list(chosen)].tolist()
            value = weight[dense[:, sites].any(axis=1)].sum()
            inner = weight[rows][sub.toarray()[:, list(chosen)].any(axis=1)].sum()
            assert_allclose(value, covered + inner)


@settings(max_examples=40, deadline=None)
@given(instance=instances, data=st.data())
def test_exact_through_subgradient_and_restriction_equals_brute_force(instance, data):
    """Relaxation off (the national path): subgradient bounds, fixing, the restricted instance
    tightened by new steps until nothing is left, then HiGHS."""
    dense, weight, already = instance
    p = data.draw(st.integers(1, min(dense.shape[1], 6)))
    problem = _problem(dense, weight, already)
    solution = mclp_exact(problem, p, enumeration_limit=0, relaxation_pairs=-1)
    assert solution.status == "optimal"
    assert_allclose(solution.new_weight, _brute_force(dense, weight, already, p))


def _best_with_fixings(dense, weight, k, opened, closed) -> float:
    """Best coverage with at most k sites, every opened one among them, no closed one."""
    forced = np.flatnonzero(opened).tolist()
    free = [j for j in range(dense.shape[1]) if not opened[j] and not closed[j]]
    best = -np.inf
    for size in range(0, max(0, k - len(forced)) + 1):
        if len(forced) > k:
            break
        for chosen in itertools.combinations(free, min(size, len(free))):
            sites = forced + list(chosen)
            best = max(best, float(weight[dense[:, sites].any(axis=1)].sum()))
    return best


@pytest.mark.parametrize("seed", range(25))
def test_a_node_bound_holds_for_every_multiplier_and_fixing(seed):
    """The Lagrangian bound with fixings is at least every solution respecting the fixings,
    whatever the multipliers in [0, w]; more opened sites than k: no solution."""
    rng = np.random.default_rng(2100 + seed)
    dense = rng.random((10, 6)) < 0.4
    weight = rng.integers(1, 30, 10).astype(np.float64)
    by_column = sparse.csr_matrix(dense.T, dtype=np.float64)
    for _ in range(6):
        k = int(rng.integers(0, 5))
        state = rng.choice(3, 6, p=[0.6, 0.2, 0.2])
        opened, closed = state == 1, state == 2
        lam = weight * rng.random(10) * (rng.random(10) < 0.8)
        bound = node_bound(by_column, weight, lam, k, opened, closed)
        best = _best_with_fixings(dense, weight, k, opened, closed)
        if opened.sum() > k:
            assert bound == -np.inf
        else:
            assert bound >= best - 1e-9


def _branched(dense, weight, k, incumbent=([], 0.0), max_nodes=BRANCH_MAX_NODES):
    matrix = sparse.csc_matrix(dense)
    relaxation = Relaxation(matrix, weight)
    relaxation.multipliers(k, 10.0)
    found = branch_and_bound(
        relaxation, matrix, weight, k, incumbent, 1e-9, time.perf_counter() + 10.0, max_nodes
    )
    return relaxation, found


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    k=st.integers(1, 4),
    integral=st.booleans(),
)
def test_branch_and_bound_equals_brute_force(seed, k, integral):
    """Proven optimal from an empty incumbent, with integral weights (bounds floored) and
    fractional ones; the relaxation's column bounds are restored afterwards."""
    rng = np.random.default_rng(seed)
    dense = rng.random((int(rng.integers(3, 16)), int(rng.integers(2, 8)))) < rng.uniform(0.2, 0.5)
    dense = dense[:, dense.any(axis=0)] if dense.any() else np.eye(3, dtype=bool)
    weight = rng.integers(1, 40, dense.shape[0]).astype(np.float64)
    if not integral:
        weight = weight + rng.random(dense.shape[0])
    best = _brute_force(dense, weight, np.zeros(dense.shape[0], bool), k)
    relaxation, found = _branched(dense, weight, k)
    assert found.proven and found.nodes >= 1
    assert len(found.sites) <= k
    assert_allclose(found.value, best)
    assert_allclose(found.value, weight[dense[:, found.sites].any(axis=1)].sum())
    assert found.bound == found.value
    lp = relaxation.solver.getLp()
    assert list(lp.col_lower_) == [0.0] * lp.num_col_
    assert list(lp.col_upper_) == [1.0] * lp.num_col_


@pytest.mark.parametrize("seed", range(20))
def test_branch_and_bound_stopped_early_keeps_a_valid_bound(seed):
    """With one node only, the search may stop unproven: its solution is a solution, its
    bound bounds the optimum; an incumbent better than what the nodes find is kept."""
    rng = np.random.default_rng(2400 + seed)
    dense = rng.random((30, 12)) < 0.25
    dense[0] = True
    weight = rng.integers(1, 50, 30).astype(np.float64)
    k = int(rng.integers(2, 5))
    best = _brute_force(dense, weight, np.zeros(30, bool), k)
    _, found = _branched(dense, weight, k, max_nodes=1)
    assert found.value <= best + 1e-9 <= found.bound + 2e-9
    assert found.proven == (found.bound == found.value)
    if found.proven:
        assert_allclose(found.value, best)
    optimum_sites = next(
        list(sites)
        for sites in itertools.combinations(range(12), k)
        if weight[dense[:, list(sites)].any(axis=1)].sum() == best
    )
    _, kept = _branched(dense, weight, k, incumbent=(optimum_sites, best))
    assert kept.proven and kept.value == best and kept.sites == optimum_sites


@pytest.mark.parametrize("seed", range(15))
def test_deflected_steps_bound_every_solution_and_value_their_sites(seed):
    """The volume-like steps of the national search: every bound is above the optimum, the
    sites returned (single steps or the rounded average) are worth the value returned."""
    rng = np.random.default_rng(2700 + seed)
    dense = rng.random((40, 12)) < rng.uniform(0.1, 0.3)
    dense[:, ~dense.any(axis=0)] = True
    weight = rng.integers(1, 60, 40).astype(np.float64)
    k = int(rng.integers(1, 5))
    best = _brute_force(dense, weight, np.zeros(40, bool), k)
    bound, lam, sites, value = lagrangian(
        sparse.csc_matrix(dense),
        weight,
        k,
        0.0,
        time.perf_counter() + 10.0,
        1e-9,
        steps=200,
        deflection=DEFLECTION,
        theta=DEFLECTED_THETA,
    )
    assert bound >= best - 1e-9
    assert np.all((lam >= 0.0) & (lam <= weight))
    assert_allclose(bound_table(sparse.csc_matrix(dense), weight, lam, k)[k], bound)
    assert len(sites) <= k and value <= best + 1e-9
    assert_allclose(value, weight[dense[:, sites].any(axis=1)].sum())


@pytest.mark.parametrize("seed", range(8))
def test_without_any_solver_the_search_keeps_valid_bounds_to_the_time_limit(seed):
    """Neither the relaxation nor HiGHS's MILP (the national giant component's path): the
    search fixes and descends again until the time limit; its solution is a solution, its
    bound bounds the optimum, and optimal means the optimum."""
    rng = np.random.default_rng(3100 + seed)
    dense, weight, already = _blocks(rng, 2, max_rows=14, max_cols=7)
    problem = _problem(dense, weight, already)
    p = int(rng.integers(2, 5))
    best = _brute_force(dense, weight, already, p)
    solution = mclp_exact(
        problem,
        p,
        enumeration_limit=0,
        relaxation_pairs=-1,
        milp_pairs=-1,
        time_limit_s=0.3,
    )
    assert solution.new_weight <= best + 1e-9 <= solution.bound + 2e-9
    if solution.status == "optimal":
        assert_allclose(solution.new_weight, best)


@pytest.mark.parametrize("seed", range(12))
def test_the_relaxation_started_from_a_solution_gives_the_same_bound(seed):
    """A first solve started from a solution (the component's greedy sites) reaches the same
    linear bound as one started from nothing; a start of more than k sites is ignored."""
    rng = np.random.default_rng(3300 + seed)
    dense = rng.random((30, 10)) < 0.3
    dense[:, ~dense.any(axis=0)] = True
    weight = rng.integers(1, 50, 30).astype(np.float64)
    matrix = sparse.csc_matrix(dense)
    k = int(rng.integers(1, 5))
    start = rng.choice(10, int(rng.integers(1, k + 2)), replace=False).tolist()
    plain, _ = Relaxation(matrix, weight).multipliers(k, 10.0)
    started, x = Relaxation(matrix, weight).multipliers(k, 10.0, start)
    assert_allclose(
        bound_table(matrix, weight, started, k)[k],
        bound_table(matrix, weight, plain, k)[k],
        rtol=1e-9,
    )
    assert x.sum() <= k + 1e-9


@pytest.mark.parametrize("seed", range(10))
def test_the_covering_model_built_from_arrays_equals_the_stacked_one(seed):
    rng = np.random.default_rng(3500 + seed)
    n, m = int(rng.integers(1, 20)), int(rng.integers(1, 12))
    matrix = sparse.csc_matrix(rng.random((n, m)) < 0.3)
    stacked = sparse.hstack(
        [
            sparse.vstack([-matrix.astype(np.float64), sparse.csr_matrix(np.ones((1, m)))]),
            sparse.vstack([sparse.identity(n), sparse.csr_matrix((1, n))]),
        ],
        format="csc",
    )
    built = covering_model(matrix)
    assert built.shape == (n + 1, m + n)
    assert (built.toarray() == stacked.toarray()).all()
    ordered = built.copy()
    ordered.sort_indices()
    assert (ordered.indices == built.indices).all()  # each column's rows in order
