"""Each indicator on a small hand-made case with a known answer.

The real territory is loaded for the session (no place, no call); the hand-made cases live in
a département "99" of three communes (see ``factories.territory_make``), so that figures per
département are exact, and region figures add the real communes' population.
"""

import datetime

import numpy as np
import pytest
from django.db.models import Sum
from django.utils import timezone

from tests.calls.factories import ApplicationFactory, CallFactory, DecisionFactory
from tests.dashboard.factories import OtherGrantFactory, territory_make
from tests.places.factories import PlaceFactory
from tierslieux.agreements.models import Agreement, PaymentTranche, TrancheState
from tierslieux.calls.models import CallKind
from tierslieux.calls.workflow import ApplicationState
from tierslieux.dashboard import selectors
from tierslieux.dashboard.definitions import DEFINITIONS, Code
from tierslieux.dashboard.models import GrantLine, OtherGrant
from tierslieux.places.models import PlaceSource, PlaceState
from tierslieux.surveys.models import (
    BusinessModelConfidence,
    GovernanceKind,
    Survey,
    SurveyResponse,
    TurnoverRange,
)
from tierslieux.territory.analytics.travel import haversine_km
from tierslieux.territory.models import Commune, PopulationCell

pytestmark = pytest.mark.django_db

D = datetime.date


def place(commune, **kwargs):
    return PlaceFactory(commune=commune, **kwargs)


def compute(on, departement="99", **kwargs):
    return selectors.indicators_compute(
        on=on, departement=departement, with_coverage=False, **kwargs
    )


@pytest.fixture
def territory():
    return territory_make()


@pytest.fixture
def places(territory):
    """Département 99's directory, with dates:

    - ``a``: urban, opened 2018-01-01;
    - ``b``: rural, opened 2020-05-01;
    - ``c``: rural, opening date unknown, from the 2019 census (source date 2019-06-13);
    - ``d``: rural, opened 2017-01-01, closed 2021-06-30;
    - ``hidden``: urban, not published (never counted);
    - ``project``: rural, in project (never counted);
    - ``demo``: urban, a demo place opened 2016-01-01, not published.
    """
    urban, rural = territory["urban"], territory["rural"]
    return {
        "a": place(urban, opened_on=D(2018, 1, 1)),
        "b": place(rural, opened_on=D(2020, 5, 1)),
        "c": place(rural, source=PlaceSource.CGET_2019, source_date=D(2019, 6, 13)),
        "d": place(
            rural, opened_on=D(2017, 1, 1), closed_on=D(2021, 6, 30), state=PlaceState.CLOSED
        ),
        "hidden": place(urban, opened_on=D(2015, 1, 1), is_published=False),
        "project": place(rural, state=PlaceState.PROJECT, project_since=D(2021, 1, 1)),
        "demo": place(urban, opened_on=D(2016, 1, 1), source="demo", is_published=False),
    }


# --- the open places and what follows from them -------------------------------------------


def test_open_places_on_a_date(places):
    found = compute(D(2022, 1, 1), include_demo=False)
    # a, b, c; d closed in 2021; hidden, project and the demo place are not counted.
    assert found.value(Code.OPEN_PLACES) == 3
    assert found[Code.OPEN_PLACES].data_date == D(2021, 6, 30)  # d's closing, the last change


def test_demo_places_count_only_with_demo_data(places):
    assert compute(D(2022, 1, 1), include_demo=True).value(Code.OPEN_PLACES) == 4


def test_a_date_before_places_opened(places):
    places["c"].delete()  # every place has an opening date: the directory is known at any date
    # On 2017-06-01 only d (opened 2017-01-01) is open; a opens in 2018, b in 2020.
    assert compute(D(2017, 6, 1), include_demo=False).value(Code.OPEN_PLACES) == 1
    before = compute(D(2016, 12, 31), include_demo=False)
    assert before.value(Code.OPEN_PLACES) == 0
    assert before.value(Code.INHABITANTS_PER_PLACE) is None
    assert before.value(Code.RURAL_SHARE) is None


