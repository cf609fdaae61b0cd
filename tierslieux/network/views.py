"""Pages of the partnership programme (Région staff and the network) and of the resources
library (logged-in partners and holders), under /reseau/. Each view validates a form, calls one
service or selector, and renders (ADR 0033)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tierslieux.core.forms import form_add_service_error
from tierslieux.core.pagination import paginate
from tierslieux.core.permissions import permission_required, user_can
from tierslieux.network import selectors, services
from tierslieux.network.forms import (
    ExtensionForm,
    MeetingForm,
    ObjectiveForm,
    ProgrammeForm,
    ReportForm,
    ResourceForm,
    ResourceSearchForm,
)
from tierslieux.network.panels import programme_panels_render

VIEW = "network.programme_view"
MANAGE = services.MANAGE


def _programme(request: HttpRequest, pk: int):
    programme = selectors.programme_get(user=request.user, pk=pk)
    if programme is None:
        raise Http404
    return programme


def _year(programme, year: int) -> int:
    if year not in programme.years():
        raise Http404
    return year


@require_GET
@permission_required(VIEW)
def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = selectors.programme_list(user=request.user)
    return render(
        request,
        "network/programme_list.html",
        {"paged": paginate(request, programmes), "can_manage": user_can(request.user, MANAGE)},
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def programme_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    programme = _programme(request, pk) if pk is not None else None
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        try:
            if programme is None:
                programme = services.programme_create(data=form.cleaned_data, by=request.user)
            else:
                programme = services.programme_update(
                    programme=programme, data=form.cleaned_data, by=request.user
                )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("The programme is saved."))
            return redirect(programme)
    return render(request, "network/programme_form.html", {"form": form, "programme": programme})


@require_GET
@permission_required(VIEW)
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    return render(
        request,
        "network/programme_detail.html",
        {
            "programme": programme,
            "years": selectors.programme_years(programme=programme),
            "panels": programme_panels_render(request, programme),
            "can_manage": user_can(request.user, MANAGE, programme),
            "can_report": user_can(request.user, "network.report_write", programme),
            "can_meet": user_can(request.user, "network.meeting_record", programme),
        },
    )


def _programme_step(request, pk, *, form_class, service, done, title) -> HttpResponse:
    """A step on a programme (an extension, a yearly objective): the form, the service, back."""
    programme = _programme(request, pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(programme=programme, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, done)
            return redirect(programme)
    return render(
        request,
        "network/programme_step_form.html",
        {"form": form, "programme": programme, "title": title},
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def programme_extend(request: HttpRequest, pk: int) -> HttpResponse:
    return _programme_step(
        request,
        pk,
        form_class=ExtensionForm,
        service=services.programme_extend,
        done=_("The programme is extended."),
        title=_("Extend the programme"),
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def objective_set(request: HttpRequest, pk: int) -> HttpResponse:
    return _programme_step(
        request,
        pk,
        form_class=ObjectiveForm,
        service=services.objective_set,
        done=_("The objective is saved."),
        title=_("Set a yearly objective"),
    )


@require_http_methods(["GET", "POST"])
@permission_required("network.report_write")
def report_edit(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    programme = _programme(request, pk)
    _year(programme, year)
    objectives = list(programme.objectives.filter(year=year).order_by("kind"))
    report = programme.reports.filter(year=year).first()
    initial = {"narrative": report.narrative} if report else None
    form = ReportForm(request.POST or None, initial=initial, objectives=objectives)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_submit(
                programme=programme,
                year=year,
                narrative=form.cleaned_data["narrative"],
                declared=form.declared(),
                by=request.user,
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("The yearly report is saved."))
            return redirect(programme)
    return render(
        request,
        "network/programme_step_form.html",
        {
            "form": form,
            "programme": programme,
            "title": _("Yearly report %(year)s") % {"year": year},
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("network.meeting_record")
def meeting_edit(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    programme = _programme(request, pk)
    _year(programme, year)
    meeting = programme.meetings.filter(year=year).first()
    initial = {"held_on": meeting.held_on, "minutes": meeting.minutes} if meeting else None
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_record(
                programme=programme, year=year, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("The steering meeting is recorded."))
            return redirect(programme)
    return render(
        request,
        "network/programme_step_form.html",
        {
            "form": form,
            "programme": programme,
            "title": _("Steering meeting %(year)s") % {"year": year},
        },
    )


# --- resources -------------------------------------------------------------------------------


@require_GET
@permission_required("network.resource_view")
def resource_list(request: HttpRequest) -> HttpResponse:
    form = ResourceSearchForm(request.GET or None)
    q, kind = "", ""
    if form.is_bound and form.is_valid():
        q, kind = form.cleaned_data["q"], form.cleaned_data["kind"]
    resources = selectors.resource_list(user=request.user, q=q, kind=kind)
    return render(
        request,
        "network/resource_list.html",
        {
            "form": form,
            "paged": paginate(request, resources),
            "can_manage": user_can(request.user, "network.resource_manage"),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("network.resource_manage")
def resource_create(request: HttpRequest) -> HttpResponse:
    form = ResourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file")
        try:
            services.resource_create(data=data, upload=upload, by=request.user)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("The resource is shared."))
            return redirect("network:resource_list")
    return render(request, "network/resource_form.html", {"form": form})


@require_GET
@permission_required("network.resource_view")
def resource_file(request: HttpRequest, pk: int) -> FileResponse:
    resource = selectors.resource_get(user=request.user, pk=pk)
    if resource is None or not resource.file:
        raise Http404
    try:
        handle = resource.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=resource.file_name,
        content_type=resource.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@permission_required("network.resource_manage")
def resource_delete(request: HttpRequest, pk: int) -> HttpResponse:
    resource = selectors.resource_get(user=request.user, pk=pk)
    if resource is None:
        raise Http404
    services.resource_delete(resource=resource, by=request.user)
    messages.success(request, _("The resource is deleted."))
    return redirect("network:resource_list")
