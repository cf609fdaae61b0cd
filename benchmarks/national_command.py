"""`manage.py coverage --regions all` timed on a database holding the whole metropolitan grid.

Until the per-region commune files are committed (issue 14, item 1), this builds a STAND-IN
database in ``var/benchmark-national.sqlite3``: the real départements, ONE synthetic commune per
département (at the population-weighted centre of its cells, holding their population), the
372,383 real cells of the metropolitan 1 km grid attached to it, and the 1,512 places of the
2019 census attached to their département's synthetic commune (real coordinates). Coverage only
reads the cells' points and the places' points, so the figures are the real ones; only the
communes are stand-ins. Then it runs the command as a user would (``--json``) and prints its
timings: reading the demand and places from the database, and the coverage computed once and
summed by région and département, with the load average.

Run: ``uv run python benchmarks/national_command.py`` (about a minute to build the database the
first time; ``--rebuild`` to build it again). Not run by the test suite.
"""

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DB = ROOT / "var" / "benchmark-national.sqlite3"
GRID_FILE = ROOT / "data" / "territory" / "population_grid_1km_france_metro.csv.gz"
CENSUS_FILE = ROOT / "data" / "places" / "cget_tiers_lieux_2019.csv"
RESULT_FILE = ROOT / "benchmarks" / "results" / "national_command.json"
CACHE_DIR = ROOT / "var" / "benchmark-national-cache"


def environment() -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{DB}",
        "TERRITORY_REGIONS": "all",
        "DJANGO_DEBUG": os.environ.get("DJANGO_DEBUG", "1"),
        "CACHE_BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "CACHE_LOCATION": str(CACHE_DIR),
    }


def build() -> None:
    """Migrate a fresh database and fill it (run in a child process with the environment)."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from tierslieux.places.models import Place, PlaceSource, PlaceState
    from tierslieux.territory.loaders import departements_read, population_grid_read
    from tierslieux.territory.models import Commune, Departement, PopulationCell

    call_command("migrate", verbosity=0)
    grid = population_grid_read(GRID_FILE)
    deps = departements_read(ROOT / "data" / "territory")
    square = {"type": "Polygon", "coordinates": [[[0, 0], [0.01, 0], [0.01, 0.01], [0, 0]]]}
    with transaction.atomic():
        Departement.objects.bulk_create(
            [Departement(code=d.code, name=d.name, region_code=d.region_code) for d in deps]
        )
        communes = {}
        weight = grid.population.astype(np.float64)
        for d in deps:
            mine = grid.area_code == d.code
            if mine.any():
                lon = float(np.average(grid.lon[mine], weights=weight[mine]))
                lat = float(np.average(grid.lat[mine], weights=weight[mine]))
                population = int(grid.population[mine].sum())
            else:  # overseas: no grid; a point for the places only (no demand)
                lon, lat, population = 0.0, 0.0, 0
            code = (d.code + "000")[:5]
            communes[d.code] = Commune(
                code=code,
                name=f"Commune de substitution {d.code}",
                departement_id=d.code,
                population=population,
                population_2021=population,
                density_level=4,
                lon=lon,
                lat=lat,
                geometry=square,
            )
        Commune.objects.bulk_create(communes.values())
        code_of = {dep: c.code for dep, c in communes.items()}
        PopulationCell.objects.bulk_create(
            (
                PopulationCell(
                    x_m=int(x),
                    y_m=int(y),
                    population=int(p),
                    lon=float(lo),
                    lat=float(la),
                    commune_id=code_of[str(dep)],
                )
                for x, y, p, lo, la, dep in zip(
                    grid.x_m,
                    grid.y_m,
                    grid.population,
                    grid.lon,
                    grid.lat,
                    grid.area_code,
                    strict=True,
                )
            ),
            batch_size=5000,
        )
        places = []
        with CENSUS_FILE.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                try:
                    lon, lat = float(row["LONG"]), float(row["LAT"])
                except ValueError:
                    continue
                places.append(
                    Place(
                        name=row["NOM_TL"][:200],
                        commune_id=code_of[row["INSEEDEP"]],
                        lon=lon,
                        lat=lat,
                        state=PlaceState.OPEN,
                        source=PlaceSource.CGET_2019,
                        source_id=row["ID"],
                        is_published=True,
                    )
                )
        Place.objects.bulk_create(places, batch_size=1000)
    print(
        f"built {DB.name}: {PopulationCell.objects.count():,} cells, "
        f"{Commune.objects.count()} stand-in communes, {Place.objects.count():,} places"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--repeat", type=int, default=4)
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_only:
        build()
        return
    if args.rebuild and DB.exists():
        DB.unlink()
    if not DB.exists():
        DB.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, __file__, "--build-only"], env=environment(), check=True, cwd=ROOT
        )
    shutil.rmtree(CACHE_DIR, ignore_errors=True)  # the first run reads the database (cold)
    runs = []
    for _ in range(args.repeat):
        done = subprocess.run(
            [sys.executable, "manage.py", "coverage", "--regions", "all", "--json"],
            env=environment(),
            check=True,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        data = json.loads(done.stdout)
        runs.append(data["timing"])
        print(("cold " if len(runs) == 1 else "warm ") + json.dumps(data["timing"]))
    total = data["total"]
    warm = runs[1:] or runs
    best = min(warm, key=lambda t: t["compute_s"] + t["read_s"])
    print(
        f"{data['grid_points']:,} cells, {data['places_loaded']:,} places: coverage computed "
        f"once and summed in {best['compute_s']:.3f} s, reading the demand "
        f"{best['read_s']:.3f} s from the cache (cold, from the database: "
        f"{runs[0]['read_s']:.3f} s); load average {best['load_average_before']}"
    )
    print(f"{total['name']}: {total['share_covered']:.2%} within 20 minutes")
    for row in data["region_rows"]:
        print(f"  {row['name'][:30]:30} ({row['code']}) {row['share_covered']:.2%}")
    RESULT_FILE.write_text(
        json.dumps(
            {
                "runs": runs,
                "total": total,
                "regions": {r["code"]: r["share_covered"] for r in data["region_rows"]},
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
