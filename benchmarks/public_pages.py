"""The public pages and the API across regions, with 3,500 places: p50/p95 per URL (issue 14, 6).

What it does:

1. opens the database of ``--var-dir`` (default ``var/bench-public-pages``, or the one
   ``DATABASE_URL`` names), with the regions of ``--regions`` (default: ``TERRITORY_REGIONS``
   from the environment, else ``75``); when it holds no commune it runs ``migrate`` and
   ``load_territory`` (its own ``--regions`` when the command takes it), and when it holds no
   place it imports the 2019 census (``--census``, the CGET file);
2. adds generated places until the directory holds ``--places`` (3,500 by default, the national
   count), each named "Tiers-lieu généré pour le banc des pages publiques n°…", source ``demo``
   (made up), published, at a random commune of the served regions (``--cleanup`` deletes them
   at the end);
3. in this process, with the production settings (``DJANGO_DEBUG=false``), times with Django's
   test client (the whole request: middleware, view, queries, template; no network) each
   public URL for the regions chosen (``--choices``: the home region, another served one and
   ``all`` by default): directory (page 1, and filtered by département), map page, map data,
   "near me", a place page, the open data page and its CSV, the API list (and filtered) and
   the open calls; ``--requests`` requests each after ``--warmup``;
4. times, side by side, the floor of three of them: the same rows read with one plain SQL
   query and serialised with ``json.dumps`` (no middleware, no form, no template, no cache),
   i.e. what the data alone costs;
5. prints p50/p95/max per URL with the load average (``/proc/loadavg``) before and after each,
   flags a p95 over 100 ms, and writes ``benchmarks/results/public_pages.json``.

Run: ``uv run python benchmarks/public_pages.py`` (Nouvelle-Aquitaine; ~3 min the first time,
which loads the territory), or for the whole country once its territory is loaded:
``TERRITORY_REGIONS=all uv run python benchmarks/public_pages.py --var-dir DIR``.
Not run by the tests.
"""

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULT_FILE = ROOT / "benchmarks" / "results" / "public_pages.json"
CENSUS_FILE = ROOT / "data" / "places" / "cget_tiers_lieux_2019.csv"
GENERATED_NAME = "Tiers-lieu généré pour le banc des pages publiques n°{n}"
GENERATED_SOURCE_ID = "public-pages-benchmark-{n}"
TARGET_P95_MS = 100.0
SEED = 14


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def setup_django(args: argparse.Namespace) -> None:
    os.environ["TERRITORY_REGIONS"] = args.regions
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("DJANGO_SECRET_KEY", "public-pages-benchmark-only")
    os.environ.setdefault("API_ANON_RATE", "1000000/m")  # counted, never refusing
    os.environ["TIERSLIEUX_VAR_DIR"] = str(args.var_dir)
    args.var_dir.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def prepare(args: argparse.Namespace) -> dict[str, float]:
    """Territory, census and generated places; the seconds each step took."""
    from django.core.management import call_command, get_commands, load_command_class

    from tierslieux.places.models import Place
    from tierslieux.territory.models import Commune

    times: dict[str, float] = {}
    start = time.perf_counter()
    call_command("migrate", "--noinput", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)  # the manifest production reads
    if not Commune.objects.exists():
        command = load_command_class(get_commands()["load_territory"], "load_territory")
        options = [a.dest for a in command.create_parser("manage.py", "load_territory")._actions]
        extra = ["--regions", args.regions] if "regions" in options else []
        call_command("load_territory", *extra)
        times["load_territory_s"] = round(time.perf_counter() - start, 1)
    if not Place.objects.exists() and args.census and args.census.exists():
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.core.management import CommandError

        start = time.perf_counter()
        user, _ = get_user_model().objects.get_or_create(
            username="public-pages-bench", defaults={"email": "ppb@x.invalid"}
        )
        user.is_superuser = True
        user.save()
        for code in settings.TERRITORY_REGIONS:  # the census file holds every region's rows
            try:
                call_command(
                    "import_places",
                    str(args.census),
                    "--format=cget_2019",
                    f"--region={code}",
                    f"--by={user.username}",
                    stdout=open(os.devnull, "w"),  # noqa: SIM115
                    stderr=open(os.devnull, "w"),  # noqa: SIM115
                )
            except CommandError as refused:
                print(f"census, region {code}: {refused}")
        times["census_s"] = round(time.perf_counter() - start, 1)
    start = time.perf_counter()
    added = generate_places(args.places)
    times["generate_s"] = round(time.perf_counter() - start, 1)
    times["generated_added"] = added
    return times


