"""Every transition of the table, allowed for its actor and refused for the others."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.calls.factories import ApplicationFactory, holder_user
from tierslieux.calls import services
from tierslieux.calls.models import ApplicationLog
from tierslieux.calls.workflow import TRANSITIONS, Actor, ApplicationState, Transition
from tierslieux.core.permissions import user_can

pytestmark = pytest.mark.django_db

S = ApplicationState
TRAITS = {
    S.DRAFT: {},
    S.SUBMITTED: {"submitted": True},
    S.UNDER_INSTRUCTION: {"under_instruction": True},
    S.CHANGES_REQUESTED: {"changes_requested": True},
    S.PROPOSED: {"proposed": True},
    S.ACCEPTED: {"accepted": True},
    S.REJECTED: {"rejected": True},
    S.WITHDRAWN: {"withdrawn": True},
}


def _move(application, transition: Transition, user):
    """Make the move through the service a page would call."""
    if transition.target in (S.ACCEPTED, S.REJECTED):
        return services.application_decide(
            application=application,
            accepted=transition.target == S.ACCEPTED,
            committee_on=timezone.localdate(),
            reason="Avis du comité.",
            by=user,
        )
    if transition.target == S.PROPOSED and user_can(user, "calls.application_instruct"):
        services.application_amount_set(application=application, by=user)
    return services.application_transition(
        application=application, to=transition.target, by=user, reason="Parce que."
    )


def _actor_user(transition: Transition, application):
    if transition.actor == Actor.HOLDER:
        return holder_user(application.organisation)
    return UserFactory(instructor=True)


IDS = [f"{t.source}->{t.target}" for t in TRANSITIONS.values()]


@pytest.mark.parametrize("transition", TRANSITIONS.values(), ids=IDS)
def test_transition_allowed_for_its_actor(transition):
    application = ApplicationFactory(**TRAITS[transition.source])
    user = _actor_user(transition, application)
    _move(application, transition, user)
    application.refresh_from_db()
    assert application.state == transition.target
    log = ApplicationLog.objects.get(application=application)
    assert (log.from_state, log.to_state, log.by) == (transition.source, transition.target, user)


@pytest.mark.parametrize("transition", TRANSITIONS.values(), ids=IDS)
@pytest.mark.parametrize("who", ["other_role", "holder_of_another_organisation", "anonymous"])
def test_transition_refused_for_others(transition, who):
    application = ApplicationFactory(**TRAITS[transition.source])
    if who == "other_role":
        user = (
            UserFactory(instructor=True)
            if transition.actor == Actor.HOLDER
            else holder_user(application.organisation)
        )
    elif who == "holder_of_another_organisation":
        user = holder_user()
    else:
        from django.contrib.auth.models import AnonymousUser

        user = AnonymousUser()
    with pytest.raises(PermissionDenied):
        _move(application, transition, user)
    application.refresh_from_db()
    assert application.state == transition.source
    assert not ApplicationLog.objects.filter(application=application).exists()


MISSING = [
    (source, target)
    for source in S.values
    for target in S.values
    if (source, target) not in TRANSITIONS and source != target
]


@pytest.mark.parametrize(("source", "target"), MISSING, ids=[f"{s}->{t}" for s, t in MISSING])
def test_moves_outside_the_table_are_refused(source, target):
    application = ApplicationFactory(**TRAITS[source])
    superuser = UserFactory(superuser=True)
    with pytest.raises(services.InvalidTransition):
        services.application_transition(application=application, to=target, by=superuser)


@pytest.mark.parametrize(
    ("source", "target"),
    [(S.UNDER_INSTRUCTION, S.CHANGES_REQUESTED), (S.PROPOSED, S.UNDER_INSTRUCTION)],
)
def test_a_reason_is_required_where_the_table_says_so(source, target):
    application = ApplicationFactory(**TRAITS[source])
    with pytest.raises(ValidationError) as raised:
        services.application_transition(
            application=application, to=target, by=UserFactory(instructor=True), reason="  "
        )
    assert raised.value.code == "reason_required"


def test_acceptance_only_through_a_recorded_decision():
    application = ApplicationFactory(proposed=True)
    with pytest.raises(ValidationError) as error:
        services.application_transition(
            application=application, to=S.ACCEPTED, by=UserFactory(instructor=True)
        )
    assert error.value.code == "no_decision"


def test_proposal_needs_an_amount():
    application = ApplicationFactory(under_instruction=True)
    with pytest.raises(ValidationError) as error:
        services.application_transition(
            application=application, to=S.PROPOSED, by=UserFactory(instructor=True)
        )
    assert error.value.code == "no_amount"


def test_stale_state_is_refused():
    application = ApplicationFactory(submitted=True)
    stale = type(application).objects.get(pk=application.pk)
    instructor = UserFactory(instructor=True)
    services.application_transition(application=application, to=S.UNDER_INSTRUCTION, by=instructor)
    with pytest.raises(services.InvalidTransition):
        services.application_transition(application=stale, to=S.UNDER_INSTRUCTION, by=instructor)


def test_changes_requested_round_trip_with_the_holder():
    application = ApplicationFactory(under_instruction=True)
    instructor = UserFactory(instructor=True)
    holder = holder_user(application.organisation)
    services.application_transition(
        application=application,
        to=S.CHANGES_REQUESTED,
        by=instructor,
        reason="Précisez le plan de financement.",
    )
    services.application_update(application=application, by=holder, timeline="Ouverture en mai.")
    services.application_message_post(application=application, body="C'est fait.", by=holder)
    services.application_submit(application=application, by=holder)
    application.refresh_from_db()
    assert application.state == S.SUBMITTED
    assert [log.to_state for log in application.logs.all()] == [
        S.CHANGES_REQUESTED,
        S.SUBMITTED,
    ]
