"""Run the database task worker that survives transient database errors (``make worker``)."""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django_tasks_db.management.commands import db_worker

from tierslieux.core.worker import ResilientWorker, WorkerGaveUp


class Command(db_worker.Command):
    help = (
        "Run the database task worker: database errors are retried with a back-off, dead "
        "workers' tasks are marked failed, and the process exits 1 after too many errors in a row."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(reload=False)
        parser.add_argument(
            "--max-failures",
            type=int,
            default=settings.TASKS_WORKER_MAX_FAILURES,
            help="Exit 1 after this many database errors in a row (default: %(default)s)",
        )
        parser.add_argument(
            "--reap-interval",
            type=float,
            default=60.0,
            help="Seconds between two passes marking dead workers' tasks failed",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = ResilientWorker(
            max_failures=max(1, options["max_failures"]),
            reap_interval=options["reap_interval"],
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        worker.configure_signals()
        try:
            worker.run()
        except WorkerGaveUp as error:
            raise CommandError(f"worker stopped after repeated database errors: {error}") from error
