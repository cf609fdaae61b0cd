"""Pages of the partners and the network around the instruction: the opinions asked of a
partner, the project reviews with the regional network and the budget of a call.

Each view parses the request, validates a form, calls one service (writes) or reads through the
selectors, and renders.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tierslieux.calls import selectors, services
from tierslieux.calls.forms_instruction import (
    OpinionGiveForm,
    ReviewCreateForm,
    ReviewItemForm,
)
from tierslieux.calls.models import Call, ProjectReview
from tierslieux.calls.views_instruction import _money, _with_amounts
from tierslieux.calls.workflow import (
    FINAL_STATES,
    ApplicationState,
)
from tierslieux.core import clock
from tierslieux.core.pagination import paginate
from tierslieux.core.permissions import permission_required, user_can

S = ApplicationState


# --- partners: opinions ----------------------------------------------------------------------


@require_GET
@permission_required("calls.opinion_give")
def opinion_list_mine(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    paged = paginate(
        request,
        selectors.opinion_list(user=request.user)
        .filter(organisation_id=request.user.organisation_id)
        .select_related("application__commune", "application__organisation", "application__call")
        .order_by("given_at", "due_on", "pk"),
    )
    opinions = list(paged.page.object_list)
    for opinion in opinions:
        opinion.overdue = opinion.is_overdue(today)
    return render(
        request,
        "calls/opinion_list_mine.html",
        {"opinions": opinions, "page": paged.page, "page_query": paged.query},
    )


@require_http_methods(["GET", "POST"])
def opinion_give(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    opinion = selectors.opinion_list(user=request.user).filter(pk=pk).first()
    if opinion is None or not user_can(request.user, "calls.opinion_give", opinion):
        raise Http404
    form = OpinionGiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.opinion_give(
                opinion=opinion,
                verdict=form.cleaned_data["verdict"],
                text=form.cleaned_data["text"],
                by=request.user,
            )
            messages.success(request, _("Thank you: your opinion is sent to the instruction."))
            return redirect("calls:opinion_list_mine")
        except ValidationError as exc:
            form.add_error(None, exc)
    application = opinion.application
    plan = selectors.financing_plan(application)
    context = {
        "opinion": opinion,
        "overdue": opinion.is_overdue(clock.today()),
        "application": application,
        "criteria_answers": [
            (a.criterion, a.text) for a in application.answers.select_related("criterion")
        ],
        "expenses": _with_amounts(list(application.expenses.all())),
        "resources": _with_amounts(list(application.resources.all())),
        "plan": plan,
        "money": {
            "expenses": _money(plan.expenses_cents),
            "resources": _money(plan.resources_cents),
            "difference": _money(plan.difference_cents),
            "requested": _money(selectors.region_requested_cents(application)),
        },
        "attachments": list(application.attachments.all()),
        "form": form,
    }
    return render(request, "calls/opinion_give.html", context)


# --- project reviews -------------------------------------------------------------------------


@require_GET
@permission_required("calls.review_record_view")
def review_list(request: HttpRequest) -> HttpResponse:
    paged = paginate(
        request, selectors.project_review_list(user=request.user).order_by("-held_on", "-pk")
    )
    return render(
        request,
        "calls/review_list.html",
        {
            "reviews": paged.page.object_list,
            "page": paged.page,
            "page_query": paged.query,
            "can_create": user_can(request.user, "calls.review_manage"),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("calls.review_manage")
def review_create(request: HttpRequest) -> HttpResponse:
    applications = (
        selectors.application_list(user=request.user)
        .exclude(state__in=FINAL_STATES)
        .order_by("call__name", "title")
    )
    form = ReviewCreateForm(
        request.POST or None,
        applications=applications,
        initial={"held_on": clock.today()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            review = services.project_review_create(
                held_on=form.cleaned_data["held_on"],
                call=form.cleaned_data["call"],
                applications=list(form.cleaned_data["applications"]),
                notes=form.cleaned_data["notes"],
                by=request.user,
            )
            messages.success(request, _("The project review is created."))
            return redirect("calls:review_detail", pk=review.pk)
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(request, "calls/review_create.html", {"form": form})


@require_http_methods(["GET", "POST"])
@permission_required("calls.review_record_view")
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        review, items = selectors.project_review_get(user=request.user, pk=pk)
    except ProjectReview.DoesNotExist:
        raise Http404 from None
    forms = {item.pk: ReviewItemForm(item=item) for item in items}
    can_record = user_can(request.user, "calls.review_record", review)
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied("calls.review_record")
        item = next((i for i in items if str(i.pk) == request.POST.get("item")), None)
        if item is None:
            raise Http404
        form = ReviewItemForm(request.POST, item=item)
        if form.is_valid():
            try:
                services.project_review_view_record(
                    item=item,
                    network_view=form.cleaned_data["network_view"],
                    recommendation=form.cleaned_data["recommendation"],
                    by=request.user,
                )
                messages.success(request, _("The network's view is recorded."))
                return redirect(
                    reverse("calls:review_detail", args=[review.pk]) + f"#item-{item.pk}"
                )
            except ValidationError as exc:
                form.add_error(None, exc)
        forms[item.pk] = form
    for item in items:
        item.form = forms[item.pk]
    return render(
        request,
        "calls/review_detail.html",
        {
            "review": review,
            "items": items,
            "is_instructor": user_can(request.user, "calls.application_instruct"),
            "can_read": user_can(request.user, "calls.application_read"),
            "can_record": can_record,
        },
    )


# --- budget ----------------------------------------------------------------------------------


@require_GET
@permission_required("calls.budget_view")
def budget_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(Call, pk=pk)
    if not user_can(request.user, "calls.budget_view", call):
        raise PermissionDenied("calls.budget_view")
    summary = selectors.budget_summary(call)
    year = selectors.budget_by_year(call.year, region_code=call.region_code)

    def figures(s: selectors.BudgetSummary) -> dict:
        share = s.committed_cents / s.envelope_cents if s.envelope_cents else None
        return {
            "envelope": _money(s.envelope_cents),
            "committed": _money(s.committed_cents),
            "remaining": _money(s.remaining_cents),
            "proposed": _money(s.proposed_cents),
            "share": share,
            "committed_cents": s.committed_cents,
            "envelope_cents": s.envelope_cents,
            "over": s.remaining_cents < 0,
        }

    departements = [
        {
            "code": d.code,
            "name": d.name,
            "ceiling": _money(d.ceiling_cents),
            "committed": _money(d.committed_cents),
            "remaining": _money(d.remaining_cents),
        }
        for d in summary.departements
    ]
    context = {
        "call": call,
        "call_figures": figures(summary),
        "year_figures": figures(year),
        "departements": departements,
        "year_calls": selectors.calls_of_year(call.year, region_code=call.region_code),
    }
    return render(request, "calls/budget_detail.html", context)
