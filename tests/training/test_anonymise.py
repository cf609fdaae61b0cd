"""Personal data of registrations are anonymised N months after the session (a command)."""

import datetime

import pytest
from django.core.management import call_command

from tests.training.factories import SessionFactory
from tierslieux.core import clock
from tierslieux.training import services
from tierslieux.training.models import Registration

pytestmark = pytest.mark.django_db


def test_months_before_caps_the_day():
    moment = datetime.datetime(2026, 3, 31, 12, tzinfo=datetime.UTC)
    assert services.months_before(moment, 1) == moment.replace(month=2, day=28)
    assert services.months_before(moment, 15) == moment.replace(year=2024, month=12)


def test_the_command_anonymises_only_old_sessions(settings, capsys):
    settings.TRAINING_PERSONAL_DATA_MONTHS = 6
    old, recent = SessionFactory(), SessionFactory()
    services.registration_create(session=old, data={"name": "Ancien", "email": "a@example.org"})
    services.registration_create(session=recent, data={"name": "Récent", "email": "r@example.org"})
    later = old.ends_at + datetime.timedelta(days=200)
    type(old).objects.filter(pk=recent.pk).update(
        starts_at=later - datetime.timedelta(days=1), ends_at=later - datetime.timedelta(hours=20)
    )
    with clock.at(later):
        call_command("training_anonymise")
        call_command("training_anonymise")  # idempotent
    gone = Registration.objects.get(session=old)
    kept = Registration.objects.get(session=recent)
    assert gone.email.endswith("@example.invalid") and "Ancien" not in gone.name
    assert gone.anonymised_at == later and gone.state == "registered"
    assert (kept.name, kept.email, kept.anonymised_at) == ("Récent", "r@example.org", None)
    assert "0 registration(s) anonymised." in capsys.readouterr().out
