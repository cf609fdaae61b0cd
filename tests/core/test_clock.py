"""The product's clock (``core.clock``): one place to ask the time, settable without patching."""

import asyncio
import datetime
import threading

import pytest
from django.utils import timezone

from tierslieux.core import clock


def test_outside_any_block_the_clock_is_django_s():
    before = timezone.now()
    moment = clock.now()
    assert before <= moment <= timezone.now()
    assert clock.today() == timezone.localdate()
    assert not clock.is_set()


def test_at_sets_the_moment_and_blocks_nest():
    first = timezone.make_aware(datetime.datetime(2019, 3, 4, 10, 30))
    with clock.at(first) as aware:
        assert aware == first
        assert clock.now() == first
        assert clock.today() == datetime.date(2019, 3, 4)
        with clock.at(datetime.date(2020, 1, 2)):
            assert clock.today() == datetime.date(2020, 1, 2)
            assert clock.now().hour == 9
        assert clock.now() == first
    assert not clock.is_set()


def test_a_naive_moment_is_taken_in_the_project_time_zone():
    with clock.at(datetime.datetime(2021, 6, 1, 23, 30)) as aware:
        assert timezone.is_aware(aware)
        assert clock.today() == datetime.date(2021, 6, 1)


def test_the_moment_is_restored_when_the_block_raises():
    with pytest.raises(RuntimeError), clock.at(datetime.date(2018, 1, 1)):
        raise RuntimeError
    assert not clock.is_set()


def test_another_thread_does_not_see_the_moment():
    seen = []
    with clock.at(datetime.date(2017, 5, 5)):
        thread = threading.Thread(target=lambda: seen.append(clock.today()))
        thread.start()
        thread.join()
    assert seen == [timezone.localdate()]


def test_concurrent_asyncio_tasks_keep_their_own_moment():
    async def day(moment):
        with clock.at(moment):
            await asyncio.sleep(0)
            return clock.today()

    async def both():
        return await asyncio.gather(
            day(datetime.date(2016, 1, 1)), day(datetime.date(2024, 12, 31))
        )

    # In a thread of its own: a browser test of the same worker may leave an event loop running
    # in this one (Playwright's sync API), where asyncio.run() refuses to start.
    results = []
    thread = threading.Thread(target=lambda: results.append(asyncio.run(both())))
    thread.start()
    thread.join()
    assert results == [[datetime.date(2016, 1, 1), datetime.date(2024, 12, 31)]]


@pytest.mark.django_db
def test_records_are_stamped_with_the_clock_on_create_and_on_save():
    from tierslieux.core.models import TaskProgress

    with clock.at(datetime.date(2019, 2, 1)):
        task = TaskProgress.objects.create(label="clock")
    assert task.created_at.date() == datetime.date(2019, 2, 1)
    assert task.updated_at.date() == datetime.date(2019, 2, 1)
    with clock.at(datetime.date(2020, 7, 14)):
        task.label = "again"
        task.save(update_fields=["label"])
    task.refresh_from_db()
    assert task.created_at.date() == datetime.date(2019, 2, 1)
    assert task.updated_at.date() == datetime.date(2020, 7, 14)
