"""The indicators read from the database: the reader's plain records (which records count, demo
data left out or not, the département of money, the survey's dates), the coverage on the real
population grid, and the selectors end to end. The rules themselves are tested without a
database in ``test_indicators.py``.

The real territory is loaded for the session (no place, no call); the hand-made cases live in
a département "99" of three communes (see ``factories.territory_make``), so that figures per
département are exact, and region figures add the real communes' population.
"""

import datetime

import numpy as np
import pytest
from django.db.models import Sum

from tests.calls.factories import ApplicationFactory, CallFactory, DecisionFactory
from tests.dashboard.factories import OtherGrantFactory, territory_make
from tests.places.factories import PlaceFactory
from tierslieux.agreements.models import Agreement, PaymentTranche, TrancheState
from tierslieux.calls.models import CallKind
from tierslieux.calls.workflow import ApplicationState
from tierslieux.dashboard import selectors
from tierslieux.dashboard.definitions import Code
from tierslieux.dashboard.indicators import reader
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


def test_the_reader_gives_the_records_as_plain_data(places):
    records = reader.records_load(include_demo=False)
    by_id = {p.id: p for p in records.places}
    a, c, hidden, project = (by_id[places[k].pk] for k in ("a", "c", "hidden", "project"))
    assert (a.departement, a.density_level, a.opened_on, a.counted) == (
        "99",
        2,
        D(2018, 1, 1),
        True,
    )
    assert (c.opened_on, c.source_date) == (None, D(2019, 6, 13))
    assert hidden.counted is False and project.state == PlaceState.PROJECT
    assert places["demo"].pk not in by_id  # a demo place, demo data left out
    with_demo = reader.records_load(include_demo=True)
    assert {p.id: p for p in with_demo.places}[places["demo"].pk].counted  # unpublished demo
    assert records.population["99"] == 6000
    assert records.departement_names["99"] == "Département de test"
    assert records.directory_known_from == D(2019, 6, 13)


def test_the_reader_reads_grants_payments_and_answers(places):
    decision = fund(places["a"], D(2018, 6, 1), cents=4_000_000)
    decision.application.commune = None
    decision.application.save()
    pay(decision, [(D(2019, 2, 1), 1_000_000)])
    survey = survey_make(2021)
    # 23:30 UTC on 14 March is 15 March in Paris: the answer counts from the local date.
    answer(
        survey,
        places["b"],
        VERY_UNSURE,
        submitted=datetime.datetime(2021, 3, 14, 23, 30, tzinfo=datetime.UTC),
    )
    records = reader.records_load(include_demo=False)
    assert records.first_grant == {places["a"].pk: D(2018, 6, 1)}
    # No commune on the application: the money counts in the département of its place.
    (committed,) = records.committed
    assert (committed.departement, committed.cents, committed.line) == (
        "99",
        4_000_000,
        CallKind.DEVELOPMENT,
    )
    (paid,) = records.paid  # the scheduled tranche is not paid
    assert (paid.on, paid.cents, paid.departement) == (D(2019, 2, 1), 1_000_000, "99")
    ((response,),) = records.responses.values()
    assert (response.submitted_on, response.unsure, response.departement) == (
        D(2021, 3, 15),
        True,
        "99",
    )


def test_selectors_read_the_records_once_inside_records_shared(places, django_assert_num_queries):
    with selectors.records_shared():
        # Communes, départements, places, decisions, tranches, other grants, surveys (and the
        # answers, when there is a survey), the facilitators' certifications.
        with django_assert_num_queries(8):
            compute(D(2022, 1, 1))
        with django_assert_num_queries(0):
            compute(D(2021, 1, 1))
            selectors.indicator_series(years=[2019, 2020], include_demo=True, with_coverage=False)
            selectors.money_by_year(on=D(2022, 1, 1))
    with django_assert_num_queries(8):  # outside the block: read again
        compute(D(2022, 1, 1))


def test_cached_indicators_follow_the_records(places, django_assert_num_queries):
    asked = {"on": D(2022, 1, 1), "departement": "99", "with_coverage": False}
    first = selectors.indicators_compute_cached(**asked)
    assert first == compute(D(2022, 1, 1))
    # Kept: only the fingerprint of the records is read (a count per kind of record).
    with django_assert_num_queries(len(reader.FINGERPRINT_MODELS)):
        assert selectors.indicators_compute_cached(**asked) == first
    PlaceFactory(commune=places["a"].commune, opened_on=D(2018, 1, 1))
    again = selectors.indicators_compute_cached(**asked)
    assert again.value(Code.OPEN_PLACES) == first.value(Code.OPEN_PLACES) + 1


def test_demo_places_count_only_with_demo_data(places):
    assert compute(D(2022, 1, 1), include_demo=True).value(Code.OPEN_PLACES) == 4


def test_region_counts_every_commune_and_place(places):
    found = selectors.indicators_compute(on=D(2022, 1, 1), include_demo=False, with_coverage=False)
    population = Commune.objects.aggregate(p=Sum("population"))["p"]
    assert found.value(Code.OPEN_PLACES) == 3
    assert found[Code.INHABITANTS_PER_PLACE].numerator == population
    assert found.value(Code.INHABITANTS_PER_PLACE) == pytest.approx(population / 3)
    assert found[Code.INHABITANTS_PER_PLACE].published == 18_000
    assert found.territory_name == "Nouvelle-Aquitaine"


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


def test_demo_survey_left_out(surveyed, territory):
    demo = survey_make(2022, demo=True)
    for p in surveyed["five"]:
        answer(demo, p, VERY_UNSURE)
    assert compute(D(2022, 12, 31), include_demo=True).value(Code.UNSURE_SHARE) == 1.0
    assert compute(D(2022, 12, 31), include_demo=False).value(Code.UNSURE_SHARE) == 0.6


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


def test_money_with_demo_records(money):
    table = selectors.money_by_year(since=2016, include_demo=True, on=D(2022, 1, 1))
    assert cells(table)[(2018, CallKind.CREATION)] == (1_000_000, 900_000)
    assert cells(table)[(2019, GrantLine.REGIONAL_NETWORK)] == (5_000_000, 6_000_000)


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
