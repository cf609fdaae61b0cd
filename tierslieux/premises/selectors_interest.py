"""Reads of the match between offers and projects (ADR 0032): a project's eligibility, the
interests an authority sees, the projects a holder may speak for, the projects near an offer."""

from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import QuerySet

from tierslieux.agreements.models import JournalEntry, ProjectStage
from tierslieux.calls.models import Application
from tierslieux.calls.rules import creation_eligibility
from tierslieux.calls.workflow import ApplicationState
from tierslieux.core.permissions import has_role, user_can
from tierslieux.core.roles import Role
from tierslieux.premises import rules
from tierslieux.premises.models import PremisesInterest, PremisesOffer
from tierslieux.premises.rules import ProjectEligibility
from tierslieux.territory import mesh

CURRENT_APPLICATION_STATES = (
    ApplicationState.DRAFT,
    ApplicationState.SUBMITTED,
    ApplicationState.UNDER_INSTRUCTION,
    ApplicationState.CHANGES_REQUESTED,
    ApplicationState.PROPOSED,
    ApplicationState.ACCEPTED,
)
"""Applications a holder may speak for (not rejected nor withdrawn)."""
NEARBY_APPLICATION_STATES = (ApplicationState.DRAFT, ApplicationState.SUBMITTED)
EMERGING_STAGES = (ProjectStage.IDEA, ProjectStage.EMERGENCE, ProjectStage.STRUCTURING)
NEARBY_BOX_DEGREES = 1.0
"""Projects farther than this in latitude or longitude are never within the threshold."""


@dataclass(frozen=True)
class InterestEligibility:
    ami: ProjectEligibility
    """Eligible to the AMI: works support may be offered."""
    creation: ProjectEligibility
    """A creation project at this building: no open place within the call's threshold."""
    threshold_minutes: float


def _project_application(interest: PremisesInterest) -> Application | None:
    if interest.application_id:
        return interest.application
    if interest.journal_entry_id:
        return interest.journal_entry.application
    return None


def interest_eligibility(
    interest: PremisesInterest, *, offer: PremisesOffer | None = None
) -> InterestEligibility:
    """The project's eligibility to the AMI (collective, service offer, business model) and to
    creation at the offered building (the call's threshold, else the deployment's)."""
    offer = offer or interest.offer
    application = _project_application(interest)
    if application is None:
        ami = rules.ami_eligibility(has_application=False)
        threshold = float(settings.MESH_THRESHOLD_MINUTES)
    else:
        ami = rules.ami_eligibility(
            has_application=True,
            collective=application.collective,
            service_offer=application.service_offer,
            business_model=application.business_model,
            refused=application.state in (ApplicationState.REJECTED, ApplicationState.WITHDRAWN),
        )
        threshold = float(application.call.carence_minutes)
    creation = creation_eligibility(offer.minutes_to_nearest_place, threshold_minutes=threshold)
    return InterestEligibility(
        ami=ami,
        creation=ProjectEligibility(tuple(creation.reasons)),
        threshold_minutes=threshold,
    )


@dataclass(frozen=True)
class InterestRow:
    interest: PremisesInterest
    eligibility: InterestEligibility


def offer_interests(*, user: Any, offer: PremisesOffer) -> list[InterestRow]:
    """The projects interested in ``offer`` with their eligibility: its managers only."""
    if not user_can(user, "premises.interest_decide", offer):
        return []
    interests = offer.interests.select_related(
        "organisation",
        "application__call",
        "journal_entry__application__call",
        "agreement",
    ).order_by("created_at", "pk")
    return [InterestRow(i, interest_eligibility(i, offer=offer)) for i in interests]


def holder_interests(*, user: Any, offer: PremisesOffer) -> QuerySet[PremisesInterest]:
    """The interests ``user``'s organisation expressed in ``offer``."""
    org = getattr(user, "organisation_id", None)
    if org is None or not has_role(user, Role.HOLDER):
        return PremisesInterest.objects.none()
    return offer.interests.filter(organisation_id=org).order_by("-created_at", "pk")


def holder_interests_all(*, user: Any) -> QuerySet[PremisesInterest]:
    """Every interest ``user``'s organisation expressed, newest first (its start page)."""
    org = getattr(user, "organisation_id", None)
    if org is None or not has_role(user, Role.HOLDER):
        return PremisesInterest.objects.none()
    return (
        PremisesInterest.objects.filter(organisation_id=org)
        .select_related("offer")
        .order_by("-created_at", "pk")
    )


def interest_get(*, user: Any, pk: int) -> PremisesInterest | None:
    """An interest ``user`` may act on (its holder or the offer's managers), else None."""
    interest = (
        PremisesInterest.objects.select_related("offer", "application", "journal_entry")
        .filter(pk=pk)
        .first()
    )
    if interest is None:
        return None
    if user_can(user, "premises.interest_decide", interest) or user_can(
        user, "premises.interest_withdraw", interest
    ):
        return interest
    return None


