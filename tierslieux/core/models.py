"""Shared models: the abstract base model, the abstract logs and the progress of background
tasks."""

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tierslieux.core import clock


class BaseModel(models.Model):
    """Abstract base: every record knows when it was created and last changed."""

    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        # ``auto_now`` through the product's clock (``core.clock``), so that a replay in
        # simulated time stamps its records with the simulated moment.
        self.updated_at = clock.now()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "updated_at" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "updated_at"]
        super().save(*args, **kwargs)


class ActorLog(models.Model):
    """Abstract: one event of a record, who made it (``by``) and when (``at``).

    The actor is kept for traceability, as les-emplois keeps the user of a transition log: the
    foreign key is ``PROTECT``, so a user who acted cannot be deleted (deactivate the account
    instead: ``is_active = False``). ``by`` is empty for the system (a command, a task).
    """

    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=clock.now, editable=False)

    class Meta:
        abstract = True


class TransitionLog(ActorLog):
    """Abstract: one state change written by ``core.workflow.Workflow.run``: from, to, why.

    A concrete log adds the foreign key to its object and may narrow ``from_state`` and
    ``to_state`` (``choices``) or store the reason under another name (``reason = None``).
    """

    from_state = models.CharField(_("from"), max_length=24, blank=True)
    to_state = models.CharField(_("to"), max_length=24, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        abstract = True


class TaskState(models.TextChoices):
    """Where a background task stands."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


INTERRUPTED_ERROR = "interrupted: the worker running this task stopped sending heartbeats"
"""The ``error`` of a task marked failed because its worker is gone (see ``core.tasks``)."""


class TaskProgressQuerySet(models.QuerySet["TaskProgress"]):
    def pending(self) -> "TaskProgressQuerySet":
        """Tasks not finished yet: queued or running."""
        return self.filter(state__in=[TaskState.QUEUED, TaskState.RUNNING])

    def stale(self, *, cutoff: datetime.datetime) -> "TaskProgressQuerySet":
        """Running tasks whose last heartbeat (or start, if none) is older than ``cutoff``."""
        return self.filter(state=TaskState.RUNNING).filter(
            models.Q(heartbeat_at__lt=cutoff)
            | models.Q(heartbeat_at__isnull=True, updated_at__lt=cutoff)
        )


class TaskProgress(BaseModel):
    """The progress of one background task, which a page polls while the task runs.

    ``task_id`` is the id of the task result in the task backend. The row keeps what a page
    needs whatever the backend: who asked, a label, the state, a progress value between 0
    and 1 with a message, and the JSON result (or the error) once the task has ended.
    ``heartbeat_at`` is refreshed whenever the running task reports progress: a running row
    whose heartbeat is older than ``TASKS_STALE_AFTER_SECONDS`` belongs to a dead worker.
    """

    task_id = models.CharField(_("task id"), max_length=64, blank=True, db_index=True)
    label = models.CharField(_("label"), max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=12, choices=TaskState.choices, default=TaskState.QUEUED
    )
    fraction = models.FloatField(_("progress"), default=0.0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)

    objects = TaskProgressQuerySet.as_manager()

    class Meta:
        verbose_name = _("task progress")
        verbose_name_plural = _("task progress")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fraction__gte=0.0) & models.Q(fraction__lte=1.0),
                name="core_taskprogress_fraction_0_1",
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.fraction:.0%})"

    @property
    def is_finished(self) -> bool:
        return self.state in {TaskState.SUCCEEDED, TaskState.FAILED}

    @property
    def interrupted(self) -> bool:
        """Failed because its worker stopped (killed, crashed), not because of an error."""
        return self.state == TaskState.FAILED and self.error.startswith(INTERRUPTED_ERROR)
