"""Straight-line travel times: hand-computed cases, KD-tree against brute force, properties."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal

from tierslieux.territory.analytics.travel import (
    EARTH_RADIUS_KM,
    NearestResult,
    StraightLineModel,
    TravelTimeModel,
    haversine_km,
    nearest_minutes,
    straight_line_minutes,
)

# Town halls (WGS84), rounded: enough for hand checks.
BORDEAUX = (-0.5792, 44.8378)
BIARRITZ = (-1.5586, 43.4832)
LIMOGES = (1.2611, 45.8336)


def test_one_degree_of_latitude_is_111_19_km():
    assert haversine_km(0.0, 45.0, 0.0, 46.0) == pytest.approx(111.19, abs=0.01)
    assert haversine_km(0.0, 45.0, 0.0, 46.0) == pytest.approx(math.pi * EARTH_RADIUS_KM / 180)


def test_one_degree_of_longitude_shrinks_with_the_cosine_of_latitude():
    assert haversine_km(0.0, 0.0, 1.0, 0.0) == pytest.approx(111.195, abs=1e-3)
    # At 60° N, a short east-west step is half as long as at the equator.
    assert haversine_km(0.0, 60.0, 0.01, 60.0) == pytest.approx(
        haversine_km(0.0, 0.0, 0.01, 0.0) / 2, rel=1e-4
    )


def test_haversine_is_symmetric_zero_on_the_diagonal_and_broadcasts():
    lon = np.array([BORDEAUX[0], BIARRITZ[0], LIMOGES[0]])
    lat = np.array([BORDEAUX[1], BIARRITZ[1], LIMOGES[1]])
    d = haversine_km(lon[:, None], lat[:, None], lon[None, :], lat[None, :])
    assert d.shape == (3, 3)
    assert_allclose(np.diag(d), 0.0, atol=1e-9)
    assert_allclose(d, d.T)
    # By hand on a local flat grid: Bordeaux - Biarritz = hypot(150.6, 78.1) ≈ 169.7 km,
    # Bordeaux - Limoges = hypot(110.7, 143.9) ≈ 181.5 km.
    assert d[0, 1] == pytest.approx(169.7, abs=0.5)
    assert d[0, 2] == pytest.approx(181.5, abs=0.5)


def test_antipodes_are_half_a_great_circle_apart():
    assert haversine_km(0.0, 0.0, 180.0, 0.0) == pytest.approx(math.pi * EARTH_RADIUS_KM)


def test_straight_line_minutes_by_hand():
    # 111.19 km * 1.3 / 60 km/h = 2.409 h = 144.55 min.
    minutes = straight_line_minutes([0.0], [45.0], [0.0], [46.0])
    assert minutes.shape == (1, 1)
    assert minutes[0, 0] == pytest.approx(111.195 * 1.3, abs=0.01)
    # Without detour at 111.195 km/h, one degree takes one hour.
    one_hour = straight_line_minutes(
        0.0, 45.0, 0.0, 46.0, detour_factor=1.0, speed_kmh=math.pi * EARTH_RADIUS_KM / 180
    )
    assert one_hour[0, 0] == pytest.approx(60.0)


def test_straight_line_minutes_is_an_origin_by_destination_matrix():
    m = straight_line_minutes([0.0, 1.0, 2.0], [45.0, 45.0, 45.0], [0.0, 0.5], [45.0, 45.0])
    assert m.shape == (3, 2)
    assert m[0, 0] == 0.0
    assert m[2, 0] > m[1, 0] > m[0, 1] > 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"detour_factor": 0.9}, "detour_factor"),
        ({"speed_kmh": 0.0}, "speed_kmh"),
        ({"speed_kmh": float("nan")}, "speed_kmh"),
    ],
)
def test_bad_model_parameters_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        StraightLineModel(**kwargs)
    with pytest.raises(ValueError, match=message):
        straight_line_minutes(0.0, 45.0, 0.0, 46.0, **kwargs)


def test_mismatched_coordinates_are_refused():
    with pytest.raises(ValueError, match="origins"):
        nearest_minutes([0.0, 1.0], [45.0], [0.0], [45.0])


def test_nearest_by_hand():
    # Origins at Bordeaux and Biarritz, places at Limoges and Biarritz.
    result = nearest_minutes(
        [BORDEAUX[0], BIARRITZ[0]],
        [BORDEAUX[1], BIARRITZ[1]],
        [LIMOGES[0], BIARRITZ[0]],
        [LIMOGES[1], BIARRITZ[1]],
    )
    assert isinstance(result, NearestResult)
    assert_array_equal(result.index, [1, 1])
    assert result.minutes[1] == pytest.approx(0.0, abs=1e-6)
    assert result.minutes[0] == pytest.approx(
        haversine_km(*BORDEAUX, *BIARRITZ) * 1.3, rel=1e-9
    )  # 60 km/h: one km, one minute


def test_nearest_without_destination_is_infinite():
    result = nearest_minutes([0.0, 1.0], [45.0, 45.0], [], [])
    assert np.isinf(result.minutes).all()
    assert_array_equal(result.index, [-1, -1])
    empty = nearest_minutes([], [], [0.0], [45.0])
    assert empty.minutes.shape == (0,)


@pytest.mark.parametrize("seed", range(5))
def test_kd_tree_nearest_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    # The region's bounding box, then the whole globe (poles and the antimeridian included).
    if seed < 3:
        n, m = 2_000, 300
        olon, olat = rng.uniform(-1.8, 2.6, n), rng.uniform(42.7, 47.2, n)
        dlon, dlat = rng.uniform(-1.8, 2.6, m), rng.uniform(42.7, 47.2, m)
    else:
        n, m = 1_000, 50
        olon, olat = rng.uniform(-180, 180, n), np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
        dlon, dlat = rng.uniform(-180, 180, m), np.degrees(np.arcsin(rng.uniform(-1, 1, m)))
    model = StraightLineModel(detour_factor=1.4, speed_kmh=50.0)

    brute = model.minutes_matrix(olon, olat, dlon, dlat)
    nearest = model.minutes_to_nearest(olon, olat, dlon, dlat)

    assert_allclose(nearest.minutes, brute.min(axis=1), rtol=1e-9, atol=1e-7)
    # The index points at a destination that is indeed (one of) the nearest.
    assert_allclose(brute[np.arange(n), nearest.index], brute.min(axis=1), rtol=1e-9, atol=1e-7)


def test_straight_line_model_is_a_travel_time_model():
    model: TravelTimeModel = StraightLineModel()
    assert model.minutes_matrix(0.0, 45.0, 0.0, 46.0)[0, 0] == pytest.approx(144.55, abs=0.01)
    with pytest.raises(AttributeError):
        model.speed_kmh = 90.0  # frozen


lon_st = st.floats(-1.8, 2.6, allow_nan=False)
lat_st = st.floats(42.7, 47.2, allow_nan=False)


def coordinates(min_size: int, max_size: int):
    return st.integers(min_size, max_size).flatmap(
        lambda n: st.tuples(
            arrays(np.float64, n, elements=lon_st), arrays(np.float64, n, elements=lat_st)
        )
    )


@settings(max_examples=60, deadline=None)
@given(origins=coordinates(1, 30), places=coordinates(1, 20), extra=st.tuples(lon_st, lat_st))
def test_adding_a_destination_never_increases_a_time(origins, places, extra):
    before = nearest_minutes(*origins, *places)
    after = nearest_minutes(
        *origins, np.append(places[0], extra[0]), np.append(places[1], extra[1])
    )
    assert (after.minutes <= before.minutes + 1e-9).all()


@settings(max_examples=60, deadline=None)
@given(
    origins=coordinates(1, 10),
    places=coordinates(1, 10),
    detour=st.floats(1.0, 3.0),
    speed=st.floats(5.0, 130.0),
)
def test_times_scale_with_detour_over_speed(origins, places, detour, speed):
    reference = straight_line_minutes(*origins, *places, detour_factor=1.0, speed_kmh=60.0)
    scaled = straight_line_minutes(*origins, *places, detour_factor=detour, speed_kmh=speed)
    assert_allclose(scaled, reference * detour * 60.0 / speed, rtol=1e-9, atol=1e-9)
    nearest = StraightLineModel(detour, speed).minutes_to_nearest(*origins, *places)
    assert_allclose(nearest.minutes, scaled.min(axis=1), rtol=1e-9, atol=1e-7)
