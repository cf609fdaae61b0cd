"""Rate limit of anonymous API callers, read from the ``API_ANON_RATE`` setting (ADR 0006)."""

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.throttling import AnonRateThrottle

from tierslieux.api.auth import api_user

DEFAULT_ANON_RATE = "120/m"


class ApiAnonRateThrottle(AnonRateThrottle):
    """Limits callers that present neither a valid token nor a session, per IP address.

    The rate is read at each request (``API_ANON_RATE``, default 120/m), so that it can be
    changed by settings, including in tests, without rebuilding the API.
    """

    def __init__(self) -> None:
        super().__init__(rate=DEFAULT_ANON_RATE)

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = getattr(settings, "API_ANON_RATE", DEFAULT_ANON_RATE)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        try:
            user = api_user(request)
        except AuthenticationError:
            user = None  # a bad token counts as anonymous; the endpoint answers 401
        if user is not None and user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
