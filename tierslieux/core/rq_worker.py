"""An RQ worker that also marks failed the tasks of dead workers (ADR 0015).

Used with the Redis queue: ``manage.py rqworker --worker-class
tierslieux.core.rq_worker.ReapingWorker --job-class django_tasks_rq.Job default``. RQ runs its
maintenance (registry clean-up) every ``maintenance_interval`` seconds (10 minutes by default)
in the worker's main process; this worker then also runs ``core.tasks.tasks_reap``.
"""

import logging

from django.db import DatabaseError, connections
from rq import Worker

from tierslieux.core.tasks import tasks_reap

logger = logging.getLogger(__name__)


class ReapingWorker(Worker):
    # The main process forks a child per job: it must not hand it an open database connection.
    close_connections_after_reap = True

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()
        try:
            tasks_reap()
        except DatabaseError:
            logger.exception("Could not mark the tasks of dead workers failed; next time")
        finally:
            if self.close_connections_after_reap:
                connections.close_all()