def test_unknown_opening_date_counts_from_the_source_date(places):
    # c (census of 2019-06-13, no opening date) counts from that day...
    assert compute(D(2019, 6, 13), include_demo=False).value(Code.OPEN_PLACES) == 3  # a, c, d
    # ...and before it, c may have been open already: the figures that count open places are
    # unknown (not 2), the others stay.
    before = compute(D(2019, 6, 12), include_demo=False)
    for code in selectors.PLACE_COUNT_CODES - {Code.COVERAGE_SHARE}:  # no coverage asked here
        assert before.value(code) is None, code
    assert "2019" in before[Code.OPEN_PLACES].note
    assert before.value(Code.NATIONAL_INHABITANTS_PER_PLACE) is not None
    assert before.value(Code.COMMITTED) == 0


def test_a_place_closing_stops_counting_the_day_it_closes(places):
    assert compute(D(2021, 6, 29), include_demo=False).value(Code.OPEN_PLACES) == 4
    assert compute(D(2021, 6, 30), include_demo=False).value(Code.OPEN_PLACES) == 3


def test_inhabitants_per_place_against_the_national_figure(places, settings):
    settings.NATIONAL_POPULATION = 60_000
    settings.NATIONAL_PLACES = 5
    found = compute(D(2022, 1, 1), include_demo=False)
    # 6,000 inhabitants for a, b, c.
    assert found.value(Code.INHABITANTS_PER_PLACE) == 2000
    assert found[Code.INHABITANTS_PER_PLACE].numerator == 6000
    assert found[Code.INHABITANTS_PER_PLACE].denominator == 3
    assert found.value(Code.NATIONAL_INHABITANTS_PER_PLACE) == 12_000
    assert found.value(Code.DENSITY_RATIO) == pytest.approx(6.0)


def test_region_counts_every_commune_and_place(places):
    found = selectors.indicators_compute(on=D(2022, 1, 1), include_demo=False, with_coverage=False)
    population = Commune.objects.aggregate(p=Sum("population"))["p"]
    assert found.value(Code.OPEN_PLACES) == 3
    assert found[Code.INHABITANTS_PER_PLACE].numerator == population
    assert found.value(Code.INHABITANTS_PER_PLACE) == pytest.approx(population / 3)
    assert found[Code.INHABITANTS_PER_PLACE].published == 18_000
    assert found.territory_name == "Nouvelle-Aquitaine"


def test_rural_share(places):
    # a is urban (level 2); b and c are rural (level 6).
    found = compute(D(2022, 1, 1), include_demo=False)
    assert found.value(Code.RURAL_SHARE) == pytest.approx(2 / 3)
    assert (found[Code.RURAL_SHARE].numerator, found[Code.RURAL_SHARE].denominator) == (2, 3)
    # With the demo place (urban): 2 of 4.
    assert compute(D(2022, 1, 1), include_demo=True).value(Code.RURAL_SHARE) == 0.5


def test_progress_toward_the_places_target_is_regional(places, settings):
    settings.MESH_TARGET_PLACES = 6
    region = selectors.indicators_compute(on=D(2022, 1, 1), include_demo=False, with_coverage=False)
    assert region.value(Code.PLACES_TARGET_PROGRESS) == 0.5
    assert compute(D(2022, 1, 1)).value(Code.PLACES_TARGET_PROGRESS) is None


# --- survival of funded places --------------------------------------------------------------


def fund(place_, committee_on, *, cents=3_000_000, demo=False, kind=CallKind.DEVELOPMENT):
    """An accepted application on ``place_`` decided on ``committee_on``."""
    call = CallFactory(kind=kind, year=committee_on.year, is_demo=demo)
    where = {"commune": place_.commune} if place_ else {}
    application = ApplicationFactory(
        call=call,
        place=place_,
        **where,
        state=ApplicationState.ACCEPTED,
        suggested_cents=cents,
        proposed_cents=cents,
        complete=False,
    )
    return DecisionFactory(
        application=application, accepted=True, granted_cents=cents, committee_on=committee_on
    )


