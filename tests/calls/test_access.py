"""Who sees what: holders, instructors, partners, the public; opinions, reviews, open data."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.calls.factories import (
    ApplicationFactory,
    DecisionFactory,
    OpinionFactory,
    holder_user,
)
from tierslieux.agreements import scdl
from tierslieux.calls import selectors, services
from tierslieux.calls.models import Opinion, OpinionVerdict, PartnerKind
from tierslieux.core.permissions import user_can

pytestmark = pytest.mark.django_db


def test_holders_see_only_their_organisation_applications():
    mine = ApplicationFactory()
    ApplicationFactory(submitted=True)
    holder = holder_user(mine.organisation)
    assert list(selectors.application_list(user=holder)) == [mine]
    assert user_can(holder, "calls.application_view", mine)
    other = ApplicationFactory(submitted=True)
    assert selectors.application_get(user=holder, pk=other.pk) is None
    assert not user_can(holder, "calls.application_view", other)


def test_instructors_see_every_submitted_application():
    draft = ApplicationFactory()
    submitted = ApplicationFactory(submitted=True)
    accepted = DecisionFactory().application
    instructor = UserFactory(instructor=True)
    assert set(selectors.application_list(user=instructor)) == {submitted, accepted}
    assert selectors.application_get(user=instructor, pk=draft.pk) is None


@pytest.mark.parametrize("role", ["authority", "network"])
def test_a_partner_sees_only_what_it_is_asked_about(role):
    departement = OrganisationFactory(kind="departement")
    partner = UserFactory(**{role: True}, organisation=departement)
    asked = OpinionFactory(organisation=departement).application
    ApplicationFactory(submitted=True)
    assert list(selectors.application_list(user=partner)) == [asked]
    assert list(selectors.opinion_list(user=partner)) == list(asked.opinions.all())


def test_public_and_readers_see_no_application():
    ApplicationFactory(submitted=True)
    assert not selectors.application_list(user=AnonymousUser()).exists()
    assert not selectors.application_list(user=UserFactory(reader=True)).exists()


def test_opinion_request_received_and_overdue():
    instructor = UserFactory(instructor=True)
    application = ApplicationFactory(under_instruction=True)
    prefecture = OrganisationFactory(kind="state")
    member = UserFactory(authority=True, organisation=prefecture, email="pref@example.org")
    late = services.opinion_request(
        application=application,
        organisation=OrganisationFactory(kind="epci"),
        partner_kind=PartnerKind.EPCI,
        due_on=timezone.localdate() - datetime.timedelta(days=1),
        by=instructor,
    )
    opinion = services.opinion_request(
        application=application,
        organisation=prefecture,
        partner_kind=PartnerKind.STATE,
        due_on=timezone.localdate() + datetime.timedelta(days=10),
        by=instructor,
    )
    with pytest.raises(ValidationError):
        services.opinion_request(
            application=application,
            organisation=prefecture,
            partner_kind=PartnerKind.STATE,
            due_on=timezone.localdate(),
            by=instructor,
        )
    assert late.is_overdue() and not opinion.is_overdue()
    with pytest.raises(PermissionDenied):  # not the organisation asked
        services.opinion_give(
            opinion=opinion,
            verdict=OpinionVerdict.FAVOURABLE,
            text="",
            by=UserFactory(authority=True, organisation=OrganisationFactory()),
        )
    services.opinion_give(
        opinion=opinion, verdict=OpinionVerdict.FAVOURABLE, text="Projet soutenu.", by=member
    )
    assert list(Opinion.objects.received()) == [opinion]
    assert list(Opinion.objects.overdue()) == [late]
    with pytest.raises(ValidationError):
        services.opinion_give(opinion=opinion, verdict="reserved", text="", by=member)


def test_project_review_with_the_network():
    instructor = UserFactory(instructor=True)
    network = UserFactory(network=True, organisation=OrganisationFactory(kind="network"))
    discussed = ApplicationFactory(under_instruction=True)
    ApplicationFactory(under_instruction=True)
    with pytest.raises(PermissionDenied):
        services.project_review_create(
            held_on=timezone.localdate(), applications=[discussed], by=network
        )
    review = services.project_review_create(
        held_on=timezone.localdate(), applications=[discussed], by=instructor
    )
    item = review.items.get()
    services.project_review_view_record(
        item=item,
        network_view="Collectif solide, modèle économique à consolider avec France Active.",
        recommendation=OpinionVerdict.RESERVED,
        by=network,
    )
    item.refresh_from_db()
    assert item.recorded_by == network and item.recommendation == "reserved"
    assert list(selectors.application_list(user=network)) == [discussed]
    with pytest.raises(ValidationError):
        services.project_review_create(
            held_on=timezone.localdate(), applications=[ApplicationFactory()], by=instructor
        )


def test_funded_projects_are_public():
    grant = DecisionFactory(granted_cents=4_500_000)
    ApplicationFactory(submitted=True)
    ApplicationFactory(rejected=True)
    funded = selectors.funded_projects_list()
    assert [(f.name, f.commune, f.amount_cents) for f in funded] == [
        (grant.application.title, "Périgueux", 4_500_000)
    ]
    assert funded[0].year == grant.application.call.year
    assert user_can(AnonymousUser(), "calls.funded_view")


def test_scdl_publishes_grants_of_23000_euros_and_more():
    published = DecisionFactory(granted_cents=2_300_000, reference="CP-2025-07-12")
    DecisionFactory(granted_cents=2_299_999)
    rows = list(csv.DictReader(io.StringIO(scdl.scdl_csv())))
    assert len(rows) == 1
    row = rows[0]
    assert list(row) == list(scdl.COLUMNS)
    assert row["montant"] == "23000.00"
    assert row["idBeneficiaire"] == published.application.organisation.siret
    assert row["idAttribuant"] == "20005375900011"
    assert row["referenceDecision"] == "CP-2025-07-12"
    assert row["nature"] == "aide en numéraire"
    assert row["notificationUE"] == "non"
    assert row["pourcentageSubvention"] == "1.00"
    start = published.committee_on
    assert row["dateConvention"] == f"{start:%Y-%m-%d}"


def test_scdl_payment_period_after_a_decision():
    application = ApplicationFactory(proposed=True)
    services.application_decide(
        application=application,
        accepted=True,
        committee_on=datetime.date(2025, 7, 1),
        reference="CP-1",
        by=UserFactory(instructor=True),
    )
    (row,) = scdl.scdl_rows()
    assert row["datesPeriodeVersement"] == "2025-07-01/2028-07-01"
