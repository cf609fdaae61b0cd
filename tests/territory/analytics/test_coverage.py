"""Coverage indicators: hand-made cases, brute force, and properties. No database."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from tierslieux.territory.analytics import coverage as cov
from tierslieux.territory.analytics.travel import StraightLineModel, straight_line_minutes

MODEL = StraightLineModel(detour_factor=1.0, speed_kmh=60.0)  # 1 km = 1 minute
KM_PER_DEG_LAT = np.pi * 6371.0088 / 180  # great-circle km per degree (mean Earth radius)


def test_hand_made_line_of_points():
    # Demand at 0, 10, 30 km north of a place at (0, 0); 60 km/h, no detour: 0, 10, 30 min.
    lat = np.array([0.0, 10.0, 30.0]) / KM_PER_DEG_LAT
    result = cov.coverage(
        MODEL, [0, 0, 0], lat, [100, 200, 300], [0.0], [0.0], threshold_minutes=20
    )
    assert_allclose(result.minutes, [0, 10, 30], atol=1e-6)
    assert result.covered.tolist() == [True, True, False]
    assert result.population_covered == 300
    assert result.share_covered == 0.5


def test_no_place_covers_nobody():
    result = cov.coverage(MODEL, [0, 1], [0, 1], [5, 5], [], [], threshold_minutes=20)
    assert np.isinf(result.minutes).all()
    assert result.share_covered == 0.0


def test_groups_white_zones_and_rural_urban():
    lat = np.array([0.0, 10.0, 30.0, 40.0]) / KM_PER_DEG_LAT
    result = cov.coverage(
        MODEL, [0] * 4, lat, [100, 100, 300, 50], [0.0], [0.0], threshold_minutes=20
    )
    groups = cov.coverage_by_group(result, ["A", "A", "B", "C"])
    assert groups.keys.tolist() == ["A", "B", "C"]
    assert_allclose(groups.population_covered, [200, 0, 0])
    assert_allclose(groups.mean_minutes, [5, 30, 40], atol=1e-6)
    zones = cov.white_zones(groups)
    assert zones.codes.tolist() == ["B", "C"]  # most inhabitants beyond the threshold first
    assert_allclose(zones.population_uncovered, [300, 50])
    ru = cov.rural_urban_coverage(result, [1, 6, 7, 2])
    assert ru.keys.tolist() == ["rural", "urban"]
    assert_allclose(ru.population, [400, 150])
    assert_allclose(ru.population_covered, [100, 100])


def test_place_density_and_progress():
    density = cov.PlaceDensity(6_150_451, 225, 68_000_000, 3_500)
    assert round(density.inhabitants_per_place) == 27_335
    assert round(density.reference_inhabitants_per_place) == 19_429
    assert density.ratio_to_reference < 1
    assert cov.progress(225, 300) == 0.75
    assert cov.progress(400, 300) == 1.0


coords = st.floats(-1.0, 1.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    demand=st.lists(st.tuples(coords, coords, st.integers(0, 1000)), min_size=1, max_size=30),
    places=st.lists(st.tuples(coords, coords), min_size=1, max_size=8),
    extra=st.tuples(coords, coords),
    threshold=st.floats(1, 150),
)
def test_matches_brute_force_and_adding_a_place_never_lowers_coverage(
    demand, places, extra, threshold
):
    dlon, dlat, w = (np.array(v, dtype=float) for v in zip(*demand, strict=True))
    plon, plat = (np.array(v, dtype=float) for v in zip(*places, strict=True))
    result = cov.coverage(MODEL, dlon, dlat, w, plon, plat, threshold_minutes=threshold)
    brute = straight_line_minutes(dlon, dlat, plon, plat, detour_factor=1.0, speed_kmh=60).min(
        axis=1
    )
    assert_allclose(result.minutes, brute, rtol=1e-9, atol=1e-9)
    more = cov.coverage(
        MODEL,
        dlon,
        dlat,
        w,
        np.append(plon, extra[0]),
        np.append(plat, extra[1]),
        threshold_minutes=threshold,
    )
    assert more.population_covered >= result.population_covered
    higher = cov.coverage(MODEL, dlon, dlat, w, plon, plat, threshold_minutes=threshold + 10)
    assert higher.population_covered >= result.population_covered
