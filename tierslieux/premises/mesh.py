"""The premises' side of the mesh: the match of an offer with the territory, and the published
offers handed down to ``territory.candidates`` as a candidate set for ``mesh_recommend``."""

import math
from dataclasses import dataclass

from tierslieux.calls.rules import creation_eligibility
from tierslieux.premises.models import PremisesOffer
from tierslieux.premises.workflow import PremisesState
from tierslieux.territory import mesh
from tierslieux.territory.mesh_cache import mesh_report_cached


@dataclass(frozen=True)
class Match:
    """What an offer brings to the mesh, at the deployment's threshold."""

    white_zone: bool
    minutes_to_nearest_place: float | None
    """None when no open place can be reached at all."""
    inhabitants_brought: int
    creation_eligible: bool
    threshold_minutes: float


def match_compute(*, lon: float, lat: float, commune_code: str) -> Match:
    """White zone of the commune, minutes to the nearest open place, the mesh's marginal gain
    (``site_marginal_gain``) and the calls' creation rule (no open place within the threshold)."""
    params = mesh.MeshParams.from_settings()
    report = mesh_report_cached(params)
    white = any(row.code == commune_code for row in report.white_zones)
    places = mesh.places_read(on=params.on)
    minutes = math.inf
    if len(places.ids):
        nearest = mesh.travel_model(params).minutes_to_nearest([lon], [lat], places.lon, places.lat)
        minutes = float(nearest.minutes[0])
    rounded = round(minutes, 1) if math.isfinite(minutes) else None
    return Match(
        white_zone=white,
        minutes_to_nearest_place=rounded,
        inhabitants_brought=mesh.site_marginal_gain(params, lon=lon, lat=lat),
        creation_eligible=creation_eligibility(
            rounded, threshold_minutes=params.minutes
        ).is_eligible,
        threshold_minutes=params.minutes,
    )


def published_candidate_rows() -> list[tuple[str, float, float, str, str]]:
    """(id, lon, lat, label, commune) of the published offers, by id: the ``premises`` set."""
    rows = (
        PremisesOffer.objects.filter(state=PremisesState.PUBLISHED)
        .order_by("pk")
        .values_list("pk", "lon", "lat", "title", "commune_id")
    )
    return [(str(pk), lon, lat, title, commune) for pk, lon, lat, title, commune in rows]


PREMISES_CANDIDATES = published_candidate_rows
