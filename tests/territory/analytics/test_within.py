"""Exact bounded coverage: equal, point by point, to the brute-force great-circle rule."""

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from tierslieux.territory.analytics.reach import reach_radius_km
from tierslieux.territory.analytics.travel import (
    EARTH_RADIUS_KM,
    haversine_km,
    nearest_minutes,
    straight_line_minutes,
)
from tierslieux.territory.analytics.within import straight_line_covered
from tierslieux.territory.loaders import population_grid_read

ROOT = Path(__file__).resolve().parents[3]
BORDEAUX = (-0.5792, 44.8378)
MERIGNAC = (-0.6465, 44.8386)  # about 5.3 km west: 6.9 minutes
LIBOURNE = (-0.2417, 44.9153)  # about 28 km east: 36 minutes


def brute_force(dlon, dlat, plon, plat, minutes, **model):
    """The rule itself: the minutes to the nearest place (haversine matrix) <= the threshold."""
    dlon, dlat = np.atleast_1d(dlon), np.atleast_1d(dlat)
    if len(plon) == 0:
        return np.zeros(len(dlon), dtype=bool)
    out = np.empty(len(dlon), dtype=bool)
    for start in range(0, len(dlon), 4096):  # bounded memory on whole grids
        block = slice(start, start + 4096)
        matrix = straight_line_minutes(dlon[block], dlat[block], plon, plat, **model)
        out[block] = matrix.min(axis=1) <= minutes
    return out


def destination(lon, lat, bearing_deg, km):
    """The point ``km`` away from (lon, lat) along a great circle (spherical formula)."""
    phi, lam = math.radians(lat), math.radians(lon)
    theta, delta = math.radians(bearing_deg), km / EARTH_RADIUS_KM
    phi2 = math.asin(
        math.sin(phi) * math.cos(delta) + math.cos(phi) * math.sin(delta) * math.cos(theta)
    )
    lam2 = lam + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi),
        math.cos(delta) - math.sin(phi) * math.sin(phi2),
    )
    return math.degrees(lam2), math.degrees(phi2)


def test_hand_computed_cases_around_bordeaux():
    lon = [BORDEAUX[0], MERIGNAC[0], LIBOURNE[0]]
    lat = [BORDEAUX[1], MERIGNAC[1], LIBOURNE[1]]
    covered = straight_line_covered(lon, lat, [BORDEAUX[0]], [BORDEAUX[1]], minutes=20.0)
    assert covered.tolist() == [True, True, False]
    # Libourne is 36 minutes away at 60 km/h, 18 at 120 km/h.
    faster = straight_line_covered(
        lon, lat, [BORDEAUX[0]], [BORDEAUX[1]], minutes=20.0, speed_kmh=120.0
    )
    assert faster.tolist() == [True, True, True]


def test_no_place_no_demand_and_bad_input():
    assert straight_line_covered([0.0, 1.0], [45.0, 45.0], [], [], minutes=20.0).tolist() == [
        False,
        False,
    ]
    assert straight_line_covered([], [], [0.0], [45.0], minutes=20.0).shape == (0,)
    with pytest.raises(ValueError):
        straight_line_covered([0.0], [45.0], [0.0], [45.0], minutes=-1.0)
    with pytest.raises(ValueError):
        straight_line_covered([np.nan], [45.0], [0.0], [45.0], minutes=20.0)
    with pytest.raises(ValueError):
        straight_line_covered([0.0], [95.0], [0.0], [45.0], minutes=20.0)
    with pytest.raises(ValueError):
        straight_line_covered([0.0, 1.0], [45.0], [0.0], [45.0], minutes=20.0)
    with pytest.raises(ValueError):
        straight_line_covered([0.0], [45.0], [0.0], [45.0], minutes=20.0, block_radius_share=0)


def test_zero_minutes_covers_the_places_own_points_only():
    covered = straight_line_covered([0.0, 0.0001], [45.0, 45.0], [0.0], [45.0], minutes=0.0)
    assert covered.tolist() == [True, False]


def test_points_on_the_limit_are_decided_by_the_rule():
    """Places put at the radius exactly, and a rounding either side of it: the band is settled
    by the haversine rule, not by the KD-tree's chord."""
    radius = reach_radius_km(20.0)
    rng = np.random.default_rng(7)
    dlon, dlat, plon, plat = [], [], [], []
    for _ in range(200):
        lon, lat = rng.uniform(-5, 8), rng.uniform(42, 51)
        for scale in (1.0 - 1e-12, 1.0, 1.0 + 1e-12, 1.0 - 1e-9, 1.0 + 1e-9):
            plon_i, plat_i = destination(lon, lat, rng.uniform(0, 360), radius * scale)
            dlon.append(lon)
            dlat.append(lat)
            plon.append(plon_i)
            plat.append(plat_i)
    dlon, dlat, plon, plat = map(np.array, (dlon, dlat, plon, plat))
    # One place per demand point: check each pair on its own, then all together.
    each = np.array(
        [
            straight_line_covered([dlon[i]], [dlat[i]], [plon[i]], [plat[i]], minutes=20.0)[0]
            for i in range(len(dlon))
        ]
    )
    rule = straight_line_minutes(dlon, dlat, plon, plat).diagonal() <= 20.0
    assert_array_equal(each, rule)
    assert 0 < rule.sum() < len(rule)  # both sides of the limit are exercised
    assert_array_equal(
        straight_line_covered(dlon, dlat, plon, plat, minutes=20.0),
        brute_force(dlon, dlat, plon, plat, 20.0),
    )


