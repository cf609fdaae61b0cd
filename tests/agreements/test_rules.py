"""Pure rules: no database."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tierslieux.agreements import rules

D = datetime.date


def test_milestone_dates_start_middle_end():
    dates = rules.milestone_dates(D(2026, 1, 1), D(2027, 1, 1))
    assert dates == {"kickoff": D(2026, 1, 1), "midterm": D(2026, 7, 2), "final": D(2027, 1, 1)}


def test_milestone_dates_two_years():
    dates = rules.milestone_dates(D(2026, 3, 1), D(2028, 3, 1))
    assert dates["midterm"] == D(2027, 3, 1)


def test_milestone_dates_refuses_reversed_period():
    with pytest.raises(ValueError):
        rules.milestone_dates(D(2026, 3, 1), D(2026, 1, 1))


def test_default_schedule_30_40_30():
    schedule = rules.default_schedule(3_000_000)
    assert [t.amount_cents for t in schedule] == [900_000, 1_200_000, 900_000]
    assert [t.depends_on for t in schedule] == ["", "midterm", "final"]


def test_default_schedule_rounding_goes_to_the_balance():
    schedule = rules.default_schedule(1_001)
    assert [t.amount_cents for t in schedule] == [300, 400, 301]


@given(st.integers(min_value=0, max_value=10**12))
def test_default_schedule_sums_exactly_to_the_grant(granted):
    assert sum(t.amount_cents for t in rules.default_schedule(granted)) == granted


def test_schedule_problems():
    ok = rules.default_schedule(1000)
    kinds = ["kickoff", "midterm", "final"]
    assert rules.schedule_problems(ok, 1000, kinds) == []
    assert rules.schedule_problems(ok, 999, kinds) == ["total"]
    bad = [rules.TrancheSpec("x", 0, ""), rules.TrancheSpec("y", 1000, "other")]
    assert rules.schedule_problems(bad, 1000, kinds) == ["not_positive", "unknown_meeting"]


def test_rent_per_m2_and_ratio_to_market():
    assert rules.rent_per_m2_cents(300_000, 100) == 3_000
    assert rules.rent_per_m2_cents(100_000, Decimal("30")) == 3_333
    assert rules.rent_ratio_to_market(300_000, 100, 6_000) == Decimal("0.50")
    assert rules.rent_ratio_to_market(300_000, 100, 0) is None
    assert rules.rent_is_moderate(Decimal("0.50")) is True
    assert rules.rent_is_moderate(Decimal("1.20")) is False
    assert rules.rent_is_moderate(None) is None


def test_rent_per_m2_refuses_zero_surface():
    with pytest.raises(ValueError):
        rules.rent_per_m2_cents(1000, 0)


def test_works_support_only_if_eligible():
    assert rules.works_support_allowed(works_supported_cents=0, project_eligible=False)
    assert rules.works_support_allowed(works_supported_cents=10_000, project_eligible=True)
    assert not rules.works_support_allowed(works_supported_cents=10_000, project_eligible=False)


def test_months_and_renewal_reminder():
    assert rules.add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert rules.add_months(D(2026, 11, 15), 3) == D(2027, 2, 15)
    assert rules.premises_ends_on(D(2026, 1, 1), 36) == D(2028, 12, 31)
    assert rules.renewal_reminder_on(D(2027, 1, 1), 90) == D(2026, 10, 3)
