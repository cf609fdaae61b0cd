"""The rules of self-registration, password reset, invitations and change of address."""

from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.accounts.helpers import last_mail, link_in
from tierslieux.accounts import services
from tierslieux.accounts.models import (
    Invitation,
    InvitationState,
    OrganisationKind,
    User,
    UserOrigin,
)
from tierslieux.accounts.tokens import invitation_tokens, signup_confirmation_tokens
from tierslieux.core.permissions import user_roles
from tierslieux.core.roles import Role

pytestmark = pytest.mark.django_db(transaction=False)

PASSWORD = "Tiers-lieux-2026!"


def _register(email="Camille.Dupont@Example.org", **extra):
    data = {"email": email, "first_name": "Camille", "last_name": "Dupont", "password": PASSWORD}
    return services.user_register(**(data | extra))


def _uid(user):
    return urlsafe_base64_encode(force_bytes(user.pk))


def _token_of(link):
    return link.rstrip("/").rsplit("/", 1)[1]


# --- sign-up ---------------------------------------------------------------------------------


def test_register_creates_an_inactive_account_and_mails_a_confirmation_link(
    django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://tiers-lieux.example.fr"
    with django_capture_on_commit_callbacks(execute=True):
        user = _register()
    assert user.username == user.email == "camille.dupont@example.org"
    assert (user.is_active, user.origin, user.email_confirmed_at) == (
        False,
        UserOrigin.SIGNUP,
        None,
    )
    assert user.check_password(PASSWORD)
    assert user_roles(user) == {Role.PUBLIC}
    link = link_in(last_mail("camille.dupont@example.org"), "/comptes/confirmer/")
    assert link.startswith("https://tiers-lieux.example.fr/comptes/confirmer/")


def test_no_email_leaves_before_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _register()
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_an_unconfirmed_account_cannot_log_in():
    user = _register()
    assert (
        authenticate(RequestFactory().post("/"), username=user.username, password=PASSWORD) is None
    )


def test_confirmation_activates_makes_a_holder_and_works_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = _register()
    token = _token_of(link_in(last_mail(user.email), "/comptes/confirmer/"))
    confirmed = services.user_confirm(uidb64=_uid(user), token=token)
    assert confirmed.is_active and confirmed.email_confirmed_at is not None
    assert Role.HOLDER in user_roles(User.objects.get(pk=user.pk))
    assert (
        authenticate(
            RequestFactory().post("/"), username="camille.dupont@example.org", password=PASSWORD
        )
        is not None
    )
    with pytest.raises(ValidationError) as error:
        services.user_confirm(uidb64=_uid(user), token=token)
    assert error.value.code == "invalid_link"


def test_an_expired_confirmation_link_is_refused(settings):
    user = _register()
    token = signup_confirmation_tokens.make_token(user)
    later = timezone.now() + timedelta(seconds=settings.ACCOUNT_CONFIRMATION_MAX_AGE + 5)
    with pytest.raises(ValidationError):
        services.user_confirm(uidb64=_uid(user), token=token, at=later)
    assert not User.objects.get(pk=user.pk).is_active
    # Within the maximum age it works.
    soon = timezone.now() + timedelta(seconds=settings.ACCOUNT_CONFIRMATION_MAX_AGE - 60)
    assert services.user_confirm(uidb64=_uid(user), token=token, at=soon).is_active


def test_a_forged_or_foreign_token_is_refused():
    user = _register()
    with pytest.raises(ValidationError):
        services.user_confirm(uidb64=_uid(user), token="abc-123")
    with pytest.raises(ValidationError):  # a password reset token opens no confirmation
        services.user_confirm(uidb64=_uid(user), token=default_token_generator.make_token(user))
    with pytest.raises(ValidationError):
        services.user_confirm(uidb64="!!", token=signup_confirmation_tokens.make_token(user))


def test_a_staff_deactivated_account_is_never_reactivated_by_a_confirmation():
    user = UserFactory(username="old", email="old@example.org", is_active=False)
    with pytest.raises(ValidationError):
        services.user_confirm(uidb64=_uid(user), token=signup_confirmation_tokens.make_token(user))


def test_a_duplicate_address_creates_nothing_and_tells_the_owner(
    django_capture_on_commit_callbacks,
):
    owner = UserFactory(username="alice", email="alice@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert _register(email="ALICE@example.org", password="Another-pass-2026") is None
    assert User.objects.filter(email__iexact="alice@example.org").count() == 1
    message = last_mail("alice@example.org")
    assert "alice" in message.body  # the user name to log in with
    assert "/comptes/mot-de-passe-oublie/" in message.body
    assert "/comptes/confirmer/" not in message.body
    owner.refresh_from_db()
    assert owner.check_password("correct-horse-battery")


def test_registering_again_before_confirming_resends_the_link_and_keeps_the_password(
    django_capture_on_commit_callbacks,
):
    user = _register()
    with django_capture_on_commit_callbacks(execute=True):
        assert _register(password="A-different-pass-99") is None
    link_in(last_mail(user.email), "/comptes/confirmer/")
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)


def test_a_weak_password_is_refused():
    with pytest.raises(ValidationError):
        _register(password="camille")
    assert not User.objects.exists() or not User.objects.filter(origin=UserOrigin.SIGNUP).exists()


# --- password reset --------------------------------------------------------------------------


def test_reset_mails_a_link_to_an_active_account_only(django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://sit.example.fr"
    user = UserFactory(username="bob", email="bob@example.org")
    UserFactory(username="gone", email="gone@example.org", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.password_reset_request(email="BOB@example.org")
        services.password_reset_request(email="gone@example.org")
        services.password_reset_request(email="nobody@example.org")
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]
    link = link_in(mail.outbox[0], "/comptes/reinitialiser/")
    assert link.startswith(f"https://sit.example.fr/comptes/reinitialiser/{_uid(user)}/")
    assert default_token_generator.check_token(user, _token_of(link))


def test_reset_for_an_unconfirmed_account_sends_the_confirmation_again(
    django_capture_on_commit_callbacks,
):
    user = _register()
    with django_capture_on_commit_callbacks(execute=True):
        services.password_reset_request(email=user.email)
    message = last_mail(user.email)
    link_in(message, "/comptes/confirmer/")
    assert "/comptes/reinitialiser/" not in message.body


# --- invitations -----------------------------------------------------------------------------


@pytest.fixture
def instructor():
    return UserFactory(username="instructrice", instructor=True, first_name="Inès")


@pytest.fixture
def network_org():
    return OrganisationFactory(name="Coopérative Tiers-Lieux", kind=OrganisationKind.NETWORK)


def test_staff_invite_a_partner(instructor, network_org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.user_invite(
            email="Nora@Reseau.example", role="network", organisation=network_org, by=instructor
        )
    user = invitation.user
    assert (user.username, user.email, user.is_active) == (
        "nora@reseau.example",
        "nora@reseau.example",
        False,
    )
    assert not user.has_usable_password()
    assert user.organisation == network_org and user.origin == UserOrigin.INVITATION
    assert invitation.state == InvitationState.PENDING and invitation.invited_by == instructor
    message = last_mail("nora@reseau.example")
    assert "Inès" in message.body and "Coopérative Tiers-Lieux" in message.body
    assert invitation_tokens.check_token(user, _token_of(link_in(message, "/comptes/invitation/")))


@pytest.mark.parametrize("role", ["holder", "network", "reader"])
def test_a_non_staff_user_cannot_invite(role, network_org):
    by = UserFactory(roles=[Role(role)], organisation=network_org)
    with pytest.raises(PermissionDenied):
        services.user_invite(email="x@example.org", role="reader", organisation=None, by=by)
    assert not Invitation.objects.exists()


def test_only_a_superuser_invites_an_instructor(instructor):
    with pytest.raises(PermissionDenied):
        services.user_invite(
            email="i@example.org", role="instructor", organisation=None, by=instructor
        )
    boss = UserFactory(username="boss", superuser=True)
    invitation = services.user_invite(
        email="i@example.org", role="instructor", organisation=None, by=boss
    )
    assert invitation.role == Role.INSTRUCTOR
    with pytest.raises(PermissionDenied):  # nobody invites a project holder: they sign up
        services.user_invite(email="h@example.org", role="holder", organisation=None, by=boss)


def test_an_authority_needs_an_organisation_of_a_local_authority_kind(instructor, network_org):
    with pytest.raises(ValidationError) as error:
        services.user_invite(
            email="m@example.org", role="authority", organisation=None, by=instructor
        )
    assert "organisation" in error.value.error_dict
    with pytest.raises(ValidationError):
        services.user_invite(
            email="m@example.org", role="authority", organisation=network_org, by=instructor
        )
    commune = OrganisationFactory(name="Commune de Thiviers", kind=OrganisationKind.COMMUNE)
    invitation = services.user_invite(
        email="m@example.org", role="authority", organisation=commune, by=instructor
    )
    assert invitation.user.organisation == commune


def test_no_invitation_to_an_address_with_an_account_or_a_pending_invitation(instructor):
    UserFactory(username="taken", email="taken@example.org")
    with pytest.raises(ValidationError) as error:
        services.user_invite(
            email="TAKEN@example.org", role="reader", organisation=None, by=instructor
        )
    assert error.value.error_dict["email"][0].code == "exists"
    services.user_invite(email="r@example.org", role="reader", organisation=None, by=instructor)
    with pytest.raises(ValidationError) as error:
        services.user_invite(email="R@example.org", role="reader", organisation=None, by=instructor)
    assert error.value.error_dict["email"][0].code == "pending"


def test_accepting_sets_the_password_activates_gives_the_role_and_works_once(instructor):
    invitation = services.user_invite(
        email="r@example.org", role="reader", organisation=None, by=instructor
    )
    user = invitation.user
    token = invitation_tokens.make_token(user)
    services.invitation_accept(user=user, token=token, password=PASSWORD)
    user = User.objects.get(pk=user.pk)
    assert user.is_active and user.check_password(PASSWORD) and user.email_confirmed_at
    assert user_roles(user) == {Role.PUBLIC, Role.READER}
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.ACCEPTED and invitation.ended_at
    with pytest.raises(ValidationError):
        services.invitation_accept(user=user, token=token, password="Yet-another-2026")
    assert services.invitation_user_check(uidb64=_uid(user), token=token) is None


def test_an_expired_invitation_link_is_refused(instructor, settings):
    invitation = services.user_invite(
        email="r@example.org", role="reader", organisation=None, by=instructor
    )
    token = invitation_tokens.make_token(invitation.user)
    later = timezone.now() + timedelta(seconds=settings.ACCOUNT_INVITATION_MAX_AGE + 5)
    with pytest.raises(ValidationError):
        services.invitation_accept(user=invitation.user, token=token, password=PASSWORD, at=later)
    assert not User.objects.get(pk=invitation.user.pk).is_active


def test_resending_replaces_the_link(instructor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.user_invite(
            email="r@example.org", role="reader", organisation=None, by=instructor
        )
    first = _token_of(link_in(last_mail("r@example.org"), "/comptes/invitation/"))
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_resend(invitation=invitation, by=instructor)
    second = _token_of(link_in(last_mail("r@example.org"), "/comptes/invitation/"))
    user = User.objects.get(pk=invitation.user_id)
    assert not invitation_tokens.check_token(user, first)
    assert invitation_tokens.check_token(user, second)
    invitation.refresh_from_db()
    assert invitation.send_count == 2


def test_cancelling_deletes_the_unused_account_and_kills_the_link(instructor):
    invitation = services.user_invite(
        email="r@example.org", role="reader", organisation=None, by=instructor
    )
    user_pk = invitation.user.pk
    token = invitation_tokens.make_token(invitation.user)
    services.invitation_cancel(invitation=invitation, by=instructor)
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.CANCELLED and invitation.user is None
    assert not User.objects.filter(pk=user_pk).exists()
    assert (
        services.invitation_user_check(
            uidb64=urlsafe_base64_encode(force_bytes(user_pk)), token=token
        )
        is None
    )
    with pytest.raises(ValidationError):
        services.invitation_resend(invitation=invitation, by=instructor)
    # The address may be invited again.
    services.user_invite(email="r@example.org", role="reader", organisation=None, by=instructor)


def test_resend_and_cancel_need_staff(instructor):
    invitation = services.user_invite(
        email="r@example.org", role="reader", organisation=None, by=instructor
    )
    holder = UserFactory(holder=True)
    with pytest.raises(PermissionDenied):
        services.invitation_resend(invitation=invitation, by=holder)
    with pytest.raises(PermissionDenied):
        services.invitation_cancel(invitation=invitation, by=holder)


# --- change of e-mail address ----------------------------------------------------------------


def test_email_change_applies_only_from_the_link_sent_to_the_new_address(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(username="camille@old.example", email="camille@old.example")
    with django_capture_on_commit_callbacks(execute=True):
        services.email_change_request(user=user, new_email="Camille@New.example")
    user.refresh_from_db()
    assert user.email == "camille@old.example"  # not yet
    token = _token_of(link_in(last_mail("camille@new.example"), "/comptes/confirmer-email/"))
    with django_capture_on_commit_callbacks(execute=True):
        changed = services.email_change_confirm(token=token)
    assert (changed.email, changed.username) == ("camille@new.example", "camille@new.example")
    assert "camille@new.example" in last_mail("camille@old.example").body  # the old one is told
    with pytest.raises(ValidationError):
        services.email_change_confirm(token=token)


def test_email_change_keeps_a_user_name_that_is_not_the_address():
    user = UserFactory(username="alice", email="alice@example.org")
    services.email_change_request(user=user, new_email="alice@new.example")
    from tierslieux.accounts.tokens import email_change_token

    changed = services.email_change_confirm(
        token=email_change_token(user=user, new_email="alice@new.example")
    )
    assert (changed.username, changed.email) == ("alice", "alice@new.example")


def test_email_change_to_a_taken_address_tells_its_owner_and_sends_no_link(
    django_capture_on_commit_callbacks,
):
    UserFactory(username="other", email="other@example.org")
    user = UserFactory(username="me", email="me@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.email_change_request(user=user, new_email="other@example.org")
    message = last_mail("other@example.org")
    assert "/comptes/confirmer-email/" not in message.body
    with pytest.raises(ValidationError):
        services.email_change_request(user=user, new_email="ME@example.org")


def test_an_expired_email_change_link_is_refused(settings):
    from tierslieux.accounts.tokens import email_change_token

    user = UserFactory(username="me", email="me@example.org")
    token = email_change_token(user=user, new_email="me2@example.org")
    settings.ACCOUNT_EMAIL_CHANGE_MAX_AGE = -1  # any age is too old
    with pytest.raises(ValidationError):
        services.email_change_confirm(token=token)
    with pytest.raises(ValidationError):
        services.email_change_confirm(token=token[:-2] + "xx")


def test_unconfirmed_accounts_are_purged_once_their_link_expired(settings):
    user = _register()
    confirmed = _register(email="ok@example.org")
    services.user_confirm(
        uidb64=_uid(confirmed), token=signup_confirmation_tokens.make_token(confirmed)
    )
    deactivated = UserFactory(username="old", is_active=False)
    soon = timezone.now() + timedelta(seconds=settings.ACCOUNT_CONFIRMATION_MAX_AGE - 60)
    assert services.user_purge_unconfirmed(at=soon) == 0
    later = timezone.now() + timedelta(seconds=settings.ACCOUNT_CONFIRMATION_MAX_AGE + 60)
    assert services.user_purge_unconfirmed(at=later) == 1
    assert not User.objects.filter(pk=user.pk).exists()
    assert User.objects.filter(pk__in=[confirmed.pk, deactivated.pk]).count() == 2


def test_invitation_changes_are_audited(instructor):
    from auditlog.models import LogEntry

    invitation = services.user_invite(
        email="r@example.org", role="reader", organisation=None, by=instructor
    )
    services.invitation_cancel(invitation=invitation, by=instructor)
    assert LogEntry.objects.get_for_object(invitation).count() >= 2
