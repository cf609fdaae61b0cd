"""Each indicator on a small hand-made case with a known answer: pure functions on plain
records, no database (see ``plain.py``; the reading of the records is tested in
``test_reader.py``)."""

import dataclasses

import pytest

from tests.dashboard.plain import (
    PARAMS,
    RURAL,
    URBAN,
    D,
    answer,
    compute,
    grant,
    other_grant,
    payment,
    place,
    records,
    survey,
)
from tierslieux.calls.models import CallKind
from tierslieux.dashboard.definitions import DEFINITIONS, Code, Unit
from tierslieux.dashboard.indicators import engine, registry
from tierslieux.dashboard.indicators.coverage import coverage_of
from tierslieux.dashboard.indicators.funding import money_table
from tierslieux.dashboard.indicators.survey import latest_survey
from tierslieux.dashboard.models import GrantLine


def directory(*, with_demo: bool = False, without_c: bool = False) -> dict:
    """Département 99's directory, with dates:

    - ``a``: urban, opened 2018-01-01;
    - ``b``: rural, opened 2020-05-01;
    - ``c``: rural, opening date unknown, from the 2019 census (source date 2019-06-13);
    - ``d``: rural, opened 2017-01-01, closed 2021-06-30;
    - ``hidden``: urban, not published (never counted);
    - ``project``: rural, in project (never counted);
    - ``demo``: urban, a demo place opened 2016-01-01 (in the records when demo data is shown).
    """
    found = {
        "a": place(URBAN, opened_on=D(2018, 1, 1)),
        "b": place(RURAL, opened_on=D(2020, 5, 1)),
        "c": place(RURAL, source_date=D(2019, 6, 13)),
        "d": place(RURAL, opened_on=D(2017, 1, 1), closed_on=D(2021, 6, 30), state="closed"),
        "hidden": place(URBAN, opened_on=D(2015, 1, 1), counted=False),
        "project": place(RURAL, state="project"),
    }
    if with_demo:
        found["demo"] = place(URBAN, opened_on=D(2016, 1, 1))
    if without_c:
        del found["c"]
    return found


def of(places: dict, **kwargs):
    return records(places=places.values(), **kwargs)


# --- the open places and what follows from them -------------------------------------------


def test_open_places_on_a_date():
    found = compute(of(directory()), D(2022, 1, 1))
    # a, b, c; d closed in 2021; hidden and project are not counted.
    assert found.value(Code.OPEN_PLACES) == 3
    assert found[Code.OPEN_PLACES].data_date == D(2021, 6, 30)  # d's closing, the last change


def test_a_counted_demo_place_counts():
    assert compute(of(directory(with_demo=True)), D(2022, 1, 1)).value(Code.OPEN_PLACES) == 4


def test_a_date_before_places_opened():
    recs = of(directory(without_c=True))  # every place dated: the directory is always known
    # On 2017-06-01 only d (opened 2017-01-01) is open; a opens in 2018, b in 2020.
    assert compute(recs, D(2017, 6, 1)).value(Code.OPEN_PLACES) == 1
    before = compute(recs, D(2016, 12, 31))
    assert before.value(Code.OPEN_PLACES) == 0
    assert before.value(Code.INHABITANTS_PER_PLACE) is None
    assert before.value(Code.RURAL_SHARE) is None


def test_unknown_opening_date_counts_from_the_source_date():
    recs = of(directory())
    assert recs.directory_known_from == D(2019, 6, 13)
    # c (census of 2019-06-13, no opening date) counts from that day...
    assert compute(recs, D(2019, 6, 13)).value(Code.OPEN_PLACES) == 3  # a, c, d
    # ...and before it, c may have been open already: the figures that count open places are
    # unknown (not 2), the others stay.
    before = compute(recs, D(2019, 6, 12), coverage={"99": (6000.0, 3000.0)})
    for code in registry.PLACE_COUNT_CODES:
        assert before.value(code) is None, code
    assert "2019" in before[Code.OPEN_PLACES].note
    assert before.value(Code.NATIONAL_INHABITANTS_PER_PLACE) is not None
    assert before.value(Code.COMMITTED) == 0


def test_a_place_closing_stops_counting_the_day_it_closes():
    recs = of(directory())
    assert compute(recs, D(2021, 6, 29)).value(Code.OPEN_PLACES) == 4
    assert compute(recs, D(2021, 6, 30)).value(Code.OPEN_PLACES) == 3


