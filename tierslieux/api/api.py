"""The JSON API of the product (ADR 0006): one NinjaAPI, one router per app.

OpenAPI at ``/api/openapi.json``, interactive documentation at ``/api/docs``.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, Throttled, ValidationError

from tierslieux.api import places, territory
from tierslieux.api.throttling import ApiAnonRateThrottle, ApiAuthRateThrottle

# Where pydantic puts a parameter's source first in an error location.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}

API_TITLE = "Tiers-lieux API"

api = NinjaAPI(
    # The schema is in English (field names follow the French open data Table Schema,
    # data/schemas/tiers-lieux.schema.json); the documentation page around it is localised
    # (templates/ninja/swagger.html).
    title=API_TITLE,
    version="1",
    description=(
        "The directory of tiers-lieux and the territory (communes, départements). Reads are "
        "public (published places only) and rate-limited: per client address without a token, "
        "per user with one; writes are for directory staff, with a token "
        "(`Authorization: Bearer …`) or a session. Field names follow the French open data "
        "schema of the directory (`nom`, `adresse`, …)."
    ),
    urls_namespace="api",
    docs_url="/docs",
    # No deep links: Swagger UI would put a link inside each operation's button (nested
    # interactive controls, which screen readers cannot use).
    docs=Swagger(settings={"deepLinking": False}),
    openapi_url="/openapi.json",
    throttle=[ApiAnonRateThrottle(), ApiAuthRateThrottle()],
)
api.add_router("/", places.router)
api.add_router("/", territory.router)


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in _SOURCES:
        source, parts = parts[0], parts[1:]
        if source == "body" and len(parts) > 1:
            parts = parts[1:]  # the name of the body parameter
    return ".".join(parts) or "__all__"


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Request errors in the same shape as the services' errors: messages per field."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(_field(tuple(error.get("loc", ()))), []).append(str(error["msg"]))
    body = {"detail": _("The request is not valid."), "errors": errors}
    return api.create_response(request, body, status=422)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = {"detail": _("Authentication required: a valid API token or a session.")}
    response = api.create_response(request, body, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Throttled)
def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    body = {"detail": _("Too many requests: please wait before trying again.")}
    return api.create_response(request, body, status=429)
