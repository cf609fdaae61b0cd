"""Files of the territorial mesh: CSV and GeoJSON of its results, and the map's JSON feed.

Like the directory's open data (``tierslieux/places/opendata.py``), column names and values are
data, not interface: fixed French names, not translated. CSV files are UTF-8 without BOM,
comma-separated, RFC 4180 quoting, one header line; decimals with a point; shares between 0 and
1; booleans ``true`` / ``false``; an empty cell means "no value" (no inhabitant, no place).
GeoJSON files are FeatureCollections (WGS 84) whose properties have the same names, with the
attribution, licence and the analysis parameters as top-level members.
"""

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from tierslieux.core import clock
from tierslieux.core.exports import spreadsheet_safe
from tierslieux.territory.mesh import MeshParams, MeshReport
from tierslieux.territory.mesh_cache import mesh_report_cached
from tierslieux.territory.models import Commune
from tierslieux.territory.selectors import DepartementRow, departement_table, outlines_geojson

KINDS: tuple[str, ...] = ("communes", "zones-blanches", "departements", "sites")
FORMATS: tuple[str, ...] = ("csv", "geojson")
SCENARIO_ONLY_KINDS = frozenset({"sites"})

ATTRIBUTION = (
    "Population : © Union européenne, Eurostat, recensement 2021 sur grille 1 km ; "
    "Etalab, découpage administratif 6.0.0 (Insee, DGCL, La Poste) ; "
    "Insee, grille communale de densité 2024. "
    "Contours et mairies : IGN / Insee, DILA. "
    "Tiers-lieux : CGET / ANCT, Mission Coworking 2019, France Tiers-Lieux, "
    "Région Nouvelle-Aquitaine. Licence Ouverte 2.0 (Etalab)."
)
LICENCE: dict[str, str] = {
    "name": "etalab-2.0",
    "title": "Licence Ouverte / Open Licence version 2.0",
    "path": "https://www.etalab.gouv.fr/wp-content/uploads/2017/04/ETALAB-Licence-Ouverte-v2.0.pdf",
}
APPROXIMATION = (
    "Temps de trajet estimés : distance à vol d'oiseau × facteur de détour à vitesse moyenne "
    "constante (ou réseau routier OpenStreetMap si indiqué) ; une approximation, pas un "
    "calcul d'itinéraire."
)

COMMUNE_COLUMNS: tuple[str, ...] = (
    "commune_insee",
    "commune",
    "departement",
    "habitants",
    "habitants_couverts",
    "part_couverte",
    "temps_moyen_min",
    "zone_blanche",
    "longitude",
    "latitude",
)
WHITE_ZONE_COLUMNS: tuple[str, ...] = (
    "rang",
    "commune_insee",
    "commune",
    "departement",
    "habitants",
    "habitants_hors_seuil",
    "part_couverte",
    "temps_moyen_min",
    "longitude",
    "latitude",
)
DEPARTEMENT_COLUMNS: tuple[str, ...] = (
    "departement",
    "nom",
    "tiers_lieux",
    "communes",
    "habitants",
    "habitants_couverts",
    "part_couverte",
    "temps_moyen_min",
    "part_rurale_2021",
)
SITE_COLUMNS: tuple[str, ...] = (
    "rang",
    "commune_insee",
    "commune",
    "departement",
    "habitants_nouvellement_couverts",
    "longitude",
    "latitude",
)
TITLES: dict[str, str] = {
    "communes": "Temps d'accès moyen au tiers-lieu le plus proche, par commune",
    "zones-blanches": (
        "Zones blanches : communes dont la majorité des habitants est au-delà du seuil"
    ),
    "departements": "Maillage territorial des tiers-lieux par département",
    "sites": "Scénario : communes recommandées pour ouvrir de nouveaux tiers-lieux",
}
SHARE_DECIMALS = 4
COORDINATE_DECIMALS = 5  # about 1 m: the precision of the town-hall points


# --- records ------------------------------------------------------------------------------


def _share(value: float | None) -> float | None:
    return None if value is None else round(float(value), SHARE_DECIMALS)


def _commune_points(codes: Iterable[str] | None = None) -> dict[str, tuple[str, str, float, float]]:
    communes = Commune.objects.order_by("code")
    if codes is not None:
        communes = communes.filter(code__in=list(codes))
    return {
        code: (name, dep, lon, lat)
        for code, name, dep, lon, lat in communes.values_list(
            "code", "name", "departement_id", "lon", "lat"
        )
    }


