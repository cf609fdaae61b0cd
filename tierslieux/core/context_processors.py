"""Template context shared by every page: the product's navigation, built for the user.

Each menu item names the permission action(s) that open its page: an item is shown only when
``user_can`` allows one of them, so that nobody is offered a link that answers 403. An item may
have several destinations (the "Agreements" section opens the agreements for the Région and the
holders, the premises agreements for a local authority, the journal for the regional network):
the first one the user may open is linked.
"""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from tierslieux.core.permissions import user_can


@dataclass(frozen=True)
class NavTarget:
    url_name: str
    actions: tuple[str, ...]
    """The page opens for a user allowed any of these actions."""
    label: str = ""
    """Shown instead of the item's label when this destination is the one linked."""


@dataclass(frozen=True)
class NavItem:
    label: str
    targets: tuple[NavTarget, ...]
    section: str = ""
    """URL namespace of the section; its pages light the item up..."""
    views: frozenset[str] = frozenset()
    """...unless the item names its own views (the map inside the places namespace)."""
    signed_in: bool = False
    """Shown to signed-in users only (a personal page)."""


def _target(url_name: str, *actions: str, label: str = "") -> NavTarget:
    return NavTarget(url_name, actions, label)


# The product's sections, in menu order.
NAVIGATION: tuple[NavItem, ...] = (
    NavItem(
        _("My workspace"),
        (_target("workspace:start", "workspace.start_view"),),
        views=frozenset({"workspace:start"}),
        signed_in=True,
    ),
    NavItem(_("Directory"), (_target("places:place_list", "places.view"),), "places"),
    NavItem(
        _("Map"),
        (_target("places:place_map", "places.view_map"),),
        "places",
        frozenset({"places:place_map", "places:place_near"}),
    ),
    NavItem(
        _("Territorial mesh"),
        (_target("territory:territory_detail", "territory.view"),),
        "territory",
    ),
    NavItem(
        _("Calls for expressions of interest"),
        (_target("calls:call_list", "calls.view"),),
        "calls",
    ),
    NavItem(
        _("Premises on offer"),
        (_target("premises:offer_list", "premises.offer_view"),),
        "premises",
    ),
    NavItem(
        _("Instruction"),
        (
            _target(
                "calls:application_list", "calls.application_instruct", "calls.application_read"
            ),
        ),
        views=frozenset(
            {
                "calls:application_list",
                "calls:application_instruct",
                "calls:review_list",
                "calls:review_create",
                "calls:review_detail",
                "calls:budget_detail",
            }
        ),
    ),
    NavItem(
        _("Opinions asked"),
        (_target("calls:opinion_list_mine", "calls.opinion_give"),),
        views=frozenset({"calls:opinion_list_mine", "calls:opinion_give"}),
    ),
    NavItem(
        _("Agreements"),
        (
            _target("agreements:agreement_list", "agreements.agreement_view"),
            _target(
                "agreements:premises_list",
                "agreements.premises_view",
                label=_("Premises agreements"),
            ),
            _target("agreements:journal_list", "agreements.journal_view", label=_("Accompaniment")),
        ),
        "agreements",
    ),
    NavItem(
        _("Yearly survey"),
        (_target("surveys:survey_list", "surveys.survey_manage"),),
        "surveys",
    ),
    NavItem(
        _("Training"),
        (_target("training:course_list", "training.view"),),
        "training",
    ),
    NavItem(
        _("Dashboard"),
        (_target("dashboard:dashboard_detail", "dashboard.view"),),
        "dashboard",
    ),
)


def nav_target_for(user, item: NavItem) -> NavTarget | None:
    """The first destination of ``item`` that ``user`` may open, if any."""
    if item.signed_in and not (user is not None and user.is_authenticated):
        return None
    for target in item.targets:
        if any(user_can(user, action) for action in target.actions):
            return target
    return None


def _is_active(item: NavItem, namespace: str, view_name: str) -> bool:
    if item.views:
        return view_name in item.views
    claimed = any(view_name in other.views for other in NAVIGATION)
    return bool(item.section) and namespace == item.section and not claimed


def navigation_for(user, *, namespace: str = "", view_name: str = "") -> list[dict]:
    """The menu of ``user``: label, URL and whether it is the current section."""
    items = []
    for item in NAVIGATION:
        target = nav_target_for(user, item)
        if target is None:
            continue
        try:
            url = reverse(target.url_name)
        except NoReverseMatch:
            continue
        items.append(
            {
                "label": target.label or item.label,
                "url": url,
                "url_name": target.url_name,
                "active": _is_active(item, namespace, view_name),
            }
        )
    return items


def product(request: HttpRequest) -> dict:
    current = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    return {
        "navigation": navigation_for(
            user,
            namespace=current.namespace if current else "",
            view_name=current.view_name if current else "",
        ),
        "region_name": settings.TERRITORY_REGION_NAME,
    }