def test_inhabitants_per_place_against_the_national_figure():
    params = dataclasses.replace(PARAMS, national_population=60_000, national_places=5)
    found = compute(of(directory()), D(2022, 1, 1), params=params)
    # 6,000 inhabitants for a, b, c.
    assert found.value(Code.INHABITANTS_PER_PLACE) == 2000
    assert found[Code.INHABITANTS_PER_PLACE].numerator == 6000
    assert found[Code.INHABITANTS_PER_PLACE].denominator == 3
    assert found.value(Code.NATIONAL_INHABITANTS_PER_PLACE) == 12_000
    assert found.value(Code.DENSITY_RATIO) == pytest.approx(6.0)


def test_region_counts_every_departement_and_place():
    places = {**directory(), "bordeaux": place(URBAN, departement="33", opened_on=D(2018, 1, 1))}
    found = compute(of(places), D(2022, 1, 1), departement=None)
    assert found.value(Code.OPEN_PLACES) == 4
    assert found[Code.INHABITANTS_PER_PLACE].numerator == 1_406_000
    assert found.value(Code.INHABITANTS_PER_PLACE) == pytest.approx(1_406_000 / 4)
    assert found[Code.INHABITANTS_PER_PLACE].published == 18_000
    assert found.territory_name == "Nouvelle-Aquitaine"
    assert compute(of(places), D(2022, 1, 1), departement="33").territory_name == "Gironde"


def test_rural_share():
    # a is urban (level 2); b and c are rural (level 6).
    found = compute(of(directory()), D(2022, 1, 1))
    assert found.value(Code.RURAL_SHARE) == pytest.approx(2 / 3)
    assert (found[Code.RURAL_SHARE].numerator, found[Code.RURAL_SHARE].denominator) == (2, 3)
    # With the demo place (urban): 2 of 4.
    assert compute(of(directory(with_demo=True)), D(2022, 1, 1)).value(Code.RURAL_SHARE) == 0.5


def test_progress_toward_the_places_target_is_regional():
    params = dataclasses.replace(PARAMS, target_places=6)
    recs = of(directory())
    region = compute(recs, D(2022, 1, 1), departement=None, params=params)
    assert region.value(Code.PLACES_TARGET_PROGRESS) == 0.5
    assert compute(recs, D(2022, 1, 1), params=params).value(Code.PLACES_TARGET_PROGRESS) is None
    capped = dataclasses.replace(PARAMS, target_places=2)
    assert compute(recs, D(2022, 1, 1), None, params=capped).value(
        Code.PLACES_TARGET_PROGRESS
    ) == pytest.approx(1.0)
    no_target = dataclasses.replace(PARAMS, target_places=0)
    assert (
        compute(recs, D(2022, 1, 1), None, params=no_target).value(Code.PLACES_TARGET_PROGRESS)
        is None
    )


# --- survival of funded places --------------------------------------------------------------


def test_survival_rate_after_n_years():
    p = directory()
    recs = of(
        p,
        grants=[
            grant(D(2018, 3, 1), p["d"]),  # closed 2021-06-30, three years after
            grant(D(2018, 6, 1), p["a"]),  # still open
            grant(D(2021, 1, 15), p["b"]),  # too recent for 3 years on 2022-06-01
            grant(D(2020, 1, 1), p["a"]),  # a second grant: the first one counts
        ],
    )
    assert recs.first_grant[p["a"].id] == D(2018, 6, 1)
    row = compute(recs, D(2022, 6, 1))[Code.SURVIVAL_RATE]
    assert (row.numerator, row.denominator, row.value) == (1, 2, 0.5)
    assert row.data_date == D(2021, 6, 30)
    assert "3 years" in row.note
    # One year after: both places funded in 2018 were still open at the end of 2019.
    early = compute(recs, D(2019, 12, 31), survival_years=1)
    assert early[Code.SURVIVAL_RATE].value == 1.0
    assert early[Code.SURVIVAL_RATE].denominator == 2
    # Five years: nobody funded long enough ago.
    assert compute(recs, D(2022, 6, 1), survival_years=5).value(Code.SURVIVAL_RATE) is None


def test_survival_on_29_february():
    p = directory()
    recs = of(p, grants=[grant(D(2021, 2, 28), p["a"])])
    assert compute(recs, D(2024, 2, 29)).value(Code.SURVIVAL_RATE) == 1.0


