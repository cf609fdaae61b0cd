"""The demo sign-in accounts: one per role, usable only in development (DEBUG on)."""

import pytest
from django.urls import reverse

from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.agreements.factories import AgreementFactory, PremisesAgreementFactory
from tests.calls.factories import ApplicationFactory, CallFactory, HolderOrganisationFactory
from tierslieux.accounts.models import User
from tierslieux.calls.models import Opinion
from tierslieux.core.permissions import user_roles
from tierslieux.core.roles import ASSIGNABLE_ROLES, Role
from tierslieux.demo import users as demo_users

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_like_records():
    """The shape of the demo records: organisations named "... (démo)", a demo call."""
    region = OrganisationFactory(name="Région (démo)", kind="region")
    UserFactory(username="demo-instructrice", instructor=True, organisation=region)
    network = OrganisationFactory(name="Coopérative (démo)", kind="network")
    UserFactory(username="demo-reseau", network=True, organisation=network)
    call = CallFactory(name="AMI (DÉMO)", is_demo=True)
    holder_org = HolderOrganisationFactory(name="Association Démo (démo)")
    agreement = AgreementFactory(
        application=ApplicationFactory(call=call, organisation=holder_org, accepted=True)
    )
    ApplicationFactory(call=call, organisation=holder_org, submitted=True)
    instructing = ApplicationFactory(call=call, under_instruction=True)
    commune = OrganisationFactory(name="Commune de Test (démo)", kind="commune")
    premises = PremisesAgreementFactory(authority=commune)
    return {
        "agreement": agreement,
        "instructing": instructing,
        "commune": commune,
        "premises": premises,
    }


def test_one_active_account_per_role_with_the_documented_password(settings, demo_like_records):
    settings.DEBUG = True
    logins = demo_users.demo_users_ensure()
    assert {login.role for login in logins} == set(ASSIGNABLE_ROLES)
    for login in logins:
        user = User.objects.get(username=login.username)
        assert user.is_active and user.check_password(demo_users.DEMO_PASSWORD)
        assert login.role in user_roles(user)
        assert login.can_sign_in
    names = {login.username for login in logins}
    assert names == {
        "demo-porteur",
        "demo-instructrice",
        "demo-reseau",
        "demo-collectivite",
        "demo-lecteur",
        "demo-lecture-nationale",
    }


def test_no_password_when_debug_is_off(settings, demo_like_records):
    settings.DEBUG = False
    logins = demo_users.demo_users_ensure()
    assert logins and not any(login.can_sign_in for login in logins)
    assert not any(
        u.has_usable_password() for u in User.objects.filter(username__startswith="demo-")
    )


def test_the_demo_holder_and_authority_find_their_work(settings, client, demo_like_records):
    settings.DEBUG = True
    demo_users.demo_users_ensure()
    holder = User.objects.get(username="demo-porteur")
    assert holder.organisation == demo_like_records["agreement"].application.organisation
    client.force_login(holder)
    html = client.get(reverse("workspace:start")).content.decode()
    assert reverse("agreements:agreement_detail", args=[demo_like_records["agreement"].pk]) in html

    authority = User.objects.get(username="demo-collectivite")
    assert authority.organisation == demo_like_records["commune"]
    assert Opinion.objects.filter(
        organisation=authority.organisation, application=demo_like_records["instructing"]
    ).exists()
    client.force_login(authority)
    html = client.get(reverse("workspace:start")).content.decode()
    assert reverse("agreements:premises_detail", args=[demo_like_records["premises"].pk]) in html
    assert reverse("calls:opinion_list_mine") in html


def test_running_twice_changes_nothing_more(settings, demo_like_records):
    settings.DEBUG = True
    demo_users.demo_users_ensure()
    opinions = Opinion.objects.count()
    demo_users.demo_users_ensure()
    assert Opinion.objects.count() == opinions
    assert User.objects.filter(username="demo-lecteur").get().groups.get().name == Role.READER
