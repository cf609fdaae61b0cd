"""Background tasks shared by every app: progress tracking and e-mails.

A long task is written as ``@task() def my_task(*, progress_id: int, ...)`` and wraps its work
in ``with tracked(progress_id) as report:``; it calls ``report(fraction, message)`` as it goes
and returns a JSON-serialisable result, which ``tracked`` stores. ``task_enqueue`` creates the
progress row and enqueues the task; the page polls ``core:task_progress``.

Tasks that survive (ADR 0015): every progress report refreshes the row's heartbeat; a running
row whose heartbeat is older than ``TASKS_STALE_AFTER_SECONDS`` belongs to a worker that is gone
(killed, crashed, its machine lost) and is marked failed, never retried automatically
(``tasks_reap``, run by the worker loop and ``manage.py tasks_reap``; ``task_progress_checked``,
applied by the pages that poll). A user may have at most ``TASKS_MAX_PENDING_PER_USER`` tasks
queued or running (``TaskLimitReached``).
"""

import datetime
import logging
import traceback
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import ngettext
from django_tasks import task

from tierslieux.core import clock
from tierslieux.core.models import INTERRUPTED_ERROR, TaskProgress, TaskState
from tierslieux.core.permissions import Actor

logger = logging.getLogger(__name__)
Reporter = Callable[[float, str], None]


class WorkerLost(Exception):
    """The worker running a task stopped without finishing it (recorded on backend rows)."""


class TaskLimitReached(Exception):
    """The user already has as many queued or running tasks as ``TASKS_MAX_PENDING_PER_USER``."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(
            ngettext(
                "You already have %(count)d analysis queued or running: wait until it has "
                "finished, then start this one again.",
                "You already have %(count)d analyses queued or running: wait until one has "
                "finished, then start this one again.",
                limit,
            )
            % {"count": limit}
        )


def stale_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    """Heartbeats older than this moment belong to a worker that is gone."""
    moment = now if now is not None else clock.now()
    return moment - datetime.timedelta(seconds=settings.TASKS_STALE_AFTER_SECONDS)


def progress_report(progress_id: int, fraction: float, message: str = "") -> None:
    """Record that the task tracked by ``progress_id`` is ``fraction`` (0..1) done."""
    TaskProgress.objects.filter(pk=progress_id).update(
        fraction=min(max(float(fraction), 0.0), 1.0),
        message=message[:300],
        heartbeat_at=clock.now(),
    )


class TaskOutcome:
    """Holder for the result a tracked block produces."""

    def __init__(self) -> None:
        self.result: Any = None


@contextmanager
def tracked(progress_id: int) -> Iterator[tuple[Reporter, TaskOutcome]]:
    """Mark the task running, give a reporter, then store its result or its error."""
    TaskProgress.objects.filter(pk=progress_id).update(
        state=TaskState.RUNNING, heartbeat_at=clock.now()
    )
    outcome = TaskOutcome()

    def report(fraction: float, message: str = "") -> None:
        progress_report(progress_id, fraction, message)

    try:
        yield report, outcome
    except Exception:
        logger.exception("Background task %s failed", progress_id)
        TaskProgress.objects.filter(pk=progress_id).update(
            state=TaskState.FAILED, error=traceback.format_exc(limit=5)
        )
        raise
    TaskProgress.objects.filter(pk=progress_id).update(
        state=TaskState.SUCCEEDED, fraction=1.0, result=outcome.result
    )


@task()
def send_email(*, subject: str, body: str, to: Sequence[str]) -> int:
    """Send one e-mail outside the request that asked for it; returns the number sent."""
    return send_mail(subject, body, None, list(to))


def _progress_create(*, label: str, requested_by: Actor) -> TaskProgress:
    """The progress row, refused when its requester already has too many pending tasks."""
    if requested_by is None:
        return TaskProgress.objects.create(label=label)
    limit = settings.TASKS_MAX_PENDING_PER_USER
    with transaction.atomic():
        # Serialise one user's concurrent requests (SQLite's IMMEDIATE transactions already do).
        get_user_model().objects.select_for_update().filter(pk=requested_by.pk).first()
        mine = TaskProgress.objects.filter(requested_by=requested_by)
        tasks_reap(rows=mine)  # a dead worker's task must not hold the user's place
        if limit > 0 and mine.pending().count() >= limit:
            raise TaskLimitReached(limit)
        return TaskProgress.objects.create(label=label, requested_by=requested_by)


def task_enqueue(task_obj: Any, *, label: str, by: Actor = None, **kwargs: Any) -> TaskProgress:
    """Create the progress row a page will poll, then enqueue ``task_obj(progress_id=..)``.

    The row exists (committed) before the task may start: the immediate backend runs the task
    inside ``enqueue``, and a Redis worker may pick it up at once. It is then bound to the
    result id the backend gives. Raises ``TaskLimitReached`` when ``by`` already has
    ``TASKS_MAX_PENDING_PER_USER`` tasks queued or running.
    """
    requested_by = by if by is not None and by.is_authenticated else None
    progress = _progress_create(label=label, requested_by=requested_by)
    result = task_obj.enqueue(progress_id=progress.pk, **kwargs)
    TaskProgress.objects.filter(pk=progress.pk).update(task_id=str(result.id))
    progress.refresh_from_db()
    return progress


@dataclass(frozen=True)
class ReapReport:
    """What one pass of the reaper marked failed."""

    progress: int
    backend_results: int


def _backend_results_fail(task_ids: Sequence[str], *, now: datetime.datetime) -> int:
    """Mark failed the database backend's rows of these tasks left running by a dead worker."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    ids = []
    for task_id in task_ids:  # other backends (Redis) use ids that are not UUIDs
        try:
            ids.append(uuid.UUID(task_id))
        except ValueError:
            continue
    if not ids:
        return 0
    return DBTaskResult.objects.filter(id__in=ids, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
        traceback=INTERRUPTED_ERROR,
    )


