"""Open data on grants in the SCDL « subventions » format (OpenDataFrance, schema 2.1.1).

The columns, their order and their constraints are those of the published schema, written as a
Table Schema in ``data/schemas/scdl-subventions-2.1.1.schema.json`` (the tests validate the file
against it with frictionless). 2.1.1 adds two columns to 1.1: ``rnaBeneficiaire`` (the
organisation's RNA number, for associations that have one) and ``dispositifAide`` (the aid
scheme the grant comes from: the call's name).

This module sits in ``agreements`` since it reads the agreements (signature, tranches): the
calls app, below, must not import it (it used to be ``calls/scdl.py``).

Public bodies publish the essential data of their grant agreements above 23,000 € (décret
n° 2017-779 and arrêté du 17 novembre 2017). One row per accepted application whose grant is at
least ``SCDL_MIN_CENTS``; the columns and their formats follow the schema (``montant`` in euros
with a dot, dates ``AAAA-MM-JJ``, ``notificationUE`` ``oui``/``non``, ``pourcentageSubvention``
``1.00`` for a single beneficiary).

Once an agreement (convention) is recorded, ``dateConvention`` is its signature date and the
payment columns come from its tranches: ``conditionsVersement`` ``unique`` or ``échelonné``,
``datesPeriodeVersement`` the date of a single tranche once paid, else the period from the
first to the last tranche's date (paid on, else expected: the signature for the advance, the
meeting it depends on — held or planned — for the others).
"""

import csv
import datetime
import io
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist

from tierslieux.agreements.models import Agreement, Milestone, PaymentTranche
from tierslieux.calls.models import Application
from tierslieux.core.exports import spreadsheet_safe

SCDL_MIN_CENTS = 2_300_000

COLUMNS: tuple[str, ...] = (
    "nomAttribuant",
    "idAttribuant",
    "dateConvention",
    "referenceDecision",
    "nomBeneficiaire",
    "idBeneficiaire",
    "rnaBeneficiaire",
    "objet",
    "montant",
    "nature",
    "conditionsVersement",
    "datesPeriodeVersement",
    "idRAE",
    "notificationUE",
    "pourcentageSubvention",
    "dispositifAide",
)
OBJECT_MAX_LENGTH = 256


def grantor() -> tuple[str, str]:
    """Name and SIRET of the body granting the aid (settings, else the Région's)."""
    return (
        getattr(settings, "CALLS_GRANTOR_NAME", "Région Nouvelle-Aquitaine"),
        getattr(settings, "CALLS_GRANTOR_SIRET", "20005375900011"),
    )


def scdl_applications() -> Iterable[Application]:
    """Accepted applications whose grant must be published."""
    return (
        Application.objects.funded()
        .filter(decision__granted_cents__gte=SCDL_MIN_CENTS)
        .select_related("organisation", "decision", "call", "agreement")
        .prefetch_related("agreement__tranches", "agreement__milestones")
        .order_by("decision__committee_on", "pk")
    )


def _agreement(application: Application) -> Agreement | None:
    """The application's agreement, if one is recorded."""
    try:
        return application.agreement
    except ObjectDoesNotExist:
        return None


def _tranche_date(
    tranche: PaymentTranche, meetings: dict[str, Milestone], agreement: Agreement
) -> datetime.date:
    """When a tranche was paid, else when it is expected (signature, or its meeting's date)."""
    if tranche.paid_on:
        return tranche.paid_on
    if not tranche.depends_on:
        return agreement.signed_on or agreement.starts_on
    meeting = meetings.get(tranche.depends_on)
    if meeting is None:
        return agreement.ends_on
    return meeting.held_on or meeting.planned_on


def agreement_payment_columns(agreement: Agreement) -> tuple[str, str]:
    """``conditionsVersement`` and ``datesPeriodeVersement`` from an agreement's tranches."""
    tranches = sorted(agreement.tranches.all(), key=lambda t: t.order)
    if not tranches:
        return "unique", f"{agreement.starts_on:%Y-%m-%d}/{agreement.ends_on:%Y-%m-%d}"
    meetings = {m.kind: m for m in agreement.milestones.all()}
    dates = sorted(_tranche_date(t, meetings, agreement) for t in tranches)
    if len(tranches) == 1:
        if tranches[0].paid_on:
            return "unique", f"{dates[0]:%Y-%m-%d}"
        return "unique", f"{dates[0]:%Y-%m-%d}/{max(dates[0], agreement.ends_on):%Y-%m-%d}"
    return "échelonné", f"{dates[0]:%Y-%m-%d}/{dates[-1]:%Y-%m-%d}"


def scdl_row(application: Application) -> dict[str, str]:
    """One SCDL row: ``dateConvention`` and the payment columns come from the agreement once
    it is recorded (signature date, tranches), else from the committee's decision."""
    name, siret = grantor()
    decision = application.decision
    date_convention = decision.committee_on
    conditions = "échelonné"
    period = ""
    if decision.payment_starts_on and decision.payment_ends_on:
        period = f"{decision.payment_starts_on:%Y-%m-%d}/{decision.payment_ends_on:%Y-%m-%d}"
    elif decision.payment_starts_on:
        period = f"{decision.payment_starts_on:%Y-%m-%d}"
    else:
        # No schedule known yet (the column is required by 2.1.1): the decision's date, the
        # earliest day a payment can be made.
        period = f"{decision.committee_on:%Y-%m-%d}"
    agreement = _agreement(application)
    if agreement is not None:
        if agreement.signed_on:
            date_convention = agreement.signed_on
        conditions, period = agreement_payment_columns(agreement)
    return {
        "nomAttribuant": name,
        "idAttribuant": siret,
        "dateConvention": f"{date_convention:%Y-%m-%d}",
        "referenceDecision": decision.reference,
        "nomBeneficiaire": application.organisation.name,
        "idBeneficiaire": application.organisation.siret,
        "rnaBeneficiaire": application.organisation.rna,
        "objet": f"{application.call.name} : {application.title}"[:OBJECT_MAX_LENGTH],
        "montant": str((Decimal(decision.granted_cents) / 100).quantize(Decimal("0.01"))),
        "nature": "aide en numéraire",
        "conditionsVersement": conditions,
        "datesPeriodeVersement": period,
        "idRAE": "",
        "notificationUE": "non",
        "pourcentageSubvention": "1.00",
        "dispositifAide": application.call.name,
    }


def scdl_rows() -> list[dict[str, str]]:
    return [scdl_row(a) for a in scdl_applications()]


def scdl_csv() -> str:
    """The SCDL file: UTF-8 CSV, comma-separated, header row first."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({k: spreadsheet_safe(v) for k, v in row.items()} for row in scdl_rows())
    return out.getvalue()
