from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tierslieux.core.permissions import user_roles


@login_required
def account_detail(request: HttpRequest) -> HttpResponse:
    roles = sorted(user_roles(request.user), key=lambda r: r.label)
    return render(request, "accounts/account_detail.html", {"roles": roles})


def lockout(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """The page django-axes answers while an account or an address is locked out."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return render(request, "registration/lockout.html", {"minutes": minutes}, status=429)
