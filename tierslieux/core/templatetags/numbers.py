"""Number formatting for pages: ``{{ share|percent }}`` gives "50,66 %" in French."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language

register = template.Library()


@register.filter
def percent(value: float | None, decimals: int = 2) -> str:
    """Format a share (0..1) as a percentage in the current language."""
    if value is None:
        return "–"
    number = number_format(round(float(value) * 100, int(decimals)), int(decimals))
    return f"{number}\u00a0%" if (get_language() or "fr").startswith("fr") else f"{number}%"
