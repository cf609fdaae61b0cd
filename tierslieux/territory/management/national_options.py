"""``--regions`` for the `coverage` and `recommend` commands: the national view."""

import json
import os
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tierslieux.core.regions import UnknownRegionError, parse_regions
from tierslieux.territory import national
from tierslieux.territory.mesh import MeshParams


def add_regions_argument(parser) -> None:
    parser.add_argument(
        "--regions",
        nargs="?",
        const="",
        default=None,
        help="Compare regions: codes separated by commas (75,84) or 'all'; alone, the regions "
        "the deployment serves (TERRITORY_REGIONS). Coverage counts every loaded place within "
        "reach, whatever its region.",
    )


def regions_selected(value: str) -> tuple[str, ...]:
    """The regions of ``--regions`` (the setting's when empty), all loaded, or CommandError."""
    try:
        regions = parse_regions(value) if value else tuple(settings.TERRITORY_REGIONS)
        return national.regions_check(regions)
    except (UnknownRegionError, ValueError) as exc:
        raise CommandError(str(exc)) from exc


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _num(value: float | None, fmt: str) -> str:
    return "-" if value is None else format(value, fmt)


def national_coverage_print(command: BaseCommand, params: MeshParams, options: dict) -> None:
    """Compute the national totals once (timed), keep them for the pages, print the comparison."""
    regions = regions_selected(options["regions"])
    load_before = load_average()
    started = time.perf_counter()
    try:
        totals = national.national_totals(params)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    wall_s = time.perf_counter() - started
    national.national_totals_store(totals)
    report = national.national_report(totals, regions)
    timing = {
        "read_s": round(totals.read_s, 3),
        "compute_s": round(totals.compute_s, 3),
        "wall_s": round(wall_s, 3),
        "load_average_before": load_before,
        "load_average_after": load_average(),
    }
    if options["json"]:
        data = report.as_dict()
        data["timing"] = timing
        command.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        return
    w = command.stdout.write
    p = report.params
    model = (
        f"straight line x{p.detour_factor} at {p.speed_kmh:g} km/h"
        if p.model == "straight"
        else f"road network {p.osm_path}"
    )
    w(f"Model: {model}; threshold {p.minutes:g} min; demand: {p.demand}")
    w(f"Rule: {report.rule}")
    w(
        f"Computed once on {report.grid_points:,} grid cells and {report.commune_points:,} "
        f"town-hall points against {report.places_loaded:,} loaded places: coverage "
        f"{timing['compute_s']:.3f} s, reading {timing['read_s']:.3f} s "
        f"(load average {' '.join(map(str, timing['load_average_before']))})"
    )
    t = report.total
    w(
        f"{t.name}: {t.population_covered:,} of {t.population:,} inhabitants within "
        f"{p.minutes:g} min ({t.share_covered:.2%}); beyond: {t.population_beyond:,}; "
        f"{t.places:,} places located there"
    )
    header = (
        f"{'':34} {'places':>6} {'inhabitants':>12} {'covered':>8} {'beyond':>11} "
        f"{'inh/place':>9} {'/100k':>6}"
    )
    for title, rows in (("region", report.region_rows), ("département", report.departement_rows)):
        w("")
        w(title + header[len(title) :])
        for row in rows:
            w(
                f"{(row.name[:28] + ' (' + row.code + ')'):34} {row.places:6} "
                f"{row.population:12,} {row.share_covered:8.2%} {row.population_beyond:11,} "
                f"{_num(row.inhabitants_per_place, '9,.0f'):>9} "
                f"{_num(row.places_per_100k, '6.2f'):>6}"
            )
    for note in report.notes:
        w("")
        w(f"Note: {note}")
