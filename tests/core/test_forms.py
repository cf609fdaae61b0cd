"""Shared form pieces (docs/adr/0021): one EurosField, one field template."""

from decimal import Decimal

import pytest
from django import forms
from django.template.loader import render_to_string
from django.utils import translation

from tierslieux.core.forms import MAX_EUROS, EurosField, normalise_decimal_text


class AmountForm(forms.Form):
    amount = EurosField(label="Amount (euros)", help_text="In euros")
    share = forms.ChoiceField(
        label="Share", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect
    )
    agree = forms.BooleanField(label="I agree", required=False)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1500.50", Decimal("1500.50")),
        ("1500,50", Decimal("1500.50")),
        ("1 500,50", Decimal("1500.50")),
        ("1\u202f500,50\u00a0€", Decimal("1500.50")),
        ("1,500.50", Decimal("1500.50")),
        ("1.500,50", Decimal("1500.50")),
        ("€1,500.00", Decimal("1500")),
        ("0", Decimal("0")),
    ],
)
def test_euros_are_typed_the_french_or_the_english_way(typed, expected):
    for language in ("fr", "en"):
        with translation.override(language):
            assert EurosField().clean(typed) == expected


@pytest.mark.parametrize("typed", ["-1", "12.345", "abc", str(MAX_EUROS + 1), "1e400"])
def test_bad_amounts_are_refused_with_a_message(typed):
    with pytest.raises(forms.ValidationError):
        EurosField().clean(typed)


def test_a_minimum_can_be_set():
    with pytest.raises(forms.ValidationError):
        EurosField(min_value=Decimal("0.01")).clean("0")


def test_normalise_decimal_text():
    assert normalise_decimal_text(" 9\u00a0000,5 ") == "9000.5"
    assert normalise_decimal_text("9'000.5") == "9000.5"


def test_one_field_template_for_include_and_as_field_group():
    form = AmountForm(data={"amount": "x", "share": "a"})
    assert not form.is_valid()
    with translation.override("en"):
        group = form["amount"].as_field_group()
        included = render_to_string("core/field.html", {"field": form["amount"], "wide": True})
        radios = form["share"].as_field_group()
        checkbox = form["agree"].as_field_group()
    for html in (group, included):
        assert 'class="form-field' in html
        assert 'for="id_amount"' in html
        assert 'id="id_amount_helptext"' in html
        assert 'id="id_amount_error"' in html and "form-field--error" in html
    assert "form-field--wide" in included and "form-field--wide" not in group
    assert "<fieldset" in radios and "<legend>Share" in radios
    assert "form-field--check" in checkbox
