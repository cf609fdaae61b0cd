"""The map page's table of places (its list alternative), built once per state of the directory.

The table lists every place on the map (3,500 nationally): rendering it through the template
engine, row by row with a model instance each, took seconds per request. Its rows are read with
``values_list`` (the fields the table shows), escaped and joined here, and the HTML is cached
under the map feed's key (``mapdata._digest``: the directory's version, the language, the
visibility and the filters), so that the page costs the version query and a cache read.
"""

from typing import Any

from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from tierslieux.places.mapdata import CACHE_SECONDS, _digest, _url_maker
from tierslieux.places.models import PlaceKind, PlaceState
from tierslieux.places.selectors import PlaceFilters, place_list

FORMAT = 1
"""Bump when the rows' markup changes, so that cached copies are not served."""
FIELDS = (
    "pk",
    "name",
    "kinds",
    "state",
    "is_published",
    "commune__name",
    "commune__departement_id",
)


def _rows_html(*, user: Any, filters: PlaceFilters) -> tuple[int, str]:
    kind_labels = {value: str(label) for value, label in PlaceKind.choices}
    state_labels = {value: str(label) for value, label in PlaceState.choices}
    unpublished = f" · {escape(gettext('not published'))}"
    detail_url = _url_maker()
    parts = []
    rows = place_list(user=user, filters=filters).values_list(*FIELDS)
    for pk, name, kinds, state, published, commune, departement in rows:
        kinds_text = ", ".join(kind_labels[k] for k in kinds or () if k in kind_labels)
        parts.append(
            f'<tr>\n          <th scope="row"><a href="{escape(detail_url(pk))}">{escape(name)}</a>'
            f"</th>\n          <td>{escape(kinds_text)}</td>\n          <td>{escape(commune)} "
            f"({escape(departement)})</td>\n          <td>{escape(state_labels.get(state, state))}"
            f"{'' if published else unpublished}</td>\n        </tr>"
        )
    return len(parts), "\n        ".join(parts)


def map_table(*, user: Any, filters: PlaceFilters) -> tuple[int, SafeString]:
    """How many places ``user`` sees on the map for ``filters``, and the table's rows (HTML).

    Searches by words (``q``) are not cached, as the feed's (their variants are unbounded).
    """
    key = f"places-map-table:{FORMAT}:{_digest(user=user, filters=filters)}"
    cached = None if filters.q else cache.get(key)
    if isinstance(cached, tuple) and len(cached) == 2:
        count, html = cached
    else:
        count, html = _rows_html(user=user, filters=filters)
        if not filters.q:
            cache.set(key, (count, html), CACHE_SECONDS)
    return count, mark_safe(html)
