"""The territorial mesh in the JSON API: coverage per commune and per département, white zones.

The figures are those of the mesh page and its downloads (``territory/exports.py``), for the
default analysis of the settings (threshold ``MESH_THRESHOLD_MINUTES``, straight-line model):
the same records, the same rounding, the same names as the CSV columns. The report is computed
once per state of the directory (``territory.mesh_cache``).
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from tierslieux.api.auth import api_user
from tierslieux.api.schemas import (
    DEPARTEMENT,
    INSEE_COMMUNE,
    PUBLIC_ERRORS,
    cache_publicly,
)
from tierslieux.core.permissions import user_can
from tierslieux.territory import exports
from tierslieux.territory.mesh import MeshParams
from tierslieux.territory.mesh_cache import mesh_report_cached

router = Router(tags=["maillage"])

MAX_LIMIT = 1000  # more than the communes of any département


class MeshParamsOut(Schema):
    """The analysis the figures come from."""

    seuil_minutes: float = Field(description="Threshold: a place within it covers.")
    modele: str = Field(description="ligne_droite (straight line) or reseau_routier (roads).")
    demande: str = Field(description="grille_1km (population grid) or mairies_des_communes.")
    date: str = Field(description="Date of the analysis (places open on that day), ISO 8601.")
    region: str
    facteur_detour: float | None = Field(None, description="Straight-line model only.")
    vitesse_kmh: float | None = Field(None, description="Straight-line model only.")
    tiers_lieux_ouverts: int = Field(ge=0)


class CommuneCoverageOut(Schema):
    """One commune: the columns of the mesh page's CSV (maillage-communes)."""

    commune_insee: str = Field(pattern=INSEE_COMMUNE)
    commune: str
    departement: str = Field(pattern=DEPARTEMENT)
    habitants: int = Field(ge=0, description="Inhabitants (1 km grid, 2021).")
    habitants_couverts: int = Field(ge=0, description="Inhabitants within the threshold.")
    part_couverte: float | None = Field(
        ge=0, le=1, description="Share within the threshold; null without inhabitants."
    )
    temps_moyen_min: float | None = Field(
        ge=0, description="Mean minutes to the nearest place; null without inhabitants."
    )
    zone_blanche: bool = Field(description="Most inhabitants are beyond the threshold.")
    longitude: float = Field(ge=-180, le=180, description="Town hall, WGS 84.")
    latitude: float = Field(ge=-90, le=90)


class CommuneCoveragePage(Schema):
    parametres: MeshParamsOut
    count: int = Field(ge=0, description="Communes matching the filters, all pages.")
    items: list[CommuneCoverageOut]


class DepartementCoverageOut(Schema):
    """One département: the columns of the mesh page's CSV (maillage-departements)."""

    departement: str = Field(pattern=DEPARTEMENT)
    nom: str
    tiers_lieux: int = Field(ge=0, description="Places open on the analysis date.")
    communes: int = Field(ge=0)
    habitants: int = Field(ge=0)
    habitants_couverts: int = Field(ge=0)
    part_couverte: float = Field(ge=0, le=1)
    temps_moyen_min: float | None = Field(ge=0)
    part_rurale_2021: float = Field(ge=0, le=1)


class DepartementCoverageList(Schema):
    parametres: MeshParamsOut
    items: list[DepartementCoverageOut]


class WhiteZoneOut(Schema):
    """A white zone: the columns of the mesh page's CSV (maillage-zones-blanches)."""

    rang: int = Field(ge=1, description="1 = most inhabitants beyond the threshold.")
    commune_insee: str = Field(pattern=INSEE_COMMUNE)
    commune: str
    departement: str = Field(pattern=DEPARTEMENT)
    habitants: int = Field(ge=0)
    habitants_hors_seuil: int = Field(ge=0)
    part_couverte: float = Field(ge=0, le=1)
    temps_moyen_min: float | None = Field(ge=0)
    longitude: float = Field(ge=-180, le=180)
    latitude: float = Field(ge=-90, le=90)


class WhiteZonePage(Schema):
    parametres: MeshParamsOut
    count: int = Field(ge=0)
    items: list[WhiteZoneOut]


class CommuneCoverageFilters(Schema):
    departement: str = Field(
        "", pattern=r"^(\d{2,3}|2[AB])?$", description="Code of a département (e.g. 23)."
    )
    zone_blanche: bool | None = Field(None, description="Only white zones (true) or the others.")
    limit: int = Field(500, ge=1, le=MAX_LIMIT, description="Communes per page.")
    offset: int = Field(0, ge=0, le=1_000_000, description="Communes skipped.")


class WhiteZoneFilters(Schema):
    departement: str = Field("", pattern=r"^(\d{2,3}|2[AB])?$")
    limit: int = Field(100, ge=1, le=MAX_LIMIT, description="White zones per page.")
    offset: int = Field(0, ge=0, le=1_000_000)


def _report() -> tuple[Any, dict[str, Any]]:
    report = mesh_report_cached(MeshParams.from_settings())
    return report, exports.params_record(report.params, places=report.places)


def _require_view(request: HttpRequest) -> None:
    if not user_can(api_user(request), "territory.view"):
        raise HttpError(403, _("You may not view the territory."))


@router.get(
    "/territoire/communes",
    response={200: CommuneCoveragePage, **PUBLIC_ERRORS},
    summary="Coverage per commune (the mesh page's CSV)",
    operation_id="coverage_communes",
    url_name="coverage_communes",
)
def coverage_communes_view(
    request: HttpRequest, response: HttpResponse, filters: Query[CommuneCoverageFilters]
) -> dict[str, Any]:
    """Every commune of the territory by INSEE code: inhabitants, share within the threshold,
    mean minutes to the nearest open tiers-lieu, white-zone flag."""
    _require_view(request)
    report, params = _report()
    records = exports.commune_records(report)
    if filters.departement:
        records = [r for r in records if r["departement"] == filters.departement]
    if filters.zone_blanche is not None:
        records = [r for r in records if r["zone_blanche"] is filters.zone_blanche]
    cache_publicly(response)
    page = records[filters.offset : filters.offset + filters.limit]
    return {"parametres": params, "count": len(records), "items": page}


@router.get(
    "/territoire/departements",
    response={200: DepartementCoverageList, **PUBLIC_ERRORS},
    summary="Coverage per département (the mesh page's CSV)",
    operation_id="coverage_departements",
    url_name="coverage_departements",
)
def coverage_departements_view(request: HttpRequest, response: HttpResponse) -> dict[str, Any]:
    _require_view(request)
    report, params = _report()
    cache_publicly(response)
    return {"parametres": params, "items": exports.departement_records(report)}


@router.get(
    "/territoire/zones-blanches",
    response={200: WhiteZonePage, **PUBLIC_ERRORS},
    summary="White zones, most inhabitants beyond the threshold first",
    operation_id="white_zones",
    url_name="white_zones",
)
def white_zones_view(
    request: HttpRequest, response: HttpResponse, filters: Query[WhiteZoneFilters]
) -> dict[str, Any]:
    """Communes where most inhabitants are beyond the threshold, ranked in the région (``rang``
    stays the regional rank when a département is asked for)."""
    _require_view(request)
    report, params = _report()
    records = exports.white_zone_records(report)
    if filters.departement:
        records = [r for r in records if r["departement"] == filters.departement]
    cache_publicly(response)
    page = records[filters.offset : filters.offset + filters.limit]
    return {"parametres": params, "count": len(records), "items": page}
