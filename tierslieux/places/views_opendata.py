"""Open data downloads of the directory (CSV and GeoJSON), public and streamed."""

from django.http import HttpRequest, StreamingHttpResponse
from django.views.decorators.http import require_GET

from tierslieux.places import opendata

CHUNK_SIZE = 500


@require_GET
def opendata_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Published places as CSV (``data/schemas/tiers-lieux.schema.json``), filterable."""
    places = opendata.opendata_places(filters=opendata.filters_from_query(request.GET))
    response = StreamingHttpResponse(
        opendata.csv_lines(places.iterator(chunk_size=CHUNK_SIZE)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{opendata.CSV_FILENAME}"'
    return response


@require_GET
def opendata_geojson(request: HttpRequest) -> StreamingHttpResponse:
    """Published places as a GeoJSON FeatureCollection with attribution and licence."""
    places = opendata.opendata_places(filters=opendata.filters_from_query(request.GET))
    attribution = opendata.attribution_text(opendata.export_sources(places))
    response = StreamingHttpResponse(
        opendata.geojson_chunks(places.iterator(chunk_size=CHUNK_SIZE), attribution=attribution),
        content_type="application/geo+json",
    )
    response["Content-Disposition"] = f'attachment; filename="{opendata.GEOJSON_FILENAME}"'
    return response
