"""Reads shared by every app."""

from typing import Any

from django.db.models import QuerySet

from tierslieux.core.models import TaskProgress


def task_progress_get(*, user: Any, pk: int) -> QuerySet[TaskProgress]:
    """The progress row ``pk`` if ``user`` may see it: their own, or any for a superuser."""
    rows = TaskProgress.objects.filter(pk=pk)
    if getattr(user, "is_superuser", False):
        return rows
    return rows.filter(requested_by=user) if user.is_authenticated else rows.none()
