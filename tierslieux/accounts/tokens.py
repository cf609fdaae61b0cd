"""One-time links of the accounts: confirmation of a sign-up, acceptance of an invitation,
password reset (Django's own generator) and change of e-mail address (a signed value).

Each generator has its own salt, so a token made for one purpose never opens another, and its
own maximum age from the settings. A token dies once used, because what it hashes changes:
confirming activates the account; accepting an invitation sets the password; applying a change
of e-mail changes the address the token names.
"""

from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int

from tierslieux.core import clock


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


class _OneTimeTokenGenerator(PasswordResetTokenGenerator):
    """Django's generator with a salt, a maximum age setting and an explicit moment."""

    max_age_setting: str = ""

    @property
    def max_age_seconds(self) -> int:
        return int(getattr(settings, self.max_age_setting))

    def _now(self) -> datetime:
        return _naive_utc(clock.now())

    def check_token(self, user: Any, token: str | None, at: datetime | None = None) -> bool:
        """True when ``token`` was made for ``user`` as it is now and is not older than the
        maximum age at ``at`` (now by default)."""
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            timestamp = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        moment = _naive_utc(at or clock.now())
        return 0 <= self._num_seconds(moment) - timestamp <= self.max_age_seconds


class SignupConfirmationTokenGenerator(_OneTimeTokenGenerator):
    key_salt = "tierslieux.accounts.signup_confirmation"
    max_age_setting = "ACCOUNT_CONFIRMATION_MAX_AGE"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        confirmed = "" if user.email_confirmed_at is None else user.email_confirmed_at.isoformat()
        return f"{user.pk}{user.password}{user.is_active}{confirmed}{user.email}{timestamp}"


class InvitationTokenGenerator(_OneTimeTokenGenerator):
    key_salt = "tierslieux.accounts.invitation"
    max_age_setting = "ACCOUNT_INVITATION_MAX_AGE"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        # The unusable password is a new random string at each sending: resending an
        # invitation kills the previous link; setting a password kills the last one.
        return f"{user.pk}{user.password}{user.is_active}{user.email}{timestamp}"


signup_confirmation_tokens = SignupConfirmationTokenGenerator()
invitation_tokens = InvitationTokenGenerator()

EMAIL_CHANGE_SALT = "tierslieux.accounts.email_change"


def email_change_token(*, user: Any, new_email: str) -> str:
    """A signed value naming the user, their current address and the new one."""
    return signing.dumps(
        {"u": user.pk, "from": user.email, "to": new_email}, salt=EMAIL_CHANGE_SALT
    )


def email_change_read(token: str) -> dict[str, Any] | None:
    """The content of a change-of-address token, or None if it is forged or too old."""
    try:
        data = signing.loads(
            token, salt=EMAIL_CHANGE_SALT, max_age=settings.ACCOUNT_EMAIL_CHANGE_MAX_AGE
        )
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        return None
    if not isinstance(data, dict) or not {"u", "from", "to"} <= data.keys():
        return None
    return data
