"""Personal links: the survey pages send no Referer at all (their address holds the token);
every other page keeps Django's ``same-origin`` policy, so no third party sees an address."""

import logging

import pytest
from django.urls import reverse

from tests.surveys.factories import invitation_with_token
from tierslieux.core.logging import RedactSecretsFilter

pytestmark = pytest.mark.django_db


def test_survey_pages_send_no_referer(client):
    _invitation, token = invitation_with_token()
    for url in (
        reverse("surveys:response_create", kwargs={"token": token}),
        reverse("surveys:response_thanks", kwargs={"token": token}),
        reverse("surveys:response_create", kwargs={"token": "unknown-token"}),
    ):
        response = client.get(url)
        assert response["Referrer-Policy"] == "strict-origin", url
        if response.status_code != 302:  # the thanks page sends back to the form until answered
            assert '<meta name="referrer" content="strict-origin">' in response.content.decode()


def test_other_pages_keep_same_origin(client, settings):
    assert settings.SECURE_REFERRER_POLICY == "same-origin"
    assert client.get(reverse("places:place_list"))["Referrer-Policy"] == "same-origin"


def test_the_token_of_every_survey_path_is_redacted_from_log_records():
    """The request logger (404 of a bad link, errors) goes through the redacting filter."""
    _invitation, token = invitation_with_token()
    paths = [
        reverse("surveys:response_create", kwargs={"token": token}),
        reverse("surveys:response_thanks", kwargs={"token": token}),
    ]
    log_filter = RedactSecretsFilter()
    for path in paths:
        record = logging.LogRecord(
            "django.server", logging.INFO, "", 0, '"GET %s" 200', (path,), None
        )
        log_filter.filter(record)
        assert token not in record.getMessage()
        record = logging.LogRecord(
            "django.request", logging.WARNING, "", 0, "Referer: http://x%s", (path,), None
        )
        log_filter.filter(record)
        assert token not in record.getMessage()