def commune_records(report: MeshReport) -> list[dict[str, Any]]:
    """Every commune of the territory (those without inhabitants in the demand too)."""
    rows = {row.code: row for row in report.communes}
    records = []
    for code, (name, dep, lon, lat) in _commune_points().items():
        row = rows.get(code)
        populated = row is not None and row.population > 0
        records.append(
            {
                "commune_insee": code,
                "commune": name,
                "departement": dep,
                "habitants": row.population if row else 0,
                "habitants_couverts": row.population_covered if row else 0,
                "part_couverte": _share(row.share_covered) if populated else None,
                "temps_moyen_min": row.mean_minutes if populated else None,
                "zone_blanche": bool(row and row.is_white_zone),
                "longitude": round(lon, COORDINATE_DECIMALS),
                "latitude": round(lat, COORDINATE_DECIMALS),
            }
        )
    return records


def white_zone_records(report: MeshReport, *, limit: int | None = None) -> list[dict[str, Any]]:
    """White zones, most inhabitants beyond the threshold first (the first ``limit`` if given)."""
    zones = report.white_zones[:limit]
    points = _commune_points(row.code for row in zones) if limit is not None else _commune_points()
    return [
        {
            "rang": rank,
            "commune_insee": row.code,
            "commune": row.name,
            "departement": row.departement,
            "habitants": row.population,
            "habitants_hors_seuil": row.population - row.population_covered,
            "part_couverte": _share(row.share_covered),
            "temps_moyen_min": row.mean_minutes,
            "longitude": round(points[row.code][2], COORDINATE_DECIMALS),
            "latitude": round(points[row.code][3], COORDINATE_DECIMALS),
        }
        for rank, row in enumerate(zones, 1)
    ]


@dataclass(frozen=True)
class DepartementMeshRow:
    """A département: coverage of its inhabitants and the facts of its territory."""

    code: str
    name: str
    places: int
    communes: int
    population: int
    population_covered: int
    share_covered: float
    mean_minutes: float | None
    rural_share_2021: float


def departement_rows(
    report: MeshReport, table: Iterable[DepartementRow] | None = None
) -> list[DepartementMeshRow]:
    """The report's départements with their communes and rural share (``departement_table``)."""
    if table is None:
        table = departement_table()
    facts = {row.code: row for row in table}
    return [
        DepartementMeshRow(
            code=row.code,
            name=row.name,
            places=row.places,
            communes=facts[row.code].communes if row.code in facts else 0,
            population=row.population,
            population_covered=row.population_covered,
            share_covered=row.share_covered,
            mean_minutes=row.mean_minutes,
            rural_share_2021=facts[row.code].rural_share_2021 if row.code in facts else 0.0,
        )
        for row in report.departements
    ]


def departement_records(report: MeshReport) -> list[dict[str, Any]]:
    return [
        {
            "departement": row.code,
            "nom": row.name,
            "tiers_lieux": row.places,
            "communes": row.communes,
            "habitants": row.population,
            "habitants_couverts": row.population_covered,
            "part_couverte": _share(row.share_covered),
            "temps_moyen_min": row.mean_minutes,
            "part_rurale_2021": _share(row.rural_share_2021),
        }
        for row in departement_rows(report)
    ]


def site_records(scenario: dict[str, Any]) -> list[dict[str, Any]]:
    """The recommended sites of a finished scenario (its stored result)."""
    return [
        {
            "rang": site["rank"],
            "commune_insee": site["commune"],
            "commune": site["name"],
            "departement": site["departement"],
            "habitants_nouvellement_couverts": site["new_inhabitants"],
            "longitude": round(site["lon"], COORDINATE_DECIMALS),
            "latitude": round(site["lat"], COORDINATE_DECIMALS),
        }
        for site in scenario.get("sites", [])
    ]


def commune_times(report: MeshReport) -> dict[str, dict[str, Any]]:
    """The map's feed: per commune code, mean minutes, share covered and white-zone flag."""
    return {
        row.code: {
            "minutes": None if row.mean_minutes is None else round(row.mean_minutes, 1),
            "share_covered": round(row.share_covered, 3),
            "white": row.is_white_zone,
        }
        for row in report.communes
        if row.population > 0
    }


# --- writers ------------------------------------------------------------------------------


