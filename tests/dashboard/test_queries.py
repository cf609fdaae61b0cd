"""The dashboard's pages and the report read a bounded number of queries, whatever the number
of records: adding N records must not add N queries (the records are read once, in bulk)."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.calls.factories import ApplicationFactory, CallFactory, DecisionFactory
from tests.dashboard.factories import OtherGrantFactory
from tests.places.factories import PlaceFactory, commune
from tierslieux.agreements.models import Agreement, PaymentTranche, TrancheState
from tierslieux.calls.models import CallKind
from tierslieux.calls.workflow import ApplicationState
from tierslieux.surveys.models import (
    BusinessModelConfidence,
    GovernanceKind,
    Survey,
    SurveyResponse,
    TurnoverRange,
)

pytestmark = pytest.mark.django_db

D = datetime.date
URL = "/tableau-de-bord/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def _empty_cache():
    """Nothing computed by an earlier test (the same place ids may come back: the coverage of
    the first request is then computed, as the second's)."""
    cache.clear()


def records_add(n: int, *, demo: bool = False) -> None:
    """``n`` funded places with a paid tranche and a survey answer, and ``n`` other grants."""
    survey = Survey.objects.get_or_create(
        year=2023,
        defaults={"title": "Panorama 2023", "opens_on": D(2023, 3, 1), "closes_on": D(2023, 4, 30)},
    )[0]
    call = CallFactory(kind=CallKind.CREATION, year=2020, is_demo=demo)
    for i in range(n):
        where = commune("33063" if i % 2 else "87085")
        place = PlaceFactory(commune=where, opened_on=D(2019, 1, 1))
        application = ApplicationFactory(
            call=call,
            place=place,
            commune=place.commune,
            state=ApplicationState.ACCEPTED,
            suggested_cents=2_000_000,
            proposed_cents=2_000_000,
            complete=False,
        )
        decision = DecisionFactory(
            application=application,
            accepted=True,
            granted_cents=2_000_000,
            committee_on=D(2020, 6, 1),
        )
        agreement = Agreement.objects.create(
            application=application,
            parties="La Région et le porteur",
            object=application.title,
            amount_cents=decision.granted_cents,
            starts_on=D(2020, 7, 1),
            ends_on=D(2022, 7, 1),
        )
        PaymentTranche.objects.create(
            agreement=agreement,
            order=1,
            label="t1",
            amount_cents=1_000_000,
            state=TrancheState.PAID,
            paid_on=D(2021, 1, 1),
            paid_amount_cents=1_000_000,
        )
        SurveyResponse.objects.create(
            survey=survey,
            place=place,
            submitted_at=datetime.datetime(2023, 3, 15, 12, tzinfo=datetime.UTC),
            users_per_week=30,
            jobs_hosted=3,
            turnover_range=TurnoverRange.values[0],
            business_model_confidence=BusinessModelConfidence.UNSURE,
            services=["cafe"],
            governance=GovernanceKind.values[0],
        )
        OtherGrantFactory(year=2018 + i % 5, is_demo=demo)


def count(callable_) -> int:
    with CaptureQueriesContext(connection) as context:
        callable_()
    return len(context)


PAGE_QUERIES = 33
"""The page computed afresh: the territories, the records' fingerprint (11), the records (9,
the facilitators' certifications included),
the population grid's size (2) and, once per process, the grid itself (3), the demo counts
(6)."""
CACHED_PAGE_QUERIES = 12
"""The page from the cache: the territories and the records' fingerprint."""
REPORT_QUERIES = 55
"""The report computed and written by the (inline) task: the page's reads, the coverage map's
(places, communes and their outlines, the mesh) and the task's progress rows."""
DOWNLOAD_QUERIES = 4
"""Session, user, groups and the report's progress row."""


def test_the_dashboard_page_reads_the_records_once(client, django_assert_max_num_queries):
    records_add(2, demo=True)
    first = count(lambda: client.get(URL))
    assert first <= PAGE_QUERIES, first
    records_add(8)
    with django_assert_max_num_queries(first):
        assert client.get(URL).status_code == 200
    with django_assert_max_num_queries(CACHED_PAGE_QUERIES):
        assert client.get(URL).status_code == 200
    with django_assert_max_num_queries(first):
        assert client.get(URL, {"departement": "33", "demo": "0"}).status_code == 200


def test_the_report_reads_the_records_once(client, django_assert_max_num_queries):
    records_add(2, demo=True)
    client.force_login(UserFactory(reader=True))
    asked = {"year": timezone.localdate().year, "departement": "87"}
    url = reverse("dashboard:report_generate")
    first = count(lambda: client.post(url, asked))
    assert first <= REPORT_QUERIES, first
    records_add(6)
    with django_assert_max_num_queries(first):
        response = client.post(url, asked)
    pk = int(re.search(r"report=(\d+)", response["Location"]).group(1))
    for name in ("dashboard:report_status", "dashboard:report_pdf", "dashboard:report_xlsx"):
        with django_assert_max_num_queries(DOWNLOAD_QUERIES):
            assert client.get(reverse(name, args=[pk])).status_code == 200
