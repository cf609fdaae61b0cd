"""The client address behind trusted proxies, and personal links kept out of the logs."""

import logging

from django.test import RequestFactory, override_settings

from tierslieux.core.http import client_ip
from tierslieux.core.logging import RedactSecretsFilter, redact


def _request(remote="10.0.0.9", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_without_proxy_the_forwarded_header_is_ignored():
    assert client_ip(_request(forwarded="1.2.3.4")) == "10.0.0.9"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_one_proxy_takes_the_rightmost_entry_not_the_client_written_ones():
    assert client_ip(_request(forwarded="6.6.6.6, 1.2.3.4")) == "1.2.3.4"
    assert client_ip(_request(forwarded="1.2.3.4")) == "1.2.3.4"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_two_proxies_take_the_second_entry_from_the_right():
    assert client_ip(_request(forwarded="6.6.6.6, 1.2.3.4, 10.1.1.1")) == "1.2.3.4"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_missing_header_behind_a_proxy_falls_back_to_the_socket_address():
    assert client_ip(_request()) == "10.0.0.9"


def test_survey_token_redacted_from_an_access_log_line():
    line = '"GET /panorama/reponse/AbC-123_xyz/ HTTP/1.1" 200 5120'
    assert "AbC-123_xyz" not in redact(line)
    assert "/panorama/reponse/[redacted]" in redact(line)
    assert redact("/panorama/reponse/tok/merci/").startswith("/panorama/reponse/[redacted]")


def test_filter_rewrites_message_arguments():
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s',
        ("GET /panorama/reponse/s3cret/", 200),
        None,
    )
    RedactSecretsFilter().filter(record)
    assert "s3cret" not in record.getMessage()
