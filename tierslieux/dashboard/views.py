"""The dashboard page, the yearly report's generation and its downloads."""

from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_POST

from tierslieux.core.models import TaskProgress
from tierslieux.core.params import query_id
from tierslieux.core.permissions import (
    REGIONAL_ROLES,
    has_role,
    permission_required,
    user_can,
    user_region_codes,
)
from tierslieux.core.selectors import task_progress_get
from tierslieux.core.tasks import TaskLimitReached, task_enqueue, task_progress_checked
from tierslieux.dashboard import tasks
from tierslieux.dashboard.forms import DashboardFilterForm, Filters, ReportForm
from tierslieux.dashboard.report import dashboard_content_cached
from tierslieux.dashboard.selectors import national_comparison, records_region, territory_choices

FORMATS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _report_progress(request: HttpRequest, pk: int) -> TaskProgress:
    """The requester's own report ``pk`` (404 for anyone else, or another kind of task)."""
    rows = task_progress_get(user=request.user, pk=pk).filter(label=tasks.REPORT_LABEL)
    return task_progress_checked(get_object_or_404(rows))


def _own_region(user: Any) -> str | None:
    """The region a regional staff member's dashboard shows by default (``None``: all, for
    the public, holders, national readers and superusers)."""
    if not has_role(user, *REGIONAL_ROLES):
        return None
    codes = user_region_codes(user)
    return next(iter(codes)) if codes and len(codes) == 1 else None


def _territory_name(departement: str | None) -> str:
    return dict(territory_choices()).get(departement or "", departement or "")


def _page(
    request: HttpRequest,
    form: DashboardFilterForm,
    filters: Filters,
    *,
    report_errors: list[str] | None = None,
    progress: TaskProgress | None = None,
    status: int = 200,
) -> HttpResponse:
    with records_region(filters.region):
        content = dashboard_content_cached(
            year=filters.year,
            departement=filters.departement,
            since=filters.since,
            include_demo=filters.include_demo,
        )
    can_generate = user_can(request.user, "dashboard.report_generate")
    toggled = {**filters.query(), "demo": "0" if filters.include_demo else "1"}
    context: dict[str, Any] = {
        "form": form,
        "filters": filters,
        "content": content,
        "can_generate": can_generate,
        "report_filters": filters,
        "report_where": content.territory_name,
        "report_errors": report_errors,
        "progress": progress,
        "demo_toggle_url": reverse("dashboard:dashboard_detail") + "?" + urlencode(toggled),
        "mesh_url": reverse("territory:territory_detail"),
        "national": national_comparison(),
        "national_url": reverse("territory:territory_detail") + "?region=all",
    }
    template = (
        "dashboard/_dashboard_body.html"
        if request.htmx and not request.htmx.boosted
        else "dashboard/dashboard_detail.html"
    )
    return render(request, template, context, status=status)


@require_GET
@permission_required("dashboard.view")
def dashboard_detail(request: HttpRequest) -> HttpResponse:
    """The policy's key figures, charts and tables for a year and a territory."""
    form = DashboardFilterForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    filters = form.filters(default_region=_own_region(request.user))
    progress = None
    report = query_id(request.GET, "report")
    if report is not None and user_can(request.user, "dashboard.report_generate"):
        progress = _report_progress(request, report)
    return _page(request, form, filters, progress=progress, status=200 if valid else 400)


@require_POST
@permission_required("dashboard.report_generate")
def report_generate(request: HttpRequest) -> HttpResponse:
    """Start the yearly report in the background; the page then polls ``report_status``."""
    form = ReportForm(request.POST)
    valid = form.is_valid()
    filters = form.filters(default_region=_own_region(request.user))
    context = {
        "report_filters": filters,
        "report_where": _territory_name(filters.departement),
        "progress": None,
    }
    status = 400
    errors = [
        f"{form.fields[f].label} : {e}" if f in form.fields else str(e)
        for f, es in form.errors.items()
        for e in es
    ]
    progress = None
    if valid:
        try:
            progress = task_enqueue(
                tasks.report_generate,
                label=tasks.REPORT_LABEL,
                by=request.user,
                year=filters.year,
                departement=filters.departement,
                since=filters.since,
                include_demo=filters.include_demo,
                language=get_language() or settings.LANGUAGE_CODE,
                **({"region": filters.region} if filters.region else {}),
            )
        except TaskLimitReached as refused:
            errors, status = [str(refused)], 429
    if progress is None:
        if request.htmx:
            context["report_errors"] = errors
            return render(request, "dashboard/_report.html", context, status=status)
        return _page(request, DashboardFilterForm(), filters, report_errors=errors, status=status)
    if request.htmx:
        context["progress"] = progress
        return render(request, "dashboard/_report.html", context)
    query = urlencode({**filters.query(), "report": progress.pk})
    return redirect(reverse("dashboard:dashboard_detail") + f"?{query}#report")


@require_GET
@permission_required("dashboard.report_generate")
def report_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The report's progress, then its download links (an HTMX fragment polled every second)."""
    progress = _report_progress(request, pk)
    return render(request, "dashboard/_report_status.html", {"progress": progress})


def _download(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    progress = _report_progress(request, pk)
    result = progress.result or {}
    if progress.state != "succeeded" or not result.get(fmt):
        raise Http404("report not ready")
    name = result[fmt]
    path = tasks.report_folder(progress.pk) / name
    if "/" in name or not path.is_file():
        raise Http404("report file missing")
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=name, content_type=FORMATS[fmt]
    )


@require_GET
@permission_required("dashboard.report_generate")
def report_pdf(request: HttpRequest, pk: int) -> FileResponse:
    """The PDF of the requester's finished report."""
    return _download(request, pk, "pdf")


@require_GET
@permission_required("dashboard.report_generate")
def report_xlsx(request: HttpRequest, pk: int) -> FileResponse:
    """The XLSX of the requester's finished report."""
    return _download(request, pk, "xlsx")