def test_grants_without_a_place_do_not_count_for_survival():
    recs = of(directory(), grants=[grant(D(2017, 3, 1))])
    assert recs.first_grant == {}
    assert compute(recs, D(2022, 6, 1)).value(Code.SURVIVAL_RATE) is None


# --- the survey ---------------------------------------------------------------------------


def surveyed(*, late=None, extra_answers=()):
    """Five open places answering the 2021 survey: 3 of 5 unsure, 4 of 5 offering a service; a
    sixth without answer but with services in the directory; a seventh with neither; and an
    older 2019 survey where everyone was confident."""
    five = [place(URBAN, opened_on=D(2018, 1, 1)) for _ in range(5)]
    others = [
        place(URBAN, opened_on=D(2018, 1, 1), services=("training",)),
        place(URBAN, opened_on=D(2018, 1, 1)),
    ]
    old, current = survey(2019), survey(2021)
    answers = [answer(old, p, unsure=False, services=()) for p in five]
    for p, unsure, services in zip(
        five,
        [True, True, True, False, False],
        [("cafe",), ("training", "cafe"), (), ("fabrication",), ("childcare",)],
        strict=True,
    ):
        answers.append(answer(current, p, unsure=unsure, services=services))
    return {
        "places": [*five, *others],
        "surveys": [old, current],
        "answers": answers,
        "five": five,
        "current": current,
    }


def survey_records(data, *, places=(), surveys=(), answers=()):
    return records(
        places=[*data["places"], *places],
        surveys=[*data["surveys"], *surveys],
        responses=[*data["answers"], *answers],
    )


def test_unsure_share_from_the_latest_survey():
    row = compute(survey_records(surveyed()), D(2021, 12, 31))[Code.UNSURE_SHARE]
    assert (row.numerator, row.denominator, row.value) == (3, 5, 0.6)
    assert row.data_date == D(2021, 3, 15)
    assert "2021" in row.note and "5 answers" in row.note
    assert row.published is None  # a département: the Région's figure is regional


def test_unsure_share_uses_the_survey_in_force_on_the_date():
    recs = survey_records(surveyed())
    # In 2020 the latest survey is 2019's, where everyone was confident.
    assert compute(recs, D(2020, 12, 31)).value(Code.UNSURE_SHARE) == 0.0
    # Before any survey: no figure.
    before = compute(recs, D(2019, 1, 1))[Code.UNSURE_SHARE]
    assert before.value is None and before.note == "no survey"
    assert latest_survey(recs, D(2019, 1, 1)) is None


def test_answers_received_after_the_date_are_not_counted():
    data = surveyed()
    late = place(URBAN, opened_on=D(2018, 1, 1))
    recs = survey_records(
        data,
        places=[late],
        answers=[answer(data["current"], late, unsure=True, submitted_on=D(2021, 4, 20))],
    )
    assert compute(recs, D(2021, 3, 31))[Code.UNSURE_SHARE].denominator == 5
    assert compute(recs, D(2021, 4, 30))[Code.UNSURE_SHARE].value == pytest.approx(4 / 6)


def test_services_share_from_answers_else_the_directory():
    row = compute(survey_records(surveyed()), D(2021, 12, 31))[Code.SERVICES_SHARE]
    # 4 of the 5 answers offer a service, plus the place known from the directory: 5 of 6;
    # the seventh place (no answer, no service in the directory) is left out.
    assert (row.numerator, row.denominator) == (5, 6)
    assert row.value == pytest.approx(5 / 6)


def test_answers_of_places_left_out_are_dropped():
    data = surveyed()
    gone = place(URBAN, opened_on=D(2018, 1, 1))  # not in the records (a demo place left out)
    recs = records(
        places=data["places"],
        surveys=data["surveys"],
        responses=[*data["answers"], answer(data["current"], gone, unsure=True)],
    )
    assert compute(recs, D(2021, 12, 31))[Code.UNSURE_SHARE].denominator == 5


def test_survey_answers_per_departement():
    data = surveyed()
    bordeaux = place(URBAN, departement="33", opened_on=D(2018, 1, 1))
    recs = survey_records(
        data, places=[bordeaux], answers=[answer(data["current"], bordeaux, unsure=False)]
    )
    assert compute(recs, D(2021, 12, 31), departement="33").value(Code.UNSURE_SHARE) == 0.0
    assert compute(recs, D(2021, 12, 31)).value(Code.UNSURE_SHARE) == 0.6
    assert compute(recs, D(2021, 12, 31), departement=None).value(Code.UNSURE_SHARE) == 0.5


