"""The home page and the start page of a signed-in user."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tierslieux.core import clock
from tierslieux.core.permissions import user_can
from tierslieux.workspace import selectors


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    page = selectors.home_page()
    return render(
        request,
        "workspace/home.html",
        {"figures": page.figures, "open_places": page.open_places},
    )


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """The panels of the user's work; every role lands here after logging in."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not user_can(request.user, "workspace.start_view"):  # an inactive account
        raise PermissionDenied("workspace.start_view")
    panels = selectors.start_page(user=request.user, on=clock.today())
    return render(request, "workspace/start.html", {"panels": panels})
