"""Pages of the match: a holder's interest, the authority's decision, the offer's photos."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tierslieux.core.permissions import permission_required
from tierslieux.premises import selectors, selectors_interest, services_interest
from tierslieux.premises.forms_interest import AcceptForm, DeclineForm, InterestForm

IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})


def _back(pk: int) -> HttpResponse:
    return redirect(reverse("premises:offer_detail", args=[pk]) + "#interests")


def _say(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@require_POST
@permission_required("premises.interest_express")
def interest_express(request: HttpRequest, pk: int) -> HttpResponse:
    offer = selectors.offer_get(user=request.user, pk=pk)
    if offer is None:
        raise Http404
    projects = selectors_interest.holder_projects(user=request.user)
    form = InterestForm(request.POST, projects=projects)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(offer.pk)
    try:
        services_interest.premises_interest_express(
            offer=offer, message=form.cleaned_data["message"], by=request.user, **form.chosen()
        )
    except ValidationError as exc:
        _say(request, exc)
    else:
        messages.success(request, _("The authority is told that your project is interested."))
    return _back(offer.pk)


@require_POST
@permission_required("premises.interest_decide")
def interest_accept(request: HttpRequest, pk: int) -> HttpResponse:
    interest = selectors_interest.interest_get(user=request.user, pk=pk)
    if interest is None:
        raise Http404
    form = AcceptForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(interest.offer_id)
    try:
        interest = services_interest.premises_interest_accept(
            interest=interest,
            starts_on=form.cleaned_data["starts_on"],
            duration_months=form.cleaned_data["duration_months"],
            by=request.user,
        )
    except ValidationError as exc:
        _say(request, exc)
        return _back(interest.offer_id)
    messages.success(
        request, _("The project is chosen: the premises agreement is recorded with the rent.")
    )
    return redirect(reverse("agreements:premises_detail", args=[interest.agreement_id]))


@require_POST
@permission_required("premises.interest_decide")
def interest_decline(request: HttpRequest, pk: int) -> HttpResponse:
    interest = selectors_interest.interest_get(user=request.user, pk=pk)
    if interest is None:
        raise Http404
    form = DeclineForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services_interest.premises_interest_decline(
            interest=interest, reason=reason, by=request.user
        )
    except ValidationError as exc:
        _say(request, exc)
    else:
        messages.success(request, _("The interest is declined; the project holder is told."))
    return _back(interest.offer_id)


@require_POST
@permission_required("premises.interest_withdraw")
def interest_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    interest = selectors_interest.interest_get(user=request.user, pk=pk)
    if interest is None:
        raise Http404
    try:
        services_interest.premises_interest_withdraw(interest=interest, by=request.user)
    except ValidationError as exc:
        _say(request, exc)
    else:
        messages.success(request, _("Your interest is withdrawn."))
    return _back(interest.offer_id)


@require_GET
@permission_required("premises.offer_view")
def photo_view(request: HttpRequest, pk: int) -> FileResponse:
    """A photo of an offer the user may see, served only as the image type checked on upload."""
    photo = selectors.photo_get(user=request.user, pk=pk)
    if photo is None or photo.content_type not in IMAGE_TYPES:
        raise Http404
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=photo.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
