"""The JSON API of the product (ADR 0006): one NinjaAPI, one router per app.

OpenAPI at ``/api/openapi.json``, interactive documentation at ``/api/docs``.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, Throttled, ValidationError

from tierslieux.api import places, territory
from tierslieux.api.throttling import ApiAnonRateThrottle, ApiAuthRateThrottle

# Where pydantic puts a parameter's source first in an error location.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}

api = NinjaAPI(
    title="API des tiers-lieux",
    version="1",
    description=(
        "Annuaire des tiers-lieux et territoire. Lecture publique (tiers-lieux publiés "
        "seulement), limitée en débit (par adresse sans jeton, par utilisateur avec) ; "
        "écriture réservée à "
        "l'équipe de l'annuaire, par jeton (`Authorization: Bearer …`) ou session."
    ),
    urls_namespace="api",
    docs_url="/docs",
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
