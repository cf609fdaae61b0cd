"""The dashboard and the partnership programme (ADR 0033): the programme's yearly grants make
the line "support to the regional network", shown on the programme page; certified
facilitators counted per département through the indicator engine."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.dashboard.factories import OtherGrantFactory
from tests.dashboard.plain import compute
from tests.network.factories import ProgrammeFactory
from tests.places.factories import PlaceFactory, commune
from tests.training.factories import CourseFactory
from tierslieux.dashboard import selectors, services
from tierslieux.dashboard.definitions import Code
from tierslieux.dashboard.indicators.data import records_with
from tierslieux.dashboard.models import GrantLine, OtherGrant
from tierslieux.training.models import Cohort, Trainee

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def instructor():
    return UserFactory(instructor=True)


def test_the_region_ties_the_yearly_grants_and_the_page_shows_them(client, instructor):
    programme = ProgrammeFactory()  # 2024-2026
    grant = OtherGrantFactory(year=2025, committed_cents=14_000_000)
    outside = OtherGrantFactory(year=2019)
    other_line = OtherGrantFactory(year=2025, line=GrantLine.OTHER)
    client.force_login(instructor)
    page = client.get(reverse("network:programme_detail", args=[programme.pk]), **EN)
    html = page.content.decode()
    assert f'value="{grant.pk}"' in html
    assert f'value="{outside.pk}"' not in html and f'value="{other_line.pk}"' not in html
    url = reverse("dashboard:programme_grant_link", args=[programme.pk])
    assert client.post(url, {"grant": grant.pk}).status_code == 302
    assert client.post(url, {"grant": outside.pk}).status_code == 302  # refused, message
    grant.refresh_from_db()
    outside.refresh_from_db()
    assert grant.programme == programme and outside.programme is None
    html = client.get(reverse("network:programme_detail", args=[programme.pk]), **EN)
    row = html.content.decode().split(f'data-grant="{grant.pk}"')[1].split("</tr>")[0]
    assert grant.label in row


def test_the_network_reads_the_grants_but_does_not_tie_them(client):
    programme = ProgrammeFactory()
    grant = OtherGrantFactory(year=2025, programme=programme)
    loose = OtherGrantFactory(year=2025)
    network = UserFactory(network=True)
    client.force_login(network)
    html = client.get(reverse("network:programme_detail", args=[programme.pk]), **EN).content
    assert (
        f'data-grant="{grant.pk}"'.encode() in html and f'value="{loose.pk}"'.encode() not in html
    )
    url = reverse("dashboard:programme_grant_link", args=[programme.pk])
    assert client.post(url, {"grant": loose.pk}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.other_grant_programme_set(grant=loose, programme=programme, by=network)
    loose.refresh_from_db()
    assert loose.programme is None


def test_only_a_regional_network_grant_of_a_programme_year_is_tied(instructor):
    programme = ProgrammeFactory()
    for grant in (OtherGrantFactory(year=2025, line=GrantLine.OTHER), OtherGrantFactory(year=2023)):
        with pytest.raises(ValidationError):
            services.other_grant_programme_set(grant=grant, programme=programme, by=instructor)
    assert not OtherGrant.objects.filter(programme__isnull=False).exists()
    with transaction.atomic(), pytest.raises(IntegrityError):
        OtherGrantFactory(year=2025, line=GrantLine.OTHER, programme=programme)


def test_the_money_line_of_the_network_is_the_programme_grants(instructor):
    programme = ProgrammeFactory()
    for year in (2024, 2025):
        grant = OtherGrantFactory(year=year, committed_cents=14_000_000)
        services.other_grant_programme_set(grant=grant, programme=programme, by=instructor)
    table = selectors.money_by_year(since=2024, on=datetime.date(2025, 12, 31))
    network = {
        r.year: r.committed_cents for r in table.rows if r.line == GrantLine.REGIONAL_NETWORK
    }
    assert network == {2024: 14_000_000, 2025: 14_000_000}
    assert sum(network.values()) == sum(g.committed_cents for g in programme.grants.all())


def test_certified_facilitators_are_counted_per_departement_by_the_engine():
    records = records_with(
        population={"87": 1, "33": 1},
        certifications=[
            (datetime.date(2025, 6, 1), "87"),
            (datetime.date(2025, 7, 1), "87"),
            (datetime.date(2025, 7, 1), None),
            (datetime.date(2026, 7, 1), "33"),
        ],
    )
    on = datetime.date(2025, 12, 31)
    assert compute(records, on, None).value(Code.CERTIFIED_FACILITATORS) == 3
    assert compute(records, on, "87").value(Code.CERTIFIED_FACILITATORS) == 2
    assert compute(records, on, "33").value(Code.CERTIFIED_FACILITATORS) == 0


def test_the_reader_gives_the_certifications_of_real_courses():
    course = CourseFactory(certification="Facilitateur", rncp_code="RNCP12345")
    demo = CourseFactory(is_demo=True, certification="Facilitateur")
    day = datetime.date(2025, 6, 1)
    for c in (course, demo):
        cohort = Cohort.objects.create(course=c, name=f"P{c.pk}", starts_on=day, ends_on=day)
        Trainee.objects.create(
            cohort=cohort, name="A", certified_on=day, place=PlaceFactory(commune=commune("87085"))
        )
    real = selectors.indicator_records(include_demo=False)
    assert real.certifications == ((day, "87"),)
    assert len(selectors.indicator_records(include_demo=True).certifications) == 2
