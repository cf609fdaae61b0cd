"""The agreement workflow, table-driven: every move of the table made by an instructor and
refused to the others, every pair outside the table refused, the log row of each move."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from tests.accounts.factories import UserFactory
from tests.agreements.factories import AgreementFactory
from tests.calls.factories import holder_user
from tierslieux.agreements import services
from tierslieux.agreements.models import AgreementEvent, AgreementLog, MilestoneDecision
from tierslieux.agreements.workflow import (
    COMMITTED_STATES,
    FINAL_STATES,
    TRANSITIONS,
    AgreementState,
)
from tierslieux.core.workflow import InvalidTransition, StaleState

pytestmark = pytest.mark.django_db
S = AgreementState


def agreement_in(state: str):
    """An agreement in ``state``; once signed, its meetings are held and approved (so that
    closing is allowed)."""
    agreement = AgreementFactory(signed=state != S.DRAFT)
    if state != S.DRAFT:
        agreement.state = state
        agreement.save()
        agreement.milestones.update(
            decision=MilestoneDecision.APPROVED, held_on=agreement.starts_on
        )
    return agreement


def move(agreement, target, user):
    return services.agreement_transition(
        agreement=agreement,
        to=target,
        by=user,
        reason="Parce que.",
        signed_on=agreement.starts_on,
    )


IDS = [f"{s}->{t}" for s, t in TRANSITIONS]


@pytest.mark.parametrize("transition", TRANSITIONS.values(), ids=IDS)
def test_every_move_of_the_table_is_made_by_an_instructor(transition):
    agreement = agreement_in(transition.source)
    instructor = UserFactory(instructor=True)
    move(agreement, transition.target, instructor)
    assert agreement.state == transition.target
    log = AgreementLog.objects.get(agreement=agreement, event=AgreementEvent.STATE_CHANGED)
    assert (log.from_state, log.to_state, log.by, log.note) == (
        transition.source,
        transition.target,
        instructor,
        "Parce que.",
    )


@pytest.mark.parametrize("transition", TRANSITIONS.values(), ids=IDS)
@pytest.mark.parametrize("who", ["holder", "network", "anonymous"])
def test_every_move_of_the_table_is_refused_to_the_others(transition, who):
    agreement = agreement_in(transition.source)
    user = {
        "holder": lambda: holder_user(agreement.application.organisation),
        "network": lambda: UserFactory(network=True),
        "anonymous": AnonymousUser,
    }[who]()
    with pytest.raises(PermissionDenied):
        move(agreement, transition.target, user)
    agreement.refresh_from_db()
    assert agreement.state == transition.source
    assert not AgreementLog.objects.filter(event=AgreementEvent.STATE_CHANGED).exists()


OUTSIDE = [(s, t) for s in S.values for t in S.values if s != t and (s, t) not in TRANSITIONS]


@pytest.mark.parametrize(("source", "target"), OUTSIDE, ids=[f"{s}->{t}" for s, t in OUTSIDE])
def test_every_pair_outside_the_table_is_refused(source, target):
    agreement = agreement_in(source)
    with pytest.raises(InvalidTransition) as error:
        move(agreement, target, UserFactory(superuser=True))
    assert error.value.code == "invalid_transition"
    agreement.refresh_from_db()
    assert agreement.state == source


def test_named_state_sets():
    assert {S.CLOSED, S.TERMINATED} == FINAL_STATES
    assert {S.SIGNED, S.CLOSED} == COMMITTED_STATES
    assert not [t for t in TRANSITIONS.values() if t.source in FINAL_STATES]


def test_signing_needs_its_date_and_a_refused_guard_changes_nothing():
    agreement = agreement_in(S.DRAFT)
    instructor = UserFactory(instructor=True)
    with pytest.raises(ValidationError) as error:
        services.agreement_transition(agreement=agreement, to=S.SIGNED, by=instructor)
    assert error.value.code == "signed_on_required"
    agreement.refresh_from_db()
    assert (agreement.state, agreement.signed_on) == (S.DRAFT, None)
    assert not agreement.logs.exists()
    assert not agreement.tranches.exclude(state="scheduled").exists()


def test_a_stale_agreement_is_refused():
    agreement = agreement_in(S.DRAFT)
    stale = type(agreement).objects.get(pk=agreement.pk)
    instructor = UserFactory(instructor=True)
    services.agreement_sign(agreement=agreement, signed_on=agreement.starts_on, by=instructor)
    with pytest.raises(StaleState):
        services.agreement_transition(
            agreement=stale, to=S.TERMINATED, by=instructor, reason="Abandon"
        )
