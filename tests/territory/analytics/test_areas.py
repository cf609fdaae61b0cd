"""Coverage decided once, then summed by area: hand-made two-region cases and invariants."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from tierslieux.territory.analytics import areas
from tierslieux.territory.analytics.travel import StraightLineModel, straight_line_minutes

# A regional border along the meridian 2.0 E: region "75" west of it, region "84" east.
# Demand points (lon, lat, inhabitants, département, region).
POINTS = [
    (1.90, 45.40, 100.0, "19", "75"),  # 7.8 km west of the border place: 10.2 min
    (1.80, 45.40, 200.0, "19", "75"),  # 15.6 km: 20.3 min, just beyond
    (1.50, 45.40, 300.0, "19", "75"),  # 39 km: beyond
    (2.05, 45.40, 400.0, "15", "84"),  # 3.9 km east: within
    (2.60, 45.40, 500.0, "15", "84"),  # 43 km: beyond
]
PLACE_84 = (2.0, 45.40)  # on the eastern side of the border


def _demand():
    lon, lat, w, dep, reg = (np.array(col) for col in zip(*POINTS, strict=True))
    return lon.astype(float), lat.astype(float), w.astype(float), dep, reg


def test_a_place_serves_both_sides_of_the_border():
    lon, lat, w, _dep, reg = _demand()
    covered = areas.covered_points(lon, lat, [PLACE_84[0]], [PLACE_84[1]], minutes=20.0)
    minutes = straight_line_minutes(lon, lat, [PLACE_84[0]], [PLACE_84[1]])[:, 0]
    assert_array_equal(covered, minutes <= 20.0)
    assert covered.tolist() == [True, False, False, True, False]
    by_region = areas.totals_by_area(w, covered, reg)
    assert by_region.keys.tolist() == ["75", "84"]
    # Region 75 holds no place, yet 100 of its 600 inhabitants are within reach of 84's place.
    assert_allclose(by_region.population, [600.0, 900.0])
    assert_allclose(by_region.population_covered, [100.0, 400.0])
    assert_allclose(by_region.population_beyond, [500.0, 500.0])
    assert_allclose(by_region.share_covered, [100 / 600, 400 / 900])


def test_per_region_figures_ignore_the_region_of_the_place():
    """The same place counted from either region: only where the inhabitants live matters."""
    lon, lat, _w, _dep, reg = _demand()
    covered = areas.covered_points(lon, lat, [PLACE_84[0]], [PLACE_84[1]], minutes=20.0)
    # Computing region by region with only its own places would give 75 nothing:
    own_75 = areas.covered_points(lon[reg == "75"], lat[reg == "75"], [], [], minutes=20.0)
    assert not own_75.any()
    assert covered[reg == "75"].any()


def test_areas_add_up_to_the_whole():
    lon, lat, w, dep, reg = _demand()
    covered = areas.covered_points(lon, lat, [PLACE_84[0]], [PLACE_84[1]], minutes=20.0)
    for keys in (dep, reg):
        totals = areas.totals_by_area(w, covered, keys)
        assert totals.population.sum() == pytest.approx(w.sum())
        assert totals.population_covered.sum() == pytest.approx(w[covered].sum())


def test_road_like_model_goes_through_the_nearest_place():
    lon, lat, _w, _dep, _reg = _demand()
    straight = areas.covered_points(lon, lat, [2.0], [45.4], minutes=20.0)
    modelled = areas.covered_points(
        lon, lat, [2.0], [45.4], minutes=20.0, model=StraightLineModel()
    )
    assert_array_equal(straight, modelled)


def test_rates_per_place_and_per_100k():
    assert areas.inhabitants_per_place(6_000_000, 300) == 20_000
    assert areas.inhabitants_per_place(1000, 0) is None
    assert areas.places_per_100k(5, 250_000) == 2.0
    assert areas.places_per_100k(3, 0) is None


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        areas.totals_by_area([1.0, 2.0], [True], ["a", "b"])
    with pytest.raises(ValueError):
        areas.totals_by_area([-1.0], [True], ["a"])
    with pytest.raises(ValueError):
        areas.covered_points([0.0], [45.0], [0.0], [45.0], minutes=0)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(-1.0, 1.0),
            st.floats(44.0, 46.0),
            st.integers(0, 1000),
            st.sampled_from(["75", "84", "76"]),
        ),
        min_size=1,
        max_size=40,
    ),
    st.lists(st.tuples(st.floats(-1.0, 1.0), st.floats(44.0, 46.0)), max_size=5),
)
def test_once_then_summed_equals_each_region_against_all_places(points, places):
    """Summing the once-computed coverage by region equals computing each region's demand
    against every place: the aggregation loses nothing at a border."""
    lon, lat, w, reg = (np.array(col) for col in zip(*points, strict=True))
    plon = np.array([p[0] for p in places], dtype=float)
    plat = np.array([p[1] for p in places], dtype=float)
    covered = areas.covered_points(lon, lat, plon, plat, minutes=20.0)
    totals = areas.totals_by_area(w, covered, reg).as_dict()
    for code in set(reg.tolist()):
        mine = reg == code
        alone = areas.covered_points(lon[mine], lat[mine], plon, plat, minutes=20.0)
        population, within = totals[code]
        assert population == pytest.approx(w[mine].sum())
        assert within == pytest.approx(w[mine][alone].sum())
