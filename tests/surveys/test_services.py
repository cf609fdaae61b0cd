"""Rules of the survey's services: tokens, sending, reminders, answers."""

import datetime
import hashlib
import re

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.places.factories import PlaceFactory
from tests.surveys.factories import (
    InvitationFactory,
    ResponseFactory,
    SurveyFactory,
    answer_data,
    invitation_with_token,
)
from tierslieux.surveys import services
from tierslieux.surveys.models import (
    SurveyEvent,
    SurveyInvitation,
    SurveyLog,
    SurveyResponse,
    token_hash,
)

pytestmark = pytest.mark.django_db
BASE = "https://tiers-lieux.example.org"
LINK = re.compile(r"https://tiers-lieux\.example\.org/panorama/reponse/([A-Za-z0-9_-]+)/")


@pytest.fixture
def staff():
    return UserFactory(instructor=True)


def _tokens(outbox) -> dict[str, str]:
    """E-mail address -> the raw token of the link in its message."""
    found = {}
    for message in outbox:
        match = LINK.search(message.body)
        assert match, message.body
        found[message.to[0]] = match.group(1)
    return found


def _send(survey, staff, capture):
    with capture(execute=True):
        return services.survey_invitations_send(survey=survey, by=staff, base_url=BASE)


# --- survey_create -------------------------------------------------------------------------


def test_survey_create_one_per_year(staff):
    today = timezone.localdate()
    survey = services.survey_create(
        year=2031, title="Panorama 2031", opens_on=today, closes_on=today, by=staff
    )
    assert survey.created_by == staff
    assert SurveyLog.objects.filter(survey=survey, event=SurveyEvent.CREATED).exists()
    with pytest.raises(ValidationError):
        services.survey_create(year=2031, title="Encore", opens_on=today, closes_on=today, by=staff)


def test_survey_create_refuses_closing_before_opening(staff):
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        services.survey_create(
            year=2032, title="x", opens_on=today, closes_on=today - datetime.timedelta(1), by=staff
        )


def test_survey_create_needs_staff():
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.survey_create(
            year=2033, title="x", opens_on=today, closes_on=today, by=UserFactory(holder=True)
        )


def test_one_survey_per_year_in_the_database():
    SurveyFactory(year=2034)
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyFactory._meta.model.objects.create(
            year=2034,
            title="x",
            opens_on=datetime.date(2034, 1, 1),
            closes_on=datetime.date(2034, 2, 1),
        )


# --- invitations ---------------------------------------------------------------------------


def test_invitations_go_to_open_published_places_with_an_email(
    staff, django_capture_on_commit_callbacks
):
    survey = SurveyFactory()
    a = PlaceFactory(email="a@ex.org")
    b = PlaceFactory(email="b@ex.org")
    no_email = PlaceFactory(email="")
    PlaceFactory(email="hidden@ex.org", unpublished=True)
    PlaceFactory(email="project@ex.org", project=True)
    PlaceFactory(email="closed@ex.org", closed=True)
    PlaceFactory(email="demo@ex.org", source="demo")

    report = _send(survey, staff, django_capture_on_commit_callbacks)

    assert {p.pk for p in report.sent} == {a.pk, b.pk}
    assert report.without_email == [no_email]
    assert sorted(m.to[0] for m in mail.outbox) == ["a@ex.org", "b@ex.org"]
    assert SurveyInvitation.objects.filter(survey=survey).count() == 2
    assert SurveyLog.objects.filter(survey=survey, event=SurveyEvent.INVITED).count() == 2
    body = mail.outbox[0].body
    assert survey.closes_on.strftime("%d/%m/%Y") in body


def test_a_demo_survey_invites_only_demo_places(staff, django_capture_on_commit_callbacks):
    survey = SurveyFactory(is_demo=True)
    PlaceFactory(email="real@ex.org")
    demo = PlaceFactory(email="demo@ex.org", source="demo")
    report = _send(survey, staff, django_capture_on_commit_callbacks)
    assert report.sent == [demo]
    assert [m.to for m in mail.outbox] == [["demo@ex.org"]]


