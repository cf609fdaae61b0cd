"""Rules of the services: creation from an accepted application, the three meetings, payments."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from tests.accounts.factories import UserFactory
from tests.agreements.factories import AgreementFactory, IndicatorFactory, today
from tests.calls.factories import ApplicationFactory
from tierslieux.agreements import rules, services
from tierslieux.agreements.models import (
    AgreementEvent,
    AgreementLog,
    IndicatorKind,
    MilestoneDecision,
    MilestoneKind,
    PaymentTranche,
    TrancheState,
)
from tierslieux.agreements.services import IndicatorInput, PaymentRefused, ValueInput
from tierslieux.agreements.workflow import AgreementState

pytestmark = pytest.mark.django_db
D = datetime.timedelta
APPROVED = MilestoneDecision.APPROVED
ADJUST = MilestoneDecision.ADJUSTMENTS_REQUIRED


def create(instructor, application=None, **kwargs):
    application = application or ApplicationFactory(accepted=True)
    kwargs.setdefault("starts_on", today() - D(days=400))
    kwargs.setdefault("ends_on", today() - D(days=35))
    return services.agreement_create_from_application(
        application=application, by=instructor, **kwargs
    )


def record(milestone, instructor, decision=APPROVED, values=(), held_on=None):
    return services.milestone_record(
        milestone=milestone,
        held_on=held_on or today(),
        participants="Le collectif, la commune, la Région",
        minutes="Compte rendu.",
        indicator_values=values,
        decision=decision,
        by=instructor,
    )


def signed(instructor, **kwargs):
    agreement = create(instructor, **kwargs)
    return services.agreement_sign(
        agreement=agreement, signed_on=agreement.starts_on, by=instructor
    )


def meeting(agreement, kind):
    return agreement.milestones.get(kind=kind)


def tranche(agreement, order):
    return agreement.tranches.get(order=order)


# --- creation --------------------------------------------------------------------------------


def test_creates_agreement_with_three_meetings_at_computed_dates(instructor):
    starts, ends = datetime.date(2026, 1, 1), datetime.date(2027, 1, 1)
    agreement = create(instructor, starts_on=starts, ends_on=ends)
    assert agreement.state == AgreementState.DRAFT
    assert agreement.amount_cents == agreement.application.decision.granted_cents == 3_000_000
    planned = dict(agreement.milestones.values_list("kind", "planned_on"))
    assert planned == {
        "kickoff": starts,
        "midterm": datetime.date(2026, 7, 2),
        "final": ends,
    }
    assert set(agreement.milestones.values_list("decision", flat=True)) == {"pending"}
    assert AgreementLog.objects.filter(agreement=agreement, to_state="draft").count() == 1


def test_default_schedule_sums_to_the_grant(instructor):
    agreement = create(instructor)
    rows = list(agreement.tranches.values_list("order", "amount_cents", "depends_on", "state"))
    assert rows == [
        (1, 900_000, "", "scheduled"),
        (2, 1_200_000, "midterm", "scheduled"),
        (3, 900_000, "final", "scheduled"),
    ]
    labels = list(agreement.tranches.values_list("label", flat=True))
    assert labels == ["Advance at signature", "Intermediate payment", "Balance"]
    assert "mid-funding steering committee" in tranche(agreement, 2).condition


def test_custom_schedule_must_sum_to_the_grant(instructor):
    schedule = [
        rules.TrancheSpec("advance", 1_000_000, ""),
        rules.TrancheSpec("balance", 1, "final"),
    ]
    with pytest.raises(ValidationError, match="add up exactly to the grant"):
        create(instructor, schedule=schedule)


def test_custom_schedule_two_tranches(instructor):
    schedule = [
        rules.TrancheSpec("advance", 1_500_000, ""),
        rules.TrancheSpec("balance", 1_500_000, "final", condition="Bilan approuvé"),
    ]
    agreement = create(instructor, schedule=schedule)
    assert agreement.tranches.count() == 2
    assert tranche(agreement, 2).condition == "Bilan approuvé"


def test_indicators_created_with_baseline_and_target(instructor):
    agreement = create(
        instructor,
        indicators=[
            IndicatorInput(IndicatorKind.QUANTITATIVE, "Abonnés", 0, 40, unit="personnes"),
            IndicatorInput(IndicatorKind.QUALITATIVE, "Gouvernance", "Informelle", "SCIC"),
        ],
    )
    quant, qual = agreement.indicators.order_by("order")
    assert (quant.baseline_value, quant.target_value, quant.unit) == (0, 40, "personnes")
    assert (qual.baseline_text, qual.target_text) == ("Informelle", "SCIC")


@pytest.mark.parametrize("trait", ["submitted", "under_instruction", "proposed", "rejected"])
def test_only_an_accepted_application(instructor, trait):
    with pytest.raises(ValidationError, match="Only an accepted application"):
        create(instructor, application=ApplicationFactory(**{trait: True}))


def test_one_agreement_per_application(instructor):
    agreement = create(instructor)
    with pytest.raises(ValidationError, match="already has an agreement"):
        create(instructor, application=agreement.application)


def test_period_must_end_after_start(instructor):
    with pytest.raises(ValidationError, match="end after it starts"):
        create(instructor, starts_on=today(), ends_on=today())


def test_only_instructors_create(instructor):
    for user in (UserFactory(holder=True), UserFactory(network=True), UserFactory()):
        with pytest.raises(PermissionDenied):
            create(user)


# --- workflow --------------------------------------------------------------------------------


def test_signing_sets_date_moves_kickoff_and_makes_the_advance_payable(instructor):
    agreement = create(instructor)
    signed_on = agreement.starts_on + D(days=10)
    services.agreement_sign(agreement=agreement, signed_on=signed_on, by=instructor)
    agreement.refresh_from_db()
    assert (agreement.state, agreement.signed_on) == ("signed", signed_on)
    assert meeting(agreement, "kickoff").planned_on == signed_on
    assert [t.state for t in agreement.tranches.all()] == ["payable", "scheduled", "scheduled"]
    events = list(agreement.logs.values_list("event", "to_state"))
    assert ("state_changed", "signed") in events
    assert ("tranche_payable", "payable") in events


def test_moves_outside_the_table_are_refused(instructor):
    agreement = create(instructor)
    with pytest.raises(ValidationError, match="cannot go from"):
        services.agreement_transition(agreement=agreement, to="closed", by=instructor)


def test_termination_needs_a_reason(instructor):
    agreement = create(instructor)
    with pytest.raises(ValidationError, match="reason"):
        services.agreement_transition(agreement=agreement, to="terminated", by=instructor)
    services.agreement_transition(
        agreement=agreement, to="terminated", by=instructor, reason="Projet abandonné"
    )
    agreement.refresh_from_db()
    assert agreement.state == "terminated"


def test_closing_needs_the_final_review_approved(instructor):
    agreement = signed(instructor)
    with pytest.raises(ValidationError, match="final review is approved"):
        services.agreement_transition(agreement=agreement, to="closed", by=instructor)
    for kind in ("kickoff", "midterm", "final"):
        record(meeting(agreement, kind), instructor)
    services.agreement_transition(agreement=agreement, to="closed", by=instructor)
    agreement.refresh_from_db()
    assert agreement.state == "closed"


def test_signed_agreement_needs_a_signature_date_in_db(instructor):
    agreement = create(instructor)
    agreement.state = AgreementState.SIGNED
    with pytest.raises(IntegrityError), transaction.atomic():
        agreement.save()


# --- meetings --------------------------------------------------------------------------------


def test_meeting_dates_are_editable_until_held(instructor):
    agreement = signed(instructor)
    midterm = meeting(agreement, "midterm")
    new = midterm.planned_on + D(days=14)
    services.milestone_reschedule(milestone=midterm, planned_on=new, by=instructor, reason="Été")
    midterm.refresh_from_db()
    assert midterm.planned_on == new
    assert agreement.logs.filter(event=AgreementEvent.MEETING_RESCHEDULED).count() == 1
    kickoff = record(meeting(agreement, "kickoff"), instructor)
    with pytest.raises(ValidationError, match="was held"):
        services.milestone_reschedule(milestone=kickoff, planned_on=new, by=instructor)


def test_recording_a_meeting_stores_participants_minutes_values_and_decision(instructor):
    agreement = signed(instructor)
    ind = IndicatorFactory(agreement=agreement)
    kickoff = record(
        meeting(agreement, "kickoff"),
        instructor,
        values=[ValueInput(ind, value=Decimal("12"), comment="Après trois mois")],
    )
    assert kickoff.decision == APPROVED
    assert kickoff.participants and kickoff.minutes and kickoff.decided_by == instructor
    assert kickoff.values.get().value == 12
    assert agreement.logs.filter(event="meeting_recorded", to_state="approved").count() == 1


def test_meetings_are_held_in_order(instructor):
    agreement = signed(instructor)
    with pytest.raises(ValidationError, match="previous meetings"):
        record(meeting(agreement, "midterm"), instructor)


def test_meetings_need_a_signed_agreement(instructor):
    agreement = create(instructor)
    with pytest.raises(ValidationError, match="signed agreement"):
        record(meeting(agreement, "kickoff"), instructor)


def test_a_meeting_cannot_be_recorded_in_the_future(instructor):
    agreement = signed(instructor)
    with pytest.raises(ValidationError, match="before it is held"):
        record(meeting(agreement, "kickoff"), instructor, held_on=today() + D(days=1))


def test_final_review_needs_every_indicator(instructor):
    agreement = signed(instructor)
    quant = IndicatorFactory(agreement=agreement)
    qual = IndicatorFactory(agreement=agreement, qualitative=True)
    record(meeting(agreement, "kickoff"), instructor)
    record(meeting(agreement, "midterm"), instructor)
    final = meeting(agreement, "final")
    with pytest.raises(ValidationError, match="every indicator"):
        record(final, instructor, values=[ValueInput(quant, value=Decimal(38))])
    with pytest.raises(ValidationError, match="needs a number"):
        record(final, instructor, values=[ValueInput(quant, text="beaucoup")])
    record(
        final,
        instructor,
        values=[ValueInput(quant, value=Decimal(38)), ValueInput(qual, text="SCIC créée")],
    )
    assert final.values.count() == 2


def test_indicator_of_another_agreement_refused(instructor):
    agreement = signed(instructor)
    other = IndicatorFactory()
    with pytest.raises(ValidationError, match="not one of this agreement"):
        record(meeting(agreement, "kickoff"), instructor, values=[ValueInput(other, value=1)])


def test_an_approved_meeting_cannot_be_recorded_again(instructor):
    agreement = signed(instructor)
    record(meeting(agreement, "kickoff"), instructor)
    with pytest.raises(ValidationError, match="already approved"):
        record(meeting(agreement, "kickoff"), instructor)


# --- payments --------------------------------------------------------------------------------


def pay(t, instructor, amount=None, paid_on=None):
    return services.tranche_pay(
        tranche=t, paid_on=paid_on or today(), amount_cents=amount or t.amount_cents, by=instructor
    )


def test_advance_paid_at_signature_records_date_and_amount(instructor):
    agreement = signed(instructor)
    paid = pay(tranche(agreement, 1), instructor)
    assert (paid.state, paid.paid_on, paid.paid_amount_cents) == ("paid", today(), 900_000)
    log = agreement.logs.get(event=AgreementEvent.TRANCHE_PAID)
    assert (log.amount_cents, log.by, log.tranche) == (900_000, instructor, paid)


def test_no_payment_before_signature(instructor):
    agreement = create(instructor)
    with pytest.raises(PaymentRefused, match="signed agreement"):
        pay(tranche(agreement, 1), instructor)


def test_tranche_payable_only_after_its_meeting_is_approved(instructor):
    agreement = signed(instructor)
    pay(tranche(agreement, 1), instructor)
    with pytest.raises(PaymentRefused) as error:
        pay(tranche(agreement, 2), instructor)
    assert error.value.message.startswith(
        "This tranche is not payable yet: it depends on the mid-funding steering committee"
    )
    assert "pending" in str(error.value)
    record(meeting(agreement, "kickoff"), instructor)
    record(meeting(agreement, "midterm"), instructor)
    assert tranche(agreement, 2).state == TrancheState.PAYABLE
    assert tranche(agreement, 3).state == TrancheState.SCHEDULED
    pay(tranche(agreement, 2), instructor)


def test_adjustments_required_blocks_the_tranche(instructor):
    agreement = signed(instructor)
    pay(tranche(agreement, 1), instructor)
    record(meeting(agreement, "kickoff"), instructor)
    record(meeting(agreement, "midterm"), instructor, decision=ADJUST)
    assert tranche(agreement, 2).state == TrancheState.SCHEDULED
    with pytest.raises(PaymentRefused, match="adjustments required"):
        pay(tranche(agreement, 2), instructor)
    # Adjustments made: the steering committee approves at a second sitting.
    record(meeting(agreement, "midterm"), instructor, decision=APPROVED)
    assert pay(tranche(agreement, 2), instructor).state == TrancheState.PAID


def test_tranches_are_paid_in_order(instructor):
    agreement = signed(instructor)
    record(meeting(agreement, "kickoff"), instructor)
    record(meeting(agreement, "midterm"), instructor)
    with pytest.raises(PaymentRefused, match="in order"):
        pay(tranche(agreement, 2), instructor)


def test_a_tranche_is_paid_once_and_within_its_amount(instructor):
    agreement = signed(instructor)
    first = tranche(agreement, 1)
    with pytest.raises(PaymentRefused, match="exceeds the tranche"):
        pay(first, instructor, amount=first.amount_cents + 1)
    with pytest.raises(PaymentRefused, match="positive"):
        services.tranche_pay(tranche=first, paid_on=today(), amount_cents=0, by=instructor)
    pay(first, instructor, amount=800_000)
    with pytest.raises(PaymentRefused, match="already paid"):
        pay(tranche(agreement, 1), instructor)


def test_total_paid_never_exceeds_the_grant(instructor):
    agreement = signed(instructor)
    # Someone raised a tranche's amount behind the services' back (admin, shell).
    PaymentTranche.objects.filter(agreement=agreement, order=3).update(amount_cents=1_000_000)
    for order in (1, 2):
        if order == 2:
            record(meeting(agreement, "kickoff"), instructor)
            record(meeting(agreement, "midterm"), instructor)
        pay(tranche(agreement, order), instructor)
    record(meeting(agreement, "final"), instructor)
    with pytest.raises(PaymentRefused, match="exceed the grant"):
        pay(tranche(agreement, 3), instructor, amount=1_000_000)
    pay(tranche(agreement, 3), instructor, amount=900_000)
    paid = sum(t.paid_amount_cents for t in agreement.tranches.all())
    assert paid == agreement.amount_cents


def test_no_payment_before_the_signature_date(instructor):
    agreement = signed(instructor)
    with pytest.raises(PaymentRefused, match="before the agreement is signed"):
        pay(tranche(agreement, 1), instructor, paid_on=agreement.signed_on - D(days=1))


def test_only_instructors_pay(instructor):
    agreement = signed(instructor)
    holder = UserFactory(holder=True, organisation=agreement.application.organisation)
    with pytest.raises(PermissionDenied):
        pay(tranche(agreement, 1), holder)


def test_tranche_amount_must_be_positive_in_db():
    agreement = AgreementFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentTranche.objects.create(agreement=agreement, order=9, label="x", amount_cents=0)


def test_a_paid_tranche_has_date_and_amount_in_db():
    agreement = AgreementFactory(signed=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentTranche.objects.filter(agreement=agreement, order=1).update(state="paid")


def test_meeting_kind_unique_per_agreement_in_db():
    agreement = AgreementFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        agreement.milestones.create(kind=MilestoneKind.KICKOFF, planned_on=today())
