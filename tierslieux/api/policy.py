"""The policy in the JSON API: funded projects, calls open now, the dashboard's key figures.

All public (``calls.funded_view``, ``calls.view``, ``dashboard.view``), rate-limited and
cacheable; the filters are those of the pages (year and département).
"""

import datetime
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from tierslieux.api.auth import api_user
from tierslieux.api.problems import ApiProblem
from tierslieux.api.schemas import DEPARTEMENT, PUBLIC_ERRORS, ErrorOut, cache_publicly
from tierslieux.calls import selectors as call_selectors
from tierslieux.calls.models import CallKind
from tierslieux.core import clock
from tierslieux.core.permissions import user_can
from tierslieux.core.region_choice import RegionNotServed, region_choice
from tierslieux.dashboard.selectors import indicators_compute, series_dates, territory_choices

router = Router(tags=["politique"])

MAX_LIMIT = 500
FIRST_YEAR = 2010  # as the dashboard's year choices
INDICATORS_CACHE_SECONDS = 300
_OPTIONAL_DEPARTEMENT = r"^(\d{2,3}|2[AB])?$"
_OPTIONAL_REGION = r"^(\d{2}|all)?$"


def _require(request: HttpRequest, action: str) -> None:
    if not user_can(api_user(request), action):
        raise HttpError(403, _("You may not read this data."))


# --- funded projects ---------------------------------------------------------------------


class FundedProjectOut(Schema):
    """A funded project, as the public page lists it."""

    id: int = Field(ge=1, description="Id of the application.")
    nom: str
    porteur: str = Field(description="The organisation holding the project.")
    commune: str
    commune_insee: str = Field(pattern=r"^(\d{5}|2[AB]\d{3})?$", description="Empty if none.")
    montant_centimes: int = Field(ge=0, description="Grant decided, in euro cents.")
    annee: int = Field(description="Budget year of the call.")
    appel: str = Field(description="Name of the call (AMI).")


class FundedProjectPage(Schema):
    count: int = Field(ge=0)
    items: list[FundedProjectOut]


class FundedFilters(Schema):
    annee: int | None = Field(None, ge=FIRST_YEAR, le=2100, description="Budget year.")
    region: str = Field(
        "",
        pattern=_OPTIONAL_REGION,
        description="INSEE code of a served region: the projects of its calls; `all` or nothing: "
        "every region served. A region not served is a 422.",
    )
    departement: str = Field("", pattern=_OPTIONAL_DEPARTEMENT)
    limit: int = Field(100, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=1_000_000)


@router.get(
    "/projets-finances",
    response={200: FundedProjectPage, **PUBLIC_ERRORS},
    summary="Funded projects (name, commune, amount, year, call)",
    operation_id="funded_projects",
    url_name="funded_projects",
)
def funded_projects_view(
    request: HttpRequest, response: HttpResponse, filters: Query[FundedFilters]
) -> dict[str, Any]:
    """Accepted applications with their grant, latest year first, as the public page."""
    _require(request, "calls.funded_view")
    projects = call_selectors.funded_projects_list(
        year=filters.annee, departement=filters.departement, region=_region_code(filters.region)
    )
    page = projects[filters.offset : filters.offset + filters.limit]
    cache_publicly(response)
    return {
        "count": len(projects),
        "items": [
            {
                "id": p.application_id,
                "nom": p.name,
                "porteur": p.organisation,
                "commune": p.commune,
                "commune_insee": p.commune_code,
                "montant_centimes": p.amount_cents,
                "annee": p.year,
                "appel": p.call,
            }
            for p in page
        ],
    }


# --- calls open now ----------------------------------------------------------------------


class OpenCallOut(Schema):
    id: int = Field(ge=1)
    nom: str
    type: CallKind
    annee: int
    ouvert_le: datetime.date
    ferme_le: datetime.date = Field(description="Last day applications are taken.")
    enveloppe_centimes: int = Field(ge=0, description="Budget envelope, in euro cents.")
    url: str = Field(description="Path of the call's public page.")


def _region_code(value: str) -> str:
    """The code a ``region`` parameter chooses ("" for every served region); 422 if not served."""
    try:
        return region_choice(value).code
    except RegionNotServed as refused:
        raise ApiProblem(422, str(refused), errors={"region": [str(refused)]}) from None


