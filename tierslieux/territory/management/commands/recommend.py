import json

from django.core.management.base import BaseCommand, CommandError

from tierslieux.territory.candidates import COMMUNES, candidates_named, candidates_source_names
from tierslieux.territory.management.commands._mesh_options import add_mesh_arguments, mesh_params
from tierslieux.territory.management.national_options import (
    add_regions_argument,
    regions_selected,
)
from tierslieux.territory.mesh import mesh_recommend
from tierslieux.territory.national import RULE
from tierslieux.territory.national_recommend import national_recommend

MAX_TIME_LIMIT_S = 3600.0


class Command(BaseCommand):
    help = (
        "Where to open the next tiers-lieux: the N communes that bring the most inhabitants "
        "within the threshold (maximal covering), or with --cover-all the fewest that bring "
        "everyone (set covering). The open places are kept."
    )

    def add_arguments(self, parser):
        add_mesh_arguments(parser)
        parser.add_argument("--new", type=int, default=10, help="Number of new places (10).")
        parser.add_argument("--cover-all", action="store_true", help="Set covering instead.")
        parser.add_argument(
            "--exact",
            action="store_true",
            help="Proven optimum (reductions, components, HiGHS) instead of greedy + swaps.",
        )
        parser.add_argument(
            "--candidates",
            choices=candidates_source_names(),
            default=COMMUNES,
            help="Candidate sites: the communes' town halls (default) or the published premises "
            "on offer (premises).",
        )
        parser.add_argument(
            "--time-limit", type=float, default=10.0, help="Seconds, at most 3600 (exact)."
        )
        add_regions_argument(parser)

    def handle(self, *args, **options):
        if options["new"] < 1 and not options["cover_all"]:
            raise CommandError("--new must be at least 1")
        if not 0 < options["time_limit"] <= MAX_TIME_LIMIT_S:
            raise CommandError(f"--time-limit must be > 0 and at most {MAX_TIME_LIMIT_S:g} s")
        if options["regions"] is not None:
            self._national(options)
            return
        try:
            candidates = candidates_named(options["candidates"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not len(candidates.ids):
            raise CommandError(f"No candidate site in the set {options['candidates']!r}.")
        try:
            result = mesh_recommend(
                mesh_params(options),
                new=None if options["cover_all"] else options["new"],
                exact=options["exact"],
                time_limit_s=options["time_limit"],
                candidates=candidates,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self._print(result, options)

    def _national(self, options) -> None:
        """Candidates: the communes of the regions; every loaded place is kept (--regions)."""
        if options["candidates"] != COMMUNES:
            raise CommandError("--regions works with the communes as candidates.")
        regions = regions_selected(options["regions"])
        try:
            result = national_recommend(
                mesh_params(options),
                regions,
                new=None if options["cover_all"] else options["new"],
                exact=options["exact"],
                time_limit_s=options["time_limit"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self._print(result, options, extra={"regions": list(regions), "rule": RULE})

    def _print(self, result, options, extra: dict | None = None) -> None:
        if options["json"]:
            data = {**result.as_dict(), **(extra or {})}
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        w = self.stdout.write
        if extra:
            w(f"Regions: {', '.join(extra['regions'])}. Rule: {extra['rule']}")
        gap = f", gap {result.gap:.3%}" if result.gap is not None else ""
        w(
            f"Method: {result.method} ({result.status}{gap}, {result.solve_s:.3f} s); threshold "
            f"{result.params.minutes:g} min; demand: {result.params.demand}; {result.places} open "
            "places kept"
        )
        w(
            f"Within the threshold: {result.covered_before:,} -> {result.covered_after:,} of "
            f"{result.population:,} inhabitants ({result.share_before:.2%} -> "
            f"{result.share_after:.2%}); out of reach of any commune: {result.uncoverable:,}"
        )
        w(f"{result.new} new places ({options['candidates']}):")
        for site in result.sites:
            w(
                f"  {site.rank:3}. {site.name} [{site.candidate}] ({site.commune}, "
                f"{site.departement}): "
                f"+{site.new_inhabitants:,} inhabitants"
            )