coordinates = st.tuples(
    st.floats(-5.5, 9.5, allow_nan=False), st.floats(41.0, 51.5, allow_nan=False)
)


@settings(max_examples=150, deadline=None)
@given(
    demand=st.lists(coordinates, min_size=1, max_size=120),
    places=st.lists(coordinates, min_size=0, max_size=25),
    minutes=st.floats(0.0, 240.0, allow_nan=False),
    detour=st.floats(1.0, 2.0),
    speed=st.floats(5.0, 130.0),
    share=st.sampled_from([1 / 32, 1 / 16, 1 / 4, 1.0, 4.0]),
)
def test_equal_to_brute_force(demand, places, minutes, detour, speed, share):
    d, p = np.array(demand), np.array(places).reshape(-1, 2)
    covered = straight_line_covered(
        d[:, 0],
        d[:, 1],
        p[:, 0],
        p[:, 1],
        minutes=minutes,
        detour_factor=detour,
        speed_kmh=speed,
        block_radius_share=share,
    )
    expected = brute_force(
        d[:, 0], d[:, 1], p[:, 0], p[:, 1], minutes, detour_factor=detour, speed_kmh=speed
    )
    assert_array_equal(covered, expected)


@settings(max_examples=60, deadline=None)
@given(
    demand=st.lists(st.tuples(st.floats(-180, 180), st.floats(-90, 90)), min_size=1, max_size=60),
    places=st.lists(st.tuples(st.floats(-180, 180), st.floats(-90, 90)), max_size=10),
    minutes=st.floats(0.0, 30_000.0),
)
def test_equal_to_brute_force_on_the_whole_sphere(demand, places, minutes):
    """Poles, the antimeridian, radii beyond half the Earth's circumference."""
    d, p = np.array(demand), np.array(places).reshape(-1, 2)
    covered = straight_line_covered(d[:, 0], d[:, 1], p[:, 0], p[:, 1], minutes=minutes)
    assert_array_equal(covered, brute_force(d[:, 0], d[:, 1], p[:, 0], p[:, 1], minutes))


def _na_grid_and_census_places():
    grid = population_grid_read(ROOT / "data" / "territory" / "population_grid_1km_75.csv.gz")
    with open(ROOT / "data" / "places" / "cget_tiers_lieux_2019.csv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["INSEEREG"] == "75"]
    lon = np.array([float(r["LONG"]) for r in rows])
    return grid, lon, np.array([float(r["LAT"]) for r in rows])


@pytest.mark.parametrize("minutes", [10.0, 20.0, 30.0])
def test_whole_nouvelle_aquitaine_grid_equals_brute_force(minutes):
    """65,424 cells against the 225 places of the 2019 census, every cell compared."""
    grid, plon, plat = _na_grid_and_census_places()
    assert len(grid.lon) == 65_424 and len(plon) == 225
    covered = straight_line_covered(grid.lon, grid.lat, plon, plat, minutes=minutes)
    assert_array_equal(covered, brute_force(grid.lon, grid.lat, plon, plat, minutes))
    # The bounded nearest query agrees where it answers, and answers for every covered cell.
    bounded = nearest_minutes(grid.lon, grid.lat, plon, plat, limit_minutes=minutes)
    assert_array_equal(bounded.index >= 0, bounded.minutes <= minutes)
    full = nearest_minutes(grid.lon, grid.lat, plon, plat)
    within = bounded.index >= 0
    assert_array_equal(bounded.minutes[within], full.minutes[within])
    assert_array_equal(within, full.minutes <= minutes)


@pytest.mark.slow
def test_whole_metropolitan_grid_equals_brute_force():
    """372,383 cells against 3,500 places drawn as in benchmarks/coverage_grid.py: 1.3 billion
    pairs by brute force (minutes)."""
    grid = population_grid_read(
        ROOT / "data" / "territory" / "population_grid_1km_france_metro.csv.gz"
    )
    population = grid.population.astype(np.float64)
    rng = np.random.default_rng(2019)
    cells = rng.choice(len(grid.lon), size=3_500, replace=False, p=population / population.sum())
    plon, plat = grid.lon[cells], grid.lat[cells]
    covered = straight_line_covered(grid.lon, grid.lat, plon, plat, minutes=20.0)
    assert_array_equal(covered, brute_force(grid.lon, grid.lat, plon, plat, 20.0))


def test_bounded_nearest_query():
    lon = [BORDEAUX[0], LIBOURNE[0]]
    lat = [BORDEAUX[1], LIBOURNE[1]]
    result = nearest_minutes(lon, lat, [MERIGNAC[0]], [MERIGNAC[1]], limit_minutes=20.0)
    assert result.index.tolist() == [0, -1]
    expected = haversine_km(*BORDEAUX, *MERIGNAC) * 1.3
    assert result.minutes[0] == pytest.approx(expected)
    assert result.minutes[1] == np.inf
    with pytest.raises(ValueError):
        nearest_minutes(lon, lat, [0.0], [45.0], limit_minutes=-1.0)
