"""Form pieces shared by every app (docs/adr/0021): the field template, amounts in euros.

``FormRenderer`` renders ``{{ form.field.as_field_group }}`` with ``templates/core/field.html``,
the one field template the pages also include directly. ``EurosField`` takes an amount typed the
French or the English way; the services receive it in integer cents (``core.money``).
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.forms.renderers import TemplatesSetting

MAX_EUROS = Decimal("100000000")
"""100 million euros: beyond, an amount of this policy is a typing error."""


class FormRenderer(TemplatesSetting):
    """The project's templates (``templates/``) render forms; one template per field."""

    field_template_name = "core/field.html"


def normalise_decimal_text(raw: str) -> str:
    """``"9 000,50"``, ``"9,000.50"``, ``"9000.50 €"`` -> ``"9000.50"`` (French or English
    typing; spaces of any kind and the euro sign are dropped; a lone comma is the decimal mark)."""
    text = str(raw).strip()
    for ignored in (" ", "\u00a0", "\u202f", "'", "€"):
        text = text.replace(ignored, "")
    if "," in text and "." in text:
        thousands = "," if text.index(",") < text.index(".") else "."
        text = text.replace(thousands, "")
    return text.replace(",", ".")


class LenientDecimalField(forms.DecimalField):
    """A decimal typed the French or the English way, shown in the active language."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("localize", True)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str):
            value = normalise_decimal_text(value)
        return super().to_python(value)


class EurosField(LenientDecimalField):
    """An amount in euros: ``1 500,50``, ``1500.50``, ``1,500.50 €``; two decimals at most,
    from 0 (``min_value`` to change it) to ``MAX_EUROS``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        super().__init__(**kwargs)
        self.validators.append(MaxValueValidator(MAX_EUROS))


def form_add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's refusal on the form: on its field when the form has it, else on top
    (so that the form keeps what the user typed and says why)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