def test_survival_rate_after_n_years(places):
    fund(places["d"], D(2018, 3, 1))  # closed 2021-06-30, three years after
    fund(places["a"], D(2018, 6, 1))  # still open
    fund(places["b"], D(2021, 1, 15))  # too recent for 3 years on 2022-06-01
    fund(places["a"], D(2020, 1, 1))  # a second grant: the first one counts
    found = compute(D(2022, 6, 1), include_demo=False)
    row = found[Code.SURVIVAL_RATE]
    assert (row.numerator, row.denominator, row.value) == (1, 2, 0.5)
    assert "3 years" in row.note
    # One year after: both places funded in 2018 were still open at the end of 2019.
    early = compute(D(2019, 12, 31), include_demo=False, survival_years=1)
    assert early[Code.SURVIVAL_RATE].value == 1.0
    assert early[Code.SURVIVAL_RATE].denominator == 2
    # Five years: nobody funded long enough ago.
    assert compute(D(2022, 6, 1), survival_years=5).value(Code.SURVIVAL_RATE) is None


def test_survival_leaves_demo_grants_out(places):
    fund(places["d"], D(2018, 3, 1), demo=True)
    fund(places["a"], D(2018, 6, 1))
    assert compute(D(2022, 6, 1), include_demo=False).value(Code.SURVIVAL_RATE) == 1.0
    assert compute(D(2022, 6, 1), include_demo=True).value(Code.SURVIVAL_RATE) == 0.5


# --- the survey ---------------------------------------------------------------------------


def survey_make(year, *, demo=False):
    return Survey.objects.create(
        year=year,
        title=f"Panorama {year}",
        opens_on=D(year, 3, 1),
        closes_on=D(year, 4, 30),
        is_demo=demo,
    )


def answer(survey, place_, confidence, services=("cafe",), submitted=None):
    submitted = submitted or datetime.datetime(survey.year, 3, 15, 12, tzinfo=datetime.UTC)
    return SurveyResponse.objects.create(
        survey=survey,
        place=place_,
        submitted_at=submitted,
        users_per_week=30,
        jobs_hosted=3,
        turnover_range=TurnoverRange.values[0],
        business_model_confidence=confidence,
        services=list(services),
        governance=GovernanceKind.values[0],
    )


UNSURE, VERY_UNSURE = BusinessModelConfidence.UNSURE, BusinessModelConfidence.VERY_UNSURE
CONFIDENT = BusinessModelConfidence.CONFIDENT


@pytest.fixture
def surveyed(territory):
    """Five open places of département 99 answering the 2021 survey: 3 of 5 unsure, 4 of 5
    offering a service; a sixth without answer but with services in the directory; a seventh
    with neither; and an older 2019 survey where everyone was confident."""
    urban = territory["urban"]
    five = [place(urban, opened_on=D(2018, 1, 1)) for _ in range(5)]
    place(urban, opened_on=D(2018, 1, 1), services=["training"])
    place(urban, opened_on=D(2018, 1, 1))
    old = survey_make(2019)
    for p in five:
        answer(old, p, CONFIDENT, services=())
    survey = survey_make(2021)
    for p, confidence, services in zip(
        five,
        [UNSURE, VERY_UNSURE, UNSURE, CONFIDENT, BusinessModelConfidence.FAIRLY_CONFIDENT],
        [("cafe",), ("training", "cafe"), (), ("fabrication",), ("childcare",)],
        strict=True,
    ):
        answer(survey, p, confidence, services=services)
    return {"five": five, "survey": survey}


def test_unsure_share_from_the_latest_survey(surveyed):
    found = compute(D(2021, 12, 31))
    row = found[Code.UNSURE_SHARE]
    assert (row.numerator, row.denominator, row.value) == (3, 5, 0.6)
    assert row.data_date == D(2021, 3, 15)
    assert "2021" in row.note and "5 answers" in row.note
    assert row.published is None  # a département: the Région's figure is regional


def test_unsure_share_uses_the_survey_in_force_on_the_date(surveyed):
    # In 2020 the latest survey is 2019's, where everyone was confident.
    assert compute(D(2020, 12, 31)).value(Code.UNSURE_SHARE) == 0.0
    # Before any survey: no figure.
    assert compute(D(2019, 1, 1)).value(Code.UNSURE_SHARE) is None


