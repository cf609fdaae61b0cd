from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tierslieux.core.permissions import user_roles


@login_required
def account_detail(request: HttpRequest) -> HttpResponse:
    roles = sorted(user_roles(request.user), key=lambda r: r.label)
    return render(request, "accounts/account_detail.html", {"roles": roles})
