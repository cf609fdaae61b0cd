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
    """URL namespace of the section; its pages light the item up..."""
    views: frozenset[str] = frozenset()
    """...unless the item names its own views (the map inside the places namespace)."""


# The product's sections, in menu order. A section whose page is not built yet is shown
# without a link (and announced as such) until its URL exists.
NAVIGATION: tuple[NavItem, ...] = (
    NavItem(_("Directory"), "places:place_list", "places"),
    NavItem(
        _("Map"),
        "places:place_map",
        "places",
        frozenset({"places:place_map", "places:place_near"}),
    ),
    NavItem(_("Territorial mesh"), "territory:territory_detail", "territory"),
    NavItem(_("Calls for expressions of interest"), "calls:call_list", "calls"),
    NavItem(_("Agreements"), "agreements:agreement_list", "agreements"),
    NavItem(_("Dashboard"), "dashboard:dashboard_detail", "dashboard"),
)


def _is_active(item: NavItem, namespace: str, view_name: str) -> bool:
    if item.views:
        return view_name in item.views
    claimed = any(view_name in other.views for other in NAVIGATION)
    return namespace == item.section and not claimed


def product(request: HttpRequest) -> dict:
    items = []
    current = getattr(request, "resolver_match", None)
    namespace = current.namespace if current else ""
    view_name = current.view_name if current else ""
    for item in NAVIGATION:
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            url = None
        items.append(
            {
                "label": item.label,
                "url": url,
                "active": url is not None and _is_active(item, namespace, view_name),
            }
        )
    return {"navigation": items, "region_name": settings.TERRITORY_REGION_NAME}
