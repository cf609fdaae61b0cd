"""Telling higher apps that the directory changed (places opened, closed, moved, imported).

The directory never imports the apps above it (docs/adr/0021). An app that keeps figures
depending on the open places (the premises' match with the mesh) subscribes a callable when it
is ready; every write of the directory calls ``places_changed`` and the subscribers run once the
transaction commits (typically: enqueue a background task). A failing subscriber is logged and
never undoes the directory's write (``robust=True``).
"""

from collections.abc import Callable

from django.db import transaction

Subscriber = Callable[[], None]
_subscribers: dict[str, Subscriber] = {}


def places_changed_subscribe(name: str, subscriber: Subscriber) -> None:
    """Run ``subscriber()`` after every committed change of the directory (one per name)."""
    _subscribers[name] = subscriber


def places_changed() -> None:
    """Called by the directory's writes: the subscribers run after the commit."""
    for subscriber in _subscribers.values():
        transaction.on_commit(subscriber, robust=True)
