"""A small world with one object behind every detail link, and one user of every role."""

from dataclasses import dataclass

import pytest
from django.utils import timezone

from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.agreements.factories import (
    AgreementFactory,
    AuthorityFactory,
    JournalEntryFactory,
    PremisesAgreementFactory,
)
from tests.calls.factories import (
    ApplicationFactory,
    CallFactory,
    HolderOrganisationFactory,
    OpinionFactory,
    holder_user,
)
from tests.places.factories import PlaceFactory
from tests.surveys.factories import InvitationFactory, ResponseFactory, SurveyFactory
from tierslieux.calls import services as call_services
from tierslieux.calls.models import PartnerKind
from tierslieux.places import services as place_services


def _network_partnership(place) -> None:
    """A programme with an objective and a tied grant, a cohort with a trainee, two resources
    (a link and a file), so that every page of issue 16's second slice is reached."""
    import datetime

    from django.core.files.base import ContentFile

    from tests.dashboard.factories import OtherGrantFactory
    from tests.network.factories import ObjectiveFactory, ProgrammeFactory, ResourceFactory
    from tests.training.factories import CourseFactory
    from tierslieux.training.models import Cohort, Trainee

    programme = ProgrammeFactory(
        starts_on=datetime.date(timezone.localdate().year - 1, 1, 1),
        ends_on=datetime.date(timezone.localdate().year + 1, 12, 31),
    )
    ObjectiveFactory(programme=programme, year=timezone.localdate().year)
    OtherGrantFactory(year=timezone.localdate().year, programme=programme)
    OtherGrantFactory(year=timezone.localdate().year)
    course = CourseFactory(certification="Facilitateur", rncp_code="RNCP12345")
    cohort = Cohort.objects.create(
        course=course,
        name="Promotion",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
    )
    Trainee.objects.create(cohort=cohort, name="Alex", place=place)
    ResourceFactory()
    resource = ResourceFactory.build(url="", file_name="guide.pdf", content_type="application/pdf")
    resource.file.save("guide.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)


@dataclass
class World:
    users: dict
    call: object
    applications: dict
    agreement: object
    premises: object
    review: object
    offer: object
    """A published premises offer with a photo, an accepted interest and a declined one."""


@pytest.fixture
def world(db, settings, tmp_path) -> World:
    settings.VAR_DIR = tmp_path / "var"  # the resource's file is written there
    network_org = OrganisationFactory(name="Coopérative", kind="network")
    authority_org = AuthorityFactory(name="Commune de Test")
    holder_org = HolderOrganisationFactory(name="Association Test")
    users = {
        "holder": holder_user(organisation=holder_org, username="porteur"),
        "instructor": UserFactory(instructor=True, username="instructrice"),
        "network": UserFactory(network=True, organisation=network_org, username="reseau"),
        "authority": UserFactory(
            authority=True, organisation=authority_org, username="collectivite"
        ),
        "reader": UserFactory(reader=True, username="lecteur"),
        "national_reader": UserFactory(national_reader=True, username="lecture-nationale"),
        "superuser": UserFactory(superuser=True, username="admin"),
    }
    call = CallFactory(name="AMI ouvert")
    CallFactory(name="AMI passé", closed=True)
    place = PlaceFactory(name="Lieu publié")
    PlaceFactory(name="Lieu en projet", project=True)
    applications = {
        "draft": ApplicationFactory(call=call, organisation=holder_org, title="Brouillon"),
        "submitted": ApplicationFactory(call=call, organisation=holder_org, submitted=True),
        "instructing": ApplicationFactory(call=call, under_instruction=True, title="Instruit"),
        "proposed": ApplicationFactory(call=call, proposed=True, submitted_at=timezone.now()),
        "accepted_awaiting": ApplicationFactory(
            call=call, accepted=True, submitted_at=timezone.now()
        ),
    }
    agreement = AgreementFactory(
        signed=True,
        application=ApplicationFactory(
            call=call,
            organisation=holder_org,
            accepted=True,
            submitted_at=timezone.now(),
            place=place,
        ),
    )
    applications["funded"] = agreement.application
    OpinionFactory(
        application=applications["instructing"],
        organisation=network_org,
        partner_kind=PartnerKind.NETWORK,
    )
    OpinionFactory(
        application=applications["instructing"],
        organisation=authority_org,
        partner_kind=PartnerKind.COMMUNE,
    )
    premises = PremisesAgreementFactory(authority=authority_org, place=place)
    JournalEntryFactory()
    review = call_services.project_review_create(
        held_on=timezone.localdate(),
        applications=[applications["instructing"]],
        call=call,
        by=users["instructor"],
    )
    place_services.proposal_create(
        place=None,
        data={"name": "Lieu proposé", "kinds": ["coworking"], "state": "open"},
        proposer_name="Alex",
        proposer_email="alex@example.org",
    )
    survey = SurveyFactory()
    ResponseFactory(invitation=InvitationFactory(survey=survey, place=place))
    _network_partnership(place)
    offer = _premises_offer(users, applications)
    return World(users, call, applications, agreement, premises, review, offer)


def _premises_offer(users, applications):
    """Published in the authority's commune, a photo, the holder's draft accepted."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tierslieux.premises import services, services_interest
    from tierslieux.territory.models import Commune

    gueret = Commune.objects.get(code="23096")
    offer = services.premises_offer_create(
        values={
            "title": "École offerte",
            "commune": gueret,
            "address": "1 place de la Mairie",
            "surface_m2": 120,
            "rooms": 4,
            "building_state": "ready",
            "rent_per_m2_month": 3,
            "contact_name": "Mairie",
            "contact_email": "mairie@example.org",
        },
        photos=[
            SimpleUploadedFile(
                "facade.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, content_type="image/png"
            )
        ],
        by=users["authority"],
    )
    services.premises_offer_transition(offer=offer, to="published", by=users["authority"])
    interest = services_interest.premises_interest_express(
        offer=offer, application=applications["draft"], by=users["holder"]
    )
    services_interest.premises_interest_express(
        offer=offer, application=applications["submitted"], by=users["holder"]
    )
    services_interest.premises_interest_accept(
        interest=interest, by=users["authority"], notify=False
    )
    offer.refresh_from_db()
    return offer
