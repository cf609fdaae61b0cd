"""Writes on the territory: loading the committed reference data, region by region (ADR 0028)."""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import ProtectedError

from tierslieux.core.regions import REGIONS, region_name
from tierslieux.core.sync import SyncCounts, table_sync
from tierslieux.territory import loaders
from tierslieux.territory.models import CellKind, Commune, Departement, Epci, PopulationCell
from tierslieux.territory.served import loaded_regions, region_references

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]


class TerritoryRegionError(ValueError):
    """A load would half-apply the regions: refused, with what to change; nothing was written."""


@dataclass(frozen=True)
class TerritoryLoadReport:
    regions: tuple[str, ...]
    dropped: tuple[str, ...]
    """Regions loaded before but no longer served, removed by this load."""
    dropped_rows: int
    departements: SyncCounts
    epci: SyncCounts
    communes: SyncCounts
    cells: SyncCounts
    """The demand points: 1 km cells, and one point per commune where no grid exists."""

    @property
    def changed(self) -> int:
        counts = (self.departements, self.epci, self.communes, self.cells)
        return self.dropped_rows + sum(c.changed for c in counts)


def _names(codes: Iterable[str]) -> str:
    return ", ".join(f"{code} {region_name(code)}" for code in codes)


def _regions_check(regions: tuple[str, ...]) -> None:
    served = tuple(settings.TERRITORY_REGIONS)
    unknown = [code for code in regions if code not in REGIONS]
    if unknown:
        raise TerritoryRegionError(f"Unknown region code(s): {', '.join(unknown)}.")
    outside = [code for code in regions if code not in served]
    if outside:
        wanted = ",".join(code for code in REGIONS if code in {*served, *outside})
        raise TerritoryRegionError(
            f"Region(s) {_names(outside)} are not served by this deployment "
            f"(TERRITORY_REGIONS={','.join(served)}): set TERRITORY_REGIONS={wanted} "
            "(or TERRITORY_REGIONS=all) in the environment, then load them."
        )


def _drop_refusal_check(codes: tuple[str, ...]) -> None:
    """Refuse to drop regions no longer served while any record still belongs to them."""
    if not codes:
        return
    references = region_references(codes)
    if references:
        listed = ", ".join(f"{count} {label}" for label, count in references)
        raise TerritoryRegionError(
            f"Region(s) {_names(codes)} are loaded but no longer in TERRITORY_REGIONS="
            f"{','.join(settings.TERRITORY_REGIONS)}, and records still belong to them ({listed}): "
            "add them back to TERRITORY_REGIONS, or move or delete those records first. "
            "Nothing was changed."
        )


def _drop_regions(codes: tuple[str, ...]) -> int:
    """Delete the communes, demand points and orphan EPCI of regions no longer served."""
    in_regions = {"departement__region_code__in": codes}
    cells = PopulationCell.objects.filter(**{f"commune__{k}": v for k, v in in_regions.items()})
    deleted = cells.delete()[0]
    try:
        deleted += Commune.objects.filter(**in_regions).delete()[0]
        deleted += Epci.objects.filter(communes__isnull=True).delete()[0]
    except ProtectedError as exc:
        raise TerritoryRegionError(
            f"Region(s) {_names(codes)} cannot be dropped: {exc.args[0]} Nothing was changed."
        ) from exc
    return deleted


Rows = dict[tuple[Any, ...], dict[str, Any]]


def _cells_sync(rows: Rows, regions: tuple[str, ...]) -> SyncCounts:
    """Make the demand points of ``regions`` equal ``rows`` (key: (kind, x_m, y_m) for grid
    cells, (kind, commune) for commune points), comparing plain tuples (372,383 rows)."""
    fields = ("population", "lon", "lat", "commune_id")
    existing = {
        (kind, x, y) if kind == CellKind.GRID_1KM else (kind, commune): (pk, values)
        for pk, kind, x, y, commune, *values in PopulationCell.objects.filter(
            commune__departement__region_code__in=regions
        ).values_list("pk", "kind", "x_m", "y_m", "commune_id", *fields)
    }
    to_create, to_update, unchanged = [], [], 0
    for key, values in rows.items():
        wanted = [values[name] for name in fields]
        found = existing.get(key)
        if found is None:
            xy = {"x_m": key[1], "y_m": key[2]} if key[0] == CellKind.GRID_1KM else {}
            to_create.append(PopulationCell(kind=key[0], **xy, **values))
        elif list(found[1]) != wanted:
            to_update.append(PopulationCell(pk=found[0], **values))
        else:
            unchanged += 1
    stale = [pk for key, (pk, _) in existing.items() if key not in rows]
    deleted = 0
    for start in range(0, len(stale), 5000):
        deleted += PopulationCell.objects.filter(pk__in=stale[start : start + 5000]).delete()[0]
    PopulationCell.objects.bulk_create(to_create, batch_size=5000)
    PopulationCell.objects.bulk_update(to_update, list(fields), batch_size=5000)
    return SyncCounts(
        created=len(to_create), updated=len(to_update), unchanged=unchanged, deleted=deleted
    )


