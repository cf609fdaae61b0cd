"""Pages of the facilitator training cohorts (under /formations/promotions/): the network
manages cohorts, modules, trainees and certifications; the Région reads them (ADR 0033)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tierslieux.core.forms import form_add_service_error
from tierslieux.core.pagination import paginate
from tierslieux.core.permissions import permission_required, user_can
from tierslieux.training import selectors, services_cohorts
from tierslieux.training.forms import CohortForm, ModuleForm, TraineeForm, TraineeProgressForm
from tierslieux.training.models import Trainee

VIEW = "training.cohort_view"
MANAGE = services_cohorts.COHORT_ACTION


def _cohort(request: HttpRequest, pk: int):
    cohort = selectors.cohort_get(user=request.user, pk=pk)
    if cohort is None:
        raise Http404
    return cohort


@require_GET
@permission_required(VIEW)
def cohort_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "training/cohort_list.html",
        {
            "paged": paginate(request, selectors.cohort_list(user=request.user)),
            "can_manage": user_can(request.user, MANAGE),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def cohort_create(request: HttpRequest) -> HttpResponse:
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services_cohorts.cohort_create(data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("The cohort is saved."))
            return redirect(cohort)
    return render(request, "training/cohort_form.html", {"form": form})


@require_GET
@permission_required(VIEW)
def cohort_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort(request, pk)
    return _detail(request, cohort, TraineeForm(), ModuleForm())


def _detail(request, cohort, trainee_form, module_form, status=200) -> HttpResponse:
    modules = list(cohort.course.modules.order_by("position", "pk"))
    return render(
        request,
        "training/cohort_detail.html",
        {
            "cohort": cohort,
            "modules": modules,
            "trainees": selectors.trainee_list(user=request.user, cohort=cohort),
            "can_manage": user_can(request.user, MANAGE, cohort),
            "trainee_form": trainee_form,
            "module_form": module_form,
        },
        status=status,
    )


@require_POST
@permission_required(MANAGE)
def trainee_add(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort(request, pk)
    form = TraineeForm(request.POST)
    if form.is_valid():
        try:
            services_cohorts.trainee_add(cohort=cohort, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("The trainee is added."))
            return redirect(cohort)
    return _detail(request, cohort, form, ModuleForm(), status=400)


@require_POST
@permission_required(MANAGE)
def module_add(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort(request, pk)
    form = ModuleForm(request.POST)
    if form.is_valid():
        try:
            services_cohorts.module_create(
                course=cohort.course, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("The module is added to the course."))
            return redirect(cohort)
    return _detail(request, cohort, TraineeForm(), form, status=400)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def trainee_progress(request: HttpRequest, pk: int) -> HttpResponse:
    trainee = Trainee.objects.select_related("cohort__course").filter(pk=pk).first()
    if trainee is None or selectors.cohort_get(user=request.user, pk=trainee.cohort_id) is None:
        raise Http404
    course = trainee.cohort.course
    initial = {
        "modules": list(trainee.modules_completed.all()),
        "certified_on": trainee.certified_on,
    }
    form = TraineeProgressForm(request.POST or None, initial=initial, course=course)
    if request.method == "POST" and form.is_valid():
        try:
            services_cohorts.trainee_progress(
                trainee=trainee,
                modules=form.cleaned_data["modules"],
                certified_on=form.cleaned_data["certified_on"],
                by=request.user,
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("The trainee's progress is saved."))
            return redirect(trainee.cohort)
    return render(request, "training/trainee_progress.html", {"form": form, "trainee": trainee})
