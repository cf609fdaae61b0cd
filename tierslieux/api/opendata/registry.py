"""The register of the open datasets, as data: the /donnees/ page is rendered from it.

Each dataset says what data.gouv.fr shows of a dataset: title, description, licence, the date
of its last update, its schema (a Table Schema under ``data/schemas/``, when one is written) and
its resources, one per format (CSV, GeoJSON, XLSX). Every download named here is a real URL of
the product (tested: each link answers 200).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max

from tierslieux.agreements import scdl
from tierslieux.agreements.models import Agreement
from tierslieux.calls.models import Decision
from tierslieux.core import clock
from tierslieux.places import opendata as places_opendata
from tierslieux.places.models import Place
from tierslieux.premises import opendata as premises_opendata
from tierslieux.premises.models import PremisesOffer
from tierslieux.territory import exports as mesh_exports
from tierslieux.territory.mesh import MeshParams
from tierslieux.territory.mesh_cache import mesh_report_cached

LICENCE = places_opendata.LICENCE  # Licence Ouverte / Open Licence 2.0 for every dataset


@dataclass(frozen=True)
class Resource:
    format: str
    """CSV, GeoJSON or XLSX."""
    url_name: str
    kwargs: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    description: str
    resources: tuple[Resource, ...]
    updated_on: Callable[[], datetime.date | None]
    table: Callable[[], tuple[tuple[str, ...], list[dict[str, Any]]]]
    """Columns and rows, for the XLSX file (the same as the CSV's)."""
    schema: str = ""
    """File name of its Table Schema under ``data/schemas/`` (empty if none)."""
    licence: dict[str, str] = field(default_factory=lambda: LICENCE)


def _date(moment: datetime.datetime | None) -> datetime.date | None:
    return moment.date() if moment else None


def _places_updated_on() -> datetime.date | None:
    latest = Place.objects.filter(is_published=True).aggregate(m=Max("updated_at"))["m"]
    return _date(latest)


def _grants_updated_on() -> datetime.date | None:
    dates = [
        Decision.objects.aggregate(m=Max("updated_at"))["m"],
        Agreement.objects.aggregate(m=Max("updated_at"))["m"],
    ]
    return _date(max((d for d in dates if d), default=None))


def _places_table() -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    records = [
        {k: places_opendata.csv_value(v) for k, v in places_opendata.place_record(p).items()}
        for p in places_opendata.opendata_places()
    ]
    return places_opendata.COLUMNS, records


def _premises_updated_on() -> datetime.date | None:
    latest = PremisesOffer.objects.filter(state="published").aggregate(m=Max("updated_at"))["m"]
    return _date(latest)


def _premises_table() -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    return premises_opendata.COLUMNS, premises_opendata.opendata_records()


def _mesh_table(kind: str) -> Callable[[], tuple[tuple[str, ...], list[dict[str, Any]]]]:
    def table() -> tuple[tuple[str, ...], list[dict[str, Any]]]:
        report = mesh_report_cached(MeshParams.from_settings())
        if kind == "communes":
            return mesh_exports.COMMUNE_COLUMNS, mesh_exports.commune_records(report)
        if kind == "zones-blanches":
            return mesh_exports.WHITE_ZONE_COLUMNS, mesh_exports.white_zone_records(report)
        return mesh_exports.DEPARTEMENT_COLUMNS, mesh_exports.departement_records(report)

    return table


def _scdl_table() -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    return scdl.COLUMNS, scdl.scdl_rows()


def _mesh(kind: str, title: str, description: str) -> Dataset:
    return Dataset(
        slug=f"maillage-{kind}",
        title=title,
        description=description,
        resources=(
            Resource("CSV", "territory:mesh_download", {"kind": kind, "format": "csv"}),
            Resource("GeoJSON", "territory:mesh_download", {"kind": kind, "format": "geojson"}),
            Resource("XLSX", "opendata:dataset_xlsx", {"slug": f"maillage-{kind}"}),
        ),
        updated_on=clock.today,  # computed from the directory as it is today
        table=_mesh_table(kind),
    )


DATASETS: tuple[Dataset, ...] = (
    Dataset(
        slug="tiers-lieux",
        title="Annuaire des tiers-lieux",
        description=(
            "Les tiers-lieux publiés de l'annuaire régional, un par ligne : types, services, "
            "adresse, commune, coordonnées, horaires, source et attribution."
        ),
        resources=(
            Resource("CSV", "places:opendata_csv"),
            Resource("GeoJSON", "places:opendata_geojson"),
            Resource("XLSX", "opendata:dataset_xlsx", {"slug": "tiers-lieux"}),
        ),
        updated_on=_places_updated_on,
        table=_places_table,
        schema="tiers-lieux.schema.json",
    ),
    _mesh(
        "communes",
        "Maillage territorial par commune",
        "Pour chaque commune : habitants, part des habitants à moins du seuil d'un tiers-lieu "
        "ouvert, temps d'accès moyen, zone blanche.",
    ),
    _mesh(
        "zones-blanches",
        "Zones blanches",
        "Communes dont la majorité des habitants est au-delà du seuil, classées par habitants "
        "hors seuil.",
    ),
    _mesh(
        "departements",
        "Maillage territorial par département",
        "Pour chaque département : tiers-lieux ouverts, habitants couverts, temps moyen, part "
        "rurale.",
    ),
    Dataset(
        slug="subventions-scdl",
        title="Subventions accordées (SCDL subventions 2.1.1)",
        description=(
            "Données essentielles des conventions de subvention de 23 000 € et plus attribuées "
            "par les appels à manifestation d'intérêt, au format SCDL « subventions » 2.1.1."
        ),
        resources=(
            Resource("CSV", "opendata:scdl_csv"),
            Resource("XLSX", "opendata:dataset_xlsx", {"slug": "subventions-scdl"}),
        ),
        updated_on=_grants_updated_on,
        table=_scdl_table,
        schema="scdl-subventions-2.1.1.schema.json",
    ),
)
DATASETS += (
    Dataset(
        slug="locaux-vacants",
        title="Locaux publics vacants proposés aux tiers-lieux",
        description=(
            "Bâtiments publics que des collectivités proposent à des tiers-lieux à loyer modéré "
            "(offres publiées) : surface, état, loyer comparé au marché, disponibilité, et ce "
            "qu'un tiers-lieu y apporterait au maillage. Position arrondie à 1 km environ."
        ),
        resources=(
            Resource("CSV", "premises:offer_csv"),
            Resource("GeoJSON", "premises:offer_geojson"),
            Resource("XLSX", "opendata:dataset_xlsx", {"slug": "locaux-vacants"}),
        ),
        updated_on=_premises_updated_on,
        table=_premises_table,
        schema="locaux-vacants.schema.json",
    ),
)
SCHEMAS: frozenset[str] = frozenset(d.schema for d in DATASETS if d.schema)


def dataset_get(slug: str) -> Dataset | None:
    return next((d for d in DATASETS if d.slug == slug), None)
