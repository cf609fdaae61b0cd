"""The region rule of ``user_can`` (ADR 0029): staff roles reach their region's objects only,
a national reader reads every region and writes nothing, holders keep their own files."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.accounts.factories import UserFactory
from tests.agreements.factories import AgreementFactory
from tests.calls.factories import ApplicationFactory, CallFactory, holder_user
from tierslieux.agreements import selectors as agreement_selectors
from tierslieux.agreements import services as agreement_services
from tierslieux.calls import selectors as call_selectors
from tierslieux.calls import services as call_services
from tierslieux.core.permissions import (
    ACTION_ROLES,
    NATIONAL_READ_ACTIONS,
    object_region_code,
    user_can,
    user_region_codes,
)
from tierslieux.core.roles import Role

# Actions a national reader holds without their being reads of a region's records: what every
# signed-in user may do (their own tasks and reports, the contact of a public offer).
SIGNED_IN_ACTIONS = {
    "tasks.view_own",
    "premises.contact_view",
    "dashboard.report_generate",
    "network.resource_view",
}


def test_the_national_reader_is_given_read_actions_only():
    granted = {a for a, roles in ACTION_ROLES.items() if Role.NATIONAL_READER in roles}
    public = {a for a, roles in ACTION_ROLES.items() if Role.PUBLIC in roles}
    assert granted - public - SIGNED_IN_ACTIONS == set(NATIONAL_READ_ACTIONS)
    for action in NATIONAL_READ_ACTIONS:
        assert action.endswith(("_view", "_read")), action


@pytest.mark.django_db
def test_objects_say_their_region_through_their_call():
    call = CallFactory()
    application = ApplicationFactory(call=call, submitted=True)
    agreement = AgreementFactory(application=ApplicationFactory(call=call, accepted=True))
    assert object_region_code(call) == "75"
    assert object_region_code(application) == "75"
    assert object_region_code(agreement) == "75"
    assert object_region_code(agreement.milestones.first()) == "75"
    assert object_region_code(agreement.tranches.first()) == "75"
    assert object_region_code("not a record") is None


@pytest.mark.django_db
def test_an_instructor_acts_only_in_its_region():
    application = ApplicationFactory(submitted=True)
    here = UserFactory(instructor=True)
    there = UserFactory(instructor=True, region_code="84")
    assert here.region_code == "75"  # the home region by default
    for action in ("calls.application_instruct", "calls.application_view", "calls.budget_view"):
        obj = application.call if action == "calls.budget_view" else application
        assert user_can(here, action, obj)
        assert not user_can(there, action, obj)
    # Without an object the role still answers (lists are filtered by the selectors).
    assert user_can(there, "calls.application_instruct")
    assert call_selectors.application_get(user=there, pk=application.pk) is None
    assert call_selectors.application_counts_by_state(user=there) == []
    assert call_selectors.application_get(user=here, pk=application.pk) == application


@pytest.mark.django_db
def test_services_refuse_an_instructor_of_another_region():
    there = UserFactory(instructor=True, region_code="84")
    application = ApplicationFactory(under_instruction=True)
    with pytest.raises(PermissionDenied):
        call_services.application_assign(application=application, instructor=there, by=there)
    assert not application.instructors.exists()
    agreement = AgreementFactory(signed=True)
    tranche = agreement.tranches.order_by("order").first()
    with pytest.raises(PermissionDenied):
        agreement_services.tranche_pay(
            tranche=tranche, paid_on=agreement.starts_on, amount_cents=1, by=there
        )
    tranche.refresh_from_db()
    assert tranche.paid_on is None


@pytest.mark.django_db
def test_a_journal_entry_of_another_region_is_refused_with_the_reason():
    from tierslieux.territory.models import Commune

    there = UserFactory(instructor=True, region_code="84")
    with pytest.raises(ValidationError) as refused:
        agreement_services.journal_entry_create(
            by=there,
            stage="idea",
            kind="contact",
            happened_on=datetime.date(2026, 1, 5),
            project_label="Projet",
            commune=Commune.objects.get(code="24322"),
        )
    assert refused.value.code == "region_scope"
    assert "Nouvelle-Aquitaine" in refused.value.messages[0]


@pytest.mark.django_db
def test_the_national_reader_reads_every_region_and_writes_nothing():
    reader = UserFactory(national_reader=True)
    application = ApplicationFactory(submitted=True, call=CallFactory(region_code="75"))
    agreement = AgreementFactory(signed=True)
    assert user_region_codes(reader) is None
    assert user_can(reader, "calls.application_view", application)
    assert user_can(reader, "agreements.agreement_view", agreement)
    assert call_selectors.application_get(user=reader, pk=application.pk) == application
    assert agreement_selectors.agreement_get(user=reader, pk=agreement.pk) == agreement
    for action in ("calls.application_instruct", "agreements.agreement_manage"):
        assert not user_can(reader, action, application if "calls" in action else agreement)
    with pytest.raises(PermissionDenied):
        call_services.application_message_post(application=application, body="x", by=reader)
    assert not application.messages.exists()


@pytest.mark.django_db
def test_holders_keep_their_files_whatever_the_region():
    holder = holder_user()
    holder.region_code = "84"
    holder.save()
    application = ApplicationFactory(organisation=holder.organisation)
    assert object_region_code(application) == "75"
    assert user_can(holder, "calls.application_view", application)
    assert user_can(holder, "calls.application_act_as_holder", application)
    assert call_selectors.application_get(user=holder, pk=application.pk) == application


@pytest.mark.django_db
def test_partners_see_the_opinions_asked_of_them_in_their_region_only():
    from tests.accounts.factories import OrganisationFactory
    from tests.calls.factories import OpinionFactory

    network = OrganisationFactory(kind="network")
    opinion = OpinionFactory(
        application=ApplicationFactory(under_instruction=True), organisation=network
    )
    here = UserFactory(network=True, organisation=network)
    there = UserFactory(network=True, organisation=network, region_code="84")
    assert list(call_selectors.opinion_pending_list(user=here)) == [opinion]
    assert list(call_selectors.opinion_pending_list(user=there)) == []
    assert not user_can(there, "calls.opinion_give", opinion)


@pytest.mark.django_db
def test_a_project_review_is_held_in_one_region(settings):
    settings.TERRITORY_REGIONS = ("75", "84")
    there = UserFactory(instructor=True, region_code="84")
    call = CallFactory()
    with pytest.raises(ValidationError) as refused:
        call_services.project_review_create(
            held_on=datetime.date(2026, 5, 1), applications=[], call=call, by=there
        )
    assert refused.value.code == "region_scope"
    mixed = ApplicationFactory(submitted=True, call=CallFactory(region_code="84"))
    here = UserFactory(instructor=True)
    with pytest.raises(ValidationError) as refused:
        call_services.project_review_create(
            held_on=datetime.date(2026, 5, 1), applications=[mixed], call=None, by=here
        )
    assert refused.value.code == "region"
    review = call_services.project_review_create(
        held_on=datetime.date(2026, 5, 1), applications=[mixed], call=None, by=there
    )
    assert review.region_code == "84"
    assert list(call_selectors.project_review_list(user=here)) == []
    assert list(call_selectors.project_review_list(user=there)) == [review]
