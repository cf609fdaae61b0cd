"""Every account link that carries a token is redacted from the logs (core.logging)."""

import logging

from django.urls import reverse

from tierslieux.core.logging import RedactSecretsFilter, redact

TOKEN = "c4b1zq-0123456789abcdef0123456789abcdef"


def _paths():
    return {
        "signup_confirm": reverse("accounts:signup_confirm", args=["MTIz", TOKEN]),
        "password_reset_confirm": reverse("accounts:password_reset_confirm", args=["MTIz", TOKEN]),
        "password_reset_confirm_session": reverse(
            "accounts:password_reset_confirm", args=["MTIz", "set-password"]
        ),
        "invitation_accept": reverse("accounts:invitation_accept", args=["MTIz", TOKEN]),
        "email_change_confirm": reverse(
            "accounts:email_change_confirm", args=["eyJ1IjoxfQ:1tXyZ:" + TOKEN[:20]]
        ),
    }


def test_each_account_link_with_a_token_is_redacted():
    for name, path in _paths().items():
        line = f'"GET {path}?x=1 HTTP/1.1" 200 1234'
        redacted = redact(line)
        assert TOKEN[:20] not in redacted, name
        assert "MTIz" not in redacted, name
        assert "[redacted]" in redacted, name
        assert redacted.startswith('"GET /comptes/'), name


def test_the_filter_redacts_an_access_log_record():
    path = reverse("accounts:signup_confirm", args=["MTIz", TOKEN])
    record = logging.LogRecord("django.server", logging.INFO, "", 0, '"%s" %s', (path, 200), None)
    RedactSecretsFilter().filter(record)
    assert TOKEN not in record.getMessage()


def test_account_pages_without_a_token_stay_readable_in_the_logs():
    for name in ("login", "signup", "password_reset", "invitation_list", "account_detail"):
        path = reverse(f"accounts:{name}")
        assert redact(f"GET {path}") == f"GET {path}", name
