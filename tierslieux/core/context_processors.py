"""Template context shared by every page: the product's navigation."""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    section: str


# The product's sections, in menu order. A section whose page is not built yet is shown
# without a link (and announced as such) until its URL exists.
NAVIGATION: tuple[NavItem, ...] = (
    NavItem(_("Directory"), "places:place_list", "places"),
    NavItem(_("Map"), "places:place_map", "map"),
    NavItem(_("Territorial mesh"), "territory:territory_detail", "territory"),
    NavItem(_("Calls for expressions of interest"), "calls:call_list", "calls"),
    NavItem(_("Agreements"), "agreements:agreement_list", "agreements"),
    NavItem(_("Dashboard"), "dashboard:dashboard_detail", "dashboard"),
)


def product(request: HttpRequest) -> dict:
    items = []
    current = getattr(request, "resolver_match", None)
    current_ns = current.namespace if current else ""
    for item in NAVIGATION:
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            url = None
        items.append(
            {
                "label": item.label,
                "url": url,
                "active": url is not None and current_ns == item.url_name.split(":")[0],
            }
        )
    return {"navigation": items, "region_name": settings.TERRITORY_REGION_NAME}