def test_answers_received_after_the_date_are_not_counted(surveyed):
    late = place(surveyed["five"][0].commune, opened_on=D(2018, 1, 1))
    answer(
        surveyed["survey"],
        late,
        VERY_UNSURE,
        submitted=datetime.datetime(2021, 4, 20, 9, tzinfo=datetime.UTC),
    )
    assert compute(D(2021, 3, 31))[Code.UNSURE_SHARE].denominator == 5
    assert compute(D(2021, 4, 30))[Code.UNSURE_SHARE].value == pytest.approx(4 / 6)


def test_services_share_from_answers_else_the_directory(surveyed):
    found = compute(D(2021, 12, 31))
    row = found[Code.SERVICES_SHARE]
    # 4 of the 5 answers offer a service, plus the place known from the directory: 5 of 6;
    # the seventh place (no answer, no service in the directory) is left out.
    assert (row.numerator, row.denominator) == (5, 6)
    assert row.value == pytest.approx(5 / 6)


def test_demo_survey_left_out(surveyed, territory):
    demo = survey_make(2022, demo=True)
    for p in surveyed["five"]:
        answer(demo, p, VERY_UNSURE)
    assert compute(D(2022, 12, 31), include_demo=True).value(Code.UNSURE_SHARE) == 1.0
    assert compute(D(2022, 12, 31), include_demo=False).value(Code.UNSURE_SHARE) == 0.6


def test_survey_answers_per_departement(surveyed):
    elsewhere = PlaceFactory(opened_on=D(2018, 1, 1))  # Bordeaux, Gironde
    answer(surveyed["survey"], elsewhere, CONFIDENT)
    assert compute(D(2021, 12, 31), departement="33").value(Code.UNSURE_SHARE) == 0.0
    assert compute(D(2021, 12, 31)).value(Code.UNSURE_SHARE) == 0.6
    region = selectors.indicators_compute(on=D(2021, 12, 31), with_coverage=False)
    assert region.value(Code.UNSURE_SHARE) == 0.5  # 3 of 6


# --- money ----------------------------------------------------------------------------------


def pay(decision, amounts_by_date):
    """An agreement on ``decision``'s application with tranches paid on the given dates."""
    application = decision.application
    agreement = Agreement.objects.create(
        application=application,
        parties="La Région et le porteur",
        object=application.title,
        amount_cents=decision.granted_cents,
        starts_on=decision.committee_on,
        ends_on=decision.committee_on + datetime.timedelta(days=730),
    )
    for order, (paid_on, cents) in enumerate(amounts_by_date, 1):
        PaymentTranche.objects.create(
            agreement=agreement,
            order=order,
            label=f"t{order}",
            amount_cents=cents,
            state=TrancheState.PAID,
            paid_on=paid_on,
            paid_amount_cents=cents,
        )
    PaymentTranche.objects.create(
        agreement=agreement, order=9, label="rest", amount_cents=100, state=TrancheState.SCHEDULED
    )
    return agreement


@pytest.fixture
def money(territory):
    """Creation 30,000 € in 99 (2017), paid 9,000 € in 2018 and 12,000 € in 2019; development
    50,000 € in Dordogne (2018); a demo grant of 10,000 € (2018); the network's support:
    100,000 € committed and paid in 2017, 100,000 € committed in 2018 and 60,000 € paid in
    2019."""
    creation = fund(None, D(2017, 10, 1), cents=3_000_000, kind=CallKind.CREATION)
    creation.application.commune = territory["urban"]
    creation.application.save()
    pay(creation, [(D(2018, 2, 1), 900_000), (D(2019, 5, 1), 1_200_000)])
    development = fund(None, D(2018, 4, 1), cents=5_000_000, kind=CallKind.DEVELOPMENT)
    assert development.application.commune.departement_id == "24"
    fund(None, D(2018, 5, 1), cents=1_000_000, kind=CallKind.CREATION, demo=True)
    OtherGrantFactory(
        year=2017, committed_cents=10_000_000, paid_cents=10_000_000, paid_on=D(2017, 12, 1)
    )
    OtherGrantFactory(
        year=2018, committed_cents=10_000_000, paid_cents=6_000_000, paid_on=D(2019, 1, 15)
    )
    OtherGrantFactory(year=2019, committed_cents=5_000_000, is_demo=True)


