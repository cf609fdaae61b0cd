from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_POST

from tierslieux.core.models import TaskProgress
from tierslieux.core.params import query_id
from tierslieux.core.permissions import permission_required, user_can
from tierslieux.core.selectors import task_progress_get
from tierslieux.core.tasks import TaskLimitReached, task_enqueue, task_progress_checked
from tierslieux.territory import exports, selectors, tasks, views_national
from tierslieux.territory.forms import CommuneSearchForm, ScenarioForm
from tierslieux.territory.mesh import MeshParams, places_read
from tierslieux.territory.mesh_cache import mesh_report_cached, territory_facts_cached

WHITE_ZONES_SHOWN = 25

# Classes of the map (mean minutes to the nearest place): upper bound, colour (ColorBrewer
# YlOrRd, 5 classes, colour-blind safe), label. The last class has no upper bound.
TIME_CLASSES: tuple[tuple[float | None, str, str], ...] = (
    (10, "#ffffb2", "≤ 10 min"),
    (20, "#fecc5c", "10–20 min"),
    (30, "#fd8d3c", "20–30 min"),
    (45, "#f03b20", "30–45 min"),
    (None, "#bd0026", "> 45 min"),
)
NO_DATA_COLOUR = "#d9d9d9"


def _scenario_progress(request: HttpRequest, pk: int) -> TaskProgress:
    """The requester's own scenario ``pk`` (404 for anyone else, or another kind of task)."""
    rows = task_progress_get(user=request.user, pk=pk).filter(label=tasks.SCENARIO_LABEL)
    return task_progress_checked(get_object_or_404(rows))


def _finished_scenario(request: HttpRequest, pk: int) -> tuple[TaskProgress, MeshParams]:
    progress = _scenario_progress(request, pk)
    if progress.state != "succeeded" or not progress.result:
        raise Http404("scenario not finished")
    return progress, _params_of(progress.result)


def _params_of(result: dict[str, Any]) -> MeshParams:
    params = result.get("params", {})
    return MeshParams.from_settings(
        **{k: params.get(k) for k in ("minutes", "model", "detour_factor", "speed_kmh", "demand")}
    )


def _downloads(pk: int | None = None) -> dict[str, dict[str, str]]:
    kinds = (
        exports.KINDS
        if pk is not None
        else [k for k in exports.KINDS if k not in exports.SCENARIO_ONLY_KINDS]
    )
    extra = {"pk": pk} if pk is not None else {}
    return {
        kind.replace("-", "_"): {
            fmt: reverse("territory:mesh_download", kwargs={"kind": kind, "format": fmt, **extra})
            for fmt in exports.FORMATS
        }
        for kind in kinds
    }


def _map_config() -> dict[str, Any]:
    places = places_read()
    outlines = reverse("places:outlines_geojson")
    return {
        "communesUrl": outlines + "?level=commune",
        "departementsUrl": outlines + "?level=departement",
        "timesUrl": reverse("territory:commune_times"),
        "townsUrl": reverse("places:towns_json"),
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
        "dataAttribution": "Insee, Eurostat, Etalab, IGN · Tiers-lieux : CGET / ANCT",
        "places": [
            [round(lon, 5), round(lat, 5), name]
            for lon, lat, name in zip(places.lon, places.lat, places.labels, strict=True)
        ],
        "classes": [
            {"max": upper, "colour": colour, "label": label}
            for upper, colour, label in TIME_CLASSES
        ],
        "noDataColour": NO_DATA_COLOUR,
        "labels": {
            "times": gettext("Mean travel time per commune"),
            "whiteZones": gettext("White zones (outlined)"),
            "places": gettext("Open tiers-lieux"),
            "sites": gettext("Recommended sites"),
            "departements": gettext("Départements"),
            "towns": gettext("Town names"),
            "loading": gettext("Loading the map…"),
            "loaded": gettext("Map loaded: %(count)s communes coloured by mean travel time."),
            "failed": gettext("The map could not be loaded: use the tables below."),
            "noData": gettext("no inhabitants in the grid"),
            "minutes": gettext("%(minutes)s min on average"),
            "covered": gettext("%(share)s of inhabitants within the threshold"),
            "whiteZone": gettext("white zone"),
            "site": gettext("Recommended site no. %(rank)s: %(name)s"),
            "sitesDrawn": gettext("%(count)s recommended sites drawn on the map."),
            "scenarioTimes": gettext("Colours: mean travel times with the scenario's parameters."),
        },
    }


