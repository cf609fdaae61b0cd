"""The territory the demo projects are drawn from: every commune with its minutes to the
nearest open place and the inhabitants a new place at its town hall would bring (computed once,
with the same analytics as the mesh figures of the applications)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from tierslieux.territory import mesh
from tierslieux.territory.models import Commune


@dataclass(frozen=True)
class CommuneInfo:
    index: int
    code: str
    name: str
    departement: str
    lon: float
    lat: float
    population: int
    density_level: int
    postcode: str
    minutes: float
    """Minutes from the town hall to the nearest open, published place (today)."""
    gain: int
    """Inhabitants a place at the town hall would newly bring within the threshold."""


def territory_read(
    threshold: float,
) -> tuple[list[CommuneInfo], dict[tuple[float, float], int], Any]:
    """The communes with their minutes to the nearest place and their mesh gain, the gains by
    town-hall point (for ``replay.GainTable``) and the travel model."""
    params = mesh.MeshParams.from_settings(minutes=threshold)
    candidates, candidate_gains = mesh.candidates_marginal_gains(params)
    places = mesh.places_read(on=params.on)
    model = mesh.travel_model(params)
    if len(places.ids):
        minutes = model.minutes_to_nearest(
            candidates.lon, candidates.lat, places.lon, places.lat
        ).minutes
    else:
        minutes = np.full(len(candidates.ids), np.inf)
    rows = {
        c.code: c
        for c in Commune.objects.only(
            "code", "name", "departement_id", "population", "density_level", "postal_codes"
        )
    }
    communes = []
    gains: dict[tuple[float, float], int] = {}
    for j, code in enumerate(candidates.ids.tolist()):
        row = rows[code]
        gain = int(candidate_gains[j])
        lon, lat = float(candidates.lon[j]), float(candidates.lat[j])
        gains[(lon, lat)] = gain
        communes.append(
            CommuneInfo(
                index=j,
                code=code,
                name=row.name,
                departement=row.departement_id,
                lon=lon,
                lat=lat,
                population=row.population,
                density_level=row.density_level,
                postcode=(row.postal_codes or [""])[0],
                minutes=float(minutes[j]),
                gain=gain,
            )
        )
    return communes, gains, model
