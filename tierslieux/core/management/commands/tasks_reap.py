"""Mark failed the background tasks whose worker is gone (for cron, or after a crash)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from tierslieux.core.tasks import tasks_reap


class Command(BaseCommand):
    help = (
        "Mark failed the running tasks with no heartbeat for TASKS_STALE_AFTER_SECONDS "
        "(and the database queue's rows left running by a dead worker)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = tasks_reap()
        self.stdout.write(
            f"{report.progress} task(s) and {report.backend_results} queue row(s) marked failed "
            f"(no heartbeat for {settings.TASKS_STALE_AFTER_SECONDS} s)"
        )
