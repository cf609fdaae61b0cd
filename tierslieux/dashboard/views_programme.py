"""The programme page's panel of yearly grants and the form tying a grant to the programme."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tierslieux.core.params import query_id
from tierslieux.core.permissions import permission_required, user_can
from tierslieux.dashboard import services
from tierslieux.dashboard.selectors_programme import programme_grants, programme_grants_linkable
from tierslieux.network.selectors import programme_get


def programme_grants_panel(request: HttpRequest, programme) -> str:
    grants = list(programme_grants(user=request.user, programme=programme))
    linkable = list(programme_grants_linkable(user=request.user, programme=programme))
    if not grants and not linkable and not user_can(request.user, "network.programme_view"):
        return ""
    return render_to_string(
        "dashboard/_programme_grants.html",
        {
            "programme": programme,
            "grants": grants,
            "linkable": linkable,
            "committed_cents": sum(g.committed_cents for g in grants),
            "paid_cents": sum(g.paid_cents for g in grants),
        },
        request=request,
    )


@require_POST
@permission_required("network.programme_manage")
def programme_grant_link(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_get(user=request.user, pk=pk)
    if programme is None:
        raise Http404
    grant_id = query_id(request.POST, "grant")
    grant = (
        programme_grants_linkable(user=request.user, programme=programme)
        .filter(pk=grant_id)
        .first()
    )
    if grant is None:
        messages.error(request, _("This grant cannot be tied to the programme."))
        return redirect(programme)
    try:
        services.other_grant_programme_set(grant=grant, programme=programme, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The grant is tied to the programme."))
    return redirect(programme)
