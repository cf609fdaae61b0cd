"""Pages of the follow-up around agreements: premises lent by local authorities, the
accompaniment journal of emerging projects and its pipeline, and the instructor's reminders.

Same pattern as ``views``: parse, validate, call one service or selector, render.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tierslieux.agreements import rules, selectors, services
from tierslieux.agreements.forms import (
    JournalEntryForm,
    JournalFilterForm,
    PipelineFilterForm,
    PremisesAgreementForm,
)
from tierslieux.agreements.models import PremisesAgreement, ProjectStage
from tierslieux.core.money import format_euros
from tierslieux.core.pagination import paginate
from tierslieux.core.permissions import permission_required, user_can

REMINDERS_COMMAND = "python manage.py agreements_reminders"


def _premises_figures(premises: PremisesAgreement) -> dict:
    """The figures of a premises agreement as shown on its pages."""
    ratio = premises.rent_ratio_to_market
    renewal_reminder = (
        rules.renewal_reminder_on(premises.renewal_on, premises.renewal_notice_days)
        if premises.renewal_on
        else None
    )
    return {
        "rent": format_euros(premises.yearly_rent_cents),
        "rent_per_m2": format_euros(premises.rent_per_m2_cents),
        "reference_per_m2": (
            format_euros(premises.reference_rent_per_m2_cents)
            if premises.reference_rent_per_m2_cents
            else ""
        ),
        "ratio": ratio,
        "moderate": rules.rent_is_moderate(ratio),
        "works": format_euros(premises.works_supported_cents),
        "ends_on": premises.ends_on,
        "renewal_reminder_on": renewal_reminder,
    }


# --- premises agreements ---------------------------------------------------------------------


@require_GET
@permission_required("agreements.premises_view")
def premises_list(request: HttpRequest) -> HttpResponse:
    paged = paginate(request, selectors.premises_list(user=request.user))
    rows = list(paged.page.object_list)
    for premises in rows:
        premises.figures = _premises_figures(premises)
    return render(
        request,
        "agreements/premises_list.html",
        {
            "rows": rows,
            "page": paged.page,
            "page_query": paged.query,
            "can_manage": user_can(request.user, "agreements.premises_manage"),
            "moderate_max": rules.MODERATE_RENT_MAX_RATIO,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("agreements.premises_manage")
def premises_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = PremisesAgreementForm(request.POST)
        if form.is_valid():
            try:
                premises = services.premises_agreement_create(
                    by=request.user, **form.service_fields()
                )
            except ValidationError as exc:
                if getattr(exc, "code", None) == "works_not_eligible":
                    form.add_error("works_supported", exc.messages)
                else:
                    form.add_error(None, exc.messages)
            else:
                messages.success(request, _("The premises agreement is recorded."))
                return redirect(reverse("agreements:premises_detail", args=[premises.pk]))
    else:
        form = PremisesAgreementForm()
    return render(request, "agreements/premises_create.html", {"form": form})


@require_GET
@permission_required("agreements.premises_view")
def premises_detail(request: HttpRequest, pk: int) -> HttpResponse:
    premises = selectors.premises_get(user=request.user, pk=pk)
    if premises is None:
        raise Http404
    return render(
        request,
        "agreements/premises_detail.html",
        {
            "premises": premises,
            "figures": _premises_figures(premises),
            "moderate_max": rules.MODERATE_RENT_MAX_RATIO,
        },
    )


# --- accompaniment journal and pipeline --------------------------------------------------------


@require_GET
@permission_required("agreements.journal_view")
def journal_list(request: HttpRequest) -> HttpResponse:
    form = JournalFilterForm(request.GET or None)
    filters = form.filters()
    paged = paginate(
        request,
        selectors.journal_list(
            user=request.user, stage=filters["stage"], departement=filters["departement"]
        ),
    )
    return render(
        request,
        "agreements/journal_list.html",
        {
            "form": form,
            "entries": paged.page.object_list,
            "page": paged.page,
            "page_query": paged.query,
            "can_write": user_can(request.user, "agreements.journal_write"),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("agreements.journal_write")
def journal_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = JournalEntryForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            project = {
                "project_label": data["project_label"],
                "place": data["place"],
                "application": data["application"],
                "organisation": data["organisation"],
                "commune": data["commune"],
            }
            try:
                services.journal_entry_create(
                    by=request.user,
                    stage=data["stage"],
                    kind=data["kind"],
                    happened_on=data["happened_on"],
                    notes=data["notes"],
                    referral_to=data["referral_to"],
                    **project,
                )
            except ValidationError as exc:
                field = {"referral": "referral_to", "project": "project_label"}.get(
                    getattr(exc, "code", None) or ""
                )
                form.add_error(field, exc.messages)
            else:
                messages.success(request, _("The journal entry is recorded."))
                return redirect(reverse("agreements:journal_list"))
    else:
        form = JournalEntryForm(user=request.user)
    return render(request, "agreements/journal_create.html", {"form": form})


@require_GET
@permission_required("agreements.pipeline_view")
def pipeline_detail(request: HttpRequest) -> HttpResponse:
    form = PipelineFilterForm(request.GET or None)
    departement = form.cleaned_data["departement"] if form.is_bound and form.is_valid() else ""
    result = selectors.pipeline(user=request.user, departement=departement or None)
    stages = list(ProjectStage.choices)
    matrix = selectors.pipeline_matrix(result)
    return render(
        request,
        "agreements/pipeline_detail.html",
        {
            "form": form,
            "pipeline": result,
            "stages": stages,
            "matrix": matrix,
            "stage_totals": [result.by_stage.get(stage, 0) for stage, _label in stages],
        },
    )


# --- reminders -------------------------------------------------------------------------------


@require_GET
@permission_required("agreements.reminders_view")
def reminder_list(request: HttpRequest) -> HttpResponse:
    reminders = selectors.reminders_for(user=request.user)
    renewals = []
    for premises in reminders.renewals:
        premises.figures = _premises_figures(premises)
        renewals.append(premises)
    return render(
        request,
        "agreements/reminder_list.html",
        {
            "reminders": reminders,
            "renewals": renewals,
            "command": REMINDERS_COMMAND,
            "window_days": selectors.REMINDER_WINDOW_DAYS,
        },
    )
