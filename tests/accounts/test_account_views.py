"""The account pages, per role, rendered in English (the French comes with the translations)."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.accounts.helpers import last_mail, link_in, path_of
from tierslieux.accounts.models import Invitation, InvitationState, OrganisationKind, User
from tierslieux.core.permissions import user_roles
from tierslieux.core.roles import Role

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PASSWORD = "Tiers-lieux-2026!"
SIGNUP = {
    "first_name": "Camille",
    "last_name": "Dupont",
    "email": "camille@example.org",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://site.example"
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]


# --- sign-up and confirmation ----------------------------------------------------------------


def test_signup_page_is_public_and_links_to_login_and_reset(client):
    response = client.get(reverse("accounts:signup"), **EN)
    assert response.status_code == 200
    body = response.content.decode()
    for name in ("first_name", "last_name", "email", "password1", "password2"):
        assert f'name="{name}"' in body
    assert reverse("accounts:login") in body and reverse("accounts:password_reset") in body


def test_signup_page_sends_a_logged_in_user_to_the_account_page(client):
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:signup")).url == reverse("accounts:account_detail")


def test_signup_then_confirm_then_the_holder_is_logged_in(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup"), SIGNUP, HTTP_HOST="evil.example", **EN)
    assert response.url == reverse("accounts:signup_done")
    assert "camille@example.org" in client.get(response.url, **EN).content.decode()
    # The link is built from SITE_URL, never from the Host header.
    link = link_in(last_mail("camille@example.org"), "/comptes/confirmer/")
    path = path_of(link, "https://site.example")
    # Opening the link (a mail scanner would) confirms nothing.
    page = client.get(path, **EN)
    assert page.status_code == 200 and 'id="confirm-account"' in page.content.decode()
    assert not User.objects.get(email="camille@example.org").is_active
    response = client.post(path, **EN)
    assert response.status_code == 302
    user = User.objects.get(email="camille@example.org")
    assert user.is_active and Role.HOLDER in user_roles(user)
    assert client.get(reverse("accounts:account_detail"), **EN).status_code == 200
    # Once only.
    client.logout()
    assert client.post(path, **EN).status_code == 400


def test_login_is_refused_before_confirmation(client):
    client.post(reverse("accounts:signup"), SIGNUP)
    response = client.post(
        reverse("accounts:login"), {"username": "camille@example.org", "password": PASSWORD}, **EN
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_signup_with_a_taken_address_answers_the_same(client, django_capture_on_commit_callbacks):
    UserFactory(username="camille", email="camille@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup"), SIGNUP, **EN)
    assert response.url == reverse("accounts:signup_done")
    assert User.objects.filter(email="camille@example.org").count() == 1
    assert "/comptes/confirmer/" not in last_mail("camille@example.org").body


def test_signup_errors_are_shown_on_their_fields(client):
    data = SIGNUP | {"password2": "something-else-2026"}
    response = client.post(reverse("accounts:signup"), data, **EN)
    assert response.status_code == 200
    assert response.context["form"].errors["password2"]
    data = SIGNUP | {"password1": "camille", "password2": "camille"}
    response = client.post(reverse("accounts:signup"), data, **EN)
    assert response.context["form"].errors["password1"]
    assert not User.objects.filter(email="camille@example.org").exists()
    data = SIGNUP | {"email": "a" * 140 + "@example.org"}
    assert client.post(reverse("accounts:signup"), data, **EN).context["form"].errors["email"]


def test_signups_are_limited_per_client_address(
    client, settings, django_capture_on_commit_callbacks
):
    settings.ACCOUNT_SIGNUPS_PER_HOUR = 2
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(2):
            data = SIGNUP | {"email": f"person{i}@example.org"}
            assert (
                client.post(reverse("accounts:signup"), data, REMOTE_ADDR="10.0.0.1").status_code
                == 302
            )
        response = client.post(
            reverse("accounts:signup"), SIGNUP | {"email": "x@example.org"}, REMOTE_ADDR="10.0.0.1"
        )
        assert response.status_code == 429
        # Another address is not affected.
        other = client.post(
            reverse("accounts:signup"), SIGNUP | {"email": "y@example.org"}, REMOTE_ADDR="10.0.0.2"
        )
        assert other.status_code == 302
    assert not User.objects.filter(email="x@example.org").exists()
    assert len(mail.outbox) == 3


def test_a_forged_confirmation_link_answers_400(client):
    assert client.post("/comptes/confirmer/MTIz/abc-def/").status_code == 400


# --- password reset --------------------------------------------------------------------------


def test_password_reset_from_the_emailed_link(client, django_capture_on_commit_callbacks):
    UserFactory(username="bob", email="bob@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:password_reset"),
            {"email": "bob@example.org"},
            HTTP_HOST="evil.example",
            **EN,
        )
    assert response.url == reverse("accounts:password_reset_done")
    link = link_in(last_mail("bob@example.org"), "/comptes/reinitialiser/")
    response = client.get(path_of(link, "https://site.example"))
    assert response.status_code == 302 and response.url.endswith("/set-password/")
    data = {"new_password1": "Brand-new-2026!", "new_password2": "Brand-new-2026!"}
    response = client.post(response.url, data)
    assert response.url == reverse("accounts:password_reset_complete")
    assert form_login(client, "bob", "Brand-new-2026!")
    client.logout()
    # The link is dead.
    response = client.get(path_of(link, "https://site.example"), **EN)
    assert response.status_code == 200 and not response.context["validlink"]


def test_password_reset_says_the_same_for_an_unknown_address(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "no@example.org"})
    assert response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_password_reset_requests_are_limited(client, settings):
    settings.ACCOUNT_RESETS_PER_HOUR = 1
    client.post(reverse("accounts:password_reset"), {"email": "no@example.org"})
    response = client.post(reverse("accounts:password_reset"), {"email": "no@example.org"})
    assert response.status_code == 429


def test_login_page_links_to_signup_and_reset(client):
    body = client.get(reverse("accounts:login"), **EN).content.decode()
    assert reverse("accounts:signup") in body and reverse("accounts:password_reset") in body


# --- invitations -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["holder", "network", "authority", "reader"])
def test_invitation_page_is_refused_to_partners_and_holders(client, role):
    client.force_login(UserFactory(roles=[Role(role)]))
    assert client.get(reverse("accounts:invitation_list")).status_code == 403
    response = client.post(
        reverse("accounts:invitation_list"), {"email": "x@example.org", "role": "reader"}
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_invitation_page_sends_anonymous_visitors_to_login(client):
    response = client.get(reverse("accounts:invitation_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_an_instructor_invites_a_network_member(client, django_capture_on_commit_callbacks):
    instructor = UserFactory(instructor=True)
    network = OrganisationFactory(kind=OrganisationKind.NETWORK)
    client.force_login(instructor)
    page = client.get(reverse("accounts:invitation_list"), **EN)
    roles = [value for value, _label in page.context["form"].fields["role"].choices]
    assert roles == ["network", "authority", "reader"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:invitation_list"),
            {"email": "nora@example.org", "role": "network", "organisation": network.pk},
        )
    assert response.url == reverse("accounts:invitation_list")
    invitation = Invitation.objects.get()
    assert "nora@example.org" in client.get(response.url, **EN).content.decode()
    link_in(last_mail("nora@example.org"), "https://site.example/comptes/invitation/")
    # An instructor cannot invite an instructor: the choice is not offered, nor accepted.
    response = client.post(
        reverse("accounts:invitation_list"), {"email": "i@example.org", "role": "instructor"}
    )
    assert response.status_code == 200 and response.context["form"].errors["role"]
    # Resend and cancel.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:invitation_resend", args=[invitation.pk]))
    assert len([m for m in mail.outbox if "nora@example.org" in m.to]) == 2
    client.post(reverse("accounts:invitation_cancel", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.CANCELLED
    assert not User.objects.filter(email="nora@example.org").exists()


def test_a_superuser_may_invite_an_instructor(client):
    client.force_login(UserFactory(superuser=True))
    page = client.get(reverse("accounts:invitation_list"))
    roles = [value for value, _label in page.context["form"].fields["role"].choices]
    assert "instructor" in roles


@pytest.mark.parametrize("action", ["invitation_resend", "invitation_cancel"])
def test_resend_and_cancel_are_refused_to_non_staff(client, action):
    invitation = _invite()
    client.force_login(UserFactory(network=True))
    assert client.post(reverse(f"accounts:{action}", args=[invitation.pk])).status_code == 403
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.PENDING and invitation.send_count == 1


def _invite(email="reader@example.org", role="reader"):
    from tierslieux.accounts.services import user_invite

    return user_invite(
        email=email, role=role, organisation=None, by=UserFactory(username="staff", instructor=True)
    )


def test_the_invited_partner_sets_a_password_from_the_link(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite()
    link = link_in(last_mail("reader@example.org"), "/comptes/invitation/")
    response = client.get(path_of(link, "https://site.example"))
    assert response.status_code == 302 and response.url.endswith("/set-password/")
    page = client.get(response.url, **EN)
    assert page.context["validlink"] and "reader@example.org" in page.content.decode()
    data = {"new_password1": PASSWORD, "new_password2": PASSWORD}
    assert client.post(response.url, data).status_code == 302
    user = User.objects.get(email="reader@example.org")
    assert user.is_active and user_roles(user) == {Role.PUBLIC, Role.READER}
    assert client.session["_auth_user_id"] == str(user.pk)
    client.logout()
    assert form_login(client, "reader@example.org", PASSWORD)
    client.logout()
    again = client.get(path_of(link, "https://site.example"), **EN)
    assert again.status_code == 200 and not again.context["validlink"]


def test_an_invited_partner_cannot_log_in_nor_reset_before_accepting(client):
    _invite()
    assert not form_login(client, "reader@example.org", "wrong-password")
    client.post(reverse("accounts:password_reset"), {"email": "reader@example.org"})
    assert mail.outbox == []


# --- account page ----------------------------------------------------------------------------


def test_account_page_shows_roles_and_links(client):
    client.force_login(UserFactory(roles=[Role.NETWORK, Role.READER]))
    body = client.get(reverse("accounts:account_detail"), **EN).content.decode()
    assert "Regional network" in body and "Reader / elected official" in body
    assert reverse("accounts:email_change") in body and reverse("accounts:password_change") in body


@pytest.mark.parametrize("name", ["account_detail", "email_change", "password_change"])
def test_account_pages_need_login(client, name):
    response = client.get(reverse(f"accounts:{name}"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_change_email_from_the_account_page(client, django_capture_on_commit_callbacks):
    user = UserFactory(username="me@example.org", email="me@example.org")
    client.force_login(user)
    response = client.post(
        reverse("accounts:email_change"),
        {"new_email": "me@new.example", "password": "wrong"},
        **EN,
    )
    assert response.context["form"].errors["password"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:email_change"),
            {"new_email": "me@new.example", "password": "correct-horse-battery"},
        )
    assert response.url == reverse("accounts:account_detail")
    link = link_in(last_mail("me@new.example"), "/comptes/confirmer-email/")
    path = path_of(link, "https://site.example")
    assert client.get(path).status_code == 200
    user.refresh_from_db()
    assert user.email == "me@example.org"
    assert client.post(path).url == reverse("accounts:account_detail")
    user.refresh_from_db()
    assert (user.email, user.username) == ("me@new.example", "me@new.example")
    assert client.post(path).status_code == 400


def test_change_password_from_the_account_page(client):
    user = UserFactory(username="me")
    client.force_login(user)
    data = {
        "old_password": "correct-horse-battery",
        "new_password1": "Brand-new-2026!",
        "new_password2": "Brand-new-2026!",
    }
    response = client.post(reverse("accounts:password_change"), data)
    assert response.url == reverse("accounts:account_detail")
    user.refresh_from_db()
    assert user.check_password("Brand-new-2026!")


# --- the call page ---------------------------------------------------------------------------


def test_call_page_offers_anonymous_visitors_to_create_an_account(client):
    from tests.calls.factories import CallFactory

    call = CallFactory()
    body = client.get(reverse("calls:call_detail", args=[call.pk]), **EN).content.decode()
    assert reverse("accounts:signup") in body
    assert f"{reverse('accounts:login')}?next=" in body
    assert "Ask the Région's tiers-lieux team for one" not in body


def test_change_email_requests_are_limited_per_user(client, settings):
    settings.ACCOUNT_RESETS_PER_HOUR = 1
    client.force_login(UserFactory(username="me", email="me@example.org"))
    data = {"new_email": "me@new.example", "password": "correct-horse-battery"}
    assert client.post(reverse("accounts:email_change"), data).status_code == 302
    assert client.post(reverse("accounts:email_change"), data).status_code == 429


def test_account_page_links_to_invitations_for_staff_only(client):
    client.force_login(UserFactory(holder=True))
    url = reverse("accounts:invitation_list")
    assert url not in client.get(reverse("accounts:account_detail")).content.decode()
    client.force_login(UserFactory(instructor=True))
    assert url in client.get(reverse("accounts:account_detail")).content.decode()


def form_login(client, username: str, password: str) -> bool:
    """Log in through the login form (django-axes needs the request the form gives)."""
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session
