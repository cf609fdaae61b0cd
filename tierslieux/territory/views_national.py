"""The national view of the mesh page (``?region=all``, ``?region=84``, ``?region=75,84``):
regions and départements compared, the map of France, the downloads (docs/national-view.md).

Figures come from ``national.national_totals_cached`` (computed once for the whole loaded
demand, left in the cache by ``manage.py coverage --regions``); a request only sums and sorts.
"""

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from tierslieux.core.permissions import permission_required
from tierslieux.core.regions import ALL, REGIONS, UnknownRegionError, parse_regions, region_name
from tierslieux.territory import national, national_exports
from tierslieux.territory.mesh import MeshParams

MAX_REGION_PARAM = 100
"""Longest ``region`` parameter read (18 codes and their commas fit)."""

SORT_KEYS: tuple[str, ...] = (
    "code",
    "name",
    "population",
    "places",
    "inhabitants_per_place",
    "places_per_100k",
    "share_covered",
    "population_beyond",
    "committed_cents",
)

# Classes of the map (share within the threshold): lower bound, colour (ColorBrewer YlGnBu, 5
# classes, colour-blind safe), label.
SHARE_CLASSES: tuple[tuple[float, str, str], ...] = (
    (0.9, "#253494", "≥ 90 %"),
    (0.8, "#2c7fb8", "80–90 %"),
    (0.7, "#41b6c4", "70–80 %"),
    (0.5, "#a1dab4", "50–70 %"),
    (0.0, "#ffffcc", "< 50 %"),
)


def served_regions() -> tuple[str, ...]:
    return tuple(settings.TERRITORY_REGIONS)


def regions_of_request(value: str) -> tuple[str, ...]:
    """The regions ``?region=`` names, served and loaded, or 404. ``all``: every served region
    that is loaded (the page's notes name the neighbours that are not)."""
    value = value.strip()[:MAX_REGION_PARAM]
    served = served_regions()
    if value.lower() == ALL:
        loaded = set(national.loaded_regions())
        regions = tuple(code for code in served if code in loaded)
        if not regions:
            raise Http404("No region served is loaded.")
        return regions
    try:
        regions = parse_regions(value)
    except UnknownRegionError as exc:
        raise Http404(str(exc)) from exc
    if any(code not in served for code in regions):
        raise Http404("This deployment does not serve that region.")
    try:
        return national.regions_check(regions)
    except ValueError as exc:
        raise Http404(str(exc)) from exc


def _sorted(rows: list[national.AreaRow], key: str, descending: bool) -> list[national.AreaRow]:
    present = [r for r in rows if getattr(r, key) is not None]
    missing = [r for r in rows if getattr(r, key) is None]
    present.sort(key=lambda r: (getattr(r, key), r.code), reverse=descending)
    return present + missing  # no value last, whatever the order


def region_choices(current: str) -> list[dict[str, Any]]:
    """Links to France (every served region) and to each served region that is loaded."""
    loaded = set(national.loaded_regions())
    served = tuple(code for code in served_regions() if code in loaded)
    base = reverse("territory:territory_detail")
    choices = [
        {
            "value": ALL,
            "label": gettext("France") if set(served) == set(REGIONS) else gettext("All regions"),
            "url": f"{base}?{urlencode({'region': ALL})}",
        }
    ]
    choices += [
        {"value": code, "label": region_name(code), "url": f"{base}?{urlencode({'region': code})}"}
        for code in served
    ]
    for choice in choices:
        choice["current"] = choice["value"] == current
    return choices


def sort_columns(
    current: str, key: str, descending: bool, *, minutes: float
) -> list[dict[str, Any]]:
    """The comparison's columns, each a link sorting by it (again: the other way)."""
    labels = (
        ("name", gettext("Area"), False),
        ("places", gettext("Tiers-lieux located there"), True),
        ("population", gettext("Inhabitants"), True),
        ("inhabitants_per_place", gettext("Inhabitants per place"), True),
        ("places_per_100k", gettext("Places per 100,000 inhabitants"), True),
        (
            "share_covered",
            gettext("Share within %(minutes)s minutes") % {"minutes": f"{minutes:g}"},
            True,
        ),
        ("population_beyond", gettext("White-zone population"), True),
        ("committed_cents", gettext("Money committed"), True),
    )
    base = reverse("territory:territory_detail")
    columns = []
    for name, label, numeric in labels:
        order = "asc" if key == name and descending else "desc"
        if key != name and not numeric:
            order = "asc"
        query = urlencode({"region": current, "sort": name, "order": order})
        columns.append(
            {
                "key": name,
                "label": label,
                "numeric": numeric,
                "url": f"{base}?{query}#comparison",
                "state": ("descending" if descending else "ascending") if key == name else "",
            }
        )
    return columns


def _map_config(report: national.NationalReport) -> dict[str, Any]:
    return {
        "outlinesUrl": reverse("places:outlines_geojson") + "?level=departement",
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
        "dataAttribution": "Insee, Eurostat, Etalab, IGN · Tiers-lieux : CGET / ANCT",
        "shares": {
            row.code: round(row.share_covered, 4)
            for row in report.departement_rows
            if row.population > 0
        },
        "names": {row.code: row.name for row in report.departement_rows},
        "classes": [
            {"min": lower, "colour": colour, "label": label}
            for lower, colour, label in SHARE_CLASSES
        ],
        "labels": {
            "loading": gettext("Loading the map…"),
            "loaded": gettext("Map loaded: %(count)s départements coloured by share covered."),
            "failed": gettext("The map could not be loaded: use the tables below."),
            "share": gettext("%(share)s of inhabitants within the threshold"),
        },
    }


@require_GET
@permission_required("territory.view")
def national_detail(request: HttpRequest) -> HttpResponse:
    """Regions and départements compared, with the map of France and the downloads."""
    param = request.GET.get("region", "")
    regions = regions_of_request(param)
    report = national.national_report(
        national.national_totals_cached(MeshParams.from_settings()), regions
    )
    key = request.GET.get("sort", "code")
    key = key if key in SORT_KEYS else "code"
    descending = request.GET.get("order") == "desc"
    current = ALL if param.strip().lower() == ALL else ",".join(regions)
    columns = sort_columns(current, key, descending, minutes=report.params.minutes)
    downloads = {
        kind: {
            fmt: reverse("territory:national_download", kwargs={"kind": kind, "format": fmt})
            + "?"
            + urlencode({"region": current})
            for fmt in national_exports.FORMATS
        }
        for kind in national_exports.KINDS
    }
    context = {
        "report": report,
        "region_rows": _sorted(report.region_rows, key, descending),
        "departement_rows": _sorted(report.departement_rows, key, descending),
        "region_columns": columns,
        "departement_columns": [c for c in columns if c["key"] != "committed_cents"],
        "choices": region_choices(current),
        "downloads": downloads,
        "share_classes": SHARE_CLASSES,
        "overseas_regions": [row for row in report.region_rows if row.overseas],
        "map_config": _map_config(report),
    }
    return render(request, "territory/national_detail.html", context)


@require_GET
@permission_required("territory.view")
def national_download(request: HttpRequest, kind: str, format: str) -> HttpResponse:
    """The comparison of ``?region=`` as CSV or GeoJSON."""
    if kind not in national_exports.KINDS or format not in national_exports.FORMATS:
        raise Http404("unknown download")
    regions = regions_of_request(request.GET.get("region", ALL))
    report = national.national_report(
        national.national_totals_cached(MeshParams.from_settings()), regions
    )
    file = national_exports.national_file(kind=kind, fmt=format, report=report)
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    return response
