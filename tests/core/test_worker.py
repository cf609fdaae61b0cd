"""The task worker's loop survives transient database errors (ADR 0015), tested through an
injected step, sleep, reaper and clock: no database, no real waiting."""

import pytest
from django.db import OperationalError

from tierslieux.core.worker import ResilientWorker, Step, WorkerGaveUp


class Script:
    """A step that plays a list of outcomes: a ``Step`` is returned, an exception raised."""

    def __init__(self, *outcomes):
        self.outcomes = list(outcomes)
        self.calls = 0

    def __call__(self):
        self.calls += 1
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


def worker(step, *, sleeps, reaps=None, batch=True, max_failures=5, clock=None, **kw):
    return ResilientWorker(
        step=step,
        sleep=sleeps.append,
        reap=(lambda: reaps.append(1)) if reaps is not None else (lambda: None),
        clock=clock or (lambda: 0.0),
        reset_connections=lambda: None,
        max_failures=max_failures,
        backoff_initial=0.5,
        backoff_max=4.0,
        queue_names=["default"],
        interval=1.0,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=kw.pop("max_tasks", None),
        worker_id="test-worker",
        excluded_queue_names=[],
    )


LOCKED = OperationalError("database is locked")


def test_a_locked_database_is_retried_with_a_growing_wait_then_work_goes_on():
    step = Script(LOCKED, LOCKED, LOCKED, Step.RAN, Step.EMPTY)
    sleeps = []
    w = worker(step, sleeps=sleeps)
    w.run()  # returns (batch mode, queue empty) instead of dying on the first error
    assert step.calls == 5
    assert sleeps == [0.5, 1.0, 2.0]
    assert w.consecutive_failures == 0


def test_the_wait_is_bounded():
    w = worker(Script(), sleeps=[])
    assert [w.backoff(n) for n in range(1, 8)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0, 4.0]


def test_the_failure_count_restarts_after_a_good_turn():
    step = Script(*([LOCKED] * 4), Step.RAN, *([LOCKED] * 4), Step.EMPTY)
    sleeps = []
    worker(step, sleeps=sleeps, max_failures=5).run()
    assert sleeps == [0.5, 1.0, 2.0, 4.0, 0.5, 1.0, 2.0, 4.0]


def test_too_many_errors_in_a_row_give_up_so_that_the_process_exits():
    step = Script(*([LOCKED] * 10))
    sleeps = []
    with pytest.raises(WorkerGaveUp):
        worker(step, sleeps=sleeps, max_failures=3).run()
    assert step.calls == 3
    assert sleeps == [0.5, 1.0]


def test_other_errors_are_not_swallowed():
    with pytest.raises(ZeroDivisionError):
        worker(Script(ZeroDivisionError()), sleeps=[]).run()


def test_an_idle_worker_waits_its_interval_and_reaps_dead_tasks_periodically():
    now = [0.0]
    step_outcomes = [Step.EMPTY] * 5
    sleeps, reaps = [], []

    def sleep(seconds):
        sleeps.append(seconds)
        now[0] += seconds * 30  # each idle turn: 30 s of the clock

    w = worker(Script(*step_outcomes), sleeps=sleeps, reaps=reaps, batch=False)
    w.sleep = sleep
    w.clock = lambda: now[0]
    w.reap_interval = 60.0

    def stop_after_five():
        outcome = step_outcomes_played.pop(0)
        if not step_outcomes_played:
            w.running = False
        return outcome

    step_outcomes_played = list(step_outcomes)
    w.step = stop_after_five
    w.run()
    assert sleeps == [1.0] * 4  # no wait after being told to stop
    assert len(reaps) == 3  # at 0 s, 60 s, 120 s


def test_max_tasks_ends_the_loop():
    step = Script(Step.RAN, Step.RAN, Step.RAN)
    w = worker(step, sleeps=[], batch=False, max_tasks=2)

    def ran():
        outcome = step()
        w._run_tasks += 1
        return outcome

    w.step = ran
    w.run()
    assert step.calls == 2
