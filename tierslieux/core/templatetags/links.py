"""``{{ url|safe_url }}``: an external address, or "" when a link to it would not be safe."""

from typing import Any

from django import template

from tierslieux.core.links import safe_href

register = template.Library()


@register.filter
def safe_url(value: Any) -> str:
    """The address when its scheme is http, https or mailto; else "" (render no link)."""
    return safe_href(value)
