"""Pages of the instruction: the applications' list and exports, the instructor's page of one
application (assessments, amount, transitions, opinions, decision). The partners' opinions,
the project reviews and the budget of a call are in ``views_reviews``.

Each view parses the request, validates a form, calls one service (writes) or reads through the
selectors, and renders. Forms that fail keep what the user typed; the parts of the instruction
page that change alone (an assessment, the mesh figures) answer HTMX requests with a fragment.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tierslieux.calls import exports, selectors, services
from tierslieux.calls.forms_instruction import (
    AmountForm,
    ApplicationFilterForm,
    AssessmentForm,
    AssignForm,
    DecisionForm,
    OpinionRequestForm,
    TransitionForm,
    cents,
    euros,
)
from tierslieux.calls.models import Application
from tierslieux.calls.workflow import (
    FINAL_STATES,
    INSTRUCTION_STATES,
    INSTRUCTOR_ACTION,
    ApplicationState,
    transitions_from,
)
from tierslieux.core import clock
from tierslieux.core.money import format_euros
from tierslieux.core.pagination import paginate
from tierslieux.core.permissions import permission_required, user_can

S = ApplicationState


def _money(value: int | None) -> str:
    return "–" if value is None else format_euros(value)


def _with_amounts(lines: list) -> list:
    """Expense or resource lines with their amount formatted for the page."""
    for line in lines:
        line.amount_display = format_euros(line.amount_cents)
    return lines


def _instructor_or_partner(view: Callable) -> Callable:
    """Instructors, national readers and partners (network, local authorities) only;
    anonymous users log in."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (user_can(user, "calls.application_read") or user_can(user, "calls.opinion_give")):
            raise PermissionDenied("calls.application_list")
        return view(request, *args, **kwargs)

    return wrapper


def _application(request: HttpRequest, pk: int) -> Application:
    application = selectors.application_get(user=request.user, pk=pk)
    if application is None:
        raise Http404
    return application


def _instruct_url(application: Application, anchor: str = "") -> str:
    url = reverse("calls:application_instruct", args=[application.pk])
    return f"{url}#{anchor}" if anchor else url


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


# --- the list of applications and its exports --------------------------------------------------


def _filtered_applications(request: HttpRequest) -> tuple[ApplicationFilterForm, Any]:
    form = ApplicationFilterForm(request.GET or None)
    filters = form.filters()
    applications = selectors.application_list(
        user=request.user, call=filters["call"], state=filters["state"]
    )
    applications = form.narrow(
        applications, departement=filters["departement"], mine=filters["mine"], user=request.user
    )
    return form, applications


def _filtered_rows(request: HttpRequest) -> tuple[ApplicationFilterForm, list]:
    form, applications = _filtered_applications(request)
    return form, exports.application_rows(applications, user=request.user, on=clock.today())


@require_GET
@_instructor_or_partner
def application_list(request: HttpRequest) -> HttpResponse:
    form, applications = _filtered_applications(request)
    paged = paginate(request, applications)
    shown = applications.filter(pk__in=[a.pk for a in paged.page.object_list])
    rows = exports.application_rows(shown, user=request.user, on=clock.today())
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("page", None)
    context = {
        "form": form,
        "rows": rows,
        "page": paged.page,
        "page_query": paged.query,
        "query": query.urlencode(),
        "is_instructor": user_can(request.user, "calls.application_instruct"),
        "can_read": user_can(request.user, "calls.application_read"),
    }
    if request.htmx:
        return render(request, "calls/_instruction_application_rows.html", context)
    return render(request, "calls/application_list.html", context)


