"""An invitation gives a role held for a region (ADR 0029): the inviter's own by default, one of
the served regions it acts in, else refused on the field; only a superuser invites a national
reader."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tierslieux.accounts import services
from tierslieux.accounts.models import Invitation, User

pytestmark = pytest.mark.django_db


def test_the_invited_account_is_of_the_inviters_region(settings):
    settings.TERRITORY_REGIONS = ("75", "84")
    instructor = UserFactory(instructor=True, region_code="84")
    invitation = services.user_invite(
        email="lecteur@example.org", role="reader", organisation=None, by=instructor
    )
    assert invitation.region_code == "84"
    assert User.objects.get(email="lecteur@example.org").region_code == "84"


def test_an_invitation_into_another_region_is_refused_and_nothing_saved(settings):
    settings.TERRITORY_REGIONS = ("75", "84")
    instructor = UserFactory(instructor=True, region_code="84")
    with pytest.raises(ValidationError) as refused:
        services.user_invite(
            email="x@example.org", role="reader", organisation=None, by=instructor, region_code="75"
        )
    assert "region_code" in refused.value.message_dict
    assert not Invitation.objects.exists()
    assert not User.objects.filter(email="x@example.org").exists()


def test_only_a_superuser_invites_a_national_reader():
    with pytest.raises(PermissionDenied):
        services.user_invite(
            email="etat@example.org",
            role="national_reader",
            organisation=None,
            by=UserFactory(instructor=True),
        )
    invitation = services.user_invite(
        email="etat@example.org",
        role="national_reader",
        organisation=None,
        by=UserFactory(superuser=True),
    )
    assert invitation.role == "national_reader"


def test_the_form_offers_the_region_when_several_are_served(client, settings):
    admin = UserFactory(superuser=True)
    client.force_login(admin)
    form = client.get(reverse("accounts:invitation_list")).context["form"]
    assert "region_code" not in form.fields  # one region: nothing to choose
    assert "national_reader" in [v for v, _label in form.fields["role"].choices]
    settings.TERRITORY_REGIONS = ("75", "84")
    form = client.get(reverse("accounts:invitation_list")).context["form"]
    assert [v for v, _label in form.fields["region_code"].choices] == ["75", "84"]
    client.post(
        reverse("accounts:invitation_list"),
        {"email": "ara@example.org", "role": "reader", "region_code": "84"},
    )
    assert Invitation.objects.get(email="ara@example.org").region_code == "84"


def test_staff_of_another_region_see_and_cancel_none_of_its_invitations(client, settings):
    settings.TERRITORY_REGIONS = ("75", "84")
    invitation = services.user_invite(
        email="na@example.org", role="reader", organisation=None, by=UserFactory(instructor=True)
    )
    client.force_login(UserFactory(instructor=True, region_code="84"))
    page = client.get(reverse("accounts:invitation_list"))
    assert list(page.context["pending"]) == []
    response = client.post(reverse("accounts:invitation_cancel", args=[invitation.pk]))
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.state == "pending"
