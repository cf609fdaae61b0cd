"""Open data downloads of the directory (CSV and GeoJSON), public and streamed."""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.views.decorators.http import require_GET

from tierslieux.core.region_choice import RegionNotServed
from tierslieux.places import opendata

CHUNK_SIZE = 500


@require_GET
def opendata_csv(request: HttpRequest) -> HttpResponse:
    """Published places as CSV (``data/schemas/tiers-lieux.schema.json``), filterable."""
    try:
        filters = opendata.filters_from_query(request.GET)
    except RegionNotServed as refused:
        return HttpResponseBadRequest(str(refused), content_type="text/plain; charset=utf-8")
    places = opendata.opendata_places(filters=filters)
    response = StreamingHttpResponse(
        opendata.csv_lines(places.iterator(chunk_size=CHUNK_SIZE)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{opendata.CSV_FILENAME}"'
    return response


@require_GET
def opendata_geojson(request: HttpRequest) -> HttpResponse:
    """Published places as a GeoJSON FeatureCollection with attribution and licence."""
    try:
        filters = opendata.filters_from_query(request.GET)
    except RegionNotServed as refused:
        return HttpResponseBadRequest(str(refused), content_type="text/plain; charset=utf-8")
    places = opendata.opendata_places(filters=filters)
    attribution = opendata.attribution_text(opendata.export_sources(places))
    response = StreamingHttpResponse(
        opendata.geojson_chunks(places.iterator(chunk_size=CHUNK_SIZE), attribution=attribution),
        content_type="application/geo+json",
    )
    response["Content-Disposition"] = f'attachment; filename="{opendata.GEOJSON_FILENAME}"'
    return response
