"""Pages of the directory: list, detail, proposals and their review, import upload."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tierslieux.core.models import TaskProgress
from tierslieux.core.pagination import paginate
from tierslieux.core.params import query_id
from tierslieux.core.permissions import permission_required
from tierslieux.core.region_choice import region_changed
from tierslieux.core.selectors import task_progress_get
from tierslieux.core.tasks import TaskLimitReached, task_enqueue, task_progress_checked
from tierslieux.places import selectors, services, tasks
from tierslieux.places.forms import (
    PlaceFilterForm,
    PlaceImportForm,
    PlaceProposalForm,
    ProposalReviewForm,
)
from tierslieux.places.models import PlaceProposal, ProposalState
from tierslieux.places.panels import place_panels_render
from tierslieux.places.views_map import MAP_DATA_ATTRIBUTION_SHORT
from tierslieux.territory.selectors import departements_near

PAGE_SIZE = 20


def place_list(request: HttpRequest) -> HttpResponse:
    if request.htmx and region_changed(query=request.GET, current_url=request.htmx.current_url):
        response = HttpResponse(status=204)  # the region select changed: reload the page
        response["HX-Redirect"] = request.get_full_path()
        return response
    form = PlaceFilterForm(request.GET or None)
    places = selectors.place_list(user=request.user, filters=form.filters())
    page = Paginator(places, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    template = "places/_place_results.html" if request.htmx else "places/place_list.html"
    return render(request, template, context)


def place_detail(request: HttpRequest, pk: int) -> HttpResponse:
    place = selectors.place_get(user=request.user, pk=pk)
    if place is None:
        raise Http404
    outlines = reverse("places:outlines_geojson")
    nearby_departements = departements_near(lon=place.lon, lat=place.lat)
    place_map = {
        "departements-url": f"{outlines}?level=departement",
        "communes-urls": " ".join(
            f"{outlines}?level=commune&departement={code}" for code in nearby_departements
        ),
        "towns-url": reverse("places:towns_json"),
        "tile-url": settings.MAP_TILE_URL,
        "tile-attribution": settings.MAP_TILE_ATTRIBUTION,
        "data-attribution": MAP_DATA_ATTRIBUTION_SHORT,
    }
    return render(
        request,
        "places/place_detail.html",
        {"place": place, "place_map": place_map, "panels": place_panels_render(request, place)},
    )


@require_http_methods(["GET", "POST"])
@permission_required("places.propose")
def proposal_create(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    place = None
    if pk is not None:
        place = selectors.place_get(user=request.user, pk=pk)
        if place is None:
            raise Http404
    initial = {}
    if place is not None:
        initial = {
            "name": place.name,
            "description": place.description,
            "kinds": place.kinds,
            "services": place.services,
            "state": place.state,
            "address": place.address,
            "postcode": place.postcode,
            "commune": place.commune_id,
            "website": place.website,
            "email": place.email,
            "phone": place.phone,
            "opening_hours": place.opening_hours,
        }
    if request.user.is_authenticated:
        initial.update(
            proposer_name=request.user.get_full_name() or request.user.get_username(),
            proposer_email=request.user.email,
        )
    form = PlaceProposalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.proposal_create(
            place=place,
            data=form.proposal_data(),
            proposer_name=form.cleaned_data["proposer_name"],
            proposer_email=form.cleaned_data["proposer_email"],
            comment=form.cleaned_data["comment"],
            by=request.user,
        )
        messages.success(
            request, _("Thank you: your proposal will be published once the team has reviewed it.")
        )
        return redirect(place.get_absolute_url() if place else "places:place_list")
    return render(request, "places/proposal_create.html", {"form": form, "place": place})


@permission_required("places.review_proposal")
def proposal_list(request: HttpRequest) -> HttpResponse:
    paged = paginate(request, selectors.proposal_pending_list(user=request.user).order_by("pk"))
    return render(
        request,
        "places/proposal_list.html",
        {"proposals": paged.page.object_list, "page": paged.page, "page_query": paged.query},
    )


@require_http_methods(["GET", "POST"])
@permission_required("places.review_proposal")
def proposal_review(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(PlaceProposal.objects.select_related("place"), pk=pk)
    form = ProposalReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "accept":
                place = services.proposal_accept(
                    proposal=proposal, by=request.user, note=form.cleaned_data["note"]
                )
                messages.success(request, _("Proposal accepted: the directory is updated."))
                return redirect(place.get_absolute_url())
            services.proposal_reject(
                proposal=proposal, by=request.user, note=form.cleaned_data["note"]
            )
            messages.success(request, _("Proposal rejected."))
            return redirect("places:proposal_list")
        except ValidationError as exc:
            form.add_error(None, exc)
    rows = selectors.proposal_changes(proposal=proposal)
    return render(
        request,
        "places/proposal_review.html",
        {
            "proposal": proposal,
            "form": form,
            "rows": rows,
            "pending": proposal.state == ProposalState.PENDING,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("places.import")
def place_import(request: HttpRequest) -> HttpResponse:
    """Upload a file to import: it is checked and imported by a background task, which the
    page follows (``?task=<id>``) until it shows the report or every bad row."""
    form = PlaceImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        stored = services.import_upload_store(upload.read())
        try:
            progress = task_enqueue(
                tasks.places_import_run,
                label=tasks.IMPORT_LABEL,
                by=request.user,
                upload=stored,
                source=form.cleaned_data["format"],
                user_id=request.user.pk,
                dry_run=form.cleaned_data["dry_run"],
                publish=form.cleaned_data["publish"],
                file_name=upload.name[:200],
                language=get_language() or settings.LANGUAGE_CODE,
            )
        except TaskLimitReached as refused:
            services.import_upload_path(stored).unlink(missing_ok=True)
            form.add_error(None, str(refused))
            return render(request, "places/place_import.html", {"form": form}, status=429)
        return redirect(f"{reverse('places:place_import')}?task={progress.pk}")
    progress = _import_progress(request, query_id(request.GET, "task"))
    context = {"form": form, "progress": progress}
    context.update(tasks.result_context(progress.result if progress else None))
    status = 422 if context.get("errors") or request.method == "POST" else 200
    return render(request, "places/place_import.html", context, status=status)


@require_GET
@permission_required("places.import")
def place_import_result(request: HttpRequest, pk: int) -> HttpResponse:
    """The import's progress, then its report (an HTMX fragment polled every second)."""
    progress = _import_progress(request, pk)
    if progress is None:
        raise Http404
    context = {"progress": progress, **tasks.result_context(progress.result)}
    return render(request, "places/_import_result.html", context)


def _import_progress(request: HttpRequest, pk: int | None) -> TaskProgress | None:
    if pk is None:
        return None
    rows = task_progress_get(user=request.user, pk=pk)
    progress = rows.filter(label=tasks.IMPORT_LABEL).first()
    return task_progress_checked(progress) if progress is not None else None
