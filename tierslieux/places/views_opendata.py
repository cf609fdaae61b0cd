"""Open data downloads of the directory (CSV and GeoJSON), public.

Written once per state of the directory and filters, and kept gzipped in the cache
(``opendata.export_gzipped``); a search by words is streamed row by row as it is written.
"""

import gzip
from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.middleware.gzip import re_accepts_gzip as ACCEPTS_GZIP
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from tierslieux.core.region_choice import RegionNotServed
from tierslieux.places import opendata
from tierslieux.places.selectors import PlaceFilters

CHUNK_SIZE = 500


def _download(
    request: HttpRequest,
    *,
    kind: str,
    filters: PlaceFilters,
    chunks: Callable[[], Iterable[str]],
    content_type: str,
    filename: str,
) -> StreamingHttpResponse:
    if filters.q:
        response = StreamingHttpResponse(chunks(), content_type=content_type)
    else:
        body = opendata.export_gzipped(kind=kind, filters=filters, chunks=chunks)
        if ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
            response = StreamingHttpResponse([body], content_type=content_type)
            response["Content-Encoding"] = "gzip"
        else:
            response = StreamingHttpResponse([gzip.decompress(body)], content_type=content_type)
        patch_vary_headers(response, ("Accept-Encoding",))
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def opendata_csv(request: HttpRequest) -> HttpResponse:
    """Published places as CSV (``data/schemas/tiers-lieux.schema.json``), filterable."""
    try:
        filters = opendata.filters_from_query(request.GET)
    except RegionNotServed as refused:
        return HttpResponseBadRequest(str(refused), content_type="text/plain; charset=utf-8")
    places = opendata.opendata_places(filters=filters)
    return _download(
        request,
        kind="csv",
        filters=filters,
        chunks=lambda: opendata.csv_lines(places.iterator(chunk_size=CHUNK_SIZE)),
        content_type="text/csv; charset=utf-8",
        filename=opendata.CSV_FILENAME,
    )


@require_GET
def opendata_geojson(request: HttpRequest) -> HttpResponse:
    """Published places as a GeoJSON FeatureCollection with attribution and licence."""
    try:
        filters = opendata.filters_from_query(request.GET)
    except RegionNotServed as refused:
        return HttpResponseBadRequest(str(refused), content_type="text/plain; charset=utf-8")
    places = opendata.opendata_places(filters=filters)

    def chunks() -> Iterable[str]:
        attribution = opendata.attribution_text(opendata.export_sources(places))
        return opendata.geojson_chunks(
            places.iterator(chunk_size=CHUNK_SIZE), attribution=attribution
        )

    return _download(
        request,
        kind="geojson",
        filters=filters,
        chunks=chunks,
        content_type="application/geo+json",
        filename=opendata.GEOJSON_FILENAME,
    )
