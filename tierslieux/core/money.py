"""Money for people: amounts are integer cents everywhere; this module turns them into text in
the active language ("60 000,00 €" in French, "€60,000.00" in English).

Documents that must stay French whatever the interface (the agreement) pass ``language="fr"``.
"""

from decimal import Decimal

from django.utils.translation import get_language

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"


def _is_french(language: str | None) -> bool:
    return (language or get_language() or "fr").lower().startswith("fr")


def format_euros(cents: int, *, language: str | None = None) -> str:
    """``12345678`` -> ``"123 456,78 €"`` in French, ``"€123,456.78"`` in English.

    French groups thousands with a narrow no-break space and puts a no-break space before the
    sign; ``language`` defaults to the active one.
    """
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(int(cents)), 100)
    if _is_french(language):
        grouped = f"{euros:,}".replace(",", NARROW_NBSP)
        return f"{sign}{grouped},{rest:02d}{NBSP}€"
    return f"{sign}€{euros:,}.{rest:02d}"


def cents_to_euros(cents: int | None) -> Decimal | None:
    """Integer cents to euros (``Decimal``), ``None`` kept."""
    return None if cents is None else Decimal(cents) / 100


def euros_to_cents(euros: Decimal | int | str) -> int:
    """Euros (a ``Decimal``, an integer or a string such as ``"60000.50"``) to integer cents."""
    return int((Decimal(str(euros)) * 100).quantize(Decimal(1)))
