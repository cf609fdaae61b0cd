"""Idempotent synchronisation of reference tables from files (create, update, leave alone)."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models


@dataclass(frozen=True)
class SyncCounts:
    """What one synchronisation did to one table."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted


def table_sync(
    model: type[models.Model],
    *,
    key_fields: tuple[str, ...],
    rows: Mapping[tuple[Any, ...], Mapping[str, Any]],
    delete_missing: bool = False,
    batch_size: int = 2000,
) -> SyncCounts:
    """Make ``model``'s table hold ``rows`` (key tuple -> field values).

    Foreign keys are given by their raw value (``{"departement": "33"}``).

    Rows whose values already match are not written, so a second run with the same input
    writes nothing. Runs inside the caller's transaction.
    """
    if not rows:
        return SyncCounts()
    value_fields = sorted({name for values in rows.values() for name in values})
    attnames = {name: model._meta.get_field(name).attname for name in value_fields}
    existing: dict[tuple[Any, ...], models.Model] = {
        tuple(getattr(obj, f) for f in key_fields): obj for obj in model.objects.all().iterator()
    }
    to_create, to_update = [], []
    unchanged = 0
    for key, values in rows.items():
        obj = existing.get(key)
        if obj is None:
            fields = {attnames[name]: value for name, value in values.items()}
            to_create.append(model(**dict(zip(key_fields, key, strict=True)), **fields))
            continue
        differs = False
        for name, value in values.items():
            if getattr(obj, attnames[name]) != value:
                setattr(obj, attnames[name], value)
                differs = True
        if differs:
            to_update.append(obj)
        else:
            unchanged += 1
    model.objects.bulk_create(to_create, batch_size=batch_size)
    if to_update:
        model.objects.bulk_update(
            to_update, [attnames[n] for n in value_fields], batch_size=batch_size
        )
    deleted = 0
    if delete_missing:
        stale = [obj.pk for key, obj in existing.items() if key not in rows]
        for start in range(0, len(stale), batch_size):
            deleted += model.objects.filter(pk__in=stale[start : start + batch_size]).delete()[0]
    return SyncCounts(
        created=len(to_create), updated=len(to_update), unchanged=unchanged, deleted=deleted
    )
