"""Money in the active language: one formatter for pages, e-mails and messages."""

from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from tierslieux.calls import rules
from tierslieux.core.money import cents_to_euros, euros_to_cents, format_euros

NNBSP, NBSP = "\u202f", "\u00a0"


def test_french_amounts_group_with_a_narrow_space_and_end_with_the_sign():
    with translation.override("fr"):
        assert format_euros(6_000_000) == f"60{NNBSP}000,00{NBSP}€"
        assert format_euros(-5) == f"-0,05{NBSP}€"


def test_english_amounts_start_with_the_sign_and_group_with_commas():
    with translation.override("en"):
        assert format_euros(6_000_000) == "€60,000.00"
        assert format_euros(123_456_789) == "€1,234,567.89"
        assert format_euros(-150) == "-€1.50"


def test_a_language_can_be_forced_for_documents():
    with translation.override("en"):
        assert format_euros(6_000_000, language="fr") == f"60{NNBSP}000,00{NBSP}€"


def test_money_helpers_live_in_core_only():
    """One place for money (docs/adr/0021): no app keeps its own copy of the helpers."""
    for name in ("format_euros", "cents_to_euros", "euros_to_cents"):
        assert not hasattr(rules, name)
    assert euros_to_cents("60000.5") == 6_000_050
    assert cents_to_euros(6_000_050) == Decimal("60000.50")


def test_the_euros_filter():
    template = Template("{% load money %}{{ amount|euros }}|{{ nothing|euros }}")
    with translation.override("en"):
        assert template.render(Context({"amount": 1_234_500, "nothing": None})) == "€12,345.00|–"
    with translation.override("fr"):
        assert template.render(Context({"amount": 1_234_500})) == f"12{NNBSP}345,00{NBSP}€|–"
