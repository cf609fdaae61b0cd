"""One reader per import format. ``read_file(source, data)`` picks the reader."""

import csv
import io
import json
import re
from collections.abc import Callable, Collection, Iterator, Mapping

from django.utils.translation import gettext as _

from tierslieux.core.regions import region_name
from tierslieux.core.text import normalize, strip_invisible
from tierslieux.places.importers.base import (
    KIND_KEYWORDS,
    SERVICE_KEYWORDS,
    BadValue,
    ParsedFile,
    PlaceRecord,
    RowError,
    SkipRow,
    clean_insee,
    clean_postcode,
    clean_url,
    codes_from_text,
    drop_invalid_contacts,
    parse_bool,
    parse_coordinates,
    parse_date,
    parse_float,
)
from tierslieux.places.models import PlaceKind, PlaceService, PlaceState

Reader = Callable[..., ParsedFile]
DepRegions = Mapping[str, str] | None
"""Département code -> region code (the loaded départements), for rows that lack the region."""
_REGION_CODE = re.compile(r"^\d{2}$")


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadValue(
            _("the file is not UTF-8 (unreadable byte at position %(position)s)")
            % {"position": exc.start}
        ) from exc
    if "\x00" in text:  # PostgreSQL cannot store it; a text file never holds one
        raise BadValue(
            _("the file holds a NUL character (position %(position)s): it is not a text file")
            % {"position": text.index("\x00")}
        )
    return text


