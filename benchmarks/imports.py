"""Directory imports at scale: validation of a large census file, and probable duplicates.

Generates a CGET-format file of N synthetic places (labelled as such, points near real town
halls of the loaded territory, names drawn from a small vocabulary so that near-duplicates
exist), then times, in one run on the same file:

- ``places_import(dry_run=True)``: every row read, validated, its commune resolved, the probable
  duplicates found (what the import page and ``import_places --dry-run`` do);
- probable duplicates alone, the product's spatial index (``probable_duplicates``) against the
  all-pairs scan a first version wrote (``probable_duplicates_all_pairs``, run on a sample and
  also in full when ``--all-pairs-full``), checking both find the same pairs.

Needs a migrated database with the territory loaded (``make setup`` or ``manage.py migrate &&
manage.py load_territory``) and an active superuser. Run:

    DJANGO_DEBUG=true uv run python benchmarks/imports.py --rows 100000
"""

import argparse
import csv
import io
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from tierslieux.accounts.models import User  # noqa: E402
from tierslieux.places.duplicates import (  # noqa: E402
    NamedPoint,
    probable_duplicates,
    probable_duplicates_all_pairs,
)
from tierslieux.places.services import places_import  # noqa: E402
from tierslieux.territory.models import Commune  # noqa: E402

COLUMNS = ["ID", "NOM_TL", "ADRESSE", "CP", "INSEECOM", "NOMCOM", "TYPO", "LAT", "LONG"]
COLUMNS += ["INSEEREG", "WEB"]
WORDS = ["Atelier", "Coworking", "Fablab", "La Ruche", "Le Hangar", "La Grange", "L'Usine"]
WORDS += ["Les Halles", "Le Lieu", "La Forge", "Le Quai", "La Fabrique", "Le Relais"]


def generate(rows: int, seed: int = 42) -> bytes:
    """A CGET-format CSV of ``rows`` synthetic places of the loaded region."""
    rng = random.Random(seed)
    communes = list(Commune.objects.values_list("code", "name", "lon", "lat", "postal_codes"))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for i in range(1, rows + 1):
        code, name, lon, lat, postcodes = rng.choice(communes)
        title = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.randrange(1000)} (synthetic)"
        writer.writerow(
            [
                f"SYN{i}",
                title,
                f"{rng.randrange(1, 200)} rue de la Gare",
                (postcodes or [""])[0],
                code,
                name,
                "Tiers lieux à dominante coworking",
                f"{lat + rng.uniform(-0.002, 0.002):.6f}",
                f"{lon + rng.uniform(-0.002, 0.002):.6f}",
                "75",
                "",
            ]
        )
    return out.getvalue().encode()


def timed(label: str, func, *args, **kwargs):
    start = time.perf_counter()
    value = func(*args, **kwargs)
    seconds = time.perf_counter() - start
    print(f"  {label:<62} {seconds:8.2f} s", flush=True)
    return value, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2_000, help="all-pairs sample size")
    parser.add_argument("--all-pairs-full", action="store_true")
    parser.add_argument(
        "--write", action="store_true", help="also import for real, then delete the rows"
    )
    parser.add_argument("--output", type=Path, default=Path("benchmarks/results/imports.json"))
    args = parser.parse_args()

    operator = User.objects.filter(is_superuser=True, is_active=True).first()
    if operator is None:
        sys.exit("No active superuser: run `manage.py ensure_demo_admin` (DJANGO_DEBUG=true).")
    print(f"machine load before: {os.getloadavg()}  cores: {os.cpu_count()}")
    data, _ = timed(f"generate {args.rows:,} synthetic rows (CGET format)", generate, args.rows)
    print(f"  file size {len(data) / 1e6:.1f} MB")

    steps: list[str] = []

    def progress(fraction: float, message: str) -> None:
        if not steps or steps[-1] != message:
            steps.append(message)

    report, validate_s = timed(
        "places_import(dry_run=True): read + validate + duplicates",
        places_import,
        source="cget_2019",
        data=data,
        by=operator,
        dry_run=True,
        progress=progress,
    )
    print(f"  {report.created:,} rows valid, {len(report.duplicates):,} probable duplicate pairs")
    print(f"  progress messages: {len(steps)} (first: {steps[0]!r}, last: {steps[-1]!r})")

    write_s = None
    if args.write:
        written, write_s = timed(
            "places_import: read + validate + duplicates + bulk write + audit",
            places_import,
            source="cget_2019",
            data=data,
            by=operator,
        )
        print(f"  {written.created:,} places created")
        from tierslieux.places.models import Place

        Place.objects.filter(source="cget_2019", source_id__startswith="SYN").delete()

    rng = random.Random(7)
    reader = csv.DictReader(io.StringIO(data.decode()))
    points = [
        NamedPoint(f"line {n}", r["NOM_TL"], float(r["LONG"]), float(r["LAT"]))
        for n, r in enumerate(reader, start=2)
    ]
    sample = rng.sample(points, min(args.sample, len(points)))
    fast_pairs, fast_s = timed(
        f"probable_duplicates, spatial index, {len(sample):,} points", probable_duplicates, sample
    )
    slow_pairs, slow_s = timed(
        f"probable_duplicates_all_pairs, {len(sample):,} points",
        probable_duplicates_all_pairs,
        sample,
    )
    key = lambda p: tuple(sorted((p.first.label, p.second.label)))  # noqa: E731
    same = sorted(map(key, fast_pairs)) == sorted(map(key, slow_pairs))
    print(
        f"  same pairs: {same} ({len(fast_pairs):,}); ratio all-pairs / index: "
        f"{slow_s / fast_s:.1f}x"
    )
    full_fast, full_fast_s = timed(
        f"probable_duplicates, spatial index, {len(points):,} points", probable_duplicates, points
    )
    full_slow_s = None
    if args.all_pairs_full:
        _, full_slow_s = timed(
            f"probable_duplicates_all_pairs, {len(points):,} points",
            probable_duplicates_all_pairs,
            points,
        )
    print(f"machine load after: {os.getloadavg()}")
    result = {
        "rows": args.rows,
        "validate_seconds": round(validate_s, 2),
        "duplicate_pairs": len(report.duplicates),
        "write_seconds": None if write_s is None else round(write_s, 2),
        "sample": len(sample),
        "sample_index_seconds": round(fast_s, 3),
        "sample_all_pairs_seconds": round(slow_s, 3),
        "sample_ratio": round(slow_s / fast_s, 1),
        "same_pairs": same,
        "full_index_seconds": round(full_fast_s, 3),
        "full_all_pairs_seconds": None if full_slow_s is None else round(full_slow_s, 2),
        "full_pairs": len(full_fast),
        "load_after": os.getloadavg(),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    if not same:
        sys.exit("the two duplicate searches disagree")


if __name__ == "__main__":
    main()
