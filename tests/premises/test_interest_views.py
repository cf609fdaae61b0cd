"""The match's pages per role, and bad input refused with nothing saved."""

import pytest
from django.urls import reverse

from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.calls.factories import ApplicationFactory
from tests.premises.conftest import offer_values
from tierslieux.agreements.models import PremisesAgreement
from tierslieux.calls.models import Application
from tierslieux.premises import services, services_interest
from tierslieux.premises.models import PremisesInterest

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def offer(authority_user):
    offer = services.premises_offer_create(values=offer_values(), by=authority_user)
    return services.premises_offer_transition(offer=offer, to="published", by=authority_user)


@pytest.fixture
def holder():
    org = OrganisationFactory(name="Collectif")
    user = UserFactory(holder=True, organisation=org)
    ApplicationFactory(organisation=org, created_by=user, title="Mon projet")
    return user


def test_a_holder_expresses_interest_through_the_page(client, offer, holder):
    client.force_login(holder)
    page = client.get(reverse("premises:offer_detail", args=[offer.pk]), **EN).content.decode()
    assert 'id="interest-form"' in page and "Application: Mon projet" in page
    application = Application.objects.get(organisation=holder.organisation)
    url = reverse("premises:interest_express", args=[offer.pk])
    response = client.post(url, {"project": f"application:{application.pk}"}, **EN)
    assert response.status_code == 302
    interest = PremisesInterest.objects.get()
    assert interest.application == application and interest.state == "interested"
    page = client.get(reverse("premises:offer_detail", args=[offer.pk]), **EN).content.decode()
    assert 'class="interest-state">Interested<' in page


def test_another_organisations_project_or_a_long_message_is_refused(client, offer, holder):
    foreign = ApplicationFactory(title="Pas à moi")
    client.force_login(holder)
    url = reverse("premises:interest_express", args=[offer.pk])
    response = client.post(url, {"project": f"application:{foreign.pk}"}, follow=True, **EN)
    assert "Select a valid choice" in response.content.decode()
    mine = Application.objects.get(organisation=holder.organisation)
    response = client.post(
        url, {"project": f"application:{mine.pk}", "message": "x" * 2001}, follow=True, **EN
    )
    assert "at most 2000 characters" in response.content.decode()
    assert not PremisesInterest.objects.exists()


def test_who_may_reach_the_decision(client, offer, holder, other_authority_user, authority_user):
    application = Application.objects.get(organisation=holder.organisation)
    interest = services_interest.premises_interest_express(
        offer=offer, application=application, by=holder
    )
    accept = reverse("premises:interest_accept", args=[interest.pk])
    assert client.post(accept).status_code == 302  # anonymous: to the login page
    client.force_login(holder)
    assert client.post(accept).status_code == 403  # a holder never decides
    client.force_login(other_authority_user)
    assert client.post(accept).status_code == 404  # another authority's building
    page = client.get(reverse("premises:offer_detail", args=[offer.pk]), **EN).content.decode()
    assert 'id="interest-list"' not in page
    client.force_login(authority_user)
    response = client.post(accept, {"duration_months": "0"}, follow=True, **EN)
    assert "Ensure this value is greater than or equal to 1" in response.content.decode()
    interest.refresh_from_db()
    assert interest.state == "interested" and not PremisesAgreement.objects.exists()
    response = client.post(accept, {"duration_months": "24", "starts_on": "2027-02-01"}, **EN)
    agreement = PremisesAgreement.objects.get()
    assert response["Location"] == reverse("agreements:premises_detail", args=[agreement.pk])
    assert agreement.duration_months == 24 and str(agreement.starts_on) == "2027-02-01"
    page = client.get(response["Location"], **EN)
    assert page.status_code == 200 and "Mon projet" in page.content.decode()


def test_decline_and_withdraw_through_the_pages(client, offer, holder, authority_user):
    application = Application.objects.get(organisation=holder.organisation)
    interest = services_interest.premises_interest_express(
        offer=offer, application=application, by=holder
    )
    client.force_login(authority_user)
    page = client.get(reverse("premises:offer_detail", args=[offer.pk]), **EN).content.decode()
    assert "works support may be offered" in page
    client.post(reverse("premises:interest_decline", args=[interest.pk]), {"reason": "Trop petit"})
    interest.refresh_from_db()
    assert interest.state == "declined" and interest.logs.last().reason == "Trop petit"
    again = services_interest.premises_interest_express(
        offer=offer, application=application, by=holder
    )
    client.force_login(holder)
    assert client.post(reverse("premises:interest_withdraw", args=[again.pk])).status_code == 302
    again.refresh_from_db()
    assert again.state == "withdrawn"


def test_a_holder_without_a_project_is_told_how_to_get_one(client, offer):
    client.force_login(UserFactory(holder=True, organisation=OrganisationFactory()))
    page = client.get(reverse("premises:offer_detail", args=[offer.pk]), **EN).content.decode()
    assert 'id="no-project"' in page and 'id="interest-form"' not in page
    assert reverse("calls:call_list") in page
