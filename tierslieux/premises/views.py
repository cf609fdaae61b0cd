"""Pages of the premises on offer (thin: forms, selectors, services)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tierslieux.core.pagination import paginate
from tierslieux.core.permissions import has_role, permission_required, user_can
from tierslieux.core.roles import Role
from tierslieux.premises import selectors, selectors_interest, services
from tierslieux.premises.forms import OfferFilterForm, OfferForm
from tierslieux.premises.forms_interest import AcceptForm, InterestForm
from tierslieux.premises.opendata import opendata_csv
from tierslieux.premises.workflow import TRANSITIONS, PremisesState

ERROR_FIELDS = frozenset(OfferForm.base_fields)


def _is_staff(user) -> bool:
    return user.is_superuser or has_role(user, Role.INSTRUCTOR)


def _add_errors(form: OfferForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@require_GET
@permission_required("premises.offer_view")
def offer_list(request: HttpRequest) -> HttpResponse:
    form = OfferFilterForm(request.GET or None)
    paged = paginate(request, selectors.offers_ranked(user=request.user, filters=form.filters()))
    return render(
        request,
        "premises/offer_list.html",
        {
            "form": form,
            "offers": paged.page.object_list,
            "page": paged.page,
            "page_query": paged.query,
            "can_create": user_can(request.user, "premises.offer_create"),
        },
    )


@require_GET
@permission_required("premises.offer_view")
def offer_geojson(request: HttpRequest) -> JsonResponse:
    features = selectors.offers_public_features(user=request.user)
    return JsonResponse(
        {"type": "FeatureCollection", "features": features},
        content_type="application/geo+json",
    )


@require_GET
@permission_required("premises.offer_view")
def offer_csv(request: HttpRequest) -> HttpResponse:
    """The published offers as open data (Table Schema ``locaux-vacants.schema.json``)."""
    response = HttpResponse(opendata_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="locaux-vacants.csv"'
    return response


@require_GET
@permission_required("premises.offer_view")
def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offer = selectors.offer_get(user=request.user, pk=pk)
    if offer is None:
        raise Http404
    can_manage = user_can(request.user, "premises.offer_manage", offer)
    moves = [t for t in TRANSITIONS.values() if t.source == offer.state] if can_manage else []
    projects = selectors_interest.holder_projects(user=request.user)
    interest_form = (
        InterestForm(projects=projects)
        if projects and offer.state == PremisesState.PUBLISHED
        else None
    )
    return render(
        request,
        "premises/offer_detail.html",
        {
            "offer": offer,
            "photos": offer.photos.all(),
            "interest_form": interest_form,
            "holder_without_project": not projects
            and offer.state == PremisesState.PUBLISHED
            and user_can(request.user, "premises.interest_express"),
            "my_interests": selectors_interest.holder_interests(user=request.user, offer=offer),
            "interests": [
                (row, AcceptForm(auto_id=f"accept{row.interest.pk}_%s"))
                for row in selectors_interest.offer_interests(user=request.user, offer=offer)
            ],
            "nearby": selectors_interest.offer_nearby_projects(user=request.user, offer=offer),
            "can_decide": offer.state == PremisesState.PUBLISHED,
            "can_manage": can_manage,
            "can_edit": can_manage and offer.state != PremisesState.LET,
            "see_contact": selectors.user_may_see_contact(request.user, offer),
            "moves": moves,
            "logs": offer.logs.select_related("by") if can_manage else [],
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("premises.offer_create")
def offer_create(request: HttpRequest) -> HttpResponse:
    staff = _is_staff(request.user)
    form = OfferForm(request.POST or None, request.FILES or None, staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            offer = services.premises_offer_create(
                values=form.service_values(),
                authority=form.cleaned_data.get("authority"),
                photos=[form.cleaned_data["photo"]] if form.cleaned_data.get("photo") else [],
                by=request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The offer is saved as a draft."))
            return redirect(reverse("premises:offer_detail", args=[offer.pk]))
    return render(request, "premises/offer_form.html", {"form": form, "offer": None})


@require_http_methods(["GET", "POST"])
@permission_required("premises.offer_manage")
def offer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    offer = selectors.offer_managed_get(user=request.user, pk=pk)
    if offer is None:
        raise Http404
    initial = {name: getattr(offer, name) for name in services.EDITABLE_FIELDS}
    form = OfferForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.premises_offer_update(
                offer=offer,
                values=form.service_values(),
                photos=[form.cleaned_data["photo"]] if form.cleaned_data.get("photo") else [],
                by=request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The offer is saved."))
            return redirect(reverse("premises:offer_detail", args=[offer.pk]))
    return render(request, "premises/offer_form.html", {"form": form, "offer": offer})


@require_POST
@permission_required("premises.offer_manage")
def offer_transition(request: HttpRequest, pk: int) -> HttpResponse:
    offer = selectors.offer_managed_get(user=request.user, pk=pk)
    if offer is None:
        raise Http404
    try:
        services.premises_offer_transition(
            offer=offer,
            to=request.POST.get("to", "")[:24],
            reason=request.POST.get("reason", "")[:2000],
            by=request.user,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The status of the offer is changed."))
    return redirect(reverse("premises:offer_detail", args=[offer.pk]))