@transaction.atomic
def territory_load(
    *,
    regions: Iterable[str] | None = None,
    data_dir: Path | None = None,
    progress: Progress | None = None,
) -> TerritoryLoadReport:
    """Load the territory of ``regions`` (default: ``TERRITORY_REGIONS``); idempotent, all or
    nothing (ADR 0028).

    Every named region must be served (``TERRITORY_REGIONS``). Départements are all loaded;
    EPCI are those of the loaded communes. Communes, EPCI and départements are created or
    updated, never deleted while their region is served, so that records pointing at them
    survive a change of geography; the demand points of a loaded region (1 km cells, or one
    point per commune overseas) are replaced when they disappear from the files. Regions
    loaded earlier but no longer served are dropped, unless a record (a place, a call...)
    still belongs to them: then nothing at all is written.
    """
    say = progress or (lambda message: None)
    served = tuple(settings.TERRITORY_REGIONS)
    codes = tuple(code for code in REGIONS if code in set(regions or served))
    _regions_check(codes)
    dropped = tuple(code for code in loaded_regions() if code not in served)
    _drop_refusal_check(dropped)
    data_dir = Path(data_dir or settings.TERRITORY_DATA_DIR)
    index = loaders.regions_read(data_dir)

    # Read every file first: a bad file stops the load before anything is written.
    departements = loaders.departements_read(data_dir)
    epcis = {e.code: e for e in loaders.epci_read(data_dir)}
    communes: list[loaders.CommuneRow] = []
    cells: list[loaders.CellRow] = []
    for code in codes:
        region_communes = loaders.communes_read(data_dir, [code])
        region_cells = loaders.cells_read(data_dir, [code])
        communes.extend(region_communes)
        cells.extend(region_cells)
        what = (
            f"{len(region_cells):,} cells of the 1 km grid"
            if code in index and index[code].demand == loaders.DEMAND_GRID
            else f"{len(region_communes):,} commune points (no 1 km grid)"
        )
        say(f"read {code} {region_name(code)}: {len(region_communes):,} communes, {what}")

    dropped_rows = _drop_regions(dropped) if dropped else 0
    if dropped:
        say(f"dropped {_names(dropped)} (not in TERRITORY_REGIONS): {dropped_rows:,} rows")

    dep_counts = table_sync(
        Departement,
        key_fields=("code",),
        rows={(d.code,): {"name": d.name, "region_code": d.region_code} for d in departements},
    )
    used_epci = sorted({c.epci for c in communes if c.epci})
    missing_epci = [code for code in used_epci if code not in epcis]
    if missing_epci:
        raise loaders.TerritoryFileError(
            f"{data_dir / loaders.EPCI_FILE}: missing EPCI {', '.join(missing_epci[:5])}"
        )
    epci_counts = table_sync(
        Epci,
        key_fields=("code",),
        rows={(code,): {"name": epcis[code].name, "kind": epcis[code].kind} for code in used_epci},
    )
    say(f"départements {dep_counts.changed:,} changed, EPCI {epci_counts.changed:,} changed")
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
    say(f"communes {commune_counts.changed:,} changed")
    demand: Rows = {
        (CellKind.GRID_1KM.value, c.x_m, c.y_m): {
            "population": c.population,
            "lon": c.lon,
            "lat": c.lat,
            "commune_id": c.commune,
        }
        for c in cells
    }
    point_regions = {code for code in codes if index[code].demand != loaders.DEMAND_GRID}
    point_departements = {d.code for d in departements if d.region_code in point_regions}
    for c in communes:
        if c.departement in point_departements:
            demand[(CellKind.COMMUNE_POINT.value, c.code)] = {
                "population": c.population,
                "lon": c.lon,
                "lat": c.lat,
                "commune_id": c.code,
            }
    cell_counts = _cells_sync(demand, codes)
    say(f"demand points {cell_counts.changed:,} changed")
    report = TerritoryLoadReport(
        codes, dropped, dropped_rows, dep_counts, epci_counts, commune_counts, cell_counts
    )
    logger.info(
        "territory loaded (%s): %s changes (départements %s, EPCI %s, communes %s, cells %s)",
        ",".join(codes),
        report.changed,
        dep_counts.changed,
        epci_counts.changed,
        commune_counts.changed,
        cell_counts.changed,
    )
    return report
