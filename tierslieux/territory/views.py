from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST

from tierslieux.core.permissions import permission_required
from tierslieux.core.selectors import task_progress_get
from tierslieux.core.tasks import task_enqueue
from tierslieux.territory import selectors, tasks


@require_GET
@permission_required("territory.view")
def territory_detail(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "territory/territory_detail.html",
        {"figures": selectors.region_figures(), "departements": selectors.departement_table()},
    )


@require_POST
@permission_required("territory.run_analysis")
def departement_summary_run(request: HttpRequest) -> HttpResponse:
    progress = task_enqueue(
        tasks.departement_summary, label="Per-département summary", by=request.user
    )
    return render(request, "territory/_departement_summary.html", {"progress": progress})


@require_GET
@permission_required("territory.run_analysis")
def departement_summary_result(request: HttpRequest, pk: int) -> HttpResponse:
    progress = get_object_or_404(task_progress_get(user=request.user, pk=pk))
    return render(request, "territory/_departement_summary.html", {"progress": progress})


@require_GET
@permission_required("territory.view")
def commune_search(request: HttpRequest) -> HttpResponse:
    """Autocomplete: communes matching a name prefix, an INSEE code or a postcode."""
    communes = selectors.commune_search(query=request.GET.get("q", "")[:80])
    return JsonResponse(
        {
            "results": [
                {
                    "code": c.code,
                    "name": c.name,
                    "departement": c.departement_id,
                    "postal_codes": c.postal_codes,
                    "lon": c.lon,
                    "lat": c.lat,
                }
                for c in communes
            ]
        }
    )