# --- money ----------------------------------------------------------------------------------


def money_records():
    """Creation 30,000 € in 99 (2017), paid 9,000 € in 2018 and 12,000 € in 2019; development
    50,000 € in Dordogne (2018); the network's support: 100,000 € committed and paid in 2017,
    100,000 € committed in 2018 and 60,000 € paid in 2019."""
    creation = CallKind.CREATION
    network = GrantLine.REGIONAL_NETWORK
    return records(
        places=directory().values(),
        grants=[
            grant(D(2017, 10, 1), cents=3_000_000, line=creation),
            grant(D(2018, 4, 1), cents=5_000_000, departement="24"),
            other_grant(2017, 10_000_000),
            other_grant(2018, 10_000_000),
        ],
        paid=[
            payment(D(2018, 2, 1), 900_000, line=creation, departement="99"),
            payment(D(2019, 5, 1), 1_200_000, line=creation, departement="99"),
            payment(D(2017, 12, 1), 10_000_000, line=network, departement=None),
            payment(D(2019, 1, 15), 6_000_000, line=network, departement=None),
        ],
    )


def cells(table):
    return {(r.year, r.line): (r.committed_cents, r.paid_cents) for r in table.rows}


def table_of(recs, *, since=2016, on=None, departement=None):
    on = on or D(2022, 1, 1)
    return money_table(recs.committed, recs.paid, on=on, since=since, departement=departement)


def test_money_per_year_and_line():
    table = table_of(money_records())
    assert cells(table) == {
        (2017, CallKind.CREATION): (3_000_000, 0),
        (2017, GrantLine.REGIONAL_NETWORK): (10_000_000, 10_000_000),
        (2018, CallKind.CREATION): (0, 900_000),
        (2018, CallKind.DEVELOPMENT): (5_000_000, 0),
        (2018, GrantLine.REGIONAL_NETWORK): (10_000_000, 0),
        (2019, CallKind.CREATION): (0, 1_200_000),
        (2019, GrantLine.REGIONAL_NETWORK): (0, 6_000_000),
    }
    assert table.total_committed_cents == 28_000_000
    assert table.total_paid_cents == 18_100_000
    assert table.years == list(range(2016, 2023))
    assert table.by_year()[0] == (2016, 0, 0)
    assert [code for code, _label in table.lines] == [
        CallKind.CREATION,
        CallKind.DEVELOPMENT,
        GrantLine.REGIONAL_NETWORK,
    ]
    assert table.data_date == D(2019, 5, 1)
    assert table.cell(2018, CallKind.DEVELOPMENT).committed_cents == 5_000_000
    assert table.cell(2016, CallKind.DEVELOPMENT) is None
    assert table.by_line()[0] == (
        CallKind.CREATION,
        str(CallKind.CREATION.label),
        3_000_000,
        2_100_000,
    )


def test_money_since_a_year_and_on_a_date():
    found = compute(money_records(), D(2018, 12, 31), departement=None, since=2018)
    # 2018 only, up to the end of 2018: development 50,000 € + network 100,000 € committed;
    # 9,000 € paid (the network's 2018 payment came in 2019).
    assert found.value(Code.COMMITTED) == 15_000_000
    assert found.value(Code.PAID) == 900_000
    assert found.money.since == 2018 and found.money.until == 2018
    assert "2018" in found[Code.COMMITTED].note


def test_money_per_departement_counts_the_calls_only():
    recs = money_records()
    assert cells(table_of(recs, departement="99")) == {
        (2017, CallKind.CREATION): (3_000_000, 0),
        (2018, CallKind.CREATION): (0, 900_000),
        (2019, CallKind.CREATION): (0, 1_200_000),
    }
    assert table_of(recs, departement="24").total_committed_cents == 5_000_000


def test_money_totals_by_group_and_published_figure():
    recs = money_records()
    table = table_of(recs)
    calls = {y: (c, p) for y, c, p in table.by_year(calls=True)}
    other = {y: (c, p) for y, c, p in table.by_year(calls=False)}
    assert calls[2018] == (5_000_000, 900_000)
    assert other[2019] == (0, 6_000_000)
    since_2016 = compute(recs, D(2022, 1, 1), departement=None)
    assert since_2016[Code.COMMITTED].published == 960_000_000
    since_2018 = compute(recs, D(2022, 1, 1), departement=None, since=2018)
    assert since_2018[Code.COMMITTED].published is None  # not comparable with "since 2016"
    ninety_nine = compute(recs, D(2022, 1, 1))
    assert ninety_nine[Code.COMMITTED].data_date == D(2017, 10, 1)
    assert ninety_nine[Code.PAID].data_date == D(2019, 5, 1)
    assert ninety_nine[Code.COMMITTED].published is None