@router.get(
    "/appels/ouverts",
    response={200: list[OpenCallOut], **PUBLIC_ERRORS},
    summary="Calls (AMI) open today, closing first",
    operation_id="calls_open",
    url_name="calls_open",
)
def calls_open_view(
    request: HttpRequest,
    response: HttpResponse,
    region: str = Query(
        "",
        pattern=_OPTIONAL_REGION,
        description=(
            "INSEE code of a served region (e.g. 84): its calls only; `all` or nothing: the "
            "calls of every region served. A region not served is a 422."
        ),
    ),
) -> list[dict[str, Any]]:
    _require(request, "calls.view")
    calls = call_selectors.call_list_by_status(on=clock.today(), region=_region_code(region)).open
    cache_publicly(response)
    return [
        {
            "id": c.pk,
            "nom": c.name,
            "type": c.kind,
            "annee": c.year,
            "ouvert_le": c.opens_on,
            "ferme_le": c.closes_on,
            "enveloppe_centimes": c.budget_cents,
            "url": reverse("calls:call_detail", args=[c.pk]),
        }
        for c in calls
    ]


# --- key figures -------------------------------------------------------------------------


class IndicatorOut(Schema):
    code: str = Field(description="Stable code of the indicator.")
    libelle: str = Field(description="Label, in the caller's language.")
    valeur: float | None = Field(description="Null when it cannot be computed.")
    unite: str = Field(description="Unit: shares are 0..1, money in cents.")
    numerateur: float | None
    denominateur: float | None
    date_donnees: datetime.date | None = Field(
        description="Date of the most recent record the figure rests on."
    )
    definition: str = Field(description="How it is computed, in the caller's language.")
    valeur_publiee: float | None = Field(
        description="The Région's published figure (région only), for comparison."
    )
    note: str


class IndicatorsOut(Schema):
    annee: int
    date: datetime.date = Field(description="31 December of the year, or today this year.")
    departement: str | None = Field(pattern=DEPARTEMENT, description="Null for the région.")
    territoire: str
    donnees_demo: bool = Field(description="Whether demonstration records are counted.")
    indicateurs: list[IndicatorOut]


class IndicatorFilters(Schema):
    annee: int | None = Field(
        None, ge=FIRST_YEAR, le=2100, description="Year (this year by default; not a future one)."
    )
    departement: str = Field("", pattern=_OPTIONAL_DEPARTEMENT, description="Empty: the région.")
    demo: bool = Field(True, description="Count demonstration records, as the dashboard does.")


def _indicators(year: int, on: datetime.date, departement: str | None, demo: bool) -> Any:
    key = f"api:indicators:{get_language()}:{year}:{on}:{departement}:{demo}"
    return cache.get_or_set(
        key,
        lambda: indicators_compute(on=on, departement=departement, include_demo=demo),
        timeout=INDICATORS_CACHE_SECONDS,
    )


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


@router.get(
    "/indicateurs",
    response={200: IndicatorsOut, 404: ErrorOut, **PUBLIC_ERRORS},
    summary="The dashboard's key figures for a year and a territory",
    operation_id="indicators",
    url_name="indicators",
)
def indicators_view(
    request: HttpRequest, response: HttpResponse, filters: Query[IndicatorFilters]
) -> Any:
    """Every key figure of the dashboard, with its definition and the date of its data; 404 for
    a year to come or a département outside the territory."""
    _require(request, "dashboard.view")
    today = clock.today()
    year = filters.annee or today.year
    dates = dict(series_dates([year], today=today))
    if year not in dates:
        raise HttpError(404, _("No figures for a year to come."))
    departement = filters.departement or None
    if departement is not None and departement not in dict(territory_choices()):
        raise HttpError(404, _("No département of the territory has this code."))
    figures = _indicators(year, dates[year], departement, filters.demo)
    cache_publicly(response)
    return {
        "annee": year,
        "date": figures.on,
        "departement": figures.departement,
        "territoire": figures.territory_name,
        "donnees_demo": figures.include_demo,
        "indicateurs": [
            {
                "code": row.code,
                "libelle": str(row.label),
                "valeur": _number(row.value),
                "unite": str(row.unit),
                "numerateur": _number(row.numerator),
                "denominateur": _number(row.denominator),
                "date_donnees": row.data_date,
                "definition": str(row.definition),
                "valeur_publiee": _number(row.published),
                "note": str(row.note),
            }
            for row in figures.rows
        ],
    }
