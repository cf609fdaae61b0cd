"""Reminders per instructor: upcoming (within 30 days) and overdue meetings, reports, renewals."""

import datetime

import pytest
from django.core.management import call_command

from tests.accounts.factories import UserFactory
from tests.agreements.factories import AgreementFactory, PremisesAgreementFactory, today
from tierslieux.agreements import selectors
from tierslieux.agreements.models import MilestoneDecision

pytestmark = pytest.mark.django_db
D = datetime.timedelta


def agreement_for(*instructors, **kwargs):
    """A signed agreement whose meetings are: kickoff approved, midterm and final as given."""
    agreement = AgreementFactory(signed=True, **kwargs)
    agreement.application.instructors.set(instructors)
    agreement.milestones.filter(kind="kickoff").update(
        held_on=today() - D(days=100), decision=MilestoneDecision.APPROVED
    )
    return agreement


def plan(agreement, kind, planned_on, **fields):
    agreement.milestones.filter(kind=kind).update(planned_on=planned_on, **fields)
    return agreement.milestones.get(kind=kind)


def test_upcoming_within_30_days_and_overdue_for_the_assigned_instructor():
    alice, bob = UserFactory(instructor=True), UserFactory(instructor=True)
    mine = agreement_for(alice)
    overdue = plan(mine, "midterm", today() - D(days=3))
    soon = plan(mine, "final", today() + D(days=30))
    other = agreement_for(bob)
    plan(other, "midterm", today() + D(days=5))
    plan(other, "final", today() + D(days=31))

    r = selectors.reminders_for(user=alice, on=today())
    assert list(r.overdue) == [overdue]
    assert list(r.upcoming) == [soon]
    r = selectors.reminders_for(user=bob, on=today())
    assert [m.kind for m in r.upcoming] == ["midterm"]  # the final is 31 days away
    assert r.overdue == ()


def test_unassigned_agreements_remind_every_instructor():
    alice, bob = UserFactory(instructor=True), UserFactory(instructor=True)
    agreement = agreement_for()
    plan(agreement, "midterm", today() + D(days=2))
    assert len(selectors.reminders_for(user=alice).upcoming) == 1
    assert len(selectors.reminders_for(user=bob).upcoming) == 1


def test_held_meetings_not_approved_are_reports_due():
    alice = UserFactory(instructor=True)
    agreement = agreement_for(alice)
    midterm = plan(
        agreement,
        "midterm",
        today() - D(days=10),
        held_on=today() - D(days=10),
        decision=MilestoneDecision.ADJUSTMENTS_REQUIRED,
    )
    r = selectors.reminders_for(user=alice)
    assert list(r.reports_due) == [midterm]
    assert midterm not in r.overdue


def test_drafts_closed_and_approved_meetings_are_not_reminded():
    alice = UserFactory(instructor=True)
    draft = AgreementFactory()
    draft.application.instructors.set([alice])
    draft.milestones.update(planned_on=today())
    agreement = agreement_for(alice)
    agreement.milestones.update(
        planned_on=today(), held_on=today(), decision=MilestoneDecision.APPROVED
    )
    assert not selectors.reminders_for(user=alice)


def test_premises_renewal_reminded_within_its_notice():
    alice = UserFactory(instructor=True)
    due = PremisesAgreementFactory(renewal_on=today() + D(days=60), renewal_notice_days=90)
    PremisesAgreementFactory(renewal_on=today() + D(days=120), renewal_notice_days=90)
    assert list(selectors.reminders_for(user=alice).renewals) == [due]


def test_reminders_are_for_instructors_only():
    agreement = agreement_for()
    plan(agreement, "midterm", today() + D(days=2))
    holder = UserFactory(holder=True, organisation=agreement.application.organisation)
    assert not selectors.reminders_for(user=holder)
    assert not selectors.reminders_for(user=UserFactory(network=True))


def test_command_sends_one_email_per_instructor_with_something_to_remind(
    django_capture_on_commit_callbacks, mailoutbox, immediate_tasks
):
    alice = UserFactory(instructor=True, email="alice@example.org")
    bob = UserFactory(instructor=True, email="bob@example.org")
    UserFactory(instructor=True, email="carol@example.org")  # nothing to remind
    UserFactory(holder=True, email="holder@example.org")
    a = agreement_for(alice)
    plan(a, "midterm", today() - D(days=1))
    plan(a, "final", today() + D(days=10))
    b = agreement_for(bob)
    plan(b, "midterm", today() + D(days=10))

    with django_capture_on_commit_callbacks(execute=True):
        call_command("agreements_reminders")

    assert sorted(m.to[0] for m in mailoutbox) == ["alice@example.org", "bob@example.org"]
    assert all(len(m.to) == 1 for m in mailoutbox)
    alice_mail = next(m for m in mailoutbox if m.to == ["alice@example.org"])
    assert str(a) in alice_mail.body
    assert str(b) not in alice_mail.body
