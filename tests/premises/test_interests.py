"""Connecting people (issue 15, item 4): a holder's interest, the authority's decision, the
premises agreement pre-filled from the offer, works support only for a project eligible to
the AMI."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.agreements.factories import JournalEntryFactory
from tests.calls.factories import ApplicationFactory
from tests.premises.conftest import offer_values
from tierslieux.agreements.models import PremisesAgreement
from tierslieux.core import clock
from tierslieux.premises import services, services_interest
from tierslieux.premises.models import PremisesInterest, PremisesInterestLog
from tierslieux.premises.selectors_interest import (
    holder_projects,
    interest_eligibility,
    offer_interests,
)

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 4, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def published(authority_user):
    with clock.at(NOW):
        offer = services.premises_offer_create(values=offer_values(), by=authority_user)
        return services.premises_offer_transition(offer=offer, to="published", by=authority_user)


def _holder(**application_fields):
    org = OrganisationFactory(name="Collectif du Bourg")
    holder = UserFactory(holder=True, organisation=org, email="holder@example.org")
    application = ApplicationFactory(organisation=org, created_by=holder, **application_fields)
    return holder, application


def test_interest_accept_builds_the_agreement_and_declines_the_others(
    published, authority_user, django_capture_on_commit_callbacks
):
    holder, application = _holder(title="La Fabrique du Bourg")
    other_holder, other_application = _holder(title="Autre projet")
    mail.outbox.clear()
    with clock.at(NOW), django_capture_on_commit_callbacks(execute=True):
        chosen = services_interest.premises_interest_express(
            offer=published, application=application, message="Nous cherchons", by=holder
        )
        other = services_interest.premises_interest_express(
            offer=published, application=other_application, by=other_holder
        )
    # The offer's contact and the authority's members.
    expected = sorted(["patrimoine@example.org", authority_user.email])
    assert [m.to for m in mail.outbox] == [expected] * 2
    mail.outbox.clear()
    with clock.at(NOW), django_capture_on_commit_callbacks(execute=True):
        chosen = services_interest.premises_interest_accept(interest=chosen, by=authority_user)
    other.refresh_from_db()
    published.refresh_from_db()
    assert chosen.state == "accepted" and other.state == "declined"
    assert published.state == "reserved"
    agreement = PremisesAgreement.objects.get()
    assert chosen.agreement == agreement
    assert agreement.authority == authority_user.organisation
    assert agreement.application == application and agreement.place is None
    assert agreement.project_label == "La Fabrique du Bourg"
    # 4.50 € per m² and month x 180 m² x 12 months = 9,720 €.
    assert agreement.yearly_rent_cents == 972_000
    assert agreement.reference_rent_per_m2_cents == 10_800
    assert agreement.surface_m2 == Decimal("180.0")
    assert agreement.starts_on == datetime.date(2027, 1, 1)  # the offer's availability
    assert agreement.works_eligible is True  # the factory's application is complete
    assert [log.to_state for log in PremisesInterestLog.objects.filter(interest=other)] == [
        "interested",
        "declined",
    ]
    assert sorted(m.subject for m in mail.outbox) == [
        "Your interest in “Ancienne école” was declined",
        "Your project was chosen for “Ancienne école”",
    ]


def test_works_support_is_refused_with_the_reason_when_the_project_is_not_ami_eligible(
    published, authority_user
):
    holder, application = _holder(business_model="")
    interest = services_interest.premises_interest_express(
        offer=published, application=application, by=holder
    )
    eligibility = interest_eligibility(interest)
    assert not eligibility.ami.is_eligible
    assert "the business model" in eligibility.ami.reasons[0]
    [row] = offer_interests(user=authority_user, offer=published)
    assert row.eligibility == eligibility
    services_interest.premises_interest_accept(interest=interest, by=authority_user)
    assert PremisesAgreement.objects.get().works_eligible is False


def test_a_pipeline_project_expresses_interest_and_is_not_ami_eligible(published, authority_user):
    org = OrganisationFactory(name="Association des Tiers")
    holder = UserFactory(holder=True, organisation=org)
    entry = JournalEntryFactory(organisation=org, project_label="Café atelier")
    projects = holder_projects(user=holder)
    assert list(projects.entries) == [entry] and not projects.applications
    interest = services_interest.premises_interest_express(
        offer=published, journal_entry=entry, by=holder
    )
    assert interest.project_label == "Café atelier"
    assert not interest_eligibility(interest).ami.is_eligible
    services_interest.premises_interest_accept(interest=interest, by=authority_user)
    agreement = PremisesAgreement.objects.get()
    assert agreement.tenant_name == "Café atelier" and agreement.works_eligible is False


def test_who_may_do_what(published, authority_user, other_authority_user):
    holder, application = _holder()
    stranger, _unused = _holder()
    with pytest.raises(PermissionDenied):  # another holder's application
        services_interest.premises_interest_express(
            offer=published, application=application, by=stranger
        )
    with pytest.raises(PermissionDenied):  # an authority is no holder
        services_interest.premises_interest_express(
            offer=published, application=application, by=authority_user
        )
    interest = services_interest.premises_interest_express(
        offer=published, application=application, by=holder
    )
    with pytest.raises(ValidationError):  # once per project
        services_interest.premises_interest_express(
            offer=published, application=application, by=holder
        )
    with pytest.raises(PermissionDenied):  # another authority's building
        services_interest.premises_interest_accept(interest=interest, by=other_authority_user)
    with pytest.raises(PermissionDenied):  # the holder cannot accept itself
        services_interest.premises_interest_accept(interest=interest, by=holder)
    assert offer_interests(user=other_authority_user, offer=published) == []
    assert not PremisesAgreement.objects.exists()
    services_interest.premises_interest_withdraw(interest=interest, by=holder)
    assert PremisesInterest.objects.get().state == "withdrawn"


def test_no_interest_in_a_draft_nor_from_a_closed_application(authority_user):
    holder, application = _holder()
    draft = services.premises_offer_create(values=offer_values(), by=authority_user)
    with pytest.raises(ValidationError):
        services_interest.premises_interest_express(offer=draft, application=application, by=holder)
    application.state = "rejected"
    application.save()
    services.premises_offer_transition(offer=draft, to="published", by=authority_user)
    with pytest.raises(ValidationError):
        services_interest.premises_interest_express(offer=draft, application=application, by=holder)
    assert not PremisesInterest.objects.exists()


def test_an_accept_that_fails_leaves_everything_as_it_was(published, authority_user):
    holder, application = _holder()
    interest = services_interest.premises_interest_express(
        offer=published, application=application, by=holder
    )
    services.premises_offer_transition(offer=published, to="draft", by=authority_user)
    with pytest.raises(ValidationError):
        services_interest.premises_interest_accept(interest=interest, by=authority_user)
    interest.refresh_from_db()
    assert interest.state == "interested" and interest.agreement is None
    assert not PremisesAgreement.objects.exists()