def _dead_backend_task_ids(*, cutoff: datetime.datetime) -> list[str]:
    """Database backend rows running since before ``cutoff`` with no live progress row."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    running = [
        str(pk)
        for pk in DBTaskResult.objects.filter(
            status=TaskResultStatus.RUNNING, started_at__lt=cutoff
        ).values_list("id", flat=True)
    ]
    alive = set(
        TaskProgress.objects.filter(
            task_id__in=running, state=TaskState.RUNNING, heartbeat_at__gte=cutoff
        ).values_list("task_id", flat=True)
    )
    return [pk for pk in running if pk not in alive]


def tasks_reap(*, now: datetime.datetime | None = None, rows: Any = None) -> ReapReport:
    """Mark failed the tasks whose worker is gone (no heartbeat for the stale delay).

    ``rows`` narrows the progress rows looked at (a queryset); by default all of them, and
    then also the database backend's rows left running (a task killed before its first
    progress report, or one without a progress row such as an e-mail).
    """
    moment = now if now is not None else clock.now()
    cutoff = stale_cutoff(moment)
    base = rows if rows is not None else TaskProgress.objects.all()
    stale = base.stale(cutoff=cutoff)
    task_ids = [t for t in stale.values_list("task_id", flat=True) if t]
    failed_progress = stale.update(
        state=TaskState.FAILED, error=INTERRUPTED_ERROR, updated_at=moment
    )
    failed_results = _backend_results_fail(task_ids, now=moment)
    if rows is None:
        dead = _dead_backend_task_ids(cutoff=cutoff)
        failed_progress += (
            TaskProgress.objects.filter(task_id__in=dead)
            .pending()
            .update(state=TaskState.FAILED, error=INTERRUPTED_ERROR, updated_at=moment)
        )
        failed_results += _backend_results_fail(dead, now=moment)
    if failed_progress or failed_results:
        logger.warning(
            "Marked failed %s task(s) and %s backend result(s) whose worker is gone",
            failed_progress,
            failed_results,
        )
    return ReapReport(progress=failed_progress, backend_results=failed_results)


def task_progress_checked(
    progress: TaskProgress, *, now: datetime.datetime | None = None
) -> TaskProgress:
    """``progress`` as a page should show it: marked failed first if its worker is gone."""
    if progress.state != TaskState.RUNNING:
        return progress
    report = tasks_reap(now=now, rows=TaskProgress.objects.filter(pk=progress.pk))
    if report.progress:
        progress.refresh_from_db()
    return progress
