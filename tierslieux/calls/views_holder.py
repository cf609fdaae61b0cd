"""Pages of the project holder: register the organisation, start an application, prepare it
(project, answers, financing plan, attachments), follow it (status, history, messages), submit
it and withdraw it.

Who sees what comes from the selectors (an application the user may not see is a 404); what the
user may do comes from ``user_can`` and the services, whose refusals are shown on the page.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tierslieux.calls import rules, selectors, services
from tierslieux.calls.forms_holder import (
    ApplicationCreateForm,
    ApplicationProjectForm,
    AttachmentUploadForm,
    CriterionAnswersForm,
    ExpenseFormSet,
    MessageForm,
    OrganisationRegisterForm,
    ResourceFormSet,
    WithdrawForm,
    expense_initial,
    project_initial,
    resource_initial,
)
from tierslieux.calls.models import Application
from tierslieux.calls.workflow import (
    EDITABLE_STATES,
    ApplicationState,
    transitions_from,
)
from tierslieux.calls.workflow import Actor as Side
from tierslieux.core import clock, money
from tierslieux.core.forms import form_add_service_error
from tierslieux.core.pagination import paginate
from tierslieux.core.permissions import Actor, permission_required, user_can

HOLDER = "calls.application_act_as_holder"


# --- helpers -------------------------------------------------------------------------------


def _next_url(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def _visible_application(request: HttpRequest, pk: int) -> Application:
    """The application if the user may see it (selectors), else 404."""
    application = selectors.application_get(user=request.user, pk=pk)
    if application is None:
        raise Http404
    return application


def _holder_application(request: HttpRequest, pk: int) -> Application:
    """The application if the user may see it (else 404) and act for its organisation (else
    403): what every holder action starts from."""
    application = _visible_application(request, pk)
    if not user_can(request.user, HOLDER, application):
        raise PermissionDenied(HOLDER)
    return application


def _euros(cents: int | None) -> str:
    return "" if cents is None else money.format_euros(cents)


def _plan_context(balance: rules.PlanBalance) -> dict[str, Any]:
    """The running balance of a financing plan, formatted for ``_holder_plan_balance.html``."""
    difference = balance.difference_cents
    return {
        "balance": balance,
        "expenses_total": _euros(balance.expenses_cents),
        "resources_total": _euros(balance.resources_cents),
        "difference": _euros(abs(difference)),
        "short": difference < 0,
        "over": difference > 0,
    }


def _detail_context(request: HttpRequest, application: Application, **extra: Any) -> dict:
    """What the application's page shows; ``extra`` carries bound forms and refusals."""
    is_holder = user_can(request.user, HOLDER, application)
    holder_moves = {t.target for t in transitions_from(application.state) if t.actor == Side.HOLDER}
    editable = application.state in EDITABLE_STATES
    expenses = list(application.expenses.all())
    resources = list(application.resources.all())
    for line in (*expenses, *resources):
        line.amount_display = _euros(line.amount_cents)
    answers = {a.criterion_id: a.text for a in application.answers.all()}
    criteria = [
        {"criterion": c, "answer": answers.get(c.pk, "")} for c in application.call.criteria.all()
    ]
    context = {
        "application": application,
        "call": application.call,
        "is_holder": is_holder,
        "editable": is_holder and editable,
        "can_submit": is_holder and ApplicationState.SUBMITTED in holder_moves,
        "is_resubmission": application.state == ApplicationState.CHANGES_REQUESTED,
        "can_withdraw": is_holder and ApplicationState.WITHDRAWN in holder_moves,
        "can_message": is_holder or user_can(request.user, "calls.application_instruct"),
        "can_instruct": user_can(request.user, "calls.application_instruct", application),
        "missing": selectors.application_missing(application) if editable else [],
        "eligibility": selectors.application_eligibility(application, on=clock.today()),
        "timeline": selectors.application_timeline(application),
        "attachments": list(application.attachments.all()),
        "expenses": expenses,
        "resources": resources,
        "criteria": criteria,
        "suggested": _euros(application.suggested_cents),
        "message_form": MessageForm(),
        "upload_form": AttachmentUploadForm(),
        "withdraw_form": WithdrawForm(),
        **_plan_context(selectors.financing_plan(application)),
    }
    context.update(extra)
    return context


def _render_detail(request: HttpRequest, application: Application, **extra: Any) -> HttpResponse:
    return render(
        request, "calls/application_detail.html", _detail_context(request, application, **extra)
    )


