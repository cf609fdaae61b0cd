"""System checks of the served regions (ADR 0028), run at start by ``runserver``, ``check`` and
every management command but ``load_territory`` (which repairs what they report).

* ``territory.E001`` (error): records (calls, places...) belong to a region that
  ``TERRITORY_REGIONS`` does not serve.
* ``territory.W001`` (warning): a served region's territory is not loaded.
* ``territory.W002`` (warning): a region is loaded but no longer served.

They read the database only when it is reachable and migrated: on an empty database (before
``migrate``) they say nothing, so ``migrate`` and the test suite run as before.
"""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register
from django.db import DatabaseError, connection

from tierslieux.core.regions import region_name
from tierslieux.territory.served import (
    loaded_regions,
    region_references,
    unserved_regions_of_records,
)

TABLES = ("territory_commune", "territory_populationcell", "territory_departement")


def _names(codes: tuple[str, ...] | list[str]) -> str:
    return ", ".join(f"{code} {region_name(code)}" for code in codes)


def _database_ready() -> bool:
    try:
        return set(TABLES) <= set(connection.introspection.table_names())
    except DatabaseError:
        return False


@register()
def check_served_regions(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not _database_ready():
        return []
    served = tuple(settings.TERRITORY_REGIONS)
    setting = f"TERRITORY_REGIONS={','.join(served)}"
    messages: list[CheckMessage] = []
    try:
        loaded = loaded_regions()
        foreign = unserved_regions_of_records(served)
        for code in foreign:
            counts = ", ".join(f"{n} {label}" for label, n in region_references([code]))
            messages.append(
                Error(
                    f"Records belong to region {_names([code])}, which this deployment does "
                    f"not serve ({setting}): {counts}.",
                    hint=f"Add {code} to TERRITORY_REGIONS (e.g. {setting},{code}) and run "
                    "manage.py load_territory, or move or delete those records.",
                    id="territory.E001",
                )
            )
    except DatabaseError:  # not migrated yet, or not reachable
        return []
    missing = [code for code in served if code not in loaded]
    if missing:
        messages.append(
            Warning(
                f"The territory of served region(s) {_names(missing)} is not loaded "
                f"({setting}; loaded: {','.join(loaded) or 'none'}).",
                hint="Run: manage.py load_territory (it loads every region of "
                "TERRITORY_REGIONS), or remove the region from TERRITORY_REGIONS.",
                id="territory.W001",
            )
        )
    extra = [code for code in loaded if code not in served and code not in foreign]
    if extra:
        messages.append(
            Warning(
                f"Region(s) {_names(extra)} are loaded but not served ({setting}): the mesh "
                "would count their inhabitants.",
                hint="Run: manage.py load_territory (it drops the regions no longer served), "
                "or add them to TERRITORY_REGIONS.",
                id="territory.W002",
            )
        )
    return messages
