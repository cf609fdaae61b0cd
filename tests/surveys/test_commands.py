"""The ``survey_send`` command calls the services."""

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from tests.accounts.factories import UserFactory
from tests.places.factories import PlaceFactory
from tests.surveys.factories import SurveyFactory
from tierslieux.surveys.models import SurveyInvitation

pytestmark = pytest.mark.django_db


def test_survey_send_invites_then_reminds(capsys, django_capture_on_commit_callbacks):
    survey = SurveyFactory()
    PlaceFactory(email="a@ex.org")
    UserFactory(username="ines", instructor=True)
    args = ["--year", str(survey.year), "--base-url", "https://ex.org", "--by", "ines"]

    with django_capture_on_commit_callbacks(execute=True):
        call_command("survey_send", *args)
    assert "1 invitation(s) sent." in capsys.readouterr().out
    assert [m.to for m in mail.outbox] == [["a@ex.org"]]
    assert "https://ex.org/panorama/reponse/" in mail.outbox[0].body

    call_command("survey_send", *args)
    assert "0 invitation(s) sent." in capsys.readouterr().out

    call_command("survey_send", *args, "--reminders")
    assert "1 reminder(s) sent." in capsys.readouterr().out
    assert SurveyInvitation.objects.get().reminder_count == 1


def test_survey_send_errors():
    SurveyFactory(year=2030)
    UserFactory(username="porteur", holder=True)
    with pytest.raises(CommandError, match="No survey"):
        call_command("survey_send", "--year", "1999", "--base-url", "x", "--by", "porteur")
    with pytest.raises(CommandError, match="may not"):
        call_command("survey_send", "--year", "2030", "--base-url", "x", "--by", "porteur")
