"""The one workflow engine: a state field moved along a transition table written as data.

A workflow (application, agreement, and the premises offers and training registrations to come)
is declared in two parts:

- **the table**, plain data importable by models, forms and templates (``<app>/workflow.py``):
  ``Transition(source, target, action, label, reason_required, guard, after, after_commit)``
  rows, where ``action`` is the ``core.permissions`` action the user needs on the object and
  ``guard``/``after``/``after_commit`` are hook *names*;
- **the behaviour**, a ``Workflow`` built where the hooks live (``<app>/services*.py``): the
  model, the hooks by name, the log model and the messages.

``Workflow.run(obj=..., to=..., by=..., reason=..., notify=True, **options)`` is then the only
code that changes the state. In one transaction it

1. locks the row (``select_for_update``) and refuses with ``StaleState`` when the state read by
   the caller is no longer the stored one (someone moved it meanwhile);
2. looks the move up in the table (``InvalidTransition`` when absent), asks
   ``require(by, transition.action, obj)`` (``PermissionDenied``), requires a reason where the
   table says so;
3. runs the **guard**: a pure check that raises a ``ValidationError`` (or a subclass) and writes
   nothing, neither on the object nor in the database. A guard may leave values it computed
   in ``context.facts`` for the hooks (the minutes to the nearest place, for instance);
4. sets the state, writes the log row (``TransitionLog`` subclass: from, to, by, reason, at),
   runs the **after** hooks in the transaction (stamps, derived figures, dependent rows: their
   errors roll everything back), then ``full_clean()`` and saves the object;
5. registers the **after_commit** hooks with ``transaction.on_commit`` (e-mails, outside
   effects). Hooks named in ``Workflow.notifications`` are skipped when ``notify=False``.

The object the caller passed is refreshed from the database and returned. Keyword ``options``
(``signed_on``, ``mesh_gain``...) reach the guard and the hooks through ``context.options``.
See ``docs/workflow.md`` and ADR 0019.
"""

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tierslieux.core.permissions import Actor, require

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=models.Model)


class InvalidTransition(ValidationError):
    """The table does not allow this move from the object's current state."""


class StaleState(InvalidTransition):
    """The object's state changed since the caller read it: reload, then decide again."""


@dataclass(frozen=True)
class Transition:
    """One row of a transition table: a move from ``source`` to ``target``.

    ``action`` is the permission (``core.permissions.ACTION_ROLES``) the user needs on the
    object; ``guard``, ``after`` and ``after_commit`` name hooks of the ``Workflow``; ``actor``
    says for whom the move is meant (a free label: "holder", "instructor"), used by pages and
    notifications, never for permissions.
    """

    source: str
    target: str
    action: str
    label: str | Promise = ""
    reason_required: bool = False
    guard: str | None = None
    after: tuple[str, ...] = ()
    after_commit: tuple[str, ...] = ()
    actor: str = ""


@dataclass
class TransitionContext(Generic[M]):
    """What a guard or a hook receives: the locked object, the move, who, why, and options."""

    obj: M
    transition: Transition
    by: Actor
    reason: str
    notify: bool
    options: Mapping[str, Any]
    facts: dict[str, Any] = field(default_factory=dict)
    """Values a guard computed for the hooks (a guard writes here, never on ``obj``)."""


INVALID_MESSAGE = gettext_lazy("This record cannot go from “%(from)s” to “%(to)s”.")
STALE_MESSAGE = gettext_lazy("This record changed meanwhile (status: %(state)s): reload it.")

Hook = Callable[[TransitionContext[Any]], None]


def table(rows: Iterable[Transition]) -> dict[tuple[str, str], Transition]:
    """The rows by ``(source, target)``; a pair given twice is a mistake in the table."""
    result: dict[tuple[str, str], Transition] = {}
    for row in rows:
        key = (str(row.source), str(row.target))
        if key in result:
            raise ImproperlyConfigured(f"transition {key} is declared twice")
        result[key] = row
    return result


def logged_actor(by: Actor) -> Any:
    """The user to store in a log row: ``None`` for the system or an anonymous visitor."""
    return by if getattr(by, "is_authenticated", False) else None