def cells(table):
    return {(r.year, r.line): (r.committed_cents, r.paid_cents) for r in table.rows}


def test_money_per_year_and_line(money):
    table = selectors.money_by_year(since=2016, include_demo=False, on=D(2022, 1, 1))
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


def test_money_with_demo_records(money):
    table = selectors.money_by_year(since=2016, include_demo=True, on=D(2022, 1, 1))
    assert cells(table)[(2018, CallKind.CREATION)] == (1_000_000, 900_000)
    assert cells(table)[(2019, GrantLine.REGIONAL_NETWORK)] == (5_000_000, 6_000_000)


def test_money_since_a_year_and_on_a_date(money):
    found = selectors.indicators_compute(
        on=D(2018, 12, 31), since=2018, include_demo=False, with_coverage=False
    )
    # 2018 only, up to the end of 2018: development 50,000 € + network 100,000 € committed;
    # 9,000 € paid (the network's 2018 payment came in 2019).
    assert found.value(Code.COMMITTED) == 15_000_000
    assert found.value(Code.PAID) == 900_000
    assert found.money.since == 2018 and found.money.until == 2018
    assert "2018" in found[Code.COMMITTED].note


def test_money_per_departement_counts_the_calls_only(money):
    ninety_nine = selectors.money_by_year(
        since=2016, departement="99", include_demo=False, on=D(2022, 1, 1)
    )
    assert cells(ninety_nine) == {
        (2017, CallKind.CREATION): (3_000_000, 0),
        (2018, CallKind.CREATION): (0, 900_000),
        (2019, CallKind.CREATION): (0, 1_200_000),
    }
    dordogne = selectors.money_by_year(
        since=2016, departement="24", include_demo=False, on=D(2022, 1, 1)
    )
    assert dordogne.total_committed_cents == 5_000_000


def test_other_grant_constraints():
    from django.db import IntegrityError, transaction

    with transaction.atomic(), pytest.raises(IntegrityError):
        OtherGrantFactory(committed_cents=100, paid_cents=200, paid_on=D(2020, 5, 1))
    with transaction.atomic(), pytest.raises(IntegrityError):
        OtherGrantFactory(committed_cents=0)
    with transaction.atomic(), pytest.raises(IntegrityError):
        OtherGrantFactory(paid_cents=100, paid_on=None)
    assert not OtherGrant.objects.exists()


# --- per département, series, demo summary --------------------------------------------------


def test_indicators_by_departement(places):
    PlaceFactory(opened_on=D(2018, 1, 1))  # Bordeaux
    rows = {
        i.departement: i
        for i in selectors.indicators_by_departement(
            on=D(2022, 1, 1), include_demo=False, with_coverage=False
        )
    }
    assert rows["99"].value(Code.OPEN_PLACES) == 3
    assert rows["33"].value(Code.OPEN_PLACES) == 1
    assert rows["24"].value(Code.OPEN_PLACES) == 0
    assert rows["99"].territory_name == "Département de test"
    assert rows["99"][Code.RURAL_SHARE].published is None  # the Région's figure is regional
    assert len(rows) == 13  # the 12 real départements and the test one


def test_indicator_series_by_year(places):
    today = timezone.localdate()
    series = selectors.indicator_series(
        years=[2017, 2018, 2019, 2021, today.year, today.year + 1],
        departement="99",
        include_demo=False,
        with_coverage=False,
    )
    assert series.years == (2017, 2018, 2019, 2021, today.year)
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


def test_series_for_many_territories_match_single_computations(places):
    many = selectors.indicator_series_many(
        years=[2019, 2021], departements=[None, "99"], include_demo=False, with_coverage=False
    )
    for series in many:
        for point in series.points(Code.RURAL_SHARE):
            single = selectors.indicators_compute(
                on=point.on,
                departement=series.departement,
                include_demo=False,
                with_coverage=False,
            )
            assert point.value == single.value(Code.RURAL_SHARE)