# --- coverage, per département, series -----------------------------------------------------


def test_coverage_share_from_the_figures_per_departement():
    coverage = {"99": (6000.0, 1500.0), "33": (4000.0, 4000.0)}
    assert coverage_of(coverage, None) == (10_000.0, 5500.0)
    assert coverage_of(coverage, "24") == (0.0, 0.0)
    recs = of(directory())
    row = compute(recs, D(2022, 1, 1), coverage=coverage)[Code.COVERAGE_SHARE]
    assert (row.value, row.numerator, row.denominator) == (0.25, 1500, 6000)
    assert row.note == "20 minutes"
    region = compute(recs, D(2022, 1, 1), departement=None, coverage=coverage)
    assert region.value(Code.COVERAGE_SHARE) == 0.55
    assert (
        compute(recs, D(2022, 1, 1), departement="24", coverage=coverage).value(Code.COVERAGE_SHARE)
        is None
    )
    # Not computed: no row at all.
    assert compute(recs, D(2022, 1, 1)).get(Code.COVERAGE_SHARE) is None


def test_snapshots_per_departement():
    places = {**directory(), "bordeaux": place(URBAN, departement="33", opened_on=D(2018, 1, 1))}
    recs = of(places)
    found = engine.snapshots(
        recs,
        PARAMS,
        on=D(2022, 1, 1),
        departements=recs.departements(),
        since=2016,
        survival_years=3,
    )
    rows = {i.departement: i for i in found}
    assert list(rows) == ["24", "33", "99"]
    assert rows["99"].value(Code.OPEN_PLACES) == 3
    assert rows["33"].value(Code.OPEN_PLACES) == 1
    assert rows["24"].value(Code.OPEN_PLACES) == 0
    assert rows["99"].territory_name == "Département de test"
    assert rows["99"][Code.RURAL_SHARE].published is None  # the Région's figure is regional


def test_series_dates():
    today = D(2024, 5, 6)
    assert engine.series_dates([2023, 2021, 2024, 2025, 2023], today=today) == [
        (2021, D(2021, 12, 31)),
        (2023, D(2023, 12, 31)),
        (2024, today),
    ]


def test_indicator_series_by_year():
    recs = of(directory())
    today = D(2024, 5, 6)
    dates = engine.series_dates([2017, 2018, 2019, 2021, 2024, 2025], today=today)
    per_date = [
        engine.snapshots(recs, PARAMS, on=on, departements=["99"], since=2016, survival_years=3)
        for _y, on in dates
    ]
    (series,) = engine.series(recs, PARAMS, dates=dates, departements=["99"], per_date=per_date)
    assert series.years == (2017, 2018, 2019, 2021, 2024)
    points = series.points(Code.OPEN_PLACES)
    assert [p.on for p in points] == [
        D(2017, 12, 31),
        D(2018, 12, 31),
        D(2019, 12, 31),
        D(2021, 12, 31),
        today,
    ]
    # 2017, 2018: unknown (c, from the 2019 census, has no opening date); 2019: a, c, d;
    # 2021: a, b, c (d closed in June); today: a, b, c.
    assert [p.value for p in points] == [None, None, 3, 3, 3]
    assert [p.data_date for p in points][:3] == [None, None, D(2019, 6, 13)]
    assert series.indicator(Code.OPEN_PLACES).definition == str(
        DEFINITIONS[Code.OPEN_PLACES].definition
    )
    assert series.codes[0] == Code.OPEN_PLACES


def test_every_indicator_has_a_definition_and_a_function():
    found = compute(of(directory()), D(2022, 1, 1), coverage={})
    assert found.codes == list(DEFINITIONS)
    assert [e.code for e in registry.INDICATORS] == list(DEFINITIONS)
    for row in found.rows:
        assert row.definition and row.label and row.unit
        assert row.unit in {Unit.COUNT, Unit.INHABITANTS, Unit.SHARE, Unit.RATIO, Unit.CENTS}
