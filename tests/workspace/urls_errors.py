"""The product's URLs plus views that fail on purpose, to render the error pages in tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def _bad_request(request):
    raise SuspiciousOperation("bad")


def _forbidden(request):
    raise PermissionDenied("no")


def _server_error(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("erreurs/400/", _bad_request),
    path("erreurs/403/", _forbidden),
    path("erreurs/500/", _server_error),
    *urlpatterns,
]
