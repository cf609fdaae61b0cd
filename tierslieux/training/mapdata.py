"""Upcoming sessions on a map: one GeoJSON point per host place, with its sessions (issue 16,
part 1; ADR 0033). The points are the places' own coordinates from the directory."""

from collections.abc import Iterable
from typing import Any

from django.utils.formats import date_format

from tierslieux.training.models import Session

MAX_SESSIONS_PER_PLACE = 10


def sessions_geojson(sessions: Iterable[Session]) -> dict[str, Any]:
    """A FeatureCollection: one feature per host place, its upcoming sessions in properties
    (title, start, URL, seats left), in the order given."""
    features: dict[int, dict[str, Any]] = {}
    for session in sessions:
        place = session.place
        feature = features.get(place.pk)
        if feature is None:
            feature = features[place.pk] = {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
                "properties": {
                    "place": place.name,
                    "commune": place.commune.name,
                    "departement": place.commune.departement_id,
                    "sessions": [],
                },
            }
        rows = feature["properties"]["sessions"]
        if len(rows) < MAX_SESSIONS_PER_PLACE:
            rows.append(
                {
                    "title": session.course.title,
                    "starts": date_format(session.starts_at, "SHORT_DATE_FORMAT"),
                    "url": session.get_absolute_url(),
                    "seats_left": max(getattr(session, "seats_left", session.seats), 0),
                }
            )
    return {"type": "FeatureCollection", "features": list(features.values())}
