"""Which regions the database holds, and which records belong to a region (ADR 0028).

Read by the loader (to refuse dropping a region that still holds records) and by the system
checks. The territory sits below the apps whose records belong to a region, so it never imports
them: it finds them in the model registry, as any model with a ``region_code`` field (a call...)
or a relation to a commune (a place, a premises offer...).
"""

from collections.abc import Iterable

from django.apps import apps
from django.db.models import Model

from tierslieux.territory.models import Commune


def loaded_regions() -> tuple[str, ...]:
    """The codes of the regions whose communes are loaded, sorted."""
    return tuple(
        sorted(
            Commune.objects.order_by().values_list("departement__region_code", flat=True).distinct()
        )
    )


def _region_lookups(model: type[Model]) -> list[str]:
    """The lookups giving a record's region code: ``region_code`` and ``<commune
    relation>__departement__region_code`` for each relation to a commune."""
    if model._meta.app_label == "territory" or model._meta.proxy:
        return []
    lookups = []
    for field in model._meta.get_fields():
        if not field.concrete:
            continue
        if field.name == "region_code" and not field.is_relation:
            lookups.append("region_code")
        elif field.is_relation and field.related_model is Commune:
            lookups.append(f"{field.name}__departement__region_code")
    return lookups


def region_references(codes: Iterable[str], *, exclude: bool = False) -> list[tuple[str, int]]:
    """``(model label, count)`` of the records that belong to one of ``codes`` (or, with
    ``exclude``, to a region not among them), for every model having any; ``[]`` if none."""
    codes = tuple(codes)
    found = []
    for model in apps.get_models():
        lookups = _region_lookups(model)
        if not lookups:
            continue
        matching = model._default_manager.none()
        for lookup in lookups:
            records = model._default_manager.all()
            if exclude:
                records = records.exclude(**{f"{lookup}__in": codes}).exclude(
                    **{f"{lookup}__isnull": True}
                )
            else:
                records = records.filter(**{f"{lookup}__in": codes})
            matching = matching | records
        count = matching.values("pk").distinct().count()
        if count:
            found.append((model._meta.label, count))
    return found


def unserved_regions_of_records(served: Iterable[str]) -> list[str]:
    """The codes of the regions outside ``served`` to which records belong (for the checks)."""
    served = tuple(served)
    regions: set[str] = set()
    for model in apps.get_models():
        for lookup in _region_lookups(model):
            regions.update(
                model._default_manager.exclude(**{f"{lookup}__in": served})
                .exclude(**{f"{lookup}__isnull": True})
                .order_by()
                .values_list(lookup, flat=True)
                .distinct()
            )
    return sorted(regions)
