"""The directory's side of the territorial mesh: the places the mesh measures coverage with.

The territory is a lower layer than the directory and never imports it (docs/adr/0021). The
directory hands its places down by registering this source when the app is ready
(``PlacesConfig.ready``); ``tierslieux.territory.mesh`` reads them through it.
"""

import datetime

from django.db.models import Count, Max

from tierslieux.core import clock
from tierslieux.places.models import Place
from tierslieux.places.selectors import place_open_published
from tierslieux.territory.mesh import PlacesSource


def open_place_rows(on: datetime.date | None) -> list[tuple[int, float, float, str]]:
    """(id, lon, lat, name) of the open, published places on ``on`` (today if None), by id."""
    return list(place_open_published(on=on).order_by("pk").values_list("pk", "lon", "lat", "name"))


def open_place_counts_by_departement(on: datetime.date | None) -> dict[str, int]:
    """How many open, published places each département holds on ``on``."""
    return dict(
        place_open_published(on=on)
        .values_list("commune__departement_id")
        .annotate(n=Count("pk"))
        .values_list("commune__departement_id", "n")
    )


def places_fingerprint() -> str:
    """Changes whenever a place is added, removed or changed (and each day: places open, close)."""
    places = Place.objects.aggregate(n=Count("pk"), latest=Max("updated_at"))
    latest = places["latest"].isoformat() if places["latest"] else "-"
    return f"{places['n']}:{latest}:{clock.today().isoformat()}"


PLACES_SOURCE = PlacesSource(
    rows=open_place_rows,
    counts_by_departement=open_place_counts_by_departement,
    fingerprint=places_fingerprint,
)
