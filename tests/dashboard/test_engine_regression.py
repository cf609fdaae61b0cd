"""The indicator engine gives exactly the figures the code before it gave (ADR 0020).

``data/indicators_records.json.gz`` holds the records of the demo database (``make setup``) as
plain data, and ``data/indicators_expected.json.gz`` every indicator computed on them by the
selectors before the engine existed (``capture_baseline.py``): 504 snapshots (9 dates x 7
territories x 4 options x with/without demo records), the figures per département, 26 series
by year and 6 money tables. The pure engine runs on the plain records, without a database;
only the coverage needs the population grid (one database test).
"""

import datetime
import gzip
import json
from pathlib import Path

import pytest

from tests.dashboard.capture_baseline import _plain
from tests.dashboard.capture_baseline import indicators_plain as _indicators_plain
from tierslieux.dashboard.indicators import engine, reader
from tierslieux.dashboard.indicators.data import (
    DEFAULT_SINCE,
    DEFAULT_SURVIVAL_YEARS,
    Money,
    Params,
    Place,
    Records,
    Response,
    Survey,
)
from tierslieux.dashboard.indicators.funding import money_table

DATA = Path(__file__).parent / "data"
ADDED_SINCE_THE_BASELINE = frozenset({"certified_facilitators"})
"""Indicators added after the baseline was captured (ADR 0033): they have no expected figure,
the baseline's own indicators must stay exactly the same."""


def indicators_plain(found) -> dict:
    """The snapshot as plain data, without the indicators the baseline does not know."""
    plain = _indicators_plain(found)
    plain["rows"] = [r for r in plain["rows"] if r["code"] not in ADDED_SINCE_THE_BASELINE]
    return plain


D = datetime.date.fromisoformat
TODAY = datetime.date(2026, 12, 4)
"""The day the expected figures were captured (the series' current year is after theirs)."""


def _read(name: str) -> dict:
    return json.loads(gzip.decompress((DATA / name).read_bytes()))


def _date(value: str | None) -> datetime.date | None:
    return D(value) if value else None


def _records(raw: dict) -> Records:
    return Records(
        include_demo=raw["include_demo"],
        population=raw["population"],
        departement_names=raw["departement_names"],
        places=tuple(
            Place(
                **{
                    **p,
                    "opened_on": _date(p["opened_on"]),
                    "closed_on": _date(p["closed_on"]),
                    "source_date": _date(p["source_date"]),
                    "services": tuple(p["services"]),
                }
            )
            for p in raw["places"]
        ),
        first_grant={int(k): D(v) for k, v in raw["first_grant"].items()},
        committed=tuple(Money(**{**m, "on": D(m["on"])}) for m in raw["committed"]),
        paid=tuple(Money(**{**m, "on": D(m["on"])}) for m in raw["paid"]),
        surveys=tuple(
            Survey(**{**s, "opens_on": D(s["opens_on"]), "closes_on": _date(s["closes_on"])})
            for s in raw["surveys"]
        ),
        responses={
            int(k): tuple(
                Response(
                    **{**r, "submitted_on": D(r["submitted_on"]), "services": tuple(r["services"])}
                )
                for r in v
            )
            for k, v in raw["responses"].items()
        },
        directory_known_from=_date(raw["directory_known_from"]),
    )


@pytest.fixture(scope="module")
def records() -> dict[bool, Records]:
    raw = _read("indicators_records.json.gz")
    return {True: _records(raw["True"]), False: _records(raw["False"])}


@pytest.fixture(scope="module")
def params() -> Params:
    return Params(**_read("indicators_records.json.gz")["params"])


@pytest.fixture(scope="module")
def expected() -> dict:
    return _read("indicators_expected.json.gz")


def test_every_snapshot_is_the_same(records, params, expected):
    assert len(expected["compute"]) == 504
    for case in expected["compute"]:
        want = case["result"]
        found = engine.snapshot(
            records[want["include_demo"]],
            params,
            on=D(want["on"]),
            departement=want["departement"],
            since=case["options"].get("since", DEFAULT_SINCE),
            survival_years=case["options"].get("survival_years", DEFAULT_SURVIVAL_YEARS),
        )
        assert indicators_plain(found) == want, (want["on"], want["departement"], case)


def test_the_figures_per_departement_are_the_same(records, params, expected):
    for want in expected["by_departement"]:
        include_demo = want[0]["include_demo"]
        found = engine.snapshots(
            records[include_demo],
            params,
            on=datetime.date(2023, 12, 31),
            departements=records[include_demo].departements(),
            since=DEFAULT_SINCE,
            survival_years=DEFAULT_SURVIVAL_YEARS,
        )
        assert [indicators_plain(i) for i in found] == want


def test_the_series_are_the_same(records, params, expected):
    cases = {(s["include_demo"], s["departement"]): s for s in expected["series"]}
    assert len(cases) == 26
    for include_demo in (True, False):
        recs = records[include_demo]
        deps = [None, *recs.departements()]
        dates = engine.series_dates(range(2015, 2026), today=TODAY)
        per_date = [
            engine.snapshots(
                recs,
                params,
                on=on,
                departements=deps,
                since=DEFAULT_SINCE,
                survival_years=DEFAULT_SURVIVAL_YEARS,
            )
            for _year, on in dates
        ]
        for series in engine.series(
            recs, params, dates=dates, departements=deps, per_date=per_date
        ):
            want = cases[(include_demo, series.departement)]
            assert series.territory_name == want["territory_name"]
            assert list(series.years) == want["years"]
            assert [indicators_plain(s) for s in series.snapshots] == want["snapshots"]


def test_the_money_tables_are_the_same(records, expected):
    wanted = iter(expected["money"])
    for include_demo in (True, False):
        for dep in (None, "33", "40"):
            want = next(wanted)
            recs = records[include_demo]
            table = money_table(
                recs.committed, recs.paid, on=D("2025-06-01"), since=2017, departement=dep
            )
            assert _plain(table) == want["table"]
            assert _plain(table.by_year()) == want["by_year"]
            assert _plain(table.by_year(calls=True)) == want["by_year_calls"]
            assert _plain(table.by_line()) == want["by_line"]
            assert _plain(table.lines) == want["lines"]


@pytest.mark.django_db
def test_the_coverage_is_the_same(records, params, expected):
    """The coverage needs the population grid (the real territory of the test database)."""
    for want in expected["coverage"]:
        recs = records[want["include_demo"]]
        on = D(want["on"])
        if engine.coverage_unknown(recs, on):
            coverage, coverage_date = {}, None
        else:
            coverage = reader.coverage_compute(recs, engine.open_places(recs, on))
            coverage_date = engine.coverage_data_date(recs, on)
        found = engine.snapshot(
            recs,
            params,
            on=on,
            departement=want["departement"],
            since=DEFAULT_SINCE,
            survival_years=DEFAULT_SURVIVAL_YEARS,
            coverage=coverage,
            coverage_date=coverage_date,
        )
        assert indicators_plain(found) == want
