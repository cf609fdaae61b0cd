"""The JSON API of the product (ADRs 0006 and 0025): one NinjaAPI, one router per subject.

Version 1 is mounted at ``/api/v1/`` (OpenAPI at ``/api/v1/openapi.json``, interactive
documentation at ``/api/v1/docs``); the unversioned ``/api/...`` paths of before are kept as
aliases of version 1 (``config/urls.py``). Every error is an RFC 9457 problem
(``api/problems.py``).
"""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from tierslieux.api import coverage, places, policy, staff, territory
from tierslieux.api.problems import document_problems, problem_response
from tierslieux.api.throttling import ApiAnonRateThrottle, ApiAuthRateThrottle

# Where pydantic puts a parameter's source first in an error location.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}

API_TITLE = "Tiers-lieux API"
API_VERSION = "1"


class TiersLieuxApi(NinjaAPI):
    """NinjaAPI whose OpenAPI document states the problem-details errors exactly."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        return document_problems(super().get_openapi_schema(*args, **kwargs))


api = TiersLieuxApi(
    # The schema is in English (field names follow the French open data Table Schemas,
    # data/schemas/); the documentation page around it is localised (templates/ninja/swagger.html).
    title=API_TITLE,
    version=API_VERSION,
    description=(
        "The regional tiers-lieux policy as data: the directory of tiers-lieux, the territory "
        "(communes, départements), the territorial mesh (coverage per commune and département, "
        "white zones), the funded projects, the calls open now and the dashboard's key figures. "
        "Reads are public and rate-limited: per client address without a token, per user with "
        "one; writes and the staff summaries need a token (`Authorization: Bearer …`) or a "
        "session. Field names follow the French open data schemas (`nom`, `adresse`, …). "
        "Errors are RFC 9457 problem details (`application/problem+json`). "
        "Changes: docs/api-changelog.md."
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
api.add_router("/", coverage.router)
api.add_router("/", policy.router)
api.add_router("/", staff.router)


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
    return problem_response(request, 422, _("The request is not valid."), errors=errors)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    detail = _("Authentication required: a valid API token or a session.")
    response = problem_response(request, 401, detail)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Throttled)
def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    # ninja adds Retry-After to this response.
    return problem_response(request, 429, _("Too many requests: please wait before trying again."))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """403 and 404 raised by the views, and 400 for a body that is not JSON."""
    if exc.status_code == 400:
        return problem_response(request, 400, _("The request body is not valid JSON."))
    extra = getattr(exc, "extra", {})
    return problem_response(request, exc.status_code, exc.message, **extra)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(request, 404, _("Not found."))