def csv_value(value: Any) -> str:
    """A record value as CSV text: booleans true/false, None empty, numbers as Python writes."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_text(columns: Iterable[str], records: Iterable[dict[str, Any]]) -> str:
    """The CSV file: the header, then one row per record (RFC 4180, CRLF line ends)."""
    columns = tuple(columns)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([csv_value(spreadsheet_safe(record[column])) for column in columns])
    return out.getvalue()


def params_record(params: MeshParams, *, places: int | None = None) -> dict[str, Any]:
    """The analysis parameters, as stated in GeoJSON files."""
    record: dict[str, Any] = {
        "seuil_minutes": params.minutes,
        "modele": "ligne_droite" if params.model == "straight" else "reseau_routier",
        "demande": "grille_1km" if params.demand == "grid" else "mairies_des_communes",
        "date": (params.on or clock.today()).isoformat(),
        "region": settings.TERRITORY_REGION_NAME,
    }
    if params.model == "straight":
        record["facteur_detour"] = params.detour_factor
        record["vitesse_kmh"] = params.speed_kmh
    if places is not None:
        record["tiers_lieux_ouverts"] = places
    return record


def _point(record: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [record["longitude"], record["latitude"]]}


def geojson_text(
    records: Iterable[dict[str, Any]],
    *,
    columns: Iterable[str],
    geometry: Callable[[dict[str, Any]], dict[str, Any] | None],
    metadata: dict[str, Any],
) -> str:
    """A FeatureCollection with ``metadata`` as top-level members."""
    columns = tuple(columns)
    features = [
        {
            "type": "Feature",
            "geometry": geometry(record),
            "properties": {column: record[column] for column in columns},
        }
        for record in records
    ]
    collection = {"type": "FeatureCollection", **metadata, "features": features}
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":"))


def _departement_geometries() -> dict[str, dict[str, Any]]:
    data = json.loads(outlines_geojson(level="departement"))
    return {f["properties"]["code"]: f["geometry"] for f in data["features"]}


@dataclass(frozen=True)
class MeshFile:
    content: bytes
    content_type: str
    filename: str


def mesh_file(
    *,
    kind: str,
    fmt: str,
    params: MeshParams,
    scenario: dict[str, Any] | None = None,
    scenario_id: int | None = None,
) -> MeshFile:
    """One download: ``kind`` of ``KINDS`` in ``fmt`` of ``FORMATS``.

    ``sites`` needs a finished scenario's result; other kinds use the (cached) report of
    ``params``.
    """
    if kind not in KINDS or fmt not in FORMATS:
        raise ValueError(f"unknown download {kind}.{fmt}")
    places: int | None = None
    geometry: Callable[[dict[str, Any]], dict[str, Any] | None] = _point
    if kind == "sites":
        if scenario is None:
            raise ValueError("the sites of a scenario need its result")
        columns, records = SITE_COLUMNS, site_records(scenario)
        places = scenario.get("places")
    else:
        report = mesh_report_cached(params)
        places = report.places
        if kind == "communes":
            columns, records = COMMUNE_COLUMNS, commune_records(report)
        elif kind == "zones-blanches":
            columns, records = WHITE_ZONE_COLUMNS, white_zone_records(report)
        else:
            columns, records = DEPARTEMENT_COLUMNS, departement_records(report)
            if fmt == "geojson":
                outlines = _departement_geometries()

                def geometry(record: dict[str, Any]) -> dict[str, Any] | None:
                    return outlines.get(record["departement"])

    stem = f"maillage-{kind}-{params.minutes:g}min"
    if scenario_id is not None:
        stem = f"scenario-{scenario_id}-{kind}-{params.minutes:g}min"
    if fmt == "csv":
        return MeshFile(
            csv_text(columns, records).encode("utf-8"), "text/csv; charset=utf-8", f"{stem}.csv"
        )
    metadata = {
        "name": stem,
        "title": TITLES[kind],
        "description": APPROXIMATION,
        "attribution": ATTRIBUTION,
        "licence": LICENCE,
        "parametres": params_record(params, places=places),
    }
    text = geojson_text(records, columns=columns, geometry=geometry, metadata=metadata)
    return MeshFile(text.encode("utf-8"), "application/geo+json", f"{stem}.geojson")


def region_mean_minutes(report: MeshReport) -> float | None:
    """Mean minutes to the nearest place over the region's inhabitants (None without places)."""
    rows = [r for r in report.departements if r.population > 0]
    population = sum(r.population for r in rows)
    if not rows or any(r.mean_minutes is None for r in rows):
        return None
    return round(sum(r.mean_minutes * r.population for r in rows) / population, 2)
