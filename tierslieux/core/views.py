from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from tierslieux.core.models import TaskProgress
from tierslieux.core.permissions import require
from tierslieux.core.selectors import task_progress_get
from tierslieux.core.tasks import task_progress_checked


@require_GET
def task_progress_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The state of a background task: an HTML fragment for HTMX polling, JSON otherwise."""
    require(request.user, "tasks.view_own")
    progress: TaskProgress = get_object_or_404(task_progress_get(user=request.user, pk=pk))
    progress = task_progress_checked(progress)
    if request.htmx:
        return render(request, "core/_task_progress.html", {"progress": progress})
    return JsonResponse(
        {
            "id": progress.pk,
            "label": progress.label,
            "state": progress.state,
            "fraction": progress.fraction,
            "message": progress.message,
            "result": progress.result,
            "finished": progress.is_finished,
            "interrupted": progress.interrupted,
        }
    )


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
