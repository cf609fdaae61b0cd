"""The territory in the JSON API: commune search and the région's départements."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from tierslieux.api.auth import api_user
from tierslieux.api.schemas import NO_NUL, PUBLIC_ERRORS
from tierslieux.core.permissions import user_can
from tierslieux.territory.models import Commune
from tierslieux.territory.selectors import commune_search, departement_table

router = Router(tags=["territoire"])


class CommuneOut(Schema):
    code: str = Field(description="INSEE code.")
    nom: str
    departement: str
    epci_siren: str | None
    codes_postaux: list[str]
    population: int
    longitude: float = Field(description="Town hall, WGS 84.")
    latitude: float


class DepartementOut(Schema):
    code: str
    nom: str
    communes: int
    population: int
    population_2021: int
    part_rurale_2021: float = Field(
        description="Share (0..1) of the 2021 population living in rural communes."
    )


def _require_view(request: HttpRequest) -> None:
    """Territory data is public, but a caller presenting a bad token is still refused (401)."""
    if not user_can(api_user(request), "territory.view"):
        raise HttpError(403, _("You may not view the territory."))


def commune_out(commune: Commune) -> dict[str, Any]:
    return {
        "code": commune.code,
        "nom": commune.name,
        "departement": commune.departement_id,
        "epci_siren": commune.epci_id,
        "codes_postaux": list(commune.postal_codes),
        "population": commune.population,
        "longitude": commune.lon,
        "latitude": commune.lat,
    }


@router.get(
    "/communes",
    response={200: list[CommuneOut], **PUBLIC_ERRORS},
    summary="Search communes",
    operation_id="commune_search",
    url_name="commune_search",
)
def commune_list_view(
    request: HttpRequest,
    q: str = Query(
        ...,
        min_length=1,
        max_length=100,
        pattern=NO_NUL,
        description="Name start, INSEE code or postcode.",
    ),
    limit: int = Query(10, ge=1, le=50),
) -> list[dict[str, Any]]:
    """Communes whose name starts with ``q`` (largest first), or whose code or postcode is ``q``."""
    _require_view(request)
    return [commune_out(c) for c in commune_search(query=q, limit=limit)]


@router.get(
    "/departements",
    response={200: list[DepartementOut], **PUBLIC_ERRORS},
    summary="The région's départements",
    operation_id="departement_list",
    url_name="departement_list",
)
def departement_list_view(request: HttpRequest) -> list[dict[str, Any]]:
    _require_view(request)
    return [
        {
            "code": row.code,
            "nom": row.name,
            "communes": row.communes,
            "population": row.population,
            "population_2021": row.population_2021,
            "part_rurale_2021": row.rural_share_2021,
        }
        for row in departement_table()
    ]
