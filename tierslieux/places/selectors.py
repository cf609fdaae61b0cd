"""Reads on the directory. Visibility (published or not) is decided here, from the user."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tierslieux.core import clock
from tierslieux.core.permissions import user_can
from tierslieux.core.text import normalize
from tierslieux.places.models import Place, PlaceProposal, PlaceState, ProposalState
from tierslieux.territory.models import Commune, Departement


@dataclass(frozen=True)
class PlaceFilters:
    """The directory's filters; empty strings mean "any"."""

    q: str = ""
    region: str = ""
    """The code of one served region; empty: every region the deployment serves."""
    departement: str = ""
    epci: str = ""
    commune: str = ""
    kind: str = ""
    service: str = ""
    state: str = ""


def place_visible_qs(*, user: Any) -> QuerySet[Place]:
    """Places ``user`` may see: published ones, and all of them for directory staff.

    The commune comes along (name, codes) but never its outline: decoding one outline per
    place made every list of the directory slow (issue 11, item 10).
    """
    places = Place.objects.select_related("commune", "commune__departement", "commune__epci").defer(
        "commune__geometry"
    )
    if user_can(user, "places.view_unpublished"):
        return places
    return places.published()


def place_list(*, user: Any, filters: PlaceFilters | None = None) -> QuerySet[Place]:
    """The directory, filtered. Full-text search matches every word, accents and case ignored."""
    filters = filters or PlaceFilters()
    places = place_visible_qs(user=user)
    for word in normalize(filters.q).split():
        places = places.filter(search_text__contains=word)
    if filters.region:
        places = places.filter(commune__departement__region_code=filters.region)
    if filters.departement:
        places = places.filter(commune__departement_id=filters.departement)
    if filters.epci:
        places = places.filter(commune__epci_id=filters.epci)
    if filters.commune:
        places = places.filter(commune_id=filters.commune)
    if filters.kind:
        places = places.with_kind(filters.kind)
    if filters.service:
        places = places.with_service(filters.service)
    if filters.state:
        places = places.filter(state=filters.state)
    return places.order_by("name", "pk")


def place_filters_errors(*, filters: PlaceFilters, regions: tuple[str, ...]) -> dict[str, str]:
    """The territorial filters that name no part of ``regions`` (the served ones, or the one
    chosen), by filter name: a code of another region is refused, not answered with nothing."""
    errors: dict[str, str] = {}
    if filters.departement and not (
        Departement.objects.filter(code=filters.departement, region_code__in=regions).exists()
    ):
        errors["departement"] = _("No département of the regions chosen has this code.")
    if filters.epci and not (
        Commune.objects.filter(epci_id=filters.epci, departement__region_code__in=regions).exists()
    ):
        errors["epci"] = _("No EPCI of the regions chosen has this SIREN.")
    if filters.commune and not (
        Commune.objects.filter(code=filters.commune, departement__region_code__in=regions).exists()
    ):
        errors["commune"] = _("No commune of the regions chosen has this INSEE code.")
    return errors


def place_get(*, user: Any, pk: int) -> Place | None:
    """One place if ``user`` may see it."""
    return place_visible_qs(user=user).filter(pk=pk).first()


def place_same_name_get(*, user: Any, name: str, commune: str) -> Place | None:
    """A place ``user`` may see with the same name (accents and case aside) in ``commune``."""
    key = normalize(name)
    for place in place_visible_qs(user=user).filter(commune_id=commune).order_by("pk"):
        if normalize(place.name) == key:
            return place
    return None


def place_open_published(*, on: datetime.date | None = None) -> QuerySet[Place]:
    """Published places open on ``on`` (today by default): the network the public can use."""
    return Place.objects.published().open_on(on or clock.today())


def proposal_pending_list(*, user: Any) -> QuerySet[PlaceProposal]:
    """Proposals waiting for review, for those who review them."""
    if not user_can(user, "places.review_proposal"):
        return PlaceProposal.objects.none()
    return PlaceProposal.objects.filter(state=ProposalState.PENDING).select_related("place")


def place_counts(*, user: Any) -> dict[str, int]:
    """Number of visible places per state."""
    visible = place_visible_qs(user=user)
    return {
        "total": visible.count(),
        "open": visible.filter(state=PlaceState.OPEN).count(),
        "project": visible.filter(state=PlaceState.PROJECT).count(),
        "closed": visible.filter(state=PlaceState.CLOSED).count(),
        "unpublished": visible.filter(~Q(is_published=True)).count(),
    }


@dataclass(frozen=True)
class ProposalChange:
    label: str
    current: Any
    proposed: Any

    @property
    def changed(self) -> bool:
        return self.current != self.proposed


def proposal_changes(*, proposal: PlaceProposal) -> list[ProposalChange]:
    """Field by field, the place's current value beside the proposed one."""
    place = proposal.place
    rows = []
    for name, proposed in proposal.data.items():
        field = Place._meta.get_field("commune" if name == "commune" else name)
        current = None
        if place is not None:
            current = place.commune_id if name == "commune" else getattr(place, name)
        rows.append(ProposalChange(str(field.verbose_name), current, proposed))
    return rows
