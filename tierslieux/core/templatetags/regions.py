"""``{% region_switcher %}``: links to the same public page for each served region and for all
of them (ADR 0030). Nothing is rendered when the deployment serves one region."""

from typing import Any

from django import template

from tierslieux.core import region_choice as regions

register = template.Library()


@register.inclusion_tag("core/_region_switcher.html", takes_context=True)
def region_switcher(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    if request is None or not regions.is_multi_region():
        return {"options": [], "error": ""}
    choice, error = regions.region_choice_checked(request.GET)
    return {
        "options": regions.switch_options(path=request.path, query=request.GET, current=choice),
        "error": error,
        "choice": choice,
    }
