"""The lifecycle of an offer, table-driven: every allowed move, every forbidden pair."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.premises.conftest import offer_values
from tierslieux.core import clock
from tierslieux.core.workflow import InvalidTransition
from tierslieux.premises import services
from tierslieux.premises.models import PremisesOffer, PremisesOfferLog
from tierslieux.premises.workflow import TRANSITIONS, PremisesState

pytestmark = pytest.mark.django_db

STATES = [s.value for s in PremisesState]
ALLOWED = sorted(TRANSITIONS)
FORBIDDEN = sorted(
    (a, b) for a, b in itertools.product(STATES, STATES) if (a, b) not in TRANSITIONS
)


def _offer_in(state: str, by) -> PremisesOffer:
    offer = services.premises_offer_create(values=offer_values(), by=by)
    PremisesOffer.objects.filter(pk=offer.pk).update(state=state)
    offer.refresh_from_db()
    return offer


def test_the_table_is_the_lifecycle_of_the_issue():
    assert ("draft", "published") in TRANSITIONS
    assert ("published", "reserved") in TRANSITIONS
    assert ("reserved", "let") in TRANSITIONS
    assert {target for _, target in TRANSITIONS} == set(STATES)
    assert not [pair for pair in TRANSITIONS if pair[0] == "let"]  # let is final


@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_every_allowed_move_is_made_and_logged(authority_user, source, target):
    offer = _offer_in(source, authority_user)
    moment = clock.now().replace(microsecond=0)
    with clock.at(moment):
        moved = services.premises_offer_transition(
            offer=offer, to=target, by=authority_user, reason="Décision du conseil municipal"
        )
    assert moved.state == target
    log = PremisesOfferLog.objects.get(offer=offer)
    assert (log.from_state, log.to_state, log.by, log.at) == (
        source,
        target,
        authority_user,
        moment,
    )
    if target == "published":
        assert moved.inhabitants_brought is not None and moved.match_computed_at == moment


@pytest.mark.parametrize(("source", "target"), FORBIDDEN)
def test_every_forbidden_pair_is_refused(authority_user, source, target):
    offer = _offer_in(source, authority_user)
    with pytest.raises(InvalidTransition):
        services.premises_offer_transition(offer=offer, to=target, by=authority_user, reason="x")
    offer.refresh_from_db()
    assert offer.state == source
    assert not PremisesOfferLog.objects.exists()


def test_a_reason_is_required_where_the_table_says(authority_user):
    offer = _offer_in("published", authority_user)
    with pytest.raises(ValidationError):
        services.premises_offer_transition(offer=offer, to="withdrawn", by=authority_user)
    offer.refresh_from_db()
    assert offer.state == "published"


def test_only_the_offering_authority_or_the_region_moves_an_offer(
    authority_user, other_authority_user, instructor
):
    offer = _offer_in("draft", authority_user)
    with pytest.raises(PermissionDenied):
        services.premises_offer_transition(offer=offer, to="withdrawn", by=other_authority_user)
    with pytest.raises(PermissionDenied):
        services.premises_offer_transition(offer=offer, to="withdrawn", by=None)
    moved = services.premises_offer_transition(offer=offer, to="withdrawn", by=instructor)
    assert moved.state == "withdrawn"
