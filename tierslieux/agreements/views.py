"""Pages of the agreements (conventions): the list with the accepted applications waiting for
theirs, a new agreement from an accepted application, the agreement's page (state, meetings,
payments, indicators, history) and the record of a meeting.

Views parse the request, validate a form, call one service (writes) or selector (reads) and
render. Instructors act; holders read their own agreements; anyone else gets 403 or 404. A form
that fails keeps what was typed and shows the service's message.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tierslieux.agreements import selectors, services
from tierslieux.agreements.forms import (
    AgreementFilterForm,
    AgreementForm,
    IndicatorFormSet,
    IndicatorValueForm,
    MilestoneRecordForm,
    PayForm,
    ReasonForm,
    RescheduleForm,
    SignForm,
    TrancheFormSet,
    cents,
    default_period,
    default_tranche_initial,
    euros,
)
from tierslieux.agreements.models import (
    MILESTONE_ORDER,
    Agreement,
    AgreementEvent,
    IndicatorKind,
    Milestone,
    MilestoneDecision,
    MilestoneKind,
    PaymentTranche,
    TrancheState,
)
from tierslieux.agreements.rules import TrancheSpec
from tierslieux.agreements.workflow import TRANSITIONS, AgreementState
from tierslieux.core import clock
from tierslieux.core.money import format_euros
from tierslieux.core.permissions import permission_required, user_can

VIEW = "agreements.agreement_view"
MANAGE = "agreements.agreement_manage"
DOCUMENT_URLS = {
    "docx": "agreements:agreement_docx",
    "pdf": "agreements:agreement_pdf",
}


def _money(value: int | None) -> str:
    return "–" if value is None else format_euros(value)


def _agreement(request: HttpRequest, pk: int) -> Agreement:
    agreement = selectors.agreement_get(user=request.user, pk=pk)
    if agreement is None:
        raise Http404
    return agreement


LIST_PAGE_SIZE = 50


def _detail_url(agreement: Agreement, anchor: str = "") -> str:
    url = reverse("agreements:agreement_detail", args=[agreement.pk])
    return f"{url}#{anchor}" if anchor else url


def _document_url(name: str, pk: int) -> str:
    """The URL of a generated document (convention, minutes template)."""
    return reverse(name, args=[pk])


# --- the list --------------------------------------------------------------------------------


@require_GET
@permission_required(VIEW)
def agreement_list(request: HttpRequest) -> HttpResponse:
    form = AgreementFilterForm(request.GET or None)
    filters = form.filters()
    agreements = selectors.agreement_rows(
        user=request.user,
        state=filters["state"],
        call=filters["call"],
        departement=filters["departement"],
    )
    page = Paginator(agreements, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    for agreement in page:
        agreement.amount_display = _money(agreement.amount_cents)
        agreement.paid_display = _money(agreement.paid_cents)
    query = request.GET.copy()
    query.pop("page", None)
    awaiting = list(selectors.applications_awaiting_agreement(user=request.user))
    for application in awaiting:
        application.granted_display = _money(application.decision.granted_cents)
    return render(
        request,
        "agreements/agreement_list.html",
        {
            "form": form,
            "agreements": page,
            "page": page,
            "query": query.urlencode(),
            "awaiting": awaiting,
            "can_manage": user_can(request.user, MANAGE),
            "can_see_reminders": user_can(request.user, "agreements.reminders_view"),
            "can_see_premises": user_can(request.user, "agreements.premises_view"),
            "can_see_journal": user_can(request.user, "agreements.journal_view"),
        },
    )


# --- a new agreement -------------------------------------------------------------------------


def _indicator_inputs(formset) -> list[services.IndicatorInput]:
    return [
        services.IndicatorInput(
            kind=row["kind"],
            label=row["label"],
            unit=row.get("unit", ""),
            baseline=row["baseline"],
            target=row["target"],
        )
        for row in formset.rows()
    ]


def _schedule(formset) -> list[TrancheSpec]:
    return [
        TrancheSpec(
            label=row["label"],
            amount_cents=cents(row["amount"]),
            depends_on=row.get("depends_on", ""),
            condition=row.get("condition", ""),
        )
        for row in formset.rows()
    ]


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def agreement_create(request: HttpRequest, application_pk: int) -> HttpResponse:
    application = selectors.application_for_agreement(user=request.user, pk=application_pk)
    if application is None:
        raise Http404
    granted = application.decision.granted_cents
    if request.method == "POST":
        form = AgreementForm(request.POST)
        indicators = IndicatorFormSet(request.POST, prefix="indicators")
        tranches = TrancheFormSet(request.POST, prefix="tranches")
        if form.is_valid() and indicators.is_valid() and tranches.is_valid():
            data = form.cleaned_data
            try:
                agreement = services.agreement_create_from_application(
                    application=application,
                    by=request.user,
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    schedule=_schedule(tranches),
                    parties=data["parties"],
                    object=data["object"],
                    indicators=_indicator_inputs(indicators),
                    reference=data["reference"],
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("The agreement is drafted with its three meetings."))
                return redirect(_detail_url(agreement))
    else:
        starts_on, ends_on = default_period(application)
        form = AgreementForm(
            initial={
                "reference": application.decision.reference,
                "parties": _("The Région Nouvelle-Aquitaine and %(holder)s")
                % {"holder": application.organisation.name},
                "object": application.title,
                "starts_on": starts_on,
                "ends_on": ends_on,
            }
        )
        indicators = IndicatorFormSet(prefix="indicators")
        tranches = TrancheFormSet(prefix="tranches", initial=default_tranche_initial(granted))
    return render(
        request,
        "agreements/agreement_create.html",
        {
            "application": application,
            "granted_display": _money(granted),
            "form": form,
            "indicators": indicators,
            "tranches": tranches,
        },
    )


# --- the agreement's page --------------------------------------------------------------------


def _log_rows(agreement: Agreement, user: Any) -> list[dict]:
    """The history with its codes turned into words."""
    words: dict[str, str] = {
        **dict(AgreementState.choices),
        **dict(MilestoneDecision.choices),
        **dict(TrancheState.choices),
    }
    rows = []
    for log in selectors.agreement_log_list(user=user, agreement=agreement):
        if log.event == AgreementEvent.MEETING_RESCHEDULED:
            change = " → ".join(x for x in (log.from_state, log.to_state) if x)
        else:
            change = " → ".join(str(words.get(x, x)) for x in (log.from_state, log.to_state) if x)
        subject = ""
        if log.milestone_id:
            subject = log.milestone.get_kind_display()
        elif log.tranche_id:
            subject = log.tranche.label
        rows.append(
            {
                "at": log.at,
                "event": log.get_event_display(),
                "subject": subject,
                "change": change,
                "amount": _money(log.amount_cents) if log.amount_cents is not None else "",
                "by": (log.by.get_full_name() or log.by.get_username()) if log.by else "",
                "note": log.note,
            }
        )
    return rows


def _value_display(value: Any, indicator: Any) -> str:
    if value is None:
        return "–"
    if indicator.kind == IndicatorKind.QUANTITATIVE and value.value is not None:
        return f"{value.value.normalize():f} {indicator.unit}".strip()
    return value.text


def _indicator_rows(agreement: Agreement) -> list[dict]:
    rows = []
    for row in selectors.indicator_table(agreement):
        ind = row.indicator
        quantitative = ind.kind == IndicatorKind.QUANTITATIVE
        rows.append(
            {
                "indicator": ind,
                "baseline": (
                    f"{ind.baseline_value.normalize():f} {ind.unit}".strip()
                    if quantitative
                    else ind.baseline_text
                ),
                "target": (
                    f"{ind.target_value.normalize():f} {ind.unit}".strip()
                    if quantitative
                    else ind.target_text
                ),
                "values": [_value_display(v, ind) for v in row.values],
            }
        )
    return rows


def _detail_context(request: HttpRequest, agreement: Agreement, **bound: Any) -> dict:
    """Everything the agreement's page shows; ``bound`` replaces a default form with the one
    the user just sent (so that nothing typed is lost) and carries the errors to show."""
    user = request.user
    today = clock.today()
    can_manage = user_can(user, MANAGE, agreement)
    summary = selectors.payment_summary(agreement)
    signed = agreement.state == AgreementState.SIGNED
    milestones = selectors.milestone_actions(user=user, agreement=agreement, on=today)
    for milestone in milestones:
        milestone.reschedule_form = bound.get("reschedule_forms", {}).get(
            milestone.pk
        ) or RescheduleForm(
            prefix=f"ms-{milestone.pk}", initial={"planned_on": milestone.planned_on}
        )
        milestone.minutes_url = _document_url("agreements:milestone_minutes_docx", milestone.pk)
    tranches = list(selectors.tranche_list(user=user, agreement=agreement))
    blockers = selectors.tranche_blockers(agreement, tranches)
    pay_forms = bound.get("pay_forms", {})
    for tranche in tranches:
        tranche.amount_display = _money(tranche.amount_cents)
        tranche.paid_display = (
            _money(tranche.paid_amount_cents) if tranche.state == TrancheState.PAID else ""
        )
        tranche.blocker = blockers.get(tranche.pk, "")
        # The pay form only for the tranche payable now, or one just refused (what was typed
        # is kept and the reason shown next to it).
        tranche.can_pay = (
            can_manage
            and signed
            and tranche.state != TrancheState.PAID
            and (not tranche.blocker or tranche.pk in pay_forms)
        )
        tranche.pay_form = pay_forms.get(tranche.pk) or PayForm(
            prefix=f"tr-{tranche.pk}",
            initial={"paid_on": today, "amount": euros(tranche.amount_cents)},
        )
    transitions = [t for (source, _t), t in TRANSITIONS.items() if source == agreement.state]
    targets = {t.target for t in transitions} if can_manage else set()
    return {
        "agreement": agreement,
        "application": agreement.application,
        "can_manage": can_manage,
        "money": {
            "granted": _money(summary.granted_cents),
            "paid": _money(summary.paid_cents),
            "remaining": _money(summary.remaining_cents),
            "payable": _money(summary.payable_cents),
        },
        "milestones": milestones,
        "tranches": tranches,
        "indicator_rows": _indicator_rows(agreement),
        "meeting_kinds": [MilestoneKind(k).label for k in MILESTONE_ORDER],
        "log_rows": _log_rows(agreement, user),
        "can_sign": AgreementState.SIGNED in targets,
        "can_close": AgreementState.CLOSED in targets,
        "can_terminate": AgreementState.TERMINATED in targets,
        "sign_form": bound.get("sign_form") or SignForm(initial={"signed_on": today}),
        "terminate_form": bound.get("terminate_form") or ReasonForm(prefix="terminate"),
        "transition_errors": bound.get("transition_errors", []),
        "payment_refusal": _payment_refusal(tranches, pay_forms),
        "documents": {
            kind: _document_url(name, agreement.pk) for kind, name in DOCUMENT_URLS.items()
        },
    }


def _payment_refusal(tranches: list[PaymentTranche], pay_forms: dict) -> dict | None:
    """The tranche whose payment was just refused and the reasons, shown at the top of the page
    (the page reloads after a POST: the reason must not sit far below where the eye is)."""
    for tranche in tranches:
        form = pay_forms.get(tranche.pk)
        if form is not None and form.errors:
            errors = list(form.non_field_errors()) + [
                f"{form[name].label}: {error}"
                for name, field_errors in form.errors.items()
                if name != "__all__"
                for error in field_errors
            ]
            return {"tranche": tranche, "errors": errors}
    return None


def _render_detail(request: HttpRequest, agreement: Agreement, **bound: Any) -> HttpResponse:
    return render(
        request, "agreements/agreement_detail.html", _detail_context(request, agreement, **bound)
    )


@require_GET
@permission_required(VIEW)
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _agreement(request, pk))


@require_POST
@permission_required(MANAGE)
def agreement_transition(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    to = request.POST.get("to", "")
    bound: dict[str, Any] = {}
    signed_on = None
    reason = ""
    if to == AgreementState.SIGNED:
        form = SignForm(request.POST)
        bound["sign_form"] = form
        if not form.is_valid():
            return _render_detail(request, agreement, **bound)
        signed_on = form.cleaned_data["signed_on"]
    elif to == AgreementState.TERMINATED:
        form = ReasonForm(request.POST, prefix="terminate")
        bound["terminate_form"] = form
        if not form.is_valid():
            return _render_detail(request, agreement, **bound)
        reason = form.cleaned_data["reason"]
    try:
        services.agreement_transition(
            agreement=agreement, to=to, by=request.user, reason=reason, signed_on=signed_on
        )
    except ValidationError as exc:
        return _render_detail(request, agreement, transition_errors=exc.messages, **bound)
    messages.success(
        request,
        _("The agreement is now “%(state)s”.") % {"state": AgreementState(to).label},
    )
    return redirect(_detail_url(agreement, "state"))


# --- meetings --------------------------------------------------------------------------------


def _milestone(request: HttpRequest, pk: int) -> Milestone:
    milestone = selectors.milestone_get(user=request.user, pk=pk)
    if milestone is None:
        raise Http404
    return milestone


@require_POST
@permission_required(MANAGE)
def milestone_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _milestone(request, pk)
    agreement = milestone.agreement
    form = RescheduleForm(request.POST, prefix=f"ms-{milestone.pk}")
    if form.is_valid():
        try:
            services.milestone_reschedule(
                milestone=milestone,
                planned_on=form.cleaned_data["planned_on"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("The meeting's date is changed."))
            return redirect(_detail_url(agreement, f"meeting-{milestone.kind}"))
    return _render_detail(request, agreement, reschedule_forms={milestone.pk: form})


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def milestone_record(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _milestone(request, pk)
    agreement = milestone.agreement
    indicators = list(agreement.indicators.all())
    existing = {v.indicator_id: v for v in milestone.values.all()}
    if request.method == "POST":
        form = MilestoneRecordForm(request.POST)
        value_forms = [IndicatorValueForm(request.POST, indicator=i) for i in indicators]
        if form.is_valid() and all(f.is_valid() for f in value_forms):
            values = [
                services.ValueInput(
                    indicator=f.indicator,
                    value=f.cleaned_data.get("value"),
                    text=f.cleaned_data.get("text", ""),
                    comment=f.cleaned_data.get("comment", ""),
                )
                for f in value_forms
                if not f.is_empty()
            ]
            data = form.cleaned_data
            try:
                services.milestone_record(
                    milestone=milestone,
                    held_on=data["held_on"],
                    participants=data["participants"],
                    minutes=data["minutes"],
                    indicator_values=values,
                    decision=data["decision"],
                    by=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(
                    request,
                    _("The %(meeting)s is recorded.")
                    % {"meeting": milestone.get_kind_display().lower()},
                )
                return redirect(_detail_url(agreement, f"meeting-{milestone.kind}"))
    else:
        form = MilestoneRecordForm(
            initial={
                "held_on": milestone.held_on or min(milestone.planned_on, clock.today()),
                "participants": milestone.participants,
                "minutes": milestone.minutes,
            }
        )
        value_forms = []
        for indicator in indicators:
            value = existing.get(indicator.pk)
            initial = {}
            if value is not None:
                initial = {
                    "value": "" if value.value is None else f"{value.value.normalize():f}",
                    "text": value.text,
                    "comment": value.comment,
                }
            value_forms.append(IndicatorValueForm(indicator=indicator, initial=initial))
    for value_form in value_forms:
        ind = value_form.indicator
        if ind.kind == IndicatorKind.QUANTITATIVE:
            value_form.baseline = f"{ind.baseline_value.normalize():f} {ind.unit}".strip()
            value_form.target = f"{ind.target_value.normalize():f} {ind.unit}".strip()
        else:
            value_form.baseline, value_form.target = ind.baseline_text, ind.target_text
    return render(
        request,
        "agreements/milestone_record.html",
        {
            "agreement": agreement,
            "milestone": milestone,
            "form": form,
            "value_forms": value_forms,
            "is_final": milestone.kind == MilestoneKind.FINAL,
            "minutes_url": _document_url("agreements:milestone_minutes_docx", milestone.pk),
        },
    )


# --- payments --------------------------------------------------------------------------------


@require_POST
@permission_required(MANAGE)
def tranche_pay(request: HttpRequest, pk: int) -> HttpResponse:
    tranche = selectors.tranche_get(user=request.user, pk=pk)
    if tranche is None:
        raise Http404
    agreement = tranche.agreement
    form = PayForm(request.POST, prefix=f"tr-{tranche.pk}")
    if form.is_valid():
        try:
            services.tranche_pay(
                tranche=tranche,
                paid_on=form.cleaned_data["paid_on"],
                amount_cents=cents(form.cleaned_data["amount"]),
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                _("“%(label)s” is paid: %(amount)s.")
                % {"label": tranche.label, "amount": _money(cents(form.cleaned_data["amount"]))},
            )
            return redirect(_detail_url(agreement, "payments"))
    return _render_detail(request, agreement, pay_forms={tranche.pk: form})
