"""Writes on the territory: loading the committed reference data."""

import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from tierslieux.core.sync import SyncCounts, table_sync
from tierslieux.territory import loaders
from tierslieux.territory.models import Commune, Departement, Epci, PopulationCell

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TerritoryLoadReport:
    departements: SyncCounts
    epci: SyncCounts
    communes: SyncCounts
    cells: SyncCounts

    @property
    def changed(self) -> int:
        return sum(c.changed for c in (self.departements, self.epci, self.communes, self.cells))


@transaction.atomic
def territory_load(*, data_dir: Path | None = None) -> TerritoryLoadReport:
    """Load départements, EPCI, communes and the regional 1 km grid; idempotent, all or nothing.

    Cells are replaced when they disappear from the file (they are never referenced); communes,
    EPCI and départements are only created or updated, never deleted, so that records pointing
    at them survive a change of geography.
    """
    data_dir = Path(data_dir or settings.TERRITORY_DATA_DIR)
    departements = loaders.departements_read(data_dir)
    epcis = loaders.epci_read(data_dir)
    communes = loaders.communes_read(data_dir)
    cells = loaders.cells_read(data_dir)

    dep_counts = table_sync(
        Departement,
        key_fields=("code",),
        rows={(d.code,): {"name": d.name, "region_code": d.region_code} for d in departements},
    )
    epci_counts = table_sync(
        Epci,
        key_fields=("code",),
        rows={(e.code,): {"name": e.name, "kind": e.kind} for e in epcis},
    )
    commune_counts = table_sync(
        Commune,
        key_fields=("code",),
        rows={
            (c.code,): {
                "name": c.name,
                "departement": c.departement,
                "epci": c.epci,
                "population": c.population,
                "population_2021": c.population_2021,
                "density_level": c.density_level,
                "postal_codes": list(c.postal_codes),
                "former_codes": list(c.former_codes),
                "lon": c.lon,
                "lat": c.lat,
                "geometry": c.geometry,
            }
            for c in communes
        },
    )
    cell_counts = table_sync(
        PopulationCell,
        key_fields=("x_m", "y_m"),
        rows={
            (c.x_m, c.y_m): {
                "population": c.population,
                "lon": c.lon,
                "lat": c.lat,
                "commune": c.commune,
            }
            for c in cells
        },
        delete_missing=True,
    )
    report = TerritoryLoadReport(dep_counts, epci_counts, commune_counts, cell_counts)
    logger.info(
        "territory loaded: %s changes (départements %s, EPCI %s, communes %s, cells %s)",
        report.changed,
        dep_counts.changed,
        epci_counts.changed,
        commune_counts.changed,
        cell_counts.changed,
    )
    return report
