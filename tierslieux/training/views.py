"""Pages of the training catalogue (under /formations/).

Public: the catalogue, a course, the upcoming sessions by département, a session page with the
registration form, the cancellation page reached by the personal link. Network role: course and
session forms, a session's registrations and attendance. Each view validates a form, calls one
service or selector, and renders.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from tierslieux.core.forms import form_add_service_error
from tierslieux.core.pagination import paginate
from tierslieux.core.params import query_id
from tierslieux.core.permissions import permission_required, user_can
from tierslieux.core.privacy import no_referrer
from tierslieux.core.region_choice import is_multi_region, region_choice_checked
from tierslieux.territory.selectors import departements_of, region_departements
from tierslieux.training import certificates, feeds, mapdata, selectors, services
from tierslieux.training.forms import CourseForm, RegistrationForm, SessionForm
from tierslieux.training.workflow import RegistrationState

MANAGE = services.MANAGE_ACTION
ATTENDANCE = "training.attendance_record"


@require_GET
@permission_required("training.view")
def course_list(request: HttpRequest) -> HttpResponse:
    courses = selectors.course_list(user=request.user)
    return render(
        request,
        "training/course_list.html",
        {"paged": paginate(request, courses), "can_manage": user_can(request.user, MANAGE)},
    )


@require_GET
@permission_required("training.view")
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_get(user=request.user, pk=pk)
    if course is None:
        raise Http404
    sessions = selectors.session_upcoming(user=request.user).filter(course=course)
    return render(
        request,
        "training/course_detail.html",
        {"course": course, "sessions": sessions, "can_manage": user_can(request.user, MANAGE)},
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def course_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    course = None
    if pk is not None:
        course = selectors.course_get(user=request.user, pk=pk)
        if course is None:
            raise Http404
    form = CourseForm(request.POST or None, instance=course)
    if request.method == "POST" and form.is_valid():
        try:
            if course is None:
                course = services.course_create(data=form.data_for_service(), by=request.user)
            else:
                course = services.course_update(
                    course=course, data=form.data_for_service(), by=request.user
                )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("The course is saved."))
            return redirect(course)
    return render(request, "training/course_form.html", {"form": form, "course": course})


@require_GET
@permission_required("training.view")
def session_list(request: HttpRequest) -> HttpResponse:
    region = region_choice_checked(request.GET)[0]  # the switcher shows a bad value's error
    departements = (
        departements_of(regions=region.codes) if is_multi_region() else region_departements()
    )
    code = request.GET.get("departement", "")
    chosen = next((d for d in departements if d.code == code), None)
    place_id = query_id(request.GET, "place")
    sessions = selectors.session_upcoming(
        user=request.user,
        departement=chosen.code if chosen else None,
        place_id=place_id,
        region=region.code,
    )
    return render(
        request,
        "training/session_list.html",
        {
            "paged": paginate(request, sessions),
            "departements": departements,
            "chosen": chosen,
            "place_id": place_id,
            "can_manage": user_can(request.user, MANAGE),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("training.view")
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get(user=request.user, pk=pk)
    if session is None:
        raise Http404
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registration, _raw = services.registration_create(
                session=session, data=form.cleaned_data, by=request.user
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            if registration.state == RegistrationState.WAITLISTED:
                messages.info(
                    request,
                    _("The session is full: you are on the waiting list. An e-mail confirms it."),
                )
            else:
                messages.success(
                    request, _("You are registered. An e-mail confirms it, with a link to cancel.")
                )
            return redirect(session)
    return render(
        request,
        "training/session_detail.html",
        {
            "session": session,
            "form": form,
            "can_manage": user_can(request.user, MANAGE),
            "seats_left": max(session.seats_left, 0),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def session_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    session = None
    if pk is not None:
        session = selectors.session_get(user=request.user, pk=pk)
        if session is None:
            raise Http404
    initial = {}
    course_id = query_id(request.GET, "course")
    if session is None and course_id:
        initial["course"] = course_id
    form = SessionForm(request.POST or None, instance=session, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if session is None:
                session = services.session_create(data=form.cleaned_data, by=request.user)
            else:
                session = services.session_update(
                    session=session, data=form.cleaned_data, by=request.user
                )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("The session is saved."))
            return redirect(session)
    return render(request, "training/session_form.html", {"form": form, "session": session})


@require_http_methods(["GET", "POST"])
@permission_required("training.registration_view")
def session_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get(user=request.user, pk=pk)
    if session is None:
        raise Http404
    if request.method == "POST":
        registration_id = query_id(request.POST, "registration")
        registration = (
            selectors.registration_list(user=request.user, session=session)
            .filter(pk=registration_id)
            .first()
        )
        if registration is None:
            raise Http404
        try:
            services.attendance_record(
                registration=registration,
                attended=request.POST.get("attended") == "1",
                by=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("Attendance recorded for %(name)s.") % {"name": registration.name}
            )
        return redirect("training:session_attendance", pk=session.pk)
    registrations = selectors.registration_list(user=request.user, session=session)
    return render(
        request,
        "training/session_attendance.html",
        {"session": session, "registrations": registrations},
    )


@never_cache
@no_referrer
@require_http_methods(["GET", "POST"])
def registration_cancel(request: HttpRequest, token: str) -> HttpResponse:
    registration = services.registration_get_by_token(token)
    error = None
    if request.method == "POST":
        try:
            registration = services.registration_cancel(token=token, by=request.user)
        except ValidationError as refused:
            error = refused
        else:
            return render(
                request, "training/registration_cancelled.html", {"registration": registration}
            )
    elif registration is None:
        error = services.InvalidCancellationLink(_("This cancellation link is not valid."))
    status = 200 if error is None else (404 if registration is None else 409)
    return render(
        request,
        "training/registration_cancel.html",
        {"registration": registration, "error": error},
        status=status,
    )


@require_GET
@permission_required("training.view")
def session_calendar(request: HttpRequest) -> HttpResponse:
    """The iCalendar feed of upcoming sessions: ``?place=<id>`` or ``?departement=<code>``."""
    place_id = query_id(request.GET, "place")
    code = request.GET.get("departement", "")
    departement = region_departements().filter(code=code[:3]).first()
    if code and departement is None:
        raise Http404
    sessions = selectors.session_upcoming(
        user=request.user,
        departement=departement.code if departement else None,
        place_id=place_id,
    )
    name = _("Training sessions")
    if departement is not None:
        name = _("Training sessions in %(departement)s") % {"departement": departement.name}
    body = feeds.sessions_calendar(sessions, name=name, domain=request.get_host())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="sessions.ics"'
    return response


@require_GET
@permission_required(ATTENDANCE)
def registration_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """The certificate of attendance (PDF) of an attended registration, for the network."""
    registration = selectors.registration_attended_get(user=request.user, pk=pk)
    if registration is None:
        raise Http404
    body = certificates.certificate_pdf(registration)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="attestation-{registration.pk}.pdf"'
    return response


def _chosen_departement(request: HttpRequest):
    code = request.GET.get("departement", "")
    return next((d for d in region_departements() if d.code == code), None)


@require_GET
@permission_required("training.view")
def session_map(request: HttpRequest) -> HttpResponse:
    """The upcoming sessions on a map (by département), with the same list beside it."""
    chosen = _chosen_departement(request)
    sessions = selectors.session_upcoming(
        user=request.user, departement=chosen.code if chosen else None
    )
    outlines = reverse("places:outlines_geojson")
    query = f"?departement={chosen.code}" if chosen else ""
    return render(
        request,
        "training/session_map.html",
        {
            "paged": paginate(request, sessions),
            "departements": region_departements(),
            "chosen": chosen,
            "map": {
                "sessions-url": reverse("training:sessions_geojson") + query,
                "departements-url": f"{outlines}?level=departement",
                "towns-url": reverse("places:towns_json"),
                "tile-url": settings.MAP_TILE_URL,
                "tile-attribution": settings.MAP_TILE_ATTRIBUTION,
            },
        },
    )


@require_GET
@permission_required("training.view")
def sessions_geojson(request: HttpRequest) -> JsonResponse:
    chosen = _chosen_departement(request)
    sessions = selectors.session_upcoming(
        user=request.user, departement=chosen.code if chosen else None
    )
    return JsonResponse(mapdata.sessions_geojson(sessions))


def place_sessions_panel(request: HttpRequest, place) -> str:
    """The upcoming sessions of ``place`` for its page (registered in ``apps.ready``)."""
    sessions = list(selectors.session_upcoming(user=request.user, place_id=place.pk)[:10])
    if not sessions:
        return ""
    return render_to_string(
        "training/_place_sessions.html", {"sessions": sessions, "place": place}, request=request
    )