def _page(
    request: HttpRequest,
    *,
    form: ScenarioForm | None = None,
    progress: TaskProgress | None = None,
    status: int = 200,
) -> HttpResponse:
    report = mesh_report_cached()
    figures, departement_table = territory_facts_cached()
    can_run = user_can(request.user, "territory.run_analysis")
    if can_run and form is None:
        initial = (progress.result or {}).get("request") if progress is not None else None
        form = ScenarioForm(initial=initial) if initial else ScenarioForm()
    context = {
        "report": report,
        "figures": figures,
        "departements": exports.departement_rows(report, departement_table),
        "region_mean_minutes": exports.region_mean_minutes(report),
        "white_zones": exports.white_zone_records(report, limit=WHITE_ZONES_SHOWN),
        "white_zones_shown": WHITE_ZONES_SHOWN,
        "rural_share_of_population": (
            report.rural.population / report.population if report.population else 0.0
        ),
        "can_run": can_run,
        "form": form if can_run else None,
        "progress": progress,
        "downloads": _downloads(),
        "attribution": exports.ATTRIBUTION,
        "time_classes": TIME_CLASSES,
        "no_data_colour": NO_DATA_COLOUR,
        "map_config": _map_config(),
        "national_choices": (
            views_national.region_choices("") if len(settings.TERRITORY_REGIONS) > 1 else []
        ),
    }
    return render(request, "territory/territory_detail.html", context, status=status)


@require_GET
@permission_required("territory.view")
def territory_detail(request: HttpRequest) -> HttpResponse:
    """The territorial mesh: key figures, map, white zones, départements, scenarios; with
    ``?region=``, the national comparison (``views_national``)."""
    if "region" in request.GET:
        return views_national.national_detail(request)
    progress = None
    scenario = query_id(request.GET, "scenario")
    if scenario is not None and user_can(request.user, "territory.run_analysis"):
        progress = _scenario_progress(request, scenario)
    return _page(request, progress=progress)


def _scenario_context(form: ScenarioForm, progress: TaskProgress | None) -> dict[str, Any]:
    return {"form": form, "progress": progress, "can_run": True}


@require_POST
@permission_required("territory.run_analysis")
def scenario_run(request: HttpRequest) -> HttpResponse:
    """Start a scenario in the background; the page then polls ``scenario_result``."""
    form = ScenarioForm(request.POST)
    if not form.is_valid():
        if request.htmx:
            return render(request, "territory/_scenario.html", _scenario_context(form, None))
        return _page(request, form=form, status=400)
    params = form.mesh_params()
    try:
        progress = task_enqueue(
            tasks.mesh_scenario,
            label=tasks.SCENARIO_LABEL,
            by=request.user,
            params={
                "minutes": params.minutes,
                "model": params.model,
                "detour_factor": params.detour_factor,
                "speed_kmh": params.speed_kmh,
                "demand": params.demand,
            },
            request=form.request_record(),
            language=get_language() or settings.LANGUAGE_CODE,
            **form.recommend_kwargs(),
        )
    except TaskLimitReached as refused:
        form.add_error(None, str(refused))
        if request.htmx:
            context = _scenario_context(form, None)
            return render(request, "territory/_scenario.html", context, status=429)
        return _page(request, form=form, status=429)
    if request.htmx:
        return render(request, "territory/_scenario.html", _scenario_context(form, progress))
    return redirect(reverse("territory:territory_detail") + f"?scenario={progress.pk}#scenario")


@require_GET
@permission_required("territory.run_analysis")
def scenario_result(request: HttpRequest, pk: int) -> HttpResponse:
    """The scenario's progress, then its result (an HTMX fragment polled every second)."""
    progress = _scenario_progress(request, pk)
    return render(request, "territory/_scenario_result.html", {"progress": progress})


@require_GET
@gzip_page
@permission_required("territory.view")
def commune_times(request: HttpRequest) -> JsonResponse:
    """Per commune: mean minutes to the nearest place, share covered, white zone (the map)."""
    params = None
    if request.GET.get("scenario"):
        scenario = query_id(request.GET, "scenario")
        if scenario is None:
            raise Http404("scenario must be a number")
        _progress, params = _finished_scenario(request, scenario)
    report = mesh_report_cached(params)
    return JsonResponse(exports.commune_times(report))


@require_GET
@permission_required("territory.view")
def mesh_download(
    request: HttpRequest, kind: str, format: str, pk: int | None = None
) -> HttpResponse:
    """A result as CSV or GeoJSON; with ``pk``, of the requester's finished scenario."""
    if kind not in exports.KINDS or format not in exports.FORMATS:
        raise Http404("unknown download")
    scenario = None
    if pk is not None:
        progress, params = _finished_scenario(request, pk)
        scenario = progress.result
    elif kind in exports.SCENARIO_ONLY_KINDS:
        raise Http404("the sites belong to a scenario")
    else:
        params = MeshParams.from_settings()
    file = exports.mesh_file(
        kind=kind, fmt=format, params=params, scenario=scenario, scenario_id=pk
    )
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    return response


@require_GET
@permission_required("territory.view")
def commune_search(request: HttpRequest) -> HttpResponse:
    """Autocomplete: communes matching a name prefix, an INSEE code or a postcode."""
    form = CommuneSearchForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"results": [], "errors": form.errors.get_json_data()}, status=400)
    communes = selectors.commune_search(query=form.cleaned_data["q"])
    return JsonResponse(
        {
            "results": [
                {
                    "code": c.code,
                    "name": c.name,
                    "departement": c.departement_id,
                    "postal_codes": c.postal_codes,
                    "lon": c.lon,
                    "lat": c.lat,
                }
                for c in communes
            ]
        }
    )
