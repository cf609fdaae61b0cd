"""Pure indicators: hand-computable cases and a brute-force cross-check. No database."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from tierslieux.territory.analytics import indicators


def test_rural_mask_is_levels_5_to_7():
    assert indicators.rural_mask(np.arange(1, 8)).tolist() == [False] * 4 + [True] * 3


def test_weighted_share_by_hand():
    assert indicators.weighted_share([10, 30, 60], [True, False, True]) == 0.7
    assert indicators.weighted_share([0, 0], [True, False]) == 0.0


def test_totals_by_group_by_hand():
    totals = indicators.totals_by_group(["33", "24", "33"], [100, 50, 300], [1, 6, 7])
    assert totals.keys.tolist() == ["24", "33"]
    assert totals.population.tolist() == [50, 400]
    assert totals.rural_population.tolist() == [50, 300]
    assert totals.count.tolist() == [1, 2]
    assert_allclose(totals.rural_share, [1.0, 0.75])


@given(
    st.lists(
        st.tuples(st.sampled_from(["16", "33", "64"]), st.integers(0, 10**6), st.integers(1, 7)),
        min_size=1,
        max_size=60,
    )
)
def test_totals_by_group_matches_a_brute_force_sum(rows):
    keys, pops, levels = zip(*rows, strict=True)
    totals = indicators.totals_by_group(keys, pops, levels)
    for i, key in enumerate(totals.keys.tolist()):
        assert totals.population[i] == sum(p for k, p, _ in rows if k == key)
        assert totals.rural_population[i] == sum(p for k, p, lv in rows if k == key and lv >= 5)
    assert int(totals.population.sum()) == sum(pops)
