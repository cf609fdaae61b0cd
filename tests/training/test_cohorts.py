"""Facilitator training cohorts (issue 16, part 3): trainees, the place each works in, the
modules completed, the certification (the course's RNCP code), pages per role."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.places.factories import PlaceFactory, commune
from tests.training.factories import CourseFactory
from tierslieux.core import clock
from tierslieux.training import selectors, services_cohorts
from tierslieux.training.models import Cohort

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
TODAY = datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)


@pytest.fixture
def network():
    return UserFactory(network=True)


@pytest.fixture
def cohort(network):
    course = CourseFactory(
        title="Facilitateur de tiers-lieux", certification="Facilitateur", rncp_code="RNCP12345"
    )
    for i, title in enumerate(("Gouvernance", "Modèle économique"), start=1):
        services_cohorts.module_create(course=course, title=title, position=i, by=network)
    return services_cohorts.cohort_create(
        data={
            "course": course,
            "name": "Promotion 2026",
            "starts_on": datetime.date(2026, 1, 10),
            "ends_on": datetime.date(2026, 5, 30),
        },
        by=network,
    )


def test_a_trainee_is_certified_once_every_module_is_completed(network, cohort):
    trainee = services_cohorts.trainee_add(
        cohort=cohort, name="Alex", place=PlaceFactory(), by=network
    )
    modules = list(cohort.course.modules.all())
    with clock.at(TODAY), pytest.raises(ValidationError) as refused:
        services_cohorts.trainee_progress(
            trainee=trainee,
            modules=modules[:1],
            certified_on=datetime.date(2026, 5, 30),
            by=network,
        )
    assert "1 missing" in refused.value.message_dict["certified_on"][0]
    trainee.refresh_from_db()
    assert trainee.certified_on is None and not trainee.modules_completed.exists()
    with clock.at(TODAY):
        services_cohorts.trainee_progress(
            trainee=trainee, modules=modules, certified_on=datetime.date(2026, 5, 30), by=network
        )
    trainee.refresh_from_db()
    assert trainee.certified_on == datetime.date(2026, 5, 30)
    assert trainee.modules_completed.count() == 2


@pytest.mark.parametrize("day", [datetime.date(2025, 12, 31), datetime.date(2026, 6, 2)])
def test_a_certification_outside_the_cohort_to_today_is_refused(network, cohort, day):
    trainee = services_cohorts.trainee_add(cohort=cohort, name="Alex", by=network)
    with clock.at(TODAY), pytest.raises(ValidationError):
        services_cohorts.trainee_progress(
            trainee=trainee, modules=cohort.course.modules.all(), certified_on=day, by=network
        )


def test_a_course_without_certification_certifies_nobody(network):
    cohort = Cohort.objects.create(
        course=CourseFactory(),
        name="Sans certif",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 2, 1),
    )
    trainee = services_cohorts.trainee_add(cohort=cohort, name="Alex", by=network)
    with clock.at(TODAY), pytest.raises(ValidationError) as refused:
        services_cohorts.trainee_progress(
            trainee=trainee, modules=[], certified_on=datetime.date(2026, 2, 1), by=network
        )
    assert "no certification" in refused.value.message_dict["certified_on"][0]


def test_a_module_of_another_course_and_a_duplicate_trainee_are_refused(network, cohort):
    trainee = services_cohorts.trainee_add(cohort=cohort, name="Alex", by=network)
    other = services_cohorts.module_create(course=CourseFactory(), title="Autre", by=network)
    with pytest.raises(ValidationError):
        services_cohorts.trainee_progress(
            trainee=trainee, modules=[other], certified_on=None, by=network
        )
    with pytest.raises(ValidationError):
        services_cohorts.trainee_add(cohort=cohort, name="alex ", by=network)
    assert cohort.trainees.count() == 1


def test_only_the_network_manages_cohorts(cohort):
    instructor = UserFactory(instructor=True)
    with pytest.raises(PermissionDenied):
        services_cohorts.trainee_add(cohort=cohort, name="Alex", by=instructor)


def test_certifications_are_read_with_the_departement_of_the_place_of_work(network, cohort):
    place = PlaceFactory(commune=commune("87085"))
    trainee = services_cohorts.trainee_add(cohort=cohort, name="Alex", place=place, by=network)
    services_cohorts.trainee_add(cohort=cohort, name="Sam", by=network)
    with clock.at(TODAY):
        services_cohorts.trainee_progress(
            trainee=trainee,
            modules=cohort.course.modules.all(),
            certified_on=datetime.date(2026, 5, 30),
            by=network,
        )
    assert selectors.certifications_read(include_demo=False) == [(datetime.date(2026, 5, 30), "87")]


@pytest.mark.parametrize(
    ("role", "status"),
    [(None, 302), ("holder", 403), ("reader", 403), ("instructor", 200), ("network", 200)],
)
def test_the_cohort_pages_per_role(client, cohort, role, status):
    if role:
        client.force_login(UserFactory(**{role: True}))
    for url in (
        reverse("training:cohort_list"),
        reverse("training:cohort_detail", args=[cohort.pk]),
    ):
        assert client.get(url, **EN).status_code == status


def test_the_network_adds_a_trainee_and_certifies_through_the_pages(client, network, cohort):
    client.force_login(network)
    place = PlaceFactory(name="La Fabrique")
    url = reverse("training:trainee_add", args=[cohort.pk])
    assert client.post(url, {"name": "Alex", "place": place.pk}).status_code == 302
    duplicate = client.post(url, {"name": "ALEX"}, **EN)
    assert duplicate.status_code == 400 and "already has a trainee" in duplicate.content.decode()
    trainee = cohort.trainees.get()
    modules = [m.pk for m in cohort.course.modules.all()]
    with clock.at(TODAY):
        response = client.post(
            reverse("training:trainee_progress", args=[trainee.pk]),
            {"modules": modules, "certified_on": "2026-05-30"},
        )
    assert response.status_code == 302
    html = client.get(reverse("training:cohort_detail", args=[cohort.pk]), **EN).content.decode()
    assert "La Fabrique" in html and "30/05/2026" in html and "RNCP12345" in html
    assert client.get(reverse("training:trainee_progress", args=[trainee.pk])).status_code == 200
    client.force_login(UserFactory(instructor=True))
    assert client.get(reverse("training:trainee_progress", args=[trainee.pk])).status_code == 403
