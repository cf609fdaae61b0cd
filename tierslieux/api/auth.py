"""Who calls the API: a bearer token (``Authorization: Bearer tl_…``) or the Django session.

Writes require one of the two (``write_auth``). Reads are public, but a caller that presents a
token or a session is served as that user (``api_user``), so that directory staff also see
unpublished places; a bearer token that is present but invalid is refused (401) rather than
silently downgraded to the public view.
"""

import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from tierslieux.api.models import ApiToken
from tierslieux.api.services import api_token_hash
from tierslieux.core import clock

# ``last_used_at`` is written at most once per this interval, not at every request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)
_NOT_RESOLVED = object()


def api_token_user(key: str) -> Any | None:
    """The user of the active token ``key``, or None (unknown, revoked, inactive user)."""
    if not key:
        return None
    token = (
        ApiToken.objects.active().select_related("user").filter(key_hash=api_token_hash(key))
    ).first()
    if token is None:
        return None
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def bearer_key(request: HttpRequest) -> str | None:
    """The key of an ``Authorization: Bearer`` header, None when there is no such header."""
    scheme, _sep, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return key.strip()


class ApiTokenAuth(HttpBearer):
    """Bearer token stored hashed in ``ApiToken``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = api_token_user(token.strip())
        if user is not None:
            request._api_user = user
        return user


class SessionUserAuth(SessionAuth):
    """The Django session, CSRF-checked; anonymous callers fall through to 401, not 403."""

    def __call__(self, request: HttpRequest) -> Any | None:
        if not request.user.is_authenticated:
            return None
        user = super().__call__(request)
        if user is not None:
            request._api_user = user
        return user


write_auth = [ApiTokenAuth(), SessionUserAuth()]


def api_user(request: HttpRequest) -> Any:
    """The caller of a public endpoint: token user, session user or ``AnonymousUser``."""
    cached = getattr(request, "_api_user", _NOT_RESOLVED)
    if cached is not _NOT_RESOLVED:
        return cached
    key = bearer_key(request)
    if key is not None:
        user = api_token_user(key)
        if user is None:
            raise AuthenticationError()
    elif request.user.is_authenticated:
        user = request.user
    else:
        user = AnonymousUser()
    request._api_user = user
    return user
