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


# --- the engine's hooks on applications ---------------------------------------------------------


def test_named_state_sets_cover_the_states():
    from tierslieux.calls import workflow

    assert set(S.values) == workflow.FINAL_STATES | workflow.OPEN_STATES
    assert not workflow.FINAL_STATES & workflow.OPEN_STATES
    assert workflow.DECIDED_STATES < workflow.FINAL_STATES
    assert workflow.EDITABLE_STATES | workflow.INSTRUCTION_STATES < workflow.OPEN_STATES
    assert set(S.values) - {S.DRAFT} == workflow.SENT_STATES
    # No move leaves a final state.
    assert not [t for t in TRANSITIONS.values() if t.source in workflow.FINAL_STATES]


def test_every_move_of_the_table_notifies_after_the_commit():
    from tierslieux.calls.workflow import Hook

    assert all(t.after_commit == (Hook.NOTIFY,) for t in TRANSITIONS.values())


def test_notify_false_sends_no_email(mailoutbox, django_capture_on_commit_callbacks):
    application = ApplicationFactory()
    holder = holder_user(application.organisation, email="porteuse@example.org")
    instructor = UserFactory(instructor=True, email="instructrice@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=application, by=holder, notify=False)
        services.application_assign(
            application=application, instructor=instructor, by=instructor, notify=False
        )
        services.application_transition(
            application=application, to=S.UNDER_INSTRUCTION, by=instructor, notify=False
        )
        services.application_message_post(
            application=application, body="Bonjour.", by=holder, notify=False
        )
    assert application.state == S.UNDER_INSTRUCTION
    assert application.logs.count() == 2
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.application_transition(
            application=application, to=S.CHANGES_REQUESTED, by=instructor, reason="Le bail."
        )
    assert [m.to for m in mailoutbox] == [["porteuse@example.org"]]


def test_submission_stores_the_gain_of_the_given_mesh_gain():
    from tests.calls.factories import CallFactory

    application = ApplicationFactory(call=CallFactory(creation=True))
    asked = []

    def gain(params, *, lon, lat):
        asked.append((lon, lat, params.minutes))
        return 4321

    services.application_submit(
        application=application, by=holder_user(application.organisation), mesh_gain=gain
    )
    assert application.inhabitants_brought == 4321
    assert application.submitted_at is not None and application.mesh_computed_at is not None
    assert len(asked) == 1 and asked[0][:2] == application.point
    services.application_mesh_compute(application=application, mesh_gain=lambda p, **kw: 7)
    application.refresh_from_db()
    assert application.inhabitants_brought == 7


def test_a_refused_submission_stamps_and_stores_nothing():
    from tests.calls.factories import CallFactory, commune
    from tests.places.factories import PlaceFactory

    PlaceFactory(commune=commune("24322"))
    application = ApplicationFactory(call=CallFactory(creation=True))
    with pytest.raises(services.ApplicationIneligible):
        services.application_submit(
            application=application, by=holder_user(application.organisation)
        )
    for stored in (application, type(application).objects.get(pk=application.pk)):
        assert (stored.state, stored.submitted_at, stored.mesh_computed_at) == (S.DRAFT, None, None)
        assert stored.inhabitants_brought is None and stored.suggested_cents is None
    assert not ApplicationLog.objects.filter(application=application).exists()


def test_the_actor_of_a_status_change_is_kept():
    from django.db.models import ProtectedError

    application = ApplicationFactory(submitted=True)
    instructor = UserFactory(instructor=True)
    services.application_transition(application=application, to=S.UNDER_INSTRUCTION, by=instructor)
    with pytest.raises(ProtectedError):
        instructor.delete()
    assert application.logs.get().by == instructor
