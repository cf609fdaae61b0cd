"""``{{ amount_cents|euros }}``: an amount in integer cents, in the active language."""

from django import template

from tierslieux.core.money import format_euros

register = template.Library()


@register.filter
def euros(cents: int | None) -> str:
    """ "60 000,00 €" in French, "€60,000.00" in English; a dash when there is no amount."""
    if cents is None or cents == "":
        return "–"
    return format_euros(int(cents))
