"""Rules of the services: submission, eligibility and the mesh, amounts, budget, assessments."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from tests.accounts.factories import UserFactory
from tests.calls.factories import (
    ApplicationFactory,
    CallFactory,
    DecisionFactory,
    HolderOrganisationFactory,
    commune,
    holder_user,
)
from tests.places.factories import PlaceFactory
from tierslieux.calls import selectors, services
from tierslieux.calls.models import Call, CallDepartementCeiling, CoFinancer
from tierslieux.calls.services import ExpenseInput, ResourceInput
from tierslieux.calls.workflow import ApplicationState

pytestmark = pytest.mark.django_db
S = ApplicationState


@pytest.fixture
def instructor():
    return UserFactory(instructor=True, email="instructrice@example.org")


def test_call_create_copies_the_five_criteria_and_the_aid_rules(instructor):
    today = timezone.localdate()
    call = services.call_create(
        name="AMI Tiers-lieux 2025",
        kind="creation",
        year=2025,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=60),
        budget_cents=140_000_000,
        ceilings={"24": 20_000_000},
        by=instructor,
    )
    assert call.criteria.count() == 5
    assert sorted(call.aid_rules.values_list("rate", "cap_cents")) == [
        (Decimal("0.3000"), 6_000_000),
        (Decimal("0.4000"), 8_000_000),
        (Decimal("0.5000"), 10_000_000),
    ]
    assert call.ceilings.get().departement_id == "24"
    assert Call.objects.open(today).filter(pk=call.pk).exists()
    with pytest.raises(PermissionDenied):
        services.call_create(
            name="x",
            kind="creation",
            year=2025,
            opens_on=today,
            closes_on=today,
            budget_cents=1,
            by=holder_user(),
        )


def test_call_dates_are_checked(instructor):
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        services.call_create(
            name="x",
            kind="creation",
            year=2025,
            opens_on=today,
            closes_on=today - datetime.timedelta(days=1),
            budget_cents=1,
            by=instructor,
        )


def test_holder_registers_an_organisation_with_a_valid_siret():
    user = UserFactory(holder=True)
    with pytest.raises(ValidationError):
        services.holder_organisation_register(
            name="Asso", kind="association", siret="73282932000075", by=user
        )
    organisation = services.holder_organisation_register(
        name="Asso", kind="association", siret="732 829 320 00074", by=user
    )
    user.refresh_from_db()
    assert user.organisation == organisation and organisation.siret == "73282932000074"


def test_application_create_needs_an_organisation_and_an_open_call():
    with pytest.raises(ValidationError):
        services.application_create(call=CallFactory(), title="x", by=UserFactory(holder=True))
    with pytest.raises(ValidationError):
        services.application_create(call=CallFactory(closed=True), title="x", by=holder_user())
    holder = holder_user()
    draft = services.application_create(
        call=CallFactory(), title="La Ruche", by=holder, commune=commune("24322")
    )
    assert draft.state == S.DRAFT and draft.organisation == holder.organisation


def test_submission_says_what_is_missing():
    holder = holder_user()
    application = services.application_create(call=CallFactory(), title="La Ruche", by=holder)
    with pytest.raises(services.ApplicationIncomplete) as error:
        services.application_submit(application=application, by=holder)
    missing = " ".join(error.value.missing)
    for expected in ("collective", "business model", "location", "Open to all", "expenses"):
        assert expected in missing
    application.refresh_from_db()
    assert application.state == S.DRAFT


def test_a_blank_answer_clears_the_saved_one():
    application = ApplicationFactory(complete=False)
    holder = holder_user(application.organisation)
    criterion = application.call.criteria.first()
    services.application_answer_set(
        application=application, criterion=criterion, text="Ouvert à tous", by=holder
    )
    assert application.answers.filter(criterion=criterion).exists()
    assert (
        services.application_answer_set(
            application=application, criterion=criterion, text="  ", by=holder
        )
        is None
    )
    assert not application.answers.filter(criterion=criterion).exists()


def test_an_unbalanced_financing_plan_blocks_submission():
    application = ApplicationFactory(complete=False)
    holder = holder_user(application.organisation)
    for criterion in application.call.criteria.all():
        services.application_answer_set(
            application=application, criterion=criterion, text="Oui", by=holder
        )
    plan = services.financing_plan_set(
        application=application,
        expenses=[ExpenseInput("Travaux", 10_000_000)],
        resources=[
            ResourceInput(CoFinancer.REGION, 3_000_000),
            ResourceInput(CoFinancer.OWN_FUNDS, 6_000_000),
        ],
        by=holder,
    )
    assert not plan.is_balanced and plan.difference_cents == -1_000_000
    with pytest.raises(services.ApplicationIncomplete) as error:
        services.application_submit(application=application, by=holder)
    assert any("balanced financing plan" in m for m in error.value.missing)
    services.financing_plan_set(
        application=application,
        expenses=[ExpenseInput("Travaux", 10_000_000)],
        resources=[
            ResourceInput(CoFinancer.REGION, 3_000_000),
            ResourceInput(CoFinancer.OWN_FUNDS, 7_000_000),
        ],
        by=holder,
    )
    services.application_submit(application=application, by=holder)
    assert application.state == S.SUBMITTED


def test_submission_needs_a_valid_siret_and_an_open_call():
    application = ApplicationFactory(organisation=HolderOrganisationFactory(siret=""))
    with pytest.raises(services.ApplicationIncomplete, match="SIRET"):
        services.application_submit(
            application=application, by=holder_user(application.organisation)
        )
    late = ApplicationFactory(call=CallFactory(closed=True))
    with pytest.raises(ValidationError) as error:
        services.application_submit(application=late, by=holder_user(late.organisation))
    assert error.value.code == "call_closed"


def test_holder_cannot_edit_once_submitted():
    application = ApplicationFactory(submitted=True)
    with pytest.raises(ValidationError):
        services.application_update(
            application=application, by=holder_user(application.organisation), title="x"
        )


# --- creation: territoire en carence, computed by the mesh ---------------------------------------


def test_creation_in_an_under_served_territory_stores_the_mesh_figures():
    PlaceFactory()  # Bordeaux, about 2 h from Périgueux with the straight-line model
    application = ApplicationFactory(call=CallFactory(creation=True))
    services.application_submit(application=application, by=holder_user(application.organisation))
    application.refresh_from_db()
    assert application.state == S.SUBMITTED
    assert application.minutes_to_nearest_place > 100
    assert application.inhabitants_brought > 30_000  # Périgueux and its neighbours
    assert application.mesh_computed_at is not None
    # The profile is pre-filled from the density of the commune, the aid suggested from it.
    assert application.vulnerability_profile == "standard"
    assert application.suggested_cents == 3_000_000  # 30 % of 100,000 €, within the request


def test_creation_next_to_an_open_place_is_refused():
    PlaceFactory(commune=commune("24322"))
    application = ApplicationFactory(call=CallFactory(creation=True))
    with pytest.raises(services.ApplicationIneligible) as error:
        services.application_submit(
            application=application, by=holder_user(application.organisation)
        )
    assert "20" in error.value.reasons[0]
    application.refresh_from_db()
    assert application.state == S.DRAFT


def test_unpublished_or_closed_places_do_not_count():
    PlaceFactory(commune=commune("24322"), unpublished=True)
    PlaceFactory(commune=commune("24322"), closed=True)
    application = ApplicationFactory(call=CallFactory(creation=True))
    services.application_submit(application=application, by=holder_user(application.organisation))
    application.refresh_from_db()
    assert application.minutes_to_nearest_place is None  # no open place at all
    assert application.inhabitants_brought > 0


def test_mesh_is_recomputable(instructor):
    application = ApplicationFactory(call=CallFactory(creation=True), submitted=True)
    services.application_mesh_compute(application=application)
    assert application.minutes_to_nearest_place is None
    PlaceFactory(commune=commune("24322"))
    services.application_mesh_compute(application=application)
    assert application.minutes_to_nearest_place == 0
    assert application.inhabitants_brought == 0


# --- development: open for 3 years with 0.5 FTE --------------------------------------------------


@pytest.mark.parametrize(
    ("years_open", "fte", "eligible"),
    [(4, Decimal("1.0"), True), (2, Decimal("1.0"), False), (4, Decimal("0.3"), False)],
)
def test_development_eligibility(years_open, fte, eligible):
    today = timezone.localdate()
    place = PlaceFactory(
        commune=commune("24322"), opened_on=today - datetime.timedelta(days=366 * years_open)
    )
    application = ApplicationFactory(call=CallFactory(development=True), place=place, staff_fte=fte)
    holder = holder_user(application.organisation)
    if eligible:
        services.application_submit(application=application, by=holder)
        assert application.state == S.SUBMITTED
    else:
        with pytest.raises(services.ApplicationIneligible):
            services.application_submit(application=application, by=holder)


# --- amount --------------------------------------------------------------------------------------


def test_amount_suggested_and_overridden_with_a_reason(instructor):
    application = ApplicationFactory(under_instruction=True)
    services.application_amount_set(application=application, profile="vulnerable", by=instructor)
    # 50 % of 100,000 € = 50,000 €, but the holder asks the Région for 30,000 €.
    assert application.suggested_cents == application.proposed_cents == 3_000_000
    with pytest.raises(ValidationError):
        services.application_amount_set(
            application=application, proposed_cents=2_500_000, by=instructor
        )
    services.application_amount_set(
        application=application,
        proposed_cents=2_500_000,
        reason="Dépenses de mobilier surestimées.",
        by=instructor,
    )
    application.refresh_from_db()
    assert application.proposed_cents == 2_500_000
    assert application.amount_override_reason
    with pytest.raises(PermissionDenied):
        services.application_amount_set(
            application=application, by=holder_user(application.organisation)
        )


# --- budget --------------------------------------------------------------------------------------


def test_a_decision_beyond_the_envelope_is_refused(instructor):
    call = CallFactory(budget_cents=5_000_000)
    DecisionFactory(application__call=call, granted_cents=3_000_000)
    application = ApplicationFactory(call=call, proposed=True)
    with translation.override("fr"), pytest.raises(services.BudgetExceeded) as error:
        services.application_decide(
            application=application,
            accepted=True,
            committee_on=timezone.localdate(),
            by=instructor,
        )
    assert "20\u202f000,00" in error.value.messages[0]  # remaining
    application.refresh_from_db()
    assert application.state == S.PROPOSED
    assert not hasattr(application, "decision")
    # Within the envelope, a smaller amount passes.
    services.application_decide(
        application=application,
        accepted=True,
        granted_cents=2_000_000,
        committee_on=timezone.localdate(),
        by=instructor,
    )
    summary = selectors.budget_summary(call)
    assert (summary.committed_cents, summary.remaining_cents) == (5_000_000, 0)


def test_a_decision_beyond_the_departement_ceiling_is_refused(instructor):
    call = CallFactory(budget_cents=100_000_000)
    CallDepartementCeiling.objects.create(call=call, departement_id="24", ceiling_cents=4_000_000)
    DecisionFactory(application__call=call, granted_cents=3_000_000)  # Périgueux, 24
    elsewhere = ApplicationFactory(call=call, proposed=True, commune=commune("33063"))
    services.application_decide(
        application=elsewhere, accepted=True, committee_on=timezone.localdate(), by=instructor
    )
    application = ApplicationFactory(call=call, proposed=True)
    with pytest.raises(services.BudgetExceeded, match="Dordogne"):
        services.application_decide(
            application=application,
            accepted=True,
            committee_on=timezone.localdate(),
            by=instructor,
        )
    summary = selectors.budget_summary(call)
    dordogne = next(d for d in summary.departements if d.code == "24")
    assert (dordogne.ceiling_cents, dordogne.committed_cents, dordogne.remaining_cents) == (
        4_000_000,
        3_000_000,
        1_000_000,
    )


def test_budget_per_year(instructor):
    year = timezone.localdate().year
    a = CallFactory(budget_cents=10_000_000, year=year)
    CallFactory(budget_cents=20_000_000, year=year)
    CallFactory(budget_cents=99_000_000, year=year - 1)
    DecisionFactory(application__call=a, granted_cents=4_000_000)
    ApplicationFactory(call=a, proposed=True)
    summary = selectors.budget_by_year(year)
    assert summary.envelope_cents == 30_000_000
    assert summary.committed_cents == 4_000_000
    assert summary.remaining_cents == 26_000_000
    assert summary.proposed_cents == 3_000_000


def test_rejection_grants_nothing_and_needs_a_reason(instructor):
    application = ApplicationFactory(proposed=True)
    with pytest.raises(ValidationError):
        services.application_decide(
            application=application,
            accepted=False,
            committee_on=timezone.localdate(),
            by=instructor,
        )
    decision = services.application_decide(
        application=application,
        accepted=False,
        committee_on=timezone.localdate(),
        reason="Projet trop proche d'un tiers-lieu existant.",
        by=instructor,
    )
    assert decision.granted_cents == 0 and application.state == S.REJECTED


def test_a_decision_needs_a_proposed_application(instructor):
    application = ApplicationFactory(under_instruction=True)
    with pytest.raises(services.InvalidTransition):
        services.application_decide(
            application=application,
            accepted=True,
            granted_cents=1_000_000,
            committee_on=timezone.localdate(),
            by=instructor,
        )


# --- assessments: no lost update -----------------------------------------------------------------


def test_two_instructors_editing_the_same_assessment(instructor):
    application = ApplicationFactory(under_instruction=True)
    criterion = application.call.criteria.first()
    other = UserFactory(instructor=True)
    # Both open the page: neither has saved, both start from version 0.
    seen_by_first = selectors.assessment_list(user=instructor, application=application)[0]
    seen_by_second = selectors.assessment_list(user=other, application=application)[0]
    assert seen_by_first.version == seen_by_second.version == 0

    saved = services.assessment_save(
        application=application,
        criterion=criterion,
        score=3,
        comment="Bonne ouverture.",
        version=seen_by_first.version,
        by=instructor,
    )
    assert saved.version == 1
    with pytest.raises(services.AssessmentConflict) as error:
        services.assessment_save(
            application=application,
            criterion=criterion,
            score=1,
            comment="Insuffisant.",
            version=seen_by_second.version,
            by=other,
        )
    assert error.value.current.score == 3  # the first edit is kept, not overwritten
    # The second instructor reloads and saves on top of the first edit.
    reloaded = selectors.assessment_list(user=other, application=application)[0]
    assert (reloaded.score, reloaded.version) == (3, 1)
    saved = services.assessment_save(
        application=application,
        criterion=criterion,
        score=2,
        comment="Bonne ouverture, public encore restreint.",
        version=reloaded.version,
        by=other,
    )
    assert (saved.score, saved.version, saved.updated_by) == (2, 2, other)


def test_assessment_rules(instructor):
    application = ApplicationFactory(under_instruction=True)
    criterion = application.call.criteria.first()
    with pytest.raises(ValidationError):
        services.assessment_save(
            application=application,
            criterion=criterion,
            score=5,
            comment="",
            version=0,
            by=instructor,
        )
    with pytest.raises(PermissionDenied):
        services.assessment_save(
            application=application,
            criterion=criterion,
            score=2,
            comment="",
            version=0,
            by=holder_user(application.organisation),
        )
    for c in application.call.criteria.all():
        services.assessment_save(
            application=application, criterion=c, score=4, comment="", version=0, by=instructor
        )
    rows = selectors.assessment_list(user=instructor, application=application)
    assert selectors.application_score(rows) == Decimal("1.0000")
    assert selectors.assessment_list(user=holder_user(), application=application) == []


# --- assignment, e-mails -------------------------------------------------------------------------


def test_assignment_and_notifications(instructor, mailoutbox, django_capture_on_commit_callbacks):
    application = ApplicationFactory()
    holder = holder_user(application.organisation, email="porteuse@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=application, by=holder)
    assert [m.to for m in mailoutbox] == [["porteuse@example.org"]]
    with django_capture_on_commit_callbacks(execute=True):
        services.application_assign(application=application, instructor=instructor, by=instructor)
    assert mailoutbox[-1].to == ["instructrice@example.org"]
    with pytest.raises(ValidationError):
        services.application_assign(application=application, instructor=holder, by=instructor)
    services.application_transition(application=application, to=S.UNDER_INSTRUCTION, by=instructor)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_transition(
            application=application,
            to=S.CHANGES_REQUESTED,
            by=instructor,
            reason="Joignez le bail.",
        )
    assert "Joignez le bail." in mailoutbox[-1].body
    with django_capture_on_commit_callbacks(execute=True):
        services.application_message_post(application=application, body="Voici le bail.", by=holder)
    assert mailoutbox[-1].to == ["instructrice@example.org"]
    timeline = selectors.application_timeline(application)
    assert [type(item).__name__ for item in timeline] == [
        "ApplicationLog",
        "ApplicationLog",
        "ApplicationLog",
        "ApplicationMessage",
    ]


def test_mesh_recompute_command():
    from io import StringIO

    from django.core.management import call_command

    application = ApplicationFactory(call=CallFactory(creation=True), under_instruction=True)
    out = StringIO()
    call_command("calls_mesh_recompute", stdout=out)
    application.refresh_from_db()
    assert application.mesh_computed_at is not None
    assert out.getvalue().startswith(f"{application.pk}\t")


def test_status_emails_link_to_the_application_on_the_site_url(
    instructor, mailoutbox, django_capture_on_commit_callbacks, settings
):
    """Every notification carries an absolute link built from SITE_URL, never from a request."""
    settings.SITE_URL = "https://tiers-lieux.example.fr"
    application = ApplicationFactory()
    holder = holder_user(application.organisation, email="porteuse@example.org")
    holder_page = f"https://tiers-lieux.example.fr/appels/dossiers/{application.pk}/"
    instruction_page = (
        f"https://tiers-lieux.example.fr/appels/dossiers/{application.pk}/instruction/"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=application, by=holder)
    assert holder_page in mailoutbox[-1].body
    with django_capture_on_commit_callbacks(execute=True):
        services.application_assign(application=application, instructor=instructor, by=instructor)
    assert instruction_page in mailoutbox[-1].body
    services.application_transition(application=application, to=S.UNDER_INSTRUCTION, by=instructor)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_transition(
            application=application, to=S.CHANGES_REQUESTED, by=instructor, reason="Le bail."
        )
    assert mailoutbox[-1].to == ["porteuse@example.org"] and holder_page in mailoutbox[-1].body
    with django_capture_on_commit_callbacks(execute=True):
        services.application_message_post(application=application, body="Voici.", by=holder)
    assert instruction_page in mailoutbox[-1].body
    with django_capture_on_commit_callbacks(execute=True):
        services.application_message_post(application=application, body="Merci.", by=instructor)
    assert holder_page in mailoutbox[-1].body
