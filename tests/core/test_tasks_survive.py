"""Tasks that survive (ADR 0015): a dead worker's task ends failed and the page says so; a
user's pending tasks are bounded."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.accounts.factories import UserFactory
from tierslieux.core.models import INTERRUPTED_ERROR, TaskProgress, TaskState
from tierslieux.core.tasks import (
    TaskLimitReached,
    progress_report,
    task_enqueue,
    task_progress_checked,
    tasks_reap,
    tracked,
)
from tierslieux.dashboard.tasks import REPORT_LABEL
from tierslieux.territory.tasks import SCENARIO_LABEL

pytestmark = pytest.mark.django_db

STALE = 600
T0 = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@task()
def quick(*, progress_id: int) -> None:
    """A tracked task that ends at once (run inside ``enqueue`` by the immediate backend)."""
    with tracked(progress_id) as (report, outcome):
        report(0.5)
        outcome.result = {"ok": True}


@pytest.fixture(autouse=True)
def _stale_after(settings):
    settings.TASKS_STALE_AFTER_SECONDS = STALE


def running(*, user=None, label="x", heartbeat=T0, fraction=0.35, task_id=""):
    return TaskProgress.objects.create(
        label=label,
        requested_by=user,
        state=TaskState.RUNNING,
        fraction=fraction,
        heartbeat_at=heartbeat,
        task_id=task_id,
    )


def test_progress_reports_refresh_the_heartbeat():
    progress = TaskProgress.objects.create(label="x")
    before = timezone.now()
    with tracked(progress.pk) as (report, _outcome):
        progress.refresh_from_db()
        assert progress.state == TaskState.RUNNING
        assert progress.heartbeat_at >= before
        started = progress.heartbeat_at
        report(0.35, "half way")
        progress.refresh_from_db()
        assert progress.heartbeat_at >= started
    progress_report(progress.pk, 0.5)
    progress.refresh_from_db()
    assert progress.heartbeat_at is not None


def test_the_reaper_marks_failed_only_after_the_stale_delay():
    progress = running()
    fresh = running(heartbeat=T0 + datetime.timedelta(seconds=STALE))

    just_before = T0 + datetime.timedelta(seconds=STALE - 1)
    assert tasks_reap(now=just_before).progress == 0
    progress.refresh_from_db()
    assert progress.state == TaskState.RUNNING

    after = T0 + datetime.timedelta(seconds=STALE + 1)
    assert tasks_reap(now=after).progress == 1
    progress.refresh_from_db()
    fresh.refresh_from_db()
    assert progress.state == TaskState.FAILED
    assert progress.interrupted
    assert progress.error == INTERRUPTED_ERROR
    assert fresh.state == TaskState.RUNNING
    assert tasks_reap(now=after).progress == 0  # idempotent


def test_finished_and_queued_tasks_are_not_reaped():
    done = TaskProgress.objects.create(label="x", state=TaskState.SUCCEEDED, heartbeat_at=T0)
    queued = TaskProgress.objects.create(label="x")
    tasks_reap(now=T0 + datetime.timedelta(days=30))
    done.refresh_from_db()
    queued.refresh_from_db()
    assert done.state == TaskState.SUCCEEDED
    assert queued.state == TaskState.QUEUED
    assert not done.interrupted


def _db_result(*, started_at, status=TaskResultStatus.RUNNING):
    return DBTaskResult.objects.create(
        status=status,
        started_at=started_at,
        run_after=started_at,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="tierslieux.dashboard.tasks.report_generate",
        backend_name="default",
        worker_ids=["killed-worker"],
    )


def test_the_reaper_fails_the_database_queue_rows_left_running():
    old = T0 - datetime.timedelta(seconds=1)
    with_progress = _db_result(started_at=old)
    progress = running(task_id=str(with_progress.id))
    # Killed after the queue claimed it but before the task's first report: still "queued".
    claimed_only = _db_result(started_at=old)
    queued = TaskProgress.objects.create(label="x", task_id=str(claimed_only.id))
    # An e-mail, which has no progress row.
    orphan = _db_result(started_at=old)
    # Alive: its progress row beats.
    alive = _db_result(started_at=old)
    beating = running(task_id=str(alive.id), heartbeat=T0 + datetime.timedelta(seconds=STALE))

    report = tasks_reap(now=T0 + datetime.timedelta(seconds=STALE + 1))

    assert report.backend_results == 3
    for row in (with_progress, claimed_only, orphan):
        row.refresh_from_db()
        assert row.status == TaskResultStatus.FAILED
        assert row.exception_class_path == "tierslieux.core.tasks.WorkerLost"
        assert row.finished_at is not None
    alive.refresh_from_db()
    assert alive.status == TaskResultStatus.RUNNING
    for row in (progress, queued):
        row.refresh_from_db()
        assert row.state == TaskState.FAILED
        assert row.interrupted
    beating.refresh_from_db()
    assert beating.state == TaskState.RUNNING


def test_task_ids_of_other_backends_are_ignored_by_the_database_queue_rules():
    running(task_id="not-a-uuid-from-redis")
    assert tasks_reap(now=T0 + datetime.timedelta(seconds=STALE + 1)).progress == 1


def test_checked_applies_the_rule_to_one_row_with_explicit_time():
    progress = running()
    assert task_progress_checked(progress, now=T0).state == TaskState.RUNNING
    later = T0 + datetime.timedelta(seconds=STALE + 1)
    assert task_progress_checked(progress, now=later).state == TaskState.FAILED


def test_the_polling_view_reports_a_stale_task_failed_instead_of_35_percent(client):
    user = UserFactory(instructor=True)
    client.force_login(user)
    stale = running(user=user, heartbeat=timezone.now() - datetime.timedelta(seconds=STALE + 5))
    live = running(user=user, heartbeat=timezone.now())

    data = client.get(reverse("core:task_progress_detail", args=[stale.pk])).json()
    assert data["state"] == TaskState.FAILED
    assert data["finished"] is True
    assert data["interrupted"] is True
    data = client.get(reverse("core:task_progress_detail", args=[live.pk])).json()
    assert data["state"] == TaskState.RUNNING
    assert data["interrupted"] is False

    fragment = client.get(
        reverse("core:task_progress_detail", args=[stale.pk]), headers={"HX-Request": "true"}, **EN
    ).content.decode()
    assert 'id="task-interrupted"' in fragment
    assert "start it again" in fragment


def test_the_report_page_stops_polling_and_says_the_analysis_stopped(client):
    user = UserFactory(reader=True)
    client.force_login(user)
    old = timezone.now() - datetime.timedelta(seconds=STALE + 5)
    progress = running(user=user, label=REPORT_LABEL, heartbeat=old)
    html = client.get(reverse("dashboard:report_status", args=[progress.pk]), **EN)
    html = html.content.decode()
    assert 'id="task-interrupted"' in html
    assert "hx-trigger" not in html
    assert "35 %" not in html


def test_the_scenario_page_stops_polling_and_says_the_analysis_stopped(client):
    user = UserFactory(instructor=True)
    client.force_login(user)
    old = timezone.now() - datetime.timedelta(seconds=STALE + 5)
    progress = running(user=user, label=SCENARIO_LABEL, heartbeat=old)
    html = client.get(reverse("territory:scenario_result", args=[progress.pk]), **EN)
    html = html.content.decode()
    assert 'id="task-interrupted"' in html
    assert "hx-trigger" not in html


def test_the_reap_command(settings):
    progress = running(heartbeat=timezone.now() - datetime.timedelta(seconds=STALE + 5))
    call_command("tasks_reap")
    progress.refresh_from_db()
    assert progress.state == TaskState.FAILED


# Per-user limit on queued or running tasks.


def test_task_enqueue_refuses_past_the_limit(settings):
    settings.TASKS_MAX_PENDING_PER_USER = 2
    user = UserFactory(reader=True)
    TaskProgress.objects.create(label="a", requested_by=user)
    running(user=user, heartbeat=timezone.now())
    with pytest.raises(TaskLimitReached):
        task_enqueue(quick, label="q", by=user)
    # Another user is not affected, nor a finished task counted.
    other = UserFactory(reader=True)
    TaskProgress.objects.create(label="a", requested_by=other, state=TaskState.SUCCEEDED)
    task_enqueue(quick, label="q", by=other)


def test_a_dead_workers_task_does_not_hold_a_place(settings):
    settings.TASKS_MAX_PENDING_PER_USER = 1
    user = UserFactory(reader=True)
    dead = running(user=user, heartbeat=timezone.now() - datetime.timedelta(seconds=STALE + 5))
    progress = task_enqueue(quick, label="q", by=user)
    assert progress.state == TaskState.SUCCEEDED
    dead.refresh_from_db()
    assert dead.state == TaskState.FAILED


def test_zero_means_no_limit(settings):
    settings.TASKS_MAX_PENDING_PER_USER = 0
    user = UserFactory(reader=True)
    for _ in range(3):
        TaskProgress.objects.create(label="a", requested_by=user)
    task_enqueue(quick, label="q", by=user)


def test_the_report_form_answers_429_with_the_message(client, settings):
    settings.TASKS_MAX_PENDING_PER_USER = 2
    user = UserFactory(reader=True)
    client.force_login(user)
    for _ in range(2):
        TaskProgress.objects.create(label=REPORT_LABEL, requested_by=user)
    data = {"year": 2024, "departement": "33", "demo": "0"}
    response = client.post(
        reverse("dashboard:report_generate"), data, headers={"HX-Request": "true"}, **EN
    )
    assert response.status_code == 429
    html = response.content.decode()
    assert 'id="report-errors"' in html
    assert "You already have 2 analyses queued or running" in html
    response = client.post(reverse("dashboard:report_generate"), data, **EN)
    assert response.status_code == 429
    assert "You already have 2 analyses queued or running" in response.content.decode()
    assert TaskProgress.objects.filter(requested_by=user).count() == 2


def test_the_scenario_form_answers_429_with_the_message(client, settings):
    settings.TASKS_MAX_PENDING_PER_USER = 1
    user = UserFactory(instructor=True)
    client.force_login(user)
    TaskProgress.objects.create(label=SCENARIO_LABEL, requested_by=user)
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
    response = client.post(
        reverse("territory:scenario_run"), data, headers={"HX-Request": "true"}, **EN
    )
    assert response.status_code == 429
    html = response.content.decode()
    assert 'id="scenario-errors"' in html
    assert "You already have 1 analysis queued or running" in html
    assert TaskProgress.objects.filter(requested_by=user).count() == 1
