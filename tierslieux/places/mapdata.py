"""The places of the public map as GeoJSON, built once per state of the directory and cached.

Every visitor of the map downloads every place (1.2 MB for 3,500 places), so the feed must cost
next to nothing: the rows are read with ``values()`` (the fields a marker and its popup show,
never the commune's outline), serialised once, compressed once, and cached under a key that
changes with the directory. Visitors whose browser already holds the current version get a 304
from the ETag.

The directory's version is ``(count, max(pk), max(updated_at))`` of all places: one aggregate
query, which moves with every save (``updated_at`` is ``auto_now``, set by ``save()`` and
``bulk_create()``), every addition and every deletion. Code that changes places with
``QuerySet.update()`` or ``bulk_update()`` must set ``updated_at`` too; whatever escapes the
version (a commune renamed by a territory reload) is dropped after ``CACHE_SECONDS`` anyway.
"""

import gzip
import hashlib
import json
from dataclasses import astuple, dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max
from django.urls import reverse
from django.utils.translation import get_language

from tierslieux.core.permissions import user_can
from tierslieux.places.models import Place, PlaceKind, PlaceState
from tierslieux.places.selectors import PlaceFilters, place_list

FORMAT = 3
"""Bump when the feed's content changes shape, so that cached copies are not served."""
CACHE_SECONDS = 600
COORDINATE_DECIMALS = 5  # about 1 m
FIELDS = (
    "pk",
    "name",
    "kinds",
    "state",
    "lon",
    "lat",
    "is_published",
    "commune__name",
    "commune__departement_id",
)


@dataclass(frozen=True)
class MapFeed:
    """The feed of one variant (language, visibility, filters), gzipped, ready to send."""

    gzipped: bytes
    etag: str

    @property
    def body(self) -> bytes:
        """The uncompressed JSON, for the rare client that does not accept gzip."""
        return gzip.decompress(self.gzipped)


def directory_version() -> str:
    """A text that changes whenever a place is added, changed or deleted."""
    state = Place.objects.aggregate(count=Count("pk"), top=Max("pk"), latest=Max("updated_at"))
    latest = state["latest"].isoformat() if state["latest"] else "-"
    return f"{state['count']}.{state['top'] or 0}.{latest}"


def _digest(*, user: Any, filters: PlaceFilters) -> str:
    """What identifies the feed: the directory's version and the variant asked for."""
    visibility = "all" if user_can(user, "places.view_unpublished") else "published"
    text = "|".join(
        (str(FORMAT), directory_version(), get_language() or "", visibility, *astuple(filters))
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def map_feed_etag(*, user: Any, filters: PlaceFilters) -> str:
    """The ETag of the feed ``user`` would get now (one query: the directory's version)."""
    return f'W/"{_digest(user=user, filters=filters)}"'


def _url_maker() -> Any:
    """pk -> detail URL, without resolving the URL once per place."""
    sample = reverse("places:place_detail", args=[0])
    if sample.count("0") == 1:
        head, tail = sample.split("0")
        return lambda pk: f"{head}{pk}{tail}"
    return lambda pk: reverse("places:place_detail", args=[pk])


def places_features(*, user: Any, filters: PlaceFilters) -> dict[str, Any]:
    """The FeatureCollection of the places ``user`` may see, filtered like the directory."""
    kind_labels = {value: str(label) for value, label in PlaceKind.choices}
    state_labels = {value: str(label) for value, label in PlaceState.choices}
    detail_url = _url_maker()
    rows = place_list(user=user, filters=filters).values_list(*FIELDS)
    features = [
        {
            "type": "Feature",
            "id": pk,
            "geometry": {
                "type": "Point",
                "coordinates": [round(lon, COORDINATE_DECIMALS), round(lat, COORDINATE_DECIMALS)],
            },
            "properties": {
                "id": pk,
                "name": name,
                "kinds": [kind_labels[k] for k in kinds or () if k in kind_labels],
                "state": state,
                "state_label": state_labels.get(state, state),
                "commune": commune_name,
                "departement": departement,
                "published": published,
                "url": detail_url(pk),
            },
        }
        for pk, name, kinds, state, lon, lat, published, commune_name, departement in rows
    ]
    return {"type": "FeatureCollection", "features": features}


def map_feed(*, user: Any, filters: PlaceFilters, etag: str = "") -> MapFeed:
    """The feed ``user`` gets for ``filters``, from the cache when the directory has not changed.

    ``etag``: the one ``map_feed_etag`` just gave, which saves reading the version again.

    Searches by words (``q``) are not cached: their variants are unbounded and would push the
    other entries (rate-limit counters among them) out of a size-bounded cache.
    """
    digest = etag[3:-1] if etag else _digest(user=user, filters=filters)
    etag = f'W/"{digest}"'
    key = f"places-map:{digest}"
    if not filters.q:
        cached = cache.get(key)
        if isinstance(cached, bytes):
            return MapFeed(gzipped=cached, etag=etag)
    body = json.dumps(
        places_features(user=user, filters=filters), ensure_ascii=False, separators=(",", ":")
    ).encode()
    # Only the compressed bytes are kept: a tenth of the size to read back from the cache.
    gzipped = gzip.compress(body, compresslevel=6, mtime=0)
    if not filters.q:
        cache.set(key, gzipped, CACHE_SECONDS)
    return MapFeed(gzipped=gzipped, etag=etag)
