import json

from django.core.management.base import BaseCommand, CommandError

from tierslieux.territory.management.commands._mesh_options import add_mesh_arguments, mesh_params
from tierslieux.territory.management.national_options import (
    add_regions_argument,
    national_coverage_print,
)
from tierslieux.territory.mesh import MeshParams, mesh_report, road_network_prepare


class Command(BaseCommand):
    help = (
        "Share of inhabitants within the threshold of an open tiers-lieu, per département, "
        "rural and urban, and the white zones."
    )

    def add_arguments(self, parser):
        add_mesh_arguments(parser)
        parser.add_argument("--white-zones", type=int, default=15, help="How many to list.")
        add_regions_argument(parser)

    def handle(self, *args, **options):
        params = mesh_params(options)
        if options["regions"] is not None:
            national_coverage_print(self, params, options)
            return
        try:
            params.validate()
            if params.model == "road":
                self._prepare_road_network(params)
            report = mesh_report(params)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            data = report.as_dict()
            data["white_zones"] = data["white_zones"][: options["white_zones"]]
            data.pop("communes")
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        p = report.params
        model = (
            f"straight line x{p.detour_factor} at {p.speed_kmh:g} km/h"
            if p.model == "straight"
            else f"road network {p.osm_path}"
        )
        w = self.stdout.write
        w(f"Model: {model}; threshold {p.minutes:g} min; demand: {p.demand}")
        if report.places == 0:
            w(self.style.WARNING("No open place: nobody is within the threshold."))
        elif p.model == "road" and report.population_unreached > report.population / 2:
            w(
                self.style.WARNING(
                    f"Warning: {report.population_unreached:,} inhabitants reach no place at all: "
                    "the road network does not cover the territory (use an extract of the region)."
                )
            )
        w(
            f"Open places: {report.places} (target {report.target_places}: "
            f"{report.progress_to_target:.0%})"
        )
        w(
            f"Inhabitants: {report.population:,}; within {p.minutes:g} min: "
            f"{report.population_covered:,} ({report.share_covered:.2%}); beyond: "
            f"{report.population_uncovered:,}"
        )
        w(
            f"Rural (density 5-7): {report.rural.share_covered:.2%} of "
            f"{report.rural.population:,}; urban (1-4): {report.urban.share_covered:.2%} of "
            f"{report.urban.population:,}"
        )
        w(
            f"Inhabitants per place: {report.inhabitants_per_place:,.0f} "
            f"(national: {report.national_inhabitants_per_place:,.0f})"
        )
        w("")
        w(f"{'département':28} {'places':>6} {'inhabitants':>12} {'covered':>8} {'mean min':>8}")
        for row in report.departements:
            mean = f"{row.mean_minutes:.1f}" if row.mean_minutes is not None else "-"
            w(
                f"{row.name[:24] + ' (' + row.code + ')':28} {row.places:6} {row.population:12,} "
                f"{row.share_covered:8.1%} {mean:>8}"
            )
        w("")
        w(f"White zones: {len(report.white_zones)} communes; the most populated:")
        for row in report.white_zones[: options["white_zones"]]:
            w(
                f"  {row.name} ({row.code}): {row.population - row.population_covered:,} "
                f"inhabitants beyond {p.minutes:g} min, mean {row.mean_minutes} min"
            )

    def _prepare_road_network(self, params: MeshParams) -> None:
        """A first read of an extract takes a while: say how long, then show how it goes (on
        stderr, so that ``--json`` output stays clean)."""
        err = self.stderr

        def announce(size_bytes: int, estimate_s: float) -> None:
            err.write(
                f"First read of {params.osm_path} ({size_bytes / 2**20:,.0f} MiB): up to about "
                f"{max(estimate_s, 1):,.0f} s; later runs read the cache."
            )

        def progress(fraction: float, message: str) -> None:
            err.write(f"  {fraction:4.0%}  {message}")

        if road_network_prepare(params, announce=announce, progress=progress):
            err.write("  road network read and cached.")
