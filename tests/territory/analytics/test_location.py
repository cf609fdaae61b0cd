"""Location optimisation: hand-computed cases, exact against brute force, greedy properties."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from tierslieux.territory.analytics.location import (
    CoverageProblem,
    marginal_gain,
    mclp_exact,
    mclp_greedy,
    set_cover_exact,
    set_cover_greedy,
)
from tierslieux.territory.analytics.reach import covered_by


def _problem(dense, weight, already=None) -> CoverageProblem:
    dense = np.asarray(dense, dtype=bool)
    already = np.zeros(dense.shape[0], bool) if already is None else np.asarray(already, bool)
    return CoverageProblem(np.asarray(weight, dtype=np.float64), sparse.csr_matrix(dense), already)


def _random_problem(rng: np.random.Generator, max_demand=40, max_candidates=12):
    n = int(rng.integers(1, max_demand + 1))
    m = int(rng.integers(1, max_candidates + 1))
    dense = rng.random((n, m)) < rng.uniform(0.05, 0.4)
    weight = rng.integers(0, 1000, n).astype(np.float64)  # integers: sums are exact
    already = rng.random(n) < 0.2
    return dense, weight, already


def _brute_force_mclp(dense, weight, already, p) -> float:
    best = float(weight[already].sum())
    for sites in itertools.combinations(range(dense.shape[1]), min(p, dense.shape[1])):
        covered = already | dense[:, list(sites)].any(axis=1)
        best = max(best, float(weight[covered].sum()))
    return best


def _brute_force_set_cover(dense, weight, already) -> int:
    need = ~already & (weight > 0) & dense.any(axis=1)
    for k in range(dense.shape[1] + 1):
        for sites in itertools.combinations(range(dense.shape[1]), k):
            if dense[np.ix_(need, list(sites))].any(axis=1).all():
                return k
    raise AssertionError("unreachable: all candidates cover every coverable point")


def _naive_greedy(dense, weight, already, p) -> tuple[list[int], list[float]]:
    covered = already.copy()
    chosen, gains = [], []
    for _ in range(min(p, dense.shape[1])):
        all_gains = dense.T.astype(np.float64) @ (weight * ~covered)
        best = int(np.argmax(all_gains))  # lowest index among ties
        if all_gains[best] <= 0.0:
            break
        chosen.append(best)
        gains.append(float(all_gains[best]))
        covered |= dense[:, best]
    return chosen, gains


# Four demand points (10, 20, 30, 40 inhabitants), four candidates:
# c0 reaches {0, 1}, c1 {1, 2}, c2 {3}, c3 {2, 3}.
HAND = np.array(
    [
        [1, 0, 0, 0],
        [1, 1, 0, 0],
        [0, 1, 0, 1],
        [0, 0, 1, 1],
    ],
    dtype=bool,
)
HAND_WEIGHT = [10.0, 20.0, 30.0, 40.0]

# The greedy trap: c0 reaches four points, c1 and c2 three each but together all six.
TRAP = np.array(
    [
        [1, 1, 0],
        [1, 1, 0],
        [1, 0, 1],
        [1, 0, 1],
        [0, 1, 0],
        [0, 0, 1],
    ],
    dtype=bool,
)


def test_marginal_gain_counts_only_demand_not_yet_covered():
    problem = _problem(HAND, HAND_WEIGHT)
    assert [marginal_gain(problem, j) for j in range(4)] == [30.0, 50.0, 40.0, 70.0]
    covered_3 = _problem(HAND, HAND_WEIGHT, already=[False, False, False, True])
    assert [marginal_gain(covered_3, j) for j in range(4)] == [30.0, 50.0, 0.0, 30.0]
    with pytest.raises(IndexError):
        marginal_gain(problem, 4)


def test_hand_computed_greedy():
    problem = _problem(HAND, HAND_WEIGHT)
    one = mclp_greedy(problem, 1)
    assert_array_equal(one.chosen, [3])
    two = mclp_greedy(problem, 2)
    assert_array_equal(two.chosen, [3, 0])
    assert_array_equal(two.gains, [70.0, 30.0])
    assert two.covered_weight == two.new_weight == two.objective == 100.0
    assert two.status == "heuristic"
    assert two.method == "mclp_greedy"
    assert math.isnan(two.gap) and math.isnan(two.bound)


def test_greedy_stops_when_nothing_is_left_to_gain():
    problem = _problem(HAND, HAND_WEIGHT)
    assert_array_equal(mclp_greedy(problem, 4).chosen, [3, 0])
    assert len(mclp_greedy(problem, 0).chosen) == 0


def test_existing_places_change_the_choice():
    # Demand 2 and 3 already within reach of an existing place: only c0 or c1 help.
    problem = _problem(HAND, HAND_WEIGHT, already=[False, False, True, True])
    solution = mclp_greedy(problem, 1)
    assert_array_equal(solution.chosen, [0])
    assert solution.new_weight == 30.0
    assert solution.covered_weight == 100.0


def test_ties_go_to_the_lowest_index():
    problem = _problem(np.eye(3, dtype=bool), [5.0, 5.0, 5.0])
    assert_array_equal(mclp_greedy(problem, 2).chosen, [0, 1])


def test_exact_escapes_the_greedy_trap():
    problem = _problem(TRAP, np.ones(6))
    greedy = mclp_greedy(problem, 2)
    exact = mclp_exact(problem, 2)
    assert_array_equal(greedy.chosen, [0, 1])
    assert greedy.covered_weight == 5.0
    assert sorted(exact.chosen.tolist()) == [1, 2]
    assert exact.covered_weight == exact.objective == 6.0
    assert exact.status == "optimal"
    assert exact.gap == 0.0
    assert exact.bound == pytest.approx(6.0)
    assert exact.method == "mclp_exact"


def test_hand_computed_set_cover_with_an_uncoverable_point():
    dense = np.vstack([TRAP, np.zeros((1, 3), dtype=bool)])  # point 6: no candidate reaches it
    problem = _problem(dense, [1, 1, 1, 1, 1, 1, 7])
    greedy = set_cover_greedy(problem)
    exact = set_cover_exact(problem)
    # Greedy opens c0, c1, c2, then drops c0, made redundant by the two others.
    assert sorted(greedy.chosen.tolist()) == [1, 2]
    assert sorted(exact.chosen.tolist()) == [1, 2]
    assert exact.objective == 2.0
    assert exact.uncoverable_weight == greedy.uncoverable_weight == 7.0
    assert exact.covered_weight == 6.0
    assert exact.status == "optimal"


def test_nothing_to_cover():
    problem = _problem(HAND, HAND_WEIGHT, already=[True] * 4)
    for solution in (mclp_exact(problem, 2), set_cover_exact(problem), set_cover_greedy(problem)):
        assert len(solution.chosen) == 0
        assert solution.new_weight == 0.0
        assert solution.covered_weight == 100.0


def test_bad_problems_are_refused():
    with pytest.raises(ValueError, match="demand_weight"):
        _problem(HAND, [10.0, -1.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="rows"):
        _problem(HAND, [1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="already_covered"):
        _problem(HAND, HAND_WEIGHT, already=[True])
    with pytest.raises(ValueError, match="p must"):
        mclp_greedy(_problem(HAND, HAND_WEIGHT), -1)


@pytest.mark.parametrize("seed", range(40))
def test_exact_equals_brute_force_and_beats_greedy(seed):
    rng = np.random.default_rng(seed)
    dense, weight, already = _random_problem(rng)
    problem = _problem(dense, weight, already)
    for p in sorted({1, int(rng.integers(1, dense.shape[1] + 1))}):
        exact = mclp_exact(problem, p)
        greedy = mclp_greedy(problem, p)
        best = _brute_force_mclp(dense, weight, already, p)
        assert_allclose(exact.covered_weight, best)
        assert exact.status == "optimal"
        assert exact.gap == 0.0
        assert len(exact.chosen) <= p
        assert exact.covered_weight >= greedy.covered_weight
        # The reported figures are those of the chosen sites.
        covered = already | covered_by(
            problem.reach, np.isin(np.arange(dense.shape[1]), exact.chosen)
        )
        assert_allclose(exact.covered_weight, weight[covered].sum())
        assert_allclose(exact.new_weight, exact.gains.sum())


@pytest.mark.parametrize("seed", range(40))
def test_lazy_greedy_equals_naive_greedy(seed):
    rng = np.random.default_rng(1000 + seed)
    dense, weight, already = _random_problem(rng, max_demand=60, max_candidates=25)
    weight = np.where(rng.random(len(weight)) < 0.3, 100.0, weight)  # provoke ties
    p = int(rng.integers(0, dense.shape[1] + 1))
    chosen, gains = _naive_greedy(dense, weight, already, p)
    solution = mclp_greedy(_problem(dense, weight, already), p)
    assert_array_equal(solution.chosen, chosen)
    assert_allclose(solution.gains, gains)
    assert_allclose(solution.covered_weight, weight[already].sum() + sum(gains))


@pytest.mark.parametrize("seed", range(25))
def test_set_cover_exact_equals_brute_force_and_beats_greedy(seed):
    rng = np.random.default_rng(2000 + seed)
    dense, weight, already = _random_problem(rng, max_candidates=10)
    problem = _problem(dense, weight, already)
    greedy = set_cover_greedy(problem)
    exact = set_cover_exact(problem)
    assert exact.objective == _brute_force_set_cover(dense, weight, already)
    assert exact.objective <= greedy.objective
    need = problem.coverable
    for solution in (greedy, exact):
        assert solution.objective == len(solution.chosen)
        opened = np.isin(np.arange(dense.shape[1]), solution.chosen)
        assert covered_by(problem.reach, opened)[need].all()
        assert_allclose(solution.uncoverable_weight, weight[~already & ~dense.any(axis=1)].sum())


def test_a_wrongly_valued_warm_start_is_solved_again():
    """HiGHS 1.16 loses presolve's objective offset when valuing a MIP start on this instance
    (a spatial set cover): it then claims a wrong optimum. The result must equal an independent
    solve (scipy's own HiGHS, no start)."""
    rng = np.random.default_rng(0)
    n = int(rng.integers(20, 120))
    points = rng.random((n, 2))
    radius = rng.uniform(0.1, 0.25)
    within = np.linalg.norm(points[:, None] - points[None], axis=2) <= radius
    candidates = rng.choice(n, int(rng.integers(5, n)), replace=False)
    dense = within[:, candidates]
    problem = _problem(dense, np.ones(n))
    need = dense.any(axis=1)
    reference = milp(
        np.ones(dense.shape[1]),
        constraints=LinearConstraint(dense[need].astype(float), lb=1.0, ub=np.inf),
        integrality=np.ones(dense.shape[1]),
        bounds=Bounds(0.0, 1.0),
    )
    solution = set_cover_exact(problem)
    assert solution.status == "optimal"
    assert solution.objective == pytest.approx(reference.fun)
    assert solution.bound == pytest.approx(reference.fun)


small_instances = st.integers(0, 2**32 - 1).map(
    lambda seed: _random_problem(np.random.default_rng(seed), max_demand=25, max_candidates=8)
)


@settings(max_examples=30, deadline=None)
@given(instance=small_instances, data=st.data())
def test_coverage_does_not_decrease_with_p(instance, data):
    dense, weight, already = instance
    problem = _problem(dense, weight, already)
    p = data.draw(st.integers(0, dense.shape[1] - 1))
    assert mclp_exact(problem, p + 1).covered_weight >= mclp_exact(problem, p).covered_weight
    assert mclp_greedy(problem, p + 1).covered_weight >= mclp_greedy(problem, p).covered_weight


@settings(max_examples=30, deadline=None)
@given(instance=small_instances, data=st.data())
def test_an_extra_existing_place_never_lowers_coverage(instance, data):
    dense, weight, already = instance
    p = data.draw(st.integers(0, dense.shape[1]))
    site = data.draw(st.integers(0, dense.shape[1] - 1))
    before = mclp_exact(_problem(dense, weight, already), p)
    after = mclp_exact(_problem(dense, weight, already | dense[:, site]), p)
    assert after.covered_weight >= before.covered_weight
