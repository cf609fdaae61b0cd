"""Reminder e-mails before a session, once per registered person."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from tests.training.factories import SessionFactory
from tierslieux.core import clock
from tierslieux.training import services

pytestmark = pytest.mark.django_db


def test_the_registered_are_reminded_once(settings, capsys, django_capture_on_commit_callbacks):
    settings.TRAINING_REMINDER_DAYS = 2
    soon, later = SessionFactory(seats=1), SessionFactory()
    data = {"name": "A", "email": "a@example.org"}
    services.registration_create(session=soon, data=data)
    services.registration_create(session=soon, data={"name": "W", "email": "w@example.org"})
    services.registration_create(session=later, data={"name": "B", "email": "b@example.org"})
    type(soon).objects.filter(pk=later.pk).update(
        starts_at=soon.starts_at + datetime.timedelta(days=5),
        ends_at=soon.ends_at + datetime.timedelta(days=5),
    )
    mail.outbox.clear()
    with clock.at(soon.starts_at - datetime.timedelta(days=1)):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("training_remind")
        with django_capture_on_commit_callbacks(execute=True):
            call_command("training_remind")
    assert [m.to for m in mail.outbox] == [["a@example.org"]]  # not the waitlisted, not twice
    assert soon.course.title in mail.outbox[0].subject
    assert capsys.readouterr().out.splitlines() == ["1 reminder(s) sent.", "0 reminder(s) sent."]
