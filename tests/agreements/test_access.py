"""Who sees which agreement, and who may act on it."""

import pytest

from tests.accounts.factories import UserFactory
from tests.agreements.factories import AgreementFactory
from tests.calls.factories import holder_user
from tierslieux.agreements import selectors
from tierslieux.core.permissions import user_can

pytestmark = pytest.mark.django_db


def test_instructors_see_all_agreements(instructor):
    a, b = AgreementFactory(), AgreementFactory()
    assert set(selectors.agreement_list(user=instructor)) == {a, b}
    assert user_can(instructor, "agreements.agreement_view", a)


def test_holders_see_their_organisations_agreements_only():
    mine, other = AgreementFactory(), AgreementFactory()
    holder = holder_user(organisation=mine.application.organisation)
    assert list(selectors.agreement_list(user=holder)) == [mine]
    assert selectors.agreement_get(user=holder, pk=other.pk) is None
    assert user_can(holder, "agreements.agreement_view", mine)
    assert not user_can(holder, "agreements.agreement_view", other)
    assert list(selectors.tranche_list(user=holder, agreement=other)) == []
    assert len(selectors.milestone_list(user=holder, agreement=mine)) == 3
    assert not user_can(holder, "agreements.agreement_manage")


@pytest.mark.parametrize("trait", ["network", "authority", "reader"])
def test_other_roles_see_no_agreement(trait):
    agreement = AgreementFactory()
    user = UserFactory(**{trait: True}, organisation=agreement.application.organisation)
    assert not selectors.agreement_list(user=user).exists()
    assert not user_can(user, "agreements.agreement_view", agreement)


def test_anonymous_sees_nothing():
    from django.contrib.auth.models import AnonymousUser

    AgreementFactory()
    assert not selectors.agreement_list(user=AnonymousUser()).exists()
    assert not selectors.agreement_list(user=None).exists()


def test_inactive_instructor_sees_nothing():
    AgreementFactory()
    user = UserFactory(instructor=True, is_active=False)
    assert not selectors.agreement_list(user=user).exists()


def test_network_reads_the_journal_and_pipeline():
    network = UserFactory(network=True)
    assert user_can(network, "agreements.journal_view")
    assert user_can(network, "agreements.pipeline_view")
    assert not user_can(network, "agreements.agreement_manage")
    assert not user_can(UserFactory(holder=True), "agreements.journal_view")