def _csv_rows(
    data: bytes, *, delimiter: str, required: set[str]
) -> Iterator[tuple[int, dict[str, str] | None, str]]:
    """Each record with the line it starts on, or ``None`` and why the record is broken.

    A record is broken when it has more or fewer cells than the header has columns, or when a
    quote opened in a cell is never closed: the reader then runs on into the following lines,
    swallowing them (a cell holding a line break followed by a line as full of delimiters as a
    row is taken for that; the rows after the swallowed ones are read normally).
    """
    text = _decode(data)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns = reader.fieldnames or []
    missing = sorted(required - set(columns))
    if missing:
        raise BadValue(_("missing columns: %(columns)s") % {"columns": ", ".join(missing)})
    row_like = max(3, (len(columns) - 1) // 2)
    end = reader.line_num
    for row in reader:
        start, end = end + 1, reader.line_num
        swallowed = end > start and any(
            isinstance(value, str)
            and any(part.count(delimiter) >= row_like for part in value.splitlines()[1:])
            for value in row.values()
        )
        if swallowed or (end > start and None in row.values()):
            yield (
                start,
                None,
                _(
                    "a quote opened on this line is never closed: the row runs into line "
                    "%(end)s and swallows the rows in between (close the quote or remove it)"
                )
                % {"end": end},
            )
        elif None in row:  # more cells than columns
            yield start, None, _("more cells than columns")
        elif None in row.values():
            cells = sum(value is not None for value in row.values())
            yield (
                start,
                None,
                _("fewer cells than columns (%(cells)s of %(columns)s)")
                % {
                    "cells": cells,
                    "columns": len(columns),
                },
            )
        else:
            yield start, {k: v.strip() for k, v in row.items()}, ""


def _read_csv(
    data: bytes,
    *,
    delimiter: str,
    required: set[str],
    convert: Callable[[int, dict[str, str]], PlaceRecord | None],
) -> ParsedFile:
    parsed = ParsedFile()
    try:
        for line, row, broken in _csv_rows(data, delimiter=delimiter, required=required):
            if row is None:
                parsed.errors.append(RowError(line, broken))
                continue
            try:
                record = convert(line, row)
            except BadValue as exc:
                parsed.errors.append(RowError(line, str(exc)))
                continue
            except SkipRow as exc:
                parsed.skipped += 1
                parsed.skipped_rows.append(RowError(line, str(exc)))
                continue
            if record is None:
                parsed.skipped += 1
            else:
                _keep(parsed, record)
    except BadValue as exc:
        parsed.errors.append(RowError(1, str(exc)))
    except csv.Error as exc:
        parsed.errors.append(RowError(1, _("unreadable CSV: %(error)s") % {"error": exc}))
    return parsed


def _keep(parsed: ParsedFile, record: PlaceRecord) -> None:
    parsed.records.append(record)
    parsed.warnings.extend(RowError(record.line, w) for w in drop_invalid_contacts(record))


def _require_name(name: str) -> str:
    """The name without control or bidirectional characters (a right-to-left override would
    show it reversed on every page); ``BadValue`` when nothing is left."""
    name = strip_invisible(name)
    if not name:
        raise BadValue(_("missing name"))
    return name


# --- CGET / ANCT census 2019 ---------------------------------------------------------------

CGET_COLUMNS = {"ID", "NOM_TL", "ADRESSE", "CP", "INSEECOM", "NOMCOM", "TYPO", "LAT", "LONG"}
CGET_TYPO = {
    "tiers lieux a dominante coworking": ["coworking"],
    "tiers lieux a dominante fablab": ["fablab"],
    "": [],
}


def _postcode_departement(postcode: str) -> list[str]:
    """The départements a French postcode may belong to (971..976 overseas; 20 is Corse)."""
    if len(postcode) != 5 or not postcode.isdigit():
        return []
    if postcode.startswith("97"):
        return [postcode[:3]]
    if postcode.startswith("20"):
        return ["2A", "2B"]
    return [postcode[:2]]


def read_cget(
    data: bytes,
    *,
    regions: Collection[str] = ("75",),
    departement_regions: Mapping[str, str] | None = None,
) -> ParsedFile:
    """The CGET/ANCT "Mission Coworking" census (2019): comma-separated, UTF-8. Rows of a
    region outside ``regions`` (the served ones; empty: all) are skipped, each with its reason.

    Seven rows have no region (``INSEEREG`` empty): their region is the one of the département
    of their postcode, read in ``departement_regions`` (code -> region code); without it, or
    for a postcode it does not know, the row is kept and its commune decides."""
    import datetime

    def row_region(row: dict[str, str]) -> str:
        region = row.get("INSEEREG", "")
        if region or not departement_regions:
            return region
        found = {
            departement_regions[code]
            for code in _postcode_departement(row.get("CP", ""))
            if code in departement_regions
        }
        return found.pop() if len(found) == 1 else ""

    def convert(line: int, row: dict[str, str]) -> PlaceRecord | None:
        region = row_region(row)
        if region and not _REGION_CODE.match(region):
            raise BadValue(_("unreadable region code (INSEEREG): “%(value)s”") % {"value": region})
        if regions and region and region not in regions:
            raise SkipRow(
                _("region %(code)s (%(name)s) is not served by this deployment")
                % {"code": region, "name": region_name(region)}
            )
        typo = normalize(row["TYPO"])
        if typo not in CGET_TYPO:
            raise BadValue(_("unknown typology: “%(value)s”") % {"value": row["TYPO"]})
        lon, lat = parse_coordinates(
            parse_float(row["LONG"], what="longitude"), parse_float(row["LAT"], what="latitude")
        )
        if not row["ID"]:
            raise BadValue(_("missing identifier (%(column)s)") % {"column": "ID"})
        social = {k.lower(): clean_url(row.get(k, "")) for k in ("TWITTER", "FACEBOOK")}
        return PlaceRecord(
            line=line,
            source_id=row["ID"],
            name=_require_name(row["NOM_TL"]),
            lon=lon,
            lat=lat,
            insee_code=clean_insee(row["INSEECOM"]),
            postcode=clean_postcode(row["CP"]),
            city=row.get("COMINIT") or row["NOMCOM"],
            address=row["ADRESSE"],
            kinds=CGET_TYPO[typo],
            website=clean_url(row.get("WEB", "")),
            email=row.get("MAIL", ""),
            social_links={k: v for k, v in social.items() if v},
            source_date=datetime.date(2019, 6, 13),
        )

    return _read_csv(data, delimiter=",", required=CGET_COLUMNS, convert=convert)


# --- France Tiers-Lieux census (bdftl-YYYY-MM-fiche-identite.csv) -------------------------

FTL_COLUMNS = {"ID_UNIQUE", "NOM", "ADRESSE", "CODPOST", "VILLE", "LATITUDE", "LONGITUDE"}
FTL_STATES = {
    "en fonctionnement": "open",
    "ouvert": "open",
    "en activite": "open",
    "en projet": "project",
    "projet": "project",
    "ferme": "closed",
    "fermé": "closed",
}


def read_france_tiers_lieux(
    data: bytes, *, regions: Collection[str] = (), departement_regions: DepRegions = None
) -> ParsedFile:
    """The France Tiers-Lieux census: ``;``-separated, UTF-8 with BOM, decimal commas."""

    def convert(line: int, row: dict[str, str]) -> PlaceRecord | None:
        lon, lat = parse_coordinates(
            parse_float(row["LONGITUDE"], what="longitude", decimal_comma=True),
            parse_float(row["LATITUDE"], what="latitude", decimal_comma=True),
        )
        state_text = normalize(row.get("état du projet", ""))
        if state_text and state_text not in FTL_STATES:
            raise BadValue(
                _("unknown project state: “%(value)s”") % {"value": row["état du projet"]}
            )
        state = FTL_STATES.get(state_text, "open")
        if not row["ID_UNIQUE"]:
            raise BadValue(_("missing identifier (%(column)s)") % {"column": "ID_UNIQUE"})
        families = row.get("familles_tiers_lieux", "")
        return PlaceRecord(
            line=line,
            source_id=row["ID_UNIQUE"],
            name=_require_name(row["NOM"]),
            lon=lon,
            lat=lat,
            postcode=clean_postcode(row["CODPOST"]),
            city=row["VILLE"],
            address=row["ADRESSE"],
            kinds=codes_from_text(families, KIND_KEYWORDS) or (["hybrid"] if families else []),
            state=state,
            website=clean_url(row.get("INTERNET", "")),
        )

    return _read_csv(data, delimiter=";", required=FTL_COLUMNS, convert=convert)


# --- Région Nouvelle-Aquitaine layer -------------------------------------------------------

REGION_COLUMNS = {
    "id",
    "nom",
    "typologie",
    "adresse",
    "code_postal",
    "numcom",
    "x_wgs84",
    "y_wgs84",
}
REGION_TYPOLOGY = {"5": "shared_farmland", "7": "craft_workshop", "8": "coworking", "9": "fablab"}
REGION_MANAGEMENT = {"82", "83", "84", "85", "86", "89", "132", "133", "134", "135", "136"}


def read_region_layer(
    data: bytes, *, regions: Collection[str] = (), departement_regions: DepRegions = None
) -> ParsedFile:
    """The Région's layer (CSV export, ``;`` or ``,``); typology and management codes."""
    delimiter = ";" if data[:2000].count(b";") > data[:2000].count(b",") else ","

    def convert(line: int, row: dict[str, str]) -> PlaceRecord | None:
        kinds = []
        for code in filter(
            None, (c.strip() for c in row["typologie"].replace(",", "|").split("|"))
        ):
            if code not in REGION_TYPOLOGY:
                raise BadValue(
                    _("unknown typology code: “%(code)s” (5, 7, 8 or 9)") % {"code": code}
                )
            kinds.append(REGION_TYPOLOGY[code])
        management = row.get("mode_gestion", "")
        if management and management not in REGION_MANAGEMENT:
            raise BadValue(_("unknown management code: “%(code)s”") % {"code": management})
        lon, lat = parse_coordinates(
            parse_float(row["x_wgs84"], what="x_wgs84", decimal_comma=True),
            parse_float(row["y_wgs84"], what="y_wgs84", decimal_comma=True),
        )
        if not row["id"]:
            raise BadValue(_("missing identifier (%(column)s)") % {"column": "id"})
        return PlaceRecord(
            line=line,
            source_id=row["id"],
            name=_require_name(row["nom"]),
            lon=lon,
            lat=lat,
            insee_code=clean_insee(row.get("code_officiel", "") or row["numcom"]),
            postcode=clean_postcode(row["code_postal"]),
            city=row.get("nomcom", ""),
            address=row["adresse"],
            kinds=kinds,
            services=codes_from_text(row.get("service_annexe", ""), SERVICE_KEYWORDS),
            legal_form=management,
            pmr_accessible=parse_bool(row.get("acces_pmr", ""), what="acces_pmr"),
            fibre_access=parse_bool(row.get("acces_fibre", ""), what="acces_fibre"),
            website=clean_url(row.get("url_web", "")),
        )

    return _read_csv(data, delimiter=delimiter, required=REGION_COLUMNS, convert=convert)


# --- GeoJSON (our open data export, or any FeatureCollection of points) --------------------


def read_geojson(
    data: bytes, *, regions: Collection[str] = (), departement_regions: DepRegions = None
) -> ParsedFile:
    """A FeatureCollection of Points; properties named as in the open data export."""
    parsed = ParsedFile()
    try:
        collection = json.loads(_decode(data))
    except (json.JSONDecodeError, BadValue) as exc:
        parsed.errors.append(RowError(1, _("unreadable GeoJSON: %(error)s") % {"error": exc}))
        return parsed
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        parsed.errors.append(RowError(1, _("the file is not a GeoJSON FeatureCollection")))
        return parsed
    for number, feature in enumerate(collection.get("features") or [], start=1):
        try:
            _keep(parsed, _geojson_record(number, feature))
        except BadValue as exc:
            parsed.errors.append(RowError(number, str(exc)))
    return parsed


def _geojson_record(number: int, feature: dict) -> PlaceRecord:
    if not isinstance(feature, dict):
        raise BadValue(_("unreadable feature"))
    geometry = feature.get("geometry") or {}
    props = feature.get("properties") or {}
    if geometry.get("type") != "Point":
        raise BadValue(
            _("geometry %(type)r: only points are accepted") % {"type": geometry.get("type")}
        )
    try:
        lon, lat = (float(v) for v in geometry["coordinates"][:2])
    except (KeyError, TypeError, ValueError) as exc:
        raise BadValue(_("unreadable point coordinates")) from exc
    lon, lat = parse_coordinates(lon, lat)
    source_id = str(props.get("id") or feature.get("id") or "")
    if not source_id:
        raise BadValue(_("missing identifier (%(column)s)") % {"column": "id"})

    def text(key: str) -> str:
        value = props.get(key)
        return "" if value is None else str(value).strip()

    def split(value) -> list[str]:
        if isinstance(value, list):
            return [str(v) for v in value]
        return [v for v in str(value or "").split("|") if v]

    kinds, services = split(props.get("types")), split(props.get("services"))
    for code in kinds:
        if code not in PlaceKind.values:
            raise BadValue(_("unknown kind: “%(code)s”") % {"code": code})
    for code in services:
        if code not in PlaceService.values:
            raise BadValue(_("unknown service: “%(code)s”") % {"code": code})
    state = str(props.get("statut") or PlaceState.OPEN)
    if state not in PlaceState.values:
        raise BadValue(_("unknown status: “%(code)s”") % {"code": state})
    return PlaceRecord(
        line=number,
        source_id=source_id,
        name=_require_name(str(props.get("nom") or props.get("name") or "").strip()),
        lon=lon,
        lat=lat,
        insee_code=clean_insee(text("commune_insee")),
        postcode=clean_postcode(text("code_postal")),
        city=text("commune"),
        address=text("adresse"),
        description=text("description"),
        kinds=kinds,
        services=services,
        state=state,
        opened_on=parse_date(text("ouvert_depuis"), what="ouvert_depuis"),
        closed_on=parse_date(text("ferme_le"), what="ferme_le"),
        pmr_accessible=parse_bool(text("acces_pmr"), what="acces_pmr"),
        fibre_access=parse_bool(text("acces_fibre"), what="acces_fibre"),
        website=clean_url(text("site_web")),
        email=text("courriel"),
        opening_hours=text("horaires"),
    )


READERS: dict[str, Reader] = {
    "cget_2019": read_cget,
    "france_tiers_lieux": read_france_tiers_lieux,
    "region_layer": read_region_layer,
    "geojson": read_geojson,
}


def read_file(
    source: str,
    data: bytes,
    *,
    regions: Collection[str] = ("75",),
    departement_regions: Mapping[str, str] | None = None,
) -> ParsedFile:
    """Read ``data`` in the format of ``source`` (a key of ``READERS``), keeping the rows of
    ``regions`` where the format says the region (the CGET census); the others keep every row
    and the import refuses the places whose commune is not loaded."""
    if source not in READERS:
        raise ValueError(f"Unknown import format {source!r}")
    return READERS[source](data, regions=regions, departement_regions=departement_regions)
