"""Writes on the directory made through the JSON API (create and update a place).

``data`` uses the model's field names, except ``commune``, which is an INSEE code resolved
here. Every rule failing is reported at once as a ``ValidationError`` keyed by field.
"""

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, TextField
from django.db.models.signals import pre_save
from django.utils.translation import gettext as _

from tierslieux.core.logging import actor_id
from tierslieux.core.permissions import Actor, require
from tierslieux.places.changes import places_changed
from tierslieux.places.models import (
    LocationPrecision,
    Place,
    PlaceKind,
    PlaceService,
    PlaceSource,
    PlaceState,
)
from tierslieux.territory.models import Commune

logger = logging.getLogger(__name__)

WRITABLE_FIELDS: frozenset[str] = frozenset(
    {
        "name",
        "description",
        "kinds",
        "services",
        "state",
        "project_since",
        "opened_on",
        "closed_on",
        "address",
        "postcode",
        "city",
        "commune",
        "lon",
        "lat",
        "location_precision",
        "legal_form",
        "occupancy",
        "pmr_accessible",
        "fibre_access",
        "opening_hours",
        "email",
        "phone",
        "website",
        "is_published",
    }
)


_BLANK_STRING_FIELDS: frozenset[str] = frozenset(
    f.name
    for f in Place._meta.concrete_fields
    if f.blank and not f.null and isinstance(f, (CharField, TextField))
)
"""Text fields stored as "" when empty: a null sent by a client clears them."""


@contextmanager
def _audit_actor(user: Any) -> Iterator[None]:
    """Record ``user`` as the actor of audit log rows written by this thread meanwhile.

    The audit middleware knows session users only; API token users are set here.
    """
    thread = threading.get_ident()

    def set_actor(sender: Any, instance: LogEntry, **kwargs: Any) -> None:
        if threading.get_ident() == thread and instance.actor_id is None:
            instance.actor = user
            instance.actor_email = getattr(user, "email", None)

    uid = f"places-services-write-actor-{id(set_actor)}"
    pre_save.connect(set_actor, sender=LogEntry, dispatch_uid=uid, weak=False)
    try:
        yield
    finally:
        pre_save.disconnect(sender=LogEntry, dispatch_uid=uid)


def _codes(values: Any, allowed: list[str]) -> tuple[list[str], list[str]]:
    """Deduplicated codes in their order, and the unknown ones."""
    values = [values] if isinstance(values, str) else list(values or [])
    unique = list(dict.fromkeys(str(v) for v in values))
    return unique, [v for v in unique if v not in allowed]


def _apply(place: Place, data: dict[str, Any]) -> dict[str, list[str]]:
    """Copy ``data`` onto ``place``; return the errors found before model validation."""
    unknown = set(data) - WRITABLE_FIELDS
    if unknown:
        raise ValueError(f"Fields not writable: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    for field, value in data.items():
        if field == "commune":
            commune = Commune.objects.filter(code=str(value or "")).first()
            if commune is None:
                errors["commune"] = [_("No commune has this INSEE code.")]
            else:
                place.commune = commune
        elif field in {"kinds", "services"}:
            allowed = PlaceKind.values if field == "kinds" else PlaceService.values
            codes, bad = _codes(value, allowed)
            if bad:
                errors[field] = [_("Unknown code: %(codes)s.") % {"codes": ", ".join(bad)}]
            setattr(place, field, codes)
        elif value is None and field in _BLANK_STRING_FIELDS:
            setattr(place, field, "")
        else:
            setattr(place, field, value)

    if place.state == PlaceState.CLOSED and place.closed_on is None:
        errors.setdefault("closed_on", []).append(_("A closed place needs its closing date."))
    if place.opened_on and place.closed_on and place.closed_on < place.opened_on:
        errors.setdefault("closed_on", []).append(
            _("The closing date cannot precede the opening date.")
        )
    return errors


def _validate_and_save(place: Place, errors: dict[str, list[str]], *, by: Actor) -> Place:
    exclude = set(errors)
    if "commune" in errors:
        exclude |= {"lon", "lat"}
    try:
        place.full_clean(exclude=sorted(exclude))
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    with _audit_actor(by):
        place.save()
    return place


@transaction.atomic
def place_create(*, data: dict[str, Any], by: Actor) -> Place:
    """Create a place entered by directory staff.

    Without coordinates the place is put at its commune's town hall (precision "commune").
    """
    require(by, "places.change")
    place = Place(source=PlaceSource.MANUAL)
    errors = _apply(place, data)
    if place.commune_id and data.get("lon") is None and data.get("lat") is None:
        place.lon, place.lat = place.commune.lon, place.commune.lat
        place.location_precision = LocationPrecision.COMMUNE
    if place.commune_id and not place.city:
        place.city = place.commune.name
    place = _validate_and_save(place, errors, by=by)
    logger.info("place %s created by user %s", place.pk, actor_id(by))
    places_changed()
    return place


@transaction.atomic
def place_update(*, place: Place, data: dict[str, Any], by: Actor) -> Place:
    """Change some fields of ``place`` (only those in ``data``).

    A place located at its commune's town hall follows its commune when the commune changes
    and no coordinates are given.
    """
    require(by, "places.change")
    place = Place.objects.select_for_update().get(pk=place.pk)
    old_commune_id = place.commune_id
    errors = _apply(place, data)
    moved = place.commune_id != old_commune_id
    if (
        moved
        and "lon" not in data
        and "lat" not in data
        and place.location_precision == LocationPrecision.COMMUNE
    ):
        place.lon, place.lat = place.commune.lon, place.commune.lat
    place = _validate_and_save(place, errors, by=by)
    logger.info(
        "place %s changed by user %s (%s)",
        place.pk,
        actor_id(by),
        ", ".join(sorted(data)),
    )
    places_changed()
    return place
