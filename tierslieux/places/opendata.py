"""The open data export of the directory: CSV and GeoJSON of published places.

The CSV follows the Table Schema committed in ``data/schemas/tiers-lieux.schema.json`` (tested
with frictionless); the GeoJSON carries the same properties on Point features. Only published
places are exported, whoever asks: the export is public data, not a staff view.

Column names and values are data, not interface: they are fixed (French names, English codes
of the model's choices, described in the schema) and are not translated.
"""

import csv
import datetime
import gzip
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import astuple
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import QuerySet

from tierslieux.core.exports import spreadsheet_safe
from tierslieux.core.params import query_text
from tierslieux.core.region_choice import region_choice_from_query
from tierslieux.places.mapdata import directory_version
from tierslieux.places.models import SOURCE_ATTRIBUTIONS, Place
from tierslieux.places.selectors import PlaceFilters, place_list

COLUMNS: tuple[str, ...] = (
    "id",
    "nom",
    "description",
    "types",
    "services",
    "statut",
    "ouvert_depuis",
    "ferme_le",
    "adresse",
    "code_postal",
    "commune_insee",
    "commune",
    "departement",
    "epci_siren",
    "longitude",
    "latitude",
    "precision_localisation",
    "mode_gestion",
    "acces_pmr",
    "acces_fibre",
    "horaires",
    "site_web",
    "courriel",
    "source",
    "source_id",
    "date_source",
    "attribution",
)
LIST_SEPARATOR = "|"
COORDINATE_DECIMALS = 6  # about 0.1 m
LICENCE: dict[str, str] = {
    "name": "etalab-2.0",
    "title": "Licence Ouverte / Open Licence version 2.0",
    "path": "https://www.etalab.gouv.fr/wp-content/uploads/2017/04/ETALAB-Licence-Ouverte-v2.0.pdf",
}
FILTER_NAMES: tuple[str, ...] = tuple(PlaceFilters.__dataclass_fields__)
CSV_FILENAME = "tiers-lieux.csv"
GEOJSON_FILENAME = "tiers-lieux.geojson"


def filters_from_query(query: Mapping[str, str]) -> PlaceFilters:
    """The directory's filters read from a query string (unknown keys are ignored); a
    ``region`` the deployment does not serve raises ``RegionNotServed``."""
    values = {name: query_text(query, name) for name in FILTER_NAMES if name != "region"}
    return PlaceFilters(region=region_choice_from_query(query).code, **values)


def opendata_places(*, filters: PlaceFilters | None = None) -> QuerySet[Place]:
    """Published places, filtered like the directory, in a stable order (name, id)."""
    return place_list(user=AnonymousUser(), filters=filters)


def place_record(place: Place) -> dict[str, Any]:
    """One place as a record of ``COLUMNS`` with Python values (lists, dates, None)."""
    commune = place.commune
    return {
        "id": place.pk,
        "nom": place.name,
        "description": place.description,
        "types": list(place.kinds),
        "services": list(place.services),
        "statut": place.state,
        "ouvert_depuis": place.opened_on,
        "ferme_le": place.closed_on,
        "adresse": place.address,
        "code_postal": place.postcode,
        "commune_insee": commune.code,
        "commune": commune.name,
        "departement": commune.departement_id,
        "epci_siren": commune.epci_id,
        "longitude": round(place.lon, COORDINATE_DECIMALS),
        "latitude": round(place.lat, COORDINATE_DECIMALS),
        "precision_localisation": place.location_precision,
        "mode_gestion": place.legal_form or None,
        "acces_pmr": place.pmr_accessible,
        "acces_fibre": place.fibre_access,
        "horaires": place.opening_hours,
        "site_web": place.website,
        "courriel": place.email,
        "source": place.source,
        "source_id": place.source_id,
        "date_source": place.source_date,
        "attribution": place.attribution,
    }


def csv_value(value: Any) -> str:
    """A record value as CSV text: lists joined with "|", booleans true/false, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.{COORDINATE_DECIMALS}f}"
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class _Echo:
    """A file-like object that hands back what is written (for streaming ``csv.writer``)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(places: Iterable[Place]) -> Iterator[str]:
    """The CSV file, line by line: the header, then one row per place (RFC 4180, UTF-8)."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield writer.writerow(COLUMNS)
    for place in places:
        record = place_record(place)
        yield writer.writerow([csv_value(spreadsheet_safe(record[column])) for column in COLUMNS])


def json_value(value: Any) -> Any:
    """A record value as JSON: dates in ISO 8601, the rest unchanged."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def geojson_feature(place: Place) -> dict[str, Any]:
    """A Point feature (WGS84 longitude, latitude) with the record as properties."""
    record = place_record(place)
    return {
        "type": "Feature",
        "id": place.pk,
        "geometry": {"type": "Point", "coordinates": [record["longitude"], record["latitude"]]},
        "properties": {column: json_value(record[column]) for column in COLUMNS},
    }


def attribution_text(sources: Iterable[str]) -> str:
    """Who to credit for an export holding places of ``sources``."""
    credits = sorted({SOURCE_ATTRIBUTIONS[s] for s in sources if s in SOURCE_ATTRIBUTIONS})
    text = f"Annuaire des tiers-lieux, Région {settings.TERRITORY_REGION_NAME}"
    if credits:
        text += ". Sources : " + " ; ".join(credits)
    return text


def geojson_chunks(places: Iterable[Place], *, attribution: str) -> Iterator[str]:
    """The GeoJSON FeatureCollection as text chunks, one feature at a time."""
    head = {"type": "FeatureCollection", "attribution": attribution, "licence": LICENCE}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "features": ['
    for i, place in enumerate(places):
        separator = "," if i else ""
        yield separator + "\n" + json.dumps(geojson_feature(place), ensure_ascii=False)
    yield "\n]}\n"


def export_sources(places: QuerySet[Place]) -> list[str]:
    """The distinct sources of the exported places (for the attribution)."""
    return list(places.order_by().values_list("source", flat=True).distinct())


EXPORT_CACHE_SECONDS = 600


def export_gzipped(
    *, kind: str, filters: PlaceFilters, chunks: Callable[[], Iterable[str]]
) -> bytes:
    """The export ``kind`` (``csv``, ``geojson``) for ``filters``, gzipped, built once per state
    of the directory (``mapdata.directory_version``) and kept in the cache.

    A download of every place (1 MB for 3,500) took about a second to write row by row; it is
    now written once per change of the directory. Searches by words (``q``) are not cached
    (their variants are unbounded): call ``chunks`` directly for those.
    """
    text = "|".join((kind, directory_version(), *astuple(filters)))
    key = f"places-opendata:{hashlib.sha256(text.encode()).hexdigest()[:32]}"
    cached = cache.get(key)
    if isinstance(cached, bytes):
        return cached
    body = gzip.compress("".join(chunks()).encode("utf-8"), compresslevel=6, mtime=0)
    cache.set(key, body, EXPORT_CACHE_SECONDS)
    return body
