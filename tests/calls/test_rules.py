"""Pure rules: no database."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from tierslieux.calls import rules
from tierslieux.calls.rules import AidRule, CriterionScore


@pytest.mark.parametrize(
    ("siret", "valid"),
    [
        ("73282932000074", True),  # a real, well-formed SIRET
        ("732 829 320 00074", True),  # spaces ignored
        ("73282932000075", False),  # wrong key
        ("7328293200007", False),  # 13 digits
        ("7328293200007A", False),
        ("", False),
        ("35600000000048", True),  # La Poste's head office passes Luhn
        ("35600000012346", True),  # La Poste: digit sum 30, multiple of 5, fails Luhn
        ("35600000012347", False),  # La Poste: digit sum 31
    ],
)
def test_siret_is_valid(siret, valid):
    assert rules.siret_is_valid(siret) is valid


def test_la_poste_example_really_fails_luhn():
    assert not rules.luhn_is_valid("35600000012346")
    assert not rules.luhn_is_valid("35600000012347")


def test_siret_needs_a_valid_siren():
    # 14 digits passing Luhn overall, but whose 9-digit SIREN fails it.
    siret = "12345678" + "0" + "00000"
    siret = next(siret[:-1] + d for d in "0123456789" if rules.luhn_is_valid(siret[:-1] + d))
    assert not rules.siren_is_valid(siret[:9])
    assert not rules.siret_is_valid(siret)


def test_financing_plan_balance():
    plan = rules.financing_plan_balance([8_000_000, 2_000_000], [3_000_000, 7_000_000])
    assert plan.is_balanced and plan.difference_cents == 0
    short = rules.financing_plan_balance([10_000_000], [9_999_999])
    assert not short.is_balanced and short.difference_cents == -1
    over = rules.financing_plan_balance([10_000_000], [10_000_001])
    assert not over.is_balanced and over.difference_cents == 1
    assert not rules.financing_plan_balance([], []).is_balanced


@pytest.mark.parametrize(
    ("expenses", "profile", "expected"),
    [
        (10_000_000, "standard", 3_000_000),  # 30 % of 100,000 €
        (10_000_000, "intermediate", 4_000_000),
        (10_000_000, "vulnerable", 5_000_000),
        (30_000_000, "standard", 6_000_000),  # capped at 60,000 €
        (30_000_000, "intermediate", 8_000_000),  # capped at 80,000 €
        (30_000_000, "vulnerable", 10_000_000),  # capped at 100,000 €
        (3_333_399, "standard", 1_000_000),  # 10,000.197 € rounded down to the euro
        (0, "standard", 0),
    ],
)
def test_aid_suggestion_defaults_of_the_2022_2024_call(expenses, profile, expected):
    assert rules.aid_suggestion(expenses, profile) == expected


def test_aid_suggestion_rules_are_data_and_requested_amount_bounds_it():
    custom = {"standard": AidRule(Decimal("0.25"), 1_000_000)}
    assert rules.aid_suggestion(2_000_000, "standard", custom) == 500_000
    assert rules.aid_suggestion(10_000_000, "standard", requested_cents=2_000_000) == 2_000_000
    with pytest.raises(KeyError):
        rules.aid_suggestion(1, "unknown")


def test_profile_for_density_level():
    assert rules.profile_for_density_level(1) == "standard"
    assert rules.profile_for_density_level(5) == "intermediate"
    assert rules.profile_for_density_level(7) == "vulnerable"
    assert rules.profile_for_density_level(None) == "standard"


def test_creation_eligibility_needs_no_place_within_the_threshold():
    assert rules.creation_eligibility(None, threshold_minutes=20).is_eligible
    assert rules.creation_eligibility(float("inf"), threshold_minutes=20).is_eligible
    assert rules.creation_eligibility(20.5, threshold_minutes=20).is_eligible
    refused = rules.creation_eligibility(20.0, threshold_minutes=20)
    assert not refused.is_eligible
    assert "20" in refused.reasons[0]
    assert not rules.creation_eligibility(5, threshold_minutes=20).is_eligible


def test_development_eligibility():
    on = datetime.date(2025, 6, 1)
    ok = rules.development_eligibility(
        is_open=True, opened_on=datetime.date(2022, 6, 1), staff_fte=Decimal("0.5"), on=on
    )
    assert ok.is_eligible
    young = rules.development_eligibility(
        is_open=True, opened_on=datetime.date(2022, 6, 2), staff_fte=Decimal("1"), on=on
    )
    assert len(young.reasons) == 1
    no_staff = rules.development_eligibility(
        is_open=True, opened_on=datetime.date(2010, 1, 1), staff_fte=Decimal("0.4"), on=on
    )
    assert len(no_staff.reasons) == 1
    unknown = rules.development_eligibility(is_open=False, opened_on=None, staff_fte=None, on=on)
    assert len(unknown.reasons) == 3


def test_years_between_and_add_years_handle_29_february():
    assert rules.years_between(datetime.date(2020, 2, 29), datetime.date(2023, 2, 28)) == 2
    assert rules.years_between(datetime.date(2020, 2, 29), datetime.date(2023, 3, 1)) == 3
    assert rules.add_years(datetime.date(2024, 2, 29), 3) == datetime.date(2027, 2, 28)


def test_weighted_score():
    scores = [CriterionScore(4, 4, 1), CriterionScore(2, 4, 1), CriterionScore(0, 4, 2)]
    assert rules.weighted_score(scores) == Decimal("0.3750")
    assert rules.weighted_score([CriterionScore(None, 4, 1)]) is None
    assert rules.weighted_score([]) is None


def test_budget_refusal_and_euros():
    assert rules.budget_refusal(envelope_cents=100, committed_cents=40, amount_cents=60) is None
    with translation.override("fr"):
        message = rules.budget_refusal(
            envelope_cents=10_000_000, committed_cents=9_000_000, amount_cents=2_000_000
        )
        assert message and "10\u202f000,00" in message
