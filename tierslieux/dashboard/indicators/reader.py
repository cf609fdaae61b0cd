"""The only module of the indicator engine that touches the database: records into plain data.

``records_load`` reads everything the indicators need in a handful of queries (communes,
départements, places, decisions, paid tranches, other grants, surveys, answers). The coverage
of a set of open places (population grid and travel-time model) is computed here too, cached
per (places, parameters), as are the counts of demo records, the territories to choose from,
the fingerprint of the records and what the coverage map draws.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.utils import timezone

from tierslieux.agreements.models import Agreement, PaymentTranche, TrancheState
from tierslieux.calls.models import Application, Call, Decision
from tierslieux.core import clock
from tierslieux.core.regions import region_name
from tierslieux.dashboard.indicators.data import (
    Money,
    Params,
    Place,
    Records,
    Response,
    Survey,
    records_with,
)
from tierslieux.dashboard.indicators.results import DemoSummary
from tierslieux.dashboard.models import GrantLine, OtherGrant
from tierslieux.places.models import Place as PlaceModel
from tierslieux.places.models import PlaceSource
from tierslieux.surveys.models import UNSURE_CONFIDENCES, SurveyResponse
from tierslieux.surveys.models import Survey as SurveyModel
from tierslieux.territory.analytics import coverage as cov
from tierslieux.territory.mesh import (
    MeshParams,
    MeshReport,
    Sites,
    demand_read,
    mesh_report,
    places_read,
    travel_model,
)
from tierslieux.territory.mesh_cache import mesh_report_cached, params_key
from tierslieux.territory.models import Commune, Departement, PopulationCell
from tierslieux.training.selectors import certifications_read

COVERAGE_CACHE_SECONDS = 24 * 3600


def params_read(region_code: str | None = None) -> Params:
    """The reference figures of the settings the rules use (named after ``region_code``)."""
    return Params(
        national_population=settings.NATIONAL_POPULATION,
        national_places=settings.NATIONAL_PLACES,
        target_places=settings.MESH_TARGET_PLACES,
        threshold_minutes=settings.MESH_THRESHOLD_MINUTES,
        region_name=region_name(region_code) if region_code else settings.TERRITORY_REGION_NAME,
    )


def records_load(*, include_demo: bool, region_code: str | None = None) -> Records:
    """Every record the indicators need; demo records left out unless ``include_demo``; those
    of one region only when ``region_code`` is given (its communes, places and survey answers;
    the money of its calls and its other grants: ADR 0029)."""

    def of(path: str) -> Q:
        return Q() if region_code is None else Q(**{path: region_code})

    population: dict[str, int] = defaultdict(int)
    for dep, pop in Commune.objects.filter(of("departement__region_code")).values_list(
        "departement_id", "population"
    ):
        population[dep] += pop
    names = dict(Departement.objects.filter(of("region_code")).values_list("code", "name"))
    places = _places_read(include_demo=include_demo, where=of("commune__departement__region_code"))

    decisions = Decision.objects.filter(
        of("application__call__region_code"), accepted=True, granted_cents__gt=0
    )
    if not include_demo:
        decisions = decisions.filter(application__call__is_demo=False)
    grants: list[tuple[int | None, Money]] = [
        (place_id, Money(committee_on, committee_on.year, kind, dep or place_dep, cents))
        for place_id, committee_on, cents, kind, dep, place_dep in decisions.values_list(
            "application__place_id",
            "committee_on",
            "granted_cents",
            "application__call__kind",
            "application__commune__departement_id",
            "application__place__commune__departement_id",
        )
    ]
    tranches = PaymentTranche.objects.filter(
        of("agreement__application__call__region_code"), state=TrancheState.PAID
    )
    if not include_demo:
        tranches = tranches.filter(agreement__application__call__is_demo=False)
    paid = [
        Money(paid_on, paid_on.year, kind, dep or place_dep, cents)
        for paid_on, cents, kind, dep, place_dep in tranches.values_list(
            "paid_on",
            "paid_amount_cents",
            "agreement__application__call__kind",
            "agreement__application__commune__departement_id",
            "agreement__application__place__commune__departement_id",
        )
    ]
    others = (OtherGrant.objects.all() if include_demo else OtherGrant.objects.real()).filter(
        of("region_code")
    )
    for line, programme, year, committed_on, cents, paid_on, paid_cents in others.values_list(
        "line", "programme_id", "year", "committed_on", "committed_cents", "paid_on", "paid_cents"
    ):
        # The support to the regional network is the grants of the partnership programme
        # (ADR 0033); grants entered before the programme existed keep their own line.
        line = GrantLine.REGIONAL_NETWORK if programme is not None else line
        grants.append((None, Money(committed_on, year, line, None, cents)))
        if paid_on is not None and paid_cents:
            paid.append(Money(paid_on, paid_on.year, line, None, paid_cents))
    surveys, responses = _surveys_read(
        include_demo=include_demo, where=of("place__commune__departement__region_code")
    )
    return records_with(
        certifications=certifications_read(include_demo=include_demo),
        places=places,
        population=dict(population),
        departement_names=names,
        grants=grants,
        paid=paid,
        surveys=surveys,
        responses=responses,
        include_demo=include_demo,
    )


def _places_read(*, include_demo: bool, where: Q) -> list[Place]:
    places = []
    for row in PlaceModel.objects.filter(where).values_list(
        "pk",
        "commune__departement_id",
        "commune__density_level",
        "state",
        "opened_on",
        "closed_on",
        "source_date",
        "services",
        "is_published",
        "source",
        "lon",
        "lat",
    ):
        pk, dep, level, state, opened, closed, source_date, services, published, source = row[:10]
        is_demo = source == PlaceSource.DEMO
        if is_demo and not include_demo:
            continue
        places.append(
            Place(
                id=pk,
                departement=dep,
                density_level=level,
                state=state,
                opened_on=opened,
                closed_on=closed,
                source_date=source_date,
                services=tuple(services or ()),
                counted=bool(published or is_demo),
                lon=row[10],
                lat=row[11],
            )
        )
    return places


def _surveys_read(*, include_demo: bool, where: Q) -> tuple[list[Survey], list[Response]]:
    """The surveys and their answers (those of places left out are dropped by
    ``records_with``)."""
    rows = SurveyModel.objects.all() if include_demo else SurveyModel.objects.filter(is_demo=False)
    surveys = [
        Survey(pk, year, opens_on, closes_on)
        for pk, year, opens_on, closes_on in rows.values_list("pk", "year", "opens_on", "closes_on")
    ]
    tz = timezone.get_current_timezone()
    responses = [
        Response(
            survey_id=survey_id,
            place_id=place_id,
            departement=dep,
            submitted_on=(
                submitted_at.astimezone(tz) if timezone.is_aware(submitted_at) else submitted_at
            ).date(),
            unsure=confidence in UNSURE_CONFIDENCES,
            services=tuple(services or ()),
        )
        for survey_id, place_id, dep, submitted_at, confidence, services in (
            SurveyResponse.objects.filter(where, survey_id__in=[s.id for s in surveys])
            .values_list(
                "survey_id",
                "place_id",
                "place__commune__departement_id",
                "submitted_at",
                "business_model_confidence",
                "services",
            )
            .order_by("pk")
        )
    ]
    return surveys, responses


# --- coverage -------------------------------------------------------------------------------

_DEMAND: dict[tuple, Any] = {}


def _demand(params: MeshParams) -> Any:
    """The demand points (kept in the process: the territory is reference data)."""
    key = (params.demand, PopulationCell.objects.count(), Commune.objects.count())
    if key not in _DEMAND:
        _DEMAND.clear()
        _DEMAND[key] = demand_read(params.demand)
    return _DEMAND[key]


def coverage_params_key() -> str:
    """A digest of the travel-time parameters the coverage is computed with."""
    return params_key(MeshParams.from_settings())


def coverage_compute(records: Records, places: Sequence[Place]) -> dict[str, tuple[float, float]]:
    """(inhabitants, inhabitants covered) per département for these open places, cached (in
    ``records`` for the records' life, in the cache for a day)."""
    params = MeshParams.from_settings()
    pts = sorted((p.id, round(p.lon, 6), round(p.lat, 6)) for p in places)
    digest = hashlib.sha256(repr((pts, params_key(params))).encode()).hexdigest()[:24]
    if digest in records.coverage_memo:
        return records.coverage_memo[digest]
    key = f"dashboard:coverage:v1:{digest}"
    result = cache.get(key)
    if result is None:
        demand = _demand(params)
        res = cov.coverage(
            travel_model(params),
            demand.lon,
            demand.lat,
            demand.weight,
            np.array([p[1] for p in pts], dtype=np.float64),
            np.array([p[2] for p in pts], dtype=np.float64),
            threshold_minutes=params.minutes,
        )
        groups = cov.coverage_by_group(res, demand.departement)
        result = {
            str(k): (float(pop), float(c))
            for k, pop, c in zip(
                groups.keys.tolist(), groups.population, groups.population_covered, strict=True
            )
        }
        cache.set(key, result, timeout=COVERAGE_CACHE_SECONDS)
    records.coverage_memo[digest] = result
    return result


# --- the other reads of the dashboard -------------------------------------------------------


def demo_summary_read() -> DemoSummary:
    """Counts of demo records."""
    return DemoSummary(
        calls=Call.objects.filter(is_demo=True).count(),
        applications=Application.objects.filter(call__is_demo=True).count(),
        agreements=Agreement.objects.filter(application__call__is_demo=True).count(),
        places=PlaceModel.objects.filter(source=PlaceSource.DEMO).count(),
        survey_responses=SurveyResponse.objects.filter(
            Q(survey__is_demo=True) | Q(place__source=PlaceSource.DEMO)
        ).count(),
        other_grants=OtherGrant.objects.filter(is_demo=True).count(),
    )


def departements_read(region_code: str | None = None) -> list[tuple[str, str]]:
    """(code, name) of each département with communes (of one region if given), by code."""
    deps = Departement.objects.annotate(n=Count("communes")).filter(n__gt=0).order_by("code")
    if region_code is not None:
        deps = deps.filter(region_code=region_code)
    return [(d.code, str(d)) for d in deps]


FINGERPRINT_MODELS = (
    "places.Place",
    "calls.Call",
    "calls.Application",
    "calls.Decision",
    "agreements.Agreement",
    "agreements.PaymentTranche",
    "surveys.Survey",
    "surveys.SurveyResponse",
    "dashboard.OtherGrant",
    "territory.Commune",
    "training.Trainee",
)


def records_fingerprint() -> str:
    """What the figures depend on: count and latest change of each kind of record (a change
    gives new figures; cached content is keyed by it)."""
    parts = []
    for label in FINGERPRINT_MODELS:
        model = apps.get_model(label)
        fields = {f.name for f in model._meta.get_fields()}
        aggregates: dict[str, Any] = {"n": Count("pk")}
        if "updated_at" in fields:
            aggregates["latest"] = Max("updated_at")
        row = model.objects.aggregate(**aggregates)
        parts.append(f"{label}:{row['n']}:{row.get('latest') or '-'}")
    parts.append(clock.today().isoformat())
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


# --- the coverage map -----------------------------------------------------------------------


@dataclass(frozen=True)
class MapData:
    """What the coverage map draws, as plain data."""

    on: datetime.date
    departement: str | None
    departement_name: str
    communes: list[tuple[str, Any, float | None, bool, int]]
    """(code, GeoJSON geometry, mean minutes, white zone, population) of each commune."""
    places: list[tuple[float, float]]
    """(lon, lat) of the open places drawn."""
    demo_places: int
    detour_factor: float
    speed_kmh: float


def _bounds(geometry: dict[str, Any]) -> tuple[float, float, float, float]:
    return tuple(shapely.bounds(shapely.geometry.shape(geometry)).tolist())  # type: ignore[return-value]


def map_read(
    *,
    on: datetime.date,
    departement: str | None,
    include_demo: bool,
    region_code: str | None = None,
) -> MapData:
    """The communes' mean travel time to the nearest open place on ``on`` and those places:
    the published ones, plus the (unpublished) demo places when demo data is shown."""
    params = MeshParams.from_settings(on=on)
    demo_rows = (
        list(
            PlaceModel.objects.filter(source=PlaceSource.DEMO, is_published=False)
            .open_on(on)
            .order_by("pk")
            .values_list("pk", "lon", "lat")
        )
        if include_demo
        else []
    )
    report: MeshReport
    if demo_rows:
        extra = Sites(
            ids=np.array([r[0] for r in demo_rows], dtype=np.int64),
            lon=np.array([r[1] for r in demo_rows], dtype=np.float64),
            lat=np.array([r[2] for r in demo_rows], dtype=np.float64),
        )
        report = mesh_report(params, extra_sites=extra)
    else:
        report = mesh_report_cached(params)
    rows = {r.code: r for r in report.communes}
    communes = Commune.objects.order_by("code")
    if region_code:
        communes = communes.filter(departement__region_code=region_code)
    if departement:
        communes = communes.filter(departement_id=departement)
    data = [
        (
            code,
            geometry,
            rows[code].mean_minutes if code in rows else None,
            bool(rows[code].is_white_zone) if code in rows else False,
            rows[code].population if code in rows else 0,
        )
        for code, geometry in communes.values_list("code", "geometry")
    ]
    sites = places_read(on=on)
    points = list(zip(sites.lon.tolist(), sites.lat.tolist(), strict=True))
    points += [(lon, lat) for _pk, lon, lat in demo_rows]
    if departement and data:
        bounds = [_bounds(g) for _c, g, *_rest in data]
        west = min(b[0] for b in bounds)
        south = min(b[1] for b in bounds)
        east = max(b[2] for b in bounds)
        north = max(b[3] for b in bounds)
        points = [
            (lon, lat) for lon, lat in points if west <= lon <= east and south <= lat <= north
        ]
    return MapData(
        on=on,
        departement=departement,
        departement_name=next((d.name for d in report.departements if d.code == departement), ""),
        communes=data,
        places=points,
        demo_places=len(demo_rows),
        detour_factor=params.detour_factor,
        speed_kmh=params.speed_kmh,
    )