# --- organisation ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("calls.application_create")
def organisation_register(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    if request.user.organisation_id is not None:
        messages.info(
            request,
            _("Your account already belongs to %(organisation)s.")
            % {"organisation": request.user.organisation},
        )
        return redirect(next_url or "calls:application_mine")
    form = OrganisationRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.holder_organisation_register(
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                siret=form.cleaned_data["siret"],
                rna=form.cleaned_data["rna"],
                by=request.user,
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Your organisation %(organisation)s is registered: you can now apply.")
                % {"organisation": organisation},
            )
            return redirect(next_url or "calls:application_mine")
    return render(
        request, "calls/organisation_register.html", {"form": form, "next": next_url or ""}
    )


# --- applications ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("calls.application_create")
def application_create(request: HttpRequest, call_pk: int) -> HttpResponse:
    call = selectors.call_get(pk=call_pk)
    if call is None:
        raise Http404
    if request.user.organisation_id is None:
        messages.info(request, _("Register your organisation (with its SIRET) before applying."))
        register = reverse("calls:organisation_register")
        return redirect(f"{register}?next={request.path}")
    form = ApplicationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_create(
                call=call, title=form.cleaned_data["title"], by=request.user
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Your draft is created. Fill it in at your pace: save it as often as you like."),
            )
            return redirect("calls:application_edit", pk=application.pk)
    return render(
        request,
        "calls/application_create.html",
        {"call": call, "form": form, "is_open": call.is_open_on(clock.today())},
    )


@require_GET
@permission_required(HOLDER)
def application_mine(request: HttpRequest) -> HttpResponse:
    organisation_id = request.user.organisation_id
    applications = selectors.application_list(user=request.user)
    applications = (
        applications.filter(organisation_id=organisation_id)
        if organisation_id
        else applications.none()
    )
    paged = paginate(request, applications)
    return render(
        request,
        "calls/application_mine.html",
        {
            "applications": paged.page.object_list,
            "page": paged.page,
            "page_query": paged.query,
            "has_organisation": organisation_id is not None,
        },
    )


@require_GET
@permission_required("calls.application_view")
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _visible_application(request, pk)
    if not (
        user_can(request.user, HOLDER, application)
        or user_can(request.user, "calls.application_read", application)
    ):
        raise PermissionDenied("calls.application_view")
    return _render_detail(request, application)


def _draft_save(
    *,
    application: Application,
    project: ApplicationProjectForm,
    answers: CriterionAnswersForm,
    expenses: ExpenseFormSet,
    resources: ResourceFormSet,
    by: Actor,
) -> rules.PlanBalance:
    """Save every section of the draft at once (all or nothing)."""
    with transaction.atomic():
        services.application_update(
            application=application,
            by=by,
            title=project.cleaned_data["title"],
            **project.content(),
        )
        for criterion, text in answers.answers():  # a blank answer clears the saved one
            services.application_answer_set(
                application=application, criterion=criterion, text=text, by=by
            )
        return services.financing_plan_set(
            application=application,
            expenses=expenses.lines(),
            resources=resources.lines(),
            by=by,
        )


@require_http_methods(["GET", "POST"])
@permission_required(HOLDER)
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _holder_application(request, pk)
    if application.state not in EDITABLE_STATES:
        messages.info(
            request,
            _("The application can no longer be changed (status: %(state)s).")
            % {"state": application.get_state_display()},
        )
        return redirect("calls:application_detail", pk=application.pk)
    call = application.call
    criteria = list(call.criteria.all())
    data = request.POST if request.method == "POST" else None
    project = ApplicationProjectForm(
        data, call_kind=call.kind, initial=project_initial(application)
    )
    answers = CriterionAnswersForm(
        data,
        criteria=criteria,
        initial={f"answer_{a.criterion_id}": a.text for a in application.answers.all()},
    )
    expenses = ExpenseFormSet(data, prefix="expenses", initial=expense_initial(application))
    resources = ResourceFormSet(data, prefix="resources", initial=resource_initial(application))
    has_errors = False
    if request.method == "POST":
        valid = [f.is_valid() for f in (project, answers, expenses, resources)]
        if all(valid):
            try:
                balance = _draft_save(
                    application=application,
                    project=project,
                    answers=answers,
                    expenses=expenses,
                    resources=resources,
                    by=request.user,
                )
            except ValidationError as exc:
                form_add_service_error(project, exc)
            else:
                messages.success(request, _("Draft saved."))
                if balance.expenses_cents and not balance.is_balanced:
                    messages.warning(
                        request,
                        _(
                            "The financing plan is not balanced yet: expenses %(expenses)s, "
                            "resources %(resources)s. It must balance before you submit."
                        )
                        % {
                            "expenses": _euros(balance.expenses_cents),
                            "resources": _euros(balance.resources_cents),
                        },
                    )
                return redirect(f"{reverse('calls:application_edit', args=[pk])}#plan")
        has_errors = True
        balance = rules.financing_plan_balance(expenses.amounts_cents(), resources.amounts_cents())
    else:
        balance = selectors.financing_plan(application)
    context = {
        "application": application,
        "call": call,
        "project": project,
        "answers": answers,
        "expenses": expenses,
        "resources": resources,
        "has_errors": has_errors,
        **_plan_context(balance),
    }
    return render(request, "calls/application_edit.html", context, status=200)


@require_POST
@permission_required(HOLDER)
def application_plan_balance(request: HttpRequest, pk: int) -> HttpResponse:
    """The running balance of the plan being typed (HTMX), without saving anything."""
    _holder_application(request, pk)
    expenses = ExpenseFormSet(request.POST, prefix="expenses")
    resources = ResourceFormSet(request.POST, prefix="resources")
    balance = rules.financing_plan_balance(expenses.amounts_cents(), resources.amounts_cents())
    return render(request, "calls/_holder_plan_balance.html", _plan_context(balance))


@require_POST
@permission_required(HOLDER)
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _holder_application(request, pk)
    try:
        services.application_submit(application=application, by=request.user)
    except services.ApplicationIncomplete as exc:
        refusal = {"submit_missing": exc.missing}
    except services.ApplicationIneligible as exc:
        refusal = {"submit_reasons": exc.reasons}
    except ValidationError as exc:
        refusal = {"submit_reasons": exc.messages}
    else:
        messages.success(
            request,
            _("Your application is submitted. The Région's team will instruct it."),
        )
        return redirect("calls:application_detail", pk=application.pk)
    # The guard ran in a rolled-back transaction: read the application again.
    application = _visible_application(request, pk)
    return _render_detail(request, application, submit_refused=True, **refusal)


@require_POST
@permission_required(HOLDER)
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = _holder_application(request, pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.application_transition(
                application=application,
                to=ApplicationState.WITHDRAWN,
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, _("Your application is withdrawn."))
            return redirect("calls:application_detail", pk=application.pk)
    application = _visible_application(request, pk)
    return _render_detail(request, application, withdraw_form=form, withdraw_open=True)


@require_POST
@permission_required("calls.application_view")
def application_message_post(request: HttpRequest, pk: int) -> HttpResponse:
    application = _visible_application(request, pk)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.application_message_post(
                application=application, body=form.cleaned_data["body"], by=request.user
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            if request.htmx:
                form = MessageForm()
            else:
                messages.success(request, _("Message sent."))
                return redirect(f"{reverse('calls:application_detail', args=[pk])}#messages")
    if request.htmx:
        return render(
            request,
            "calls/_holder_timeline.html",
            {
                "application": application,
                "timeline": selectors.application_timeline(application),
                "message_form": form,
                "can_message": True,
            },
        )
    return _render_detail(request, application, message_form=form)


# --- attachments ---------------------------------------------------------------------------


@require_POST
@permission_required(HOLDER)
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    application = _holder_application(request, pk)
    form = AttachmentUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = services.attachment_add(
                application=application,
                upload=form.cleaned_data["file"],
                label=form.cleaned_data["label"],
                by=request.user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
        else:
            messages.success(
                request, _("File added: %(name)s.") % {"name": attachment.original_name}
            )
            return redirect(f"{reverse('calls:application_detail', args=[pk])}#attachments")
    return _render_detail(request, application, upload_form=form)


@require_GET
@permission_required("calls.application_view")
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = selectors.attachment_get(user=request.user, pk=pk)
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@permission_required(HOLDER)
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = selectors.attachment_get(user=request.user, pk=pk)
    if attachment is None:
        raise Http404
    application = attachment.application
    try:
        services.attachment_delete(attachment=attachment, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("File removed: %(name)s.") % {"name": attachment.original_name})
    return redirect(f"{reverse('calls:application_detail', args=[application.pk])}#attachments")
