"""The partnership programme (issue 16, part 4): period and extensions, yearly objectives
against figures computed from the records, the network's report, the steering meeting, and the
programme page for the Région and the network only."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from tests.accounts.factories import UserFactory
from tests.agreements.factories import JournalEntryFactory
from tests.network.factories import ObjectiveFactory, ProgrammeFactory, ResourceFactory
from tests.places.factories import PlaceFactory
from tests.training.factories import CourseFactory, SessionFactory
from tierslieux.calls.models import ProjectReview
from tierslieux.core import clock
from tierslieux.network import figures, selectors, services
from tierslieux.network.models import ObjectiveKind as K
from tierslieux.network.models import Programme
from tierslieux.training.models import Cohort, Registration, Trainee
from tierslieux.training.workflow import RegistrationState

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
NOW = datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)


@pytest.fixture
def instructor():
    return UserFactory(instructor=True)


@pytest.fixture
def network():
    return UserFactory(network=True)


def _held_session(day: datetime.date, *, attended: int, course=None):
    start = datetime.datetime(day.year, day.month, day.day, 9, tzinfo=datetime.UTC)
    session = SessionFactory(
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=7),
        seats=10,
        **({"course": course} if course else {}),
    )
    for i in range(attended):
        Registration.objects.create(
            session=session,
            name=f"P{i}",
            email=f"p{i}-{session.pk}@example.org",
            state=RegistrationState.ATTENDED,
            token_hash=f"{session.pk:032d}{i:032d}",
        )
    return session


def _records_2025():
    """What the network did in 2025 (and a little in 2024 and of demo, which must not count)."""
    _held_session(datetime.date(2025, 3, 10), attended=3)
    _held_session(datetime.date(2025, 9, 10), attended=2)
    _held_session(datetime.date(2024, 9, 10), attended=5)
    _held_session(datetime.date(2025, 5, 5), attended=4, course=CourseFactory(is_demo=True))
    course = CourseFactory(certification="Facilitateur", rncp_code="RNCP12345")
    cohort = Cohort.objects.create(
        course=course,
        name="Promo",
        starts_on=datetime.date(2024, 9, 1),
        ends_on=datetime.date(2025, 6, 30),
    )
    Trainee.objects.create(cohort=cohort, name="A", certified_on=datetime.date(2025, 7, 1))
    Trainee.objects.create(cohort=cohort, name="B", certified_on=datetime.date(2025, 7, 1))
    Trainee.objects.create(cohort=cohort, name="C")
    ResourceFactory(published_on=datetime.date(2025, 2, 1))
    ResourceFactory(published_on=datetime.date(2025, 2, 2), is_demo=True)
    ProjectReview.objects.create(held_on=datetime.date(2025, 4, 1))
    place = PlaceFactory()
    JournalEntryFactory(happened_on=datetime.date(2025, 1, 5), place=place, project_label="")
    JournalEntryFactory(happened_on=datetime.date(2025, 2, 5), place=place, project_label="")
    JournalEntryFactory(happened_on=datetime.date(2025, 3, 5), project_label="Projet X")
    JournalEntryFactory(happened_on=datetime.date(2025, 3, 6), project_label="Projet Y (démo)")


def test_each_figure_is_computed_from_the_records():
    with clock.at(NOW):
        _records_2025()
        real = figures.year_figures(2025, include_demo=False)
        demo = figures.year_figures(2025, include_demo=True)
    assert real == {
        K.TRAININGS_DELIVERED: 2,
        K.TRAINEES: 5,
        K.CERTIFICATIONS: 2,
        K.RESOURCES_PRODUCED: 1,
        K.PROJECT_REVIEWS: 1,
        K.JOURNAL_ENTRIES: 3,
        K.PLACES_ACCOMPANIED: 2,  # the place (twice) and "Projet X"
    }
    assert demo[K.TRAININGS_DELIVERED] == 3 and demo[K.TRAINEES] == 9
    assert demo[K.RESOURCES_PRODUCED] == 2 and demo[K.PLACES_ACCOMPANIED] == 3


def test_a_session_not_yet_over_is_not_delivered():
    with clock.at(datetime.datetime(2025, 3, 10, 10, tzinfo=datetime.UTC)):
        _held_session(datetime.date(2025, 3, 10), attended=1)
        assert figures.trainings_delivered(2025, False) == 0
    with clock.at(NOW):
        assert figures.trainings_delivered(2025, False) == 1


def test_the_programme_page_shows_each_objective_against_the_computed_figure(client, network):
    with clock.at(NOW):
        _records_2025()
        programme = ProgrammeFactory()
        ObjectiveFactory(programme=programme, year=2025, kind=K.TRAININGS_DELIVERED, target=4)
        ObjectiveFactory(programme=programme, year=2025, kind=K.CERTIFICATIONS, target=2)
        ObjectiveFactory(programme=programme, year=2026, kind=K.PROJECT_REVIEWS, target=6)
        client.force_login(network)
        html = client.get(reverse("network:programme_detail", args=[programme.pk]), **EN)
    assert html.status_code == 200
    page = html.content.decode()
    year_2025 = page.split('id="year-2025"')[1].split('id="year-2026"')[0]
    row = year_2025.split('data-kind="trainings_delivered"')[1].split("</tr>")[0]
    assert 'class="num target">4<' in row and 'class="num computed">2<' in row
    assert "not reached (50 %)" in row
    row = year_2025.split('data-kind="certifications"')[1].split("</tr>")[0]
    assert 'class="num computed">2<' in row and "reached (100 %)" in row
    assert 'id="year-2024"' in page and "No objective set for this year." in page


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (None, 302),
        ("holder", 403),
        ("authority", 403),
        ("reader", 403),
        ("instructor", 200),
        ("network", 200),
    ],
)
def test_the_programme_is_shown_to_the_region_and_the_network_only(client, role, status):
    programme = ProgrammeFactory()
    if role:
        client.force_login(UserFactory(**{role: True}))
    for url in (
        reverse("network:programme_list"),
        reverse("network:programme_detail", args=[programme.pk]),
    ):
        assert client.get(url, **EN).status_code == status


def test_the_region_creates_extends_and_sets_objectives_through_the_pages(client, instructor):
    client.force_login(instructor)
    response = client.post(
        reverse("network:programme_create"),
        {"title": "Partenariat 2018-2020", "starts_on": "2018-01-01", "ends_on": "2020-12-31"},
        **EN,
    )
    assert response.status_code == 302
    programme = selectors.programme_list(user=instructor).get()
    assert programme.years() == [2018, 2019, 2020]
    url = reverse("network:programme_extend", args=[programme.pk])
    refused = client.post(url, {"ends_on": "2020-06-30", "decided_on": "2020-05-01"}, **EN)
    assert refused.status_code == 200 and "must end after" in refused.content.decode()
    assert not programme.extensions.exists()
    assert (
        client.post(url, {"ends_on": "2021-12-31", "decided_on": "2020-11-15"}).status_code == 302
    )
    programme = Programme.objects.get(pk=programme.pk)
    assert programme.years() == [2018, 2019, 2020, 2021]
    url = reverse("network:objective_set", args=[programme.pk])
    outside = client.post(url, {"year": 2023, "kind": K.TRAINEES, "target": 40}, **EN)
    assert outside.status_code == 200 and "not a year of the programme" in outside.content.decode()
    assert client.post(url, {"year": 2021, "kind": K.TRAINEES, "target": 40}).status_code == 302
    assert client.post(url, {"year": 2021, "kind": K.TRAINEES, "target": 50}).status_code == 302
    assert programme.objectives.get().target == 50


def test_the_network_cannot_set_objectives_and_the_region_cannot_write_the_report(
    instructor, network
):
    programme = ProgrammeFactory()
    with pytest.raises(PermissionDenied):
        services.objective_set(
            programme=programme, year=2025, kind=K.TRAINEES, target=3, by=network
        )
    with clock.at(NOW), pytest.raises(PermissionDenied):
        services.report_submit(
            programme=programme, year=2025, narrative="x", declared={}, by=instructor
        )
    assert not programme.objectives.exists() and not programme.reports.exists()


def test_the_network_reports_on_a_year_with_its_own_figures(client, network):
    programme = ProgrammeFactory()
    objective = ObjectiveFactory(programme=programme, year=2025, kind=K.TRAINEES, target=30)
    client.force_login(network)
    url = reverse("network:report_edit", args=[programme.pk, 2025])
    with clock.at(NOW):
        response = client.post(
            url, {"narrative": "Une belle année.", f"declared_{K.TRAINEES}": "28"}
        )
        assert response.status_code == 302
        future = client.post(reverse("network:report_edit", args=[programme.pk, 2026 + 1]), {})
    assert future.status_code == 404  # not a year of the programme
    objective.refresh_from_db()
    assert objective.declared == 28
    assert programme.reports.get().narrative == "Une belle année."
    with (
        clock.at(datetime.datetime(2024, 6, 1, tzinfo=datetime.UTC)),
        translation.override("en"),
        pytest.raises(ValidationError) as refused,
    ):
        services.report_submit(
            programme=programme, year=2025, narrative="tôt", declared={}, by=network
        )
    assert "once it has begun" in refused.value.message_dict["year"][0]
    assert programme.reports.get().narrative == "Une belle année."


def test_one_steering_meeting_a_year_recorded_once_held(client, instructor):
    programme = ProgrammeFactory()
    client.force_login(instructor)
    url = reverse("network:meeting_edit", args=[programme.pk, 2025])
    with clock.at(NOW):
        refused = client.post(url, {"held_on": "2026-09-01", "minutes": "À venir"}, **EN)
        assert refused.status_code == 200 and "once it has been held" in refused.content.decode()
        assert not programme.meetings.exists()
        assert client.post(url, {"held_on": "2025-11-20", "minutes": "Relevé."}).status_code == 302
        assert client.post(url, {"held_on": "2025-11-21", "minutes": "Corrigé."}).status_code == 302
        meeting = programme.meetings.get()
        page = client.get(reverse("network:programme_detail", args=[programme.pk]), **EN)
    assert (meeting.held_on, meeting.minutes) == (datetime.date(2025, 11, 21), "Corrigé.")
    assert "Corrigé." in page.content.decode()


def test_the_programme_must_end_after_it_starts(instructor):
    with pytest.raises(ValidationError):
        services.programme_create(
            data={
                "title": "x",
                "starts_on": datetime.date(2020, 1, 1),
                "ends_on": datetime.date(2019, 1, 1),
            },
            by=instructor,
        )


def test_a_new_period_may_not_leave_out_a_year_already_used(client, instructor):
    programme = ProgrammeFactory()  # 2024-2026
    ObjectiveFactory(programme=programme, year=2024)
    client.force_login(instructor)
    url = reverse("network:programme_update", args=[programme.pk])
    data = {"title": "Nouveau titre", "starts_on": "2025-01-01", "ends_on": "2026-12-31"}
    refused = client.post(url, data, **EN)
    assert refused.status_code == 200 and "leaves out 2024" in refused.content.decode()
    programme.refresh_from_db()
    assert programme.starts_on == datetime.date(2024, 1, 1) and programme.title != "Nouveau titre"
    assert client.post(url, {**data, "starts_on": "2023-01-01"}).status_code == 302
    programme.refresh_from_db()
    assert programme.title == "Nouveau titre" and programme.years()[0] == 2023
    client.force_login(UserFactory(network=True))
    assert client.get(url).status_code == 403
