"""Open data on grants in the SCDL « subventions » format (OpenDataFrance, schema 2.x).

Public bodies publish the essential data of their grant agreements above 23,000 € (décret
n° 2017-779 and arrêté du 17 novembre 2017). One row per accepted application whose grant is at
least ``SCDL_MIN_CENTS``; the columns and their formats follow the schema (``montant`` in euros
with a dot, dates ``AAAA-MM-JJ``, ``notificationUE`` ``oui``/``non``, ``pourcentageSubvention``
``1.00`` for a single beneficiary).
"""

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings

from tierslieux.calls.models import Application

SCDL_MIN_CENTS = 2_300_000

COLUMNS: tuple[str, ...] = (
    "nomAttribuant",
    "idAttribuant",
    "dateConvention",
    "referenceDecision",
    "nomBeneficiaire",
    "idBeneficiaire",
    "objet",
    "montant",
    "nature",
    "conditionsVersement",
    "datesPeriodeVersement",
    "idRAE",
    "notificationUE",
    "pourcentageSubvention",
)


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
        .select_related("organisation", "decision", "call")
        .order_by("decision__committee_on", "pk")
    )


def scdl_row(application: Application) -> dict[str, str]:
    """One SCDL row. ``dateConvention`` is the committee date until agreements are recorded."""
    name, siret = grantor()
    decision = application.decision
    period = ""
    if decision.payment_starts_on and decision.payment_ends_on:
        period = f"{decision.payment_starts_on:%Y-%m-%d}/{decision.payment_ends_on:%Y-%m-%d}"
    elif decision.payment_starts_on:
        period = f"{decision.payment_starts_on:%Y-%m-%d}"
    return {
        "nomAttribuant": name,
        "idAttribuant": siret,
        "dateConvention": f"{decision.committee_on:%Y-%m-%d}",
        "referenceDecision": decision.reference,
        "nomBeneficiaire": application.organisation.name,
        "idBeneficiaire": application.organisation.siret,
        "objet": f"{application.call.name} : {application.title}"[:256],
        "montant": str((Decimal(decision.granted_cents) / 100).quantize(Decimal("0.01"))),
        "nature": "aide en numéraire",
        "conditionsVersement": "échelonné",
        "datesPeriodeVersement": period,
        "idRAE": "",
        "notificationUE": "non",
        "pourcentageSubvention": "1.00",
    }


def scdl_rows() -> list[dict[str, str]]:
    return [scdl_row(a) for a in scdl_applications()]


def scdl_csv() -> str:
    """The SCDL file: UTF-8 CSV, comma-separated, header row first."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(scdl_rows())
    return out.getvalue()
