"""The demo records of the network's side (issue 16, part 6): made by the services, labelled
demo, counted by the programme's figures, deleted with the other demo records."""

import datetime

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.places.factories import PlaceFactory, commune
from tierslieux.dashboard.models import OtherGrant
from tierslieux.demo import delete, generator, labels
from tierslieux.network import selectors as network_selectors
from tierslieux.network.models import Programme, Resource
from tierslieux.places.models import PlaceSource
from tierslieux.training.models import Cohort, Course, Registration, Session, Trainee
from tierslieux.training.workflow import RegistrationState

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2023, 6, 30)


@pytest.fixture
def real_places():
    return [
        PlaceFactory(source=PlaceSource.CGET_2019, commune=commune(code), name=f"Réel {code}")
        for code in ("33063", "87085", "86194")
    ]


def test_the_network_demo_records_are_made_labelled_and_deleted(client, real_places):
    summary = generator.demo_records_generate(seed=7, from_year=2019, to_year=2021, today=TODAY)
    courses = Course.objects.filter(is_demo=True)
    assert courses.count() == 2 and all(c.title.endswith(" (démo)") for c in courses)
    sessions = Session.objects.filter(course__in=courses)
    assert sessions.count() == summary.training_sessions > 0
    assert {s.place_id for s in sessions} <= {p.pk for p in real_places}
    assert Registration.objects.filter(state=RegistrationState.ATTENDED).exists()
    assert Registration.objects.count() == summary.registrations
    assert Cohort.objects.count() == 2 and all(
        c.name.endswith(" (démo)") for c in Cohort.objects.all()
    )
    assert Trainee.objects.filter(certified_on__isnull=False).count() == summary.certified > 0
    assert Resource.objects.filter(is_demo=True).count() == summary.resources == 4
    programme = Programme.objects.get()
    assert programme.is_demo and programme.title.endswith(" (démo)")
    assert programme.years() == [2019, 2020, 2021, 2022]  # extended by a year
    assert set(programme.grants.values_list("year", flat=True)) == {2019, 2020, 2021}
    assert programme.reports.count() == 4 and programme.meetings.count() == 4
    years = network_selectors.programme_years(programme=programme)
    assert all(len(y.rows) == 6 for y in years)
    assert any(row.computed > 0 for y in years for row in y.rows)
    assert labels.demo_records_exist()
    assert "partnership programmes 1" in "\n".join(summary.lines())

    client.force_login(UserFactory(instructor=True))
    page = client.get(reverse("network:programme_detail", args=[programme.pk]))
    assert page.status_code == 200 and 'class="badge"' in page.content.decode()

    delete.demo_records_delete()
    assert not Programme.objects.exists() and not Course.objects.exists()
    assert not Resource.objects.exists() and not OtherGrant.objects.exists()
    assert not Registration.objects.exists()
    assert all(p.__class__.objects.filter(pk=p.pk).exists() for p in real_places)
