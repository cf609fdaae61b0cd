"""Background tasks shared by every app: progress tracking and e-mails.

A long task is written as ``@task() def my_task(*, progress_id: int, ...)`` and wraps its work
in ``with tracked(progress_id) as report:``; it calls ``report(fraction, message)`` as it goes
and returns a JSON-serialisable result, which ``tracked`` stores. ``task_enqueue`` creates the
progress row and enqueues the task; the page polls ``core:task_progress``.
"""

import logging
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.mail import send_mail
from django_tasks import task

from tierslieux.core.models import TaskProgress, TaskState

logger = logging.getLogger(__name__)
Reporter = Callable[[float, str], None]


def progress_report(progress_id: int, fraction: float, message: str = "") -> None:
    """Record that the task tracked by ``progress_id`` is ``fraction`` (0..1) done."""
    TaskProgress.objects.filter(pk=progress_id).update(
        fraction=min(max(float(fraction), 0.0), 1.0), message=message[:300]
    )


class TaskOutcome:
    """Holder for the result a tracked block produces."""

    def __init__(self) -> None:
        self.result: Any = None


@contextmanager
def tracked(progress_id: int) -> Iterator[tuple[Reporter, TaskOutcome]]:
    """Mark the task running, give a reporter, then store its result or its error."""
    TaskProgress.objects.filter(pk=progress_id).update(state=TaskState.RUNNING)
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


def task_enqueue(task_obj: Any, *, label: str, by: Any = None, **kwargs: Any) -> TaskProgress:
    """Create the progress row a page will poll, then enqueue ``task_obj(progress_id=..)``.

    The row exists before the task may start (the immediate backend runs the task inside
    ``enqueue``); it is then bound to the result id the backend gives.
    """
    requested_by = by if by is not None and by.is_authenticated else None
    progress = TaskProgress.objects.create(label=label, requested_by=requested_by)
    result = task_obj.enqueue(progress_id=progress.pk, **kwargs)
    TaskProgress.objects.filter(pk=progress.pk).update(task_id=str(result.id))
    progress.refresh_from_db()
    return progress