@dataclass(frozen=True)
class Workflow(Generic[M]):
    """The behaviour of one transition table on one model (see the module docstring)."""

    model: type[M]
    transitions: Mapping[tuple[str, str], Transition]
    log_model: type[models.Model]
    log_object_field: str
    """The log's foreign key to the object (``application``, ``agreement``)."""
    hooks: Mapping[str, Hook] = field(default_factory=dict)
    notifications: frozenset[str] = frozenset()
    """Hooks (``after_commit`` ones) that send messages: skipped when ``notify=False``."""
    state_field: str = "state"
    log_reason_field: str = "reason"
    log_extra: Mapping[str, Any] = field(default_factory=dict)
    """Constant fields of every log row written by a transition (``event`` for agreements)."""
    invalid_message: str | Promise = INVALID_MESSAGE
    """Refusal of a move outside the table, with ``%(from)s`` and ``%(to)s``."""
    stale_message: str | Promise = STALE_MESSAGE
    """Refusal when the state changed since it was read, with ``%(state)s``."""

    def __post_init__(self) -> None:
        for transition in self.transitions.values():
            names = [transition.guard, *transition.after, *transition.after_commit]
            for name in names:
                if name is not None and name not in self.hooks:
                    raise ImproperlyConfigured(
                        f"{self.model.__name__} workflow: no hook named {name!r} "
                        f"({transition.source} -> {transition.target})"
                    )
        unknown = self.notifications - set(self.hooks)
        if unknown:
            raise ImproperlyConfigured(f"unknown notification hooks {sorted(unknown)}")

    # --- reading the table -------------------------------------------------------------------

    def moves_from(self, state: str) -> list[Transition]:
        """The moves the table allows from ``state`` (whoever may make them)."""
        return [t for t in self.transitions.values() if t.source == state]

    def _state_label(self, value: str) -> str:
        choices = dict(self.model._meta.get_field(self.state_field).choices or ())
        return str(choices.get(value, value))

    # --- running a move ------------------------------------------------------------------------

    def run(
        self,
        *,
        obj: M,
        to: str,
        by: Actor,
        reason: str = "",
        notify: bool = True,
        **options: Any,
    ) -> M:
        """Move ``obj`` to ``to`` (see the module docstring); return ``obj`` refreshed."""
        with transaction.atomic():
            current = self.model._default_manager.select_for_update().get(pk=obj.pk)
            source = getattr(current, self.state_field)
            if getattr(obj, self.state_field) != source:
                raise StaleState(
                    str(self.stale_message) % {"state": self._state_label(source)},
                    code="stale",
                )
            transition = self.transitions.get((source, str(to)))
            if transition is None:
                raise InvalidTransition(
                    str(self.invalid_message)
                    % {"from": self._state_label(source), "to": self._state_label(str(to))},
                    code="invalid_transition",
                )
            require(by, transition.action, current)
            reason = reason.strip()
            if transition.reason_required and not reason:
                raise ValidationError(_("Please give a reason."), code="reason_required")
            context: TransitionContext[M] = TransitionContext(
                obj=current,
                transition=transition,
                by=by,
                reason=reason,
                notify=notify,
                options=options,
            )
            if transition.guard is not None:
                self.hooks[transition.guard](context)
            setattr(current, self.state_field, transition.target)
            self.log_model._default_manager.create(
                **{
                    self.log_object_field: current,
                    "from_state": transition.source,
                    "to_state": transition.target,
                    "by": logged_actor(by),
                    self.log_reason_field: reason,
                    **self.log_extra,
                }
            )
            for name in transition.after:
                self.hooks[name](context)
            current.full_clean()
            current.save()
            for name in transition.after_commit:
                if notify or name not in self.notifications:
                    hook = self.hooks[name]
                    transaction.on_commit(lambda hook=hook: hook(context), robust=True)
            logger.info(
                "%s %s: %s -> %s by user %s",
                self.model._meta.label,
                current.pk,
                transition.source,
                transition.target,
                getattr(logged_actor(by), "pk", None),
            )
        obj.refresh_from_db()
        return obj
