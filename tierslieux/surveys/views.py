"""Pages of the yearly survey.

Public: the questionnaire reached through a personal link (no account), and its thank-you page.
Staff (instructors, regional network): the list of years, one year's response rate, results and
non-respondents, the sending of invitations and reminders, answers taken on the phone, and the
CSV export of the answers. Each view parses, validates a form, calls one service or selector,
and renders.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tierslieux.core import clock
from tierslieux.core.pagination import paginate
from tierslieux.core.params import query_id
from tierslieux.core.permissions import permission_required
from tierslieux.core.privacy import no_referrer
from tierslieux.surveys import exports, selectors, services
from tierslieux.surveys.forms import ResponseForm, StaffResponseForm, SurveyCreateForm
from tierslieux.surveys.models import Survey

MANAGE = selectors.MANAGE_ACTION


def _survey(request: HttpRequest, pk: int) -> Survey:
    survey = selectors.survey_get(user=request.user, pk=pk)
    if survey is None:
        raise Http404
    return survey


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


# --- the questionnaire (personal link) -----------------------------------------------------


def _link_error(request: HttpRequest, error: ValidationError, *, status: int, invitation=None):
    return render(
        request,
        "surveys/response_unavailable.html",
        {"error": error, "invitation": invitation, "code": error.code},
        status=status,
    )


@never_cache
@no_referrer
@require_http_methods(["GET", "POST"])
def response_create(request: HttpRequest, token: str) -> HttpResponse:
    invitation = selectors.invitation_get_by_token(token)
    if invitation is None:
        return _link_error(request, services.InvalidSurveyLink(), status=404)
    survey = invitation.survey
    today = clock.today()
    if not survey.is_open_on(today):
        error = services.SurveyNotOpen(survey, on=today)
        return _link_error(
            request, error, status=410 if error.code == "closed" else 403, invitation=invitation
        )
    existing = selectors.response_for_invitation(invitation)
    if request.method == "POST":
        form = ResponseForm(request.POST)
        if form.is_valid():
            try:
                services.response_submit(token=token, data=form.cleaned_data)
            except ValidationError as exc:
                if isinstance(exc, services.InvalidSurveyLink | services.SurveyNotOpen):
                    return _link_error(request, exc, status=409, invitation=invitation)
                form.add_error(None, exc)
            else:
                return redirect("surveys:response_thanks", token=token)
    else:
        form = ResponseForm(response=existing)
    return render(
        request,
        "surveys/response_create.html",
        {"form": form, "invitation": invitation, "survey": survey, "existing": existing},
    )


@never_cache
@no_referrer
@require_GET
def response_thanks(request: HttpRequest, token: str) -> HttpResponse:
    invitation = selectors.invitation_get_by_token(token)
    if invitation is None:
        return _link_error(request, services.InvalidSurveyLink(), status=404)
    response = selectors.response_for_invitation(invitation)
    if response is None:
        return redirect("surveys:response_create", token=token)
    return render(
        request,
        "surveys/response_thanks.html",
        {
            "invitation": invitation,
            "survey": invitation.survey,
            "response": response,
            "is_open": invitation.survey.is_open_on(clock.today()),
        },
    )


# --- staff pages ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def survey_list(request: HttpRequest) -> HttpResponse:
    form = SurveyCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(**form.cleaned_data, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The survey %(year)s is created.") % {"year": survey.year})
            return redirect(survey)
    paged = paginate(request, selectors.survey_list(user=request.user))
    return render(
        request,
        "surveys/survey_list.html",
        {
            "rows": paged.page.object_list,
            "page": paged.page,
            "page_query": paged.query,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@require_GET
@permission_required(MANAGE)
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    invited, responded, rate = selectors.response_rate(survey)
    return render(
        request,
        "surveys/survey_detail.html",
        {
            "survey": survey,
            "invited": invited,
            "responded": responded,
            "rate": rate,
            "by_departement": selectors.response_rate_by_departement(survey),
            "results": selectors.survey_results(survey),
            "non_respondents": selectors.non_respondents(survey),
            "is_open": survey.is_open_on(clock.today()),
        },
    )


def _sent_message(request: HttpRequest, report: services.SendReport, *, reminders: bool) -> None:
    count = len(report.sent)
    if reminders:
        text = ngettext("%(count)d reminder sent.", "%(count)d reminders sent.", count)
    else:
        text = ngettext("%(count)d invitation sent.", "%(count)d invitations sent.", count)
    messages.success(request, text % {"count": count})
    if report.without_email:
        names = ", ".join(p.name for p in report.without_email[:20])
        more = len(report.without_email) - 20
        messages.warning(
            request,
            ngettext(
                "%(count)d place has no e-mail address (call it and record its answers): %(names)s",
                "%(count)d places have no e-mail address (call them and record their answers): "
                "%(names)s",
                len(report.without_email),
            )
            % {"count": len(report.without_email), "names": names + (" …" if more > 0 else "")},
        )


@require_POST
@permission_required(MANAGE)
def survey_invitations_send(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    try:
        report = services.survey_invitations_send(
            survey=survey, by=request.user, base_url=_base_url(request)
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        _sent_message(request, report, reminders=False)
    return redirect(survey)


@require_POST
@permission_required(MANAGE)
def survey_reminders_send(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    try:
        report = services.survey_reminders_send(
            survey=survey, by=request.user, base_url=_base_url(request)
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        _sent_message(request, report, reminders=True)
    return redirect(survey)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def survey_response_record(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    places = services.surveyed_places(survey, on=min(clock.today(), survey.closes_on))
    if request.method == "POST":
        form = StaffResponseForm(request.POST, places=places)
        if form.is_valid():
            data = dict(form.cleaned_data)
            place = data.pop("place")
            try:
                services.response_record_by_staff(
                    survey=survey, place=place, data=data, by=request.user
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, _("The answers of %(place)s are recorded.") % {"place": place.name}
                )
                return redirect(survey)
    else:
        place_id = query_id(request.GET, "place")
        initial_place = places.filter(pk=place_id).first() if place_id else None
        response = survey.responses.filter(place=initial_place).first() if initial_place else None
        form = StaffResponseForm(places=places, response=response)
        if initial_place is not None:
            form.initial["place"] = initial_place.pk
    return render(
        request,
        "surveys/survey_response_record.html",
        {"survey": survey, "form": form},
        status=400 if form.errors else 200,
    )


@require_GET
@permission_required(MANAGE)
def survey_export(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    response = HttpResponse(exports.responses_csv(survey), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="panorama-{survey.year}.csv"'
    return response