@dataclass(frozen=True)
class HolderProjects:
    applications: tuple[Application, ...]
    entries: tuple[JournalEntry, ...]
    """One entry per project of the pipeline (its latest), projects not funded nor abandoned."""

    def __bool__(self) -> bool:
        return bool(self.applications or self.entries)


def holder_projects(*, user: Any) -> HolderProjects:
    """The projects a holder may express interest for: its organisation's current
    applications and the projects of the pipeline followed for its organisation."""
    org = getattr(user, "organisation_id", None)
    if org is None or not user_can(user, "premises.interest_express"):
        return HolderProjects((), ())
    applications = Application.objects.filter(
        organisation_id=org, state__in=CURRENT_APPLICATION_STATES
    ).order_by("title", "pk")
    latest: dict[tuple[str, str], JournalEntry] = {}
    entries = JournalEntry.objects.filter(organisation_id=org, application__isnull=True)
    for entry in entries.select_related("place").order_by("happened_on", "pk"):
        latest[entry.project_key] = entry
    current = [e for e in latest.values() if e.stage in EMERGING_STAGES]
    return HolderProjects(tuple(applications), tuple(current))


@dataclass(frozen=True)
class NearbyProject:
    label: str
    kind: str
    """``application`` or ``pipeline``."""
    state: str
    minutes: float


@dataclass(frozen=True)
class NearbyProjects:
    threshold_minutes: float
    drafts: int
    submitted: int
    pipeline: int
    rows: tuple[NearbyProject, ...]
    """Named only for the Région's staff; the authority sees the counts."""


def _within(
    offer: PremisesOffer, points: list[tuple[float, float]], params: mesh.MeshParams
) -> np.ndarray:
    if not points:
        return np.zeros(0)
    lon = np.array([p[0] for p in points], dtype=np.float64)
    lat = np.array([p[1] for p in points], dtype=np.float64)
    return mesh.travel_model(params).minutes_matrix([offer.lon], [offer.lat], lon, lat)[0]


def offer_nearby_projects(*, user: Any, offer: PremisesOffer) -> NearbyProjects | None:
    """The draft and submitted applications and the emerging projects of the pipeline within
    the deployment's threshold of ``offer``; None for those who do not manage it."""
    if not user_can(user, "premises.offer_manage", offer):
        return None
    named = bool(getattr(user, "is_superuser", False)) or has_role(user, Role.INSTRUCTOR)
    params = mesh.MeshParams.from_settings()
    applications = [
        a
        for a in Application.objects.filter(state__in=NEARBY_APPLICATION_STATES)
        .select_related("commune", "call")
        .order_by("pk")
        if a.point is not None
        and abs(a.point[0] - offer.lon) <= NEARBY_BOX_DEGREES
        and abs(a.point[1] - offer.lat) <= NEARBY_BOX_DEGREES
    ]
    latest: dict[tuple[str, str], JournalEntry] = {}
    entries = JournalEntry.objects.filter(application__isnull=True, commune__isnull=False)
    for entry in entries.select_related("commune", "place").order_by("happened_on", "pk"):
        latest[entry.project_key] = entry
    pipeline = [
        e
        for e in latest.values()
        if e.stage in EMERGING_STAGES
        and abs(e.commune.lon - offer.lon) <= NEARBY_BOX_DEGREES
        and abs(e.commune.lat - offer.lat) <= NEARBY_BOX_DEGREES
    ]
    app_minutes = _within(offer, [a.point for a in applications], params)
    entry_minutes = _within(offer, [(e.commune.lon, e.commune.lat) for e in pipeline], params)
    rows: list[NearbyProject] = []
    drafts = submitted = in_pipeline = 0
    for application, minutes in zip(applications, app_minutes, strict=True):
        if minutes > params.minutes:
            continue
        if application.state == ApplicationState.DRAFT:
            drafts += 1
        else:
            submitted += 1
            if named:
                rows.append(
                    NearbyProject(
                        application.title,
                        "application",
                        application.get_state_display(),
                        round(float(minutes), 1),
                    )
                )
    for entry, minutes in zip(pipeline, entry_minutes, strict=True):
        if minutes > params.minutes:
            continue
        in_pipeline += 1
        if named:
            rows.append(
                NearbyProject(
                    entry.project_key_label,
                    "pipeline",
                    entry.get_stage_display(),
                    round(float(minutes), 1),
                )
            )
    rows.sort(key=lambda r: (r.minutes, r.label.lower()))
    return NearbyProjects(params.minutes, drafts, submitted, in_pipeline, tuple(rows))
