"""Files of the national comparison: regions and départements as CSV and GeoJSON.

Same conventions as the regional mesh files (``territory.exports``): fixed French column names,
UTF-8 CSV with formulas neutralised (``core.exports.spreadsheet_safe``), shares between 0 and 1,
an empty cell for "no value"; GeoJSON with the attribution, the licence, the parameters and the
rule of the figures (``national.RULE``) as top-level members.
"""

import json
from typing import Any

import shapely
from django.core.cache import cache

from tierslieux.territory.exports import (
    APPROXIMATION,
    ATTRIBUTION,
    LICENCE,
    MeshFile,
    csv_text,
    geojson_text,
    params_record,
)
from tierslieux.territory.models import Commune, Departement
from tierslieux.territory.national import RULE, AreaRow, NationalReport
from tierslieux.territory.selectors import outlines_geojson

KINDS: tuple[str, ...] = ("regions", "departements")
FORMATS: tuple[str, ...] = ("csv", "geojson")
COLUMNS: tuple[str, ...] = (
    "niveau",
    "code",
    "nom",
    "region",
    "habitants",
    "habitants_couverts",
    "part_couverte",
    "habitants_zone_blanche",
    "tiers_lieux",
    "habitants_par_tiers_lieu",
    "tiers_lieux_pour_100000_habitants",
    "montant_engage_euros",
    "demande_aux_mairies",
    "regions_voisines_non_chargees",
)
TITLES: dict[str, str] = {
    "regions": "Maillage des tiers-lieux comparé par région",
    "departements": "Maillage des tiers-lieux comparé par département",
}
REGLE = (
    "Un tiers-lieu dessert les habitants à sa portée des deux côtés d'une frontière régionale : "
    "la couverture est calculée une fois pour chaque habitant face à tous les tiers-lieux "
    "chargés, quelle que soit leur région, puis sommée par région et département de résidence."
)


def _rate(value: float | None, decimals: int) -> float | int | None:
    if value is None:
        return None
    return round(value) if decimals == 0 else round(value, decimals)


def record(row: AreaRow) -> dict[str, Any]:
    """One row of the comparison as a file record."""
    return {
        "niveau": row.level,
        "code": row.code,
        "nom": row.name,
        "region": row.region,
        "habitants": row.population,
        "habitants_couverts": row.population_covered,
        "part_couverte": round(row.share_covered, 4),
        "habitants_zone_blanche": row.population_beyond,
        "tiers_lieux": row.places,
        "habitants_par_tiers_lieu": _rate(row.inhabitants_per_place, 0),
        "tiers_lieux_pour_100000_habitants": _rate(row.places_per_100k, 2),
        "montant_engage_euros": (
            None if row.committed_cents is None else f"{row.committed_cents / 100:.2f}"
        ),
        "demande_aux_mairies": row.overseas,
        "regions_voisines_non_chargees": " ".join(row.border_not_counted),
    }


def _region_geometries(departements: dict[str, Any]) -> dict[str, Any]:
    """Each loaded region's outline: the union of its départements' (cached with the
    communes)."""
    key = f"territory:national:region-outlines:v1:{Commune.objects.count()}"

    def build() -> dict[str, Any]:
        regions = dict(Departement.objects.values_list("code", "region_code"))
        parts: dict[str, list[Any]] = {}
        for code, geometry in departements.items():
            shape = shapely.from_geojson(json.dumps(geometry))
            parts.setdefault(regions.get(code, ""), []).append(shape)
        return {
            region: json.loads(shapely.to_geojson(shapely.union_all(shapes)))
            for region, shapes in parts.items()
        }

    return cache.get_or_set(key, build, timeout=24 * 3600)


def national_file(*, kind: str, fmt: str, report: NationalReport) -> MeshFile:
    """The regions (with the total first) or the départements of ``report``, as ``fmt``."""
    if kind not in KINDS or fmt not in FORMATS:
        raise ValueError(f"unknown download {kind}.{fmt}")
    rows = [report.total, *report.region_rows] if kind == "regions" else report.departement_rows
    records = [record(row) for row in rows]
    stem = f"maillage-comparaison-{kind}-{report.params.minutes:g}min"
    if fmt == "csv":
        return MeshFile(
            csv_text(COLUMNS, records).encode("utf-8"), "text/csv; charset=utf-8", f"{stem}.csv"
        )
    outlines = {
        f["properties"]["code"]: f["geometry"]
        for f in json.loads(outlines_geojson(level="departement"))["features"]
    }
    if kind == "regions":
        outlines = _region_geometries(outlines)
    params = params_record(report.params, places=report.places_loaded)
    params["region"] = report.total.name
    metadata = {
        "name": stem,
        "title": TITLES[kind],
        "description": APPROXIMATION,
        "regle": REGLE,
        "rule": RULE,
        "notes": report.notes,
        "attribution": ATTRIBUTION,
        "licence": LICENCE,
        "parametres": params,
    }
    text = geojson_text(
        records,
        columns=COLUMNS,
        geometry=lambda r: outlines.get(r["code"]),
        metadata=metadata,
    )
    return MeshFile(text.encode("utf-8"), "application/geo+json", f"{stem}.geojson")