@require_GET
@permission_required("calls.application_instruct")
def applications_export(request: HttpRequest) -> HttpResponse:
    file_format = request.GET.get("format", "csv")
    if file_format not in ("csv", "xlsx"):
        return HttpResponseBadRequest(_("Unknown format: choose csv or xlsx."))
    _form, rows = _filtered_rows(request)
    stem = f"dossiers-{clock.today():%Y-%m-%d}"
    if file_format == "csv":
        response = HttpResponse(exports.rows_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.rows_xlsx(rows, title=_("Applications")),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{stem}.{file_format}"'
    return response


# --- the instruction page ------------------------------------------------------------------


def _instruct_context(request: HttpRequest, application: Application, **bound: Any) -> dict:
    """Everything the instruction page shows; ``bound`` replaces the default (empty) forms
    with the ones the user just sent, so that nothing typed is lost on an error."""
    user = request.user
    today = clock.today()
    rows = selectors.assessment_list(user=user, application=application)
    bound_assessments = bound.get("assessment_forms", {})
    assessment_forms = [
        bound_assessments.get(r.criterion_id) or AssessmentForm(row=r) for r in rows
    ]
    answers = {a.criterion_id: a.text for a in application.answers.all()}
    for form in assessment_forms:
        form.answer = answers.get(form.row.criterion_id, "")
    instructable = application.state in INSTRUCTION_STATES
    transition_forms = []
    for transition in transitions_from(application.state):
        if transition.action != INSTRUCTOR_ACTION:
            continue
        form = bound.get("transition_forms", {}).get(transition.target)
        transition_forms.append(form or TransitionForm(transition=transition))
    plan = selectors.financing_plan(application)
    decision = getattr(application, "decision", None) if application.state in FINAL_STATES else None
    budget = selectors.budget_summary(application.call)
    opinions = list(selectors.opinion_list(user=user, application=application))
    for opinion in opinions:
        opinion.overdue = opinion.is_overdue(today)
    return {
        "application": application,
        "criteria_answers": [(c, answers.get(c.pk, "")) for c in application.call.criteria.all()],
        "expenses": _with_amounts(list(application.expenses.all())),
        "resources": _with_amounts(list(application.resources.all())),
        "plan": plan,
        "money": {
            "expenses": _money(plan.expenses_cents),
            "resources": _money(plan.resources_cents),
            "difference": _money(plan.difference_cents),
            "requested": _money(selectors.region_requested_cents(application)),
            "eligible": _money(selectors.eligible_expenses_cents(application)),
            "suggested": _money(application.suggested_cents),
            "proposed": _money(application.proposed_cents),
            "envelope": _money(budget.envelope_cents),
            "committed": _money(budget.committed_cents),
            "remaining": _money(budget.remaining_cents),
            "granted": _money(decision.granted_cents) if decision else "",
        },
        "attachments": list(application.attachments.all()),
        "eligibility": selectors.application_eligibility(application, on=today),
        "missing": selectors.application_missing(application),
        "timeline": selectors.application_timeline(application),
        "instructors": list(application.instructors.all()),
        "assigned_to_me": application.instructors.filter(pk=user.pk).exists(),
        "assign_form": bound.get("assign_form") or AssignForm(),
        "assessment_forms": assessment_forms,
        "score": selectors.application_score(rows),
        "instructable": instructable,
        "is_final": application.state in FINAL_STATES,
        "amount_form": bound.get("amount_form")
        or AmountForm(
            initial={
                "profile": application.vulnerability_profile,
                "proposed": euros(application.proposed_cents),
                "reason": application.amount_override_reason,
            }
        ),
        "transition_forms": transition_forms,
        "transition_errors": bound.get("transition_errors", []),
        "opinions": opinions,
        "opinions_received": sum(1 for o in opinions if o.is_received),
        "opinions_overdue": sum(1 for o in opinions if o.overdue),
        "opinion_form": bound.get("opinion_form") or OpinionRequestForm(),
        "can_decide": application.state == S.PROPOSED
        and user_can(user, "calls.application_decide", application),
        "decision": decision,
        "decision_form": bound.get("decision_form")
        or DecisionForm(
            initial={"granted": euros(application.proposed_cents), "committee_on": today}
        ),
    }


def _render_instruct(request: HttpRequest, application: Application, **bound: Any):
    context = _instruct_context(request, application, **bound)
    return render(request, "calls/application_instruct.html", context)


@require_GET
@permission_required("calls.application_instruct")
def application_instruct(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_instruct(request, _application(request, pk))


@require_POST
@permission_required("calls.application_instruct")
def application_assess(request: HttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    application = _application(request, pk)
    rows = selectors.assessment_list(user=request.user, application=application)
    row = next((r for r in rows if r.criterion_id == criterion_pk), None)
    if row is None:
        raise Http404
    form = AssessmentForm(request.POST, row=row)
    saved = False
    if form.is_valid():
        try:
            services.assessment_save(
                application=application,
                criterion=application.call.criteria.get(pk=criterion_pk),
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
                version=form.cleaned_data["version"],
                by=request.user,
            )
            saved = True
        except services.AssessmentConflict as exc:
            # Keep what this user typed, show the other instructor's values, and let a new
            # save start from the version now stored (a deliberate, informed overwrite).
            data = request.POST.copy()
            data[form.add_prefix("version")] = str(exc.current.version)
            form = AssessmentForm(data, row=row)
            form.is_valid()
            form.conflict = exc.current
            form.add_error(
                None,
                _(
                    "%(who)s saved this criterion while you were editing it: their values are "
                    "shown below, yours are kept in the form. Save again to replace theirs."
                )
                % {"who": exc.current.updated_by or _("Another instructor")},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
    if saved:
        rows = selectors.assessment_list(user=request.user, application=application)
        row = next(r for r in rows if r.criterion_id == criterion_pk)
        if not request.htmx:
            messages.success(request, _("Assessment saved."))
            return redirect(_instruct_url(application, f"criterion-{criterion_pk}"))
        form = AssessmentForm(row=row)
        form.saved = True
    if request.htmx:
        form.answer = (
            application.answers.filter(criterion_id=criterion_pk).values_list("text", flat=True)
        ).first() or ""
        return render(
            request,
            "calls/_instruction_assessment.html",
            {
                "application": application,
                "form": form,
                "instructable": True,
                "score": selectors.application_score(rows),
                "score_oob": True,
            },
        )
    return _render_instruct(request, application, assessment_forms={criterion_pk: form})


@require_POST
@permission_required("calls.application_instruct")
def application_assign(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    form = AssignForm(request.POST)
    if form.is_valid():
        try:
            services.application_assign(
                application=application, instructor=form.cleaned_data["instructor"], by=request.user
            )
            messages.success(request, _("The application is assigned."))
            return redirect(_instruct_url(application, "assignment"))
        except ValidationError as exc:
            form.add_error("instructor", exc)
    return _render_instruct(request, application, assign_form=form)


@require_POST
@permission_required("calls.application_instruct")
def application_unassign(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    instructor = application.instructors.filter(pk=request.POST.get("instructor") or 0).first()
    if instructor is None:
        raise Http404
    services.application_unassign(application=application, instructor=instructor, by=request.user)
    messages.success(request, _("The assignment is removed."))
    return redirect(_instruct_url(application, "assignment"))


@require_POST
@permission_required("calls.application_instruct")
def application_amount(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    form = AmountForm(request.POST)
    if form.is_valid():
        try:
            services.application_amount_set(
                application=application,
                profile=form.cleaned_data["profile"],
                proposed_cents=cents(form.cleaned_data["proposed"]),
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
            messages.success(request, _("The amount is saved."))
            return redirect(_instruct_url(application, "amount"))
        except ValidationError as exc:
            if getattr(exc, "code", "") == "override_reason":
                form.add_error("reason", exc)
            else:
                form.add_error(None, exc)
    application.refresh_from_db()
    return _render_instruct(request, application, amount_form=form)


@require_POST
@permission_required("calls.application_instruct")
def application_transition(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    target = request.POST.get("to", "")
    if target not in S.values:
        return HttpResponseBadRequest(_("Unknown status."))
    transition = next((t for t in transitions_from(application.state) if t.target == target), None)
    form = TransitionForm(request.POST, transition=transition, prefix=f"to-{target}")
    errors: list[str] = []
    if form.is_valid():
        try:
            services.application_transition(
                application=application,
                to=target,
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
            messages.success(
                request,
                _("The application is now “%(state)s”.") % {"state": S(target).label},
            )
            return redirect(_instruct_url(application))
        except PermissionDenied:
            errors.append(_("You may not make this change."))
        except ValidationError as exc:
            if getattr(exc, "code", "") == "reason_required" and transition is not None:
                form.add_error("reason", exc)
            else:
                errors.extend(_errors(exc))
    application.refresh_from_db()
    if transition is None or transition.source != application.state:
        return _render_instruct(request, application, transition_errors=errors)
    return _render_instruct(
        request, application, transition_forms={target: form}, transition_errors=errors
    )


@require_POST
@permission_required("calls.application_instruct")
def application_mesh_compute(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    services.application_mesh_compute(application=application, by=request.user)
    if request.htmx:
        return render(
            request,
            "calls/_instruction_mesh.html",
            {"application": application, "recomputed": True},
        )
    messages.success(request, _("The mesh figures are recomputed."))
    return redirect(_instruct_url(application, "mesh"))


@require_POST
@permission_required("calls.application_instruct")
def opinion_request(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    form = OpinionRequestForm(request.POST)
    if form.is_valid():
        try:
            services.opinion_request(
                application=application,
                organisation=form.cleaned_data["organisation"],
                partner_kind=form.cleaned_data["partner_kind"],
                due_on=form.cleaned_data["due_on"],
                question=form.cleaned_data["question"],
                by=request.user,
            )
            messages.success(request, _("The opinion is requested from the partner."))
            return redirect(_instruct_url(application, "opinions"))
        except ValidationError as exc:
            form.add_error(None, exc)
    return _render_instruct(request, application, opinion_form=form)


@require_POST
@permission_required("calls.application_decide")
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.application_decide(
                application=application,
                accepted=data["outcome"] == "accepted",
                committee_on=data["committee_on"],
                granted_cents=cents(data["granted"]),
                reference=data["reference"],
                reason=data["reason"],
                by=request.user,
            )
            messages.success(request, _("The committee's decision is recorded."))
            return redirect(_instruct_url(application))
        except ValidationError as exc:
            form.add_error(None, exc)
    application.refresh_from_db()
    return _render_instruct(request, application, decision_form=form)
