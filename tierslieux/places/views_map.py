"""The public map of the directory, its GeoJSON feeds, and "near me"."""

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.middleware.gzip import re_accepts_gzip as ACCEPTS_GZIP
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from tierslieux.core.permissions import permission_required
from tierslieux.core.region_choice import served_name
from tierslieux.places import mapdata, maptable, nearby, selectors
from tierslieux.places.forms import PlaceFilterForm
from tierslieux.places.map_layers import map_layers_config
from tierslieux.territory import selectors as territory_selectors

MAP_DATA_ATTRIBUTION = (
    "Tiers-lieux : CGET / ANCT, Mission Coworking 2019, France Tiers-Lieux, Région "
    "Nouvelle-Aquitaine (Licence Ouverte 2.0) · Contours : IGN / Insee, Etalab découpage "
    "administratif 6.0.0 (Licence Ouverte 2.0)"
)
MAP_DATA_ATTRIBUTION_SHORT = (
    "Tiers-lieux : CGET / ANCT, France Tiers-Lieux · Contours : IGN / Insee"
)
"""The map's own attribution control (the full text is printed under the map)."""
MAP_FEED_MAX_AGE = 60
"""Seconds a browser (or a shared cache) reuses the public map data without asking."""


class NearForm(forms.Form):
    """Where the visitor lives (typed text, or a commune picked among suggestions) and how far
    they would travel."""

    q = forms.CharField(label=_("Commune or postcode"), max_length=80, required=False)
    code = forms.CharField(max_length=5, required=False)
    minutes = forms.IntegerField(
        label=_("Longest travel time (minutes)"),
        min_value=5,
        max_value=120,
        required=False,
    )

    def clean_minutes(self) -> int:
        return self.cleaned_data["minutes"] or nearby.DEFAULT_THRESHOLD_MINUTES


def _filters(request: HttpRequest) -> tuple[PlaceFilterForm, selectors.PlaceFilters]:
    """The directory's filters, read from the query string exactly as the directory does."""
    form = PlaceFilterForm(request.GET or None)
    return form, form.filters()


@require_GET
@permission_required("places.view_map")
def place_map(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    places_count, places_rows = maptable.map_table(user=request.user, filters=filters)
    query = request.GET.urlencode()
    suffix = f"?{query}" if query else ""
    config = {
        "placesUrl": reverse("places:places_geojson") + suffix,
        "departementsUrl": reverse("places:outlines_geojson") + "?level=departement",
        "communesUrl": reverse("places:outlines_geojson")
        + "?level=commune"
        + (f"&departement={filters.departement}" if filters.departement else ""),
        "townsUrl": reverse("places:towns_json"),
        "extraLayers": map_layers_config(),
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
        "dataAttribution": MAP_DATA_ATTRIBUTION_SHORT,
        "labels": {
            "towns": gettext("Town names"),
            "places": gettext("Tiers-lieux"),
            "departements": gettext("Départements"),
            "communes": gettext("Communes"),
            "loading": gettext("Loading the map…"),
            "loaded": gettext("%(count)s tiers-lieux on the map."),
            "failed": gettext("The map could not be loaded: use the list below."),
        },
    }
    context = {
        "form": form,
        "places_count": places_count,
        "places_rows": places_rows,
        "config": config,
        "list_url": reverse("places:place_list") + suffix,
        "data_attribution": MAP_DATA_ATTRIBUTION,
    }
    return render(request, "places/place_map.html", context)


@require_GET
@permission_required("places.view_map")
def places_geojson(request: HttpRequest) -> HttpResponse:
    """The places of the map, with the directory's filters; visibility from the user.

    Built once per state of the directory and cached (``mapdata``), compressed once, and
    answered 304 to a browser that holds the current version.
    """
    # Without filters (the map as it opens), no form: its choices cost three queries.
    filters = selectors.PlaceFilters()
    if request.GET:
        form, filters = _filters(request)
        if form.region_error:
            return HttpResponseBadRequest(form.region_error, content_type="text/plain")
    etag = mapdata.map_feed_etag(user=request.user, filters=filters)
    response = get_conditional_response(request, etag=etag)
    if response is None:
        feed = mapdata.map_feed(user=request.user, filters=filters, etag=etag)
        if ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
            response = HttpResponse(feed.gzipped, content_type="application/json")
            response["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(feed.body, content_type="application/json")
    response["ETag"] = etag
    if request.user.is_authenticated:
        # Staff may see unpublished places: never in a shared cache, always revalidated.
        response["Cache-Control"] = "private, no-cache"
    else:
        response["Cache-Control"] = f"public, max-age={MAP_FEED_MAX_AGE}"
    patch_vary_headers(response, ("Accept-Encoding", "Accept-Language", "Cookie"))
    return response


@require_GET
@gzip_page
@cache_control(public=True, max_age=3600)
@permission_required("places.view_map")
def outlines_geojson(request: HttpRequest) -> HttpResponse:
    """Département or commune outlines from our own territory data (no tile server needed)."""
    level = request.GET.get("level", "departement")
    departement = request.GET.get("departement", "")[:3]
    if level not in territory_selectors.OUTLINE_LEVELS:
        return HttpResponseBadRequest("level must be departement or commune")
    if departement and not departement.isalnum():
        return HttpResponseBadRequest("departement must be a département code")
    body = territory_selectors.outlines_geojson(level=level, departement=departement)
    return HttpResponse(body, content_type="application/geo+json")


@require_GET
@gzip_page
@cache_control(public=True, max_age=3600)
@permission_required("places.view_map")
def towns_json(request: HttpRequest) -> HttpResponse:
    """Commune names and populations at their town hall, for the maps' base layer of names."""
    return HttpResponse(territory_selectors.towns_json(), content_type="application/json")


@require_GET
@permission_required("places.find_near")
def place_near(request: HttpRequest) -> HttpResponse:
    """Published open places by travel time from a commune; the commune is typed or picked."""
    form = NearForm(request.GET or None)
    choice = None
    results = None
    if form.is_bound and form.is_valid():
        choice = nearby.commune_resolve(
            query=form.cleaned_data["q"], code=form.cleaned_data["code"]
        )
        if choice.commune is not None:
            results = nearby.places_near(
                commune=choice.commune, threshold_minutes=form.cleaned_data["minutes"]
            )
        elif not choice.query:
            form.add_error("q", gettext("Type the name of a commune or its postcode."))
        elif choice.is_unknown:
            form.add_error(
                "q",
                gettext(
                    "No commune of %(region)s matches “%(query)s”. Type the name of a commune "
                    "or a five-digit postcode."
                )
                % {"region": served_name(), "query": choice.query},
            )
    context = {
        "form": form,
        "choice": choice,
        "results": results,
        "model": nearby.default_travel_model(),
        "default_minutes": nearby.DEFAULT_THRESHOLD_MINUTES,
        "near_config": {
            "suggestUrl": reverse("territory:commune_search"),
            "labels": {
                "none": gettext("No commune found."),
                "one": gettext("1 commune suggested: use the down arrow to choose it."),
                "many": gettext(
                    "%(count)s communes suggested: use the up and down arrows to choose one."
                ),
            },
        },
    }
    template = "places/_near_results.html" if request.htmx else "places/place_near.html"
    return render(request, template, context)