def test_only_the_hash_of_the_token_is_stored(staff, django_capture_on_commit_callbacks):
    survey = SurveyFactory()
    PlaceFactory(email="a@ex.org")
    _send(survey, staff, django_capture_on_commit_callbacks)
    raw = _tokens(mail.outbox)["a@ex.org"]
    invitation = SurveyInvitation.objects.get(survey=survey)

    assert len(raw) >= 40
    assert invitation.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in invitation.token_hash
    # The raw token is nowhere in the database rows of the survey.
    for row in SurveyInvitation.objects.values():
        assert raw not in " ".join(str(v) for v in row.values())
    for row in SurveyLog.objects.values():
        assert raw not in " ".join(str(v) for v in row.values())
    # The audit log records the invitation without its token (neither raw nor hashed).
    entries = LogEntry.objects.get_for_object(invitation)
    assert entries.exists()
    for entry in entries:
        assert "token_hash" not in str(entry.changes)
        assert raw not in str(entry.changes)


def test_answers_are_audited():
    _invitation, raw = invitation_with_token()
    response, _ = services.response_submit(token=raw, data=answer_data(jobs_hosted=1))
    services.response_submit(token=raw, data=answer_data(jobs_hosted=2))
    assert LogEntry.objects.get_for_object(response).count() == 2


def test_sending_again_does_not_duplicate(staff, django_capture_on_commit_callbacks):
    survey = SurveyFactory()
    PlaceFactory(email="a@ex.org")
    _send(survey, staff, django_capture_on_commit_callbacks)
    first_hash = SurveyInvitation.objects.get().token_hash
    mail.outbox.clear()
    late = PlaceFactory(email="late@ex.org")

    report = _send(survey, staff, django_capture_on_commit_callbacks)

    assert report.sent == [late]
    assert report.already_invited == 1
    assert [m.to for m in mail.outbox] == [["late@ex.org"]]
    assert SurveyInvitation.objects.filter(survey=survey).count() == 2
    assert SurveyInvitation.objects.get(place__email="a@ex.org").token_hash == first_hash


def test_no_email_leaves_when_the_transaction_fails(staff, django_capture_on_commit_callbacks):
    survey = SurveyFactory()
    PlaceFactory(email="a@ex.org")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.survey_invitations_send(survey=survey, by=staff, base_url=BASE)
    assert len(callbacks) == 1  # queued for after the commit, not sent inside it
    assert mail.outbox == []


def test_invitations_need_an_open_survey(staff):
    PlaceFactory(email="a@ex.org")
    for survey in (SurveyFactory(closed=True, year=2020), SurveyFactory(future=True, year=2090)):
        with pytest.raises(services.SurveyNotOpen):
            services.survey_invitations_send(survey=survey, by=staff, base_url=BASE)
    assert not SurveyInvitation.objects.exists()


def test_invitations_need_staff():
    with pytest.raises(PermissionDenied):
        services.survey_invitations_send(
            survey=SurveyFactory(), by=UserFactory(holder=True), base_url=BASE
        )


# --- reminders -----------------------------------------------------------------------------


def test_reminders_go_to_non_respondents_with_a_new_link(staff, django_capture_on_commit_callbacks):
    survey = SurveyFactory()
    silent, old_raw = invitation_with_token(survey=survey)
    answered = InvitationFactory(survey=survey)
    ResponseFactory(invitation=answered)
    InvitationFactory(survey=survey, sent_at=None, email="")  # made by staff, never e-mailed

    with django_capture_on_commit_callbacks(execute=True):
        report = services.survey_reminders_send(survey=survey, by=staff, base_url=BASE)

    assert report.sent == [silent.place]
    assert [m.to for m in mail.outbox] == [[silent.email]]
    new_raw = _tokens(mail.outbox)[silent.email]
    silent.refresh_from_db()
    assert new_raw != old_raw
    assert silent.token_hash == token_hash(new_raw)
    assert silent.reminder_count == 1 and silent.reminded_at is not None
    # The old link has expired, the new one works.
    with pytest.raises(services.InvalidSurveyLink):
        services.response_submit(token=old_raw, data=answer_data())
    services.response_submit(token=new_raw, data=answer_data())


# --- answers through the link --------------------------------------------------------------


def test_submit_stores_one_answer_and_marks_the_invitation():
    invitation, raw = invitation_with_token()
    response, created = services.response_submit(token=raw, data=answer_data(users_per_week=12))
    assert created
    assert (response.survey, response.place, response.invitation) == (
        invitation.survey,
        invitation.place,
        invitation,
    )
    assert response.users_per_week == 12 and response.services == ["cafe", "training"]
    invitation.refresh_from_db()
    assert invitation.responded_at is not None
    assert SurveyLog.objects.filter(event=SurveyEvent.RESPONDED, place=invitation.place).exists()