def generate_places(total: int) -> int:
    """Add generated places (labelled as such) until the directory holds ``total``."""
    from django.conf import settings

    from tierslieux.places.models import (
        LocationPrecision,
        Place,
        PlaceKind,
        PlaceService,
        PlaceSource,
        PlaceState,
    )
    from tierslieux.territory.models import Commune

    missing = total - Place.objects.count()
    if missing <= 0:
        return 0
    communes = list(
        Commune.objects.filter(departement__region_code__in=settings.TERRITORY_REGIONS)
        .defer("geometry")
        .order_by("code")
    )
    if not communes:
        raise SystemExit("No commune of the regions served is loaded: run load_territory.")
    first = Place.objects.filter(source_id__startswith="public-pages-benchmark-").count() + 1
    rng = random.Random(SEED + first)
    kinds, services = PlaceKind.values, PlaceService.values
    places = []
    for n in range(first, first + missing):
        commune = rng.choice(communes)
        state = rng.choices(
            [PlaceState.OPEN, PlaceState.PROJECT, PlaceState.CLOSED], weights=[85, 10, 5]
        )[0]
        place = Place(
            name=GENERATED_NAME.format(n=n),
            description="Lieu fictif, généré pour mesurer les pages publiques "
            "(benchmarks/public_pages.py).",
            kinds=rng.sample(kinds, rng.randint(1, 2)),
            services=rng.sample(services, rng.randint(0, 4)),
            state=state,
            closed_on="2024-06-30" if state == PlaceState.CLOSED else None,
            commune=commune,
            city=commune.name,
            postcode=(commune.postal_codes or [""])[0],
            lon=commune.lon + rng.uniform(-0.01, 0.01),
            lat=commune.lat + rng.uniform(-0.01, 0.01),
            location_precision=LocationPrecision.COMMUNE,
            source=PlaceSource.DEMO,
            source_id=GENERATED_SOURCE_ID.format(n=n),
            is_published=True,
        )
        place.search_text = place.build_search_text()
        places.append(place)
    Place.objects.bulk_create(places, batch_size=500)
    return missing


def cleanup() -> int:
    from tierslieux.places.models import Place

    deleted, _ = Place.objects.filter(source_id__startswith="public-pages-benchmark-").delete()
    return deleted


# --- What is measured ------------------------------------------------------------------------


def region_choices(args: argparse.Namespace) -> list[str]:
    from django.conf import settings

    if args.choices:
        return args.choices.split(",")
    served = list(settings.TERRITORY_REGIONS)
    if len(served) == 1:
        return [""]  # one region: the pages without ?region=, as a visitor sees them
    home = settings.TERRITORY_REGION_CODE
    other = next((code for code in served if code != home), home)
    return [home, other, "all"]


def urls_for(choice: str) -> list[tuple[str, str]]:
    """(label, URL) of the public pages and API lists for one region choice."""
    from tierslieux.places.models import Place
    from tierslieux.territory.models import Commune

    places = Place.objects.published()
    if choice and choice != "all":
        places = places.filter(commune__departement__region_code=choice)
    sample = places.order_by("pk").values_list("pk", "commune__departement_id").first()
    if sample is None:
        return []
    pk, departement = sample
    communes = Commune.objects.order_by("-population")
    if choice and choice != "all":
        communes = communes.filter(departement__region_code=choice)
    town = communes.values_list("code", flat=True).first()
    region = f"region={choice}" if choice else ""
    amp = f"&{region}" if region else ""
    q = f"?{region}" if region else ""
    return [
        ("directory", f"/tiers-lieux/{q}"),
        ("directory, département", f"/tiers-lieux/?departement={departement}{amp}"),
        ("directory, page 10", f"/tiers-lieux/?page=10{amp}"),
        ("map page", f"/tiers-lieux/carte/{q}"),
        ("map data", f"/tiers-lieux/carte/tiers-lieux.geojson{q}"),
        ("near me", f"/tiers-lieux/pres-de-chez-moi/?code={town}{amp}"),
        ("place page", f"/tiers-lieux/{pk}/"),
        ("open data page", f"/donnees/{q}"),
        ("open data CSV", f"/tiers-lieux/donnees/tiers-lieux.csv{q}"),
        ("API list", f"/api/v1/places{q}"),
        ("API list, département", f"/api/v1/places?departement={departement}{amp}"),
        ("API open calls", f"/api/v1/appels/ouverts{q}"),
    ]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def time_url(client, url: str, *, requests: int, warmup: int) -> dict:
    sizes = []
    for _ in range(warmup):
        _read(client.get(url, secure=True, HTTP_ACCEPT_ENCODING="gzip"))
    load_before = loadavg()
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url, secure=True, HTTP_ACCEPT_ENCODING="gzip")
        size = _read(response)
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        sizes.append(size)
    return {
        "url": url,
        "requests": requests,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1),
        "kib": round(statistics.mean(sizes) / 1024, 1),
        "load_before": load_before,
        "load_after": loadavg(),
    }


