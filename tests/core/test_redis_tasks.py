"""The real task paths through the Redis queue (django-tasks-rq + RQ), ADR 0015.

Run against a real Redis server: ``scripts/with_redis.sh uv run pytest -m redis`` (the Makefile's
SQLite run does so). The worker is RQ's ``SimpleWorker`` in burst mode, in this process: it runs
the jobs in this thread, so it sees the test's database transaction.
"""

import datetime
import os
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.places.factories import PlaceFactory, commune
from tierslieux.core.models import TaskProgress, TaskState
from tierslieux.core.tasks import task_progress_checked, tasks_reap
from tierslieux.dashboard.tasks import REPORT_LABEL
from tierslieux.territory.tasks import SCENARIO_LABEL

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="needs a Redis server: run with scripts/with_redis.sh (sets REDIS_URL)",
    ),
]
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def queue(settings, tmp_path):
    """The RQ backend instead of the tests' immediate one, on an empty queue."""
    import django_rq
    from django_tasks_rq.backend import Job

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    rq_queue = django_rq.get_queue("default", job_class=Job)
    rq_queue.empty()
    yield rq_queue
    rq_queue.empty()


def work(rq_queue) -> int:
    """Run every queued job with a burst worker; how many jobs it ran."""
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    before = rq_queue.finished_job_registry.count + rq_queue.failed_job_registry.count
    worker = SimpleWorker([rq_queue], connection=rq_queue.connection, job_class=Job)
    worker.work(burst=True, with_scheduler=False)
    after = rq_queue.finished_job_registry.count + rq_queue.failed_job_registry.count
    assert rq_queue.failed_job_registry.count == 0, "a job failed"
    return after - before


def backend_status(task_id: str) -> str:
    from django_tasks import default_task_backend

    return str(default_task_backend.get_result(task_id).status)


def test_a_scenario_runs_through_redis(client, queue):
    for code in ("33063", "87085", "64445", "86194"):
        PlaceFactory(commune=commune(code))
    client.force_login(UserFactory(instructor=True))
    data = {
        "minutes": "20",
        "model": "straight",
        "detour_factor": "1.3",
        "speed_kmh": "60",
        "target": "count",
        "new": "3",
        "method": "fast",
        "demand": "communes",
    }
    response = client.post(reverse("territory:scenario_run"), data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    progress = TaskProgress.objects.get(label=SCENARIO_LABEL)
    assert progress.state == TaskState.QUEUED  # waiting in Redis, not run in the request
    assert queue.count == 1
    assert backend_status(progress.task_id) == "READY"
    polling = client.get(reverse("territory:scenario_result", args=[progress.pk]))
    assert 'hx-trigger="every 1s"' in polling.content.decode()

    assert work(queue) == 1

    progress.refresh_from_db()
    assert progress.state == TaskState.SUCCEEDED
    assert progress.fraction == 1.0
    assert progress.heartbeat_at is not None
    assert len(progress.result["sites"]) == 3
    assert backend_status(progress.task_id) == "SUCCESSFUL"
    page = client.get(reverse("territory:scenario_result", args=[progress.pk])).content.decode()
    assert "hx-trigger" not in page
    assert "scenario-sites" in page


def test_a_dashboard_report_runs_through_redis(client, queue):
    for code in ("33063", "33529", "87085"):
        PlaceFactory(commune=commune(code))
    client.force_login(UserFactory(reader=True))
    year = timezone.localdate().year
    response = client.post(
        reverse("dashboard:report_generate"),
        {"year": year, "departement": "33", "since": 2016, "demo": "0"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    progress = TaskProgress.objects.get(label=REPORT_LABEL)
    assert progress.state == TaskState.QUEUED

    assert work(queue) == 1

    progress.refresh_from_db()
    assert progress.state == TaskState.SUCCEEDED, progress.error
    status = client.get(reverse("dashboard:report_status", args=[progress.pk]), **EN)
    html = status.content.decode()
    pdf_url = reverse("dashboard:report_pdf", args=[progress.pk])
    assert pdf_url in html
    pdf = client.get(pdf_url)
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert re.search(r"report-xlsx", html)


def test_the_per_user_limit_counts_tasks_waiting_in_redis(client, queue, settings):
    settings.TASKS_MAX_PENDING_PER_USER = 1
    client.force_login(UserFactory(reader=True))
    data = {"year": 2024, "departement": "33", "demo": "0"}
    url = reverse("dashboard:report_generate")
    assert client.post(url, data, headers={"HX-Request": "true"}).status_code == 200
    assert client.post(url, data, headers={"HX-Request": "true"}).status_code == 429
    assert queue.count == 1


def test_a_task_whose_redis_worker_died_is_reported_failed(client, queue, settings):
    """The worker took the job, reported 35 %, then was killed: no more heartbeats."""
    settings.TASKS_STALE_AFTER_SECONDS = 600
    user = UserFactory(reader=True)
    client.force_login(user)
    data = {"year": 2024, "departement": "33", "demo": "0"}
    client.post(reverse("dashboard:report_generate"), data, headers={"HX-Request": "true"})
    progress = TaskProgress.objects.get(label=REPORT_LABEL)
    queue.empty()  # RQ moved the job to its started registry, then the process died
    started = timezone.now()
    TaskProgress.objects.filter(pk=progress.pk).update(
        state=TaskState.RUNNING, fraction=0.35, heartbeat_at=started
    )
    progress.refresh_from_db()

    assert task_progress_checked(progress, now=started).state == TaskState.RUNNING
    assert tasks_reap(now=started + datetime.timedelta(seconds=601)).progress == 1
    progress.refresh_from_db()
    assert progress.interrupted
    html = client.get(reverse("dashboard:report_status", args=[progress.pk]), **EN)
    assert 'id="task-interrupted"' in html.content.decode()


def test_the_rq_worker_reaps_dead_tasks_during_its_maintenance(queue, settings):
    from django_tasks_rq.backend import Job

    from tierslieux.core.rq_worker import ReapingWorker

    settings.TASKS_STALE_AFTER_SECONDS = 600
    old = timezone.now() - datetime.timedelta(seconds=601)
    progress = TaskProgress.objects.create(
        label="x", state=TaskState.RUNNING, fraction=0.35, heartbeat_at=old
    )
    worker = ReapingWorker([queue], connection=queue.connection, job_class=Job)
    worker.close_connections_after_reap = False  # the test's transaction stays open
    worker.run_maintenance_tasks()
    progress.refresh_from_db()
    assert progress.state == TaskState.FAILED
