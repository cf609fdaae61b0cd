"""Pages whose address is a secret (a survey's personal link): no Referer leaves them.

Django sends ``Referrer-Policy: same-origin`` on every page (``SECURE_REFERRER_POLICY``), so no
third party ever sees a page's address. A personal link must not reach even our own logs
through the ``Referer`` of the requests its page makes (style sheets, scripts, the next page):
a production server's access log (gunicorn's, nginx's) records the Referer and does not pass
through the Django log filter that redacts tokens. ``no_referrer`` sets ``strict-origin`` on
the response, which ``SecurityMiddleware`` then keeps.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse

NO_REFERRER = "strict-origin"
"""Only the site's origin, never the path, goes out as Referer. Not ``no-referrer``: under
that policy browsers send ``Origin: null`` with the page's form, which CSRF protection refuses."""


def no_referrer(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorate a view whose URL carries a secret: its responses send only the origin as Referer."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.headers["Referrer-Policy"] = NO_REFERRER
        return response

    return wrapped
