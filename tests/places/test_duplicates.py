"""Probable duplicates through a spatial index give exactly the all-pairs scan's answer."""

from hypothesis import given, settings
from hypothesis import strategies as st

from tierslieux.places.duplicates import (
    NamedPoint,
    probable_duplicates,
    probable_duplicates_all_pairs,
)

NAMES = ["La Ruche", "La Ruche ", "la ruche!", "Le Hangar", "Le Hangar 2", "Fablab", "FabLab Nord"]


def _key(pairs):
    return [(p.first.label, p.second.label, round(p.distance_km, 9), p.similarity) for p in pairs]


def test_same_name_close_by_is_a_pair_and_far_away_is_not():
    a = NamedPoint("line 2", "La Ruche", -0.5792, 44.8378)
    b = NamedPoint("line 3", "la ruche", -0.5800, 44.8380)  # ~70 m
    c = NamedPoint("line 4", "La Ruche", -0.6000, 44.8378)  # ~1.6 km
    pairs = probable_duplicates([a, b, c])
    assert [(p.first.label, p.second.label) for p in pairs] == [("line 2", "line 3")]


def test_pairs_with_existing_places_are_found():
    new = [NamedPoint("line 2", "Le Hangar", 0.0, 45.0)]
    existing = [NamedPoint("record no. 7", "Le Hangar", 0.001, 45.0), NamedPoint("x", "Zz", 0, 45)]
    pairs = probable_duplicates(new, existing)
    assert [(p.first.label, p.second.label) for p in pairs] == [("line 2", "record no. 7")]


def test_the_report_is_bounded():
    points = [NamedPoint(f"line {i}", "Coworking", 0.0, 45.0) for i in range(100)]
    assert len(probable_duplicates(points, max_pairs=50)) == 50
    assert len(probable_duplicates(points)) == 2_000  # MAX_REPORTED_PAIRS
    assert len(probable_duplicates(points[:60])) == 60 * 59 // 2


coordinate = st.tuples(
    st.floats(min_value=-1.02, max_value=-0.98), st.floats(min_value=44.99, max_value=45.01)
)


@settings(max_examples=60, deadline=None)
@given(
    new=st.lists(st.tuples(st.sampled_from(NAMES), coordinate), max_size=25),
    existing=st.lists(st.tuples(st.sampled_from(NAMES), coordinate), max_size=10),
    distance=st.sampled_from([0.2, 1.0, 2.5]),
)
def test_index_equals_all_pairs(new, existing, distance):
    new_points = [NamedPoint(f"n{i}", n, lon, lat) for i, (n, (lon, lat)) in enumerate(new)]
    old_points = [NamedPoint(f"e{i}", n, lon, lat) for i, (n, (lon, lat)) in enumerate(existing)]
    fast = probable_duplicates(new_points, old_points, max_distance_km=distance)
    slow = probable_duplicates_all_pairs(new_points, old_points, max_distance_km=distance)
    assert _key(fast) == _key(slow)


@settings(max_examples=300, deadline=None)
@given(a=st.text(alphabet="abcde fgh", max_size=30), b=st.text(alphabet="abcde fgh", max_size=30))
def test_rapidfuzz_ratio_bounds_difflib_ratio_from_above(a, b):
    from difflib import SequenceMatcher

    from rapidfuzz import fuzz

    assert fuzz.ratio(a, b) / 100.0 + 1e-9 >= SequenceMatcher(None, a, b).ratio()
