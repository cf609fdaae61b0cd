"""SCDL « subventions » columns taken from the agreement once it is recorded: the signature
date (``dateConvention``) and the payment schedule (``conditionsVersement``,
``datesPeriodeVersement``)."""

import csv
import datetime
import io
import re

import pytest

from tests.agreements.factories import AgreementFactory
from tierslieux.agreements import scdl
from tierslieux.agreements.models import MilestoneDecision, PaymentTranche, TrancheState

pytestmark = pytest.mark.django_db

PERIOD = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(/[0-9]{4}-[0-9]{2}-[0-9]{2})?$")


def agreement(**kwargs):
    return AgreementFactory(
        starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2027, 12, 31), **kwargs
    )


def row_of(application):
    rows = list(csv.DictReader(io.StringIO(scdl.scdl_csv())))
    (row,) = [r for r in rows if r["objet"].endswith(application.title)]
    return row


def test_without_an_agreement_the_committee_date_stays():
    draft = agreement()
    row = row_of(draft.application)
    assert row["dateConvention"] == f"{draft.application.decision.committee_on:%Y-%m-%d}"
    # a draft agreement already gives its planned schedule
    assert row["conditionsVersement"] == "échelonné"
    assert row["datesPeriodeVersement"] == "2026-01-01/2027-12-31"


def test_a_signed_agreement_gives_the_signature_date_and_its_payment_period():
    signed = agreement(signed=True)
    signed.signed_on = datetime.date(2026, 1, 15)
    signed.save()
    row = row_of(signed.application)
    assert row["dateConvention"] == "2026-01-15"
    assert row["conditionsVersement"] == "échelonné"
    # advance at signature ... balance after the final review planned on 31 Dec 2027
    assert row["datesPeriodeVersement"] == "2026-01-15/2027-12-31"
    assert PERIOD.match(row["datesPeriodeVersement"])


def test_paid_tranches_and_held_meetings_move_the_period():
    signed = agreement(signed=True)
    PaymentTranche.objects.filter(agreement=signed, order=1).update(
        state=TrancheState.PAID, paid_on=datetime.date(2026, 2, 3), paid_amount_cents=900_000
    )
    final = signed.milestones.get(kind="final")
    final.held_on = datetime.date(2028, 1, 20)
    final.decision = MilestoneDecision.APPROVED
    final.save()
    (row,) = [r for r in scdl.scdl_rows() if r["referenceDecision"]]
    assert row["datesPeriodeVersement"] == "2026-02-03/2028-01-20"


def test_a_single_tranche_is_a_unique_payment_dated_once_paid():
    signed = agreement(signed=True)
    PaymentTranche.objects.filter(agreement=signed, order__gt=1).delete()
    PaymentTranche.objects.filter(agreement=signed).update(amount_cents=signed.amount_cents)
    row = row_of(signed.application)
    assert row["conditionsVersement"] == "unique"
    assert row["datesPeriodeVersement"] == "2026-01-01/2027-12-31"

    PaymentTranche.objects.filter(agreement=signed).update(
        state=TrancheState.PAID,
        paid_on=datetime.date(2026, 3, 1),
        paid_amount_cents=signed.amount_cents,
    )
    row = row_of(signed.application)
    assert row["datesPeriodeVersement"] == "2026-03-01"
