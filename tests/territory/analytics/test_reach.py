"""Reach matrices: hand-computed cases, KD-tree against the brute-force travel-time matrix."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal
from scipy import sparse

from tierslieux.territory.analytics.reach import covered_by, reach_radius_km, straight_line_reach
from tierslieux.territory.analytics.travel import straight_line_minutes

BORDEAUX = (-0.5792, 44.8378)
MERIGNAC = (-0.6465, 44.8386)  # about 5.3 km west: 6.9 minutes
LIBOURNE = (-0.2417, 44.9153)  # about 28 km east: 36 minutes
LIMOGES = (1.2611, 45.8336)


def _brute_force(demand, sites, minutes, **model):
    return (
        straight_line_minutes(demand[:, 0], demand[:, 1], sites[:, 0], sites[:, 1], **model)
        <= minutes
    )


def test_radius_of_20_minutes_is_15_38_km():
    assert reach_radius_km(20.0) == pytest.approx(20 / 60 * 60 / 1.3)
    assert reach_radius_km(20.0, detour_factor=1.0, speed_kmh=90.0) == pytest.approx(30.0)


def test_hand_computed_reach_around_bordeaux():
    demand = np.array([BORDEAUX, LIMOGES])
    sites = np.array([MERIGNAC, LIBOURNE, LIMOGES])
    reach = straight_line_reach(demand[:, 0], demand[:, 1], sites[:, 0], sites[:, 1], minutes=20.0)
    assert isinstance(reach, sparse.csr_matrix)
    assert reach.dtype == np.bool_
    assert reach.shape == (2, 3)
    assert_array_equal(reach.toarray(), [[True, False, False], [False, False, True]])
    # Libourne is reached in 40 minutes, or in 20 minutes at 120 km/h.
    wider = straight_line_reach(demand[:, 0], demand[:, 1], sites[:, 0], sites[:, 1], minutes=40.0)
    faster = straight_line_reach(
        demand[:, 0], demand[:, 1], sites[:, 0], sites[:, 1], minutes=20.0, speed_kmh=120.0
    )
    assert wider[0, 1] and faster[0, 1]


def test_a_site_exactly_at_the_threshold_is_reached():
    limit = float(straight_line_minutes(*BORDEAUX, *MERIGNAC)[0, 0])
    at = straight_line_reach(*BORDEAUX, *MERIGNAC, minutes=limit)
    below = straight_line_reach(*BORDEAUX, *MERIGNAC, minutes=np.nextafter(limit, 0.0))
    assert at[0, 0]
    assert not below[0, 0]


def test_zero_minutes_reaches_only_the_same_point():
    reach = straight_line_reach([0.5, 0.5], [45.0, 45.001], [0.5], [45.0], minutes=0.0)
    assert_array_equal(reach.toarray().ravel(), [True, False])


def test_empty_inputs_give_empty_matrices_of_the_right_shape():
    assert straight_line_reach([], [], [0.0], [45.0], minutes=20.0).shape == (0, 1)
    empty_sites = straight_line_reach([0.0, 1.0], [45.0, 45.0], [], [], minutes=20.0)
    assert empty_sites.shape == (2, 0)
    assert empty_sites.nnz == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"minutes": -1.0}, "minutes"),
        ({"minutes": float("nan")}, "minutes"),
        ({"minutes": 20.0, "detour_factor": 0.9}, "detour_factor"),
        ({"minutes": 20.0, "speed_kmh": 0.0}, "speed_kmh"),
    ],
)
def test_bad_parameters_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        straight_line_reach([0.0], [45.0], [0.0], [45.0], **kwargs)


def test_mismatched_coordinates_are_refused():
    with pytest.raises(ValueError, match="demand"):
        straight_line_reach([0.0, 1.0], [45.0], [0.0], [45.0], minutes=20.0)


@pytest.mark.parametrize("seed", range(5))
def test_equals_brute_force_on_random_points_of_the_region(seed):
    rng = np.random.default_rng(seed)
    demand = np.column_stack((rng.uniform(-2.0, 2.5, 400), rng.uniform(42.8, 47.2, 400)))
    sites = np.column_stack((rng.uniform(-2.0, 2.5, 60), rng.uniform(42.8, 47.2, 60)))
    for minutes in (0.0, 5.0, 20.0, 45.0, 300.0):
        reach = straight_line_reach(
            demand[:, 0], demand[:, 1], sites[:, 0], sites[:, 1], minutes=minutes
        )
        assert_array_equal(reach.toarray(), _brute_force(demand, sites, minutes))


coordinates = st.tuples(
    st.floats(-180.0, 180.0, allow_nan=False), st.floats(-90.0, 90.0, allow_nan=False)
)


@settings(max_examples=60, deadline=None)
@given(
    demand=st.lists(coordinates, min_size=1, max_size=25),
    sites=st.lists(coordinates, min_size=1, max_size=10),
    minutes=st.floats(0.0, 30_000.0, allow_nan=False),
    detour_factor=st.floats(1.0, 2.0),
    speed_kmh=st.floats(5.0, 130.0),
)
def test_equals_brute_force_anywhere_on_the_globe(demand, sites, minutes, detour_factor, speed_kmh):
    demand_a, sites_a = np.array(demand), np.array(sites)
    model = {"detour_factor": detour_factor, "speed_kmh": speed_kmh}
    reach = straight_line_reach(
        demand_a[:, 0], demand_a[:, 1], sites_a[:, 0], sites_a[:, 1], minutes=minutes, **model
    )
    assert_array_equal(reach.toarray(), _brute_force(demand_a, sites_a, minutes, **model))


def test_covered_by_matches_a_dense_computation():
    rng = np.random.default_rng(7)
    dense = rng.random((50, 8)) < 0.2
    open_mask = rng.random(8) < 0.5
    expected = (dense & open_mask[None, :]).any(axis=1)
    assert_array_equal(covered_by(sparse.csr_matrix(dense), open_mask), expected)
    assert not covered_by(sparse.csr_matrix(dense), np.zeros(8, dtype=bool)).any()


def test_covered_by_refuses_a_mask_of_the_wrong_length():
    with pytest.raises(ValueError, match="open_mask"):
        covered_by(sparse.csr_matrix(np.ones((3, 2), dtype=bool)), [True, False, True])
