"""The database task worker, made to survive transient database errors (ADR 0015).

django-tasks-db's ``Worker.run`` lets an ``OperationalError`` raised while it claims a task (a
``database is locked`` at ``BEGIN``, a dropped PostgreSQL connection) escape its loop: the loop
ends, and under the autoreloader the process stays up doing nothing. ``ResilientWorker`` runs
the same step (claim one task, run it) in its own loop: a database error is logged, waited out
with a bounded exponential back-off and retried; after ``max_failures`` errors in a row the
worker raises ``WorkerGaveUp`` so that the command exits non-zero and a supervisor restarts it.
Every ``reap_interval`` seconds the loop also marks failed the tasks of dead workers
(``core.tasks.tasks_reap``).
"""

import enum
import logging
import time
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError, close_old_connections, connections
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from tierslieux.core.tasks import tasks_reap

logger = logging.getLogger(__name__)


class Step(enum.Enum):
    """What one turn of the loop did."""

    RAN = "ran"  # claimed and ran a task
    EMPTY = "empty"  # found no task ready


class WorkerGaveUp(RuntimeError):
    """Too many database errors in a row: the process should exit and be restarted."""


class ResilientWorker(Worker):
    """django-tasks-db's worker with a loop that survives transient database errors.

    ``step`` (one turn: claim and run one task), ``sleep``, ``reap``, ``clock`` and
    ``reset_connections`` (after an error) can be injected, which is how the loop is tested
    without a database or real waiting.
    """

    def __init__(
        self,
        *,
        max_failures: int = 10,
        backoff_initial: float = 0.5,
        backoff_max: float = 30.0,
        reap_interval: float = 60.0,
        step: Callable[[], Step] | None = None,
        sleep: Callable[[float], Any] = time.sleep,
        reap: Callable[[], Any] = tasks_reap,
        clock: Callable[[], float] = time.monotonic,
        reset_connections: Callable[[], Any] | None = None,
        **worker_options: Any,
    ) -> None:
        super().__init__(**worker_options)
        self.max_failures = max_failures
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self.reap_interval = reap_interval
        self.step = step or self.claim_and_run
        self.sleep = sleep
        self.reap = reap
        self.clock = clock
        self.reset_connections = reset_connections or self._close_broken_connections
        self.consecutive_failures = 0
        self._last_reap: float | None = None

    def backoff(self, failures: int) -> float:
        """Seconds to wait after the ``failures``-th error in a row (bounded exponential)."""
        return float(min(self.backoff_max, self.backoff_initial * 2 ** (failures - 1)))

    def claim_and_run(self) -> Step:
        """Claim the next ready task and run it (the body of django-tasks-db's loop)."""
        close_old_connections()
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            task_result = tasks.get_locked()
            if task_result is not None:
                task_result.claim(self.worker_id)
        if task_result is None:
            return Step.EMPTY
        self.run_task(task_result)
        return Step.RAN

    def _maybe_reap(self) -> None:
        moment = self.clock()
        if self._last_reap is None or moment - self._last_reap >= self.reap_interval:
            self._last_reap = moment
            self.reap()

    @staticmethod
    def _close_broken_connections() -> None:
        """Drop connections an error left unusable; the next turn opens fresh ones."""
        for conn in connections.all(initialized_only=True):
            conn.close_if_unusable_or_obsolete()

    def _failed(self, error: DatabaseError) -> None:
        self.consecutive_failures += 1
        self.reset_connections()
        if self.consecutive_failures >= self.max_failures:
            logger.error(
                "Worker %s: %s database errors in a row, giving up: %s",
                self.worker_id,
                self.consecutive_failures,
                error,
            )
            raise WorkerGaveUp(str(error)) from error
        wait = self.backoff(self.consecutive_failures)
        logger.warning(
            "Worker %s: database error (%s in a row), retrying in %.1f s: %s",
            self.worker_id,
            self.consecutive_failures,
            wait,
            error,
        )
        self.sleep(wait)

    def run(self) -> None:
        logger.info("Starting worker worker_id=%s queues=%s", self.worker_id, self.queue_names)
        while self.running:
            try:
                self._maybe_reap()
                outcome = self.step()
            except DatabaseError as error:
                self._failed(error)
                continue
            self.consecutive_failures = 0
            if self.batch and outcome is Step.EMPTY:
                logger.info("No more tasks for worker_id=%s - exiting.", self.worker_id)
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                logger.info("Ran %d tasks on %s - exiting.", self._run_tasks, self.worker_id)
                return
            if self.running and outcome is Step.EMPTY:
                self.sleep(self.interval)
