"""The demo records are replayed through the real services, without patching: every step runs
inside ``clock.at`` on its simulated day, no e-mail is sent, no audit-log row is written, and
the clock is the real one again afterwards."""

import datetime

import pytest
from auditlog.models import LogEntry

from tests.accounts.factories import UserFactory
from tests.places.factories import PlaceFactory, commune
from tierslieux.agreements.models import AgreementLog, Milestone
from tierslieux.calls.models import Application, ApplicationLog, Call
from tierslieux.calls.workflow import ApplicationState
from tierslieux.core import clock
from tierslieux.demo import generator
from tierslieux.places.models import PlaceSource

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2023, 6, 30)


def test_replay_stamps_the_simulated_moments_and_sends_nothing(
    mailoutbox, django_capture_on_commit_callbacks
):
    for code in ("33063", "87085", "86194"):
        PlaceFactory(source=PlaceSource.CGET_2019, commune=commune(code))
    # A real instructor with an e-mail: without notify=False, a holder's resubmission and the
    # decisions would e-mail the instructors.
    UserFactory(instructor=True, email="instructrice@example.org")
    audit_rows = LogEntry.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        generator.demo_records_generate(seed=11, from_year=2020, to_year=2021, today=TODAY)

    assert not clock.is_set()
    assert mailoutbox == []
    assert LogEntry.objects.count() == audit_rows
    apps = Application.objects.filter(call__is_demo=True)
    # Resubmissions after a request for changes happened (so the no-mail check means something).
    assert ApplicationLog.objects.filter(
        application__in=apps,
        from_state=ApplicationState.CHANGES_REQUESTED,
        to_state=ApplicationState.SUBMITTED,
    ).exists()
    # Calls were created 20 days before they opened (the simulated day, not the real one).
    for call in Call.objects.filter(is_demo=True).exclude(year=TODAY.year):
        assert call.created_at.date() == call.opens_on - datetime.timedelta(days=20)
    # Every stamp is a simulated moment, never after the simulated today.
    logs = ApplicationLog.objects.filter(application__in=apps).select_related("application")
    assert logs.count() > 50
    for log in logs:
        assert log.application.call.opens_on <= log.at.date() <= TODAY
        assert 9 <= clock_hour(log.at) < 17
    for application in apps.exclude(submitted_at=None):
        last_submission = (
            application.logs.filter(to_state=ApplicationState.SUBMITTED).order_by("at").last()
        )
        assert application.submitted_at == last_submission.at
        assert application.created_at < application.submitted_at
    held = Milestone.objects.filter(
        agreement__application__call__is_demo=True, held_on__isnull=False
    )
    assert held.exists()
    for agreement_log in AgreementLog.objects.filter(agreement__application__call__is_demo=True):
        assert agreement_log.at.date() <= TODAY


def clock_hour(moment: datetime.datetime) -> int:
    from django.utils import timezone

    return timezone.localtime(moment).hour
