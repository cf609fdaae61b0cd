"""Capture the indicators of the records of a database, for the engine's regression test.

Run on a database set up with ``make setup`` (the demo records of ``demo_records``)::

    DJANGO_DEBUG=true uv run python manage.py shell -c \
        "from tests.dashboard.capture_baseline import main; main()"

It writes ``tests/dashboard/data/indicators_records.json.gz`` (the records as plain data, both
with and without demo records) and ``indicators_expected.json.gz`` (every indicator computed by
``selectors`` on those records for several dates, territories and options, in English). The
files committed were captured with the code before the indicator engine (commit 7ecf3a9,
``selectors._records_load`` and ``selectors._snapshot``); ``test_engine_regression.py``
compares the engine with them. Capture again only for a deliberate change of a figure (and say
so in the commit).
"""

import dataclasses
import datetime
import gzip
import json
from pathlib import Path

from django.conf import settings
from django.utils import translation

DATA = Path(__file__).parent / "data"

DATES = [
    "2016-12-31",
    "2018-06-30",
    "2019-06-12",
    "2019-12-31",
    "2021-03-15",
    "2022-12-31",
    "2024-02-29",
    "2025-12-31",
    "2026-06-30",
]
TERRITORIES = [None, "33", "24", "87", "64", "17", "19"]
OPTIONS = [
    {},
    {"since": 2018},
    {"survival_years": 5},
    {"since": 2020, "survival_years": 1},
]
COVERAGE = [(None, "2021-03-15"), ("33", "2022-12-31"), ("23", "2025-12-31"), (None, "2018-06-30")]
SERIES_YEARS = list(range(2015, 2026))


def _plain(value):
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def indicators_plain(found) -> dict:
    return {
        "on": found.on.isoformat(),
        "departement": found.departement,
        "territory_name": found.territory_name,
        "include_demo": found.include_demo,
        "since": found.since,
        "survival_years": found.survival_years,
        "rows": [_plain(r) for r in found.rows],
        "money": _plain(found.money),
    }


def records_plain(records) -> dict:
    fields = (
        "include_demo",
        "population",
        "departement_names",
        "places",
        "first_grant",
        "committed",
        "paid",
        "surveys",
        "responses",
        "directory_known_from",
    )
    return {name: _plain(getattr(records, name)) for name in fields}


def expected_compute(selectors) -> dict:
    """Every case of the regression test, computed by ``selectors``."""
    out: dict = {"compute": [], "coverage": [], "by_departement": [], "series": [], "money": []}
    for include_demo in (True, False):
        for day in DATES:
            on = datetime.date.fromisoformat(day)
            for dep in TERRITORIES:
                for options in OPTIONS:
                    found = selectors.indicators_compute(
                        on=on,
                        departement=dep,
                        include_demo=include_demo,
                        with_coverage=False,
                        **options,
                    )
                    out["compute"].append({"options": options, "result": indicators_plain(found)})
        for dep, day in COVERAGE:
            found = selectors.indicators_compute(
                on=datetime.date.fromisoformat(day), departement=dep, include_demo=include_demo
            )
            out["coverage"].append(indicators_plain(found))
        out["by_departement"].append(
            [
                indicators_plain(i)
                for i in selectors.indicators_by_departement(
                    on=datetime.date(2023, 12, 31), include_demo=include_demo, with_coverage=False
                )
            ]
        )
        for series in selectors.indicator_series_many(
            years=SERIES_YEARS, include_demo=include_demo, with_coverage=False
        ):
            out["series"].append(
                {
                    "departement": series.departement,
                    "territory_name": series.territory_name,
                    "include_demo": series.include_demo,
                    "years": list(series.years),
                    "snapshots": [indicators_plain(s) for s in series.snapshots],
                }
            )
        for dep in (None, "33", "40"):
            table = selectors.money_by_year(
                since=2017, departement=dep, include_demo=include_demo, on=datetime.date(2025, 6, 1)
            )
            out["money"].append(
                {
                    "table": _plain(table),
                    "by_year": table.by_year(),
                    "by_year_calls": table.by_year(calls=True),
                    "by_line": table.by_line(),
                    "lines": table.lines,
                }
            )
    return out


def _write(name: str, data: dict) -> None:
    text = json.dumps(data, sort_keys=True).encode()
    (DATA / name).write_bytes(gzip.compress(text, mtime=0))


def main() -> None:
    from tierslieux.dashboard import selectors

    with translation.override("en"):
        records = {
            str(d): records_plain(selectors.indicator_records(include_demo=d))
            for d in (True, False)
        }
        records["params"] = {
            "national_population": settings.NATIONAL_POPULATION,
            "national_places": settings.NATIONAL_PLACES,
            "target_places": settings.MESH_TARGET_PLACES,
            "threshold_minutes": settings.MESH_THRESHOLD_MINUTES,
            "region_name": settings.TERRITORY_REGION_NAME,
        }
        _write("indicators_records.json.gz", records)
        expected = expected_compute(selectors)
    _write("indicators_expected.json.gz", expected)
    print({k: len(v) for k, v in expected.items()})
