"""The workflow engine (``core.workflow``) on a tiny ticket model: the table, the lock, the
permission, the reason, pure guards, ``after`` hooks in the transaction, ``after_commit`` hooks
(notifications skipped with ``notify=False``) and the log whose actor is kept."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db.models import ProtectedError

from tests.accounts.factories import UserFactory
from tests.core.workflow_app.models import Ticket, TicketLog, TicketState
from tierslieux.core import clock
from tierslieux.core.workflow import (
    InvalidTransition,
    StaleState,
    Transition,
    TransitionContext,
    Workflow,
    table,
)

pytestmark = pytest.mark.django_db

T = TicketState
ANYONE = "territory.view"  # every role, anonymous visitors included
STAFF = "audit.view"  # instructors only

ROWS = (
    Transition(source=T.NEW, target=T.OPEN, action=ANYONE, guard="titled", after=("stamp",)),
    Transition(
        source=T.OPEN, target=T.DONE, action=STAFF, after_commit=("mail", "count"), actor="staff"
    ),
    Transition(source=T.OPEN, target=T.DROPPED, action=ANYONE, reason_required=True),
    Transition(source=T.NEW, target=T.DROPPED, action=ANYONE, after=("explode",)),
)
TABLE = table(ROWS)


class Calls:
    """What the hooks saw, in order."""

    def __init__(self) -> None:
        self.seen: list[str] = []


def make_workflow(calls: Calls) -> Workflow[Ticket]:
    def titled(context: TransitionContext) -> None:
        calls.seen.append("titled")
        if not context.obj.title:
            raise ValidationError("A title first.", code="untitled")
        context.facts["upper"] = context.obj.title.upper()

    def stamp(context: TransitionContext) -> None:
        calls.seen.append("stamp")
        context.obj.stamp = f"{context.facts['upper']}:{context.options.get('suffix', '')}"

    def explode(context: TransitionContext) -> None:
        raise ValidationError("after hook refused", code="boom")

    def mail(context: TransitionContext) -> None:
        calls.seen.append(f"mail:{context.obj.state}")

    def count(context: TransitionContext) -> None:
        calls.seen.append("count")

    return Workflow(
        model=Ticket,
        transitions=TABLE,
        log_model=TicketLog,
        log_object_field="ticket",
        hooks={"titled": titled, "stamp": stamp, "explode": explode, "mail": mail, "count": count},
        notifications=frozenset({"mail"}),
    )


@pytest.fixture
def calls():
    return Calls()


@pytest.fixture
def workflow(calls):
    return make_workflow(calls)


@pytest.fixture
def staff():
    return UserFactory(instructor=True)


# --- the table and the declaration -------------------------------------------------------------


def test_a_pair_declared_twice_is_refused():
    with pytest.raises(ImproperlyConfigured, match="twice"):
        table([*ROWS, ROWS[0]])


def test_a_hook_named_in_the_table_must_exist():
    with pytest.raises(ImproperlyConfigured, match="no hook named 'stamp'"):
        Workflow(
            model=Ticket,
            transitions=TABLE,
            log_model=TicketLog,
            log_object_field="ticket",
            hooks={"titled": lambda c: None},
        )


def test_moves_from_reads_the_table(workflow):
    assert {t.target for t in workflow.moves_from(T.NEW)} == {T.OPEN, T.DROPPED}
    assert workflow.moves_from(T.DONE) == []


# --- a move ---------------------------------------------------------------------------------------


def test_a_move_sets_the_state_logs_it_and_runs_guard_then_after_hooks(workflow, calls, staff):
    ticket = Ticket.objects.create(title="roof")
    moment = clock.now().replace(microsecond=0)
    with clock.at(moment):
        returned = workflow.run(obj=ticket, to=T.OPEN, by=staff, reason="  go  ", suffix="x")
    assert returned is ticket
    assert (ticket.state, ticket.stamp) == (T.OPEN, "ROOF:x")
    assert Ticket.objects.get().state == T.OPEN
    log = TicketLog.objects.get()
    assert (log.from_state, log.to_state, log.by, log.reason, log.at) == (
        T.NEW,
        T.OPEN,
        staff,
        "go",
        moment,
    )
    assert calls.seen == ["titled", "stamp"]


@pytest.mark.parametrize("by", [None, AnonymousUser()], ids=["system", "anonymous"])
def test_the_system_and_visitors_are_logged_without_an_actor(workflow, by):
    ticket = Ticket.objects.create(title="t")
    workflow.run(obj=ticket, to=T.OPEN, by=by)
    assert TicketLog.objects.get().by is None


PAIRS_OUTSIDE = [(s, t) for s in T.values for t in T.values if s != t and (s, t) not in TABLE]


@pytest.mark.parametrize(("source", "target"), PAIRS_OUTSIDE)
def test_every_pair_outside_the_table_is_refused(workflow, source, target):
    ticket = Ticket.objects.create(state=source, title="t")
    superuser = UserFactory(superuser=True)
    with pytest.raises(InvalidTransition) as error:
        workflow.run(obj=ticket, to=target, by=superuser)
    assert error.value.code == "invalid_transition"
    assert Ticket.objects.get().state == source
    assert not TicketLog.objects.exists()


def test_an_unknown_target_is_refused_as_an_invalid_move(workflow):
    ticket = Ticket.objects.create(title="t")
    with pytest.raises(InvalidTransition):
        workflow.run(obj=ticket, to="nowhere", by=None)


def test_a_stale_state_is_refused(workflow, staff):
    ticket = Ticket.objects.create(title="t")
    stale = Ticket.objects.get()
    workflow.run(obj=ticket, to=T.OPEN, by=staff)
    with pytest.raises(StaleState) as error:
        workflow.run(obj=stale, to=T.OPEN, by=staff)
    assert error.value.code == "stale"
    assert TicketLog.objects.count() == 1


def test_the_action_of_the_move_is_required(workflow, calls):
    ticket = Ticket.objects.create(state=T.OPEN)
    holder = UserFactory(holder=True)
    with pytest.raises(PermissionDenied):
        workflow.run(obj=ticket, to=T.DONE, by=holder)
    assert Ticket.objects.get().state == T.OPEN
    assert not TicketLog.objects.exists()


def test_a_reason_is_required_where_the_table_says_so(workflow):
    ticket = Ticket.objects.create(state=T.OPEN)
    with pytest.raises(ValidationError) as error:
        workflow.run(obj=ticket, to=T.DROPPED, by=None, reason="   ")
    assert error.value.code == "reason_required"
    workflow.run(obj=ticket, to=T.DROPPED, by=None, reason="duplicate")
    assert ticket.state == T.DROPPED


def test_a_refusing_guard_changes_nothing_and_runs_no_hook(workflow, calls):
    ticket = Ticket.objects.create()
    with pytest.raises(ValidationError) as error:
        workflow.run(obj=ticket, to=T.OPEN, by=None)
    assert error.value.code == "untitled"
    assert calls.seen == ["titled"]
    stored = Ticket.objects.get()
    assert (stored.state, stored.stamp) == (T.NEW, "")
    assert not TicketLog.objects.exists()


def test_an_after_hook_error_rolls_the_move_and_its_log_back(workflow):
    ticket = Ticket.objects.create(title="t")
    with pytest.raises(ValidationError, match="after hook refused"):
        workflow.run(obj=ticket, to=T.DROPPED, by=None)
    assert Ticket.objects.get().state == T.NEW
    assert not TicketLog.objects.exists()


# --- after the commit --------------------------------------------------------------------------


def test_after_commit_hooks_run_only_once_committed(
    workflow, calls, staff, django_capture_on_commit_callbacks
):
    ticket = Ticket.objects.create(state=T.OPEN)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        workflow.run(obj=ticket, to=T.DONE, by=staff)
        assert calls.seen == []
    assert len(callbacks) == 2
    assert calls.seen == ["mail:done", "count"]


def test_notify_false_skips_the_notification_hooks_only(
    workflow, calls, staff, django_capture_on_commit_callbacks
):
    ticket = Ticket.objects.create(state=T.OPEN)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.run(obj=ticket, to=T.DONE, by=staff, notify=False)
    assert calls.seen == ["count"]


def test_a_refused_move_registers_no_after_commit_hook(
    workflow, calls, django_capture_on_commit_callbacks
):
    ticket = Ticket.objects.create(state=T.OPEN)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(PermissionDenied),
    ):
        workflow.run(obj=ticket, to=T.DONE, by=None)
    assert callbacks == []


# --- the log keeps its actor --------------------------------------------------------------------


def test_the_actor_of_a_log_cannot_be_deleted_only_deactivated(workflow, staff):
    ticket = Ticket.objects.create(state=T.OPEN)
    workflow.run(obj=ticket, to=T.DONE, by=staff)
    with pytest.raises(ProtectedError):
        staff.delete()
    staff.is_active = False
    staff.save()
    assert TicketLog.objects.get().by == staff