@pytest.mark.parametrize("token", ["", "nope", "x" * 43, "y" * 500])
def test_submit_refuses_an_unknown_token(token):
    invitation_with_token()
    with pytest.raises(services.InvalidSurveyLink):
        services.response_submit(token=token, data=answer_data())
    assert not SurveyResponse.objects.exists()


def test_submit_refuses_a_closed_survey():
    _invitation, raw = invitation_with_token(survey=SurveyFactory(closed=True, year=2021))
    with pytest.raises(services.SurveyNotOpen) as exc:
        services.response_submit(token=raw, data=answer_data())
    assert exc.value.code == "closed"
    assert not SurveyResponse.objects.exists()


def test_submit_refuses_a_survey_not_yet_open():
    _invitation, raw = invitation_with_token(survey=SurveyFactory(future=True, year=2091))
    with pytest.raises(services.SurveyNotOpen) as exc:
        services.response_submit(token=raw, data=answer_data())
    assert exc.value.code == "not_yet_open"


def test_a_second_submission_updates_the_answer():
    invitation, raw = invitation_with_token()
    first, created = services.response_submit(token=raw, data=answer_data(jobs_hosted=3))
    second, created_again = services.response_submit(
        token=raw, data=answer_data(jobs_hosted=7, services=[])
    )
    assert created and not created_again
    assert first.pk == second.pk
    assert SurveyResponse.objects.filter(survey=invitation.survey).count() == 1
    second.refresh_from_db()
    assert second.jobs_hosted == 7 and second.services == []
    assert SurveyLog.objects.filter(event=SurveyEvent.UPDATED).count() == 1


def test_one_answer_per_place_and_survey_in_the_database():
    response = ResponseFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ResponseFactory(invitation=None, survey=response.survey, place=response.place)


@pytest.mark.parametrize("services_value", [["spa"], ["cafe", "teleport"], "cafe"])
def test_services_are_validated(services_value):
    _invitation, raw = invitation_with_token()
    with pytest.raises(ValidationError) as exc:
        services.response_submit(token=raw, data=answer_data(services=services_value))
    assert "services" in exc.value.message_dict
    assert not SurveyResponse.objects.exists()


def test_services_keep_the_list_order_without_duplicates():
    _invitation, raw = invitation_with_token()
    response, _ = services.response_submit(
        token=raw, data=answer_data(services=["training", "cafe", "cafe"])
    )
    assert response.services == ["cafe", "training"]


@pytest.mark.parametrize(
    "field,value",
    [
        ("users_per_week", -1),
        ("jobs_hosted", -3),
        ("turnover_range", "billions"),
        ("business_model_confidence", "ecstatic"),
        ("governance", "monarchy"),
    ],
)
def test_answers_are_validated(field, value):
    _invitation, raw = invitation_with_token()
    with pytest.raises(ValidationError) as exc:
        services.response_submit(token=raw, data=answer_data(**{field: value}))
    assert field in exc.value.message_dict


def test_database_refuses_an_unknown_confidence():
    response = ResponseFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyResponse.objects.filter(pk=response.pk).update(business_model_confidence="meh")


# --- answers taken by staff ----------------------------------------------------------------


def test_staff_records_an_answer_for_a_place_never_invited(staff):
    survey = SurveyFactory()
    place = PlaceFactory(email="")
    response, created = services.response_record_by_staff(
        survey=survey, place=place, data=answer_data(), by=staff
    )
    assert created and response.recorded_by == staff
    invitation = response.invitation
    assert invitation.place == place and invitation.sent_at is None
    assert invitation.responded_at is not None
    assert SurveyLog.objects.filter(event=SurveyEvent.RECORDED, by=staff).exists()


def test_staff_updates_the_answer_of_an_invited_place(staff):
    invitation, raw = invitation_with_token()
    services.response_submit(token=raw, data=answer_data(jobs_hosted=1))
    response, created = services.response_record_by_staff(
        survey=invitation.survey, place=invitation.place, data=answer_data(jobs_hosted=2), by=staff
    )
    assert not created and response.jobs_hosted == 2 and response.invitation == invitation
    assert SurveyInvitation.objects.filter(survey=invitation.survey).count() == 1


def test_staff_may_record_after_closing(staff):
    survey = SurveyFactory(closed=True, year=2022)
    response, _ = services.response_record_by_staff(
        survey=survey, place=PlaceFactory(), data=answer_data(), by=staff
    )
    assert response.pk


def test_recording_needs_staff():
    with pytest.raises(PermissionDenied):
        services.response_record_by_staff(
            survey=SurveyFactory(),
            place=PlaceFactory(),
            data=answer_data(),
            by=UserFactory(holder=True),
        )