def _read(response) -> int:
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def baselines(choice: str, *, requests: int) -> list[dict]:
    """The floor of three URLs: the same rows, one plain SQL query each, ``json.dumps``."""
    from django.db import connection

    where, params = "", []
    if choice and choice != "all":
        where, params = " AND d.region_code = %s", [choice]
    join = (
        " FROM places_place p JOIN territory_commune c ON c.code = p.commune_id"
        " JOIN territory_departement d ON d.code = c.departement_id WHERE p.is_published"
    )
    queries = {
        "directory": (
            f"SELECT p.id, p.name, p.state, p.kinds, c.name, c.departement_id{join}{where}"
            " ORDER BY p.name, p.id LIMIT 20",
            f"SELECT COUNT(*){join}{where}",
        ),
        "API list": (
            f"SELECT p.*, c.name, c.departement_id, c.epci_id{join}{where}"
            " ORDER BY p.name, p.id LIMIT 50",
            f"SELECT COUNT(*){join}{where}",
        ),
        "map data": (
            f"SELECT p.id, p.name, p.kinds, p.state, p.lon, p.lat, p.is_published, c.name,"
            f" c.departement_id{join}{where} ORDER BY p.name, p.id",
            None,
        ),
    }
    results = []
    for label, (rows_sql, count_sql) in queries.items():
        times = []
        for i in range(requests + 2):
            start = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(rows_sql, params)
                rows = cursor.fetchall()
                if count_sql:
                    cursor.execute(count_sql, params)
                    cursor.fetchone()
            json.dumps(rows, default=str)
            if i >= 2:
                times.append((time.perf_counter() - start) * 1000)
        results.append(
            {
                "label": f"{label} (floor: plain SQL + json.dumps)",
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(percentile(times, 0.95), 1),
                "max_ms": round(max(times), 1),
                "load_after": loadavg(),
            }
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--regions", default=os.environ.get("TERRITORY_REGIONS") or "75")
    parser.add_argument(
        "--var-dir",
        type=Path,
        default=Path(os.environ.get("TIERSLIEUX_VAR_DIR") or ROOT / "var" / "bench-public-pages"),
    )
    parser.add_argument("--places", type=int, default=3500)
    parser.add_argument("--census", type=Path, default=CENSUS_FILE)
    parser.add_argument("--choices", default="", help="Region choices, e.g. 75,84,all.")
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--cleanup", action="store_true", help="Delete the generated places.")
    parser.add_argument("--output", type=Path, default=RESULT_FILE)
    args = parser.parse_args()

    setup_django(args)
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from tierslieux.places.models import Place, PlaceSource

    print(f"load average at start: {loadavg()} ({os.cpu_count()} CPUs)")
    prep = prepare(args)
    counts = {
        "places": Place.objects.count(),
        "published": Place.objects.published().count(),
        "generated": Place.objects.filter(source=PlaceSource.DEMO).count(),
    }
    print(
        f"database: {connection.vendor}, regions {','.join(settings.TERRITORY_REGIONS)}, "
        f"{counts['places']} places ({counts['published']} published, "
        f"{counts['generated']} generated); preparation {prep}"
    )
    client = Client()
    rows: list[dict] = []
    header = f"{'choice':6} {'url':28} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'KiB':>8}  load"
    print(header)
    for choice in region_choices(args):
        urls = urls_for(choice)
        if not urls:
            print(f"{choice:6} no published place in this region: skipped")
            continue
        for label, url in urls:
            row = time_url(client, url, requests=args.requests, warmup=args.warmup)
            row.update(choice=choice or "-", label=label)
            rows.append(row)
            flag = "  > 100 ms" if row["p95_ms"] > TARGET_P95_MS else ""
            print(
                f"{row['choice']:6} {label:28} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} "
                f"{row['max_ms']:8.1f} {row['kib']:8.1f}  {row['load_before']} -> "
                f"{row['load_after']}{flag}"
            )
        for row in baselines(choice, requests=args.requests):
            row.update(choice=choice or "-")
            rows.append(row)
            print(
                f"{row['choice']:6} {row['label']:28} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} "
                f"{row['max_ms']:8.1f} {'':8}  {row['load_after']}"
            )
    slow = [r for r in rows if "url" in r and r["p95_ms"] > TARGET_P95_MS]
    print(f"load average at end: {loadavg()}")
    print(
        "p95 over 100 ms: "
        + (", ".join(f"{r['choice']} {r['label']} {r['p95_ms']} ms" for r in slow) or "none")
    )
    if args.cleanup:
        print(f"deleted {cleanup()} generated places")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(
            {
                "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                "database": connection.vendor,
                "regions": list(settings.TERRITORY_REGIONS),
                "counts": counts,
                "preparation": prep,
                "requests_per_url": args.requests,
                "rows": rows,
            },
            indent=1,
            ensure_ascii=False,
        )
    )
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
