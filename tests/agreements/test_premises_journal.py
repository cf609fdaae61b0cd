"""Premises agreements (rent vs the market, works eligibility) and the accompaniment journal."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from tests.accounts.factories import UserFactory
from tests.agreements.factories import (
    AuthorityFactory,
    JournalEntryFactory,
    PremisesAgreementFactory,
    today,
)
from tests.calls.factories import ApplicationFactory, commune
from tests.places.factories import PlaceFactory
from tierslieux.agreements import selectors, services
from tierslieux.agreements.models import JournalKind, PremisesAgreement, ProjectStage, ReferralTo

pytestmark = pytest.mark.django_db
D = datetime.timedelta


def premises_fields(**kwargs):
    fields = {
        "authority": AuthorityFactory(),
        "place": PlaceFactory(),
        "address": "2 rue de l'École",
        "surface_m2": Decimal("120"),
        "yearly_rent_cents": 240_000,
        "reference_rent_per_m2_cents": 8_000,
        "starts_on": datetime.date(2026, 1, 1),
        "duration_months": 36,
        "renewal_on": datetime.date(2029, 1, 1),
    }
    return {**fields, **kwargs}


def test_rent_per_m2_compared_with_the_market(instructor):
    premises = services.premises_agreement_create(by=instructor, **premises_fields())
    assert premises.rent_per_m2_cents == 2_000  # 2,400 € / 120 m²
    assert premises.rent_ratio_to_market == Decimal("0.25")
    assert premises.ends_on == datetime.date(2028, 12, 31)


def test_works_supported_only_if_eligible(instructor):
    with pytest.raises(ValidationError, match="eligible to the call"):
        services.premises_agreement_create(
            by=instructor, **premises_fields(works_supported_cents=500_000)
        )
    premises = services.premises_agreement_create(
        by=instructor, **premises_fields(works_supported_cents=500_000, works_eligible=True)
    )
    assert premises.works_supported_cents == 500_000


def test_works_eligibility_from_an_accepted_application(instructor):
    accepted = services.premises_agreement_create(
        by=instructor,
        **premises_fields(
            application=ApplicationFactory(accepted=True), works_supported_cents=100_000
        ),
    )
    assert accepted.works_eligible
    with pytest.raises(ValidationError, match="eligible"):
        services.premises_agreement_create(
            by=instructor,
            **premises_fields(
                application=ApplicationFactory(rejected=True), works_supported_cents=100_000
            ),
        )


def test_works_rule_is_a_db_constraint():
    with pytest.raises(IntegrityError), transaction.atomic():
        PremisesAgreementFactory(works_supported_cents=1, works_eligible=False)


def test_renewal_after_start_in_db():
    with pytest.raises(IntegrityError), transaction.atomic():
        PremisesAgreementFactory(renewal_on=today() - D(days=400))


def test_only_instructors_create_premises_agreements():
    with pytest.raises(PermissionDenied):
        services.premises_agreement_create(by=UserFactory(authority=True), **premises_fields())


def test_authorities_see_their_premises_agreements_only(instructor):
    mine, other = PremisesAgreementFactory(), PremisesAgreementFactory()
    member = UserFactory(authority=True, organisation=mine.authority)
    assert list(selectors.premises_list(user=member)) == [mine]
    assert set(selectors.premises_list(user=instructor)) == {mine, other}
    assert not selectors.premises_list(user=UserFactory(holder=True)).exists()
    assert not selectors.premises_list(user=UserFactory(network=True)).exists()
    # the object rule says the same
    from tierslieux.core.permissions import user_can

    assert user_can(member, "agreements.premises_view", mine)
    assert not user_can(member, "agreements.premises_view", other)
    assert PremisesAgreement.objects.count() == 2


# --- journal ---------------------------------------------------------------------------------


def test_journal_entry_written_by_the_network():
    network = UserFactory(network=True)
    entry = services.journal_entry_create(
        by=network,
        stage=ProjectStage.EMERGENCE,
        kind=JournalKind.REFERRAL,
        referral_to=ReferralTo.FRANCE_ACTIVE_DLA,
        happened_on=today(),
        project_label="La Fabrique du Bourg",
        commune=commune("24322"),
        notes="Orienté vers le DLA pour le modèle économique.",
    )
    assert entry.author == network
    assert list(selectors.journal_list(user=network)) == [entry]


def test_referral_needs_a_target_and_an_entry_a_project(instructor):
    with pytest.raises(ValidationError, match="to whom"):
        services.journal_entry_create(
            by=instructor,
            stage="idea",
            kind="referral",
            happened_on=today(),
            project_label="X",
        )
    with pytest.raises(ValidationError, match="name the project"):
        services.journal_entry_create(
            by=instructor, stage="idea", kind="visit", happened_on=today()
        )


def test_holders_and_authorities_neither_write_nor_read_the_journal():
    JournalEntryFactory()
    for user in (UserFactory(holder=True), UserFactory(authority=True), UserFactory()):
        with pytest.raises(PermissionDenied):
            services.journal_entry_create(
                by=user, stage="idea", kind="contact", happened_on=today(), project_label="X"
            )
        assert not selectors.journal_list(user=user).exists()
        assert selectors.pipeline(user=user).total == 0


def test_pipeline_counts_projects_by_current_stage_and_departement():
    network = UserFactory(network=True)
    dordogne, gironde = commune("24322"), commune("33063")
    # One project followed from the idea to structuring (counts once, at its latest stage).
    JournalEntryFactory(
        project_label="La Ruche", stage="idea", commune=dordogne, happened_on=today() - D(400)
    )
    JournalEntryFactory(project_label="la  ruche", stage="structuring", happened_on=today() - D(10))
    JournalEntryFactory(project_label="Le Hangar", stage="idea", commune=dordogne)
    JournalEntryFactory(project_label="Atelier", stage="emergence", commune=gironde)
    application = ApplicationFactory(submitted=True)  # in Périgueux (24)
    JournalEntryFactory(project_label="", application=application, stage="applied")
    JournalEntryFactory(project_label="Abandonné", stage="abandoned", commune=gironde)

    p = selectors.pipeline(user=network)
    assert {(r.stage, r.departement, r.count) for r in p.rows} == {
        ("idea", "24", 1),
        ("emergence", "33", 1),
        ("structuring", "24", 1),
        ("applied", "24", 1),
        ("abandoned", "33", 1),
    }
    assert p.total == 5
    assert p.emerging == 4
    assert p.by_stage["funded"] == 0

    dordogne_only = selectors.pipeline(user=network, departement="24")
    assert dordogne_only.total == 3
    assert {r.departement for r in dordogne_only.rows} == {"24"}


def test_pipeline_lists_each_project_at_its_latest_stage():
    network = UserFactory(network=True)
    dordogne = commune("24322")
    JournalEntryFactory(
        project_label="La Ruche", stage="idea", commune=dordogne, happened_on=today() - D(400)
    )
    JournalEntryFactory(project_label="La Ruche", stage="structuring", happened_on=today() - D(10))
    JournalEntryFactory(
        project_label="Le Hangar", stage="idea", commune=dordogne, happened_on=today() - D(3)
    )
    projects = selectors.pipeline(user=network).projects
    assert [(p.label, p.stage, p.departement, p.entries) for p in projects] == [
        ("Le Hangar", "idea", "24", 1),
        ("La Ruche", "structuring", "24", 2),
    ]
    assert projects[1].last_on == today() - D(10)
    assert selectors.pipeline(user=UserFactory()).projects == ()
