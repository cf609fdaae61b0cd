"""The product's error pages (400, 403, 404, 500 and the CSRF failure), in its own layout.

400, 403, 404 and the CSRF failure render with the full layout: the menu of the user, the
language switcher, a sentence saying why and where to go. The 500 page renders a plain template
without the request's context processors (the failure may come from them, or from the database
they read), still in the visitor's language.
"""

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.template import loader
from django.utils.translation import get_language


def _render(request: HttpRequest, template: str, context: dict, response_class) -> HttpResponse:
    return response_class(loader.render_to_string(template, context, request=request))


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "errors/400.html", {"status": 400}, HttpResponseBadRequest)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "errors/403.html", {"status": 403}, HttpResponseForbidden)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "errors/404.html", {"status": 404}, HttpResponseNotFound)


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the request: no context processor, no database, no session."""
    html = loader.render_to_string("errors/500.html", {"lang": get_language() or "fr"})
    return HttpResponseServerError(html)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The page sent with a refused form (expired page, cookies blocked): CSRF_FAILURE_VIEW."""
    return _render(request, "errors/403_csrf.html", {"status": 403}, HttpResponseForbidden)
