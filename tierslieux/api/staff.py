"""Summaries for the Région's own tools (BI): applications and agreements, staff only.

A token (or a session) of an instructor is needed (``calls.application_instruct`` /
``agreements.agreement_manage``, else 403); the rows are read through the apps' selectors with
the caller, so the object rules of ``core.permissions.user_can`` (which applications and
agreements a user may see) apply as on the pages.
"""

import datetime
from typing import Any

from django.db.models import Q, Sum
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from tierslieux.agreements.models import TrancheState
from tierslieux.agreements.selectors import agreement_list
from tierslieux.agreements.workflow import AgreementState
from tierslieux.api.auth import write_auth
from tierslieux.api.schemas import PUBLIC_ERRORS, ErrorOut
from tierslieux.calls.selectors import application_list
from tierslieux.calls.workflow import ApplicationState
from tierslieux.core.permissions import user_can

router = Router(tags=["pilotage (staff)"])

MAX_LIMIT = 200
STAFF_ERRORS = {**PUBLIC_ERRORS, 403: ErrorOut}


class StaffPageIn(Schema):
    limit: int = Field(100, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=1_000_000)


class ApplicationFilters(StaffPageIn):
    appel: int | None = Field(None, ge=1, le=2**63 - 1, description="Id of a call.")
    etat: ApplicationState | None = None


class ApplicationSummaryOut(Schema):
    id: int = Field(ge=1)
    titre: str
    appel_id: int = Field(ge=1)
    appel: str
    annee: int
    etat: ApplicationState
    porteur: str
    commune_insee: str | None = Field(pattern=r"^(\d{5}|2[AB]\d{3})$")
    departement: str | None = Field(pattern=r"^(\d{2,3}|2[AB])$")
    depose_le: datetime.datetime | None = Field(description="Submitted at (null for a draft).")
    montant_accorde_centimes: int | None = Field(description="Grant decided, if any.")


class ApplicationSummaryPage(Schema):
    count: int = Field(ge=0)
    items: list[ApplicationSummaryOut]


class AgreementFilters(StaffPageIn):
    etat: AgreementState | None = None


class AgreementSummaryOut(Schema):
    id: int = Field(ge=1)
    reference: str
    candidature_id: int = Field(ge=1)
    porteur: str
    etat: AgreementState
    montant_centimes: int = Field(ge=0)
    verse_centimes: int = Field(ge=0, description="Paid so far (paid tranches).")
    debut: datetime.date
    fin: datetime.date
    signee_le: datetime.date | None


class AgreementSummaryPage(Schema):
    count: int = Field(ge=0)
    items: list[AgreementSummaryOut]


def _require(user: Any, action: str) -> None:
    if not user_can(user, action):
        raise HttpError(403, _("Only the Région's staff may read these summaries."))


def _granted(application: Any) -> int | None:
    decision = getattr(application, "decision", None)
    return decision.granted_cents if decision is not None else None


@router.get(
    "/pilotage/candidatures",
    auth=write_auth,
    response={200: ApplicationSummaryPage, **STAFF_ERRORS},
    summary="Applications, summarised (staff)",
    operation_id="staff_applications",
    url_name="staff_applications",
)
def staff_applications_view(request: HttpRequest, filters: Query[ApplicationFilters]) -> Any:
    """The applications the caller may see (drafts are never shown to staff), newest first."""
    user = request.auth
    _require(user, "calls.application_instruct")
    rows = application_list(user=user, state=filters.etat or "").select_related("decision")
    if filters.appel is not None:
        rows = rows.filter(call_id=filters.appel)
    page = list(rows[filters.offset : filters.offset + filters.limit])
    return {
        "count": rows.count(),
        "items": [
            {
                "id": a.pk,
                "titre": a.title,
                "appel_id": a.call_id,
                "appel": a.call.name,
                "annee": a.call.year,
                "etat": a.state,
                "porteur": a.organisation.name,
                "commune_insee": a.commune_id,
                "departement": a.commune.departement_id if a.commune_id else None,
                "depose_le": a.submitted_at,
                "montant_accorde_centimes": _granted(a),
            }
            for a in page
            if user_can(user, "calls.application_view", a)
        ],
    }


@router.get(
    "/pilotage/conventions",
    auth=write_auth,
    response={200: AgreementSummaryPage, **STAFF_ERRORS},
    summary="Agreements (conventions), summarised (staff)",
    operation_id="staff_agreements",
    url_name="staff_agreements",
)
def staff_agreements_view(request: HttpRequest, filters: Query[AgreementFilters]) -> Any:
    """The agreements the caller may see, latest start first, with the amount paid so far."""
    user = request.auth
    _require(user, "agreements.agreement_manage")
    rows = agreement_list(user=user, state=filters.etat or "").annotate(
        paid=Sum(
            "tranches__paid_amount_cents", filter=Q(tranches__state=TrancheState.PAID), default=0
        )
    )
    page = list(rows[filters.offset : filters.offset + filters.limit])
    return {
        "count": rows.count(),
        "items": [
            {
                "id": a.pk,
                "reference": a.reference,
                "candidature_id": a.application_id,
                "porteur": a.application.organisation.name,
                "etat": a.state,
                "montant_centimes": a.amount_cents,
                "verse_centimes": a.paid,
                "debut": a.starts_on,
                "fin": a.ends_on,
                "signee_le": a.signed_on,
            }
            for a in page
            if user_can(user, "agreements.agreement_view", a)
        ],
    }