def test_every_indicator_has_a_definition(places):
    found = compute(D(2022, 1, 1))
    assert set(found.codes) - {Code.COVERAGE_SHARE} == set(DEFINITIONS) - {Code.COVERAGE_SHARE}
    for row in found.rows:
        assert row.definition and row.label and row.unit


def test_demo_summary(places):
    assert selectors.demo_summary().places == 1  # the demo place of the fixture
    PlaceFactory._meta.model.objects.filter(source="demo").delete()
    assert selectors.demo_summary() is None
    fund(None, D(2018, 5, 1), demo=True)
    OtherGrantFactory(is_demo=True)
    summary = selectors.demo_summary()
    assert (summary.calls, summary.applications, summary.other_grants) == (1, 1, 1)
    assert summary.total == 3


# --- coverage -------------------------------------------------------------------------------


def test_coverage_within_20_minutes_against_brute_force():
    """One place in Bordeaux: the inhabitants of the cells within 20 minutes (straight line x
    1.3 at 60 km/h, i.e. within 20 / 1.3 km), computed here independently."""
    bordeaux = PlaceFactory(opened_on=D(2018, 1, 1))
    found = selectors.indicators_compute(on=D(2022, 1, 1))
    cells = np.array(
        PopulationCell.objects.values_list("lon", "lat", "population", "commune__departement")
    )
    lon, lat, pop = (cells[:, i].astype(float) for i in range(3))
    km = haversine_km(lon, lat, bordeaux.lon, bordeaux.lat)
    covered = km * 1.3 <= 20.0
    row = found[Code.COVERAGE_SHARE]
    assert row.denominator == round(pop.sum())
    assert row.numerator == pytest.approx(pop[covered].sum(), abs=1)
    gironde = selectors.indicators_compute(on=D(2022, 1, 1), departement="33")
    in_33 = cells[:, 3] == "33"
    assert gironde[Code.COVERAGE_SHARE].value == pytest.approx(
        pop[covered & in_33].sum() / pop[in_33].sum()
    )
    # Before the place opened, nobody is covered.
    assert selectors.indicators_compute(on=D(2017, 1, 1)).value(Code.COVERAGE_SHARE) == 0.0


def test_coverage_cache_follows_the_places():
    PlaceFactory(opened_on=D(2018, 1, 1))  # Bordeaux
    first = selectors.indicators_compute(on=D(2022, 1, 1)).value(Code.COVERAGE_SHARE)
    assert selectors.indicators_compute(on=D(2022, 1, 1)).value(Code.COVERAGE_SHARE) == first
    PlaceFactory(opened_on=D(2018, 1, 1), commune=Commune.objects.get(code="64445"))  # Pau
    assert selectors.indicators_compute(on=D(2022, 1, 1)).value(Code.COVERAGE_SHARE) > first


def test_coverage_is_unknown_before_the_directory_is():
    PlaceFactory(opened_on=D(2018, 1, 1))  # Bordeaux
    PlaceFactory(source=PlaceSource.CGET_2019, source_date=D(2019, 6, 13))  # undated census place
    series = selectors.indicator_series(years=[2018, 2019])
    values = [p.value for p in series.points(Code.COVERAGE_SHARE)]
    assert values[0] is None and values[1] > 0


def test_money_totals_by_group_and_published_figure(money):
    table = selectors.money_by_year(since=2016, include_demo=False, on=D(2022, 1, 1))
    calls = {y: (c, p) for y, c, p in table.by_year(calls=True)}
    other = {y: (c, p) for y, c, p in table.by_year(calls=False)}
    assert calls[2018] == (5_000_000, 900_000)
    assert other[2019] == (0, 6_000_000)
    since_2016 = selectors.indicators_compute(on=D(2022, 1, 1), with_coverage=False)
    assert since_2016[Code.COMMITTED].published == 960_000_000
    since_2018 = selectors.indicators_compute(on=D(2022, 1, 1), since=2018, with_coverage=False)
    assert since_2018[Code.COMMITTED].published is None  # not comparable with "since 2016"
    ninety_nine = compute(D(2022, 1, 1), include_demo=False)
    assert ninety_nine[Code.COMMITTED].data_date == D(2017, 10, 1)
    assert ninety_nine[Code.PAID].data_date == D(2019, 5, 1)
